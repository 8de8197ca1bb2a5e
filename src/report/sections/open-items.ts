import { missingRequired, notKnownRequired } from "../../questions/progress.js";
import type { ReportContext } from "./context.js";

/** Per vendor, clarifications still open, required questions still unanswered and answers not known yet. */
export function openItems({ data, w, root }: ReportContext): void {
  const { evaluation: e, set } = data;
  const text = new Map(set.sections.flatMap((s) => s.questions.map((q) => [q.key, q.text])));
  w.heading("Open clarifications and unanswered questions", 1, root);
  for (const v of data.vendors) {
    const open = (data.clarifications.get(v.id) ?? []).filter((c) => c.status === "open");
    const values = data.answers.get(v.id) ?? {};
    const reasons = data.notKnown.get(String(v.id)) ?? {};
    const missing = missingRequired(set, e.roles, values, reasons);
    const n = missing.reduce((s, m) => s + m.questions.length, 0);
    const unknown = notKnownRequired(set, e.roles, values, reasons).flatMap((m) => m.questions);
    w.heading(v.name, 3);
    if (!open.length && !n && !unknown.length)
      w.paragraph("Nothing open: every required question is answered and no clarification is pending.", { size: 8.5 });
    for (const c of open)
      w.paragraph(
        `${c.visibility === "internal" ? "Internal note" : "Clarification"} on “${text.get(c.questionKey) ?? c.questionKey}”: ${c.messages.map((m) => `${m.authorName}: ${m.body}`).join(" — ")}`,
        { size: 8.5 },
      );
    if (n)
      w.paragraph(
        `${n} required question${n === 1 ? "" : "s"} unanswered: an unanswered item is priced in full as unknown, an unanswered price or figure leaves the total not comparable. ${missing.flatMap((m) => m.questions.map((q) => q.text)).join("; ")}.`,
        { size: 8.5 },
      );
    if (unknown.length)
      w.paragraph(
        `${unknown.length} required answer${unknown.length === 1 ? "" : "s"} marked “not known yet” by the vendor, priced as unanswered: ${unknown.map((q) => `${q.text} (${reasons[q.key]})`).join("; ")}.`,
        { size: 8.5 },
      );
  }
}
