import { FLAG_LABELS, LAYERS, LAYER_LABELS } from "../domain.js";
import { money, percent } from "../format.js";
import { ordinal, type ModelResult, type VendorResult } from "../model/index.js";

/** The comparison's headline in one sentence, from the rankings. */
export function headline(r: ModelResult): string {
  if (r.vendors.length === 0) return "No vendor has been added yet.";
  const byId = new Map(r.vendors.map((v) => [v.vendorId, v]));
  const entry = byId.get(r.ranking.entry[0]!)!;
  const adjusted = byId.get(r.ranking.adjusted[0]!)!;
  if (r.vendors.length === 1) return `${adjusted.name}'s adjusted ${r.horizonYears}-year total is ${money(adjusted.adjustedTotal, r.currency)} against an entry price of ${money(adjusted.entryPrice, r.currency)}.`;
  if (entry.vendorId === adjusted.vendorId) return `${adjusted.name} is cheapest both at entry (${money(entry.entryPrice, r.currency)}) and over ${r.horizonYears} years (${money(adjusted.adjustedTotal, r.currency)}).`;
  const a = r.ranking.adjusted.indexOf(entry.vendorId);
  return `${entry.name} is cheapest at entry (${money(entry.entryPrice, r.currency)}) but ${ordinal(a)} once hidden costs are priced; ${adjusted.name} is cheapest over ${r.horizonYears} years at ${money(adjusted.adjustedTotal, r.currency)}.`;
}

/** A short paragraph per vendor, in words, from its figures. */
export function vendorParagraph(r: ModelResult, v: VendorResult, status: string): string {
  const cur = r.currency;
  const e = r.ranking.entry.indexOf(v.vendorId);
  const a = r.ranking.adjusted.indexOf(v.vendorId);
  const top = LAYERS.filter((l) => v.hiddenByLayer[l] > 0).sort((x, y) => v.hiddenByLayer[y] - v.hiddenByLayer[x]).slice(0, 2);
  const parts = [
    `${v.name} quotes ${money(v.entryPrice, cur)} at entry (${ordinal(e)}); its adjusted ${r.horizonYears}-year total is ${money(v.adjustedTotal, cur)} (${ordinal(a)}).`,
    v.hiddenTotal > 0
      ? `${percent(v.hiddenShare, 0)} of that is left to the buyer${top.length ? `, mostly ${top.map((l) => `${LAYER_LABELS[l].toLowerCase()} (${money(v.hiddenByLayer[l], cur)})`).join(" and ")}` : ""}.`
      : "The quote covers every cost layer asked about.",
  ];
  if (v.unknownShare > 0.005) parts.push(`${percent(v.unknownShare, 0)} is priced from unanswered questions.`);
  if (status !== "submitted") parts.push(`The questionnaire is ${status === "declined" ? "declined" : "not yet submitted"}.`);
  parts.push(v.flags.length ? `Red flags: ${v.flags.map((f) => `${FLAG_LABELS[f.id].toLowerCase()} (${f.severity})`).join(", ")}.` : "No red flag.");
  return parts.join(" ");
}
