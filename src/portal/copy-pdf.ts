import type { Evaluation } from "../evaluations/repo.js";
import { dateTime } from "../format.js";
import type { AnswerValue } from "../questions/answers.js";
import { isShown } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Vendor } from "../vendors/repo.js";
import { ReportWriter } from "../report/pdf-writer.js";

/** A PDF copy of exactly what a vendor sent, with the submission's hash: the same fonts, tagging and page numbers as the report. */
export function answersCopyPdf(
  e: Pick<Evaluation, "title" | "roles" | "currency">,
  set: QuestionSet,
  v: Vendor,
  answers: Record<string, AnswerValue>,
  files: { questionKey: string; name: string; sha256: string }[],
  notKnown: Record<string, string> = {},
  notes: Record<string, string> = {},
): Promise<Buffer> {
  const w = new ReportWriter(
    {
      Title: `${v.name} — answers to "${e.title}"`,
      Author: v.name,
      Subject: "Due-diligence questionnaire answers",
      Creator: "Truecost",
    },
    { margin: 56 },
  );
  const root = w.doc.outline;
  w.title(`Answers of ${v.name}`, 64);
  w.paragraph(`to "${e.title}"`, { size: 11, color: "#333333" });
  w.paragraph(
    v.submittedAt
      ? `Submitted ${dateTime(v.submittedAt)}`
      : `Not submitted yet (copy made ${dateTime(new Date().toISOString())})`,
    { size: 9, color: "#555555", gap: 2 },
  );
  if (v.submissionHash) w.paragraph(`Submission SHA-256: ${v.submissionHash}`, { size: 9, color: "#555555" });
  for (const s of set.sections) {
    if (!e.roles.includes(s.role)) continue;
    w.heading(s.title, 2, root);
    for (const q of s.questions) {
      if (!isShown(q, answers)) continue;
      w.paragraph(q.text, { size: 10, bold: true, color: "#111111", gap: 2 });
      w.paragraph(formatAnswer(q, answers[q.key], e.currency, notKnown[q.key]), {
        size: 10,
        color: "#333333",
        gap: 2,
        indent: 12,
      });
      const note = notes[q.key];
      if (note) w.paragraph(`Note for the buyer: ${note}`, { size: 9, color: "#444444", gap: 2, indent: 12 });
      for (const f of files.filter((x) => x.questionKey === q.key))
        w.paragraph(`Evidence: ${f.name} (SHA-256 ${f.sha256.slice(0, 16)}…)`, {
          size: 8,
          color: "#555555",
          indent: 12,
          gap: 2,
        });
      w.doc.moveDown(0.4);
    }
  }
  w.decorate(`${v.name} — answers to "${e.title}"`, { fromPage: 0 });
  return w.finish();
}
