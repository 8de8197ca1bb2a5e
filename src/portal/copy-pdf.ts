import PDFDocument from "pdfkit";
import type { Evaluation } from "../evaluations/repo.js";
import { dateTime } from "../format.js";
import type { AnswerValue } from "../questions/answers.js";
import { isShown } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Vendor } from "../vendors/repo.js";
import { FONTS, useFonts } from "../report/fonts.js";

/** A PDF copy of exactly what a vendor sent, with the submission's hash. */
export function answersCopyPdf(e: Pick<Evaluation, "title" | "roles" | "currency">, set: QuestionSet, v: Vendor, answers: Record<string, AnswerValue>, files: { questionKey: string; name: string; sha256: string }[]): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: `${v.name} — answers to "${e.title}"`, Author: v.name, Subject: "Due-diligence questionnaire answers", Creator: "Truecost" }, bufferPages: true });
  useFonts(doc, { body: FONTS.regular, bold: FONTS.bold });
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  doc.font("bold").fontSize(18).text(`Answers of ${v.name}`);
  doc.font("body").fontSize(11).fillColor("#333").text(`to "${e.title}"`).moveDown(0.5);
  doc.fontSize(9).fillColor("#555").text(v.submittedAt ? `Submitted ${dateTime(v.submittedAt)}` : `Not submitted yet (copy made ${dateTime(new Date().toISOString())})`);
  if (v.submissionHash) doc.text(`Submission SHA-256: ${v.submissionHash}`);
  doc.moveDown();
  for (const s of set.sections) {
    if (!e.roles.includes(s.role)) continue;
    doc.font("bold").fontSize(14).fillColor("#14213d").text(s.title).moveDown(0.3);
    for (const q of s.questions) {
      if (!isShown(q, answers)) continue;
      doc.font("bold").fontSize(10).fillColor("#111").text(q.text, { paragraphGap: 2 });
      doc.font("body").fontSize(10).fillColor("#333").text(formatAnswer(q, answers[q.key], e.currency), { indent: 12, paragraphGap: 2 });
      for (const f of files.filter((x) => x.questionKey === q.key)) doc.fontSize(8).fillColor("#555").text(`Evidence: ${f.name} (SHA-256 ${f.sha256.slice(0, 16)}…)`, { indent: 12 });
      doc.moveDown(0.4);
    }
    doc.moveDown(0.5);
  }
  const range = doc.bufferedPageRange();
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would start a new page; lift the margin for the footer.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font("body").fontSize(8).fillColor("#777").text(`${v.name} · page ${i + 1} of ${range.count}`, 56, doc.page.height - 40, { lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}
