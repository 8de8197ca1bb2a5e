import { z } from "zod";
import { ROLES, TIERS } from "../domain.js";
import { MAX_MINOR } from "../format.js";
import { GATED } from "../model/funding.js";
import { EVALUATION_STATUSES } from "../evaluations/repo.js";
import { OPTION_KINDS, VENDOR_STATUSES } from "../vendors/repo.js";
import { oneLine, someLines } from "../text.js";

const minor = z
  .number("must be an amount in minor units")
  .int("must be a whole number of minor units")
  .min(0, "cannot be negative")
  .max(MAX_MINOR, `is too large (at most ${MAX_MINOR})`);
const isoTime = z.iso.datetime({ offset: true, message: "must be an ISO-8601 timestamp" });

const BundleMessageSchema = z.strictObject({
  author: z.enum(["buyer", "vendor"]),
  authorName: z.string().trim().min(1, "cannot be empty").max(200).superRefine(oneLine),
  body: z.string().trim().min(1, "cannot be empty").max(10_000).superRefine(someLines),
  createdAt: isoTime,
});

const BundleClarificationSchema = z
  .strictObject({
    questionKey: z.string().min(1),
    visibility: z.enum(["vendor", "internal"]),
    status: z.enum(["open", "resolved"]),
    messages: z.array(BundleMessageSchema).min(1, "a clarification needs at least one message"),
  })
  .superRefine((c, ctx) => {
    c.messages.forEach((m, i) => {
      const before = c.messages[i - 1];
      if (before && Date.parse(m.createdAt) < Date.parse(before.createdAt))
        ctx.addIssue({
          code: "custom",
          path: ["messages", i, "createdAt"],
          message: `is earlier than the message before it (${before.createdAt}): messages are listed in the order they were written`,
        });
      if (c.visibility === "internal" && m.author === "vendor")
        ctx.addIssue({
          code: "custom",
          path: ["messages", i, "author"],
          message: "an internal note is never shown to the vendor, so it has no vendor messages",
        });
    });
  });

export const BundleVendorSchema = z
  .strictObject({
    name: z.string().trim().min(1, "cannot be empty").max(200).superRefine(oneLine),
    contactName: z.string().trim().min(1, "cannot be empty").max(200).superRefine(oneLine),
    contactEmail: z.email("must be an email address").max(320),
    kind: z.enum(OPTION_KINDS, "must be vendor, build or platform").default("vendor"),
    status: z.enum(VENDOR_STATUSES).default("in_progress"),
    submittedAt: isoTime.nullable().default(null),
    declinedReason: z
      .string()
      .trim()
      .min(1, "cannot be empty")
      .max(2000)
      .superRefine(someLines)
      .nullable()
      .default(null),
    /** Answers by question key; each value is checked against its question's type on import. */
    answers: z.record(z.string(), z.unknown()).default({}),
    /** Answers the vendor marked "not known yet", by question key, with the reason it gave. */
    notKnown: z
      .record(
        z.string(),
        z.string().trim().min(1, "cannot be empty").max(500, "at most 500 characters").superRefine(oneLine),
      )
      .default({}),
    /** The vendor's notes on its answers, by question key. */
    notes: z
      .record(z.string(), z.string().trim().min(1, "cannot be empty").max(2000, "at most 2000 characters"))
      .default({}),
    clarifications: z.array(BundleClarificationSchema).default([]),
  })
  .superRefine((v, ctx) => {
    // A vendor's state is one of the states the app can reach: each field agrees with its status.
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (v.status === "submitted" && !v.submittedAt)
      issue("submittedAt", "a submitted vendor needs the time it submitted");
    // A vendor reopened after submitting keeps the time of that submission; one still invited has none.
    if (v.status === "invited" && v.submittedAt)
      issue("submittedAt", "must be null: an invited vendor has not submitted");
    if (v.status === "declined" && !v.declinedReason)
      issue("declinedReason", "a vendor that declined needs its reason");
    if (v.status !== "declined" && v.declinedReason !== null)
      issue("declinedReason", `must be null: the vendor is ${v.status.replace("_", " ")}, not declined`);
    for (const key of Object.keys(v.notKnown))
      if (key in v.answers) issue("notKnown", `'${key}' has an answer: an answer is either given or not known yet`);
    if (
      v.status === "invited" &&
      Object.keys(v.answers).length + Object.keys(v.notKnown).length + Object.keys(v.notes).length
    )
      issue("status", "cannot be invited with answers: a vendor that answered is in progress, submitted or declined");
  });

/** One evaluation with its settings, vendors, answers and clarifications, as `truecost export` prints it. */
export const BundleSchema = z
  .strictObject({
    format: z.literal("truecost-evaluation", 'must be "truecost-evaluation"'),
    formatVersion: z.literal(1, "must be 1"),
    questionSet: z.strictObject({ id: z.string().min(1), version: z.number().int().min(1) }),
    evaluation: z.strictObject({
      title: z.string().trim().min(1, "cannot be empty").max(200).superRefine(oneLine),
      description: z.string().trim().max(5000).superRefine(someLines).default(""),
      tier: z.enum(TIERS),
      horizonYears: z.number().int().min(1, "must be at least 1 year").max(10, "must be at most 10 years"),
      currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR"),
      dayRateMinor: minor,
      valueEstimateMinor: minor.nullable().default(null),
      dueDate: z.iso.date("must be a date (YYYY-MM-DD)"),
      status: z
        .enum(EVALUATION_STATUSES)
        .refine(
          (st) => st !== "decided",
          "cannot be decided: a bundle carries no committee decision (its signatures belong to the installation that recorded it); import it as closed",
        )
        .default("open"),
      roles: z
        .array(z.enum(ROLES))
        .min(1, "send at least one role section")
        .refine((r) => new Set(r).size === r.length, "lists a role twice"),
      /** Checked against each assumption's bounds once the question set is known (see import.ts). */
      assumptions: z.record(z.string(), z.number("must be a number").finite("must be a finite number")).default({}),
      settings: z
        .strictObject({
          sensitivityRange: z.number().min(0.05, "at least 0.05").max(0.9, "at most 0.9").optional(),
          unevidencedIncludedAsPartial: z.boolean().optional(),
          rankUnsubmitted: z.boolean().optional(),
          rankOn: z.enum(["nominal", "present"], "must be nominal or present").optional(),
          notKnownBlocksSubmit: z.boolean().optional(),
          gates: z
            .partialRecord(
              z.enum(GATED, "must name a stage a gate follows"),
              z.array(z.string().trim().min(1, "cannot be empty").max(300).superRefine(oneLine)).min(1).max(12),
            )
            .optional(),
        })
        .default({}),
    }),
    vendors: z.array(BundleVendorSchema).max(50, "at most 50 vendors"),
  })
  .superRefine((b, ctx) => {
    if (b.evaluation.status !== "draft") return;
    b.vendors.forEach((v, i) => {
      if (v.status !== "invited")
        ctx.addIssue({
          code: "custom",
          path: ["vendors", i, "status"],
          message: `cannot be ${v.status.replace("_", " ")}: the evaluation is a draft, and a draft has sent no questionnaire`,
        });
    });
  });

export type Bundle = z.infer<typeof BundleSchema>;
export type BundleInput = z.input<typeof BundleSchema>;
