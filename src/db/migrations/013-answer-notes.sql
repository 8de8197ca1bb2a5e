-- A vendor may add a note to any answer: context for the buyer that does not fit the answer's
-- field (a caveat, where a figure comes from). The note is kept apart from the value, so it never
-- changes what the cost model reads, and in the history like any other change.
ALTER TABLE answers ADD COLUMN note TEXT;
ALTER TABLE answer_history ADD COLUMN note TEXT;
