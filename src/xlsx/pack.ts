import type { Role } from "../domain.js";
import { answerSchema, questionIndex, type AnswerValue } from "../questions/answers.js";
import { answerWithNote } from "../questions/format-answer.js";
import { NOTE_MAX } from "../portal/answer-form.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Change, Problem } from "./read.js";

/**
 * An answer pack: a vendor's answers as JSON, keyed by question, to carry into another Truecost
 * questionnaire of any buyer. Read back, it is matched by question key and checked by each
 * question's own schema; what does not match is listed, and nothing is stored before the preview
 * is applied through the portal's save path.
 */
const PACK_FORMAT = "truecost-answers";

export interface AnswerPack {
  format: typeof PACK_FORMAT;
  version: 1;
  questionSet: string;
  vendor: string;
  madeAt: string;
  answers: Record<string, AnswerValue>;
  notKnown: Record<string, string>;
  /** The vendor's notes on its answers, by key (left out of packs made before notes existed). */
  notes?: Record<string, string>;
}

export interface PackReview {
  changes: Change[];
  conflicts: never[];
  problems: Problem[];
  unchanged: number;
}

export function answerPack(
  set: QuestionSet,
  vendor: string,
  stored: ReadonlyMap<string, Stored>,
  now = new Date(),
): AnswerPack {
  const answers: Record<string, AnswerValue> = {};
  const notKnown: Record<string, string> = {};
  const notes: Record<string, string> = {};
  for (const [k, a] of [...stored].sort(([x], [y]) => x.localeCompare(y))) {
    if (a.value !== null) answers[k] = a.value;
    else if (a.notKnown) notKnown[k] = a.notKnown;
    if (a.note) notes[k] = a.note;
  }
  const madeAt = now.toISOString();
  return { format: PACK_FORMAT, version: 1, questionSet: set.id, vendor, madeAt, answers, notKnown, notes };
}

type Stored = { value: AnswerValue | null; notKnown: string | null; note: string | null };

/** A pack's changes against the stored answers, for the sections `roles` this link may answer. */
export function readPack(
  text: string,
  set: QuestionSet,
  roles: readonly Role[],
  stored: ReadonlyMap<string, Stored>,
  currency: string,
): { ok: true; review: PackReview } | { ok: false; message: string } {
  let pack: Partial<AnswerPack>;
  try {
    pack = JSON.parse(text) as Partial<AnswerPack>;
  } catch {
    return {
      ok: false,
      message: "This file is not an answer pack: it is not JSON. Upload the .json file Truecost gave you.",
    };
  }
  if (pack?.format !== PACK_FORMAT || typeof pack.answers !== "object" || pack.answers === null)
    return {
      ok: false,
      message: "This file is not a Truecost answer pack: download one from a submitted questionnaire.",
    };
  const index = questionIndex(set);
  const review: PackReview = { changes: [], conflicts: [], problems: [], unchanged: 0 };
  const notKnown = typeof pack.notKnown === "object" && pack.notKnown ? pack.notKnown : {};
  const notes = typeof pack.notes === "object" && pack.notes ? pack.notes : {};
  const keys = [...new Set([...Object.keys(pack.answers), ...Object.keys(notKnown), ...Object.keys(notes)])].sort();
  for (const key of keys) {
    const entry = index.get(key);
    if (!entry) {
      review.problems.push({ cell: key, message: "not a question of this questionnaire: left out" });
      continue;
    }
    if (!roles.includes(entry.role)) {
      review.problems.push({ cell: key, message: "a question of a section this link does not answer: left out" });
      continue;
    }
    const q = entry.question;
    const now = stored.get(key);
    // A pack made before notes existed leaves the notes here as they are.
    let note: string | null = pack.notes === undefined ? (now?.note ?? null) : null;
    if (key in notes) {
      const t = notes[key];
      if (typeof t !== "string" || t.trim().length > NOTE_MAX) {
        review.problems.push({ cell: key, message: `a note must be text of at most ${NOTE_MAX} characters` });
        continue;
      }
      note = t.replace(/\r\n?/g, "\n").trim() || null;
    }
    // A key with only a note keeps the answer that stands here, and takes the note.
    let value: AnswerValue | null = null;
    let reason: string | null = null;
    if (!(key in pack.answers) && !(key in notKnown)) {
      value = now?.value ?? null;
      reason = now?.notKnown ?? null;
    } else if (key in pack.answers) {
      const r = answerSchema(q).safeParse(pack.answers[key]);
      if (!r.success) {
        review.problems.push({
          cell: key,
          message: `not an answer this question takes: ${r.error.issues[0]!.message}`,
        });
        continue;
      }
      value = r.data as AnswerValue;
    } else {
      const t = notKnown[key];
      if (typeof t !== "string" || !t.trim() || t.length > 500) {
        review.problems.push({ cell: key, message: "a “not known yet” reason must be text of at most 500 characters" });
        continue;
      }
      reason = t.trim();
    }
    if (
      JSON.stringify(now?.value ?? null) === JSON.stringify(value) &&
      (now?.notKnown ?? null) === reason &&
      (now?.note ?? null) === note
    ) {
      review.unchanged++;
      continue;
    }
    review.changes.push({
      key,
      question: q.text,
      before: answerWithNote(q, now?.value, currency, now?.notKnown ?? null, now?.note),
      after: answerWithNote(q, value, currency, reason, note),
      value,
      notKnown: reason,
      note,
    });
  }
  return { ok: true, review };
}
