import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runModel, type ModelInput } from "../../src/model/index.js";
import { ROOT } from "../../src/paths.js";
import { parseQuestionSet } from "../../src/questions/loader.js";

/** The worked example's question set and inputs, read from docs/cost-model.md itself. */
function workedExample(): ModelInput {
  const doc = readFileSync(join(ROOT, "docs", "cost-model.md"), "utf8");
  const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
  const json = JSON.parse(/```json\n([\s\S]*?)```/.exec(doc)![1]!) as Omit<ModelInput, "set">;
  return { set: parseQuestionSet(yaml, "docs/cost-model.md"), ...json };
}

const EUR = (n: number) => Math.round(n * 100);

describe("the worked example of docs/cost-model.md, figure by figure", () => {
  const result = runModel(workedExample());
  const [a, b] = result.vendors;

  it("prices Vendor A's lines as the table says", () => {
    const byKey = Object.fromEntries(a!.lines.map((l) => [l.questionKey, l]));
    expect(Object.keys(byKey).sort()).toEqual(["controls", "exit", "fee", "licence", "monitoring", "stabilisation"]);
    const expectLine = (key: string, kind: string, amount: number, years: number[], unknown = false) => {
      const l = byKey[key]!;
      expect({ kind: l.kind, amount: l.amount, years: l.years, total: l.total, unknown: l.unknown }, key).toEqual({
        kind, amount: EUR(amount), years: years.map(EUR), total: EUR(years.reduce((s, y) => s + y, 0)), unknown,
      });
    };
    expectLine("fee", "quoted", 100_000, [100_000, 0, 0]);
    expectLine("licence", "quoted", 40_000, [40_000, 40_000, 40_000]);
    expectLine("monitoring", "hidden", 8_000, [8_000, 8_000, 8_000]);
    expectLine("controls", "hidden", 10_000, [10_000, 0, 0]);
    expectLine("stabilisation", "hidden", 6_000, [1_500, 0, 0]);
    expectLine("exit", "hidden", 30_000, [0, 0, 30_000], true);
    expect(byKey.monitoring!.assumptions).toEqual({ ops_share: 0.2 });
    expect(byKey.stabilisation!.assumptions).toEqual({ stabilisation_share: 0.3, partial_share: 0.5, rollout_months: 3 });
    expect(byKey.exit!.reason).toMatch(/^Not answered; priced in full at 30% \(exit_share\) of the implementation fee €100,000/);
  });

  it("totals, shares and splits for Vendor A", () => {
    expect(a!.entryPrice).toBe(EUR(140_000));
    expect(a!.adjustedTotal).toBe(EUR(285_500));
    expect(a!.hiddenTotal).toBe(EUR(65_500));
    expect(a!.unknownTotal).toBe(EUR(30_000));
    expect(a!.hiddenShare).toBeCloseTo(65_500 / 285_500, 10);
    expect(a!.byYear).toEqual([159_500, 48_000, 78_000].map(EUR));
    expect(a!.byLayer).toEqual({ value: EUR(220_000), governance: EUR(10_000), support: EUR(24_000), ownership: EUR(30_000), rollout: EUR(1_500) });
    expect(a!.byPhase).toEqual({ discovery: 0, implementation: EUR(110_000), rollout: EUR(1_500), operate: EUR(144_000), transition: EUR(30_000) });
    expect(a!.byNature).toEqual({ one_off: EUR(140_000), recurring: EUR(145_500) });
  });

  it("flags Vendor A and not Vendor B", () => {
    expect(a!.flags.map((f) => [f.id, f.severity, f.questionKeys])).toEqual([
      ["implementation_without_operation", "high", ["monitoring"]],
      ["governance_deferred", "high", ["controls"]],
      ["cheap_by_exclusion", "high", []],
    ]);
    expect(a!.flags[2]!.message).toContain("cheapest at entry (€140,000) but second on the adjusted total (€285,500)");
    expect(b!.flags).toEqual([]);
    expect(b!.entryPrice).toBe(EUR(165_000));
    expect(b!.adjustedTotal).toBe(EUR(255_000));
    expect(b!.hiddenTotal).toBe(0);
  });

  it("states the rank flip", () => {
    expect(result.ranking).toEqual({ entry: ["A", "B"], adjusted: ["B", "A"] });
    expect(result.rankFlips.map((f) => f.statement)).toEqual([
      "Vendor A is cheapest at entry but second once hidden costs are priced.",
      "Vendor B is second at entry but cheapest once hidden costs are priced.",
    ]);
  });

  it("computes naive and adjusted payback in months", () => {
    expect(a!.roi).toEqual({ valuePerYear: EUR(200_000), valueOverHorizon: EUR(500_000), naivePaybackMonths: 15, adjustedPaybackMonths: 17, naiveNet: EUR(280_000), adjustedNet: EUR(214_500) });
    expect(b!.roi!.naivePaybackMonths).toBe(18);
    expect(b!.roi!.adjustedPaybackMonths).toBe(18);
  });

  it("moves each assumption by 30% without changing the leader", () => {
    const ops = result.sensitivity.rows.find((r) => r.assumption === "ops_share")!;
    expect(ops.low).toBeCloseTo(0.14, 10);
    expect(ops.high).toBeCloseTo(0.26, 10);
    expect(ops.totals.A).toEqual({ low: EUR(278_300), high: EUR(292_700) });
    expect(ops.totals.B).toEqual({ low: EUR(255_000), high: EUR(255_000) });
    expect(result.sensitivity.leader).toBe("B");
    expect(result.sensitivity.rows.every((r) => !r.leaderChanges)).toBe(true);
    expect(result.sensitivity.rows.map((r) => r.assumption)).not.toContain("go_live_month");
  });
});
