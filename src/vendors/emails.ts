import type { User } from "../auth/users.js";
import { ROLE_LABELS, type Role } from "../domain.js";
import type { Evaluation } from "../evaluations/repo.js";
import { date } from "../format.js";
import { estimateMinutes } from "../questions/progress.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Vendor } from "./repo.js";

export interface Email {
  subject: string;
  body: string;
}

const contact = (buyer: Pick<User, "name" | "email">) =>
  `Questions about this request: ${buyer.name} <${buyer.email}>.`;

function sectionsLine(set: QuestionSet, roles: readonly Role[]): string {
  return set.sections
    .filter((s) => roles.includes(s.role))
    .map(
      (s) =>
        `  - ${ROLE_LABELS[s.role]}: ${s.questions.length} questions, about ${estimateMinutes(s.questions)} minutes`,
    )
    .join("\n");
}

/** The invitation a vendor's main contact receives. {{link}} is filled in when the message is sent. */
export function invitationEmail(
  e: Evaluation,
  set: QuestionSet,
  v: Vendor,
  buyer: Pick<User, "name" | "email">,
): Email {
  return {
    subject: `Due diligence questionnaire: ${e.title} (${v.name}, due ${date(e.dueDate)})`,
    body: `Dear ${v.contactName},

${buyer.name} has shortlisted ${v.name} for "${e.title}" and asks you to answer a due-diligence questionnaire by ${date(e.dueDate)}.

The questions establish what your quote includes, what it leaves to the buyer, and how the system will be run and owned after launch. There are ${set.sections.filter((s) => e.roles.includes(s.role)).length} sections, one per member of the buying committee:
${sectionsLine(set, e.roles)}

Open your questionnaire:
{{link}}

Your answers save as you type, so you can stop and come back through the same link. You can hand a section to a colleague (for example the finance section to your finance lead) from inside the questionnaire. Nothing is sent to the buyer until you submit.

This link is personal to ${v.name}: please do not forward it. ${contact(buyer)}
`,
  };
}

/** A reminder before or on the due date. */
export function reminderEmail(
  e: Evaluation,
  v: Vendor,
  buyer: Pick<User, "name" | "email">,
  daysLeft: number,
  answered: number,
  required: number,
): Email {
  const when =
    daysLeft > 1
      ? `in ${daysLeft} days, on ${date(e.dueDate)}`
      : daysLeft === 1
        ? `tomorrow, ${date(e.dueDate)}`
        : `today, ${date(e.dueDate)}`;
  return {
    subject: `Reminder: questionnaire for "${e.title}" is due ${daysLeft > 1 ? `in ${daysLeft} days` : daysLeft === 1 ? "tomorrow" : "today"}`,
    body: `Dear ${v.contactName},

The questionnaire for "${e.title}" is due ${when}. ${v.name} has answered ${answered} of ${required} required questions so far.

Continue where you left off:
{{link}}

${contact(buyer)}
`,
  };
}

/** A section handed to a colleague by the vendor's main contact. */
export function delegationEmail(
  e: Pick<Evaluation, "title" | "dueDate">,
  set: QuestionSet,
  v: Vendor,
  role: Role,
  to: { name: string },
  from: string,
): Email {
  const s = set.sections.find((x) => x.role === role)!;
  return {
    subject: `${from} asks you to answer the ${ROLE_LABELS[role]} section for "${e.title}"`,
    body: `Dear ${to.name},

${from} (${v.name}) has asked you to answer one section of a due-diligence questionnaire: "${s.title}" — ${s.questions.length} questions, about ${estimateMinutes(s.questions)} minutes. It is due ${date(e.dueDate)}.

Open the section:
{{link}}

Answers save as you type. ${from} reviews the whole questionnaire and submits it.
`,
  };
}

/** The main contact told that a colleague has finished the section handed to them. {{link}}: the main contact's link. */
export function handBackEmail(
  e: Pick<Evaluation, "title" | "dueDate">,
  set: QuestionSet,
  v: Pick<Vendor, "contactName">,
  role: Role,
  colleague: string,
): Email {
  const s = set.sections.find((x) => x.role === role)!;
  return {
    subject: `${colleague} has finished the ${ROLE_LABELS[role]} section for "${e.title}"`,
    body: `Dear ${v.contactName},

${colleague} says the section you handed them, "${s.title}", is finished. Review it and submit the questionnaire when every section is done; it is due ${date(e.dueDate)}.

Open the questionnaire:
{{link}}
`,
  };
}

/** A clarification request sent to the vendor. */
export function clarificationEmail(
  e: Evaluation,
  v: Vendor,
  questionText: string,
  message: string,
  buyer: Pick<User, "name" | "email">,
): Email {
  return {
    subject: `Clarification requested: "${e.title}"`,
    body: `Dear ${v.contactName},

${buyer.name} asks for a clarification on your answer to:
  "${questionText}"

  ${message.split("\n").join("\n  ")}

Reply, and change the answer if needed, from your questionnaire:
{{link}}
`,
  };
}

/** The buyer reopened a submitted questionnaire. */
export function reopenEmail(e: Evaluation, v: Vendor, reason: string, buyer: Pick<User, "name" | "email">): Email {
  return {
    subject: `Your questionnaire for "${e.title}" has been reopened`,
    body: `Dear ${v.contactName},

${buyer.name} has reopened ${v.name}'s submitted questionnaire so that you can change it. The reason given:

  ${reason.split("\n").join("\n  ")}

Make your changes and submit again:
{{link}}
`,
  };
}

/** The buyer sends negotiation asks in a revision round: the questionnaire reopens for those questions only. */
export function revisionEmail(
  e: Evaluation,
  v: Vendor,
  round: number,
  asks: { question: string; ask: string }[],
  buyer: Pick<User, "name" | "email">,
): Email {
  return {
    subject: `Revision round ${round}: ${asks.length === 1 ? "one question" : `${asks.length} questions`} reopened for "${e.title}"`,
    body: `Dear ${v.contactName},

${buyer.name} has reopened ${asks.length === 1 ? "one question" : `${asks.length} questions`} of ${v.name}'s submitted questionnaire and asks whether you can revise ${asks.length === 1 ? "it" : "them"}:

${asks.map((a) => `  - ${a.ask}.\n    (${a.question})`).join("\n")}

Every other answer stays as you submitted it. Revise these answers and submit again from your questionnaire:
{{link}}

${contact(buyer)}
`,
  };
}
