-- A message is claimed before it is sent (audit-free, see mail/outbox.ts): until claimed_until no
-- other pass, in this process or another, may send it.
ALTER TABLE email_outbox ADD COLUMN claimed_until TEXT;
