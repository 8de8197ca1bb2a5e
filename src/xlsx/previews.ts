import { randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import multer from "multer";
import type { Change, Preview } from "./read.js";

/** What a preview shows and applies, from a workbook or an answer pack. */
export type Review = Pick<Preview, "changes" | "conflicts" | "problems" | "unchanged">;

/**
 * Previews waiting to be applied, each for the one owner that made it (a vendor link, a buyer and
 * vendor), for half an hour; then the file is uploaded again. Kept in memory: a restart loses
 * only previews, never an answer.
 */
export class Previews {
  private readonly kept = new Map<string, { owner: string; review: Review; expires: number }>();

  constructor(private readonly ttlMs = 30 * 60_000) {}

  keep(owner: string, review: Review): string {
    const now = Date.now();
    for (const [k, x] of this.kept) if (x.expires < now) this.kept.delete(k);
    const id = randomUUID();
    this.kept.set(id, { owner, review, expires: now + this.ttlMs });
    return id;
  }

  /** Takes the preview out: its changes and the conflicts the form ticked (`take`), or undefined when it is gone or not the owner's. */
  take(id: string, owner: string, ticked: unknown): { apply: Change[]; taken: number; kept: number } | undefined {
    const x = this.kept.get(id);
    if (!x || x.owner !== owner || x.expires < Date.now()) return undefined;
    this.kept.delete(id);
    const take = new Set(([] as unknown[]).concat(ticked ?? []).map(String));
    const conflicts = x.review.conflicts.filter((c) => take.has(c.key));
    return {
      apply: [...x.review.changes, ...conflicts],
      taken: conflicts.length,
      kept: x.review.conflicts.length - conflicts.length,
    };
  }
}

/** The locals of a page that shows an upload form and maybe a preview, before either is used. */
export const NO_PREVIEW = { preview: null, id: null, error: null, applied: null } as const;

/** A workbook or an answer pack is small: 200 questions come to about 40 KB. */
const MAX_BYTES = 2 * 1024 * 1024;

/**
 * The one file of a workbook or answer-pack upload, read into memory; a refused upload (too large,
 * unreadable) is said by `refuse`, next to the field on the page the form came from.
 */
export function oneFile(refuse: (req: Request, res: Response, message: string) => Promise<void>): RequestHandler {
  const single = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_BYTES, files: 1, fields: 3, parts: 5 },
  }).single("file");
  return (req, res, next) =>
    single(req, res, (err?: unknown) => {
      if (!err) return next();
      const message =
        err instanceof multer.MulterError && err.code === "LIMIT_FILE_SIZE"
          ? `This file is over ${MAX_BYTES / 1024 / 1024} MB: a questionnaire workbook or answer pack is far smaller. Upload the one Truecost gave you.`
          : "The upload could not be read. Choose the file again.";
      refuse(req, res, message).catch(next);
    });
}
