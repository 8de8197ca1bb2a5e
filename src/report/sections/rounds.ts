import type { ReportContext } from "./context.js";

/** Revision rounds: for each, what was asked and, once resubmitted, what changed between the two rounds. */
export function rounds({ view: v, w, root }: ReportContext): void {
  if (!v.rounds.length) return;
  const outline = w.heading("Revision rounds", 1, root);
  for (const x of v.rounds) {
    w.heading(x.title, 2, outline);
    w.paragraph(x.sent, { size: 8.5, color: "#5b6675" });
    w.paragraph(x.summary, { size: 9.5, bold: true });
    w.table(
      [
        { header: "Question", width: 3 },
        { header: "Answer before", width: 1.6 },
        { header: "Answer after", width: 1.6 },
        { header: "Cost before → after", width: 1.8, align: "right" },
        { header: "Change", width: 1, align: "right" },
      ],
      x.rows.map((r) => [`${r.question}\n(${r.questionKey})`, r.before, r.after, r.cost, r.change]),
      { size: 7.5 },
    );
  }
}
