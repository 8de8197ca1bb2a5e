import { FLAG_LABELS } from "../domain.js";
import { date, money } from "../format.js";
import type { ScoredRound } from "../evaluations/scoring.js";
import { ordinal } from "../model/index.js";
import { questionIndex } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import type { QuestionSet } from "../questions/schema.js";
import { list, sentence, signed } from "./words.js";

/** A revision round in words: what was asked, and once resubmitted, what changed between the two rounds. */
export interface RoundView {
  vendorId: string;
  name: string;
  title: string;
  sent: string;
  open: boolean;
  summary: string;
  /** Each question asked about or changed: its answer in both rounds and its cost in both. */
  rows: { questionKey: string; question: string; before: string; after: string; cost: string; change: string }[];
}

export function presentRounds(
  rounds: readonly ScoredRound[],
  set: QuestionSet,
  cur: string,
  names: ReadonlyMap<string, string>,
): RoundView[] {
  const index = questionIndex(set);
  const text = (key: string) => index.get(key)?.question.text ?? key;
  const answer = (key: string, v: Parameters<typeof formatAnswer>[1]) => {
    const q = index.get(key)?.question;
    return q ? formatAnswer(q, v, cur) : "—";
  };
  const name = (id: string) => names.get(id) ?? id;
  return rounds.map(({ round, diff }) => {
    const id = String(round.vendorId);
    const vendor = name(id);
    const n = round.questionKeys.length;
    const sent = `Sent ${date(round.createdAt)} by ${round.createdBy}: ${n === 1 ? "one question" : `${n} questions`}${round.resubmittedAt ? `; resubmitted ${date(round.resubmittedAt)}` : "; waiting for the vendor's revision"}.`;
    const title = `${vendor}: round ${round.number - 1} against round ${round.number}`;
    if (!diff)
      return {
        vendorId: id,
        name: vendor,
        title,
        sent,
        open: true,
        summary: `${vendor} is revising ${n === 1 ? "one answer" : `${n} answers`}; the comparison of the two rounds appears once it submits again.`,
        rows: round.questionKeys.map((k) => ({
          questionKey: k,
          question: text(k),
          before: answer(k, round.before.find((v) => v.id === id)?.answers[k]),
          after: "—",
          cost: "",
          change: "",
        })),
      };
    const parts: string[] = [];
    if (diff.change !== null)
      parts.push(
        diff.change === 0
          ? `${vendor}'s total stays ${money(diff.totalAfter!, cur)}`
          : `${vendor}'s total ${diff.change < 0 ? "falls" : "rises"} from ${money(diff.totalBefore!, cur)} to ${money(diff.totalAfter!, cur)} (${signed(diff.change, cur)})`,
      );
    else if (diff.totalAfter !== null)
      parts.push(`${vendor}'s total can now be compared: ${money(diff.totalAfter, cur)}`);
    else
      parts.push(
        `${vendor}'s total still cannot be compared (priced lines ${signed(diff.pricedAfter - diff.pricedBefore, cur)})`,
      );
    if (diff.rankBefore !== null && diff.rankAfter !== null && diff.rankBefore !== diff.rankAfter)
      parts.push(`it moves from ${ordinal(diff.rankBefore)} to ${ordinal(diff.rankAfter)}`);
    parts.push(
      diff.rankingMoved
        ? `the ranking moved: ${diff.rankingBefore.map(name).join(", ")} before, ${diff.rankingAfter.map(name).join(", ")} after`
        : "the ranking did not move",
    );
    if (diff.flagsCleared.length) parts.push(`clears ${list(diff.flagsCleared.map((f) => FLAG_LABELS[f]))}`);
    if (diff.flagsRaised.length) parts.push(`raises ${list(diff.flagsRaised.map((f) => FLAG_LABELS[f]))}`);
    const keys = [
      ...new Set([
        ...round.questionKeys,
        ...diff.answers.map((a) => a.questionKey),
        ...diff.lines.map((l) => l.questionKey),
      ]),
    ];
    return {
      vendorId: id,
      name: vendor,
      title,
      sent,
      open: false,
      summary: sentence(parts.join("; ")),
      rows: keys.map((k) => {
        const a = diff.answers.find((x) => x.questionKey === k);
        const l = diff.lines.find((x) => x.questionKey === k);
        const before = a ? answer(k, a.before) : answer(k, round.before.find((v) => v.id === id)?.answers[k]);
        return {
          questionKey: k,
          question: text(k),
          before,
          after: a ? answer(k, a.after) : "unchanged",
          cost: l ? `${money(l.before, cur)} → ${money(l.after, cur)}` : "unchanged",
          change: l ? signed(l.change, cur) : "—",
        };
      }),
    };
  });
}
