import { audit } from "../audit/repo.js";
import { findUser, type User } from "../auth/users.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { findEvaluation, setEvaluationStatus, type Evaluation } from "../evaluations/repo.js";
import { enqueue } from "../mail/outbox.js";
import { totalProgress } from "../questions/progress.js";
import { getQuestionSet } from "../questions/repo.js";
import { invitationEmail, reminderEmail } from "./emails.js";
import { createLink, defaultExpiry, linkToken, linkUrl, mainLink, revokeLink } from "./links.js";
import { findVendor, type Vendor } from "./repo.js";

type Cfg = Pick<Config, "SMTP_URL" | "sessionSecret" | "baseUrl">;
type Sender = Pick<User, "name" | "email">;

/** Sends (or re-sends) a vendor's invitation: any live main link is replaced by a new one, and the evaluation opens. */
export function inviteVendor(
  db: Db,
  config: Cfg,
  e: Evaluation,
  vendor: Vendor,
  by: User,
): { linkId: number; messageId: number | null } {
  return db
    .transaction(() => {
      const old = mainLink(db, vendor.id);
      if (old) revokeLink(db, old.id);
      const link = createLink(db, config.sessionSecret, {
        vendorId: vendor.id,
        role: null,
        holderName: vendor.contactName,
        holderEmail: vendor.contactEmail,
        expiresAt: defaultExpiry(e.dueDate),
      });
      const mail = invitationEmail(e, getQuestionSet(db, e.questionSetId), vendor, by);
      const messageId = enqueue(db, config, {
        to: vendor.contactEmail,
        subject: mail.subject,
        body: mail.body,
        kind: "invitation",
        link: linkUrl(config.baseUrl, link.token),
        vendorLinkId: link.id,
        evaluationId: e.id,
        vendorId: vendor.id,
      });
      if (e.status === "draft") setEvaluationStatus(db, e.id, "open");
      audit(db, e.id, `user:${by.id}`, old ? "vendor.reinvited" : "vendor.invited", {
        vendor: vendor.name,
        to: vendor.contactEmail,
        replacedLink: old?.id ?? null,
      });
      return { linkId: link.id, messageId };
    })
    .immediate();
}

/** Queues a reminder with the vendor's current link; `step` makes it unique (automatic reminders), none for reminders by hand. */
export function remindVendor(
  db: Db,
  config: Cfg,
  e: Evaluation,
  vendor: Vendor,
  by: Sender & { id?: number },
  opts: { step?: string; now?: Date } = {},
): number | null {
  const now = opts.now ?? new Date();
  const link = mainLink(db, vendor.id, now);
  const token = link && linkToken(link, config.sessionSecret);
  if (!link || !token) return null;
  const due = Date.parse(`${e.dueDate}T23:59:59Z`);
  const daysLeft = Math.max(0, Math.ceil((due - now.getTime()) / 86400_000) - 1);
  const p = totalProgress(vendor.progress);
  const mail = reminderEmail(e, vendor, by, daysLeft, p.answered, p.required);
  return db
    .transaction(() => {
      const id = enqueue(db, config, {
        to: vendor.contactEmail,
        subject: mail.subject,
        body: mail.body,
        kind: "reminder",
        link: linkUrl(config.baseUrl, token),
        vendorLinkId: link.id,
        evaluationId: e.id,
        vendorId: vendor.id,
        dedupeKey: opts.step ? `reminder:${vendor.id}:${opts.step}` : undefined,
      });
      if (id !== null)
        audit(db, e.id, by.id ? `user:${by.id}` : "system", "vendor.reminded", {
          vendor: vendor.name,
          step: opts.step ?? "by hand",
          daysLeft,
        });
      return id;
    })
    .immediate();
}

/** The reminder step due at `now` for a due date, or null: "before-7", "before-1", then "due" on the day. */
export function reminderStep(dueDate: string, reminderDays: number[], now: Date): string | null {
  const today = now.toISOString().slice(0, 10);
  if (today === dueDate) return "due";
  if (today > dueDate) return null;
  const daysLeft = Math.round((Date.parse(`${dueDate}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86400_000);
  const passed = [...reminderDays].sort((a, b) => a - b).find((d) => daysLeft <= d);
  return passed === undefined ? null : `before-${passed}`;
}

/** Sends the automatic reminders due now: each step at most once per vendor (the dedupe key), only the latest step if some were missed. */
export function runReminders(db: Db, config: Cfg & Pick<Config, "REMINDER_DAYS">, now = new Date()): number {
  const days = config.REMINDER_DAYS.split(",").map(Number);
  const rows = db
    .prepare(
      `SELECT v.id AS vendorId, e.id AS evaluationId FROM vendors v JOIN evaluations e ON e.id = v.evaluation_id
    WHERE e.status = 'open' AND v.status IN ('invited', 'in_progress')`,
    )
    .all() as { vendorId: number; evaluationId: number }[];
  let queued = 0;
  for (const r of rows) {
    const e = findEvaluation(db, r.evaluationId)!;
    const step = reminderStep(e.dueDate, days, now);
    if (!step) continue;
    const sender = (e.createdBy && findUser(db, e.createdBy)) || { name: "Procurement", email: "" };
    if (
      remindVendor(
        db,
        config,
        e,
        findVendor(db, r.vendorId)!,
        { name: sender.name, email: sender.email },
        { step, now },
      ) !== null
    )
      queued++;
  }
  return queued;
}

/** A reminder is offered once the link has had a day to be read. */
const REMIND_AFTER_HOURS = 24;

/** When the evaluation page starts offering a reminder for a link. */
export function remindFrom(link: { createdAt: string }): Date {
  return new Date(Date.parse(link.createdAt) + REMIND_AFTER_HOURS * 3600_000);
}
