import type { Db } from "../db/index.js";
import { nowIso, sql } from "../db/index.js";

export interface ClarificationMessage {
  id: number;
  authorKind: "buyer" | "vendor";
  authorName: string;
  body: string;
  createdAt: string;
}

export interface Clarification {
  id: number;
  vendorId: number;
  questionKey: string;
  visibility: "vendor" | "internal";
  status: "open" | "resolved";
  createdAt: string;
  resolvedAt: string | null;
  messages: ClarificationMessage[];
}

/** A vendor's clarifications with their messages; `vendorView` leaves out internal notes. */
export function listClarifications(db: Db, vendorId: number, opts: { vendorView?: boolean } = {}): Clarification[] {
  const rows = sql(
    db,
    `SELECT id, vendor_id AS vendorId, question_key AS questionKey, visibility, status, created_at AS createdAt, resolved_at AS resolvedAt
      FROM clarifications WHERE vendor_id = ? ${opts.vendorView ? "AND visibility = 'vendor'" : ""} ORDER BY status = 'resolved', id DESC`,
  ).all(vendorId) as Omit<Clarification, "messages">[];
  const msgs = sql(db, "SELECT id, author_kind AS authorKind, author_name AS authorName, body, created_at AS createdAt FROM clarification_messages WHERE clarification_id = ? ORDER BY id");
  return rows.map((r) => ({ ...r, messages: msgs.all(r.id) as ClarificationMessage[] }));
}

export function findClarification(db: Db, id: number): Omit<Clarification, "messages"> | undefined {
  return db.prepare(`SELECT id, vendor_id AS vendorId, question_key AS questionKey, visibility, status, created_at AS createdAt, resolved_at AS resolvedAt FROM clarifications WHERE id = ?`).get(id) as
    | Omit<Clarification, "messages">
    | undefined;
}

/** Opens a clarification on a question with its first message. */
export function openClarification(db: Db, c: { vendorId: number; questionKey: string; visibility: "vendor" | "internal"; userId: number; authorName: string; body: string }): number {
  const id = Number(db.prepare("INSERT INTO clarifications (vendor_id, question_key, visibility, created_by) VALUES (?, ?, ?, ?)").run(c.vendorId, c.questionKey, c.visibility, c.userId).lastInsertRowid);
  addMessage(db, id, { authorKind: "buyer", userId: c.userId, authorName: c.authorName, body: c.body });
  return id;
}

export function addMessage(db: Db, clarificationId: number, m: { authorKind: "buyer" | "vendor"; userId?: number; linkId?: number; authorName: string; body: string }): void {
  db.prepare("INSERT INTO clarification_messages (clarification_id, author_kind, author_user_id, author_link_id, author_name, body) VALUES (?, ?, ?, ?, ?, ?)").run(
    clarificationId, m.authorKind, m.userId ?? null, m.linkId ?? null, m.authorName, m.body,
  );
}

export function resolveClarification(db: Db, id: number, userId: number): void {
  db.prepare("UPDATE clarifications SET status = 'resolved', resolved_by = ?, resolved_at = ? WHERE id = ?").run(userId, nowIso(), id);
}
