import stringWidth from "string-width";
import type { AsksView, FundingPlanView } from "../comparison/present-plan.js";

/** Columns as a terminal shows them, the first left-aligned and the rest right-aligned. */
function table(head: string[], rows: string[][], left = new Set([0])): string {
  const widths = head.map((h, c) => Math.max(stringWidth(h), ...rows.map((r) => stringWidth(r[c] ?? ""))));
  const fmt = (r: string[]) =>
    r
      .map((cell, c) => {
        const pad = " ".repeat(Math.max(0, widths[c]! - stringWidth(cell)));
        return left.has(c) ? cell + pad : pad + cell;
      })
      .join("  ")
      .trimEnd();
  return [fmt(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)].join("\n");
}

/** What `truecost plan` prints: one option's stages by year, each stage's content, and its gate. */
export function planText(plan: FundingPlanView): string {
  const out = [`Funding plan: ${plan.name}${plan.why ? ` (${plan.why})` : ""}`, plan.summary, ""];
  out.push(
    table(
      ["Stage", ...plan.years, "Temporary", "Structural", "Total", plan.presentLabel, "Funding"],
      [
        ...plan.stages.map((s) => [
          `${s.number} ${s.label}`,
          ...s.years,
          s.temporary,
          s.structural,
          s.total,
          s.present,
          s.funded ? "funded" : (s.funding ?? "not yet funded"),
        ]),
        ["All stages", ...plan.years.map(() => ""), plan.temporary, plan.structural, plan.total, plan.present, ""],
      ],
      new Set([0, plan.years.length + 5]),
    ),
  );
  for (const s of plan.stages) {
    out.push("", `${s.number}: ${s.label} — ${s.total}`);
    for (const x of s.receives) out.push(`  receives  ${x.text} (${x.by})`);
    for (const d of s.drivers) out.push(`  driven by ${d.label} (${d.amount})`);
    for (const r of s.risks) out.push(`  retires   ${r}`);
    if (s.gate) {
      out.push(`  ${s.gate.title}${s.gate.edited ? " (set by this evaluation)" : ""}:`);
      for (const c of s.gate.criteria) out.push(`    - ${c}`);
    }
  }
  if (plan.tranches.length) out.push("", "Tranches funded:", ...plan.tranches.map((t) => `  ${t}`));
  return out.join("\n");
}

/** What `truecost asks` prints: the vendor's asks by saving, with the question key to find each. */
export function asksText(asks: AsksView): string {
  const out = [`Negotiation asks: ${asks.name}`, asks.intro, ""];
  if (asks.none) return [...out, asks.none].join("\n");
  out.push(
    table(
      ["Question", "Saving", "Present value", "Topic", "Effect"],
      asks.rows.map((a) => [a.questionKey, a.saving, a.presentSaving, a.topic, a.effect]),
      new Set([0, 3, 4]),
    ),
    "",
    ...asks.rows.map((a) => `- ${a.text} [${a.questionKey}]`),
  );
  if (asks.all) out.push("", asks.all);
  return out.join("\n");
}
