import { createHash } from "node:crypto";
import ExcelJS from "exceljs";
import { COVERAGE, COVERAGE_LABELS, ROLE_LABELS, type Role } from "../domain.js";
import { date, fromMinor } from "../format.js";
import type { AnswerValue } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import type { Question, QuestionSet } from "../questions/schema.js";

/**
 * The vendor's questionnaire as a workbook, for sales engineers who answer in spreadsheets: an
 * instructions sheet, one sheet per section the link may answer, one row per question with its
 * guidance and answer cells (dropdowns for choices and coverage, numbers for amounts), the key in
 * a hidden column, everything but the answer cells locked, and a hidden sheet that says which
 * questionnaire and which revision of each answer the workbook was made from (xlsx/read.ts reads
 * it back and finds what changed online since).
 */

/** The workbook's columns on a section sheet. */
export const COLUMNS = {
  key: 1,
  question: 2,
  guidance: 3,
  answer: 4,
  price: 5,
  notKnown: 6,
  evidence: 7,
  notes: 8,
} as const;
export const FIRST_ROW = 2;
export const META_SHEET = "_truecost";
export const FORMAT = "truecost-questionnaire";

export interface WorkbookMeta {
  format: typeof FORMAT;
  version: 1;
  evaluationId: number;
  vendorId: number;
  /** The question set by its key, and the stored version the evaluation uses (a new version gets a new id). */
  questionSet: { id: string; storedId: number };
  roles: Role[];
  madeAt: string;
  /** Each answer's revision when the workbook was made: an answer changed online since is a conflict. */
  revisions: Record<string, number>;
  /** Each answer's fingerprint when the workbook was made (answerHash): a row left as it was is not a change. */
  hashes: Record<string, string>;
  /** Whether the sheets have the notes column (workbooks made before it existed leave notes as they are). */
  notes?: true;
}

/** A short fingerprint of an answer, its "not known yet" reason and the vendor's note on it. */
export function answerHash(
  value: AnswerValue | null | undefined,
  notKnown: string | null | undefined,
  note?: string | null,
): string {
  const parts = note ? [value ?? null, notKnown ?? null, note] : [value ?? null, notKnown ?? null];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex").slice(0, 16);
}

export interface QuestionnaireInput {
  evaluation: {
    id: number;
    title: string;
    dueDate: string;
    currency: string;
    buyerName: string;
    questionSetId: number;
  };
  vendor: { id: number; name: string };
  set: QuestionSet;
  roles: Role[];
  answers: ReadonlyMap<
    string,
    { value: AnswerValue | null; notKnown: string | null; note: string | null; revision: number }
  >;
  evidence: ReadonlyMap<string, string[]>;
  now: Date;
}

/** The sheet name of a section: its role's label, as Excel allows (31 characters, no []:*?/\). */
export function sheetName(role: Role): string {
  return ROLE_LABELS[role].replace(/[[\]:*?/\\]/g, " ").slice(0, 31);
}

/** What a choice cell offers: each option's label (a value typed instead is read too). */
function choices(q: Question): string[] {
  if (q.type === "coverage")
    return COVERAGE.filter((s) => s !== "not_applicable" || q.allow_na).map((s) => COVERAGE_LABELS[s]);
  if (q.type === "yes_no") return ["Yes", "No"];
  if (q.type === "single_choice" || q.type === "multi_choice") return (q.options ?? []).map((o) => o.label);
  return [];
}

/** An answer as the workbook's cell holds it: numbers as numbers (money in major units), choices by label. */
export function cellOf(q: Question, value: AnswerValue | null | undefined, currency: string): string | number | null {
  if (value === null || value === undefined) return null;
  switch (q.type) {
    case "coverage":
      return COVERAGE_LABELS[(value as { status: keyof typeof COVERAGE_LABELS }).status];
    case "money":
      return fromMinor(value as number, currency);
    case "number":
    case "percent":
      return value as number;
    default:
      // Choices by their label, dates and text as written: as the pages show them.
      return formatAnswer(q, value, currency);
  }
}

/** What the guidance cell says: the help, the unit, when the question applies, and how to answer. */
function guidance(q: Question, set: QuestionSet, currency: string): string {
  const parts: string[] = [];
  if (q.help) parts.push(q.help);
  if (q.shows_if) {
    const other = set.sections.flatMap((s) => s.questions).find((x) => x.key === q.shows_if!.question);
    const when = q.shows_if.in
      .map((v) =>
        typeof v === "boolean"
          ? v
            ? "Yes"
            : "No"
          : (other?.options?.find((o) => o.value === v)?.label ??
            COVERAGE_LABELS[v as keyof typeof COVERAGE_LABELS] ??
            v),
      )
      .join(" or ");
    parts.push(`Only if the answer to “${other?.text ?? q.shows_if.question}” is ${when}; otherwise leave it blank.`);
  }
  if (q.type === "money") parts.push(`An amount in ${currency}${q.nature === "recurring" ? " a year" : ""}.`);
  if (q.type === "number") parts.push(`A number${q.unit ? ` of ${q.unit}` : ""}.`);
  if (q.type === "percent") parts.push("A percentage, e.g. 15.");
  if (q.type === "multi_choice") parts.push(`One or more of: ${choices(q).join("; ")} (separated by “;”).`);
  if (q.type === "date") parts.push("A date, YYYY-MM-DD.");
  if (q.type === "coverage")
    parts.push(`Give a separate price in ${currency} in the next column if you charge for it apart.`);
  if (q.evidence) parts.push("Evidence is asked for: upload it in the online questionnaire.");
  if (!q.required) parts.push("Optional.");
  return parts.join(" ");
}

export async function questionnaireWorkbook(x: QuestionnaireInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Truecost";
  wb.created = x.now;
  const cur = x.evaluation.currency;
  const intro = wb.addWorksheet("Instructions");
  intro.columns = [{ width: 24 }, { width: 90 }];
  const lines: [string, string][] = [
    ["Questionnaire", x.evaluation.title],
    ["For", x.vendor.name],
    ["Asked by", x.evaluation.buyerName],
    ["Due", date(x.evaluation.dueDate)],
    ["Currency", `${cur}: every amount is in ${cur}, without the currency sign`],
    ["Made", x.now.toISOString()],
    [
      "How to answer",
      "Fill in the Answer column of each section's sheet (a dropdown where the question offers choices). If you do not know an answer yet, leave it blank and give the reason in the “Not known yet” column. Anything the buyer should read with an answer (a caveat, where a figure comes from) goes in the “Notes for the buyer” column. Do not rename sheets or move rows: the hidden first column ties each row to its question.",
    ],
    [
      "How to return it",
      "Upload the workbook in your online questionnaire (Upload a workbook). You will see every change before anything is saved, and any answer changed online since this workbook was made is shown side by side, never overwritten silently.",
    ],
  ];
  for (const [k, v] of lines) intro.addRow([k, v]).getCell(1).font = { bold: true };
  intro.getColumn(2).alignment = { wrapText: true, vertical: "top" };
  const revisions: Record<string, number> = {};
  const hashes: Record<string, string> = {};
  for (const section of x.set.sections.filter((s) => x.roles.includes(s.role))) {
    const ws = wb.addWorksheet(sheetName(section.role), { views: [{ state: "frozen", ySplit: 1 }] });
    ws.columns = [
      { header: "Key", width: 10, hidden: true },
      { header: "Question", width: 60 },
      { header: "Guidance", width: 60 },
      { header: "Answer", width: 28 },
      { header: `Separate price (${cur})`, width: 18 },
      { header: "Not known yet: reason", width: 30 },
      { header: "Evidence on file", width: 28 },
      { header: "Notes for the buyer", width: 40 },
    ];
    ws.getRow(1).font = { bold: true };
    section.questions.forEach((q, i) => {
      const row = ws.getRow(FIRST_ROW + i);
      const stored = x.answers.get(q.key);
      revisions[q.key] = stored?.revision ?? 0;
      hashes[q.key] = answerHash(stored?.value, stored?.notKnown, stored?.note);
      row.getCell(COLUMNS.key).value = q.key;
      row.getCell(COLUMNS.question).value = q.text;
      row.getCell(COLUMNS.guidance).value = guidance(q, x.set, cur);
      const answer = row.getCell(COLUMNS.answer);
      answer.value = cellOf(q, stored?.value, cur);
      const list = choices(q);
      if (list.length && q.type !== "multi_choice" && list.join(",").length < 250)
        answer.dataValidation = {
          type: "list",
          allowBlank: true,
          formulae: [`"${list.map((l) => l.replace(/"/g, "'").replace(/,/g, " ")).join(",")}"`],
          showErrorMessage: true,
          errorTitle: "Choose from the list",
          error: `One of: ${list.join("; ")}`,
        };
      if (q.type === "money" || q.type === "number" || q.type === "percent") {
        answer.dataValidation = {
          type: "decimal",
          operator: "greaterThanOrEqual",
          formulae: [q.type === "money" ? 0 : (q.min ?? -1e12)],
          allowBlank: true,
          showErrorMessage: true,
          error: q.type === "money" ? `An amount in ${cur}` : "A number",
        };
        if (q.type === "money") answer.numFmt = "#,##0.00";
      }
      const price = row.getCell(COLUMNS.price);
      if (q.type === "coverage") {
        const p = (stored?.value as { price?: number } | null)?.price;
        price.value = p === undefined ? null : fromMinor(p, cur);
        price.numFmt = "#,##0.00";
        price.protection = { locked: false };
      }
      row.getCell(COLUMNS.notKnown).value = stored?.notKnown ?? null;
      row.getCell(COLUMNS.evidence).value = (x.evidence.get(q.key) ?? []).join("; ") || null;
      answer.protection = { locked: false };
      row.getCell(COLUMNS.notKnown).protection = { locked: false };
      const notes = row.getCell(COLUMNS.notes);
      notes.value = stored?.note ?? null;
      notes.protection = { locked: false };
      for (const c of [COLUMNS.question, COLUMNS.guidance, COLUMNS.notes])
        row.getCell(c).alignment = { wrapText: true, vertical: "top" };
    });
    await ws.protect("", { selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true });
  }
  const meta: WorkbookMeta = {
    format: FORMAT,
    version: 1,
    evaluationId: x.evaluation.id,
    vendorId: x.vendor.id,
    questionSet: { id: x.set.id, storedId: x.evaluation.questionSetId },
    roles: x.roles,
    madeAt: x.now.toISOString(),
    revisions,
    hashes,
    notes: true,
  };
  const hidden = wb.addWorksheet(META_SHEET, { state: "veryHidden" });
  hidden.getCell("A1").value = JSON.stringify(meta);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
