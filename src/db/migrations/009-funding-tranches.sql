-- The committee funds an option in tranches: each row releases every funding stage up to and
-- including `through_phase` for one vendor's plan ("fund discovery and implementation now").
-- Rows are only added: a later tranche releases further stages, and the history stays readable.
CREATE TABLE funding_tranches (
  id            INTEGER PRIMARY KEY,
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  vendor_id     INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
  through_phase TEXT NOT NULL CHECK (through_phase IN ('discovery', 'implementation', 'rollout', 'operate', 'transition')),
  note          TEXT NOT NULL DEFAULT '',
  created_by    INTEGER NOT NULL REFERENCES users(id),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX funding_tranches_by_evaluation ON funding_tranches (evaluation_id, id);
