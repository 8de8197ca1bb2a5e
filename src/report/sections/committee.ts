import { dateTime } from "../../format.js";
import { sentence } from "../../comparison/present.js";
import type { ReportContext } from "./context.js";

/** The committee's decision with its signatures, and every comment. */
export function committee({ data, w, root }: ReportContext): void {
  w.heading("Committee comments and decision", 1, root);
  const recorded = data.decisions.find((x) => x.status === "recorded");
  if (recorded) {
    const what =
      recorded.outcome === "reject_all"
        ? "reject all offers"
        : `approve ${recorded.vendorName}${recorded.outcome === "approve_with_conditions" ? ` with conditions: ${recorded.conditions}` : ""}`;
    const who = recorded.signatures
      .map((s) => `${s.userName} (${s.committeeRole.toUpperCase()}, ${dateTime(s.signedAt)})`)
      .join(", ");
    w.paragraph(
      `Decision recorded ${dateTime(recorded.recordedAt)}: ${sentence(what)} Reason: ${sentence(recorded.reason)} Signed by ${who}.`,
      { size: 10, bold: true },
    );
  } else w.paragraph("No decision recorded yet.", { size: 9.5 });
  for (const c of data.comments)
    w.paragraph(`${c.userName} (${c.userRole}), ${dateTime(c.createdAt)}: ${c.body}`, { size: 9 });
  if (!data.comments.length) w.paragraph("No comments yet.", { size: 9 });
}
