import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import { setCustomFont, type CustomFont } from "./fonts.js";
import { reportData } from "./data.js";
import { comparisonReport } from "./pdf.js";
import { comparisonPageData, type PageData } from "../comparison/page-data.js";
import { fundingRequestPdf, negotiationBriefPdf, type BriefOutput, type BriefTask } from "./briefs.js";

/** What a report worker is asked to do. */
export interface ReportTask {
  dbFile: string;
  evaluationId: number;
  generatedBy: string;
  /** The report's date, chosen by the caller (ISO-8601). */
  now: string;
  font: CustomFont | null;
}

export interface ReportOutput {
  pdf: Uint8Array;
  sha256: string;
  generatedAt: string;
}

const connections = new Map<string, Database.Database>();

/**
 * Generates a comparison report in a worker thread (see service.ts): reads the evaluation through
 * its own read-only connection, runs the cost model and lays out the PDF, so that the server's
 * thread stays free for requests while a large report takes seconds.
 */
export default async function generate(task: ReportTask): Promise<ReportOutput | null> {
  setCustomFont(task.font);
  return render(connection(task.dbFile), task);
}

/** The comparison page's data of a large evaluation (see comparison/page-data.ts), made in a worker. */
export function page(task: Pick<ReportTask, "dbFile" | "evaluationId" | "font">): PageData | undefined {
  setCustomFont(task.font);
  return comparisonPageData(connection(task.dbFile), task.evaluationId);
}

/** A funding request or negotiation brief (see briefs.ts), made in a worker. */
export type BriefJob = BriefTask & Pick<ReportTask, "dbFile" | "font">;

export function fundingRequest(task: BriefJob): Promise<BriefOutput | null> {
  setCustomFont(task.font);
  return fundingRequestPdf(connection(task.dbFile), task);
}

export function negotiationBrief(task: BriefJob): Promise<BriefOutput | null> {
  setCustomFont(task.font);
  return negotiationBriefPdf(connection(task.dbFile), task);
}

function connection(file: string): Database.Database {
  let db = connections.get(file);
  if (!db) connections.set(file, (db = new Database(file, { readonly: true, fileMustExist: true })));
  return db;
}

/** The report's bytes and hash, from a connection: what the worker runs, and the command line runs in its own process. */
export async function render(
  db: Database.Database,
  task: Omit<ReportTask, "dbFile" | "font">,
): Promise<ReportOutput | null> {
  const data = reportData(db, task.evaluationId, task.generatedBy, new Date(task.now));
  if (!data) return null;
  const pdf = await comparisonReport(data);
  return { pdf, sha256: createHash("sha256").update(pdf).digest("hex"), generatedAt: data.generatedAt };
}
