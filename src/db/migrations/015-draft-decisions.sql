-- What an import left for a person to decide (a requirement placed by default, an estimate to
-- check), kept with the draft until it is published or discarded.
ALTER TABLE question_set_drafts ADD COLUMN decisions TEXT NOT NULL DEFAULT '[]';
