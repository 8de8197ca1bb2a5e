import { dateTime } from "../../format.js";
import { decisionWords, signedBy } from "../../comparison/present.js";
import type { ReportContext } from "./context.js";

/** The committee's decision with its signatures, and every comment. */
export function committee({ data, w, root }: ReportContext): void {
  w.heading("Committee comments and decision", 1, root);
  const recorded = data.decisions.find((x) => x.status === "recorded");
  if (recorded) {
    const { what, reason } = decisionWords(recorded);
    const who = signedBy(recorded.signatures, dateTime);
    w.paragraph(`Decision recorded ${dateTime(recorded.recordedAt)}: ${what} Reason: ${reason} Signed by ${who}.`, {
      size: 10,
      bold: true,
    });
  } else w.paragraph("No decision recorded yet.", { size: 9.5 });
  for (const c of data.comments)
    w.paragraph(`${c.userName} (${c.userRole}), ${dateTime(c.createdAt)}: ${c.body}`, { size: 9 });
  if (!data.comments.length) w.paragraph("No comments yet.", { size: 9 });
}
