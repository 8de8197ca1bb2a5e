import { openDb, dbPath } from "../../src/db/index.js";
import { freePort, kill, prepareVendors, startServer, VendorClient } from "../faults/child.js";
import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const KEYS = [
  "cto_vendor_share",
  "cfo_price_cap",
  "product_review_effort",
  "product_stabilisation_weeks",
  "proc_min_term",
];

/** `vendors` simulated vendors answering for `seconds` against the real server (a child process) on 127.0.0.1. */
export async function benchLoad(vendors = 200, seconds = 60) {
  const { dataDir, vendors: prepared } = await prepareVendors(mkdtempSync(join(tmpdir(), "truecost-load-")), vendors);
  const links = prepared.map((p) => ({ v: p.id, path: p.path }));
  const port = await freePort();
  const server = await startServer(dataDir, port);
  const base = `http://127.0.0.1:${port}`;
  const latencies: number[] = [];
  const acked: { v: number; key: string; value: number; revision: number }[] = [];
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    links.map(async ({ v, path }, n) => {
      const c = new VendorClient(base);
      await c.open(path, "cto");
      const rev: Record<string, number> = {};
      for (let i = 0; Date.now() < end; i++) {
        const key = KEYS[(i + n) % KEYS.length]!;
        const value = (i * 13 + n) % 50;
        const t = performance.now();
        try {
          const res = await c.save(key, String(value), rev[key] ?? 0);
          latencies.push(performance.now() - t);
          if (res.status !== 200) {
            errors++;
            continue;
          }
          const r = (await res.json()) as { revision: number };
          rev[key] = r.revision;
          acked.push({ v, key, value, revision: r.revision });
        } catch {
          errors++;
        }
        await new Promise((r) => setTimeout(r, 50 + ((i * 37 + n) % 100)));
      }
    }),
  );
  await kill(server);
  const check = openDb(dbPath(dataDir));
  const q = check
    .prepare("SELECT value FROM answer_history WHERE vendor_id = ? AND question_key = ? AND revision = ?")
    .pluck();
  const lost = acked.filter((a) => q.get(a.v, a.key, a.revision) !== JSON.stringify(a.value)).length;
  check.close();
  latencies.sort((x, y) => x - y);
  return {
    vendors,
    seconds,
    saves: acked.length,
    errors,
    lost,
    p50: latencies[Math.floor(latencies.length / 2)]!,
    p99: latencies[Math.floor(latencies.length * 0.99)]!,
    rps: acked.length / seconds,
  };
}
