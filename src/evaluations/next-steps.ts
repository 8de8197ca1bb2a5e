import { date } from "../format.js";
import type { EvaluationStatus } from "./repo.js";
import type { VendorStatus } from "../vendors/repo.js";

/** What the evaluation page knows of a vendor when it says what to do next. */
export interface VendorStage {
  id: number;
  name: string;
  status: VendorStatus;
  /** Its main link: null before the invitation; live false once revoked or expired. */
  link: { live: boolean; remindFrom: Date } | null;
  /** Clarifications the vendor has replied to that the buyer has not closed: how many, and the first one's question. */
  replies: { count: number; questionKey: string } | null;
}

export interface NextStep {
  text: string;
  href?: string;
  /** Link text inside `text`, when the step has a link (the rest is plain). */
  link?: string;
}

/**
 * What to do next on an evaluation, for the stage it is at and who is reading: a buyer is walked
 * from adding vendors to inviting, waiting (and reminding), reviewing, comparing and deciding; a
 * committee member is pointed at what they can do. The first step is the most pressing.
 */
export function nextSteps(
  e: { id: number; status: EvaluationStatus; dueDate: string },
  vendors: VendorStage[],
  reader: "buyer" | "committee",
  now = new Date(),
): NextStep[] {
  const base = `/evaluations/${e.id}`;
  const comparison: NextStep = {
    text: "Read the comparison: entry prices against the adjusted budget, flags and rank flips.",
    href: `${base}/comparison`,
    link: "Read the comparison",
  };
  if (e.status === "decided")
    return [
      {
        text: "The decision is recorded. Read it, with the report, on the comparison.",
        href: `${base}/comparison`,
        link: "on the comparison",
      },
    ];
  if (reader === "committee") {
    const submitted = vendors.filter((v) => v.status === "submitted").length;
    return [
      submitted
        ? comparison
        : {
            text: "No vendor has submitted yet: the comparison shows work in progress.",
            href: `${base}/comparison`,
            link: "the comparison",
          },
      { text: "Comment there, and sign the proposed decision for your seat." },
    ];
  }
  if (e.status === "closed")
    return [
      comparison,
      { text: "The evaluation is closed: vendors cannot change answers. Reopen it below to let them." },
    ];
  const steps: NextStep[] = [];
  if (!vendors.length)
    return [
      {
        text: "Add the shortlisted vendors below: each gets its own private link.",
        href: "#add-vendor",
        link: "Add the shortlisted vendors",
      },
      {
        text: "Check the settings and assumptions before inviting: they are fixed once invitations go out.",
        href: `${base}/edit`,
        link: "settings and assumptions",
      },
    ];
  const answering = vendors.filter((v) => v.status === "invited" || v.status === "in_progress");
  // A vendor that has submitted or declined needs no link, even once its link has expired.
  const uninvited = answering.filter((v) => !v.link || !v.link.live);
  const submitted = vendors.filter((v) => v.status === "submitted");
  for (const v of vendors) {
    const r = v.replies;
    if (!r) continue;
    steps.push({
      text: `${v.name} replied to ${r.count === 1 ? "a clarification" : `${r.count} clarifications`}: read and close ${r.count === 1 ? "it" : "them"}.`,
      href: `${base}/vendors/${v.id}#q-${r.questionKey}`,
      link: `${v.name} replied`,
    });
  }
  if (uninvited.length)
    steps.push({
      text: `Send ${uninvited.length === 1 ? `${uninvited[0]!.name} its` : `${uninvited.length} vendors their`} invitation${uninvited.length === 1 ? "" : "s"} from the table below.`,
      href: "#vendors",
      link: "the table below",
    });
  // Calendar days from today to the due date (both UTC dates): "due in 10 days" on 2 Dec for 12 Dec.
  const dueIn = Math.round((Date.parse(e.dueDate) - Date.parse(now.toISOString().slice(0, 10))) / 86_400_000);
  const waiting = answering.filter((v) => v.link?.live);
  if (waiting.length) {
    const remindable = waiting.filter((v) => v.link!.remindFrom <= now);
    const when =
      dueIn < 0
        ? `the due date passed ${-dueIn} day${dueIn === -1 ? "" : "s"} ago`
        : dueIn === 0
          ? "answers are due today"
          : dueIn <= 14
            ? `answers are due in ${dueIn} day${dueIn === 1 ? "" : "s"}`
            : `answers are due on ${date(e.dueDate)}`;
    const who =
      vendors.length === 1
        ? `${waiting[0]!.name} is still answering`
        : `${waiting.length} of ${vendors.length} vendors are still answering`;
    steps.push({
      text:
        `${who}; ${when}.` +
        (remindable.length
          ? " Send a reminder from the table below where one is due."
          : " You can send reminders once an invitation is a day old."),
    });
  }
  if (submitted.length) {
    steps.push({
      text: `Review what ${submitted.length === 1 ? submitted[0]!.name : `the ${submitted.length} submitted vendors`} answered, and ask for a clarification where an answer is unclear.`,
      href: `${base}/vendors/${submitted[0]!.id}`,
      link: "Review what",
    });
    steps.push(
      answering.length
        ? { ...comparison, text: `${comparison.text} It ranks submitted vendors only.` }
        : {
            text: "Every vendor has answered: read the comparison, generate the report and ask the committee to decide.",
            href: `${base}/comparison`,
            link: "read the comparison",
          },
    );
  }
  return steps;
}
