import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { dbPath, openDb } from "./db/index.js";
import { migrate } from "./db/migrate.js";
import { createLogger } from "./logger.js";
import { syncQuestionSets } from "./questions/repo.js";

/** Migrates, loads question sets and listens; returns a function that stops the server. */
export async function startServer(): Promise<() => Promise<void>> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const db = openDb(dbPath(config.dataDir));
  const applied = migrate(db);
  if (applied.length) logger.info({ applied }, "migrations applied");
  const sync = syncQuestionSets(db);
  for (const err of sync.refused) logger.error({ file: err.file, problems: err.problems }, "question set refused");
  const app = buildApp({ db, config, logger });
  const server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  logger.info(`Truecost is serving ${config.baseUrl} (data in ${config.dataDir})`);
  console.log(`Truecost is running at ${config.baseUrl}`);
  return () =>
    new Promise((resolve) => {
      server.close(() => {
        db.close();
        resolve();
      });
    });
}
