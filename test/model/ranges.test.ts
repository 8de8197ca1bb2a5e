import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runModel, type ModelInput, type ModelResult } from "../../src/model/index.js";
import { sfc32, triangular } from "../../src/model/ranges.js";
import { inputArb } from "./generated.js";

const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) };

/** The margin of the runner-up over the leader on the nominal total, from a full run of the model. */
function margin(r: ModelResult, leader: string, runnerUp: string): number {
  const total = (id: string) => r.vendors.find((v) => v.vendorId === id)!.adjustedTotal!;
  return total(runnerUp) - total(leader);
}

describe("ranges by seeded Monte Carlo", () => {
  it("each figure's P10 ≤ P50 ≤ P90 lie in an envelope that holds the base figure", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        const r = runModel(input);
        for (const x of r.ranges.vendors) {
          const v = r.vendors.find((y) => y.vendorId === x.vendorId)!;
          expect(x.total.base).toBe(v.adjustedTotal);
          expect(x.present.base).toBe(v.presentTotal);
          for (const s of [x.total, x.present, ...(x.npv ? [x.npv] : [])]) {
            expect(s.low).toBeLessThanOrEqual(s.p10);
            expect(s.p10).toBeLessThanOrEqual(s.p50);
            expect(s.p50).toBeLessThanOrEqual(s.p90);
            expect(s.p90).toBeLessThanOrEqual(s.high);
            expect(s.low).toBeLessThanOrEqual(s.base);
            expect(s.base).toBeLessThanOrEqual(s.high);
          }
        }
      }),
      RUNS,
    );
  });

  it("the chances of being cheapest over the ranked vendors add up to 1", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        const r = runModel(input);
        const ranked = r.ranges.vendors.filter((x) => x.cheapest !== null);
        if (ranked.length === 0) return;
        expect(ranked.length).toBe(r.vendors.filter((v) => v.adjustedRank !== null).length);
        expect(ranked.reduce((s, x) => s + x.cheapest!, 0)).toBeCloseTo(1, 9);
        for (const x of ranked) expect(x.cheapest!).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it("the same inputs and seed give the same figures", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        expect(runModel(input).ranges).toEqual(runModel(input).ranges);
      }),
      { numRuns: 40 },
    );
    const a = sfc32(7),
      b = sfc32(7),
      c = sfc32(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it("each tornado bar's ends equal a full run of the model with that input at its end", () => {
    fc.assert(
      fc.property(inputArb({ maxVendors: 3 }), (raw) => {
        const input: ModelInput = { ...raw, evaluation: { ...raw.evaluation, rankOn: "nominal" } };
        const r = runModel(input);
        const t = r.ranges.tornado;
        if (!t) return;
        expect(t.margin).toBe(margin(r, t.leader, t.runnerUp));
        for (const bar of t.bars) {
          const range = r.ranges.inputs.find((x) => x.key === bar.key)!;
          const at = (x: number): ModelInput =>
            bar.key === "day_rate"
              ? { ...input, evaluation: { ...input.evaluation, dayRateMinor: Math.round(x) } }
              : {
                  ...input,
                  evaluation: { ...input.evaluation, assumptions: { ...input.evaluation.assumptions, [bar.key]: x } },
                };
          if (bar.key === "value") continue;
          expect(bar.low).toBe(margin(runModel(at(range.low)), t.leader, t.runnerUp));
          expect(bar.high).toBe(margin(runModel(at(range.high)), t.leader, t.runnerUp));
        }
      }),
      { numRuns: 60 },
    );
  });

  it("draws follow a triangular distribution on [low, high] around the base", () => {
    const rng = sfc32(1);
    const xs = Array.from({ length: 20_000 }, () => triangular(rng(), 10, 12, 20)).sort((a, b) => a - b);
    expect(xs[0]!).toBeGreaterThanOrEqual(10);
    expect(xs.at(-1)!).toBeLessThanOrEqual(20);
    // The mean of a triangular distribution is (low + mode + high) / 3.
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(14, 1);
    // Its CDF at the mode is (mode − low) / (high − low).
    expect(xs.filter((x) => x <= 12).length / xs.length).toBeCloseTo(0.2, 1);
  });
});
