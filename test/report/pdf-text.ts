import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Writes a PDF and reads it back with poppler: its text (by default without -layout, so words stay
 * in reading order) and pdfinfo. Throws when poppler reports a problem with the file (a syntax
 * error or warning, such as marked content that does not close on its page).
 */
export function readPdf(pdf: Buffer, opts: { layout?: boolean } = {}): { text: string; info: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "truecost-pdf-"));
  const file = join(dir, "report.pdf");
  writeFileSync(file, pdf);
  const read = spawnSync("pdftotext", [...(opts.layout ? ["-layout"] : []), file, "-"], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (read.status !== 0 || read.stderr.trim())
    throw new Error(`pdftotext: ${read.stderr.trim() || `exit ${read.status}`}`);
  return { text: read.stdout, info: execFileSync("pdfinfo", [file], { encoding: "utf8" }), file };
}

/** The outline (bookmarks) of a PDF, read from its objects: titles in document order. */
export function bookmarks(pdf: Buffer): string[] {
  const s = pdf.toString("latin1");
  return [...s.matchAll(/\/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9a-fA-F]+>)/g)].map((m) => decodePdfString(m[1]!));
}

function decodePdfString(raw: string): string {
  if (raw.startsWith("<")) {
    const hex = raw.slice(1, -1);
    const bytes = Buffer.from(hex, "hex");
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString("utf16le");
    return bytes.toString("latin1");
  }
  const bytes = Buffer.from(
    raw
      .slice(1, -1)
      .replace(/\\([0-7]{1,3}|[nrtbf()\\])/g, (_m, e: string) =>
        /^[0-7]/.test(e)
          ? String.fromCharCode(parseInt(e, 8))
          : (({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" } as Record<string, string>)[e] ?? e),
      ),
    "latin1",
  );
  return bytes[0] === 0xfe && bytes[1] === 0xff
    ? Buffer.from(bytes.subarray(2)).swap16().toString("utf16le")
    : bytes.toString("latin1");
}
