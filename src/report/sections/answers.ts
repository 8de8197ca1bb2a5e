import { ROLE_LABELS } from "../../domain.js";
import { isShown } from "../../questions/answers.js";
import { formatAnswer } from "../../questions/format-answer.js";
import type { ReportContext } from "./context.js";

/** Every answer, per role section, vendors side by side (four to a table). */
export function answers({ data, w, root }: ReportContext): void {
  const { evaluation: e, set } = data;
  const item = w.heading("Answers side by side", 1, root)!;
  for (const s of set.sections.filter((x) => e.roles.includes(x.role))) {
    w.heading(`${ROLE_LABELS[s.role]}: ${s.title}`, 2, item);
    for (let start = 0; start < data.vendors.length; start += 4) {
      const group = data.vendors.slice(start, start + 4);
      w.table(
        [{ header: "Question", width: 2.4 }, ...group.map((v) => ({ header: v.name, width: 1.6 }))],
        s.questions.map((q) => [
          q.text,
          ...group.map((v) => {
            const values = data.answers.get(v.id) ?? {};
            if (!isShown(q, values)) return "(not asked)";
            const files = (data.files.get(v.id) ?? [])
              .filter((f) => f.questionKey === q.key)
              .map((f) => `Evidence: ${f.name}`);
            const reason = data.notKnown.get(String(v.id))?.[q.key];
            const note = data.notes.get(v.id)?.[q.key];
            const noted = note ? [`Vendor's note: ${note}`] : [];
            return [formatAnswer(q, values[q.key], e.currency, reason), ...noted, ...files].join("\n");
          }),
        ]),
        { size: 7.5 },
      );
    }
  }
  if (!data.vendors.length) w.paragraph("No vendor has been added.", { size: 9 });
}
