import ExcelJS from "exceljs";
import { answersByVendor, notesByVendor } from "../answers/repo.js";
import { listTranches } from "../comparison/repo.js";
import type { Db } from "../db/index.js";
import { scoreEvaluation } from "../evaluations/scoring.js";
import { FLAG_LABELS, type Role } from "../domain.js";
import { costLineTable, fundingTable, type Table } from "../comparison/csv.js";
import type { Tranche } from "../comparison/present-plan.js";
import type { ModelResult } from "../model/index.js";
import type { AnswerValue } from "../questions/answers.js";
import type { QuestionSet } from "../questions/schema.js";
import { cellOf, sheetName } from "./questionnaire.js";

/**
 * The buyer's workbook of an evaluation: a sheet per section with a column per vendor, the cost
 * lines with their provenance and the funding plan's rows (the same tables as the CSVs, from the
 * same model run), the red flags, and the vendors' notes on their answers (also as a comment on
 * the answer's cell). Amounts are numbers in major units; text stays text, so a
 * vendor's "=HYPERLINK(…)" is shown as typed and never runs as a formula.
 */
export interface AnswersWorkbookInput {
  title: string;
  result: ModelResult;
  set: QuestionSet;
  /** The sections the evaluation sent. */
  roles: readonly Role[];
  answers: ReadonlyMap<string, Readonly<Record<string, AnswerValue>>>;
  notKnown: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The vendors' notes on their answers, by vendor id, then key. */
  notes: ReadonlyMap<string, Readonly<Record<string, string>>>;
  tranches: readonly Tranche[];
  now: Date;
}

/** Columns whose cells are amounts or rates: written as numbers. */
const NUMERIC =
  /^(amount|total|present_value|vendor_present_total|vendor_npv|discount_rate|year_\d+|year|stage_number)$/;

function addTable(wb: ExcelJS.Workbook, name: string, t: Table): void {
  const ws = wb.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  ws.addRow(t.head).font = { bold: true };
  const numeric = t.head.map((h) => NUMERIC.test(h));
  for (const r of t.rows)
    ws.addRow(
      r.map((v, i) => (numeric[i] && typeof v === "string" && v !== "" && !Number.isNaN(Number(v)) ? Number(v) : v)),
    );
  t.head.forEach((h, i) => (ws.getColumn(i + 1).width = Math.min(40, Math.max(10, h.length + 2))));
}

async function answersWorkbook(x: AnswersWorkbookInput): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Truecost";
  wb.created = x.now;
  const cur = x.result.currency;
  const vendors = x.result.vendors;
  const roles = new Set(x.roles);
  for (const section of x.set.sections.filter((s) => roles.has(s.role))) {
    const ws = wb.addWorksheet(sheetName(section.role), { views: [{ state: "frozen", ySplit: 1, xSplit: 2 }] });
    ws.addRow(["Key", "Question", ...vendors.map((v) => v.name)]).font = { bold: true };
    ws.getColumn(1).width = 24;
    ws.getColumn(2).width = 60;
    vendors.forEach((_, i) => (ws.getColumn(i + 3).width = 28));
    for (const q of section.questions) {
      const row = ws.addRow([
        q.key,
        q.text,
        ...vendors.map((v) => {
          const nk = x.notKnown.get(v.vendorId)?.[q.key];
          if (nk) return `Not known yet: ${nk}`;
          return cellOf(q, x.answers.get(v.vendorId)?.[q.key], cur);
        }),
      ]);
      vendors.forEach((v, i) => {
        const note = x.notes.get(v.vendorId)?.[q.key];
        if (note) row.getCell(i + 3).note = `${v.name}'s note: ${note}`;
      });
    }
    ws.getColumn(2).alignment = { wrapText: true, vertical: "top" };
  }
  addTable(wb, "Cost lines", costLineTable(x.result, x.set));
  addTable(wb, "Funding plan", fundingTable(x.result, x.tranches));
  addTable(wb, "Red flags", {
    head: ["vendor", "flag", "label", "severity", "question_keys", "message"],
    rows: vendors.flatMap((v) =>
      v.flags.map((f) => [v.name, f.id, FLAG_LABELS[f.id], f.severity, f.questionKeys.join("; "), f.message]),
    ),
  });
  const text = new Map(x.set.sections.flatMap((s) => s.questions.map((q) => [q.key, q.text] as const)));
  addTable(wb, "Vendor notes", {
    head: ["vendor", "question_key", "question", "note"],
    rows: vendors.flatMap((v) =>
      Object.entries(x.notes.get(v.vendorId) ?? {}).map(([k, note]) => [v.name, k, text.get(k) ?? k, note]),
    ),
  });
  const about = wb.addWorksheet("About");
  for (const row of [
    ["Evaluation", x.title],
    ["Made", x.now.toISOString()],
    ["Currency", `${cur}; amounts in major units`],
    [
      "Source",
      "Truecost cost model: the same figures as the comparison page, the PDF report, the CSVs and the JSON API",
    ],
  ])
    about.addRow(row).getCell(1).font = { bold: true };
  about.getColumn(1).width = 14;
  about.getColumn(2).width = 100;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The buyer's workbook of a stored evaluation, from its scored model (undefined when it does not exist). */
export async function evaluationWorkbook(db: Db, evaluationId: number, now = new Date()): Promise<Buffer | undefined> {
  const scored = scoreEvaluation(db, evaluationId);
  if (!scored) return undefined;
  const answers = new Map([...answersByVendor(db, evaluationId)].map(([id, a]) => [String(id), a]));
  return answersWorkbook({
    title: scored.evaluation.title,
    result: scored.result,
    set: scored.set,
    roles: scored.evaluation.roles,
    answers,
    notKnown: scored.notKnown,
    notes: notesByVendor(db, evaluationId),
    tranches: listTranches(db, evaluationId),
    now,
  });
}
