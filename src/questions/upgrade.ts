import { FEATURE_ASSUMPTIONS } from "../domain.js";

/** Ceilings for an assumption stored before bounds were required, by unit: generous, and still safe (docs/cost-model.md, Bounds). */
const UNIT_MAX: Record<string, number> = { share: 10, days: 5000, months: 120, ratio: 100 };

type Json = Record<string, unknown>;
const tiers = (pilot: number, production: number, system_of_record: number) => ({
  pilot,
  production,
  system_of_record,
});

/** What the model uses when a set stored before these assumptions existed lacks them: the default set's values. */
const FEATURE_DEFAULTS: Record<string, Json> = {
  [FEATURE_ASSUMPTIONS.buildReferenceDays]: {
    label: "Reference build effort",
    unit: "days",
    min: 0,
    max: 20000,
    defaults: tiers(40, 120, 240),
  },
  [FEATURE_ASSUMPTIONS.runReferenceDays]: {
    label: "Reference yearly run effort",
    unit: "days",
    min: 0,
    max: 20000,
    defaults: tiers(20, 60, 120),
  },
  [FEATURE_ASSUMPTIONS.discountRate]: {
    label: "Discount rate",
    unit: "share",
    kind: "value",
    min: 0,
    max: 0.3,
    defaults: tiers(0.1, 0.08, 0.08),
  },
  [FEATURE_ASSUMPTIONS.dayRateEscalation]: {
    label: "Day rate escalation",
    unit: "share",
    min: 0,
    max: 0.15,
    defaults: tiers(0, 0, 0),
  },
};

/**
 * A question set as stored by an earlier version of Truecost, brought to the current schema
 * without changing what it asks: assumptions get the bounds now required (their unit's ceiling),
 * and the reference assumptions the model now bases shares on. Question sets are immutable once
 * stored, so this runs when a stored version is read, never on a file.
 */
export function upgradeStoredSet(content: unknown): unknown {
  if (typeof content !== "object" || content === null || !Array.isArray((content as Json).assumptions)) return content;
  const set = content as Json & { assumptions: Json[] };
  const assumptions: Json[] = set.assumptions.map((a) => {
    const values = Object.values((a.defaults ?? {}) as Record<string, number>);
    const max = typeof a.max === "number" ? a.max : Math.max(UNIT_MAX[String(a.unit)] ?? 100, ...values);
    return { ...a, min: typeof a.min === "number" ? a.min : Math.min(0, ...values), max };
  });
  // A blank price is no longer estimated (docs/cost-model.md, The silence rule): older sets priced it from an estimate.
  const sections = Array.isArray(set.sections)
    ? (set.sections as Json[]).map((s) => ({
        ...s,
        questions: ((s.questions ?? []) as Json[]).map(({ estimate, ...q }) =>
          q.quote !== undefined ? q : { ...q, estimate },
        ),
      }))
    : set.sections;
  const keys = new Set(assumptions.map((a) => a.key));
  for (const [key, extra] of Object.entries(FEATURE_DEFAULTS))
    if (!keys.has(key))
      assumptions.push({
        key,
        meaning: "Added for a question set stored before this assumption existed.",
        basis: "judgement",
        kind: "cost",
        ...extra,
      });
  return { ...set, assumptions, sections };
}
