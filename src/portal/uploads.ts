import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileTypeFromBuffer } from "file-type";
import type { RequestHandler } from "express";
import multer from "multer";
import { invalid } from "../errors.js";
import type { Config } from "../config.js";
import { sql, type Db } from "../db/index.js";

/** Types accepted as evidence, by what the bytes are: the name is never trusted. */
const ALLOWED = new Map<string, string>([
  ["application/pdf", "pdf"], ["image/png", "png"], ["image/jpeg", "jpg"],
  ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"],
  ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"],
  ["application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"],
]);

export function uploadsDir(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "uploads");
}

/** multer holding one file in memory, up to the per-file limit; a body it cannot parse is a 400 that names the file field. */
export function uploadMiddleware(config: Pick<Config, "UPLOAD_MAX_MB">): RequestHandler {
  const single = multer({ storage: multer.memoryStorage(), limits: { fileSize: Math.round(config.UPLOAD_MAX_MB * 1024 * 1024), files: 1, fields: 5, parts: 8 } }).single("file");
  return (req, res, next) =>
    single(req, res, (err?: unknown) => {
      if (!err || err instanceof multer.MulterError) return next(err);
      next(invalid({ file: "The upload could not be read. Attach the file again with the Upload button." }, { file: "Evidence file" }));
    });
}

/** A name safe to show and to send back: no path, no control characters, bounded length. */
export function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.normalize("NFC").replace(/[\u0000-\u001f\u007f<>:"|?*]/g, "").replace(/^\.+/, "").trim().slice(0, 120);
  return clean || "evidence";
}

/** The type of the bytes: a known binary format, or plain UTF-8 text; undefined when not accepted. */
export async function detectType(buf: Buffer): Promise<{ mime: string; ext: string } | undefined> {
  const t = await fileTypeFromBuffer(buf);
  if (t) return ALLOWED.has(t.mime) ? { mime: t.mime, ext: ALLOWED.get(t.mime)! } : undefined;
  const head = buf.subarray(0, 64 * 1024);
  if (head.includes(0)) return undefined;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(head.length < buf.length ? head.subarray(0, head.lastIndexOf(10) + 1 || head.length) : head);
    return { mime: "text/plain", ext: "txt" };
  } catch {
    return undefined;
  }
}

export type StoreResult = { ok: true; id: number } | { ok: false; message: string };

/** Checks and stores one evidence file outside any served folder, named by a random id, with its SHA-256. */
export async function storeEvidence(db: Db, config: Pick<Config, "dataDir" | "VENDOR_QUOTA_MB">, a: { vendorId: number; questionKey: string; name: string; buffer: Buffer; actor: string }): Promise<StoreResult> {
  if (a.buffer.length === 0) return { ok: false, message: "The file is empty." };
  const type = await detectType(a.buffer);
  if (!type) return { ok: false, message: "This kind of file is not accepted. Attach a PDF, PNG or JPEG image, Word, Excel or PowerPoint document, or plain text." };
  const used = db.prepare("SELECT coalesce(sum(size_bytes), 0) FROM attachments WHERE vendor_id = ? AND deleted_at IS NULL").pluck().get(a.vendorId) as number;
  if (used + a.buffer.length > config.VENDOR_QUOTA_MB * 1024 * 1024) return { ok: false, message: `Your files would exceed the ${config.VENDOR_QUOTA_MB} MB allowed for this questionnaire. Remove a file first.` };
  const dir = uploadsDir(config);
  mkdirSync(dir, { recursive: true });
  const stored = `${randomBytes(16).toString("hex")}.${type.ext}`;
  const tmp = join(dir, `${stored}.part`);
  writeFileSync(tmp, a.buffer, { mode: 0o600 });
  renameSync(tmp, join(dir, stored));
  const sha = createHash("sha256").update(a.buffer).digest("hex");
  const name = cleanName(a.name);
  const id = Number(
    db.prepare("INSERT INTO attachments (vendor_id, question_key, original_name, stored_name, mime_type, size_bytes, sha256, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(a.vendorId, a.questionKey, name, stored, type.mime, a.buffer.length, sha, a.actor).lastInsertRowid,
  );
  return { ok: true, id };
}

export interface AttachmentRow {
  id: number;
  vendorId: number;
  questionKey: string;
  originalName: string;
  storedName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  deletedAt: string | null;
}

export function findAttachment(db: Db, id: number): AttachmentRow | undefined {
  return db.prepare(`SELECT id, vendor_id AS vendorId, question_key AS questionKey, original_name AS originalName, stored_name AS storedName, mime_type AS mimeType,
    size_bytes AS sizeBytes, sha256, deleted_at AS deletedAt FROM attachments WHERE id = ?`).get(id) as AttachmentRow | undefined;
}

/** A vendor's evidence file as pages, reports and copies list it. */
export interface EvidenceFile {
  id: number;
  questionKey: string;
  name: string;
  size: number;
  sha256: string;
  createdAt: string;
}

/** A vendor's evidence files not removed, in the order they were uploaded. */
export function listEvidence(db: Db, vendorId: number): EvidenceFile[] {
  return sql(db, `SELECT id, question_key AS questionKey, original_name AS name, size_bytes AS size, sha256, created_at AS createdAt
    FROM attachments WHERE vendor_id = ? AND deleted_at IS NULL ORDER BY id`).all(vendorId) as EvidenceFile[];
}
