import { minorDigits } from "../format.js";
import type { ModelResult } from "../model/index.js";
import { fundedThrough, type Tranche } from "./present-plan.js";
import { questionIndex } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import type { QuestionSet } from "../questions/schema.js";

/** A CSV cell: quoted when needed, and never read by a spreadsheet as a formula. */
function cell(v: string | number | boolean): string {
  let s = String(v);
  // A plain number (a negative amount too) stays a number; text that a spreadsheet would run as a formula does not.
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s) && !/^-\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A table of cells: the header, then one row per record (amounts in major units, as text with every digit). */
export interface Table {
  head: string[];
  rows: (string | number | boolean)[][];
}

const csvOf = (t: Table) => [t.head.join(","), ...t.rows.map((r) => r.map(cell).join(","))].join("\r\n") + "\r\n";

/** One row per cost line with its provenance, amounts in major units, for finance's own spreadsheets. */
export function comparisonCsv(result: ModelResult, set: QuestionSet): string {
  return csvOf(costLineTable(result, set));
}

/** The cost lines' table the CSV and the buyer's workbook print. */
export function costLineTable(result: ModelResult, set: QuestionSet): Table {
  const index = questionIndex(set);
  const d = minorDigits(result.currency);
  const major = (m: number) => (m / 10 ** d).toFixed(d);
  const years = Array.from({ length: result.horizonYears }, (_, i) => `year_${i + 1}`);
  const head = [
    "vendor",
    "currency",
    "kind",
    "in_headline",
    "layer",
    "phase",
    "nature",
    "question_key",
    "question",
    "answer",
    "amount",
    ...years,
    "total",
    "unknown",
    "assumptions",
    "reason",
    "source",
    "not_given",
    "counted_under",
    "work",
    "vendor_total_comparable",
    "present_value",
    "vendor_present_total",
    "discount_rate",
    "vendor_npv",
    "vendor_discounted_payback_months",
  ];
  const rows: Table["rows"] = [];
  for (const v of result.vendors) {
    for (const l of v.lines) {
      const q = index.get(l.questionKey)?.question;
      rows.push([
        v.name,
        result.currency,
        l.kind,
        l.headline,
        l.layer,
        l.phase,
        l.nature,
        l.questionKey,
        q?.text ?? "",
        q ? formatAnswer(q, l.answer, result.currency) : "",
        major(l.amount),
        ...l.years.map(major),
        major(l.total),
        l.unknown,
        Object.entries(l.assumptions)
          .map(([k, x]) => `${k}=${x}`)
          .join("; "),
        l.reason,
        l.source,
        l.unpriced,
        l.countedUnder ?? "",
        l.work,
        v.adjustedTotal !== null,
        major(l.presentValue),
        v.presentTotal !== null ? major(v.presentTotal) : "",
        result.discountRate,
        v.roi?.npv !== null && v.roi?.npv !== undefined ? major(v.roi.npv) : "",
        v.roi?.discountedPaybackMonths ?? "",
      ]);
    }
  }
  return { head, rows };
}

/**
 * The funding plan as rows finance imports: one per vendor, stage, year, layer, nature and cost
 * type with an amount (nominal and present value, in major units). A vendor's rows add up to its
 * stages and so to its total, to the minor unit; `funded` says whether the committee has released
 * the stage's tranche for that vendor.
 */
export function fundingCsv(result: ModelResult, tranches: readonly Tranche[] = []): string {
  return csvOf(fundingTable(result, tranches));
}

/** The funding plan's table the CSV and the buyer's workbook print. */
export function fundingTable(result: ModelResult, tranches: readonly Tranche[] = []): Table {
  const d = minorDigits(result.currency);
  const major = (m: number) => (m / 10 ** d).toFixed(d);
  const head = [
    "vendor",
    "vendor_id",
    "currency",
    "stage_number",
    "stage",
    "stage_label",
    "year",
    "layer",
    "nature",
    "structural",
    "cost_type",
    "amount",
    "present_value",
    "discount_rate",
    "vendor_total_comparable",
    "funded",
  ];
  const rows: Table["rows"] = [];
  for (const v of result.vendors) {
    const through = fundedThrough(tranches, v.vendorId);
    v.stages.forEach((s, i) => {
      for (const p of s.parts)
        p.years.forEach((amount, y) => {
          if (amount === 0 && p.presentYears[y] === 0) return;
          rows.push([
            v.name,
            v.vendorId,
            result.currency,
            i + 1,
            s.phase,
            s.label,
            y + 1,
            p.layer,
            p.nature,
            p.nature === "recurring",
            p.costType,
            major(amount),
            major(p.presentYears[y]!),
            result.discountRate,
            v.adjustedTotal !== null,
            i <= through,
          ]);
        });
    });
  }
  return { head, rows };
}
