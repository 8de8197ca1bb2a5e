import { COVERAGE_LABELS } from "../domain.js";
import { money } from "../format.js";
import type { AnswerValue, CoverageAnswer } from "./answers.js";
import type { Question } from "./schema.js";

/** An answer in words, as pages and the PDF show it; "—" when unanswered, or why it is not known yet. */
export function formatAnswer(
  q: Question,
  value: AnswerValue | null | undefined,
  currency: string,
  notKnown?: string | null,
): string {
  if (value === null || value === undefined) return notKnown ? `Not known yet: ${notKnown}` : "—";
  switch (q.type) {
    case "coverage": {
      const c = value as CoverageAnswer;
      return (
        COVERAGE_LABELS[c.status] +
        (c.price !== undefined
          ? `; priced separately at ${money(c.price, currency)}${q.nature === "recurring" ? " a year" : ""}`
          : "")
      );
    }
    case "money":
      return money(value as number, currency) + (q.nature === "recurring" ? " a year" : "");
    case "number":
      return `${(value as number).toLocaleString("en-GB")}${q.unit ? " " + q.unit : ""}`;
    case "percent":
      return `${value as number}%`;
    case "yes_no":
      return value ? "Yes" : "No";
    case "single_choice":
      return q.options?.find((o) => o.value === value)?.label ?? String(value);
    case "multi_choice":
      return (value as string[]).map((v) => q.options?.find((o) => o.value === v)?.label ?? v).join("; ");
    default:
      return String(value);
  }
}

/** `formatAnswer`, followed by the vendor's note when there is one: what a preview or a conflict shows. */
export function answerWithNote(
  q: Question,
  value: AnswerValue | null | undefined,
  currency: string,
  notKnown?: string | null,
  note?: string | null,
): string {
  const text = formatAnswer(q, value, currency, notKnown);
  return note ? `${text} (note: ${note})` : text;
}
