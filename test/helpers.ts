import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach } from "vitest";
import { buildApp, type AppDeps } from "../src/app.js";
import { loadConfig, type Config } from "../src/config.js";
import { dbPath, openDb, type Db } from "../src/db/index.js";
import { migrate } from "../src/db/migrate.js";
import { useAuditKey } from "../src/audit/anchor.js";
import { createLogger } from "../src/logger.js";
import { syncQuestionSets } from "../src/questions/repo.js";

const cleanups: (() => void)[] = [];
const fileCleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
afterAll(() => {
  while (fileCleanups.length) fileCleanups.pop()!();
});
let shared = false;

/** A fresh temporary data folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "truecost-test-"));
  (shared ? fileCleanups : cleanups).push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface TestContext {
  db: Db;
  config: Config;
  dataDir: string;
}

/** A fresh database built by the real migrations, with the question sets loaded. */
export function makeDb(env: Record<string, string> = {}): TestContext {
  const dataDir = tempDir();
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent", ...env });
  const db = openDb(dbPath(dataDir));
  (shared ? fileCleanups : cleanups).push(() => db.close());
  migrate(db);
  useAuditKey(db, config.auditKey);
  syncQuestionSets(db);
  return { db, config, dataDir };
}

/** The app over a fresh temporary database, as the server builds it. */
export function buildTestApp(
  env: Record<string, string> = {},
  deps: Partial<Pick<AppDeps, "reportProgressAfterMs">> = {},
) {
  const ctx = makeDb(env);
  const app = buildApp({ db: ctx.db, config: ctx.config, logger: createLogger("silent"), ...deps });
  return { ...ctx, app };
}

/** One app for a whole test file (built at module level), removed after the file's last test. */
export function buildSharedApp(env: Record<string, string> = {}) {
  shared = true;
  try {
    return buildTestApp(env);
  } finally {
    shared = false;
  }
}
