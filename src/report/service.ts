import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Piscina } from "piscina";
import { audit } from "../audit/repo.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { customFont } from "./fonts.js";
import { evaluationState } from "../evaluations/state.js";
import { render, type ReportOutput, type ReportTask } from "./worker.js";

export function reportsDir(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "reports");
}

export interface StoredReport {
  id: number;
  sha256: string;
  fileName: string;
  sizeBytes: number;
  /** The report already stored for this state, returned again instead of a new one. */
  reused: boolean;
}

/** A report being generated off the request thread, for one evaluation state; requests for the same state share it. */
export interface ReportJob {
  id: string;
  evaluationId: number;
  state: string;
  startedAt: number;
  done: Promise<StoredReport | undefined>;
  result?: StoredReport;
  error?: string;
}

let pool: Piscina | undefined;

/**
 * The process's report workers: one thread per core but one (on a two-core machine, one), so that
 * a report never takes every core from the requests; threads end when idle. Under the test runner
 * the worker is TypeScript, loaded through tsx.
 */
function reportPool(): Piscina {
  if (!pool) {
    const ts = import.meta.url.endsWith(".ts");
    pool = new Piscina({
      filename: new URL(`./worker.${ts ? "ts" : "js"}`, import.meta.url).href,
      maxThreads: Math.min(2, Math.max(1, availableParallelism() - 1)),
      minThreads: 0,
      idleTimeout: 5_000,
      execArgv: ts ? ["--import", "tsx"] : [],
    });
  }
  return pool;
}

/** Runs a named task of the worker module on the pool (the report is its default task). */
export function runOnPool<T>(name: string, task: object): Promise<T> {
  return reportPool().run(task, { name }) as Promise<T>;
}

/** Ends the report workers (on shutdown). */
export async function closeReportPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}

/** The stored report of an evaluation state, if one was made. */
function findReportByState(db: Db, evaluationId: number, state: string): StoredReport | undefined {
  const row = db
    .prepare(
      "SELECT id, sha256, file_name AS fileName, size_bytes AS sizeBytes FROM reports WHERE evaluation_id = ? AND state_hash = ? ORDER BY id DESC LIMIT 1",
    )
    .get(evaluationId, state) as Omit<StoredReport, "reused"> | undefined;
  return row && { ...row, reused: true };
}

/** Stores a generated report: the file first (atomically), then its row and the audit entry, in one transaction. */
function store(
  db: Db,
  config: Pick<Config, "dataDir">,
  evaluationId: number,
  state: string,
  out: ReportOutput,
  actor: string,
): StoredReport {
  const dir = reportsDir(config);
  mkdirSync(dir, { recursive: true });
  const fileName = `evaluation-${evaluationId}-${out.generatedAt.slice(0, 10)}-${out.sha256.slice(0, 12)}.pdf`;
  writeFileSync(join(dir, `${fileName}.part`), out.pdf);
  renameSync(join(dir, `${fileName}.part`), join(dir, fileName));
  const id = db.transaction(() => {
    const id = Number(
      db
        .prepare(
          "INSERT INTO reports (evaluation_id, sha256, file_name, size_bytes, generated_by, state_hash) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(evaluationId, out.sha256, fileName, out.pdf.length, actor, state).lastInsertRowid,
    );
    audit(db, evaluationId, actor, "report.generated", { report: id, sha256: out.sha256 });
    return id;
  })();
  return { id, sha256: out.sha256, fileName, sizeBytes: out.pdf.length, reused: false };
}

/**
 * Generates and stores the report in this process (the command line, tests): the stored report of
 * the same state when there is one. Returns its bytes too.
 */
export async function generateReport(
  db: Db,
  config: Pick<Config, "dataDir">,
  evaluationId: number,
  by: { actor: string; name: string },
): Promise<(StoredReport & { pdf: Buffer }) | undefined> {
  const state = evaluationState(db, evaluationId);
  const existing = findReportByState(db, evaluationId, state);
  if (existing && existsSync(join(reportsDir(config), existing.fileName)))
    return { ...existing, pdf: readFileSync(join(reportsDir(config), existing.fileName)) };
  const out = await render(db, { evaluationId, generatedBy: by.name, now: new Date().toISOString() });
  if (!out) return undefined;
  return { ...store(db, config, evaluationId, state, out, by.actor), pdf: Buffer.from(out.pdf) };
}

/**
 * Reports for the web app: generated on the worker pool, one job per evaluation state (concurrent
 * requests for the same state share it, and a state already reported returns the stored report).
 */
export class ReportService {
  private readonly jobs = new Map<string, ReportJob>();
  private readonly running = new Map<string, ReportJob>();

  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, "dataDir">,
  ) {}

  /** The stored report of the evaluation's current state, or the job making it. */
  request(evaluationId: number, by: { actor: string; name: string }): { stored: StoredReport } | { job: ReportJob } {
    const state = evaluationState(this.db, evaluationId);
    const stored = findReportByState(this.db, evaluationId, state);
    if (stored && existsSync(join(reportsDir(this.config), stored.fileName))) return { stored };
    const key = `${evaluationId}:${state}`;
    const running = this.running.get(key);
    if (running) return { job: running };
    return { job: this.start(evaluationId, state, key, by) };
  }

  /** Whether a request for the evaluation's current state would start a new report (what the rate limit counts). */
  wouldGenerate(evaluationId: number): boolean {
    const state = evaluationState(this.db, evaluationId);
    return !findReportByState(this.db, evaluationId, state) && !this.running.has(`${evaluationId}:${state}`);
  }

  job(id: string): ReportJob | undefined {
    return this.jobs.get(id);
  }

  private start(evaluationId: number, state: string, key: string, by: { actor: string; name: string }): ReportJob {
    const task: ReportTask = {
      dbFile: this.db.name,
      evaluationId,
      generatedBy: by.name,
      now: new Date().toISOString(),
      font: customFont(),
    };
    const job: ReportJob = {
      id: randomUUID(),
      evaluationId,
      state,
      startedAt: Date.now(),
      done: Promise.resolve(undefined),
    };
    job.done = (reportPool().run(task) as Promise<ReportOutput | null>)
      .then((out) => (out ? (job.result = store(this.db, this.config, evaluationId, state, out, by.actor)) : undefined))
      .catch((err: Error) => {
        job.error = err.message;
        throw err;
      })
      .finally(() => {
        this.running.delete(key);
        // Finished jobs stay findable for a while (the progress page), then go.
        setTimeout(() => this.jobs.delete(job.id), 10 * 60_000).unref();
      });
    job.done.catch(() => undefined);
    this.jobs.set(job.id, job);
    this.running.set(key, job);
    return job;
  }
}
