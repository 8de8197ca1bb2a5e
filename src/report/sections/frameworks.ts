import { ROLE_LABELS, type Role } from "../../domain.js";
import { frameworkCoverage } from "../../library/frameworks.js";
import type { ReportContext } from "./context.js";

/** Appendix: per framework, the items the evaluation's questions touch, and those none touches (the page's figures). */
export function frameworks({ data, w, root }: ReportContext): void {
  const coverage = frameworkCoverage(data.set, data.evaluation.roles);
  if (!coverage.length) return;
  const item = w.heading("Appendix: framework coverage", 1, root)!;
  w.paragraph(
    "Which items of each framework the questions of this evaluation bear on, by identifier, and which no question touches.",
    { size: 9 },
  );
  w.table(
    [
      { header: "Framework", width: 3 },
      { header: "Items touched", width: 1, align: "right" },
      { header: "Touched by no question", width: 1.2, align: "right" },
    ],
    coverage.map((f) => [f.title, `${f.touched} of ${f.total}`, String(f.untouched)]),
    { size: 8 },
  );
  for (const f of coverage) {
    w.heading(`${f.title}: ${f.touched} of ${f.total} items touched`, 2, item);
    const touched = f.items.filter((i) => i.questions.length);
    if (touched.length)
      w.table(
        [
          { header: "Item", width: 1.4 },
          { header: "Questions that touch it", width: 4 },
        ],
        touched.map((i) => [
          i.label ? `${i.id}\n${i.label}` : i.id,
          i.questions.map((q) => `${q.text} (${ROLE_LABELS[q.role as Role]})`).join("\n"),
        ]),
        { size: 7.5 },
      );
    const none = f.items.filter((i) => !i.questions.length);
    w.paragraph(
      none.length
        ? `No question touches: ${none.map((i) => i.id).join(", ")}.`
        : "Every item is touched by at least one question.",
      { size: 8.5 },
    );
  }
}
