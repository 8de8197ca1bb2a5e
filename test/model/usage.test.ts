import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runModel, type ModelEvaluation } from "../../src/model/index.js";
import { ROOT } from "../../src/paths.js";
import type { AnswerValue } from "../../src/questions/answers.js";
import { loadQuestionSetFile } from "../../src/questions/loader.js";

const set = loadQuestionSetFile(join(ROOT, "questions", "ai-production.yaml")).set;
const EUR = (n: number) => Math.round(n * 100);
// Go-live at month 0 and a one-year horizon keep the arithmetic by hand short: 12 live months, no growth within the year.
const evaluation: ModelEvaluation = {
  tier: "production",
  horizonYears: 1,
  currency: "EUR",
  dayRateMinor: EUR(900),
  roles: ["cto", "cfo", "product", "procurement"],
  assumptions: {
    go_live_month: 0,
    usage_requests_month: 50,
    tokens_per_request: 3,
    usage_seats: 100,
    buyer_token_price: 5,
    usage_growth: 0.3,
    model_price_trend: 0,
    uncapped_escalation: 0,
  },
};

function lines(answers: Record<string, AnswerValue>, e: Partial<ModelEvaluation> = {}) {
  const r = runModel({
    set,
    evaluation: { ...evaluation, ...e, assumptions: { ...evaluation.assumptions, ...e.assumptions } },
    vendors: [{ id: "v", name: "V", answers }],
    draws: 0,
  });
  const v = r.vendors[0]!;
  return {
    v,
    usage: v.lines.find((l) => l.questionKey === "cfo_usage_model"),
    inference: v.lines.find((l) => l.questionKey === "cto_inference_included"),
  };
}

const quoted = { cfo_usage: EUR(6_000), cfo_price_cap: 0, cto_inference_included: true };

describe("usage priced from the buyer's forecast", () => {
  it.each([
    // 50 thousand requests a month × €20 per 1,000 = €1,000 a month, €12,000 a year; €6,000 quoted, so €6,000 beyond it.
    ["per request", { cfo_usage_model: "per_request", cfo_usage_unit_price: EUR(20) }, 6_000],
    // 50 × 3 = 150 million tokens a month × €4 = €600 a month, €7,200 a year; €1,200 beyond the quote.
    ["per token", { cfo_usage_model: "per_token", cfo_usage_unit_price: EUR(4) }, 1_200],
    // 100 seats × €10 a month = €12,000 a year; €6,000 beyond.
    ["per seat", { cfo_usage_model: "per_seat", cfo_usage_unit_price: EUR(10) }, 6_000],
    // 30 thousand included: 20 thousand beyond × €50 = €1,000 a month; €6,000 beyond the quote.
    [
      "above an included volume",
      { cfo_usage_model: "included", cfo_usage_included: 30, cfo_usage_unit_price: EUR(50) },
      6_000,
    ],
    // A cap of €9,000 a year bounds the €12,000 a year: €3,000 beyond the quote.
    [
      "with a yearly cap",
      { cfo_usage_model: "per_request", cfo_usage_unit_price: EUR(20), cfo_usage_cap: EUR(9_000) },
      3_000,
    ],
    // A flat €15,000 a year: €9,000 beyond.
    ["flat", { cfo_usage_model: "flat", cfo_usage_flat_fee: EUR(15_000) }, 9_000],
    // Below what it quoted: nothing beyond it.
    ["below the quote", { cfo_usage_model: "per_request", cfo_usage_unit_price: EUR(5) }, 0],
  ])("%s", (_name, answers, beyond) => {
    const { usage, v } = lines({ ...quoted, ...answers } as Record<string, AnswerValue>);
    expect(usage!.kind).toBe("quoted");
    expect(usage!.total).toBe(EUR(beyond));
    expect(usage!.headline).toBe(false);
    expect(v.missing.map((m) => m.questionKey)).not.toContain("cfo_usage_unit_price");
  });

  it("grows with the volume year by year after go-live, and prices inference the buyer buys itself", () => {
    const { usage, inference } = lines(
      { ...quoted, cfo_usage_model: "per_request", cfo_usage_unit_price: EUR(20), cto_inference_included: false },
      { horizonYears: 3 },
    );
    // €12,000, then +30% (€15,600), then +30% again (€20,280), each less the €6,000 quoted.
    expect(usage!.years).toEqual([EUR(6_000), EUR(9_600), EUR(14_280)]);
    // 150 million tokens a month × €5 = €750 a month: €9,000, €11,700, €15,210.
    expect(inference!.years).toEqual([EUR(9_000), EUR(11_700), EUR(15_210)]);
    expect(inference!.kind).toBe("hidden");
    expect(inference!.unknown).toBe(false);
    expect(inference!.reason).toContain("€5 per million");
    // Model prices falling 30% a year lower the buyer's own inference, never the vendor's contracted price.
    const falling = lines(
      { ...quoted, cfo_usage_model: "per_request", cfo_usage_unit_price: EUR(20), cto_inference_included: false },
      { horizonYears: 3, assumptions: { model_price_trend: -0.3 } },
    );
    expect(falling.inference!.years).toEqual([EUR(9_000), EUR(8_190), EUR(7_452.9)]);
    expect(falling.usage!.years).toEqual(usage!.years);
  });

  it("is never free: silence on the usage model or on inference is priced, a blank unit price leaves the total not comparable", () => {
    const silent = lines({ cfo_usage: EUR(6_000), cfo_price_cap: 0 });
    // Priced at the buyer's own inference price: €9,000 a year, €3,000 beyond the quoted usage; inference likewise, unknown.
    expect(silent.usage).toMatchObject({ kind: "hidden", unknown: true, total: EUR(3_000) });
    expect(silent.inference).toMatchObject({ kind: "hidden", unknown: true, total: EUR(9_000) });
    const blank = lines({ ...quoted, cfo_usage_model: "per_token" });
    expect(blank.usage).toMatchObject({ unpriced: true, total: 0 });
    expect(blank.v.adjustedTotal).toBeNull();
    expect(blank.v.missing.map((m) => m.questionKey)).toContain("cfo_usage_unit_price");
    expect(lines({ ...quoted, cfo_usage_model: "none" }).usage).toBeUndefined();
  });

  it("more volume, growth or tokens never lowers a usage or inference line", () => {
    const model = fc.constantFrom("per_request", "per_token", "per_seat", "included", "flat");
    fc.assert(
      fc.property(
        model,
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.boolean(),
        (m, price, volume, more, growth, tokens, inference) => {
          const answers = {
            ...quoted,
            cfo_usage_model: m,
            cfo_usage_unit_price: EUR(price),
            cfo_usage_flat_fee: EUR(price * 100),
            cfo_usage_included: 20,
            cto_inference_included: inference,
          } as Record<string, AnswerValue>;
          const at = (v: number, g: number, t: number) =>
            lines(answers, {
              horizonYears: 3,
              assumptions: { usage_requests_month: v, usage_growth: g, tokens_per_request: t },
            });
          const a = at(volume, growth, tokens);
          const b = at(volume + more, growth + 0.1, tokens + 0.5);
          for (const key of ["usage", "inference"] as const) {
            const x = a[key],
              y = b[key];
            if (x && y) y.years.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(x.years[i]!));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
