import fc from "fast-check";
import { COVERAGE, ESTIMATE_BASES, LAYERS, NATURES, PHASES, QUOTE_ITEMS, ROLES, TIERS } from "../../src/domain.js";
import type { ModelInput, ModelVendor } from "../../src/model/index.js";
import type { AnswerValue } from "../../src/questions/answers.js";
import { QuestionSetSchema, type QuestionSet } from "../../src/questions/schema.js";

/** Cost assumptions of generated sets: raising one never lowers a total. */
export const COST_ASSUMPTIONS = [
  "share_a",
  "share_b",
  "days_a",
  "days_b",
  "factor_a",
  "partial_share",
  "rollout_months",
  "reference_build_days",
  "change_days",
  "uncapped_escalation",
];

const tiers = <T>(arb: fc.Arbitrary<T>) => fc.record({ pilot: arb, production: arb, system_of_record: arb });
const share = (max: number) => fc.double({ min: 0, max, noNaN: true });

/**
 * A random but valid question set exercising every rule of the model: quoted prices, coverage items
 * (some conditional on a gate question, some scaled by a choice, some sharing work), buyer-effort
 * day counts, costs caused by a yes/no answer, and every commercial term.
 */
const questionSetArb: fc.Arbitrary<QuestionSet> = fc
  .record({
    quotes: fc.subarray([...QUOTE_ITEMS]),
    headline: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    coverage: fc.array(
      fc.record({
        layer: fc.constantFrom(...LAYERS),
        phase: fc.constantFrom(...PHASES),
        nature: fc.constantFrom(...NATURES),
        share: fc.option(fc.constantFrom("share_a", "share_b"), { nil: undefined }),
        of: fc.constantFrom(...ESTIMATE_BASES),
        days: fc.option(fc.constantFrom("days_a", "days_b"), { nil: undefined }),
        allowNa: fc.boolean(),
        role: fc.constantFrom(...ROLES),
        work: fc.option(fc.constantFrom("w1", "w2"), { nil: undefined }),
        gated: fc.boolean(),
        scaled: fc.boolean(),
        evidence: fc.boolean(),
        control: fc.boolean(),
      }),
      { minLength: 1, maxLength: 10 },
    ),
    effort: fc.array(
      fc.record({ phase: fc.constantFrom(...PHASES), nature: fc.constantFrom(...NATURES), gated: fc.boolean() }),
      { maxLength: 2 },
    ),
    choices: fc.array(fc.record({ nature: fc.constantFrom(...NATURES), phase: fc.constantFrom(...PHASES) }), {
      maxLength: 2,
    }),
    terms: fc.record({
      cap: fc.boolean(),
      minTerm: fc.boolean(),
      pilot: fc.boolean(),
      change: fc.boolean(),
      share: fc.boolean(),
      plan: fc.boolean(),
    }),
    partial: tiers(share(1)),
    rollout: tiers(fc.integer({ min: 0, max: 24 })),
    goLive: tiers(fc.integer({ min: 0, max: 36 })),
    shares: fc.array(tiers(share(2)), { minLength: 2, maxLength: 2 }),
    days: fc.array(tiers(fc.integer({ min: 0, max: 200 })), { minLength: 2, maxLength: 2 }),
    reference: tiers(fc.integer({ min: 0, max: 2000 })),
  })
  .map((g) => {
    const a = (key: string, unit: string, min: number, max: number, defaults: object, extra: object = {}) => ({
      key,
      label: key,
      meaning: `The ${key} assumption.`,
      basis: "judgement",
      unit,
      min,
      max,
      defaults,
      ...extra,
    });
    const flat = (x: number) => ({ pilot: x, production: x, system_of_record: x });
    const sections = ROLES.map((role) => ({
      role,
      title: `Section ${role}`,
      intro: `Questions for ${role}.`,
      questions: [] as object[],
    }));
    const add = (role: number, q: object) => sections[role]!.questions.push(q);
    add(0, { key: "gate", type: "yes_no", text: "Does the gate apply here?" });
    add(0, {
      key: "platform",
      type: "single_choice",
      text: "How portable is the platform?",
      options: [
        { value: "open", label: "Open" },
        { value: "rework", label: "Rework" },
        { value: "locked", label: "Locked" },
      ],
    });
    g.quotes.forEach((quote, i) => {
      const recurring = ["licence", "usage", "support"].includes(quote);
      add(1, {
        key: `quote_${quote}`,
        type: "money",
        text: `Price for ${quote} ${i}`,
        quote,
        layer: "value",
        phase: quote === "transition" ? "transition" : recurring ? "operate" : "implementation",
        nature: recurring ? "recurring" : "one_off",
        headline: quote !== "transition" && g.headline[i]!,
        ...(recurring ? { starts: i % 2 ? "signature" : "go_live" } : {}),
      });
    });
    g.coverage.forEach((c, i) => {
      const estimate: Record<string, unknown> =
        c.share || !c.days
          ? { share: c.share ?? "share_a", of: c.of, ...(c.days ? { days: c.days } : {}) }
          : { days: c.days };
      if (c.scaled) estimate.scale_by = { question: "platform", factors: { locked: "factor_a", rework: "factor_b" } };
      add(ROLES.indexOf(c.role), {
        key: `item_${i}`,
        type: "coverage",
        text: `Coverage item number ${i}`,
        layer: c.layer,
        phase: c.phase,
        nature: c.nature,
        allow_na: c.allowNa,
        estimate,
        evidence: c.evidence,
        control: c.control,
        ...(c.work ? { work: c.work } : {}),
        ...(c.gated ? { shows_if: { question: "gate", in: [true] } } : {}),
      });
    });
    g.effort.forEach((d, i) =>
      add(2, {
        key: `days_${i}`,
        type: "number",
        unit: "days",
        text: `Buyer days needed ${i}`,
        layer: "governance",
        phase: d.phase,
        nature: d.nature,
        max: 5000,
        estimate: { days: "days_b" },
        ...(d.gated ? { shows_if: { question: "gate", in: [false] } } : {}),
      }),
    );
    g.choices.forEach((c, i) =>
      add(3, {
        key: `pays_${i}`,
        type: "yes_no",
        text: `Would the buyer pay again ${i}?`,
        layer: "ownership",
        phase: c.phase,
        nature: c.nature,
        estimate: { share: "share_b", of: "build_reference", applies_when: [true] },
      }),
    );
    const t = g.terms;
    if (t.cap)
      add(1, { key: "cap", type: "percent", text: "Largest yearly price rise", term: "price_cap", min: 0, max: 100 });
    if (t.minTerm)
      add(3, {
        key: "term",
        type: "number",
        text: "Minimum contract term",
        unit: "years",
        min: 0,
        max: 30,
        term: "min_term",
      });
    if (t.pilot) {
      add(3, { key: "pilot", type: "yes_no", text: "Are pilot prices in the quote?", term: "pilot_pricing" });
      add(3, {
        key: "post_pilot",
        type: "money",
        text: "Yearly price after the pilot",
        nature: "recurring",
        term: "post_pilot_price",
        shows_if: { question: "pilot", in: [true] },
      });
    }
    if (t.change)
      add(3, { key: "rate", type: "money", text: "Day rate for changes", nature: "one_off", term: "change_rate" });
    if (t.share)
      add(0, {
        key: "vendor_share",
        type: "percent",
        text: "Share of changes by the vendor",
        min: 0,
        max: 100,
        term: "vendor_change_share",
      });
    if (t.plan)
      add(2, {
        key: "plan",
        type: "single_choice",
        text: "How is the rollout planned?",
        term: "rollout_plan",
        options: [
          { value: "staged", label: "Staged" },
          { value: "pilot_then_all", label: "Pilot first" },
          { value: "big_bang", label: "All at once" },
        ],
      });
    add(1, {
      key: "tally",
      type: "yes_no",
      text: "Does the tally raise a flag?",
      flags: [
        { flag: "cheap_by_exclusion", severity: "medium", when: [false] },
        { flag: "governance_deferred", severity: "low", when: ["unanswered"] },
      ],
    });
    return QuestionSetSchema.parse({
      id: "generated",
      title: "Generated",
      description: "A generated question set.",
      assumptions: [
        a("partial_share", "share", 0, 1, g.partial),
        a("rollout_months", "months", 0, 24, g.rollout),
        a("go_live_month", "months", 0, 36, g.goLive, { kind: "timing" }),
        a("hidden_share_threshold", "share", 0, 1, flat(0.3), { kind: "threshold" }),
        a("share_a", "share", 0, 2, g.shares[0]!),
        a("share_b", "share", 0, 2, g.shares[1]!),
        a("days_a", "days", 0, 500, g.days[0]!),
        a("days_b", "days", 0, 500, g.days[1]!),
        a("factor_a", "ratio", 1, 5, flat(2.5)),
        a("factor_b", "ratio", 1, 5, flat(1.5)),
        a("reference_build_days", "days", 0, 5000, g.reference),
        a("reference_run_days", "days", 0, 5000, flat(50)),
        a("uncapped_escalation", "share", 0, 0.5, flat(0.05)),
        a("change_days", "days", 0, 500, flat(20)),
        a("vendor_change_share", "share", 0, 1, flat(0.5)),
        a("vendor_rate_factor", "ratio", 0, 5, flat(1.5)),
      ],
      sections: sections.filter((s) => s.questions.length > 0),
    });
  });

/** An answer of the right shape for each question, or none; figures within the questions' bounds. */
function answerArb(set: QuestionSet, blankFreq = 3): fc.Arbitrary<Record<string, AnswerValue>> {
  const entries: Record<string, fc.Arbitrary<AnswerValue | undefined>> = {};
  for (const q of set.sections.flatMap((s) => s.questions)) {
    const arb: fc.Arbitrary<AnswerValue> =
      q.type === "money"
        ? fc.integer({ min: 0, max: 5_000_000_000 })
        : q.type === "number"
          ? fc.integer({ min: q.min ?? 0, max: Math.min(q.max ?? 400, 400) })
          : q.type === "percent"
            ? fc.integer({ min: 0, max: 100 })
            : q.type === "yes_no"
              ? fc.boolean()
              : q.type === "single_choice"
                ? fc.constantFrom(...q.options!.map((o) => o.value))
                : fc
                    .record(
                      {
                        status: fc.constantFrom(...COVERAGE.filter((s) => q.allow_na || s !== "not_applicable")),
                        price: fc.option(fc.integer({ min: 0, max: 1_000_000_000 }), { nil: undefined }),
                      },
                      { requiredKeys: ["status"] },
                    )
                    .map((c) => (c.price === undefined ? { status: c.status } : c));
    entries[q.key] = fc.option(arb, { nil: undefined, freq: blankFreq });
  }
  return fc
    .record(entries)
    .map(
      (r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, AnswerValue>,
    );
}

/** A generated evaluation: any tier, horizon, currency, sections sent, statuses and evidence. */
export function inputArb(opts: { maxVendors?: number; blankFreq?: number } = {}): fc.Arbitrary<ModelInput> {
  return questionSetArb.chain((set) => {
    const keys = set.sections.flatMap((s) => s.questions.map((q) => q.key));
    const vendor = fc.record({
      answers: answerArb(set, opts.blankFreq),
      status: fc.constantFrom("submitted", "submitted", "in_progress", "invited") as fc.Arbitrary<
        ModelVendor["status"]
      >,
      evidence: fc.subarray(keys).map((ks) => Object.fromEntries(ks.map((k) => [k, 1]))),
    });
    return fc.record({
      set: fc.constant(set),
      evaluation: fc.record({
        tier: fc.constantFrom(...TIERS),
        horizonYears: fc.integer({ min: 1, max: 10 }),
        currency: fc.constantFrom("EUR", "JPY", "USD", "KWD"),
        dayRateMinor: fc.integer({ min: 0, max: 500_000 }),
        valueEstimateMinor: fc.option(fc.integer({ min: 0, max: 1e10 }), { nil: null }),
        roles: fc.subarray([...ROLES], { minLength: 1 }),
        sensitivityRange: fc.constantFrom(0.1, 0.3, 0.5),
        rankUnsubmitted: fc.boolean(),
        unevidencedIncludedAsPartial: fc.boolean(),
      }),
      vendors: fc
        .array(vendor, { minLength: 1, maxLength: opts.maxVendors ?? 4 })
        .map((vs) => vs.map((v, i) => ({ id: `v${i}`, name: `Vendor ${i}`, ...v }))),
      // Fewer Monte Carlo draws than the product's 10,000: the properties hold for any number.
      draws: fc.constantFrom(50, 200),
    });
  });
}

/** The same input with one vendor's answer removed. */
export function without(input: ModelInput, vendor: number, key: string): ModelInput {
  const v = input.vendors[vendor]!;
  const answers = { ...v.answers };
  delete answers[key];
  return { ...input, vendors: input.vendors.map((x, i) => (i === vendor ? { ...v, answers } : x)) };
}
