-- A revision round: the buyer sends a submitted vendor some of its negotiation asks, the vendor's
-- questionnaire reopens for those questions only, and the vendor resubmits. Each round keeps the
-- model's input for every vendor when it was sent (`before`) and when the vendor resubmitted
-- (`after`), so that both rounds' figures can be computed again and earlier rounds stay readable.
CREATE TABLE revision_rounds (
  id             INTEGER PRIMARY KEY,
  evaluation_id  INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  vendor_id      INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
  number         INTEGER NOT NULL,
  question_keys  TEXT NOT NULL,
  before         TEXT NOT NULL,
  after          TEXT,
  status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resubmitted')),
  created_by     INTEGER REFERENCES users(id),
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  resubmitted_at TEXT,
  UNIQUE (vendor_id, number)
);
CREATE INDEX revision_rounds_by_evaluation ON revision_rounds (evaluation_id, id);
-- At most one open round per vendor.
CREATE UNIQUE INDEX revision_rounds_one_open ON revision_rounds (vendor_id) WHERE status = 'open';
