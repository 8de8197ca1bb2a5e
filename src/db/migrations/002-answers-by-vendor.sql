-- Answers stored in (vendor, question) order: a vendor's answers sit together in one b-tree, so a
-- page or the cost model reads them with one descent, and a save updates one b-tree instead of a
-- table and its unique index. Nothing refers to an answer's row id.
CREATE TABLE answers_by_vendor (
  vendor_id    INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
  question_key TEXT NOT NULL,
  value        TEXT,          -- JSON; NULL once cleared
  revision     INTEGER NOT NULL DEFAULT 1,
  updated_by   TEXT NOT NULL,
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (vendor_id, question_key)
) WITHOUT ROWID;
INSERT INTO answers_by_vendor (vendor_id, question_key, value, revision, updated_by, updated_at)
  SELECT vendor_id, question_key, value, revision, updated_by, updated_at FROM answers;
DROP TABLE answers;
ALTER TABLE answers_by_vendor RENAME TO answers;
