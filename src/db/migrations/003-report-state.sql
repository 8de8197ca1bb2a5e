-- The evaluation state a report was made from (a hash of everything it prints): a request for the
-- same state returns the stored report instead of generating and storing another.
ALTER TABLE reports ADD COLUMN state_hash TEXT;
CREATE INDEX reports_state ON reports(evaluation_id, state_hash);
