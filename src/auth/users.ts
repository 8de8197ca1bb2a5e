import type { Db } from "../db/index.js";
import { nowIso, sql } from "../db/index.js";
import type { Role } from "../domain.js";
import { hashToken, newToken } from "../crypto.js";

const USER_ROLES = ["admin", "buyer", "committee"] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface User {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  committeeRole: Role | null;
  passwordHash: string | null;
  disabledAt: string | null;
  createdAt: string;
  /** Linked to the identity provider (auth/sso.ts): its subject, else null. */
  ssoSubject: string | null;
  /** A break-glass administrator: may sign in with a password when SSO_ONLY is on. */
  breakGlass: 0 | 1;
}

/** The columns of a user row as its fields (for queries that join users). */
export const userColumns = `id, email, name, role, committee_role AS committeeRole, password_hash AS passwordHash, disabled_at AS disabledAt, created_at AS createdAt, sso_subject AS ssoSubject, break_glass AS breakGlass`;

export function countUsers(db: Db): number {
  return db.prepare("SELECT count(*) FROM users").pluck().get() as number;
}

export function findUser(db: Db, id: number): User | undefined {
  return sql(db, `SELECT ${userColumns} FROM users WHERE id = ?`).get(id) as User | undefined;
}

export function findUserByEmail(db: Db, email: string): User | undefined {
  return db.prepare(`SELECT ${userColumns} FROM users WHERE email = ?`).get(email.trim()) as User | undefined;
}

export function listUsers(db: Db): User[] {
  return db.prepare(`SELECT ${userColumns} FROM users ORDER BY disabled_at IS NOT NULL, role, name`).all() as User[];
}

export interface NewUser {
  email: string;
  name: string;
  role: UserRole;
  committeeRole?: Role | null;
  passwordHash?: string | null;
  breakGlass?: boolean;
  sso?: { issuer: string; subject: string };
}

export function insertUser(db: Db, u: NewUser): number {
  const values = [
    u.email.trim(),
    u.name.trim(),
    u.role,
    u.committeeRole ?? null,
    u.passwordHash ?? null,
    u.breakGlass ? 1 : 0,
    u.sso?.issuer ?? null,
    u.sso?.subject ?? null,
  ];
  const insert = db.prepare(
    "INSERT INTO users (email, name, role, committee_role, password_hash, break_glass, sso_issuer, sso_subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  return Number(insert.run(...values).lastInsertRowid);
}

export function setPassword(db: Db, userId: number, passwordHash: string): void {
  db.prepare("UPDATE users SET password_hash = ? WHERE id = ?").run(passwordHash, userId);
}

export function setDisabled(db: Db, userId: number, disabled: boolean): void {
  db.prepare("UPDATE users SET disabled_at = ? WHERE id = ?").run(disabled ? nowIso() : null, userId);
  if (disabled) db.prepare("DELETE FROM sessions WHERE user_id = ?").run(userId);
}

export interface UserToken {
  id: number;
  userId: number | null;
  purpose: "setup" | "invite" | "reset";
  expiresAt: string;
  usedAt: string | null;
}

/** Creates a one-time set-password token; returns the token (only its hash is stored). */
export function createUserToken(
  db: Db,
  userId: number | null,
  purpose: UserToken["purpose"],
  validHours: number,
): string {
  const token = newToken();
  db.prepare("INSERT INTO user_tokens (user_id, token_hash, purpose, expires_at) VALUES (?, ?, ?, ?)").run(
    userId,
    hashToken(token),
    purpose,
    nowIso(new Date(Date.now() + validHours * 3600_000)),
  );
  return token;
}

/** A token that exists, is unused and has not expired. */
export function findLiveUserToken(db: Db, token: string, now = new Date()): UserToken | undefined {
  const t = db
    .prepare(
      "SELECT id, user_id AS userId, purpose, expires_at AS expiresAt, used_at AS usedAt FROM user_tokens WHERE token_hash = ?",
    )
    .get(hashToken(token)) as UserToken | undefined;
  return t && !t.usedAt && t.expiresAt > nowIso(now) ? t : undefined;
}

/**
 * Uses a one-time token up, atomically: of any number of concurrent uses exactly one gets true.
 * Call inside the transaction of what the token allows, after any slow work (the password hash),
 * so that the check and the write are one step.
 */
export function consumeUserToken(db: Db, id: number, now = new Date()): boolean {
  return (
    db
      .prepare("UPDATE user_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?")
      .run(nowIso(now), id, nowIso(now)).changes === 1
  );
}

/** API tokens: a user's key for the JSON read API. */
export function createApiToken(db: Db, userId: number, name: string, createdBy: number): string {
  const token = "tc_" + newToken(32);
  db.prepare("INSERT INTO api_tokens (user_id, name, token_hash, created_by) VALUES (?, ?, ?, ?)").run(
    userId,
    name,
    hashToken(token),
    createdBy,
  );
  return token;
}

export function findUserByApiToken(db: Db, token: string): User | undefined {
  const row = db
    .prepare("SELECT id, user_id AS userId FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL")
    .get(hashToken(token)) as { id: number; userId: number } | undefined;
  if (!row) return undefined;
  db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(nowIso(), row.id);
  const user = findUser(db, row.userId);
  return user && !user.disabledAt ? user : undefined;
}

export interface ApiTokenRow {
  id: number;
  userId: number;
  userName: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function listApiTokens(db: Db): ApiTokenRow[] {
  return db
    .prepare(
      `SELECT t.id, t.user_id AS userId, u.name AS userName, t.name, t.created_at AS createdAt, t.last_used_at AS lastUsedAt, t.revoked_at AS revokedAt
    FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.revoked_at IS NOT NULL, t.id DESC`,
    )
    .all() as ApiTokenRow[];
}

export function revokeApiToken(db: Db, id: number): boolean {
  return (
    db.prepare("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(nowIso(), id).changes > 0
  );
}

/** Every user's id and name, for pages that name actors. */
export function listUserNames(db: Db): { id: number; name: string }[] {
  return sql(db, "SELECT id, name FROM users").all() as { id: number; name: string }[];
}
