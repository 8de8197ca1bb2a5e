import { z } from "zod";
import { PHASES } from "../domain.js";
import { someLines } from "../text.js";

export const CommentSchema = z.object({
  body: z.string().trim().min(2, "Write a comment").max(5000, "Keep it under 5,000 characters").superRefine(someLines),
});

export const DecisionSchema = z
  .object({
    outcome: z.enum(["approve", "approve_with_conditions", "reject_all"], "Choose an outcome"),
    vendorId: z.preprocess(
      (v) => (v === "" || v === undefined ? undefined : Number(v)),
      z.number().int().positive().optional(),
    ),
    conditions: z.string().trim().max(5000).superRefine(someLines).optional().default(""),
    reason: z
      .string()
      .trim()
      .min(5, "Give the reason for the decision")
      .max(5000, "Keep it under 5,000 characters")
      .superRefine(someLines),
  })
  .refine((d) => d.outcome === "reject_all" || d.vendorId !== undefined, {
    message: "Choose the vendor to approve",
    path: ["vendorId"],
  })
  .refine((d) => d.outcome !== "approve_with_conditions" || d.conditions.length >= 5, {
    message: "State the conditions",
    path: ["conditions"],
  });

/** The committee funds an option's stages up to one of them (comparison/present-plan.ts). */
export const TrancheSchema = z.object({
  vendorId: z.preprocess(
    (v) => (v === "" ? undefined : Number(v)),
    z.number("Choose the option to fund").int().positive(),
  ),
  throughPhase: z.enum(PHASES, "Choose the last stage this tranche funds"),
  note: z.string().trim().max(1000, "Keep it under 1,000 characters").superRefine(someLines).optional().default(""),
});
