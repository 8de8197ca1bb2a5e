import type { AnswerValue } from "../questions/answers.js";
import { presentComparison } from "../comparison/present.js";
import { runModel } from "../model/index.js";
import type { QuestionSet } from "../questions/schema.js";
import { comparisonCharts } from "../report/charts.js";
import { glyphsOf } from "../report/fonts.js";
import { chartSvg } from "../report/svg.js";

/**
 * Work the server does once, right after it starts listening and before anyone needs it: parses the
 * report fonts and runs the cost model, the presenter and the charts over a generated evaluation of
 * twenty vendors, so that V8 has compiled them before the first committee member opens a large
 * comparison (the first run of the model is three times slower than the next).
 */
export function warmUp(set: QuestionSet): void {
  for (const f of ["body", "bold", "wide", "emoji"] as const) glyphsOf(f);
  const vendors = Array.from({ length: 20 }, (_, i) => ({
    id: String(i),
    name: `Vendor ${i}`,
    status: "submitted" as const,
    answers: answersFor(set, i),
  }));
  const result = runModel({
    set,
    evaluation: {
      tier: "production",
      horizonYears: 5,
      currency: "EUR",
      dayRateMinor: 90_000,
      valueEstimateMinor: 10_000_000,
      roles: set.sections.map((s) => s.role),
    },
    vendors,
  });
  presentComparison(result, set);
  for (const c of comparisonCharts(result)) chartSvg(c);
}

/** A plausible answer to every question, varying with `seed`. */
function answersFor(set: QuestionSet, seed: number): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  set.sections
    .flatMap((s) => s.questions)
    .forEach((q, i) => {
      const n = (seed * 31 + i * 7) % 100;
      switch (q.type) {
        case "coverage":
          out[q.key] = { status: (["included", "partial", "excluded", "deferred"] as const)[n % 4]! };
          break;
        case "money":
          out[q.key] = 1_000_000 + n * 50_000;
          break;
        case "number":
          out[q.key] = Math.min(q.max ?? 100, n);
          break;
        case "percent":
          out[q.key] = n;
          break;
        case "yes_no":
          out[q.key] = n % 2 === 0;
          break;
        case "single_choice":
          out[q.key] = q.options![n % q.options!.length]!.value;
          break;
        case "multi_choice":
          out[q.key] = [q.options![n % q.options!.length]!.value];
          break;
        case "date":
          out[q.key] = "2027-01-01";
          break;
        case "text":
          out[q.key] = "Warm-up";
          break;
      }
    });
  return out;
}
