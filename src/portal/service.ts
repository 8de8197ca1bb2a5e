import { closeRoundOnSubmit } from "../rounds/service.js";
import { createHash } from "node:crypto";
import { writeAnswer, type SaveResult } from "../answers/repo.js";
import { audit } from "../audit/repo.js";
import { nowIso, sql, transaction, type Db } from "../db/index.js";
import { shownMap, showsIfSources, type AnswerValue } from "../questions/answers.js";
import { refreshProgress, answerSheet, storedProgress } from "../vendors/service.js";
import type { Vendor } from "../vendors/repo.js";
import type { Progress } from "../questions/progress.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Role } from "../domain.js";

export type VendorSave =
  | (Extract<SaveResult, { ok: true }> & {
      /** The vendor's progress after the save. */
      progress: Progress;
      /** Which conditional questions are shown, when this answer decides any (shows_if); else left out, as nothing changed. */
      shown?: Record<string, boolean>;
    })
  | Extract<SaveResult, { ok: false }>;

export interface VendorWrite {
  vendor: Vendor;
  evaluationId: number;
  key: string;
  value: AnswerValue | null;
  /** Why the answer is not known yet, when the vendor says so (value null). */
  notKnown?: string | null;
  /** The vendor's note on the answer; left out, the stored note stays. */
  note?: string | null;
  expectedRevision: number;
  actor: string;
  scope: { set: QuestionSet; roles: readonly Role[] } | undefined;
  /** The vendor's stored progress, when the caller read it in this transaction (else it is read here when needed). */
  progress?: Progress;
}

/**
 * Saves one answer for a vendor in one transaction: revision check, history, progress, status and
 * audit together. Progress is recounted only when it can change: when the question gains or loses
 * its answer, or when other questions' visibility depends on it; otherwise the stored progress stands.
 */
export function saveVendorAnswer(
  db: Db,
  vendor: Vendor,
  evaluationId: number,
  key: string,
  value: AnswerValue | null,
  expectedRevision: number,
  actor: string,
  scope?: { set: QuestionSet; roles: readonly Role[] },
  notKnown: string | null = null,
  note?: string | null,
): VendorSave {
  return transaction(db, writeVendorAnswer).immediate(db, {
    vendor,
    evaluationId,
    key,
    value,
    notKnown,
    note,
    expectedRevision,
    actor,
    scope,
  });
}

/** `saveVendorAnswer` for a caller already inside a transaction that undoes it on error (e.g. a write batch's savepoint). */
export function writeVendorAnswer(db: Db, w: VendorWrite): VendorSave {
  const r = writeAnswer(db, {
    vendorId: w.vendor.id,
    questionKey: w.key,
    value: w.value,
    notKnown: w.notKnown,
    note: w.note,
    expectedRevision: w.expectedRevision,
    actor: w.actor,
  });
  if (!r.ok) return r;
  const stored = () => w.progress ?? storedProgress(db, w.vendor.id);
  if (!r.changed) return { ...r, progress: stored() };
  const decides = !w.scope || showsIfSources(w.scope.set).has(w.key);
  // A vendor's progress is first counted at its first change; until then it is stored empty.
  const counted = r.wasAnswered !== (w.value !== null) || r.wasNotKnown !== (w.value === null && !!w.notKnown);
  const kept = decides || counted ? undefined : stored();
  let out: VendorSave;
  if (!kept || Object.keys(kept).length === 0) {
    const { progress, values } = refreshProgress(db, w.vendor.id, w.scope);
    out = { ...r, progress, shown: w.scope && decides ? shownMap(w.scope.set, values) : undefined };
  } else out = { ...r, progress: kept };
  if (w.vendor.status === "invited")
    sql(db, "UPDATE vendors SET status = 'in_progress' WHERE id = ? AND status = 'invited'").run(w.vendor.id);
  audit(db, w.evaluationId, w.actor, "answer.changed", {
    vendor: w.vendor.name,
    question: w.key,
    revision: r.revision,
    ...(w.value === null && w.notKnown ? { notKnown: true } : {}),
  });
  return out;
}

/**
 * The hash that identifies a submission: SHA-256 over the vendor, the time and every answer in key
 * order, and the reasons of answers not known yet and the vendor's notes when there are any.
 */
function submissionHash(
  vendorId: number,
  submittedAt: string,
  sheet: { values: Record<string, AnswerValue>; notKnown: Record<string, string>; notes: Record<string, string> },
): string {
  const inOrder = <T>(m: Record<string, T>) =>
    Object.keys(m)
      .sort()
      .map((k) => [k, m[k]]);
  const notKnown = inOrder(sheet.notKnown);
  const notes = inOrder(sheet.notes);
  return createHash("sha256")
    .update(
      JSON.stringify({
        vendorId,
        submittedAt,
        answers: inOrder(sheet.values),
        ...(notKnown.length ? { notKnown } : {}),
        ...(notes.length ? { notes } : {}),
      }),
    )
    .digest("hex");
}

/** Marks a vendor's questionnaire submitted, with its hash (and closes a revision round it answers); returns the hash. */
export function submit(db: Db, vendor: Vendor, evaluationId: number, actor: string): string {
  return db
    .transaction(() => {
      const at = nowIso();
      const hash = submissionHash(vendor.id, at, answerSheet(db, vendor.id));
      db.prepare(
        "UPDATE vendors SET status = 'submitted', submitted_at = ?, submission_hash = ?, reopen_reason = NULL WHERE id = ?",
      ).run(at, hash, vendor.id);
      audit(db, evaluationId, actor, "vendor.submitted", { vendor: vendor.name, hash });
      closeRoundOnSubmit(db, vendor, evaluationId, actor);
      return hash;
    })
    .immediate();
}
