import { FLAGS, SEVERITIES, type FlagId, type Severity, type Tier } from "../domain.js";
import { coverageStatus, type AnswerValue } from "../questions/answers.js";
import type { FlagHook } from "../questions/schema.js";
import { stateOf } from "./answers.js";
import type { ScoreContext } from "./context.js";
import { backed, type VendorPlan } from "./plan.js";
import type { Confidence, CostLine, Flag } from "./types.js";

/** What each red flag means, in one sentence a committee member understands. */
export const FLAG_SENTENCES: Record<FlagId, string> = {
  implementation_without_operation:
    "The offer funds the build but no credible model for running the system after launch.",
  governance_deferred: "Controls a production workflow needs are left out, deferred or sold as options.",
  ownership_vague:
    "The specification, workflow logic or operating knowledge is not clearly the buyer's, or no handoff or exit path is priced.",
  instant_rollout: "The plan has no staged rollout or stabilisation period.",
  roi_without_controls: "Value is claimed without the review, verification and escalation effort it depends on.",
  cheap_by_exclusion: "The offer looks inexpensive because production cost layers are left out of the quote.",
};

/** A hook's numeric bound for a tier. */
function boundFor(b: number | Record<Tier, number>, tier: Tier): number {
  return typeof b === "number" ? b : b[tier];
}

/** Whether a flag hook fires for an answer; `undefined` is silence. */
function hookFires(hook: FlagHook, value: AnswerValue | undefined, tier: Tier = "production"): boolean {
  const when = hook.when;
  if (value === undefined) return Array.isArray(when) && when.includes("unanswered");
  if (Array.isArray(when)) {
    const v = coverageStatus(value) ?? value;
    return Array.isArray(v) ? v.some((x) => when.includes(x)) : when.includes(v as string | boolean);
  }
  if (typeof value !== "number") return false;
  return "below" in when ? value < boundFor(when.below, tier) : value > boundFor(when.above, tier);
}

/**
 * A hook's severity in a tier: the system-of-record tier raises each by one level (lower tolerance
 * for vague operating assumptions, the reference article's "raises the bar further").
 */
function tierSeverity(severity: Severity, tier: Tier): Severity {
  if (tier !== "system_of_record") return severity;
  return SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(severity) + 1)]!;
}

/** Adds a contribution to a flag, keeping the highest severity; `detail` adds a sentence with figures. */
export function raise(
  flags: Map<FlagId, Flag>,
  id: FlagId,
  severity: Severity,
  questionKey: string | null,
  detail?: string,
): void {
  let f = flags.get(id);
  if (!f) {
    f = { id, severity, questionKeys: [], message: FLAG_SENTENCES[id] };
    flags.set(id, f);
  }
  if (SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(f.severity)) f.severity = severity;
  if (questionKey && !f.questionKeys.includes(questionKey)) f.questionKeys.push(questionKey);
  if (detail && !f.message.includes(detail)) f.message += ` ${detail}`;
}

/**
 * The flags a vendor's answers raise: the question set's hooks (unasked and hidden questions raise
 * none), and claims the tier's rules priced (an "included" without evidence, buyer effort below the
 * tier's floor), which the committee sees as claims.
 */
export function questionFlags(ctx: ScoreContext, plan: VendorPlan, lines: CostLine[]): Flag[] {
  const tier = ctx.evaluation.tier;
  const flags = new Map<FlagId, Flag>();
  for (const item of ctx.items) {
    if (item.q.flags.length === 0) continue;
    const state = stateOf(ctx, item, plan.answers);
    if (state.source === "not_asked" || state.source === "hidden") continue;
    const value = state.source === "answered" ? state.value : undefined;
    for (const hook of item.q.flags)
      if (hookFires(hook, value, tier)) raise(flags, hook.flag, tierSeverity(hook.severity, tier), item.q.key);
  }
  for (const l of lines) {
    if (!l.asserted || l.source !== "answered") continue;
    const q = ctx.byKey.get(l.questionKey)!.q;
    if (l.kind === "disclosed") {
      raise(
        flags,
        "roi_without_controls",
        tier === "system_of_record" ? "high" : "medium",
        q.key,
        `It states ${String(l.answer)} days of buyer effort for "${q.text}", below the tier's floor.`,
      );
      continue;
    }
    const hook = q.flags.find(
      (h) => Array.isArray(h.when) && (h.when.includes("excluded") || h.when.includes("deferred")),
    );
    if (hook)
      raise(
        flags,
        hook.flag,
        tier === "system_of_record" ? "medium" : "low",
        q.key,
        `"Included" is only asserted for "${q.text}": no evidence or explanation.`,
      );
  }
  return sortFlags([...flags.values()]);
}

/** Evidence-expected "included" claims, backed or only asserted. */
export function confidence(ctx: ScoreContext, plan: VendorPlan): Confidence {
  const priced = ctx.evaluation.tier === "system_of_record" || !!ctx.evaluation.unevidencedIncludedAsPartial;
  const out: Confidence = { evidenced: [], asserted: [], assertedPricedAsPartial: priced };
  for (const item of ctx.items) {
    const q = item.q;
    const expected = q.evidence || (ctx.evaluation.tier === "system_of_record" && q.control);
    if (!item.asked || !expected || q.type !== "coverage" || coverageStatus(plan.answers[q.key]) !== "included")
      continue;
    (backed(plan.vendor, q.key) ? out.evidenced : out.asserted).push(q.key);
  }
  return out;
}

/** Flags in the design's order. */
export function sortFlags(flags: Flag[]): Flag[] {
  return flags.sort((a, b) => FLAGS.indexOf(a.id) - FLAGS.indexOf(b.id));
}
