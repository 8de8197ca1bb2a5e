import type { Request } from "express";

/**
 * Lists newest first, a page at a time, by id: `?before=ID` gives the entries older than ID. A
 * cursor instead of an offset: a page stays the same while new entries arrive above it.
 */
export interface Cursor {
  before: number | undefined;
  size: number;
}

export function cursorOf(req: Request, size: number): Cursor {
  const raw = Number.parseInt(String(req.query.before ?? ""), 10);
  return { before: Number.isSafeInteger(raw) && raw > 0 ? raw : undefined, size };
}

/** One page of rows read with `size + 1` rows: the rows to show and the cursor of the next page, if any. */
export function pageOf<T extends { id: number }>(
  rows: T[],
  cursor: Cursor,
): { rows: T[]; older: number | undefined; newest: boolean } {
  const more = rows.length > cursor.size;
  const shown = more ? rows.slice(0, cursor.size) : rows;
  return { rows: shown, older: more ? shown.at(-1)!.id : undefined, newest: cursor.before === undefined };
}

/** The address of another page of the current list, keeping its other query parameters. */
export function pageLink(req: Request, before: number | undefined): string {
  const q = new URLSearchParams(
    Object.entries(req.query).flatMap(([k, v]) => (typeof v === "string" && k !== "before" ? [[k, v]] : [])),
  );
  if (before !== undefined) q.set("before", String(before));
  const s = q.toString();
  return `${req.path}${s ? "?" + s : ""}`;
}
