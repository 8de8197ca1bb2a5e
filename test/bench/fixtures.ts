import { join } from "node:path";
import { COVERAGE, LAYERS, NATURES, PHASES } from "../../src/domain.js";
import type { ModelInput } from "../../src/model/index.js";
import { ROOT } from "../../src/paths.js";
import type { AnswerValue } from "../../src/questions/answers.js";
import { loadQuestionSetFile } from "../../src/questions/loader.js";
import { QuestionSetSchema, type QuestionSet } from "../../src/questions/schema.js";

/** The default set padded with coverage items to `total` questions. */
function paddedSet(total: number): QuestionSet {
  const base = loadQuestionSetFile(join(ROOT, "questions", "ai-production.yaml")).set;
  const doc = structuredClone(base);
  let n = doc.sections.reduce((s, x) => s + x.questions.length, 0);
  for (let i = 0; n < total; i++, n++) {
    doc.sections[i % doc.sections.length]!.questions.push({
      key: `extra_${i}`,
      type: "coverage",
      text: `Additional cost item ${i}`,
      layer: LAYERS[i % 5],
      phase: PHASES[i % 5],
      nature: NATURES[i % 3],
      estimate:
        i % 2
          ? { share: "integration_share", of: "build_reference", days: "monitoring_days" }
          : { share: "governance_share", of: "build_reference" },
    } as never);
  }
  return QuestionSetSchema.parse(doc);
}

/**
 * Deterministic answers: a mix of statuses, prices and blanks, varying by vendor. Figures only a
 * vendor can give (prices, terms, its buyer-effort estimate) are always answered, as a submitted
 * questionnaire has them: the vendor's total is then comparable.
 */
export function syntheticAnswers(set: QuestionSet, seed: number): Record<string, AnswerValue> {
  const out: Record<string, AnswerValue> = {};
  let x = seed * 7919 + 1;
  const rnd = () => (x = (x * 48271) % 2147483647) / 2147483647;
  for (const q of set.sections.flatMap((s) => s.questions)) {
    const magnitude =
      q.quote !== undefined || q.term !== undefined || (q.type === "number" && q.estimate !== undefined);
    if (!magnitude && rnd() < 0.1) continue;
    switch (q.type) {
      case "coverage":
        out[q.key] = { status: COVERAGE[Math.floor(rnd() * (q.allow_na ? 5 : 4))]! };
        break;
      case "money":
        out[q.key] = Math.round(rnd() * 30_000_000);
        break;
      case "number":
        out[q.key] = Math.min(q.max ?? 100, Math.round(rnd() * 100));
        break;
      case "percent":
        out[q.key] = Math.round(rnd() * 100);
        break;
      case "yes_no":
        out[q.key] = rnd() < 0.5;
        break;
      case "single_choice":
        out[q.key] = q.options![Math.floor(rnd() * q.options!.length)]!.value;
        break;
      case "multi_choice":
        out[q.key] = [q.options![Math.floor(rnd() * q.options!.length)]!.value];
        break;
      case "date":
        out[q.key] = "2027-03-01";
        break;
      case "text":
        out[q.key] = `Answer ${seed}`;
        break;
    }
  }
  return out;
}

/** A model input of `vendors` vendors over a set of `questions` questions. */
export function modelFixture(vendors: number, questions: number): ModelInput {
  const set = paddedSet(questions);
  return {
    set,
    evaluation: {
      tier: "production",
      horizonYears: 3,
      currency: "EUR",
      dayRateMinor: 90_000,
      valueEstimateMinor: 40_000_000,
      roles: ["cto", "cfo", "product", "procurement"],
    },
    vendors: Array.from({ length: vendors }, (_, i) => ({
      id: String(i + 1),
      name: `Vendor ${i + 1}`,
      answers: syntheticAnswers(set, i + 1),
    })),
  };
}
