import { FLAGS, SEVERITIES, type FlagId, type Severity } from "../domain.js";
import { coverageStatus, isShown, type AnswerValue } from "../questions/answers.js";
import type { FlagHook } from "../questions/schema.js";
import type { ScoreContext } from "./score.js";
import type { Flag, ModelVendor } from "./types.js";

/** What each red flag means, in one sentence a committee member understands. */
export const FLAG_SENTENCES: Record<FlagId, string> = {
  implementation_without_operation: "The offer funds the build but no credible model for running the system after launch.",
  governance_deferred: "Controls a production workflow needs are left out, deferred or sold as options.",
  ownership_vague: "The specification, workflow logic or operating knowledge is not clearly the buyer's, or no handoff or exit path is priced.",
  instant_rollout: "The plan has no staged rollout or stabilisation period.",
  roi_without_controls: "Value is claimed without the review, verification and escalation effort it depends on.",
  cheap_by_exclusion: "The offer looks inexpensive because production cost layers are left out of the quote.",
};

/** Whether a flag hook fires for an answer; `undefined` is silence. */
export function hookFires(hook: FlagHook, value: AnswerValue | undefined): boolean {
  const when = hook.when;
  if (value === undefined) return Array.isArray(when) && when.includes("unanswered");
  if (Array.isArray(when)) {
    const v = coverageStatus(value) ?? value;
    return Array.isArray(v) ? v.some((x) => when.includes(x)) : when.includes(v as string | boolean);
  }
  if (typeof value !== "number") return false;
  return "below" in when ? value < when.below : value > when.above;
}

/** Adds a contribution to a flag, keeping the highest severity; `detail` adds a sentence with figures. */
export function raise(flags: Map<FlagId, Flag>, id: FlagId, severity: Severity, questionKey: string | null, detail?: string): void {
  let f = flags.get(id);
  if (!f) {
    f = { id, severity, questionKeys: [], message: FLAG_SENTENCES[id] };
    flags.set(id, f);
  }
  if (SEVERITIES.indexOf(severity) > SEVERITIES.indexOf(f.severity)) f.severity = severity;
  if (questionKey && !f.questionKeys.includes(questionKey)) f.questionKeys.push(questionKey);
  if (detail && !f.message.includes(detail)) f.message += ` ${detail}`;
}

/** The flags a vendor's answers raise through the question set's hooks; unasked and hidden questions raise none. */
export function questionFlags(ctx: ScoreContext, vendor: ModelVendor): Flag[] {
  const flags = new Map<FlagId, Flag>();
  for (const { q, asked } of ctx.questions) {
    if (!asked || q.flags.length === 0 || !isShown(q, vendor.answers)) continue;
    const value = vendor.answers[q.key];
    for (const hook of q.flags) if (hookFires(hook, value)) raise(flags, hook.flag, hook.severity, q.key);
  }
  return sortFlags([...flags.values()]);
}

/** Flags in the design's order. */
export function sortFlags(flags: Flag[]): Flag[] {
  return flags.sort((a, b) => FLAGS.indexOf(a.id) - FLAGS.indexOf(b.id));
}
