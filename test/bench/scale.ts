import { statSync } from "node:fs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { importBundle } from "../../src/bundles/import.js";
import { dbPath } from "../../src/db/index.js";
import { ROOT } from "../../src/paths.js";
import { adminCookie, benchApp } from "./web.js";
import { syntheticAnswers } from "./fixtures.js";
import { getQuestionSet } from "../../src/questions/repo.js";

/** 1,000 evaluations of 5 vendors with every answer, imported as bundles; then dashboard and comparison latency. */
export async function benchScale(evaluations = 1000, vendorsEach = 5) {
  const b = await benchApp(0);
  const set = getQuestionSet(b.db, 1);
  const demo = JSON.parse(readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8"));
  const started = performance.now();
  let id = 0;
  for (let e = 0; e < evaluations; e++) {
    const bundle = {
      ...demo,
      evaluation: { ...demo.evaluation, title: `Scale evaluation ${e + 1}` },
      vendors: Array.from({ length: vendorsEach }, (_, i) => ({
        name: `Vendor ${e}-${i}`,
        contactName: "C",
        contactEmail: `v${e}-${i}@scale.example`,
        status: "in_progress",
        submittedAt: null,
        declinedReason: null,
        answers: syntheticAnswers(set, e * vendorsEach + i + 1),
        clarifications: [],
      })),
    };
    id = importBundle(b.db, JSON.stringify(bundle), "bench");
    b.db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, 1)").run(id);
  }
  const importMs = performance.now() - started;
  b.db.pragma("wal_checkpoint(TRUNCATE)");
  const sizeMb = statSync(dbPath(b.dataDir)).size / 1024 / 1024;
  const answers = b.db.prepare("SELECT count(*) FROM answers").pluck().get() as number;
  const cookie = await adminCookie(b.served.url);
  const latency = async (path: string, n: number) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const res = await fetch(b.served.url + path, { headers: { cookie } });
      await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      ms.push(performance.now() - t);
    }
    ms.sort((x, y) => x - y);
    return { median: ms[Math.floor(n / 2)]!, p95: ms[Math.floor(n * 0.95)]! };
  };
  const dashboard = await latency("/evaluations", 40);
  const search = await latency("/evaluations?q=Scale%20evaluation%20777", 40);
  const comparison = await latency(`/evaluations/${id}/comparison`, 20);
  await b.served.close();
  return { evaluations, vendors: evaluations * vendorsEach, answers, importMs, sizeMb, dashboard, search, comparison };
}
