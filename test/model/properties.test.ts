import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { presentComparison } from "../../src/comparison/present.js";
import { comparisonCsv } from "../../src/comparison/csv.js";
import { ownHidden, resolveAssumptions, runModel, type ModelResult, type VendorResult } from "../../src/model/index.js";
import { scoreContext, staticContext } from "../../src/model/context.js";
import { totalOf } from "../../src/model/evaluate.js";
import { planVendor } from "../../src/model/plan.js";
import type { AnswerValue } from "../../src/questions/answers.js";
import { COST_ASSUMPTIONS, inputArb, without } from "./generated.js";

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
/** Runs per property; PROPERTY_RUNS=5000 npx vitest run test/model searches harder. */
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) };

/** Where a vendor stands on a figure: its rank, or after every ranked vendor when it has none. */
const position = (r: ModelResult, v: VendorResult, rank: number | null) => rank ?? r.vendors.length + 1;

describe("cost model properties over generated evaluations", () => {
  it("every total reconciles to the unit: lines = layer = phase = year = nature = priced total; the adjusted total is that or null", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        for (const v of runModel(input).vendors) {
          for (const l of v.lines) {
            expect(Number.isSafeInteger(l.amount) && Number.isSafeInteger(l.total)).toBe(true);
            expect(sum(l.years)).toBe(l.total);
          }
          const t = sum(v.lines.map((l) => l.total));
          expect(t).toBe(v.pricedTotal);
          for (const split of [v.byLayer, v.byPhase, v.byNature]) expect(sum(Object.values(split))).toBe(t);
          expect(sum(v.byYear)).toBe(t);
          expect(v.byYear).toHaveLength(input.evaluation.horizonYears);
          expect(v.quotedTotal + v.hiddenTotal + v.disclosedTotal).toBe(t);
          const c = v.components;
          expect(c.entry + c.quotedAfterEntry + c.disclosed + c.hidden + c.unknown).toBe(t);
          expect(v.adjustedTotal === null ? !v.complete : v.adjustedTotal === t).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("removing any one answer never lowers a vendor's adjusted total or its entry price as shown, nor improves its rank", () => {
    fc.assert(
      fc.property(inputArb(), fc.nat(), fc.nat(), (input, pickV, pickK) => {
        const vi = pickV % input.vendors.length;
        const keys = Object.keys(input.vendors[vi]!.answers);
        fc.pre(keys.length > 0);
        const key = keys[pickK % keys.length]!;
        const before = runModel(input);
        const after = runModel(without(input, vi, key));
        const [b, a] = [before.vendors[vi]!, after.vendors[vi]!];
        // A total that cannot be compared (null) is unbounded: never lower than a figure.
        if (a.adjustedTotal !== null) {
          expect(b.adjustedTotal, `${key}: a total appeared from nothing`).not.toBeNull();
          expect(a.adjustedTotal, key).toBeGreaterThanOrEqual(b.adjustedTotal!);
        }
        if (a.entryPrice !== null) expect(a.entryPrice, key).toBeGreaterThanOrEqual(b.entryPrice!);
        expect(position(after, a, a.adjustedRank), key).toBeGreaterThanOrEqual(position(before, b, b.adjustedRank));
        expect(position(after, a, a.entryRank), key).toBeGreaterThanOrEqual(position(before, b, b.entryRank));
      }),
      { numRuns: RUNS.numRuns * 3 },
    );
  });

  it("a vendor with a blank headline price is never shown as cheapest at entry, even alone", () => {
    fc.assert(
      fc.property(inputArb({ blankFreq: 1 }), (input) => {
        for (const v of runModel(input).vendors) {
          const blank = v.lines.some((l) => l.headline && l.unpriced);
          if (blank) expect([v.entryPrice, v.entryRank, v.entryStatus]).toEqual([null, null, "not_quoted"]);
        }
      }),
      RUNS,
    );
  });

  it("cheap by exclusion is raised only on a vendor whose own exclusions, partial cover or silence cause it; flip causes add up to the swing", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        const r = runModel(input);
        const byId = new Map(r.vendors.map((v) => [v.vendorId, v]));
        for (const v of r.vendors) {
          const flag = v.flags.find((f) => f.id === "cheap_by_exclusion");
          // Raised across vendors (no answer behind it): only with exclusions of the vendor's own.
          if (flag && flag.questionKeys.length === 0) expect(ownHidden(v)).toBeGreaterThan(0);
        }
        for (const f of r.rankFlips) {
          const c = f.cause;
          expect(c.quotedAfterEntry + c.disclosed + c.hidden + c.unknown).toBe(f.entryGap + f.adjustedGap);
          const [a, b] = [byId.get(f.cheaperAtEntry)!, byId.get(f.cheaperOverall)!];
          if (f.byExclusion) expect(ownHidden(a)).toBeGreaterThan(ownHidden(b));
          // What quoted prices over the horizon alone explain is never blamed on exclusions.
          if (a.quotedTotal >= b.quotedTotal) expect(f.byExclusion).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it("counts every piece of work once: no two lines of a vendor price the same work", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        for (const v of runModel(input).vendors) {
          const counted = v.lines.filter((l) => l.total > 0).map((l) => l.work);
          expect(new Set(counted).size, JSON.stringify(counted)).toBe(counted.length);
          for (const l of v.lines.filter((x) => x.countedUnder))
            expect(v.lines.some((w) => w.questionKey === l.countedUnder && w.work === l.work)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("ranks only submitted vendors (or all when asked), ties share a rank, and one vendor gets no leader statement", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        const r = runModel(input);
        const rankable = (v: VendorResult) => v.status === "submitted" || input.evaluation.rankUnsubmitted === true;
        for (const v of r.vendors) {
          if (!rankable(v)) expect([v.entryRank, v.adjustedRank]).toEqual([null, null]);
          if (v.adjustedRank !== null)
            expect(v.adjustedRank).toBe(
              1 + r.vendors.filter((w) => w.adjustedRank !== null && w.adjustedTotal! < v.adjustedTotal!).length,
            );
          if (v.entryRank !== null)
            expect(v.entryRank).toBe(
              1 + r.vendors.filter((w) => w.entryRank !== null && w.entryPrice! < v.entryPrice!).length,
            );
        }
        expect(r.ranking.adjusted).toEqual(
          r.vendors
            .filter((v) => v.adjustedRank !== null)
            .sort((x, y) => x.adjustedTotal! - y.adjustedTotal!)
            .map((v) => v.vendorId),
        );
        if (r.ranking.adjusted.length < 2) {
          expect(r.sensitivity.leader).toBeNull();
          expect(r.sensitivity.rows.every((x) => !x.leaderChanges)).toBe(true);
          expect(r.rankFlips).toEqual([]);
        }
        if (
          !input.set.sections.some(
            (s) => input.evaluation.roles.includes(s.role) && s.questions.some((q) => q.quote && q.headline),
          )
        )
          for (const v of r.vendors) expect([v.entryPrice, v.entryStatus]).toEqual([null, "not_asked"]);
      }),
      RUNS,
    );
  });

  it("for the same item: unanswered ≥ excluded ≥ partial ≥ included", () => {
    fc.assert(
      fc.property(inputArb(), fc.nat(), (input, pick) => {
        const items = input.set.sections
          .flatMap((s) => s.questions)
          .filter((q) => q.type === "coverage" && !q.shows_if);
        fc.pre(items.length > 0);
        const q = items[pick % items.length]!;
        const withStatus = (status?: string) => {
          const answers = { ...input.vendors[0]!.answers };
          if (status) answers[q.key] = { status } as AnswerValue;
          else delete answers[q.key];
          return runModel({ ...input, vendors: [{ ...input.vendors[0]!, answers }, ...input.vendors.slice(1)] })
            .vendors[0]!.pricedTotal;
        };
        const [unanswered, excluded, partial, included] = [
          withStatus(),
          withStatus("excluded"),
          withStatus("partial"),
          withStatus("included"),
        ];
        expect(unanswered).toBeGreaterThanOrEqual(excluded);
        expect(excluded).toBeGreaterThanOrEqual(partial);
        expect(partial).toBeGreaterThanOrEqual(included);
        expect(withStatus("deferred")).toBe(excluded);
      }),
      RUNS,
    );
  });

  it("raising any cost assumption never lowers any vendor's total", () => {
    fc.assert(
      fc.property(
        inputArb(),
        fc.constantFrom(...COST_ASSUMPTIONS),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (input, key, bump) => {
          const base = runModel(input);
          const a = input.set.assumptions.find((x) => x.key === key)!;
          const raised = runModel({
            ...input,
            evaluation: {
              ...input.evaluation,
              assumptions: { ...input.evaluation.assumptions, [key]: Math.min(a.max, base.assumptions[key]! + bump) },
            },
          });
          base.vendors.forEach((v, i) => expect(raised.vendors[i]!.pricedTotal).toBeGreaterThanOrEqual(v.pricedTotal));
        },
      ),
      RUNS,
    );
  });

  it("the totals sensitivity re-evaluates equal the detailed lines' totals, to the unit, under any assumptions", () => {
    fc.assert(
      fc.property(
        inputArb(),
        fc.dictionary(
          fc.constantFrom(...COST_ASSUMPTIONS, "go_live_month"),
          fc.double({ min: 0, max: 40, noNaN: true }),
        ),
        (input, overrides) => {
          const evaluation = { ...input.evaluation, assumptions: overrides };
          const detailed = runModel({ ...input, evaluation });
          const base = staticContext(input.set, evaluation);
          const ctx = scoreContext(base, resolveAssumptions(input.set, evaluation), false);
          input.vendors.forEach((v, i) =>
            expect(totalOf(ctx, planVendor(base, v))).toBe(detailed.vendors[i]!.adjustedTotal),
          );
        },
      ),
      RUNS,
    );
  });

  it("sensitivity's totals equal a full run of the model at each end, to the unit", () => {
    fc.assert(
      fc.property(inputArb({ maxVendors: 3 }), (input) => {
        const r = runModel(input);
        for (const row of r.sensitivity.rows)
          for (const [end, value] of [
            ["low", row.low],
            ["high", row.high],
          ] as const) {
            // An assumption moves in the assumptions; the day rate, the horizon and the value in the evaluation.
            const field = { day_rate: "dayRateMinor", horizon_years: "horizonYears", value: "valueEstimateMinor" }[
              row.assumption
            ];
            const evaluation = field
              ? { ...input.evaluation, assumptions: r.assumptions, [field]: value }
              : { ...input.evaluation, assumptions: { ...r.assumptions, [row.assumption]: value } };
            const again = runModel({ ...input, evaluation, draws: 0 });
            const figure = (v: (typeof again.vendors)[number]) =>
              row.measure === "present"
                ? v.presentTotal
                : row.measure === "npv"
                  ? (v.roi?.npv ?? null)
                  : v.adjustedTotal;
            for (const v of again.vendors)
              if (row.totals[v.vendorId])
                expect(row.totals[v.vendorId]![end], `${row.assumption} ${end}`).toBe(figure(v));
          }
      }),
      { numRuns: Math.ceil(RUNS.numRuns / 3) },
    );
  });

  it("no output ever shows NaN or ∞, and every amount stays a safe integer, whatever the assumptions", () => {
    const wild = fc.oneof(
      fc.double({ noNaN: false }),
      fc.constantFrom(1e308, -1e308, Infinity, -Infinity, NaN, 5, 1e9, -1),
    );
    fc.assert(
      fc.property(
        inputArb({ maxVendors: 3 }),
        fc.dictionary(fc.constantFrom(...COST_ASSUMPTIONS, "go_live_month", "hidden_share_threshold"), wild),
        (input, overrides) => {
          const r = runModel({ ...input, evaluation: { ...input.evaluation, assumptions: overrides } });
          walk(r, (path, x) => {
            if (typeof x === "number") expect(Number.isFinite(x), path).toBe(true);
          });
          for (const v of r.vendors)
            for (const x of [v.pricedTotal, v.adjustedTotal ?? 0, v.entryPrice ?? 0, ...v.byYear])
              expect(Number.isSafeInteger(x)).toBe(true);
          const view = presentComparison(r, input.set);
          const text = JSON.stringify(view) + comparisonCsv(r, input.set);
          expect(text).not.toMatch(/NaN|Infinity|∞|undefined/);
        },
      ),
      { numRuns: Math.ceil(RUNS.numRuns * 0.7) },
    );
  });
});

function walk(x: unknown, visit: (path: string, x: unknown) => void, path = ""): void {
  visit(path, x);
  if (Array.isArray(x)) x.forEach((y, i) => walk(y, visit, `${path}[${i}]`));
  else if (x && typeof x === "object") for (const [k, y] of Object.entries(x)) walk(y, visit, `${path}.${k}`);
}
