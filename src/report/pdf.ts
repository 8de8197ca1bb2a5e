import { presentComparison } from "../comparison/present.js";
import { date } from "../format.js";
import type { ReportData } from "./data.js";
import { ReportWriter } from "./pdf-writer.js";
import { answers } from "./sections/answers.js";
import { charts } from "./sections/charts.js";
import { committee } from "./sections/committee.js";
import type { Section } from "./sections/context.js";
import { cover } from "./sections/cover.js";
import { flagMatrix } from "./sections/flags.js";
import { frameworks } from "./sections/frameworks.js";
import { funding } from "./sections/funding.js";
import { method } from "./sections/method.js";
import { openItems } from "./sections/open-items.js";
import { rounds } from "./sections/rounds.js";
import { sensitivity } from "./sections/sensitivity.js";
import { glossary, summary } from "./sections/summary.js";
import { vendorLines } from "./sections/vendors.js";

/** The report's sections in order; each draws what the presenter and the report data give it. */
const SECTIONS: Section[] = [
  cover,
  summary,
  charts,
  flagMatrix,
  funding,
  rounds,
  sensitivity,
  vendorLines,
  answers,
  openItems,
  method,
  glossary,
  committee,
  frameworks,
];

/** The PDF comparison report for the buying committee. Every figure is the cost model's, every sentence the presenter's. */
export async function comparisonReport(data: ReportData): Promise<Buffer> {
  const e = data.evaluation;
  const w = new ReportWriter({
    Title: `${e.title} — vendor comparison`,
    Author: data.generatedBy,
    Subject: "Adjusted multi-year budget per vendor",
    Keywords: "AI procurement, due diligence, total cost",
    Creator: "Truecost",
    CreationDate: new Date(data.generatedAt),
  });
  const ctx = {
    data,
    view: presentComparison(data.result, data.set, {
      notKnown: data.notKnown,
      decisions: data.decisions,
      tranches: data.tranches,
      rounds: data.rounds,
    }),
    w,
    root: w.doc.outline,
  };
  for (const section of SECTIONS) section(ctx);
  w.decorate(`${e.title} — vendor comparison, ${date(data.generatedAt)}`);
  return w.finish();
}
