import nodemailer from "nodemailer";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { nowIso } from "../db/index.js";
import { seal, unseal } from "../crypto.js";
import type { Logger } from "../logger.js";

export interface OutboxMessage {
  id: number;
  evaluationId: number | null;
  vendorId: number | null;
  kind: string;
  dedupeKey: string | null;
  toAddr: string;
  subject: string;
  bodyText: string;
  linkEnc: string | null;
  vendorLinkId: number | null;
  status: "pending" | "sent" | "failed" | "held";
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface NewMessage {
  to: string;
  subject: string;
  /** Plain text; {{link}} stands for `link`, which is stored encrypted. */
  body: string;
  kind: string;
  link?: string;
  vendorLinkId?: number;
  evaluationId?: number | null;
  vendorId?: number | null;
  /** A message with the same key is never queued twice (reminder steps). */
  dedupeKey?: string;
}

/** Retry delays after a failed send, in minutes; after the last one the message is marked failed (and can be retried by hand). */
export const RETRY_MINUTES = [1, 5, 15, 60, 240, 720];

/** Queues a message in the outbox, in the caller's transaction; returns its id, or null when its dedupe key was already used. */
export function enqueue(db: Db, config: Pick<Config, "SMTP_URL" | "sessionSecret">, m: NewMessage): number | null {
  const r = db
    .prepare(`INSERT INTO email_outbox (evaluation_id, vendor_id, kind, dedupe_key, to_addr, subject, body_text, link_enc, vendor_link_id, status, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`)
    .run(m.evaluationId ?? null, m.vendorId ?? null, m.kind, m.dedupeKey ?? null, m.to, m.subject, m.body, m.link ? seal(m.link, config.sessionSecret) : null,
      m.vendorLinkId ?? null, config.SMTP_URL ? "pending" : "held", nowIso());
  return r.changes ? Number(r.lastInsertRowid) : null;
}

const columns = `id, evaluation_id AS evaluationId, vendor_id AS vendorId, kind, dedupe_key AS dedupeKey, to_addr AS toAddr, subject, body_text AS bodyText,
  link_enc AS linkEnc, vendor_link_id AS vendorLinkId, status, attempts, last_error AS lastError, next_attempt_at AS nextAttemptAt, sent_at AS sentAt, created_at AS createdAt`;

/** Messages newest first; for the buyer's outbox page, limited to the evaluations they can see. */
export function listOutbox(db: Db, opts: { evaluationIds?: number[]; limit?: number } = {}): OutboxMessage[] {
  if (opts.evaluationIds) {
    if (opts.evaluationIds.length === 0) return [];
    return db.prepare(`SELECT ${columns} FROM email_outbox WHERE evaluation_id IN (${opts.evaluationIds.map(() => "?").join(",")}) ORDER BY id DESC LIMIT ?`).all(...opts.evaluationIds, opts.limit ?? 200) as OutboxMessage[];
  }
  return db.prepare(`SELECT ${columns} FROM email_outbox ORDER BY id DESC LIMIT ?`).all(opts.limit ?? 200) as OutboxMessage[];
}

export function findMessage(db: Db, id: number): OutboxMessage | undefined {
  return db.prepare(`SELECT ${columns} FROM email_outbox WHERE id = ?`).get(id) as OutboxMessage | undefined;
}

/** The message's text with its link filled in; a revoked or unreadable link is said so instead. */
export function renderBody(db: Db, secret: string, m: OutboxMessage): { text: string; link: string | null } {
  let link: string | null = m.linkEnc ? (unseal(m.linkEnc, secret) ?? null) : null;
  if (link && m.vendorLinkId !== null) {
    const l = db.prepare("SELECT revoked_at AS revokedAt FROM vendor_links WHERE id = ?").get(m.vendorLinkId) as { revokedAt: string | null } | undefined;
    if (!l || l.revokedAt) link = null;
  }
  const text = m.bodyText.replaceAll("{{link}}", link ?? "[this link has been revoked or replaced]");
  return { text, link };
}

export interface Mailer {
  send(message: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

/** nodemailer over SMTP_URL; null when unset (messages stay in the outbox, marked held). */
export function createMailer(config: Pick<Config, "SMTP_URL">): Mailer | null {
  if (!config.SMTP_URL) return null;
  const transport = nodemailer.createTransport(config.SMTP_URL, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never);
  return { send: (m) => transport.sendMail(m) };
}

/** Sends what is due; failures are kept with their error and retried later, never dropped. */
export async function processOutbox(db: Db, mailer: Mailer | null, config: Pick<Config, "MAIL_FROM" | "sessionSecret">, logger?: Logger, now = new Date()): Promise<{ sent: number; failed: number }> {
  if (!mailer) return { sent: 0, failed: 0 };
  const due = db.prepare(`SELECT ${columns} FROM email_outbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY id LIMIT 50`).all(nowIso(now)) as OutboxMessage[];
  let sent = 0, failed = 0;
  for (const m of due) {
    try {
      await mailer.send({ from: config.MAIL_FROM, to: m.toAddr, subject: m.subject, text: renderBody(db, config.sessionSecret, m).text });
      db.prepare("UPDATE email_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?").run(nowIso(), m.id);
      sent++;
    } catch (err) {
      failed++;
      const attempts = m.attempts + 1;
      const delay = RETRY_MINUTES[attempts - 1];
      db.prepare("UPDATE email_outbox SET attempts = ?, last_error = ?, status = ?, next_attempt_at = ? WHERE id = ?").run(
        attempts, String((err as Error).message ?? err).slice(0, 500), delay === undefined ? "failed" : "pending", delay === undefined ? null : nowIso(new Date(now.getTime() + delay * 60_000)), m.id,
      );
      logger?.warn({ id: m.id, attempts, err: (err as Error).message }, "email send failed");
    }
  }
  return { sent, failed };
}

/** Puts a failed or held message back in the queue now. */
export function retryMessage(db: Db, id: number, smtpConfigured: boolean): void {
  db.prepare("UPDATE email_outbox SET status = ?, next_attempt_at = ? WHERE id = ? AND status IN ('failed', 'held', 'pending')").run(smtpConfigured ? "pending" : "held", nowIso(), id);
}
