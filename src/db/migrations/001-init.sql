-- The whole design's schema. Money is integer minor units; the currency sits on the evaluation.
-- Timestamps are ISO-8601 UTC text; JSON columns hold validated documents.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'buyer', 'committee')),
  committee_role TEXT CHECK (committee_role IN ('cto', 'cfo', 'product', 'procurement')),
  password_hash TEXT,
  disabled_at   TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One-time links to set a password (first admin, invited users); only a hash is stored.
-- The first admin's setup link has no user yet.
CREATE TABLE user_tokens (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
  token_hash  TEXT NOT NULL UNIQUE,
  purpose     TEXT NOT NULL CHECK (purpose IN ('setup', 'invite', 'reset')),
  expires_at  TEXT NOT NULL,
  used_at     TEXT,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  created_by   INTEGER REFERENCES users(id),
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_used_at TEXT,
  revoked_at   TEXT
);

-- Server-side sessions for buyers (user_id) and vendors (vendor_link_id); id is a hash of the cookie value.
CREATE TABLE sessions (
  id             TEXT PRIMARY KEY,
  user_id        INTEGER REFERENCES users(id) ON DELETE CASCADE,
  vendor_link_id INTEGER REFERENCES vendor_links(id) ON DELETE CASCADE,
  created_at     TEXT NOT NULL,
  last_seen_at   TEXT NOT NULL,
  expires_at     TEXT NOT NULL,
  CHECK ((user_id IS NULL) <> (vendor_link_id IS NULL))
);
CREATE INDEX sessions_user ON sessions(user_id);

-- A question set version: content is the parsed file, frozen; a changed file is a new row.
CREATE TABLE question_sets (
  id           INTEGER PRIMARY KEY,
  set_key      TEXT NOT NULL,
  version      INTEGER NOT NULL,
  content_hash TEXT NOT NULL UNIQUE,
  title        TEXT NOT NULL,
  source_file  TEXT NOT NULL,
  content      TEXT NOT NULL,
  loaded_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (set_key, version)
);

CREATE TABLE questions (
  id              INTEGER PRIMARY KEY,
  question_set_id INTEGER NOT NULL REFERENCES question_sets(id),
  key             TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('cto', 'cfo', 'product', 'procurement')),
  position        INTEGER NOT NULL,
  type            TEXT NOT NULL,
  layer           TEXT,
  phase           TEXT,
  required        INTEGER NOT NULL,
  definition      TEXT NOT NULL,
  UNIQUE (question_set_id, key)
);

CREATE TABLE evaluations (
  id                  INTEGER PRIMARY KEY,
  title               TEXT NOT NULL,
  description         TEXT NOT NULL DEFAULT '',
  tier                TEXT NOT NULL CHECK (tier IN ('pilot', 'production', 'system_of_record')),
  horizon_years       INTEGER NOT NULL CHECK (horizon_years BETWEEN 1 AND 10),
  currency            TEXT NOT NULL CHECK (length(currency) = 3),
  value_estimate_minor INTEGER CHECK (value_estimate_minor IS NULL OR value_estimate_minor >= 0),
  day_rate_minor      INTEGER NOT NULL CHECK (day_rate_minor >= 0),
  due_date            TEXT NOT NULL,
  question_set_id     INTEGER NOT NULL REFERENCES question_sets(id),
  roles               TEXT NOT NULL,             -- JSON array of role ids sent
  assumptions         TEXT NOT NULL DEFAULT '{}', -- JSON overrides, key -> number
  settings            TEXT NOT NULL DEFAULT '{}', -- JSON: sensitivity range, evidence rule
  status              TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed', 'decided')),
  created_by          INTEGER REFERENCES users(id),
  created_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  closed_at           TEXT
);
CREATE INDEX evaluations_created ON evaluations(created_at DESC);

-- Who works on an evaluation: buyers own it, committee members read, comment and sign off.
CREATE TABLE evaluation_members (
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (evaluation_id, user_id)
);

CREATE TABLE vendors (
  id              INTEGER PRIMARY KEY,
  evaluation_id   INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  contact_name    TEXT NOT NULL,
  contact_email   TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'in_progress', 'submitted', 'declined')),
  submitted_at    TEXT,
  submission_hash TEXT,
  declined_reason TEXT,
  reopen_reason   TEXT,
  progress        TEXT NOT NULL DEFAULT '{}', -- JSON role -> {answered, required}, kept current by every save
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX vendors_evaluation ON vendors(evaluation_id);

-- Access links: role IS NULL is the main contact; a role is a section delegated to a colleague.
-- token_hash finds a link; token_enc (AES-GCM under a key derived from the session secret) lets
-- reminders repeat the link, so the database alone never reveals a working token.
CREATE TABLE vendor_links (
  id            INTEGER PRIMARY KEY,
  vendor_id     INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
  token_hash    TEXT NOT NULL UNIQUE,
  token_enc     TEXT NOT NULL,
  role          TEXT CHECK (role IN ('cto', 'cfo', 'product', 'procurement')),
  holder_name   TEXT NOT NULL,
  holder_email  TEXT NOT NULL,
  expires_at    TEXT NOT NULL,
  revoked_at    TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  last_used_at  TEXT
);
CREATE INDEX vendor_links_vendor ON vendor_links(vendor_id);

CREATE TABLE answers (
  id           INTEGER PRIMARY KEY,
  vendor_id    INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
  question_key TEXT NOT NULL,
  value        TEXT,          -- JSON; NULL once cleared
  revision     INTEGER NOT NULL DEFAULT 1,
  updated_by   TEXT NOT NULL,
  updated_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (vendor_id, question_key)
);

-- Every change of an answer, append-only.
CREATE TABLE answer_history (
  id           INTEGER PRIMARY KEY,
  vendor_id    INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
  question_key TEXT NOT NULL,
  revision     INTEGER NOT NULL,
  value        TEXT,
  changed_by   TEXT NOT NULL,
  changed_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (vendor_id, question_key, revision)
);
CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history
BEGIN SELECT RAISE(ABORT, 'answer_history is append-only'); END;
CREATE TRIGGER answer_history_no_delete BEFORE DELETE ON answer_history
WHEN (SELECT count(*) FROM vendors WHERE id = OLD.vendor_id) > 0
BEGIN SELECT RAISE(ABORT, 'answer_history is append-only'); END;

CREATE TABLE attachments (
  id            INTEGER PRIMARY KEY,
  vendor_id     INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
  question_key  TEXT NOT NULL,
  original_name TEXT NOT NULL,
  stored_name   TEXT NOT NULL UNIQUE,
  mime_type     TEXT NOT NULL,
  size_bytes    INTEGER NOT NULL,
  sha256        TEXT NOT NULL,
  uploaded_by   TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  deleted_at    TEXT
);
CREATE INDEX attachments_vendor ON attachments(vendor_id, question_key);

CREATE TABLE clarifications (
  id           INTEGER PRIMARY KEY,
  vendor_id    INTEGER NOT NULL REFERENCES vendors(id) ON DELETE CASCADE,
  question_key TEXT NOT NULL,
  visibility   TEXT NOT NULL CHECK (visibility IN ('vendor', 'internal')),
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  created_by   INTEGER REFERENCES users(id),
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  resolved_by  INTEGER REFERENCES users(id),
  resolved_at  TEXT
);
CREATE INDEX clarifications_vendor ON clarifications(vendor_id);

CREATE TABLE clarification_messages (
  id               INTEGER PRIMARY KEY,
  clarification_id INTEGER NOT NULL REFERENCES clarifications(id) ON DELETE CASCADE,
  author_kind      TEXT NOT NULL CHECK (author_kind IN ('buyer', 'vendor')),
  author_user_id   INTEGER REFERENCES users(id),
  author_link_id   INTEGER REFERENCES vendor_links(id),
  author_name      TEXT NOT NULL,
  body             TEXT NOT NULL,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Append-only, hash-chained: hash = sha256(prev_hash || canonical row).
CREATE TABLE audit_log (
  id            INTEGER PRIMARY KEY,
  evaluation_id INTEGER,
  actor         TEXT NOT NULL,
  action        TEXT NOT NULL,
  detail        TEXT NOT NULL DEFAULT '{}',
  created_at    TEXT NOT NULL,
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL
);
CREATE INDEX audit_log_evaluation ON audit_log(evaluation_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE email_outbox (
  id              INTEGER PRIMARY KEY,
  evaluation_id   INTEGER REFERENCES evaluations(id) ON DELETE SET NULL,
  vendor_id       INTEGER REFERENCES vendors(id) ON DELETE SET NULL,
  kind            TEXT NOT NULL,
  dedupe_key      TEXT UNIQUE,     -- e.g. reminder:vendor:7:days-1, so a step is never sent twice
  to_addr         TEXT NOT NULL,
  subject         TEXT NOT NULL,
  body_text       TEXT NOT NULL,   -- {{link}} stands for the link in link_enc, filled in when sent or shown
  link_enc        TEXT,            -- the message's link, encrypted like vendor_links.token_enc
  vendor_link_id  INTEGER REFERENCES vendor_links(id) ON DELETE SET NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'held')), -- held: no SMTP_URL
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT,
  next_attempt_at TEXT,
  sent_at         TEXT,
  created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX email_outbox_pending ON email_outbox(status, next_attempt_at);

CREATE TABLE reports (
  id            INTEGER PRIMARY KEY,
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  sha256        TEXT NOT NULL,
  file_name     TEXT NOT NULL,
  size_bytes    INTEGER NOT NULL,
  generated_by  TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE comments (
  id            INTEGER PRIMARY KEY,
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  user_id       INTEGER NOT NULL REFERENCES users(id),
  body          TEXT NOT NULL,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE decisions (
  id            INTEGER PRIMARY KEY,
  evaluation_id INTEGER NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
  outcome       TEXT NOT NULL CHECK (outcome IN ('approve', 'approve_with_conditions', 'reject_all')),
  vendor_id     INTEGER REFERENCES vendors(id),
  conditions    TEXT,
  reason        TEXT NOT NULL,
  status        TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'recorded', 'withdrawn')),
  created_by    INTEGER NOT NULL REFERENCES users(id),
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  recorded_at   TEXT
);

CREATE TABLE decision_signatures (
  decision_id    INTEGER NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
  user_id        INTEGER NOT NULL REFERENCES users(id),
  committee_role TEXT NOT NULL CHECK (committee_role IN ('cto', 'cfo', 'product', 'procurement')),
  signed_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (decision_id, user_id)
);
