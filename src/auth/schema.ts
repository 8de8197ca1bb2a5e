import { z } from "zod";
import { oneLine } from "../text.js";

export const MIN_PASSWORD = 12;

const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(320, "is too long")
  .pipe(z.email("Enter an email address such as name@company.com"));
const password = z
  .string()
  .min(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters`)
  .max(200, "Use at most 200 characters");

export const LoginSchema = z.object({
  email: z.string().trim().min(1, "Enter your email address").max(320),
  password: z.string().min(1, "Enter your password").max(200),
  next: z.string().optional(),
});
export type Login = z.infer<typeof LoginSchema>;

export const SetPasswordSchema = z
  .object({ password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { message: "The two passwords differ", path: ["confirm"] });

export const SetupSchema = z
  .object({
    name: z.string().trim().min(1, "Enter your name").max(200).superRefine(oneLine),
    email,
    password,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { message: "The two passwords differ", path: ["confirm"] });
export type Setup = z.infer<typeof SetupSchema>;

export const InviteUserSchema = z.object({
  name: z.string().trim().min(1, "Enter the person's name").max(200).superRefine(oneLine),
  email,
  role: z.enum(["admin", "buyer", "committee"], "Choose a role"),
  committeeRole: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["cto", "cfo", "product", "procurement"]).optional(),
  ),
});
export type InviteUser = z.infer<typeof InviteUserSchema>;

/** A local path to return to after sign-in; anything else goes to the dashboard. */
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[\w\-./?=&%]*$/.test(next) ? next : "/evaluations";
}
