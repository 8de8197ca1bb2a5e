import { listAnswers } from "../answers/repo.js";
import type { Db } from "../db/index.js";
import { findEvaluation } from "../evaluations/repo.js";
import { findQuestionSetRow } from "../questions/repo.js";
import { listVendors } from "../vendors/repo.js";
import type { Bundle, BundleInput } from "./schema.js";

/** The bundle for a stored evaluation; ids are left out so that export → import → export is stable. */
export function exportBundle(db: Db, evaluationId: number): BundleInput | undefined {
  const e = findEvaluation(db, evaluationId);
  if (!e) return undefined;
  const qs = findQuestionSetRow(db, e.questionSetId)!;
  return {
    format: "truecost-evaluation",
    formatVersion: 1,
    questionSet: { id: qs.setKey, version: qs.version },
    evaluation: {
      title: e.title,
      description: e.description,
      tier: e.tier,
      horizonYears: e.horizonYears,
      currency: e.currency,
      dayRateMinor: e.dayRateMinor,
      valueEstimateMinor: e.valueEstimateMinor,
      dueDate: e.dueDate,
      // A committee decision is signed by this installation's accounts and does not travel: a decided evaluation leaves as closed.
      status: e.status === "decided" ? "closed" : e.status,
      roles: e.roles,
      assumptions: e.assumptions,
      settings: e.settings,
    },
    vendors: listVendors(db, evaluationId).map((v) => {
      const stored = [...listAnswers(db, v.id).values()].sort((a, b) => a.questionKey.localeCompare(b.questionKey));
      const notKnown = stored.filter((a) => a.notKnown !== null).map((a) => [a.questionKey, a.notKnown]);
      const notes = stored.filter((a) => a.note !== null).map((a) => [a.questionKey, a.note]);
      return {
        name: v.name,
        contactName: v.contactName,
        contactEmail: v.contactEmail,
        // Left out for a vendor's offer: a bundle without in-house options reads as before.
        ...(v.kind === "vendor" ? {} : { kind: v.kind }),
        status: v.status,
        submittedAt: v.submittedAt,
        declinedReason: v.declinedReason,
        answers: Object.fromEntries(stored.filter((a) => a.value !== null).map((a) => [a.questionKey, a.value])),
        // Left out when empty: a bundle of an evaluation without such answers reads as before.
        ...(notKnown.length ? { notKnown: Object.fromEntries(notKnown) as Record<string, string> } : {}),
        ...(notes.length ? { notes: Object.fromEntries(notes) as Record<string, string> } : {}),
        clarifications: clarifications(db, v.id),
      };
    }),
  };
}

function clarifications(db: Db, vendorId: number): Bundle["vendors"][number]["clarifications"] {
  const rows = db
    .prepare(
      "SELECT id, question_key AS questionKey, visibility, status FROM clarifications WHERE vendor_id = ? ORDER BY id",
    )
    .all(vendorId) as {
    id: number;
    questionKey: string;
    visibility: "vendor" | "internal";
    status: "open" | "resolved";
  }[];
  const messages = db.prepare(
    "SELECT author_kind AS author, author_name AS authorName, body, created_at AS createdAt FROM clarification_messages WHERE clarification_id = ? ORDER BY id",
  );
  return rows.map(({ id, ...c }) => ({
    ...c,
    messages: messages.all(id) as Bundle["vendors"][number]["clarifications"][number]["messages"],
  }));
}
