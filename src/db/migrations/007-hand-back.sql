-- A colleague given one section (a delegated link) says when they have finished it, and the main
-- contact sees so on the questionnaire's overview.
ALTER TABLE vendor_links ADD COLUMN handed_back_at TEXT;
