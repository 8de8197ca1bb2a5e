-- A vendor that honestly does not know an answer yet says so, with a short reason. The answer's
-- value stays NULL, so the cost model prices it exactly as silence; the reason is kept apart from
-- the value and in the history like any other change.
ALTER TABLE answers ADD COLUMN not_known TEXT;
ALTER TABLE answer_history ADD COLUMN not_known TEXT;
