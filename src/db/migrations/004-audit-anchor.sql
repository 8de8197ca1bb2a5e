-- The audit chain's head, anchored with a key kept outside the database (audit/anchor.ts): the
-- newest entry's id and hash with an HMAC of both. NULL mac: not anchored yet (set at start-up).
CREATE TABLE audit_head (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  entry_id INTEGER NOT NULL,
  hash     TEXT NOT NULL,
  mac      TEXT
);
INSERT INTO audit_head (id, entry_id, hash, mac)
  SELECT 1, coalesce(max(id), 0),
    coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000'), NULL
  FROM audit_log;

-- Keyed checkpoints of the head, written at intervals, with every backup and on demand: a record of
-- where the chain stood, each with its own HMAC. Append-only like the log.
CREATE TABLE audit_checkpoints (
  id         INTEGER PRIMARY KEY,
  entry_id   INTEGER NOT NULL,
  hash       TEXT NOT NULL,
  reason     TEXT NOT NULL,
  created_at TEXT NOT NULL,
  mac        TEXT NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;
