-- A vendor invited again in a new evaluation of the same question set starts from its last
-- submitted answers. Each carried answer names where it came from until the vendor confirms or
-- changes it; any save of the answer clears the mark.
ALTER TABLE answers ADD COLUMN carried_from TEXT;
