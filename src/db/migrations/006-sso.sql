-- Single sign-on (auth/sso.ts). A user signed in through the identity provider is linked to it by
-- the provider's stable subject, never by email alone after the first sign-in.
ALTER TABLE users ADD COLUMN sso_issuer TEXT;
ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_sso ON users(sso_issuer, sso_subject) WHERE sso_subject IS NOT NULL;
-- A break-glass administrator (created from the command line) may sign in with a password when
-- SSO_ONLY is on; single sign-on never changes or links it.
ALTER TABLE users ADD COLUMN break_glass INTEGER NOT NULL DEFAULT 0 CHECK (break_glass IN (0, 1));

-- A sign-in sent to the provider and not yet back: one row per attempt, found by the hash of a
-- random value kept in the browser's cookie, deleted when the provider's answer is read (used once).
CREATE TABLE sso_attempts (
  id            TEXT PRIMARY KEY,
  state         TEXT NOT NULL,
  nonce         TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  next          TEXT NOT NULL,
  expires_at    TEXT NOT NULL
);

-- The ID token of a session signed in by SSO, sent back as the hint of the provider's sign-out.
ALTER TABLE sessions ADD COLUMN sso_id_token TEXT;
