import { bareApp, listen } from "./http.js";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { dbPath, openDb } from "../../src/db/index.js";
import { createLogger } from "../../src/logger.js";
import { getQuestionSet, latestQuestionSets } from "../../src/questions/repo.js";
import { warmUp } from "../../src/web/warm-up.js";

/**
 * A benchmark server in its own process: `truecost DATA_DIR`, `bare` (a bare Express app on the
 * stock server, `app.listen`) or `bare-on-truecost-server` (the same app on Truecost's HTTP
 * server, src/web/http-server.ts); prints its URL on the first
 * line, and on SIGUSR2 a line `cpu MICROSECONDS` (the CPU time it has used, user and system), so
 * that the parent can take the server's CPU cost per request over a run.
 */
// Before the URL is printed: the parent may ask for the CPU time as soon as it has the URL.
process.on("SIGTERM", () => process.exit(0));
process.on("SIGUSR2", () => {
  const u = process.cpuUsage();
  console.log(`cpu ${u.user + u.system}`);
});
const [mode, dataDir] = process.argv.slice(2);
if (mode === "bare" || mode === "bare-on-truecost-server") {
  const s = await listen(bareApp(), mode === "bare" ? "stock" : "truecost");
  console.log(s.url);
} else {
  const config = loadConfig({
    DATA_DIR: dataDir!,
    LOG_LEVEL: "silent",
    LINK_FAILURES_PER_10_MIN: "100000",
    DB_SYNCHRONOUS: process.env.DB_SYNCHRONOUS ?? "full",
  });
  const db = openDb(dbPath(dataDir!), { synchronous: config.DB_SYNCHRONOUS });
  const s = await listen(buildApp({ db, config, logger: createLogger("silent") }), "truecost");
  // As the real server does (src/server.ts) before its first visitor.
  warmUp(getQuestionSet(db, latestQuestionSets(db)[0]!.id));
  console.log(s.url);
}
