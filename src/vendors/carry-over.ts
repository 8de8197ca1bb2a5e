import { listAnswers, markCarried, writeAnswer } from "../answers/repo.js";
import { audit } from "../audit/repo.js";
import type { Db } from "../db/index.js";
import type { Evaluation } from "../evaluations/repo.js";
import { answerSchema } from "../questions/answers.js";
import { getQuestionSet } from "../questions/repo.js";
import { lastSubmission, type Vendor } from "./repo.js";
import { refreshProgress } from "./service.js";

/**
 * A vendor invited again starts from its last submitted answers in this workspace (the same
 * contact, another evaluation of the same question set): each answer a question here takes is
 * copied, marked "carried over" until the vendor confirms or changes it, and submission waits for
 * that. Inside the caller's transaction; returns how many were carried and from where.
 */
export function carryOver(
  db: Db,
  vendor: Vendor,
  e: Evaluation,
  actor: string,
): { from: string; count: number } | null {
  const last = lastSubmission(db, vendor);
  if (!last) return null;
  const set = getQuestionSet(db, e.questionSetId);
  const here = new Map(
    set.sections.filter((s) => e.roles.includes(s.role)).flatMap((s) => s.questions.map((q) => [q.key, q] as const)),
  );
  const keys: string[] = [];
  for (const [key, a] of listAnswers(db, last.vendorId)) {
    const q = here.get(key);
    if (!q || a.value === null || !answerSchema(q).safeParse(a.value).success) continue;
    writeAnswer(db, {
      vendorId: vendor.id,
      questionKey: key,
      value: a.value,
      note: a.note,
      expectedRevision: 0,
      actor: "carry-over",
    });
    keys.push(key);
  }
  if (!keys.length) return null;
  markCarried(db, vendor.id, keys, last.title);
  refreshProgress(db, vendor.id);
  audit(db, e.id, actor, "vendor.answers_carried_over", { vendor: vendor.name, from: last.title, count: keys.length });
  return { from: last.title, count: keys.length };
}
