import ExcelJS from "exceljs";
import { COVERAGE, COVERAGE_LABELS, type Role } from "../domain.js";
import { parseAnswer, type RawAnswer } from "../portal/answer-form.js";
import { questionIndex, type AnswerValue } from "../questions/answers.js";
import { answerWithNote } from "../questions/format-answer.js";
import type { Question, QuestionSet } from "../questions/schema.js";
import { answerHash, COLUMNS, FIRST_ROW, FORMAT, META_SHEET, sheetName, type WorkbookMeta } from "./questionnaire.js";

/**
 * Reads a filled questionnaire workbook back and previews it against the online answers: every
 * change, every problem by cell, every conflict with an answer changed online since the workbook
 * was made. Nothing is stored here: applying the preview goes through the portal's save path.
 * Cells are read as text: a formula is kept as its text ("=HYPERLINK(…)") and never evaluated.
 */

export interface Problem {
  cell: string;
  message: string;
}

export interface Change {
  key: string;
  question: string;
  before: string;
  after: string;
  value: AnswerValue | null;
  notKnown: string | null;
  /** The vendor's note; left out, the stored note stays. */
  note?: string | null;
}

export interface Conflict extends Change {
  /** The answer as it stands online, changed since the workbook was made. */
  online: string;
}

export interface Preview {
  meta: WorkbookMeta;
  changes: Change[];
  conflicts: Conflict[];
  problems: Problem[];
  unchanged: number;
}

export type ReadResult = { ok: true; preview: Preview } | { ok: false; message: string };

interface Stored {
  value: AnswerValue | null;
  notKnown: string | null;
  note: string | null;
  revision: number;
}

/** A cell as the text a vendor would type: numbers as written, dates as YYYY-MM-DD, formulas as their text. */
function text(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === "string") return v.trim();
  if ("formula" in v || "sharedFormula" in v) return `=${(v as { formula?: string }).formula ?? ""}`.trim();
  if ("richText" in v)
    return v.richText
      .map((t) => t.text)
      .join("")
      .trim();
  if ("text" in v) return String((v as { text: unknown }).text).trim();
  if ("error" in v) return "";
  return String(v).trim();
}

/** A choice cell's label (or value) as the value the web form posts. */
function choice(q: Question, s: string): string | string[] {
  const norm = (x: string) => x.trim().toLowerCase();
  if (q.type === "coverage") {
    const hit = COVERAGE.find((c) => norm(COVERAGE_LABELS[c]) === norm(s) || norm(c) === norm(s));
    return hit ?? s;
  }
  if (q.type === "yes_no")
    return norm(s) === "yes" || norm(s) === "true" ? "yes" : norm(s) === "no" || norm(s) === "false" ? "no" : s;
  const find = (x: string) =>
    q.options?.find((o) => norm(o.label) === norm(x) || norm(o.value) === norm(x))?.value ?? x;
  if (q.type === "single_choice") return find(s);
  if (q.type === "multi_choice")
    return s
      .split(/[;\n]/)
      .map((x) => x.trim())
      .filter(Boolean)
      .map(find);
  return s;
}

/** Why a choice cell does not name one of the question's choices, or null. */
function choiceProblem(q: Question, raw: string | string[]): string | null {
  const allowed = (v: string) =>
    q.type === "coverage"
      ? COVERAGE.includes(v as never) && (v !== "not_applicable" || q.allow_na)
      : q.type === "yes_no"
        ? v === "yes" || v === "no"
        : (q.options ?? []).some((o) => o.value === v);
  const bad = ([] as string[]).concat(raw).filter((v) => !allowed(v));
  if (!bad.length) return null;
  const labels =
    q.type === "coverage"
      ? COVERAGE.filter((c) => c !== "not_applicable" || q.allow_na).map((c) => COVERAGE_LABELS[c])
      : q.type === "yes_no"
        ? ["Yes", "No"]
        : (q.options ?? []).map((o) => o.label);
  return `“${bad[0]}” is not a choice: one of ${labels.join("; ")}`;
}

/**
 * An amount typed as text with another locale's separators, as the web form reads it: "1.234.567,50"
 * and "1 234,50" (dots or spaces for thousands, a decimal comma) become "1234567.50"; "1234,5"
 * (a comma followed by one or two digits, no dot) is a decimal comma. Anything else is left as typed.
 */
function localeAmount(s: string): string {
  const t = s.replace(/[\u00a0\u202f]/g, " ").trim();
  if (/^[^\d-]*\d{1,3}(\.\d{3})+(,\d+)?$/.test(t)) return t.replace(/\./g, "").replace(",", ".");
  if (/^[^\d-]*\d{1,3}( \d{3})+,\d+$/.test(t)) return t.replace(/ /g, "").replace(",", ".");
  if (/^[^\d-]*\d+,\d{1,2}$/.test(t)) return t.replace(",", ".");
  return s;
}

/** At most this much, uncompressed, in one workbook: a questionnaire of 1,000 questions is under 2 MB. */
const MAX_UNPACKED = 50 * 1024 * 1024;
const MAX_ENTRIES = 2_000;

/**
 * Why a zip file is refused before it is unpacked, or null: its central directory (read by hand,
 * a few fixed fields) declares more than MAX_UNPACKED bytes or MAX_ENTRIES files, the shape of a
 * zip bomb. A file without a readable directory is left to exceljs, which refuses it.
 */
export function zipProblem(file: Buffer): string | null {
  const from = Math.max(0, file.length - 22 - 65_535);
  for (let i = file.length - 22; i >= from; i--) {
    if (file.readUInt32LE(i) !== 0x06054b50) continue;
    const entries = file.readUInt16LE(i + 10);
    let at = file.readUInt32LE(i + 16);
    if (entries > MAX_ENTRIES) return "This workbook holds too many files to be a questionnaire.";
    let total = 0;
    for (let n = 0; n < entries; n++) {
      if (at + 46 > file.length || file.readUInt32LE(at) !== 0x02014b50) return null;
      total += file.readUInt32LE(at + 24);
      if (total > MAX_UNPACKED) return "This workbook unpacks to far more than a questionnaire: it is refused unread.";
      at += 46 + file.readUInt16LE(at + 28) + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
    }
    return null;
  }
  return null;
}

const same = (a: AnswerValue | null | undefined, b: AnswerValue | null | undefined) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Parses `file` (an .xlsx) for this vendor's questionnaire. `roles` are the sections this link may
 * answer; rows of other sections are refused, each by cell.
 */
export async function readQuestionnaire(
  file: Buffer,
  expect: { evaluationId: number; vendorId: number; questionSetId: number; currency: string },
  set: QuestionSet,
  roles: readonly Role[],
  stored: ReadonlyMap<string, Stored>,
): Promise<ReadResult> {
  const bomb = zipProblem(file);
  if (bomb) return { ok: false, message: bomb };
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    return { ok: false, message: "This file is not an Excel workbook (.xlsx) Truecost can read." };
  }
  const metaCell = wb.getWorksheet(META_SHEET)?.getCell("A1");
  let meta: WorkbookMeta | undefined;
  try {
    meta = metaCell ? (JSON.parse(text(metaCell)) as WorkbookMeta) : undefined;
  } catch {
    meta = undefined;
  }
  if (!meta || meta.format !== FORMAT)
    return {
      ok: false,
      message:
        "This workbook was not made by Truecost for a questionnaire: download your questionnaire's workbook and fill that one in.",
    };
  if (meta.evaluationId !== expect.evaluationId || meta.vendorId !== expect.vendorId)
    return {
      ok: false,
      message:
        "This workbook belongs to another questionnaire: download the workbook of this questionnaire and fill that one in.",
    };
  if (meta.questionSet.storedId !== expect.questionSetId)
    return {
      ok: false,
      message: `This workbook was made for another version of the question set “${meta.questionSet.id}”: download the current workbook and copy your answers into it.`,
    };
  const index = questionIndex(set);
  const preview: Preview = { meta, changes: [], conflicts: [], problems: [], unchanged: 0 };
  const seen = new Set<string>();
  for (const section of set.sections) {
    const ws = wb.getWorksheet(sheetName(section.role));
    if (!ws) {
      if (roles.includes(section.role) && meta.roles.includes(section.role))
        preview.problems.push({
          cell: sheetName(section.role),
          message: "this sheet is missing: keep the sheets' names as downloaded (its answers were not read)",
        });
      continue;
    }
    const name = ws.name;
    const may = roles.includes(section.role);
    ws.eachRow((row, n) => {
      if (n < FIRST_ROW) return;
      const key = text(row.getCell(COLUMNS.key));
      if (!key) return;
      const at = (col: number) => `${name}!${String.fromCharCode(64 + col)}${n}`;
      const entry = index.get(key);
      if (!entry || entry.role !== section.role) {
        preview.problems.push({
          cell: at(COLUMNS.key),
          message: `“${key}” is not a question of this sheet: do not move rows or edit the key column`,
        });
        return;
      }
      if (seen.has(key)) {
        preview.problems.push({ cell: at(COLUMNS.key), message: `“${key}” appears twice: keep one row per question` });
        return;
      }
      seen.add(key);
      const q = entry.question;
      const merged = [COLUMNS.answer, COLUMNS.price, COLUMNS.notKnown, COLUMNS.notes]
        .filter((c) => c !== COLUMNS.notes || meta.notes)
        .find((c) => row.getCell(c).isMerged);
      if (merged) {
        preview.problems.push({
          cell: at(merged),
          message: "merged cells: unmerge them and give each question its own answer",
        });
        return;
      }
      const cell = row.getCell(COLUMNS.answer);
      // A date typed into Excel is a day number (days since 30 Dec 1899) unless the cell is formatted as a date.
      const typed =
        q.type === "date" && typeof cell.value === "number"
          ? new Date(Date.UTC(1899, 11, 30) + Math.round(cell.value) * 86_400_000).toISOString().slice(0, 10)
          : text(cell);
      const answerText = q.type === "money" ? localeAmount(typed) : typed;
      const raw: RawAnswer = {
        q: answerText === "" ? undefined : choice(q, answerText),
        p: q.type === "coverage" ? localeAmount(text(row.getCell(COLUMNS.price))) : undefined,
        nk: text(row.getCell(COLUMNS.notKnown)) ? "1" : undefined,
        nkr: text(row.getCell(COLUMNS.notKnown)) || undefined,
        n: meta.notes ? text(row.getCell(COLUMNS.notes)) : undefined,
      };
      const now = stored.get(key);
      const bad =
        raw.q !== undefined && ["coverage", "yes_no", "single_choice", "multi_choice"].includes(q.type)
          ? choiceProblem(q, raw.q)
          : null;
      const parsed = bad ? { ok: false as const, error: bad } : parseAnswer(q, raw, expect.currency);
      if (!parsed.ok) {
        const col = parsed.error.startsWith("Separate price")
          ? COLUMNS.price
          : parsed.error.startsWith("Keep the note")
            ? COLUMNS.notes
            : COLUMNS.answer;
        preview.problems.push({ cell: at(col), message: parsed.error.replace(/^Separate price: /, "") });
        return;
      }
      const note = parsed.note === undefined ? (now?.note ?? null) : parsed.note;
      if (
        same(parsed.value, now?.value) &&
        (parsed.notKnown ?? null) === (now?.notKnown ?? null) &&
        note === (now?.note ?? null)
      ) {
        preview.unchanged++;
        return;
      }
      // A row left as it was when the workbook was made keeps whatever was saved online since.
      if (answerHash(parsed.value, parsed.notKnown, meta.notes ? note : null) === meta.hashes?.[key]) {
        preview.unchanged++;
        return;
      }
      if (!may) {
        preview.problems.push({
          cell: at(COLUMNS.answer),
          message: `the ${section.title} section is not yours to answer with this link`,
        });
        return;
      }
      const change: Change = {
        key,
        question: q.text,
        before: answerWithNote(q, now?.value, expect.currency, now?.notKnown ?? null, now?.note),
        after: answerWithNote(q, parsed.value, expect.currency, parsed.notKnown, note),
        value: parsed.value,
        notKnown: parsed.notKnown,
        note,
      };
      const madeAt = meta.revisions[key] ?? 0;
      if ((now?.revision ?? 0) > madeAt) preview.conflicts.push({ ...change, online: change.before });
      else preview.changes.push(change);
    });
  }
  return { ok: true, preview };
}
