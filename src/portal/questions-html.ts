import type { Clarification } from "../clarifications/repo.js";
import type { Question } from "../questions/schema.js";
import { encoded, Fragment, markerPrefix } from "../web/render.js";
import { escapeHtml, viewTemplate } from "../web/views.js";
import type { RawAnswer } from "./answer-form.js";
import type { EvidenceFile } from "./uploads.js";

/** A question as the section page shows it: its stored or posted answer, and what a failed save said. */
export interface QuestionView {
  q: Question;
  raw: RawAnswer;
  revision: number;
  shown: boolean;
  error?: string;
  conflict?: { theirs: string; by: string; at: string };
}

/** The first of a field's posted values, as typed. */
const first = (x: RawAnswer["q"]): string | undefined => (Array.isArray(x) ? x[0] : x);

/**
 * What of a question's markup depends on its answer: the questions view prints these through `at`
 * (`<%- at.checked(v, value) %>`, …), unescaped, and each returns its text ready to print.
 */
export const answerSlots = {
  hidden: (v: QuestionView) => (v.shown ? "" : " hidden"),
  checked: (v: QuestionView, value?: string) => (first(v.raw.q) === value ? " checked" : ""),
  chosen: (v: QuestionView, value?: string) => ((Array.isArray(v.raw.q) ? v.raw.q : v.raw.q ? [v.raw.q] : []).includes(value ?? "") ? " checked" : ""),
  text: (v: QuestionView) => escapeHtml(first(v.raw.q)),
  price: (v: QuestionView) => escapeHtml(v.raw.p),
  revision: (v: QuestionView) => String(v.revision),
};
type Slot = keyof typeof answerSlots;


/** A question's markup rendered once and encoded, cut where its answer goes: `text[0]`, slot 0, `text[1]`, … */
interface Prepared {
  text: Buffer[];
  slots: { slot: Slot; value?: string }[];
}

/** Stands for a slot while a question is prepared. */
const SLOT = markerPrefix("s");
const MARK = new RegExp(`${SLOT}(\\d+)\u0000`);

/** Prepared questions by question (question sets are immutable and cached by content) and by what else their markup shows. */
const prepared = new WeakMap<Question, Map<string, Prepared>>();

export interface QuestionsContext {
  /** The app: its views, its view cache and its locals (format, uploadMaxMb). */
  app: { get(name: string): unknown; enabled(name: string): boolean; locals: Record<string, unknown> };
  currency: string;
  readOnly: boolean;
  files: EvidenceFile[];
  clarifications: Clarification[];
}

const VIEW = "partials/portal/questions";

/**
 * The markup of a section's questions. A question with nothing of its own beyond its answer (no
 * evidence files, no clarification thread, no error or conflict from a save) is rendered once per
 * question, currency and read-only state, and only its answer filled in on each page: the fixed
 * parts (text, help, options, labels) are most of a page and the same for every vendor. Others
 * are rendered whole. Both go through the same view.
 */
export function questionsHtml(views: QuestionView[], ctx: QuestionsContext): Fragment {
  const view = viewTemplate(ctx.app, VIEW);
  const own = new Set([...ctx.files.map((f) => f.questionKey), ...ctx.clarifications.map((c) => c.questionKey)]);
  const locals = { ...ctx.app.locals, currency: ctx.currency, ro: ctx.readOnly, files: ctx.files, clarifications: ctx.clarifications, at: answerSlots };
  const out: Buffer[] = [];
  for (const v of views) {
    if (v.error || v.conflict || own.has(v.q.key)) out.push(Buffer.from(view({ ...locals, questions: [v] })));
    else fill(out, preparedOf(v.q, ctx, view), v);
  }
  return new Fragment(out);
}

function preparedOf(q: Question, ctx: QuestionsContext, view: (locals: object) => string): Prepared {
  // In development views are read afresh on each render, and so are these.
  const cache = ctx.app.enabled("view cache");
  const key = `${ctx.readOnly ? "ro" : "rw"} ${ctx.currency}`;
  let forQ = prepared.get(q);
  let p = forQ?.get(key);
  if (p) return p;
  p = prepare(q, ctx, view);
  if (cache) {
    if (!forQ) prepared.set(q, (forQ = new Map()));
    forQ.set(key, p);
  }
  return p;
}

/**
 * Renders a question with markers in place of its answer. Only what the key names reaches the view
 * (no vendor's files, threads or answers), so one vendor's data can never be kept for another.
 */
function prepare(q: Question, ctx: QuestionsContext, view: (locals: object) => string): Prepared {
  const slots: Prepared["slots"] = [];
  const mark = (slot: Slot) => (_v: QuestionView, value?: string) => `${SLOT}${slots.push({ slot, value }) - 1}\u0000`;
  const at = Object.fromEntries((Object.keys(answerSlots) as Slot[]).map((s) => [s, mark(s)]));
  const blank: QuestionView = { q, raw: {}, revision: 0, shown: true };
  const parts = view({ ...ctx.app.locals, currency: ctx.currency, ro: ctx.readOnly, files: [], clarifications: [], at, questions: [blank] }).split(MARK);
  // split() with a group gives text, index, text, index, …: each slot printed once, in order.
  const text = parts.filter((_, i) => i % 2 === 0).map((t) => Buffer.from(t));
  const order = parts.filter((_, i) => i % 2 === 1).map(Number);
  if (order.length !== slots.length || order.some((n, i) => n !== i)) throw new Error(`${VIEW}: each answer slot must be printed once, unescaped (<%- at.… %>)`);
  return { text, slots };
}

function fill(out: Buffer[], p: Prepared, v: QuestionView): void {
  out.push(p.text[0]!);
  for (let i = 0; i < p.slots.length; i++) {
    const s = p.slots[i]!;
    const value = answerSlots[s.slot](v, s.value);
    if (value) out.push(encoded(value));
    out.push(p.text[i + 1]!);
  }
}
