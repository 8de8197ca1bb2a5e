import { z } from "zod";
import { OPTION_KINDS } from "./repo.js";
import { ROLES } from "../domain.js";
import { oneLine, someLines } from "../text.js";

export const VendorFormSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter the vendor's name")
    .max(200, "Keep the name under 200 characters")
    .superRefine(oneLine),
  contactName: z
    .string()
    .trim()
    .min(1, "Enter the contact's name")
    .max(200, "Keep the name under 200 characters")
    .superRefine(oneLine),
  contactEmail: z
    .string()
    .trim()
    .toLowerCase()
    .max(320)
    .pipe(z.email("Enter an email address such as name@vendor.com")),
  kind: z.enum(OPTION_KINDS, "Choose what this option is").default("vendor"),
  invite: z.preprocess((v) => v === "on" || v === "true", z.boolean()),
});
export type VendorForm = z.infer<typeof VendorFormSchema>;

export const ExtendSchema = z.object({
  days: z.coerce
    .number("Enter a number of days")
    .int("Enter whole days")
    .min(1, "At least 1 day")
    .max(180, "At most 180 days"),
});

export const ReopenSchema = z.object({
  reason: z
    .string()
    .trim()
    .min(5, "Tell the vendor why, in a sentence")
    .max(2000, "Keep it under 2,000 characters")
    .superRefine(someLines),
});

export const ClarificationSchema = z.object({
  questionKey: z.string().min(1, "Choose the question"),
  visibility: z.enum(["vendor", "internal"], "Choose who sees it"),
  body: z
    .string()
    .trim()
    .min(3, "Write the question or note")
    .max(5000, "Keep it under 5,000 characters")
    .superRefine(someLines),
});

export const MessageSchema = z.object({
  body: z.string().trim().min(1, "Write a reply").max(5000, "Keep it under 5,000 characters").superRefine(someLines),
});

export const DelegateSchema = z.object({
  role: z.enum(ROLES, "Choose the section"),
  name: z.string().trim().min(1, "Enter your colleague's name").max(200).superRefine(oneLine),
  email: z.string().trim().toLowerCase().max(320).pipe(z.email("Enter an email address such as name@vendor.com")),
});

/** The asks ticked on the comparison page, sent as one revision round. */
export const RoundSchema = z.object({
  keys: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().max(100)).min(1, "Tick at least one ask to send").max(100),
  ),
});
