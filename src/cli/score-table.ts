import { FLAG_LABELS } from "../domain.js";
import type { Scored } from "../evaluations/scoring.js";
import { money, percent } from "../format.js";

/** The readable table `truecost score` prints: vendors by adjusted total. */
export function scoreTable({ evaluation, result }: Scored): string {
  const cur = result.currency;
  const byId = new Map(result.vendors.map((v) => [v.vendorId, v]));
  const rows = result.ranking.adjusted.map((id, i) => {
    const v = byId.get(id)!;
    return [
      String(i + 1), v.name, money(v.entryPrice, cur), `#${result.ranking.entry.indexOf(id) + 1}`, money(v.adjustedTotal, cur),
      percent(v.hiddenShare, 0), percent(v.unknownShare, 0), v.flags.map((f) => `${FLAG_LABELS[f.id]} (${f.severity})`).join(", ") || "none",
    ];
  });
  const head = ["#", "Vendor", "Entry price", "Entry rank", `Adjusted ${result.horizonYears}-year total`, "Hidden", "Unknown", "Red flags"];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const right = new Set([0, 2, 3, 4, 5, 6]);
  const fmt = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ");
  const out = [
    `${evaluation.title} — ${result.tier.replace(/_/g, " ")}, ${result.horizonYears} years, ${cur}`,
    "",
    fmt(head),
    widths.map((w, c) => (c === widths.length - 1 ? "-".repeat(9) : "-".repeat(w))).join("  "),
    ...rows.map(fmt),
    "",
  ];
  if (result.rankFlips.length) out.push("Rank flips:", ...result.rankFlips.map((f) => `  ${f.statement}`));
  else if (result.vendors.length > 1) out.push("No rank flip: the order at entry holds once hidden costs are priced.");
  const movers = result.sensitivity.rows.filter((r) => r.leaderChanges);
  out.push(movers.length ? `Assumptions that change the leader at ±${percent(result.sensitivity.range, 0)}: ${movers.map((r) => r.assumption).join(", ")}` : `No single assumption moved by ±${percent(result.sensitivity.range, 0)} changes the leader.`);
  return out.join("\n");
}
