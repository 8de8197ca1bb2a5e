import { parseAmount } from "../format.js";
import { answerSchema, type AnswerValue } from "../questions/answers.js";
import type { Question } from "../questions/schema.js";

/**
 * What the form posts for one question: `q` its value(s), `p` a coverage item's separate price,
 * `nk` whether the vendor marks it "not known yet", `nkr` why, and `n` the vendor's note for the
 * buyer (left out when the form has no note field: the stored note then stays).
 */
export interface RawAnswer {
  q?: string | string[];
  p?: string;
  nk?: string;
  nkr?: string;
  n?: string;
}

type Core = { ok: true; value: AnswerValue | null; notKnown: string | null } | { ok: false; error: string };

/**
 * A parsed answer: its value (null clears it), or no value and the reason it is not known yet; and
 * the note, when the form sent one (null clears it, undefined keeps the stored note).
 */
export type Parsed =
  { ok: true; value: AnswerValue | null; notKnown: string | null; note?: string | null } | { ok: false; error: string };

const NOT_KNOWN_MAX = 500;
export const NOTE_MAX = 2000;

/** The "not known yet" reason, when the box is ticked: one short line, required. */
function parseNotKnown(raw: RawAnswer): Core | undefined {
  if (!raw.nk) return undefined;
  const reason = (raw.nkr ?? "").replace(/\s+/g, " ").trim();
  if (!reason)
    return {
      ok: false,
      error: "Say in a few words why the answer is not known yet, e.g. “depends on the pilot's volumes”",
    };
  if (reason.length > NOT_KNOWN_MAX)
    return { ok: false, error: `Keep the reason under ${NOT_KNOWN_MAX} characters (it has ${reason.length})` };
  return { ok: true, value: null, notKnown: reason };
}

const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? "") : (v ?? "")).trim();

/** Turns typed money ("12,500.50", "€ 1 200") into minor units, or an error. */
function parseMoney(raw: string, currency: string): number | string {
  const r = parseAmount(raw, currency);
  return r.ok ? r.minor : r.error;
}

/** The note as stored: line ends made plain, blank lines at the ends dropped; null when empty. */
function parseNote(raw: RawAnswer): { ok: true; note: string | null | undefined } | { ok: false; error: string } {
  if (raw.n === undefined) return { ok: true, note: undefined };
  const note = raw.n.replace(/\r\n?/g, "\n").trim();
  if (note.length > NOTE_MAX)
    return { ok: false, error: `Keep the note under ${NOTE_MAX} characters (it has ${note.length})` };
  return { ok: true, note: note || null };
}

/**
 * Parses one question's posted fields into an answer (null clears it), checked by the question's
 * zod schema, and the vendor's note on it.
 */
export function parseAnswer(q: Question, raw: RawAnswer, currency: string): Parsed {
  const answer = parseCore(q, raw, currency);
  if (!answer.ok) return answer;
  const note = parseNote(raw);
  if (!note.ok) return note;
  return note.note === undefined ? answer : { ...answer, note: note.note };
}

function parseCore(q: Question, raw: RawAnswer, currency: string): Core {
  const value = parseValue(q, raw, currency);
  const notKnown = parseNotKnown(raw);
  if (!notKnown || !notKnown.ok) return notKnown ?? value;
  if (!value.ok || value.value !== null)
    return { ok: false, error: "Either answer or tick “Not known yet”: clear the answer, or untick the box" };
  return notKnown;
}

function parseValue(q: Question, raw: RawAnswer, currency: string): Core {
  let value: unknown;
  switch (q.type) {
    case "coverage": {
      const status = one(raw.q);
      const price = one(raw.p);
      if (!status && !price) return { ok: true, value: null, notKnown: null };
      if (!status) return { ok: false, error: "Choose whether the item is included before giving a separate price" };
      let p: number | undefined;
      if (price) {
        const m = parseMoney(price, currency);
        if (typeof m === "string") return { ok: false, error: `Separate price: ${m}` };
        p = m;
      }
      value = p === undefined ? { status } : { status, price: p };
      break;
    }
    case "money": {
      const s = one(raw.q);
      if (!s) return { ok: true, value: null, notKnown: null };
      const m = parseMoney(s, currency);
      if (typeof m === "string") return { ok: false, error: m };
      value = m;
      break;
    }
    case "number":
    case "percent": {
      const s = one(raw.q).replace(/[\s,%]/g, "");
      if (!s) return { ok: true, value: null, notKnown: null };
      if (!/^-?\d+(\.\d+)?$/.test(s)) return { ok: false, error: "Enter a number, e.g. 12 or 12.5" };
      value = Number(s);
      break;
    }
    case "yes_no": {
      const s = one(raw.q);
      if (!s) return { ok: true, value: null, notKnown: null };
      value = s === "yes" ? true : s === "no" ? false : s;
      break;
    }
    case "multi_choice": {
      const list = (Array.isArray(raw.q) ? raw.q : raw.q ? [raw.q] : []).map((x) => String(x)).filter((x) => x !== "");
      if (list.length === 0) return { ok: true, value: null, notKnown: null };
      value = list;
      break;
    }
    default: {
      const s = one(raw.q);
      if (!s) return { ok: true, value: null, notKnown: null };
      value = s;
    }
  }
  const r = answerSchema(q).safeParse(value);
  if (!r.success) {
    const msg = r.error.issues[0]!.message;
    return { ok: false, error: msg.charAt(0).toUpperCase() + msg.slice(1) };
  }
  return { ok: true, value: r.data, notKnown: null };
}

/** The form fields that show an answer again (the inverse of parseAnswer). */
export function toRaw(
  q: Question,
  value: AnswerValue | null | undefined,
  currency: string,
  fromMinor: (m: number, c: string) => number,
  notKnown?: string | null,
  note?: string | null,
): RawAnswer {
  const answer = rawValue(q, value, currency, fromMinor, notKnown);
  return note ? { ...answer, n: note } : answer;
}

function rawValue(
  q: Question,
  value: AnswerValue | null | undefined,
  currency: string,
  fromMinor: (m: number, c: string) => number,
  notKnown?: string | null,
): RawAnswer {
  if (notKnown) return { nk: "1", nkr: notKnown };
  if (value === null || value === undefined) return {};
  switch (q.type) {
    case "coverage": {
      const c = value as { status: string; price?: number };
      return { q: c.status, p: c.price === undefined ? "" : String(fromMinor(c.price, currency)) };
    }
    case "money":
      return { q: String(fromMinor(value as number, currency)) };
    case "yes_no":
      return { q: value ? "yes" : "no" };
    case "multi_choice":
      return { q: value as string[] };
    default:
      return { q: String(value) };
  }
}

/** A question as the section page shows it: its stored or posted answer, and what a failed save said. */
export interface QuestionView {
  q: Question;
  raw: RawAnswer;
  revision: number;
  shown: boolean;
  error?: string;
  conflict?: { theirs: string; by: string; at: string };
  /** Carried over from this vendor's answers to another evaluation, not yet confirmed here. */
  carriedFrom?: string | null;
}
