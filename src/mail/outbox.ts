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
const RETRY_MINUTES = [1, 5, 15, 60, 240, 720];

/** Queues a message in the outbox, in the caller's transaction; returns its id, or null when its dedupe key was already used. */
/** What each kind of message is, as the outbox names it (the kind itself stays the stored key). */
const KIND_LABELS: Record<string, string> = {
  invitation: "Vendor invitation",
  reminder: "Reminder to a vendor",
  delegation: "Section handed to a colleague",
  handed_back: "Section finished by a colleague",
  clarification: "Clarification request",
  reopened: "Questionnaire reopened",
  submission_receipt: "Submission receipt",
  user_invitation: "Account invitation",
  audit_head: "Audit checkpoint",
};

/** A message kind in words; an unknown kind as it is stored. */
export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

export function enqueue(db: Db, config: Pick<Config, "SMTP_URL" | "sessionSecret">, m: NewMessage): number | null {
  const r = db
    .prepare(
      `INSERT INTO email_outbox (evaluation_id, vendor_id, kind, dedupe_key, to_addr, subject, body_text, link_enc, vendor_link_id, status, next_attempt_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    )
    .run(
      m.evaluationId ?? null,
      m.vendorId ?? null,
      m.kind,
      m.dedupeKey ?? null,
      m.to,
      m.subject,
      m.body,
      m.link ? seal(m.link, config.sessionSecret) : null,
      m.vendorLinkId ?? null,
      config.SMTP_URL ? "pending" : "held",
      nowIso(),
    );
  return r.changes ? Number(r.lastInsertRowid) : null;
}

const columns = `id, evaluation_id AS evaluationId, vendor_id AS vendorId, kind, dedupe_key AS dedupeKey, to_addr AS toAddr, subject, body_text AS bodyText,
  link_enc AS linkEnc, vendor_link_id AS vendorLinkId, status, attempts, last_error AS lastError, next_attempt_at AS nextAttemptAt, sent_at AS sentAt, created_at AS createdAt`;

/** Messages newest first (older than `before` when given); for the buyer's outbox page, limited to the evaluations they can see. */
export function listOutbox(
  db: Db,
  opts: { evaluationIds?: number[]; limit?: number; before?: number } = {},
): OutboxMessage[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (opts.evaluationIds) {
    if (opts.evaluationIds.length === 0) return [];
    where.push(`evaluation_id IN (${opts.evaluationIds.map(() => "?").join(",")})`);
    args.push(...opts.evaluationIds);
  }
  if (opts.before !== undefined) (where.push("id < ?"), args.push(opts.before));
  return db
    .prepare(
      `SELECT ${columns} FROM email_outbox ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id DESC LIMIT ?`,
    )
    .all(...args, opts.limit ?? 200) as OutboxMessage[];
}

export function findMessage(db: Db, id: number): OutboxMessage | undefined {
  return db.prepare(`SELECT ${columns} FROM email_outbox WHERE id = ?`).get(id) as OutboxMessage | undefined;
}

/** The message's text with its link filled in; a revoked or unreadable link is said so instead. */
export function renderBody(db: Db, secret: string, m: OutboxMessage): { text: string; link: string | null } {
  let link: string | null = m.linkEnc ? (unseal(m.linkEnc, secret) ?? null) : null;
  if (link && m.vendorLinkId !== null) {
    const l = db.prepare("SELECT revoked_at AS revokedAt FROM vendor_links WHERE id = ?").get(m.vendorLinkId) as
      { revokedAt: string | null } | undefined;
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
  const transport = nodemailer.createTransport(config.SMTP_URL, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  } as never);
  return { send: (m) => transport.sendMail(m) };
}

/** How long a claim holds: longer than any send can take with the transport's timeouts. */
const LEASE_MINUTES = 60;

/**
 * Claims up to `limit` due messages, atomically: one UPDATE marks them claimed and returns them, so a
 * message is handed to one sender only, whatever the number of passes or processes running.
 */
function claimDue(db: Db, limit: number, now: Date, except: ReadonlySet<number>): OutboxMessage[] {
  if (limit <= 0) return [];
  const at = nowIso(now);
  const skip = [...except];
  return db
    .prepare(
      `UPDATE email_outbox SET claimed_until = ?
      WHERE id IN (SELECT id FROM email_outbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
        AND (claimed_until IS NULL OR claimed_until <= ?) ${skip.length ? `AND id NOT IN (${skip.map(() => "?").join(",")})` : ""} ORDER BY id LIMIT ?)
      RETURNING ${columns}`,
    )
    .all(nowIso(new Date(now.getTime() + LEASE_MINUTES * 60_000)), at, at, ...skip, limit) as OutboxMessage[];
}

/**
 * Sends the outbox's due messages, each once. A message is claimed before it is sent and released
 * when its outcome is written (sent, or its error and next attempt), so passes never overlap on a
 * message; up to `concurrency` messages are in flight at once, each on its own, so that one slow
 * delivery holds up one slot, not the rest of the mail. If the process dies between the SMTP
 * server's acceptance and the write, the claim expires after an hour and the message goes again:
 * delivery is at least once, and exactly once whenever the process lives.
 */
export class OutboxSender {
  private readonly inFlight = new Set<number>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly mailer: Mailer | null,
    private readonly config: Pick<Config, "MAIL_FROM" | "sessionSecret">,
    private readonly logger?: Logger,
    private readonly concurrency = 4,
    /** The server's sender: a freed slot takes the next due message at once instead of at the next tick. */
    private readonly continuous = false,
  ) {}

  /** Starts sending what is due, as far as free slots allow; resolves when those sends are done. */
  tick(now = new Date()): Promise<{ sent: number; failed: number }> {
    if (!this.mailer || this.stopped) return Promise.resolve({ sent: 0, failed: 0 });
    const claimed = claimDue(this.db, this.concurrency - this.inFlight.size, now, this.inFlight);
    return Promise.all(claimed.map((m) => this.send(m, now))).then((ok) => ({
      sent: ok.filter(Boolean).length,
      failed: ok.filter((x) => !x).length,
    }));
  }

  /** Takes no new message from now on (sends in flight finish). */
  stop(): void {
    this.stopped = true;
  }

  /** Sends until nothing due is left (for tests and the CLI). */
  async drain(now = new Date()): Promise<{ sent: number; failed: number }> {
    const total = { sent: 0, failed: 0 };
    for (;;) {
      const r = await this.tick(now);
      if (r.sent + r.failed === 0) return total;
      total.sent += r.sent;
      total.failed += r.failed;
    }
  }

  private async send(m: OutboxMessage, now: Date): Promise<boolean> {
    this.inFlight.add(m.id);
    try {
      await this.mailer!.send({
        from: this.config.MAIL_FROM,
        to: m.toAddr,
        subject: m.subject,
        text: renderBody(this.db, this.config.sessionSecret, m).text,
      });
      this.db
        .prepare(
          "UPDATE email_outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, claimed_until = NULL WHERE id = ?",
        )
        .run(nowIso(), m.id);
      return true;
    } catch (err) {
      const attempts = m.attempts + 1;
      const delay = RETRY_MINUTES[attempts - 1];
      this.db
        .prepare(
          "UPDATE email_outbox SET attempts = ?, last_error = ?, status = ?, next_attempt_at = ?, claimed_until = NULL WHERE id = ?",
        )
        .run(
          attempts,
          String((err as Error).message ?? err).slice(0, 500),
          delay === undefined ? "failed" : "pending",
          delay === undefined ? null : nowIso(new Date(now.getTime() + delay * 60_000)),
          m.id,
        );
      this.logger?.warn({ id: m.id, attempts, err: (err as Error).message }, "email send failed");
      return false;
    } finally {
      this.inFlight.delete(m.id);
      if (this.continuous)
        setImmediate(() => void this.tick().catch((err) => this.logger?.error({ err }, "outbox failed")));
    }
  }
}

/** Sends everything due now and waits for it (tests and one-off runs; the server keeps one OutboxSender). */
export function processOutbox(
  db: Db,
  mailer: Mailer | null,
  config: Pick<Config, "MAIL_FROM" | "sessionSecret">,
  logger?: Logger,
  now = new Date(),
): Promise<{ sent: number; failed: number }> {
  return new OutboxSender(db, mailer, config, logger).drain(now);
}

/** Puts a failed or held message back in the queue now. */
export function retryMessage(db: Db, id: number, smtpConfigured: boolean): void {
  db.prepare(
    "UPDATE email_outbox SET status = ?, next_attempt_at = ? WHERE id = ? AND status IN ('failed', 'held', 'pending')",
  ).run(smtpConfigured ? "pending" : "held", nowIso(), id);
}
