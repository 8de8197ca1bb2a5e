import { FLAGS, FLAG_LABELS, LAYERS, LAYER_LABELS, NATURES, PHASES, PHASE_LABELS, ROLE_LABELS, TIER_LABELS } from "../domain.js";
import { date, dateTime, money, percent } from "../format.js";

import { FLAG_SENTENCES } from "../model/flags.js";
import { isShown } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import { missingRequired } from "../questions/progress.js";
import { comparisonCharts } from "./charts.js";
import type { ReportData } from "./data.js";
import { headline, vendorParagraph } from "./narrative.js";
import { ReportWriter } from "./pdf-writer.js";

/** The PDF comparison report for the buying committee. Every figure is the cost model's. */
export async function comparisonReport(data: ReportData): Promise<Buffer> {
  const { evaluation: e, result: r, set } = data;
  const w = new ReportWriter({ Title: `${e.title} — vendor comparison`, Author: data.generatedBy, Subject: "Adjusted multi-year budget per vendor", Keywords: "AI procurement, due diligence, total cost", Creator: "Truecost", CreationDate: new Date(data.generatedAt) });
  const d = w.doc;
  const cur = r.currency;
  const byId = new Map(r.vendors.map((v) => [v.vendorId, v]));
  const vendorRow = new Map(data.vendors.map((v) => [String(v.id), v]));
  const ordered = r.ranking.adjusted.map((id) => byId.get(id)!);
  const root = d.outline;

  // Cover
  d.addStructure(d.struct("H1", {}, () => { const f = w.fit(e.title, true); d.font(f.font).fontSize(26).fillColor("#14213d").text(f.text, w.left, 190, { width: w.width }); }));
  w.paragraph("Vendor comparison report: the adjusted price of each offer", { size: 14, color: "#5b6675" });
  d.moveDown(1.5);
  w.table([{ header: "", width: 1 }, { header: "", width: 3 }], [
    ["Date", date(data.generatedAt)], ["Tier", TIER_LABELS[e.tier]], ["Horizon", `${e.horizonYears} years`], ["Currency", cur],
    ["Vendors", data.vendors.map((v) => v.name).join(", ") || "none"], ["Question set", `${set.title} (${set.id})`], ["Prepared by", data.generatedBy],
  ], { size: 10, boldFirst: true });
  w.paragraph("Confidential: commercially sensitive information from competing vendors. For the buying committee only; do not forward to vendors.", { size: 9, color: "#b42318" });
  root.addItem("Cover");

  // Executive summary
  w.heading("Executive summary", 1, root);
  w.paragraph(headline(r), { size: 11, bold: true });
  w.table([{ header: "Rank", width: 0.6 }, { header: "Vendor", width: 2.4 }, { header: "Entry price", width: 1.4, align: "right" }, { header: "Entry rank", width: 0.9, align: "right" }, { header: `Adjusted ${e.horizonYears}-year total`, width: 1.7, align: "right" }, { header: "Hidden", width: 0.8, align: "right" }, { header: "Unknown", width: 0.95, align: "right" }, { header: "Flags", width: 0.7, align: "right" }],
    ordered.map((v, i) => [String(i + 1), v.name, money(v.entryPrice, cur), `#${r.ranking.entry.indexOf(v.vendorId) + 1}`, money(v.adjustedTotal, cur), percent(v.hiddenShare, 0), percent(v.unknownShare, 0), String(v.flags.length)]), { size: 8.5 });
  if (r.rankFlips.length) for (const f of r.rankFlips) w.paragraph(`• ${f.statement}`, { size: 9.5 });
  else if (r.vendors.length > 1) w.paragraph("No rank flip: the order at entry holds once hidden costs are priced.", { size: 9.5 });
  for (const v of ordered) w.paragraph(vendorParagraph(r, v, vendorRow.get(v.vendorId)?.status ?? ""), { size: 8.5 });

  // Charts
  w.heading("Charts", 1, root);
  for (const c of comparisonCharts(r)) {
    w.heading(c.title, 3);
    w.chart(c);
  }

  // Red-flag matrix
  w.heading("Red-flag matrix", 1, root);
  w.table([{ header: "Vendor", width: 2 }, ...FLAGS.map((f) => ({ header: FLAG_LABELS[f], width: 1 }))],
    ordered.map((v) => [v.name, ...FLAGS.map((f) => v.flags.find((x) => x.id === f)?.severity ?? "—")]), { size: 8, boldFirst: true });
  for (const f of FLAGS) w.paragraph(`${FLAG_LABELS[f]}: ${FLAG_SENTENCES[f]}`, { size: 8.5 });

  // Funding by phase and year
  w.heading("Funding by phase and year", 1, root);
  w.paragraph("What is funded now and what later: year 1 carries discovery, implementation and rollout; recurring costs run every year; transition and exit fall in the final year. One-off costs are temporary; recurring costs are structural.", { size: 9 });
  w.table([{ header: "Vendor", width: 2 }, ...Array.from({ length: e.horizonYears }, (_, i) => ({ header: `Year ${i + 1}`, width: 1, align: "right" as const })), { header: "One-off", width: 1, align: "right" }, { header: "Recurring", width: 1, align: "right" }, { header: "Total", width: 1.1, align: "right" }],
    ordered.map((v) => [v.name, ...v.byYear.map((y) => money(y, cur)), ...NATURES.map((n) => money(v.byNature[n], cur)), money(v.adjustedTotal, cur)]), { size: 8, boldFirst: true });
  w.table([{ header: "Vendor", width: 2 }, ...PHASES.map((p) => ({ header: PHASE_LABELS[p], width: 1.1, align: "right" as const }))],
    ordered.map((v) => [v.name, ...PHASES.map((p) => money(v.byPhase[p], cur))]), { size: 8, boldFirst: true });

  // Sensitivity and ROI
  w.heading("Sensitivity and return", 1, root);
  const leader = r.sensitivity.leader ? byId.get(r.sensitivity.leader)?.name : undefined;
  w.paragraph(`Each cost assumption moved down and up by ${percent(r.sensitivity.range, 0)}. ${r.sensitivity.rows.some((x) => x.leaderChanges) ? "Rows marked “changes” move the lowest adjusted total to another vendor." : `No single assumption changes the leader${leader ? ` (${leader})` : ""}.`}`, { size: 9 });
  const shown = ordered.slice(0, 4);
  w.table([{ header: "Assumption", width: 2.2 }, { header: "Base → low / high", width: 1.4 }, ...shown.map((v) => ({ header: `${v.name} (low – high)`, width: 1.5, align: "right" as const })), { header: "Leader", width: 0.9 }],
    r.sensitivity.rows.map((x) => [x.label, `${x.base} → ${round(x.low)} / ${round(x.high)}`, ...shown.map((v) => `${money(x.totals[v.vendorId]!.low, cur)} – ${money(x.totals[v.vendorId]!.high, cur)}`), x.leaderChanges ? "changes" : "holds"]), { size: 7.5 });
  if (e.valueEstimateMinor) {
    w.paragraph(`Return on a yearly workflow value of ${money(e.valueEstimateMinor, cur)}: naive payback counts only the headline quote; adjusted payback counts every cost line.`, { size: 9 });
    const months = (m: number | null) => (m === null ? `never within ${e.horizonYears} years` : `${m} months`);
    w.table([{ header: "Vendor", width: 2 }, { header: "Naive payback", width: 1.3 }, { header: "Adjusted payback", width: 1.3 }, { header: "Naive net value", width: 1.3, align: "right" }, { header: "Adjusted net value", width: 1.3, align: "right" }],
      ordered.map((v) => [v.name, months(v.roi!.naivePaybackMonths), months(v.roi!.adjustedPaybackMonths), money(v.roi!.naiveNet, cur), money(v.roi!.adjustedNet, cur)]), { size: 8.5, boldFirst: true });
  }

  // Per vendor
  const vendorsItem = w.heading("Vendors: cost lines and provenance", 1, root)!;
  const questions = new Map(set.sections.flatMap((s) => s.questions.map((q) => [q.key, q])));
  for (const v of ordered) {
    w.heading(v.name, 2, vendorsItem);
    w.paragraph(vendorParagraph(r, v, vendorRow.get(v.vendorId)?.status ?? ""), { size: 9 });
    for (const layer of LAYERS) {
      const lines = v.lines.filter((l) => l.layer === layer).sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
      if (!lines.length) continue;
      w.heading(`${LAYER_LABELS[layer]} — ${money(v.byLayer[layer], cur)}`, 3);
      w.table([{ header: "Question and answer", width: 2.8 }, { header: "Line", width: 1.6 }, { header: "Amount", width: 1, align: "right" }, { header: "Total", width: 1, align: "right" }, { header: "Why", width: 3.2 }],
        lines.map((l) => {
          const q = questions.get(l.questionKey);
          return [`${q?.text ?? l.questionKey}\n→ ${q ? formatAnswer(q, l.answer, cur) : "—"}`, `${l.unknown ? "UNKNOWN · " : ""}${l.kind}${l.headline ? " (headline)" : ""}\n${PHASE_LABELS[l.phase]}\n${l.nature === "one_off" ? "one-off" : "recurring"}`,
            `${money(l.amount, cur)}${l.nature === "recurring" ? "/yr" : ""}`, money(l.total, cur), l.reason];
        }), { size: 7.5, shade: (i) => (lines[i]!.unknown ? "#fff4e5" : undefined) });
    }
  }

  // Answers side by side
  const answersItem = w.heading("Answers side by side", 1, root)!;
  const names = data.vendors.map((v) => v.name);
  for (const s of set.sections.filter((x) => e.roles.includes(x.role))) {
    w.heading(`${ROLE_LABELS[s.role]}: ${s.title}`, 2, answersItem);
    for (let start = 0; start < data.vendors.length; start += 4) {
      const group = data.vendors.slice(start, start + 4);
      w.table([{ header: "Question", width: 2.4 }, ...group.map((v) => ({ header: v.name, width: 1.6 }))], s.questions.map((q) => [q.text, ...group.map((v) => {
        const values = data.answers.get(v.id) ?? {};
        if (!isShown(q, values)) return "(not asked)";
        const files = (data.files.get(v.id) ?? []).filter((f) => f.questionKey === q.key).map((f) => `Evidence: ${f.name}`);
        return [formatAnswer(q, values[q.key], cur), ...files].join("\n");
      })]), { size: 7.5 });
    }
  }
  if (!names.length) w.paragraph("No vendor has been added.", { size: 9 });

  // Open clarifications and unanswered
  w.heading("Open clarifications and unanswered questions", 1, root);
  for (const v of data.vendors) {
    const open = (data.clarifications.get(v.id) ?? []).filter((c) => c.status === "open");
    const missing = missingRequired(set, e.roles, data.answers.get(v.id) ?? {});
    const n = missing.reduce((s, m) => s + m.questions.length, 0);
    w.heading(v.name, 3);
    if (!open.length && !n) w.paragraph("Nothing open: every required question is answered and no clarification is pending.", { size: 8.5 });
    for (const c of open) w.paragraph(`${c.visibility === "internal" ? "Internal note" : "Clarification"} on “${questions.get(c.questionKey)?.text ?? c.questionKey}”: ${c.messages.map((m) => `${m.authorName}: ${m.body}`).join(" — ")}`, { size: 8.5 });
    if (n) w.paragraph(`${n} required question${n === 1 ? "" : "s"} unanswered, priced in full as unknown: ${missing.flatMap((m) => m.questions.map((q) => q.text)).join("; ")}.`, { size: 8.5 });
  }

  // Assumptions and method
  w.heading("Assumptions and method", 1, root);
  w.table([{ header: "Assumption", width: 1.8 }, { header: "Value", width: 0.8, align: "right" }, { header: `Default (${TIER_LABELS[e.tier]})`, width: 0.9, align: "right" }, { header: "Meaning", width: 3 }, { header: "Basis", width: 2 }],
    set.assumptions.map((a) => [`${a.label}\n(${a.key})`, String(r.assumptions[a.key]), String(a.defaults[e.tier]), a.meaning, a.basis]), { size: 7.5 });
  for (const p of METHOD) w.paragraph(p, { size: 9 });

  // Committee
  w.heading("Committee comments and decision", 1, root);
  const recorded = data.decisions.find((x) => x.status === "recorded");
  if (recorded) w.paragraph(`Decision recorded ${dateTime(recorded.recordedAt)}: ${sentence(recorded.outcome === "reject_all" ? "reject all offers" : `approve ${recorded.vendorName}${recorded.outcome === "approve_with_conditions" ? ` with conditions: ${recorded.conditions}` : ""}`)} Reason: ${sentence(recorded.reason)} Signed by ${recorded.signatures.map((s) => `${s.userName} (${s.committeeRole.toUpperCase()}, ${dateTime(s.signedAt)})`).join(", ")}.`, { size: 10, bold: true });
  else w.paragraph("No decision recorded yet.", { size: 9.5 });
  for (const c of data.comments) w.paragraph(`${c.userName} (${c.userRole}), ${dateTime(c.createdAt)}: ${c.body}`, { size: 9 });
  if (!data.comments.length) w.paragraph("No comments yet.", { size: 9 });

  w.decorate(`${e.title} — vendor comparison, ${date(data.generatedAt)}`);
  return w.finish();
}

/** Text ending with exactly one full stop (unless it already ends with ! or ?). */
function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

function round(x: number): string {
  return String(Math.round(x * 1000) / 1000);
}

const METHOD = [
  "Method. Each vendor's answers are scored by one cost model. The quoted lines are the prices the vendor gives. Every item the quote leaves to the buyer becomes a hidden line: an item not included is priced in full from its estimate rule, a partly included item at the partial share, an item priced separately at the vendor's price, and an unanswered item in full, marked unknown, so that silence never makes an offer look cheaper.",
  "Each estimate is the larger of a share of the vendor's own quote (its implementation fee, yearly licence or yearly run cost) and a number of buyer days at the buyer's day rate. The assumptions above set the shares and days; their defaults depend on the workflow's tier, and the buyer can change them.",
  "Entry price is the headline quote: one-off prices plus one year of recurring prices. The adjusted total adds every line over the horizon. Red flags come from the answers and from the comparison: cheapest at entry but not overall, or a hidden share above the alarm. Sensitivity moves each cost assumption down and up to show whether the conclusion is robust.",
];
