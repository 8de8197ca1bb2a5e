import { presentComparison } from "../comparison/present.js";
import { FLAG_LABELS } from "../domain.js";
import type { Scored } from "../evaluations/scoring.js";

/** The readable table `truecost score` prints: vendors by adjusted total, with the presenter's sentences. */
export function scoreTable({ evaluation, result, set }: Scored): string {
  const v = presentComparison(result, set);
  const rows = v.vendors.map((x) => [
    x.totalRank, x.name, x.entry, x.entryRank, x.total, x.hidden, x.unknown,
    x.result.flags.map((f) => `${FLAG_LABELS[f.id]} (${f.severity})`).join(", ") || "none",
  ]);
  const head = ["#", "Vendor", "Entry price", "Entry rank", v.totalLabel, "Hidden", "Unknown", "Red flags"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const right = new Set([0, 2, 3, 4, 5, 6]);
  const fmt = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ");
  const out = [
    `${evaluation.title} — ${result.tier.replace(/_/g, " ")}, ${result.horizonYears} years, ${result.currency}`,
    "",
    v.headline,
    "",
    fmt(head),
    widths.map((w, c) => (c === widths.length - 1 ? "-".repeat(9) : "-".repeat(w))).join("  "),
    ...rows.map(fmt),
    "",
  ];
  if (v.flips.length) out.push("Rank flips:", ...v.flips.map((f) => `  ${f}`));
  if (v.noFlip) out.push(v.noFlip);
  for (const n of v.notes) out.push(`Note: ${n}`);
  out.push(v.sensitivity.intro);
  return out.join("\n");
}
