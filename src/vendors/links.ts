import { nowIso, sql, type Db } from "../db/index.js";
import type { Role } from "../domain.js";
import { hashToken, newToken, seal, unseal } from "../crypto.js";

export interface VendorLink {
  id: number;
  vendorId: number;
  role: Role | null;
  holderName: string;
  holderEmail: string;
  expiresAt: string;
  revokedAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  tokenEnc: string;
  /** When the colleague holding a delegated link said the section is finished; null until then. */
  handedBackAt: string | null;
}

/** The columns of a link row as its fields (for queries that join links). */
const linkColumns = `id, vendor_id AS vendorId, role, holder_name AS holderName, holder_email AS holderEmail, expires_at AS expiresAt,
  revoked_at AS revokedAt, created_at AS createdAt, last_used_at AS lastUsedAt, token_enc AS tokenEnc,
  handed_back_at AS handedBackAt`;

/** The address a link's token opens. */
export function linkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/v/${token}`;
}

/** Default expiry of a vendor link: the end of the day 14 days after the due date. */
export function defaultExpiry(dueDate: string): string {
  const d = new Date(`${dueDate}T23:59:59.000Z`);
  d.setUTCDate(d.getUTCDate() + 14);
  return nowIso(d);
}

/** Creates a link (main contact when role is null, else a delegated section); returns it with its token, of which only a hash is kept. */
export function createLink(
  db: Db,
  secret: string,
  l: { vendorId: number; role: Role | null; holderName: string; holderEmail: string; expiresAt: string },
): { id: number; token: string } {
  const token = newToken(24);
  const id = Number(
    sql(
      db,
      "INSERT INTO vendor_links (vendor_id, token_hash, token_enc, role, holder_name, holder_email, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).run(l.vendorId, hashToken(token), seal(token, secret), l.role, l.holderName, l.holderEmail, l.expiresAt)
      .lastInsertRowid,
  );
  return { id, token };
}

/** The link a token opens, found by its hash (the index lookup compares whole digests); undefined when unknown. */
export function findLinkByToken(db: Db, token: string): VendorLink | undefined {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return undefined;
  return sql(db, `SELECT ${linkColumns} FROM vendor_links WHERE token_hash = ?`).get(hashToken(token)) as
    VendorLink | undefined;
}

export function findLink(db: Db, id: number): VendorLink | undefined {
  return sql(db, `SELECT ${linkColumns} FROM vendor_links WHERE id = ?`).get(id) as VendorLink | undefined;
}

export function listLinks(db: Db, vendorId: number): VendorLink[] {
  return sql(
    db,
    `SELECT ${linkColumns} FROM vendor_links WHERE vendor_id = ? ORDER BY revoked_at IS NOT NULL, role IS NOT NULL, id DESC`,
  ).all(vendorId) as VendorLink[];
}

/** The live main-contact link of a vendor. */
export function mainLink(db: Db, vendorId: number, now = new Date()): VendorLink | undefined {
  return sql(
    db,
    `SELECT ${linkColumns} FROM vendor_links WHERE vendor_id = ? AND role IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC LIMIT 1`,
  ).get(vendorId, nowIso(now)) as VendorLink | undefined;
}

/** Whether a link opens the questionnaire now. */
export function isLive(l: Pick<VendorLink, "revokedAt" | "expiresAt">, now = new Date()): boolean {
  return !l.revokedAt && l.expiresAt > nowIso(now);
}

/** The token behind a link, for repeating it in a reminder. */
export function linkToken(l: VendorLink, secret: string): string | undefined {
  return unseal(l.tokenEnc, secret);
}

/**
 * Revokes a link. Its sessions stay, but open nothing: every portal request reads the link with its
 * session and refuses a dead one (portal/access.ts), so a browser that held it is told the link no
 * longer works, rather than that its session ended.
 */
export function revokeLink(db: Db, id: number): void {
  sql(db, "UPDATE vendor_links SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(nowIso(), id);
}

export function extendLink(db: Db, id: number, expiresAt: string): void {
  sql(db, "UPDATE vendor_links SET expires_at = ? WHERE id = ?").run(expiresAt, id);
}

export function touchLink(db: Db, id: number): void {
  sql(db, "UPDATE vendor_links SET last_used_at = ? WHERE id = ?").run(nowIso(), id);
}

/** The unrevoked links a vendor handed out for a section. */
export function sectionLinkIds(db: Db, vendorId: number, role: string): number[] {
  return sql(db, "SELECT id FROM vendor_links WHERE vendor_id = ? AND role = ? AND revoked_at IS NULL")
    .pluck()
    .all(vendorId, role) as number[];
}

/** The live delegated links of a vendor, one per section at most (a new delegation revokes the old). */
export function listDelegations(db: Db, vendorId: number): VendorLink[] {
  return sql(
    db,
    `SELECT ${linkColumns} FROM vendor_links WHERE vendor_id = ? AND role IS NOT NULL AND revoked_at IS NULL ORDER BY id`,
  ).all(vendorId) as VendorLink[];
}

/** Records that the colleague holding a delegated link has finished its section. */
export function handBack(db: Db, linkId: number, now = new Date()): void {
  sql(db, "UPDATE vendor_links SET handed_back_at = ? WHERE id = ?").run(nowIso(now), linkId);
}
