import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { presentComparison } from "../../src/comparison/present.js";
import { runModel, type ModelInput } from "../../src/model/index.js";
import { parseQuestionSet } from "../../src/questions/loader.js";
import type { Assumption } from "../../src/questions/schema.js";
import { inputArb } from "./generated.js";

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };
const tiers = (x: number) => ({ pilot: x, production: x, system_of_record: x });
const assumption = (key: string, value: number, kind: Assumption["kind"], max = 1): Assumption => ({
  key,
  label: key,
  meaning: `${key} for the tests.`,
  basis: "judgement",
  unit: "share",
  kind,
  min: 0,
  max,
  defaults: tiers(value),
});

/** The same input whose set carries the discount rate and the day rate's rise, at the values given. */
function withRates(input: ModelInput, rates: { discount?: number; escalation?: number }): ModelInput {
  const extra = [
    assumption("discount_rate", rates.discount ?? 0.08, "value", 0.3),
    assumption("day_rate_escalation", rates.escalation ?? 0, "cost", 0.15),
  ];
  return {
    ...input,
    set: {
      ...input.set,
      assumptions: [...input.set.assumptions.filter((a) => !extra.some((e) => e.key === a.key)), ...extra],
    },
  };
}

describe("present values", () => {
  it("a higher discount rate never raises a present value: of a line, a total, or the value", () => {
    fc.assert(
      fc.property(
        inputArb(),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        (input, x, y) => {
          const [lo, hi] = x <= y ? [x, y] : [y, x];
          const a = runModel(withRates(input, { discount: lo }));
          const b = runModel(withRates(input, { discount: hi }));
          a.vendors.forEach((va, i) => {
            const vb = b.vendors[i]!;
            va.lines.forEach((l, j) => {
              expect(vb.lines[j]!.presentValue).toBeLessThanOrEqual(l.presentValue);
              // Discounting never makes money worth more than its nominal amount.
              expect(l.presentValue).toBeLessThanOrEqual(l.total);
            });
            if (va.presentTotal !== null) expect(vb.presentTotal!).toBeLessThanOrEqual(va.presentTotal);
            expect(va.presentTotal === null).toBe(va.adjustedTotal === null);
            if (va.presentTotal !== null)
              expect(va.presentTotal).toBe(va.lines.reduce((s, l) => s + l.presentValue, 0));
            if (va.roi && vb.roi) expect(vb.roi.valuePresent).toBeLessThanOrEqual(va.roi.valuePresent);
          });
        },
      ),
      RUNS,
    );
  });

  it("a rising day rate never lowers a line or a total, and a rise of 0 changes nothing", () => {
    fc.assert(
      fc.property(inputArb(), fc.double({ min: 0.001, max: 0.15, noNaN: true }), (input, rise) => {
        const flat = runModel(withRates(input, { escalation: 0 }));
        const none = runModel(input);
        const risen = runModel(withRates(input, { escalation: rise }));
        flat.vendors.forEach((v, i) => {
          expect(v.pricedTotal).toBe(none.vendors[i]!.pricedTotal);
          // A work priced by two questions counts under the larger: with the rise the other may become the larger.
          v.lines.forEach((l, j) => {
            const r = risen.vendors[i]!.lines[j]!;
            if (!l.countedUnder && !r.countedUnder) expect(r.total).toBeGreaterThanOrEqual(l.total);
          });
          expect(risen.vendors[i]!.pricedTotal).toBeGreaterThanOrEqual(v.pricedTotal);
          if (v.adjustedTotal !== null)
            expect(risen.vendors[i]!.adjustedTotal!).toBeGreaterThanOrEqual(v.adjustedTotal);
        });
      }),
      RUNS,
    );
  });
});

const SET = `
id: pv_example
title: Present-value example
description: Two ways to charge for the same system.
assumptions:
  - { key: partial_share, label: Partial share, meaning: Share funded when partly covered., basis: judgement, unit: share, min: 0, max: 1, defaults: { pilot: 0.5, production: 0.5, system_of_record: 0.5 } }
  - { key: rollout_months, label: Stabilisation months, meaning: Months of stabilisation after go-live., basis: judgement, unit: months, min: 0, max: 24, defaults: { pilot: 2, production: 2, system_of_record: 2 } }
  - { key: go_live_month, label: Go-live month, meaning: Months from signature to go-live., basis: judgement, unit: months, kind: timing, min: 0, max: 36, defaults: { pilot: 6, production: 6, system_of_record: 6 } }
  - { key: hidden_share_threshold, label: Hidden share alarm, meaning: Hidden share above which a vendor is flagged., basis: judgement, unit: share, kind: threshold, min: 0, max: 1, defaults: { pilot: 0.9, production: 0.9, system_of_record: 0.9 } }
  - { key: discount_rate, label: Discount rate, meaning: Yearly rate of present values., basis: judgement, unit: share, kind: value, min: 0, max: 0.3, defaults: { pilot: 0.1, production: 0.1, system_of_record: 0.1 } }
  - { key: adoption_months, label: Months to full value, meaning: Months from go-live to full value., basis: judgement, unit: months, kind: value, min: 0, max: 36, defaults: { pilot: 12, production: 12, system_of_record: 12 } }
sections:
  - role: cfo
    title: Finance
    intro: Prices in the evaluation's currency.
    questions:
      - { key: fee, type: money, text: Implementation fee (one-off), quote: implementation, layer: value, phase: discovery, nature: one_off }
      - { key: licence, type: money, text: Licence fee per year, quote: licence, layer: value, phase: operate, nature: recurring, starts: signature }
  - role: product
    title: Operations
    intro: Rollout and go-live.
    questions:
      - { key: plan, type: single_choice, text: How will you roll it out?, required: false, term: rollout_plan, options: [{ value: staged, label: Staged }, { value: pilot_then_all, label: Pilot then all }, { value: big_bang, label: Big bang }] }
      - { key: go_live, type: number, text: Months from signature to go-live?, unit: months, min: 0, max: 60, required: false, term: go_live_estimate }
`;

const EUR = (n: number) => n * 100;
function offers(rankOn: "nominal" | "present", answers: Record<string, Record<string, unknown>> = {}): ModelInput {
  return {
    set: parseQuestionSet(SET, "test"),
    evaluation: {
      tier: "production",
      horizonYears: 3,
      currency: "EUR",
      dayRateMinor: EUR(800),
      valueEstimateMinor: EUR(400_000),
      roles: ["cfo", "product"],
      rankOn,
    },
    vendors: [
      // One-off heavy: everything paid at signature.
      { id: "a", name: "Upfront Co", answers: { fee: EUR(300_000), licence: 0, ...answers.a } as never },
      // Licence heavy: the same system paid for by the year.
      { id: "b", name: "Yearly Ltd", answers: { fee: 0, licence: EUR(105_000), ...answers.b } as never },
    ],
  };
}

describe("ranking on present value", () => {
  it("a one-off-heavy and a licence-heavy offer swap places at 10%, and the page says so in one sentence", () => {
    const nominal = runModel(offers("nominal"));
    expect(nominal.ranking.nominal).toEqual(["a", "b"]);
    expect(nominal.ranking.present).toEqual(["b", "a"]);
    expect(nominal.ranking.adjusted).toEqual(["a", "b"]);
    expect(nominal.rankingsDiffer).toBe(true);
    const present = runModel(offers("present"));
    expect(present.ranking.adjusted).toEqual(["b", "a"]);
    expect(present.vendors.map((v) => [v.adjustedRank, v.nominalRank, v.presentRank])).toEqual([
      [2, 1, 2],
      [1, 2, 1],
    ]);
    const view = presentComparison(present, offers("present").set);
    expect(view.vendors.map((v) => v.name)).toEqual(["Yearly Ltd", "Upfront Co"]);
    expect(view.rankingNote).toBe(
      "Ranked on present value at 10%, as this evaluation chooses, the order is Yearly Ltd, Upfront Co; on nominal totals it would be Upfront Co, Yearly Ltd.",
    );
    expect(view.presentLabel).toBe("Present value at 10%");
    expect(view.headline).toBe(
      `Yearly Ltd is cheapest both at entry (€105,000) and over 3 years (${view.vendors[0]!.present} in present value).`,
    );
    expect(presentComparison(nominal, offers("nominal").set).rankingNote).toBe(
      "Ranked on nominal totals, as this evaluation chooses, the order is Upfront Co, Yearly Ltd; on present value at 10% it would be Yearly Ltd, Upfront Co.",
    );
  });
});

describe("value timing", () => {
  it("value starts at the vendor's own later go-live, follows its rollout plan, and silence takes the latest go-live stated", () => {
    const r = runModel(offers("nominal", { a: { go_live: 12, plan: "big_bang" }, b: { plan: "staged" } }));
    const [a, b] = r.vendors;
    // The buyer plans go-live at month 6; Upfront Co says 12; Yearly Ltd is silent, so it is taken at 12 too.
    expect(a!.roi).toMatchObject({ goLiveMonth: 12, rampMonths: 2 });
    expect(b!.roi).toMatchObject({ goLiveMonth: 12, rampMonths: 12 });
    // A big bang reaches full value sooner than a staged rollout from the same go-live.
    expect(a!.roi!.valueOverHorizon).toBeGreaterThan(b!.roi!.valueOverHorizon);
    // Value over 24 live months: 2 months of ramp (half value on average, by month) then 22 at full value.
    const month = EUR(400_000) / 12;
    expect(a!.roi!.valueOverHorizon).toBe(Math.round(month * (0.5 + 1) + month * 22));
    // An earlier estimate than the buyer's plan does not bring value sooner.
    const early = runModel(offers("nominal", { a: { go_live: 2 } })).vendors[0]!;
    expect(early.roi!.goLiveMonth).toBe(6);
    // Stating a later go-live never helps: silence is never better than an answer.
    const silent = runModel(offers("nominal", { a: { go_live: 20 } })).vendors[1]!;
    expect(silent.roi!.goLiveMonth).toBe(20);
  });
});
