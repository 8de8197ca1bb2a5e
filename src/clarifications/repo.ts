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
  /** Earlier messages left out of `messages` (a page shows the newest of a long thread). */
  earlierMessages: number;
}

/** At most this many clarifications may be open on one question of one vendor at a time. */
const MAX_OPEN_PER_QUESTION = 5;
/** A thread takes at most this many messages; a longer conversation is a new clarification. */
const MAX_MESSAGES_PER_THREAD = 200;

export interface ClarificationListing {
  /** Newest messages per thread (all when unset). */
  messagesPerThread?: number;
  /** Resolved clarifications shown per question, newest first (all when unset); the rest are counted in `resolvedLeftOut`. */
  resolvedPerQuestion?: number;
  vendorView?: boolean;
}

/**
 * A vendor's clarifications with their messages, open ones first; `vendorView` leaves out internal
 * notes. Pages bound what they show (the newest resolved per question, the newest messages per
 * thread) and link to the question's page for the rest.
 */
export function listClarifications(
  db: Db,
  vendorId: number,
  opts: ClarificationListing = {},
): Clarification[] & { resolvedLeftOut?: Map<string, number> } {
  const rows = sql(
    db,
    `SELECT id, vendor_id AS vendorId, question_key AS questionKey, visibility, status, created_at AS createdAt, resolved_at AS resolvedAt
      FROM clarifications WHERE vendor_id = ? ${opts.vendorView ? "AND visibility = 'vendor'" : ""} ORDER BY status = 'resolved', id DESC`,
  ).all(vendorId) as Omit<Clarification, "messages" | "earlierMessages">[];
  const leftOut = new Map<string, number>();
  const resolvedSeen = new Map<string, number>();
  const kept = rows.filter((r) => {
    if (r.status !== "resolved" || opts.resolvedPerQuestion === undefined) return true;
    const n = (resolvedSeen.get(r.questionKey) ?? 0) + 1;
    resolvedSeen.set(r.questionKey, n);
    if (n <= opts.resolvedPerQuestion) return true;
    leftOut.set(r.questionKey, (leftOut.get(r.questionKey) ?? 0) + 1);
    return false;
  });
  const list = kept.map((r) => ({ ...r, ...messagesOf(db, r.id, opts.messagesPerThread) })) as Clarification[] & {
    resolvedLeftOut?: Map<string, number>;
  };
  list.resolvedLeftOut = leftOut;
  return list;
}

/** A thread's newest `limit` messages (all when unset), in the order written, and how many earlier ones were left out. */
function messagesOf(
  db: Db,
  clarificationId: number,
  limit?: number,
): { messages: ClarificationMessage[]; earlierMessages: number } {
  const total = sql(db, "SELECT count(*) FROM clarification_messages WHERE clarification_id = ?")
    .pluck()
    .get(clarificationId) as number;
  const messages = sql(
    db,
    `SELECT * FROM (SELECT id, author_kind AS authorKind, author_name AS authorName, body, created_at AS createdAt
      FROM clarification_messages WHERE clarification_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`,
  ).all(clarificationId, limit ?? -1) as ClarificationMessage[];
  return { messages, earlierMessages: total - messages.length };
}

/** One page of a question's clarifications (all messages each), newest first, and how many there are. */
export function clarificationPage(
  db: Db,
  vendorId: number,
  questionKey: string,
  page: number,
  size: number,
): { clarifications: Clarification[]; total: number } {
  const total = sql(db, "SELECT count(*) FROM clarifications WHERE vendor_id = ? AND question_key = ?")
    .pluck()
    .get(vendorId, questionKey) as number;
  const rows = sql(
    db,
    `SELECT id, vendor_id AS vendorId, question_key AS questionKey, visibility, status, created_at AS createdAt, resolved_at AS resolvedAt
      FROM clarifications WHERE vendor_id = ? AND question_key = ? ORDER BY status = 'resolved', id DESC LIMIT ? OFFSET ?`,
  ).all(vendorId, questionKey, size, page * size) as Omit<Clarification, "messages" | "earlierMessages">[];
  return { clarifications: rows.map((r) => ({ ...r, ...messagesOf(db, r.id) })), total };
}

/** Why a new clarification on this question may not be opened now, or null. */
export function openingRefused(db: Db, vendorId: number, questionKey: string): string | null {
  const open = sql(
    db,
    "SELECT count(*) FROM clarifications WHERE vendor_id = ? AND question_key = ? AND status = 'open'",
  )
    .pluck()
    .get(vendorId, questionKey) as number;
  return open >= MAX_OPEN_PER_QUESTION
    ? `This question already has ${open} open clarifications: answer or resolve one of them first`
    : null;
}

/** Why a thread takes no more messages, or null. */
export function replyRefused(db: Db, clarificationId: number): string | null {
  const n = sql(db, "SELECT count(*) FROM clarification_messages WHERE clarification_id = ?")
    .pluck()
    .get(clarificationId) as number;
  return n >= MAX_MESSAGES_PER_THREAD
    ? `This thread has ${n} messages, the most one takes: resolve it and open a new clarification`
    : null;
}

export function findClarification(db: Db, id: number): Omit<Clarification, "messages"> | undefined {
  return db
    .prepare(
      `SELECT id, vendor_id AS vendorId, question_key AS questionKey, visibility, status, created_at AS createdAt, resolved_at AS resolvedAt FROM clarifications WHERE id = ?`,
    )
    .get(id) as Omit<Clarification, "messages"> | undefined;
}

/** Opens a clarification on a question with its first message. */
export function openClarification(
  db: Db,
  c: {
    vendorId: number;
    questionKey: string;
    visibility: "vendor" | "internal";
    userId: number;
    authorName: string;
    body: string;
  },
): number {
  const id = Number(
    db
      .prepare("INSERT INTO clarifications (vendor_id, question_key, visibility, created_by) VALUES (?, ?, ?, ?)")
      .run(c.vendorId, c.questionKey, c.visibility, c.userId).lastInsertRowid,
  );
  addMessage(db, id, { authorKind: "buyer", userId: c.userId, authorName: c.authorName, body: c.body });
  return id;
}

export function addMessage(
  db: Db,
  clarificationId: number,
  m: { authorKind: "buyer" | "vendor"; userId?: number; linkId?: number; authorName: string; body: string },
): void {
  db.prepare(
    "INSERT INTO clarification_messages (clarification_id, author_kind, author_user_id, author_link_id, author_name, body) VALUES (?, ?, ?, ?, ?, ?)",
  ).run(clarificationId, m.authorKind, m.userId ?? null, m.linkId ?? null, m.authorName, m.body);
}

export function resolveClarification(db: Db, id: number, userId: number): void {
  db.prepare("UPDATE clarifications SET status = 'resolved', resolved_by = ?, resolved_at = ? WHERE id = ?").run(
    userId,
    nowIso(),
    id,
  );
}

/**
 * Per vendor of an evaluation, the open clarifications whose newest message is the vendor's (the
 * buyer's turn): how many, and the question of the oldest.
 */
export function repliesWaiting(db: Db, evaluationId: number): Map<number, { count: number; questionKey: string }> {
  const rows = sql(
    db,
    `SELECT c.vendor_id AS vendorId, c.question_key AS questionKey FROM clarifications c JOIN vendors v ON v.id = c.vendor_id
      WHERE v.evaluation_id = ? AND c.status = 'open' AND (
        SELECT m.author_kind FROM clarification_messages m WHERE m.clarification_id = c.id ORDER BY m.id DESC LIMIT 1
      ) = 'vendor' ORDER BY c.id`,
  ).all(evaluationId) as { vendorId: number; questionKey: string }[];
  const out = new Map<number, { count: number; questionKey: string }>();
  for (const r of rows) {
    const seen = out.get(r.vendorId);
    if (seen) seen.count++;
    else out.set(r.vendorId, { count: 1, questionKey: r.questionKey });
  }
  return out;
}
