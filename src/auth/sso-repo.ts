import { nowIso, type Db } from "../db/index.js";
import { hashToken } from "../crypto.js";
import type { Grant } from "./sso-config.js";
import { userColumns, type User } from "./users.js";

/** A sign-in sent to the identity provider, kept until its answer comes back (auth/sso.ts). */
export interface SsoAttempt {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
}

/** Keeps an attempt under the hash of the browser's cookie value, for `minutes`; old attempts are swept. */
export function saveAttempt(db: Db, cookie: string, attempt: SsoAttempt, minutes: number): void {
  const now = new Date();
  db.transaction(() => {
    db.prepare("DELETE FROM sso_attempts WHERE expires_at <= ?").run(nowIso(now));
    db.prepare(
      "INSERT INTO sso_attempts (id, state, nonce, code_verifier, next, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    ).run(
      hashToken(cookie),
      attempt.state,
      attempt.nonce,
      attempt.codeVerifier,
      attempt.next,
      nowIso(new Date(now.getTime() + minutes * 60_000)),
    );
  })();
}

/** Takes the attempt named by the cookie, once: it is deleted in the same step, so a replayed answer finds nothing. */
export function takeAttempt(db: Db, cookie: string, now = new Date()): SsoAttempt | undefined {
  const row = db
    .prepare(
      "DELETE FROM sso_attempts WHERE id = ? RETURNING state, nonce, code_verifier AS codeVerifier, next, expires_at AS expiresAt",
    )
    .get(hashToken(cookie)) as (SsoAttempt & { expiresAt: string }) | undefined;
  if (!row || row.expiresAt <= nowIso(now)) return undefined;
  const { expiresAt: _expired, ...attempt } = row;
  return attempt;
}

export function findUserBySubject(db: Db, issuer: string, subject: string): User | undefined {
  return db
    .prepare(`SELECT ${userColumns} FROM users WHERE sso_issuer = ? AND sso_subject = ?`)
    .get(issuer, subject) as User | undefined;
}

/** Links an account to the provider's subject (its first SSO sign-in, found by its email). */
export function linkSubject(db: Db, userId: number, issuer: string, subject: string): void {
  db.prepare("UPDATE users SET sso_issuer = ?, sso_subject = ? WHERE id = ?").run(issuer, subject, userId);
}

/** Sets the role the provider's groups grant; a change ends the user's other sessions, which were opened under the old role. */
export function applyGrant(db: Db, user: User, grant: Grant): boolean {
  if (user.role === grant.role && user.committeeRole === grant.committeeRole) return false;
  db.prepare("UPDATE users SET role = ?, committee_role = ? WHERE id = ?").run(
    grant.role,
    grant.committeeRole,
    user.id,
  );
  db.prepare("DELETE FROM sessions WHERE user_id = ?").run(user.id);
  return true;
}

/** Ends every session of a user (its access was withdrawn at the provider). */
export function endUserSessions(db: Db, userId: number): void {
  db.prepare("DELETE FROM sessions WHERE user_id = ?").run(userId);
}

/** Keeps the ID token of an SSO session, for the provider's sign-out. */
export function setSessionIdToken(db: Db, sessionRaw: string, idToken: string): void {
  db.prepare("UPDATE sessions SET sso_id_token = ? WHERE id = ?").run(idToken, hashToken(sessionRaw));
}

export function sessionIdToken(db: Db, sessionRaw: string): string | undefined {
  return (
    (db.prepare("SELECT sso_id_token FROM sessions WHERE id = ?").pluck().get(hashToken(sessionRaw)) as
      string | null | undefined) ?? undefined
  );
}
