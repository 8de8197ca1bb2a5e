import { FLAGS, FLAG_LABELS } from "../../domain.js";
import { FLAG_SENTENCES } from "../../model/flags.js";
import type { ReportContext } from "./context.js";

/** Which vendor raises which red flag, at what severity, and what each flag means. */
export function flagMatrix({ view: v, w, root }: ReportContext): void {
  w.heading("Red-flag matrix", 1, root);
  w.table(
    [{ header: "Vendor", width: 2 }, ...FLAGS.map((f) => ({ header: FLAG_LABELS[f], width: 1 }))],
    v.vendors.map((x) => [x.name, ...FLAGS.map((f) => x.result.flags.find((y) => y.id === f)?.severity ?? "—")]),
    { size: 8, boldFirst: true },
  );
  for (const f of FLAGS) w.paragraph(`${FLAG_LABELS[f]}: ${FLAG_SENTENCES[f]}`, { size: 8.5 });
}
