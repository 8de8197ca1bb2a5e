import type { z } from "zod";
import { formatPath } from "../questions/schema.js";

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** Parses a form body with a zod schema; on failure, one message per field (the first), keyed by field path. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, data: r.data };
  const errors: FieldErrors = {};
  for (const issue of r.error.issues) {
    const key = formatPath(issue.path);
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}
