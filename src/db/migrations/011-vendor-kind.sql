-- An option is a vendor's offer, or one the buyer's own team answers through the same
-- questionnaire: building it in-house, or a bought platform run by the buyer's team.
ALTER TABLE vendors ADD COLUMN kind TEXT NOT NULL DEFAULT 'vendor' CHECK (kind IN ('vendor', 'build', 'platform'));
