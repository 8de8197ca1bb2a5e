import { money } from "../format.js";
import { PHASE_LABELS, ROLE_LABELS, SEAT_LABELS, type Phase, type Role } from "../domain.js";

/** What the audit page knows to name an entry's actor and the vendors it mentions. */
export interface AuditNames {
  /** "user:3" → "Ada Admin". */
  users: ReadonlyMap<string, string>;
  /** A vendor link's id → who holds it and for which vendor. */
  links: ReadonlyMap<number, { holderName: string; vendorName: string }>;
  /** A vendor's id → its name (for entries that record the id). */
  vendors: ReadonlyMap<number, string>;
  /** A question's key → its text, from the evaluation's question set. */
  questions: ReadonlyMap<string, string>;
}

type Detail = Record<string, unknown>;

const text = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const role = (v: unknown): string => ROLE_LABELS[v as Role] ?? text(v);
const seat = (v: unknown): string => SEAT_LABELS[v as Role] ?? text(v);
const question = (d: Detail, n: AuditNames): string => {
  const t = n.questions.get(text(d.question));
  return t ? `“${t}”` : text(d.question);
};
const phase = (v: unknown): string => PHASE_LABELS[v as Phase] ?? text(v);
const outcome = (v: unknown): string =>
  v === "reject_all" ? "reject all offers" : v === "approve_with_conditions" ? "approve with conditions" : "approve";

/** Each action as a sentence; the detail's codes stay on the page beside it. */
const SENTENCES: Record<string, (d: Detail, n: AuditNames) => string> = {
  "evaluation.created": (d) => `Created the evaluation “${text(d.title)}”.`,
  "evaluation.imported": (d) => `Imported the evaluation “${text(d.title)}” with ${text(d.vendors)} vendors.`,
  "evaluation.updated": () => "Changed the evaluation's settings.",
  "evaluation.reopened": () => "Reopened the evaluation.",
  "evaluation.member_added": (d) => `Added ${text(d.member)} to the evaluation.`,
  "assumptions.changed": () => "Changed the assumptions.",
  "vendor.added": (d) => `Added the vendor ${text(d.vendor)} (${text(d.contact)}).`,
  "vendor.answers_carried_over": (d) =>
    `Started ${text(d.vendor)} from its ${text(d.count)} answers submitted to “${text(d.from)}”, each to confirm.`,
  "vendor.invited": (d) => `Invited ${text(d.vendor)} (${text(d.to)}).`,
  "vendor.reinvited": (d) => `Sent ${text(d.vendor)} a new link (${text(d.to)}).`,
  "vendor.reminded": (d) => `Reminded ${text(d.vendor)} of the due date.`,
  "vendor.link_opened": () => "Opened the questionnaire link.",
  "vendor.section_delegated": (d) => `Handed the ${role(d.role)} section to ${text(d.to)}.`,
  "vendor.section_taken_back": (d) => `Took the ${role(d.role)} section back.`,
  "vendor.section_handed_back": (d) => `Said the ${role(d.role)} section is finished.`,
  "vendor.submitted": (d) => `Submitted the questionnaire for ${text(d.vendor)}.`,
  "vendor.declined": (d) => `Declined to respond for ${text(d.vendor)}.`,
  "vendor.reopened": (d) => `Reopened ${text(d.vendor)}'s questionnaire.`,
  "answer.changed": (d, n) =>
    d.notKnown
      ? `Marked the answer to ${question(d, n)} “not known yet” for ${text(d.vendor)}.`
      : `Changed the answer to ${question(d, n)} for ${text(d.vendor)}.`,
  "answer.confirmed": (d, n) => `Confirmed the carried-over answer to ${question(d, n)} for ${text(d.vendor)}.`,
  "evidence.uploaded": (d, n) => `Attached evidence to ${question(d, n)} for ${text(d.vendor)}.`,
  "evidence.removed": (d, n) => `Removed evidence from ${question(d, n)} for ${text(d.vendor)}.`,
  "clarification.opened": (d, n) => `Asked ${text(d.vendor)} for a clarification on ${question(d, n)}.`,
  "clarification.replied": (d, n) => `Replied on the clarification about ${question(d, n)} (${text(d.vendor)}).`,
  "clarification.resolved": (d, n) => `Closed the clarification about ${question(d, n)} (${text(d.vendor)}).`,
  "link.extended": (d) => `Extended ${text(d.vendor)}'s link.`,
  "link.revoked": (d) => `Revoked ${text(d.vendor)}'s link.`,
  "comment.added": () => "Commented on the comparison.",
  "decision.proposed": (d, n) =>
    `Proposed to ${outcome(d.outcome)}${typeof d.vendor === "number" ? ` ${n.vendors.get(d.vendor) ?? "a vendor"}` : ""}.`,
  "decision.signed": (d) => `Signed the decision for the ${seat(d.seat)} seat.`,
  "decision.recorded": () => "The decision was recorded: every seat has signed.",
  "report.generated": () => "Generated the PDF report.",
  "funding.tranche_approved": (d, n) =>
    `Funded ${typeof d.vendor === "number" ? (n.vendors.get(d.vendor) ?? "a vendor") : "a vendor"}'s plan through “${phase(d.throughPhase)}”${d.note ? `: ${text(d.note)}` : ""}.`,
  "evaluation.gates_changed": () => "Changed the gates between funding stages.",
  "workbook.applied": (d) => `Saved ${text(d.saved)} answers for ${text(d.vendor)} from an uploaded workbook.`,
  "funding.request_generated": (d) => `Downloaded the funding request for ${text(d.vendor)}.`,
  "negotiation.brief_generated": (d) => `Downloaded the negotiation brief for ${text(d.vendor)}.`,
  "round.sent": (d) =>
    `Sent ${text(d.vendor)} revision round ${text(d.round)} on ${Array.isArray(d.questions) ? d.questions.length : 0} questions.`,
  "round.resubmitted": (d) =>
    `${text(d.vendor)} resubmitted revision round ${text(d.round)}${typeof d.totalBefore === "number" && typeof d.totalAfter === "number" ? `: total ${money(d.totalBefore, text(d.currency) || "EUR")} → ${money(d.totalAfter, text(d.currency) || "EUR")}` : ""}${d.rankBefore && d.rankAfter ? `, rank ${text(d.rankBefore)} → ${text(d.rankAfter)}` : ""}${d.rankingMoved ? "; the ranking moved" : ""}.`,
};

/** Who did it, by name: a buyer, a vendor's contact (and for which vendor), or Truecost itself. */
export function actorName(actor: string, n: AuditNames): string {
  if (actor === "system") return "Truecost";
  if (actor === "cli") return "An administrator, from the command line";
  const link = /^vendor-link:(\d+)$/.exec(actor);
  if (link) {
    const l = n.links.get(Number(link[1]));
    return l ? `${l.holderName} (${l.vendorName})` : "A vendor's contact";
  }
  return n.users.get(actor) ?? actor;
}

/** An entry as a sentence; an action without one is shown by its code. */
export function describeEntry(action: string, detail: Detail, n: AuditNames): string {
  return SENTENCES[action]?.(detail, n) ?? action;
}
