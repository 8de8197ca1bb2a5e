-- The YAML a stored version was read from: its SHA-256 is the version's content hash, so an export
-- of this text loads back as the same version. NULL for a version loaded before it was kept (a file
-- still under questions/ fills it in at the next start).
ALTER TABLE question_sets ADD COLUMN source_text TEXT;

-- A question set being edited in the browser. Content is the set as its YAML file would hold it
-- (JSON), kept as typed even while it does not validate; publishing makes it a new immutable
-- version in question_sets. Revision guards against two editors overwriting each other.
CREATE TABLE question_set_drafts (
  id         INTEGER PRIMARY KEY,
  base_id    INTEGER REFERENCES question_sets(id),
  content    TEXT NOT NULL,
  revision   INTEGER NOT NULL DEFAULT 1,
  created_by INTEGER REFERENCES users(id),
  updated_by INTEGER REFERENCES users(id),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
