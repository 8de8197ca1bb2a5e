import { createHash, randomBytes } from "node:crypto";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  unlink,
} from "node:fs";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileTypeFromBuffer, fileTypeFromFile } from "file-type";
import type { Request, RequestHandler } from "express";
import multer from "multer";
import { forbidden, invalid } from "../errors.js";
import { isDiskFull } from "../db/faults.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { evidenceBytes, insertAttachment } from "./repo.js";

/** Types accepted as evidence, by what the bytes are: the name is never trusted. */
const ALLOWED = new Map<string, string>([
  ["application/pdf", "pdf"],
  ["image/png", "png"],
  ["image/jpeg", "jpg"],
  ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"],
  ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"],
  ["application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"],
]);

export function uploadsDir(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "uploads");
}

/** Bytes of a file's beginning kept in memory: enough for file-type's signatures and the text check. */
const HEAD_BYTES = 64 * 1024;

const NOT_ACCEPTED =
  "This kind of file is not accepted. Attach a PDF, PNG or JPEG image, Word, Excel or PowerPoint document, or plain text.";

/** A file multer has written to disk: where it is (a .part file until stored), how big, its hash and its type. */
export interface ReceivedFile {
  path: string;
  size: number;
  sha256: string;
  type: { mime: string; ext: string };
}

/** Why an upload stopped while it streamed: the status and the message shown next to the file field. */
class UploadRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * multer storage that streams the file to disk as it arrives, never holding more than its first
 * 64 KiB in memory: the CSRF token must have come before the file (the upload form sends it
 * first); the type is checked on the first bytes (a known format that is not accepted stops the
 * write there) and again on the whole file; the vendor's quota is enforced while streaming (the
 * per-file limit is multer's). A refused or failed file is removed; a stored one is renamed from its
 * .part name by storeEvidence.
 */
class EvidenceStorage implements multer.StorageEngine {
  constructor(
    private readonly dir: string,
    private readonly validateCsrf: (req: Request) => boolean,
  ) {}

  _handleFile(
    req: Request,
    file: Express.Multer.File,
    cb: (error?: unknown, info?: Partial<Express.Multer.File> & { received?: ReceivedFile }) => void,
  ): void {
    if (!this.validateCsrf(req))
      return drain(file.stream, () =>
        cb(new UploadRefused(403, "This form expired. Reload the page and attach the file again.")),
      );
    const quota = (req.evidenceQuotaLeft ?? Infinity) as number;
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${randomBytes(16).toString("hex")}.part`);
    // Opened here, synchronously: a stream that opens its own file may still create it after it was
    // destroyed and the file unlinked (a refusal on the first chunk), leaving a part file behind.
    const out = createWriteStream("", { fd: openSync(path, "wx", 0o600) });
    const hash = createHash("sha256");
    const head: Buffer[] = [];
    let headSize = 0;
    let size = 0;
    let refused: UploadRefused | undefined;
    let sniffed = false;
    const sniff = async (): Promise<void> => {
      sniffed = true;
      const t = await fileTypeFromBuffer(Buffer.concat(head).subarray(0, 4100));
      // A zip may still be an Office document, which the whole file tells: only other formats stop here.
      if (t && !ALLOWED.has(t.mime) && t.mime !== "application/zip") refused ??= new UploadRefused(400, NOT_ACCEPTED);
    };
    // A refused file is not written past the refusal, but the request is read to its end here: the
    // refusal then goes back through the callback below, after the part file is gone. (Failing the
    // stream instead let multer answer on the source's error before the unlink had run.)
    const counting = new Transform({
      transform(chunk: Buffer, _enc, next) {
        if (refused) return next();
        size += chunk.length;
        if (size > quota) {
          refused = new UploadRefused(
            400,
            `Your files would exceed the space allowed for this questionnaire. Remove a file first.`,
          );
          return next();
        }
        hash.update(chunk);
        if (headSize < HEAD_BYTES) {
          head.push(chunk.subarray(0, HEAD_BYTES - headSize));
          headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
        }
        if (!sniffed && headSize >= 4100) return void sniff().then(() => next(null, refused ? undefined : chunk), next);
        next(null, chunk);
      },
    });
    pipeline(file.stream, counting, out)
      .then(async () => {
        if (!sniffed) await sniff();
        if (refused) throw refused;
        if (size === 0) throw new UploadRefused(400, "The file is empty.");
        const type = await detectType(path, Buffer.concat(head), size);
        if (!type) throw new UploadRefused(400, NOT_ACCEPTED);
        cb(null, { path, size, received: { path, size, sha256: hash.digest("hex"), type } });
      })
      .catch((err: unknown) => {
        // Whatever stopped it (a refusal, a full disk, the client gone), nothing of the file stays.
        unlink(path, () => drain(file.stream, () => cb(err)));
      });
  }

  _removeFile(_req: Request, file: Express.Multer.File, cb: (error: Error | null) => void): void {
    if (!file.path) return cb(null);
    unlink(file.path, (err) => cb(err && err.code !== "ENOENT" ? err : null));
  }
}

/** Reads and discards the rest of a file's stream, so that multer can finish the request. */
function drain(stream: NodeJS.ReadableStream, then: () => void): void {
  stream.on("error", () => undefined);
  stream.resume();
  if ((stream as { readableEnded?: boolean }).readableEnded) return then();
  // Once: a stream that ends also closes, and multer must be told of a file once.
  let done = false;
  const once = () => (done ? undefined : ((done = true), then()));
  stream.once("end", once);
  stream.once("close", once);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Bytes the vendor may still upload (its quota less what it stored), set before the upload streams. */
      evidenceQuotaLeft?: number;
    }
  }
}

/** Sets how much the vendor may still upload; run before uploadMiddleware. */
export function evidenceQuota(db: Db, config: Pick<Config, "VENDOR_QUOTA_MB">, req: Request, vendorId: number): void {
  const used = evidenceBytes(db, vendorId);
  req.evidenceQuotaLeft = Math.max(0, config.VENDOR_QUOTA_MB * 1024 * 1024 - used);
}

/**
 * multer streaming one file to disk, up to the per-file limit; a body it cannot parse is a 400
 * that names the file field, a refusal while streaming its own status and message.
 */
export function uploadMiddleware(
  config: Pick<Config, "UPLOAD_MAX_MB" | "dataDir">,
  validateCsrf: (req: Request) => boolean,
): RequestHandler {
  const single = multer({
    storage: new EvidenceStorage(uploadsDir(config), validateCsrf),
    limits: { fileSize: Math.round(config.UPLOAD_MAX_MB * 1024 * 1024), files: 1, fields: 5, parts: 8 },
  }).single("file");
  return (req, res, next) =>
    single(req, res, (err?: unknown) => {
      if (!err || err instanceof multer.MulterError) return next(err);
      if (err instanceof UploadRefused)
        return next(
          err.status === 403 ? forbidden(err.message) : invalid({ file: err.message }, { file: "Evidence file" }),
        );
      if (isDiskFull(err)) return next(err);
      next(
        invalid(
          { file: "The upload could not be read. Attach the file again with the Upload button." },
          { file: "Evidence file" },
        ),
      );
    });
}

/** A name safe to show and to send back: no path, no control characters, bounded length. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "")
    .replace(/^\.+/, "")
    .trim()
    .slice(0, 120);
  return clean || "evidence";
}

/** The type of a received file: a known binary format (read from the file), or plain UTF-8 text (its beginning); undefined when not accepted. */
async function detectType(
  path: string,
  head: Buffer,
  size: number,
): Promise<{ mime: string; ext: string } | undefined> {
  const t = await fileTypeFromFile(path);
  if (t) return ALLOWED.has(t.mime) ? { mime: t.mime, ext: ALLOWED.get(t.mime)! } : undefined;
  if (head.includes(0)) return undefined;
  try {
    // A cut beginning may end inside a character: decode up to its last line break.
    new TextDecoder("utf-8", { fatal: true }).decode(
      head.length < size ? head.subarray(0, head.lastIndexOf(10) + 1 || head.length) : head,
    );
    return { mime: "text/plain", ext: "txt" };
  } catch {
    return undefined;
  }
}

export type StoreResult = { ok: true; id: number } | { ok: false; message: string };

/**
 * Stores a received file as evidence: renamed from its .part name to a random stored name (outside
 * any served folder) and recorded with its SHA-256, in one step with the quota's final check
 * (another upload of the vendor may have finished meanwhile). A refused file is removed.
 */
export function storeEvidence(
  db: Db,
  config: Pick<Config, "dataDir" | "VENDOR_QUOTA_MB">,
  a: {
    vendorId: number;
    questionKey: string;
    name: string;
    file: ReceivedFile;
    actor: string;
    after?: (id: number) => void;
  },
): StoreResult {
  const stored = `${a.file.path.slice(a.file.path.lastIndexOf("/") + 1, -".part".length)}.${a.file.type.ext}`;
  try {
    return db.transaction((): StoreResult => {
      const used = evidenceBytes(db, a.vendorId);
      if (used + a.file.size > config.VENDOR_QUOTA_MB * 1024 * 1024)
        return {
          ok: false,
          message: `Your files would exceed the ${config.VENDOR_QUOTA_MB} MB allowed for this questionnaire. Remove a file first.`,
        };
      const id = insertAttachment(db, {
        vendorId: a.vendorId,
        questionKey: a.questionKey,
        name: cleanName(a.name),
        storedName: stored,
        mimeType: a.file.type.mime,
        size: a.file.size,
        sha256: a.file.sha256,
        uploadedBy: a.actor,
      });
      a.after?.(id);
      // Renamed inside the transaction: if the rename fails, the row is not written either.
      renameSync(a.file.path, join(uploadsDir(config), stored));
      return { ok: true, id };
    })();
  } finally {
    rmSync(a.file.path, { force: true });
  }
}

/** Removes .part files older than an hour (an upload cut by a crash); returns how many. */
export function sweepPartFiles(config: Pick<Config, "dataDir">, now = Date.now()): number {
  const dir = uploadsDir(config);
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith(".part")) continue;
    const p = join(dir, f);
    try {
      if (now - statSync(p).mtimeMs > 3600_000) (rmSync(p, { force: true }), n++);
    } catch {
      /* gone meanwhile */
    }
  }
  return n;
}
