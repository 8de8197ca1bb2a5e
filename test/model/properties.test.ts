import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { COVERAGE, ESTIMATE_BASES, LAYERS, NATURES, PHASES, QUOTE_ITEMS, ROLES, TIERS } from "../../src/domain.js";
import { runModel, type ModelInput, type VendorResult } from "../../src/model/index.js";
import type { AnswerValue } from "../../src/questions/answers.js";
import { QuestionSetSchema, type QuestionSet } from "../../src/questions/schema.js";

const COST_ASSUMPTIONS = ["share_a", "share_b", "days_a", "days_b"];
const tierDefaults = (arb: fc.Arbitrary<number>) => fc.record({ pilot: arb, production: arb, system_of_record: arb });

/** A random but valid question set: quoted prices, coverage items and day-counted numbers. */
const questionSetArb: fc.Arbitrary<QuestionSet> = fc
  .record({
    quotes: fc.subarray([...QUOTE_ITEMS], { minLength: 0 }),
    coverage: fc.array(
      fc.record({
        layer: fc.constantFrom(...LAYERS), phase: fc.constantFrom(...PHASES), nature: fc.constantFrom(...NATURES),
        share: fc.option(fc.constantFrom("share_a", "share_b"), { nil: undefined }), of: fc.constantFrom(...ESTIMATE_BASES),
        days: fc.option(fc.constantFrom("days_a", "days_b"), { nil: undefined }), allowNa: fc.boolean(), role: fc.constantFrom(...ROLES),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    dayQuestions: fc.array(fc.record({ phase: fc.constantFrom(...PHASES), nature: fc.constantFrom(...NATURES) }), { maxLength: 3 }),
    partial: tierDefaults(fc.double({ min: 0, max: 1, noNaN: true })),
    rollout: tierDefaults(fc.integer({ min: 0, max: 12 })),
    shares: fc.array(tierDefaults(fc.double({ min: 0, max: 2, noNaN: true })), { minLength: 2, maxLength: 2 }),
    days: fc.array(tierDefaults(fc.integer({ min: 0, max: 200 })), { minLength: 2, maxLength: 2 }),
  })
  .map((g) => {
    const a = (key: string, unit: string, defaults: object, extra: object = {}) => ({ key, label: key, meaning: `The ${key} assumption.`, basis: "judgement", unit, defaults, ...extra });
    const sections = ROLES.map((role) => ({ role, title: `Section ${role}`, intro: `Questions for ${role}.`, questions: [] as object[] }));
    g.quotes.forEach((quote, i) =>
      sections[1]!.questions.push({ key: `quote_${quote}`, type: "money", text: `Price for ${quote} ${i}`, quote, layer: "value", phase: quote === "transition" ? "transition" : "implementation", nature: ["licence", "usage", "support"].includes(quote) ? "recurring" : "one_off", headline: quote !== "transition", estimate: { days: "days_a" } }),
    );
    g.coverage.forEach((c, i) => {
      const estimate = c.share || !c.days ? { share: c.share ?? "share_a", of: c.of, ...(c.days ? { days: c.days } : {}) } : { days: c.days };
      sections[ROLES.indexOf(c.role)]!.questions.push({ key: `item_${i}`, type: "coverage", text: `Coverage item number ${i}`, layer: c.layer, phase: c.phase, nature: c.nature, allow_na: c.allowNa, estimate });
    });
    g.dayQuestions.forEach((d, i) => sections[2]!.questions.push({ key: `days_${i}`, type: "number", unit: "days", text: `Buyer days needed ${i}`, layer: "governance", phase: d.phase, nature: d.nature, estimate: { days: "days_b" } }));
    return QuestionSetSchema.parse({
      id: "generated", title: "Generated", description: "A generated question set.",
      assumptions: [
        a("partial_share", "share", g.partial, { min: 0, max: 1 }), a("rollout_months", "months", g.rollout, { min: 0, max: 12 }),
        a("go_live_month", "months", { pilot: 3, production: 6, system_of_record: 9 }, { kind: "timing" }),
        a("hidden_share_threshold", "share", { pilot: 0.3, production: 0.3, system_of_record: 0.3 }, { kind: "threshold" }),
        a("share_a", "share", g.shares[0]!), a("share_b", "share", g.shares[1]!), a("days_a", "days", g.days[0]!), a("days_b", "days", g.days[1]!),
      ],
      sections: sections.filter((s) => s.questions.length > 0),
    });
  });

function answerArb(set: QuestionSet): fc.Arbitrary<Record<string, AnswerValue>> {
  const entries: Record<string, fc.Arbitrary<AnswerValue | undefined>> = {};
  for (const q of set.sections.flatMap((s) => s.questions)) {
    const arb: fc.Arbitrary<AnswerValue> =
      q.type === "money" ? fc.integer({ min: 0, max: 50_000_000_00 })
      : q.type === "number" ? fc.integer({ min: 0, max: 400 })
      : fc.record({ status: fc.constantFrom(...COVERAGE.filter((s) => q.allow_na || s !== "not_applicable")), price: fc.option(fc.integer({ min: 0, max: 10_000_000_00 }), { nil: undefined }) }, { requiredKeys: ["status"] })
          .map((c) => (c.price === undefined ? { status: c.status } : c));
    entries[q.key] = fc.option(arb, { nil: undefined, freq: 3 });
  }
  return fc.record(entries).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, AnswerValue>);
}

const inputArb: fc.Arbitrary<ModelInput> = questionSetArb.chain((set) =>
  fc.record({
    set: fc.constant(set),
    evaluation: fc.record({
      tier: fc.constantFrom(...TIERS), horizonYears: fc.integer({ min: 1, max: 10 }), currency: fc.constantFrom("EUR", "JPY", "USD"),
      dayRateMinor: fc.integer({ min: 0, max: 500_000 }), valueEstimateMinor: fc.option(fc.integer({ min: 0, max: 1e10 }), { nil: null }),
      roles: fc.subarray([...ROLES], { minLength: 1 }), sensitivityRange: fc.constantFrom(0.1, 0.3, 0.5),
    }),
    vendors: fc.array(answerArb(set), { minLength: 1, maxLength: 4 }).map((as) => as.map((answers, i) => ({ id: `v${i}`, name: `Vendor ${i}`, answers }))),
  }),
);

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const RUNS = { numRuns: 300 };

function totalOf(input: ModelInput, vendorIndex: number): number {
  return runModel(input).vendors[vendorIndex]!.adjustedTotal;
}

describe("cost model properties", () => {
  it("every total reconciles to the unit: lines = layer = phase = year = nature = adjusted total", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const v of runModel(input).vendors) {
          for (const l of v.lines) {
            expect(Number.isInteger(l.amount) && Number.isInteger(l.total)).toBe(true);
            expect(sum(l.years)).toBe(l.total);
          }
          const t = sum(v.lines.map((l) => l.total));
          expect(t).toBe(v.adjustedTotal);
          expect(sum(Object.values(v.byLayer))).toBe(t);
          expect(sum(Object.values(v.byPhase))).toBe(t);
          expect(sum(Object.values(v.byNature))).toBe(t);
          expect(sum(v.byYear)).toBe(t);
          expect(v.byYear).toHaveLength(input.evaluation.horizonYears);
          expect(v.hiddenTotal + sum(v.lines.filter((l) => l.kind === "quoted").map((l) => l.total))).toBe(t);
        }
      }),
      RUNS,
    );
  });

  it("never puts the adjusted total below the quoted lines, and gives every hidden line a question and a reason", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const v of runModel(input).vendors) {
          expect(v.adjustedTotal).toBeGreaterThanOrEqual(sum(v.lines.filter((l) => l.kind === "quoted").map((l) => l.total)));
          for (const l of v.lines.filter((l) => l.kind === "hidden")) {
            expect(l.questionKey).toMatch(/^\w+$/);
            expect(l.reason.length).toBeGreaterThan(20);
          }
        }
      }),
      RUNS,
    );
  });

  it("for the same item: unanswered ≥ excluded ≥ partial ≥ included", () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (input, pick) => {
        const items = input.set.sections.flatMap((s) => s.questions).filter((q) => q.type === "coverage");
        const q = items[pick % items.length]!;
        const withStatus = (status?: string) => {
          const answers = { ...input.vendors[0]!.answers };
          if (status) answers[q.key] = { status } as AnswerValue;
          else delete answers[q.key];
          return totalOf({ ...input, vendors: [{ ...input.vendors[0]!, answers }, ...input.vendors.slice(1)] }, 0);
        };
        const [unanswered, excluded, partial, included] = [withStatus(), withStatus("excluded"), withStatus("partial"), withStatus("included")];
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
      fc.property(inputArb, fc.constantFrom(...COST_ASSUMPTIONS, "partial_share", "rollout_months"), fc.double({ min: 0, max: 3, noNaN: true }), (input, key, bump) => {
        const base = runModel(input);
        const cur = base.assumptions[key]!;
        const cap = key === "partial_share" ? 1 : key === "rollout_months" ? 12 : Infinity;
        const raised = runModel({ ...input, evaluation: { ...input.evaluation, assumptions: { ...input.evaluation.assumptions, [key]: Math.min(cap, cur + bump) } } });
        base.vendors.forEach((v: VendorResult, i) => expect(raised.vendors[i]!.adjustedTotal).toBeGreaterThanOrEqual(v.adjustedTotal));
      }),
      RUNS,
    );
  });

  it("silence never makes a vendor cheaper: clearing a coverage answer never lowers the total", () => {
    fc.assert(
      fc.property(inputArb, fc.nat(), (input, pick) => {
        const v = input.vendors[0]!;
        const keys = Object.keys(v.answers);
        fc.pre(keys.length > 0);
        const key = keys[pick % keys.length]!;
        const q = input.set.sections.flatMap((s) => s.questions).find((x) => x.key === key)!;
        fc.pre(q.type === "coverage"); // a blank price or day count takes the peers' highest, tested below
        const answers = { ...v.answers };
        delete answers[key];
        const cleared = totalOf({ ...input, vendors: [{ ...v, answers }, ...input.vendors.slice(1)] }, 0);
        const value = v.answers[key];
        // A separate price can exceed the estimate; compare against the answer priced without it.
        const comparable = typeof value === "object" && !Array.isArray(value) && value.price !== undefined ? { status: "excluded" as const } : value;
        const before = totalOf({ ...input, vendors: [{ ...v, answers: { ...v.answers, [key]: comparable! } }, ...input.vendors.slice(1)] }, 0);
        expect(cleared).toBeGreaterThanOrEqual(before);
      }),
      RUNS,
    );
  });

  it("prices a blank price or day count at least at the most another vendor gave", () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const sent = new Set(input.set.sections.filter((s) => input.evaluation.roles.includes(s.role)).flatMap((s) => s.questions.map((q) => q.key)));
        const numeric = input.set.sections.flatMap((s) => s.questions).filter((q) => (q.quote || q.type === "number") && sent.has(q.key));
        fc.pre(numeric.length > 0 && input.vendors.length > 1);
        const r = runModel(input);
        for (const q of numeric) {
          const perUnit = q.type === "number" ? input.evaluation.dayRateMinor : 1;
          const quoted = input.vendors.map((v) => v.answers[q.key]).filter((a): a is number => typeof a === "number").map((a) => a * perUnit);
          r.vendors.forEach((v, i) => {
            if (typeof input.vendors[i]!.answers[q.key] === "number") return;
            const line = v.lines.find((l) => l.questionKey === q.key)!;
            expect(line.unknown).toBe(true);
            expect(line.amount).toBeGreaterThanOrEqual(Math.max(0, ...quoted));
          });
        }
      }),
      RUNS,
    );
  });
});
