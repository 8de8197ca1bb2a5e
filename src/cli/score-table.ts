import stringWidth from "string-width";
import { presentComparison, summaryCells } from "../comparison/present.js";
import { FLAG_LABELS } from "../domain.js";
import type { Scored } from "../evaluations/scoring.js";

/** The readable table `truecost score` prints: vendors by adjusted total, with the presenter's sentences. */
export function scoreTable({ evaluation, result, set, notKnown }: Scored): string {
  const v = presentComparison(result, set, { notKnown });
  const rows = v.vendors.map((x) => [
    ...summaryCells(x),
    x.result.flags.map((f) => `${FLAG_LABELS[f.id]} (${f.severity})`).join(", ") || "none",
  ]);
  const head = [
    "#",
    "Vendor",
    "Entry price",
    "Entry rank",
    v.totalLabel,
    v.presentLabel,
    "Hidden",
    "Unknown",
    "Red flags",
  ];
  // Columns as a terminal shows them: wide characters (Japanese, emoji) take two cells, combining marks none.
  const widths = head.map((h, c) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[c]!))));
  const right = new Set([0, 2, 3, 4, 5, 6, 7]);
  const pad = (cell: string, c: number) => " ".repeat(Math.max(0, widths[c]! - stringWidth(cell)));
  const fmt = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell : right.has(c) ? pad(cell, c) + cell : cell + pad(cell, c)))
      .join("  ");
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
  if (v.rankingNote) out.push(v.rankingNote);
  for (const n of v.notes) out.push(`Note: ${n}`);
  out.push(v.sensitivity.intro);
  return out.join("\n");
}
