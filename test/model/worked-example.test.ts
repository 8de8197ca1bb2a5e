import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { presentComparison } from "../../src/comparison/present.js";
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
  const input = workedExample();
  const result = runModel(input);
  const [a, b] = result.vendors;

  it("prices Vendor A's lines as the table says", () => {
    const byKey = Object.fromEntries(a!.lines.map((l) => [l.questionKey, l]));
    expect(Object.keys(byKey).sort()).toEqual([
      "controls",
      "exit",
      "fee",
      "licence",
      "monitoring",
      "review",
      "stabilisation",
      "transition_fee",
    ]);
    const expectLine = (key: string, kind: string, amount: number, years: number[], unknown = false) => {
      const l = byKey[key]!;
      expect({ kind: l.kind, amount: l.amount, years: l.years, total: l.total, unknown: l.unknown }, key).toEqual({
        kind,
        amount: EUR(amount),
        years: years.map(EUR),
        total: EUR(years.reduce((s, y) => s + y, 0)),
        unknown,
      });
    };
    expectLine("fee", "quoted", 100_000, [100_000, 0, 0]);
    expectLine("licence", "quoted", 40_000, [40_000, 44_000, 48_400]);
    expectLine("transition_fee", "quoted", 0, [0, 0, 0]);
    expectLine("monitoring", "hidden", 20_000, [10_000, 20_000, 20_000]);
    expectLine("controls", "hidden", 20_000, [20_000, 0, 0]);
    expectLine("stabilisation", "hidden", 36_000, [9_000, 0, 0]);
    expectLine("review", "disclosed", 30_000, [15_000, 30_000, 30_000]);
    expectLine("exit", "hidden", 60_000, [0, 0, 60_000], true);
    expect(byKey.transition_fee!.countedUnder).toBe("exit");
    expect(byKey.stabilisation!.nature).toBe("temporary");
    expect(byKey.review!.asserted).toBe(true);
    expect(byKey.monitoring!.assumptions).toEqual({ monitoring_days: 20 });
    expect(byKey.exit!.assumptions).toEqual({ exit_share: 0.3, reference_build_days: 100, exit_locked_factor: 2 });
    expect(byKey.exit!.reason).toMatch(
      /^Not answered; priced in full at 30% \(exit_share\) of the reference build cost €100,000, × 2 \(exit_locked_factor/,
    );
  });

  it("totals, shares, components and splits for Vendor A", () => {
    expect(a!.entryPrice).toBe(EUR(140_000));
    expect(a!.adjustedTotal).toBe(EUR(446_400));
    expect(a!.hiddenTotal).toBe(EUR(139_000));
    expect(a!.unknownTotal).toBe(EUR(60_000));
    expect(a!.hiddenShare).toBeCloseTo(139_000 / 446_400, 10);
    expect(a!.byYear).toEqual([194_000, 94_000, 158_400].map(EUR));
    expect(a!.components).toEqual({
      entry: EUR(140_000),
      quotedAfterEntry: EUR(92_400),
      disclosed: EUR(75_000),
      hidden: EUR(79_000),
      unknown: EUR(60_000),
    });
    expect(a!.byNature).toEqual({ one_off: EUR(180_000), temporary: EUR(9_000), recurring: EUR(257_400) });
  });

  it("flags Vendor A and not Vendor B", () => {
    expect(a!.flags.map((f) => [f.id, f.severity, f.questionKeys])).toEqual([
      ["implementation_without_operation", "high", ["monitoring"]],
      ["governance_deferred", "high", ["controls"]],
      ["ownership_vague", "high", ["portability", "exit"]],
      ["roi_without_controls", "medium", ["review"]],
      ["cheap_by_exclusion", "high", []],
    ]);
    expect(b!.flags).toEqual([]);
    expect(b!.entryPrice).toBe(EUR(195_000));
    expect(b!.adjustedTotal).toBe(EUR(360_000));
    expect(b!.hiddenTotal).toBe(0);
  });

  it("states the rank flip and its cause", () => {
    expect(result.ranking).toEqual({
      entry: ["A", "B"],
      adjusted: ["B", "A"],
      nominal: ["B", "A"],
      present: ["B", "A"],
    });
    expect(result.rankFlips).toEqual([
      {
        cheaperAtEntry: "A",
        cheaperOverall: "B",
        entryGap: EUR(55_000),
        adjustedGap: EUR(86_400),
        cause: { quotedAfterEntry: EUR(2_400), disclosed: 0, hidden: EUR(79_000), unknown: EUR(60_000) },
        quotedAlone: false,
        byExclusion: true,
      },
    ]);
    expect(presentComparison(result, input.set).flips[0]).toBe(
      "Vendor A is €55,000 cheaper than Vendor B at entry but €86,400 dearer over 3 years. Of the €141,400 swing, what its quote leaves to the buyer adds €79,000; what it left unanswered adds €60,000; its quoted prices after the first year add €2,400. Without what it leaves out or unanswered it would still be cheaper: the flip is caused by exclusions.",
    );
  });

  it("computes naive and adjusted payback in months", () => {
    expect(a!.roi).toMatchObject({
      valuePerYear: EUR(200_000),
      valueOverHorizon: EUR(500_000),
      naivePaybackMonths: 16,
      adjustedPaybackMonths: 23,
      naiveNet: EUR(267_600),
      adjustedNet: EUR(53_600),
      naiveNote: null,
      adjustedNote: null,
    });
    expect(b!.roi).toMatchObject({
      naivePaybackMonths: 20,
      adjustedPaybackMonths: 23,
      naiveNet: EUR(215_000),
      adjustedNet: EUR(140_000),
    });
  });

  it("discounts every month to signature at the set's rate (8% when the set names none)", () => {
    // q is one month's discount factor; a geometric series sums months from..to-1.
    const q = 1.08 ** (-1 / 12);
    const series = (from: number, to: number) => (q ** from - q ** to) / (1 - q);
    expect(result.discountRate).toBe(0.08);
    // The workflow's value from go-live (month 6) to the horizon's end, a twelfth of a year each month.
    expect(a!.roi!.valuePresent).toBe(Math.round((EUR(200_000) / 12) * series(6, 36)));
    expect(a!.roi).toMatchObject({ goLiveMonth: 6, rampMonths: 0 });
    // The fee is spread over the build (months 0 to 5).
    const fee = a!.lines.find((l) => l.questionKey === "fee")!;
    expect(fee.presentValue).toBe(Math.round((EUR(100_000) / 6) * series(0, 6)));
    for (const v of [a!, b!]) {
      expect(v.presentTotal).toBe(v.lines.reduce((s, l) => s + l.presentValue, 0));
      expect(v.presentTotal!).toBeLessThan(v.adjustedTotal!);
      expect(v.roi!.npv).toBe(v.roi!.valuePresent - v.presentTotal!);
      // Discounting only delays payback.
      expect(v.roi!.discountedPaybackMonths ?? Infinity).toBeGreaterThanOrEqual(v.roi!.adjustedPaybackMonths!);
    }
    expect([a!.nominalRank, a!.presentRank, b!.nominalRank, b!.presentRank]).toEqual([2, 2, 1, 1]);
    expect(result.rankingsDiffer).toBe(false);
  });

  it("moves each assumption by 30% without changing the cheapest vendor", () => {
    const row = result.sensitivity.rows.find((r) => r.assumption === "monitoring_days")!;
    expect([row.low, row.high]).toEqual([14, 26]);
    expect(row.totals.A).toEqual({ low: EUR(431_400), high: EUR(461_400) });
    expect(row.totals.B).toEqual({ low: EUR(360_000), high: EUR(360_000) });
    expect(result.sensitivity.leader).toBe("B");
    expect(result.sensitivity.rows.every((r) => !r.leaderChanges)).toBe(true);
  });
});
