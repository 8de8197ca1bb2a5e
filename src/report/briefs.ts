import { createHash } from "node:crypto";
import { TIER_LABELS } from "../domain.js";
import { date } from "../format.js";
import type { ComparisonView } from "../comparison/present.js";
import { plannedView } from "../comparison/plan-json.js";
import type { Db } from "../db/index.js";
import { evaluationState } from "../evaluations/state.js";
import type { Scored } from "../evaluations/scoring.js";
import { ReportWriter } from "./pdf-writer.js";
import { askTable, stageDetails, stageTable } from "./sections/plan.js";

/**
 * The two short PDFs beside the comparison report: a funding request per option, for the CFO to
 * take to the investment committee, and a negotiation brief per vendor, for the procurement lead.
 * Both print the presenter's plan and asks (comparison/present-plan.ts), in the report's fonts and
 * tagging, with the evaluation state they were made from so that a reader can match them to the
 * comparison report of the same state.
 */
export interface BriefTask {
  evaluationId: number;
  vendorId: string;
  generatedBy: string;
  /** ISO-8601, chosen by the caller. */
  now: string;
}

export interface BriefOutput {
  pdf: Uint8Array;
  sha256: string;
  fileTitle: string;
}

interface Read {
  scored: Scored;
  view: ComparisonView;
  state: string;
}

function read(db: Db, evaluationId: number): Read | undefined {
  const x = plannedView(db, evaluationId);
  return x && { scored: x.scored, view: x.view, state: evaluationState(db, evaluationId) };
}

/** The frame both documents open with: what, for whom, from which state of the evaluation. */
function frame(w: ReportWriter, x: Read, task: BriefTask, rows: [string, string][], warning: string): void {
  const e = x.scored.evaluation;
  w.table(
    [
      { header: "", width: 1.2 },
      { header: "", width: 4 },
    ],
    [
      ...rows,
      ["Evaluation", `${e.title} (${TIER_LABELS[e.tier]}, ${e.horizonYears} years, ${e.currency})`],
      ["Date", date(task.now)],
      ["Prepared by", task.generatedBy],
      [
        "Source",
        `Truecost cost model, evaluation state ${x.state.slice(0, 12)} (the comparison report of the same state prints the same figures)`,
      ],
    ],
    { size: 9, boldFirst: true },
  );
  w.paragraph(warning, { size: 8.5, color: "#b42318" });
}

/** A brief's writer, its document information and its first heading. */
function start(task: BriefTask, title: string, subject: string, keywords: string, heading: string) {
  const w = new ReportWriter({
    Title: title,
    Author: task.generatedBy,
    Subject: subject,
    Keywords: keywords,
    Creator: "Truecost",
    CreationDate: new Date(task.now),
  });
  const root = w.doc.outline;
  w.heading(heading, 1, root, { newPage: false });
  return { w, root };
}

async function finish(w: ReportWriter, footer: string, fileTitle: string): Promise<BriefOutput> {
  w.decorate(footer, { fromPage: 0 });
  const pdf = await w.finish();
  return { pdf, sha256: createHash("sha256").update(pdf).digest("hex"), fileTitle };
}

/** The funding request of one option: its staged budget, each stage's content and gate, the tranches funded. */
export async function fundingRequestPdf(db: Db, task: BriefTask): Promise<BriefOutput | null> {
  const x = read(db, task.evaluationId);
  const plan = x?.view.plans.find((p) => p.vendorId === task.vendorId);
  if (!x || !plan) return null;
  const e = x.scored.evaluation;
  const title = `${e.title} — funding request: ${plan.name}`;
  const { w, root } = start(
    task,
    title,
    "Staged funding of the adjusted multi-year budget",
    "AI procurement, funding plan, gates, tranches",
    `Funding request: ${plan.name}`,
  );
  frame(
    w,
    x,
    task,
    [
      ["Option", plan.name + (plan.why ? ` (${plan.why})` : "")],
      ["Total", `${plan.total} over ${e.horizonYears} years; ${plan.present} at present value`],
      ["Transitional", `${plan.temporary} (one-off and temporary: ends)`],
      ["Structural", `${plan.structural} (recurring: stays)`],
    ],
    "Confidential: the buyer's own figures for one vendor's offer. For the investment committee.",
  );
  w.paragraph(plan.summary, { size: 10 });
  stageTable(w, plan);
  w.heading("Stages, what each delivers, and the gates between them", 2, root);
  stageDetails(w, plan, root);
  return finish(w, title, `${e.title} — funding request ${plan.name} ${task.now.slice(0, 10)}`);
}

/** The negotiation brief of one vendor: its asks by saving, with the contract topic and the effect of each. */
export async function negotiationBriefPdf(db: Db, task: BriefTask): Promise<BriefOutput | null> {
  const x = read(db, task.evaluationId);
  const asks = x?.view.asks.find((a) => a.vendorId === task.vendorId);
  const vendor = x?.view.vendors.find((v) => v.id === task.vendorId);
  if (!x || !asks || !vendor) return null;
  const e = x.scored.evaluation;
  const title = `${e.title} — negotiation brief: ${asks.name}`;
  const { w, root } = start(
    task,
    title,
    "Negotiation asks from the hidden and unknown lines of one vendor",
    "AI procurement, negotiation, hidden costs",
    `Negotiation brief: ${asks.name}`,
  );
  frame(
    w,
    x,
    task,
    [
      ["Vendor", asks.name],
      [x.view.totalLabel, `${vendor.total} (${vendor.totalRank})`],
      ["Entry price", vendor.entry],
    ],
    "For the procurement lead only: it holds the buyer's figures and other vendors' ranks. Send the asks, never this brief.",
  );
  w.paragraph(asks.intro, { size: 9 });
  if (asks.all) w.paragraph(asks.all, { size: 10, bold: true });
  const topics = [...new Set(asks.rows.map((a) => a.topic))];
  if (!topics.length) askTable(w, asks);
  for (const topic of topics) {
    w.heading(topic, 2, root);
    askTable(w, { ...asks, rows: asks.rows.filter((a) => a.topic === topic), all: null });
  }
  return finish(w, title, `${e.title} — negotiation brief ${asks.name} ${task.now.slice(0, 10)}`);
}
