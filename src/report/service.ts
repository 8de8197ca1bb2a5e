import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { audit } from "../audit/repo.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { reportData } from "./data.js";
import { comparisonReport } from "./pdf.js";

export function reportsDir(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "reports");
}

/** Generates the PDF report, stores it with its SHA-256 (file first, then the row), and records it in the audit log. */
export async function generateReport(db: Db, config: Pick<Config, "dataDir">, evaluationId: number, by: { actor: string; name: string }): Promise<{ id: number; sha256: string; fileName: string; pdf: Buffer } | undefined> {
  const data = reportData(db, evaluationId, by.name);
  if (!data) return undefined;
  const pdf = await comparisonReport(data);
  const sha256 = createHash("sha256").update(pdf).digest("hex");
  const dir = reportsDir(config);
  mkdirSync(dir, { recursive: true });
  const fileName = `evaluation-${evaluationId}-${data.generatedAt.slice(0, 10)}-${sha256.slice(0, 12)}.pdf`;
  writeFileSync(join(dir, `${fileName}.part`), pdf);
  renameSync(join(dir, `${fileName}.part`), join(dir, fileName));
  const id = db.transaction(() => {
    const id = Number(db.prepare("INSERT INTO reports (evaluation_id, sha256, file_name, size_bytes, generated_by) VALUES (?, ?, ?, ?, ?)").run(evaluationId, sha256, fileName, pdf.length, by.actor).lastInsertRowid);
    audit(db, evaluationId, by.actor, "report.generated", { report: id, sha256 });
    return id;
  })();
  return { id, sha256, fileName, pdf };
}
