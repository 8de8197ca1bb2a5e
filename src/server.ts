import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { dbPath, openDb } from "./db/index.js";
import { BUSY_BLOCK_MS } from "./db/faults.js";
import { migrate } from "./db/migrate.js";
import { createLogger } from "./logger.js";
import { getQuestionSet, latestQuestionSets, syncQuestionSets } from "./questions/repo.js";
import { warmUp } from "./web/warm-up.js";
import { countUsers, createUserToken } from "./auth/users.js";
import { purgeExpiredSessions } from "./auth/sessions.js";
import { createMailer, OutboxSender } from "./mail/outbox.js";
import { runReminders } from "./vendors/invitations.js";
import { createHttpServer } from "./web/http-server.js";
import { closeReportPool } from "./report/service.js";
import { checkpointOnSchedule } from "./audit/checkpoints.js";
import { sweepPartFiles } from "./evidence/uploads.js";

/** Migrates, loads question sets and listens; returns a function that stops the server. */
export async function startServer(): Promise<() => Promise<void>> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  // Start-up may wait for a lock a moment (a backup running); serving then blocks the thread briefly at most.
  const db = openDb(dbPath(config.dataDir), { busyTimeoutMs: 5000, synchronous: config.DB_SYNCHRONOUS });
  const applied = migrate(db);
  if (applied.length) logger.info({ applied }, "migrations applied");
  const sync = syncQuestionSets(db);
  for (const err of sync.refused) logger.error({ file: err.file, problems: err.problems }, "question set refused");
  const app = buildApp({ db, config, logger });
  db.pragma(`busy_timeout = ${BUSY_BLOCK_MS}`);
  const server = createHttpServer(app).listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  logger.info(`Truecost is serving ${config.baseUrl} (data in ${config.dataDir})`);
  setImmediate(() => {
    const latest = latestQuestionSets(db)[0];
    if (latest) warmUp(getQuestionSet(db, latest.id));
  });
  console.log(`Truecost is running at ${config.baseUrl}`);
  if (countUsers(db) === 0) {
    const token = createUserToken(db, null, "setup", 24);
    console.log(
      `No account exists yet. Create the first administrator (this link works once, for 24 hours):\n  ${config.baseUrl}/setup/${token}`,
    );
  }
  const outbox = new OutboxSender(db, createMailer(config), config, logger, 4, true);
  const tick = () => {
    try {
      purgeExpiredSessions(db);
      runReminders(db, config);
      checkpointOnSchedule(db, config);
      sweepPartFiles(config);
    } catch (err) {
      logger.error({ err }, "reminders or audit checkpoint failed");
    }
    // Each tick claims what free slots allow; sends still running keep their claims.
    outbox.tick().catch((err) => logger.error({ err }, "outbox failed"));
  };
  const timer = setInterval(tick, 30_000);
  timer.unref();
  setImmediate(tick);
  return () =>
    new Promise((resolve) => {
      clearInterval(timer);
      outbox.stop();
      server.close(() => {
        void closeReportPool().finally(() => {
          db.close();
          resolve();
        });
      });
    });
}
