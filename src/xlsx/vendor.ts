import { listAnswers } from "../answers/repo.js";
import { findUser } from "../auth/users.js";
import type { Db } from "../db/index.js";
import type { Role } from "../domain.js";
import { listEvidence } from "../evidence/repo.js";
import { findPortalEvaluation } from "../evaluations/repo.js";
import { saveVendorAnswer } from "../portal/service.js";
import { getQuestionSet } from "../questions/repo.js";
import type { Vendor } from "../vendors/repo.js";
import { questionnaireWorkbook } from "./questionnaire.js";
import { readQuestionnaire, type Change, type ReadResult } from "./read.js";

/**
 * A vendor's workbook from the database, its upload read against the stored answers, and a
 * preview applied through the portal's save path: what the portal's routes and the command line
 * (a buyer importing a workbook on the vendor's behalf) share.
 */
export async function vendorWorkbook(
  db: Db,
  vendor: Vendor,
  roles: readonly Role[],
  now = new Date(),
): Promise<Buffer> {
  const e = findPortalEvaluation(db, vendor.evaluationId)!;
  const buyer = e.createdBy ? findUser(db, e.createdBy) : undefined;
  const evidence = new Map<string, string[]>();
  for (const f of listEvidence(db, vendor.id))
    evidence.set(f.questionKey, [...(evidence.get(f.questionKey) ?? []), f.name]);
  return questionnaireWorkbook({
    evaluation: {
      id: e.id,
      title: e.title,
      dueDate: e.dueDate,
      currency: e.currency,
      buyerName: buyer?.name ?? "The buying team",
      questionSetId: e.questionSetId,
    },
    vendor: { id: vendor.id, name: vendor.name },
    set: getQuestionSet(db, e.questionSetId),
    roles: [...roles],
    answers: listAnswers(db, vendor.id),
    evidence,
    now,
  });
}

export function readVendorWorkbook(db: Db, vendor: Vendor, file: Buffer, roles: readonly Role[]): Promise<ReadResult> {
  const e = findPortalEvaluation(db, vendor.evaluationId)!;
  return readQuestionnaire(
    file,
    { evaluationId: e.id, vendorId: vendor.id, questionSetId: e.questionSetId, currency: e.currency },
    getQuestionSet(db, e.questionSetId),
    roles,
    listAnswers(db, vendor.id),
  );
}

/** Saves the changes one by one as the web form does (revision, history, audit, progress); returns what was saved and what changed meanwhile. */
export function applyChanges(
  db: Db,
  vendor: Vendor,
  changes: readonly Change[],
  actor: string,
): { saved: number; missed: string[] } {
  const e = findPortalEvaluation(db, vendor.evaluationId)!;
  const scope = { set: getQuestionSet(db, e.questionSetId), roles: e.roles };
  const stored = listAnswers(db, vendor.id);
  let saved = 0;
  const missed: string[] = [];
  for (const c of changes) {
    const r = saveVendorAnswer(
      db,
      vendor,
      e.id,
      c.key,
      c.value,
      stored.get(c.key)?.revision ?? 0,
      actor,
      scope,
      c.notKnown,
      c.note,
    );
    if (r.ok) saved++;
    else missed.push(c.question);
  }
  return { saved, missed };
}
