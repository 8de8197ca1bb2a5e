import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dbPath, openDb } from "../../src/db/index.js";
import { ROOT } from "../../src/paths.js";
import { tempDir } from "../helpers.js";
import { cliProcess, freePort, kill, prepareVendors, startServer, VendorClient } from "./child.js";

function prepare(n: number) {
  return prepareVendors(tempDir(), n);
}

const KEYS = ["cto_vendor_share", "cfo_price_cap"];

describe("crash safety", () => {
  it("keeps every acknowledged save, with its history, when the server is killed mid-run by 100 autosaving vendors", async () => {
    const { dataDir, vendors } = await prepare(100);
    const port = await freePort();
    let server = await startServer(dataDir, port);
    const acked: { vendorId: number; key: string; value: number; revision: number }[] = [];
    const clients = await Promise.all(
      vendors.map(async (v) => {
        const c = new VendorClient(`http://127.0.0.1:${port}`);
        await c.open(v.path, "cto");
        return { c, v };
      }),
    );
    let stop = false;
    const runs = clients.map(async ({ c, v }) => {
      const rev: Record<string, number> = {};
      for (let i = 0; !stop && i < 1000; i++) {
        const key = KEYS[i % KEYS.length]!;
        const value = (i * 7 + v.id) % 100;
        try {
          const res = await c.save(key, String(value), rev[key] ?? 0);
          if (res.status === 200) {
            const body = (await res.json()) as { revision: number };
            rev[key] = body.revision;
            acked.push({ vendorId: v.id, key, value, revision: body.revision });
          }
        } catch {
          return; // the server is gone
        }
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    await kill(server);
    stop = true;
    await Promise.all(runs);
    expect(acked.length).toBeGreaterThan(200);

    // Restart: the server comes back on the same data and serves.
    server = await startServer(dataDir, port);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await kill(server);

    const db = openDb(dbPath(dataDir));
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const history = db.prepare(
      "SELECT value FROM answer_history WHERE vendor_id = ? AND question_key = ? AND revision = ?",
    );
    for (const a of acked)
      expect(history.pluck().get(a.vendorId, a.key, a.revision), `${a.vendorId}/${a.key}@${a.revision}`).toBe(
        JSON.stringify(a.value),
      );
    // Nothing half-written: every answer is the last entry of its history.
    const torn = db
      .prepare(
        `SELECT count(*) FROM answers a WHERE NOT EXISTS (SELECT 1 FROM answer_history h WHERE h.vendor_id = a.vendor_id AND h.question_key = a.question_key AND h.revision = a.revision AND h.value IS a.value)
      OR a.revision <> (SELECT max(revision) FROM answer_history h WHERE h.vendor_id = a.vendor_id AND h.question_key = a.question_key)`,
      )
      .pluck()
      .get();
    expect(torn).toBe(0);
    db.close();
  }, 90_000);

  it("imports all or nothing when killed during an import", async () => {
    const { dataDir } = await prepare(1);
    const demo = JSON.parse(readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8"));
    // A large bundle: 50 vendors with every answer, so that the import takes a while.
    demo.vendors = Array.from({ length: 50 }, (_, i) => ({
      ...demo.vendors[i % 3],
      name: `Bulk vendor ${i}`,
      contactEmail: `b${i}@x.example`,
    }));
    const file = join(dataDir, "big.json");
    writeFileSync(file, JSON.stringify(demo));
    const outcomes: number[] = [];
    for (const delay of [250, 450, 700]) {
      const child = cliProcess(["import", file], { DATA_DIR: dataDir });
      await new Promise((r) => setTimeout(r, delay));
      await kill(child);
      const db = openDb(dbPath(dataDir));
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      const counts = db
        .prepare(
          "SELECT e.id, (SELECT count(*) FROM vendors v WHERE v.evaluation_id = e.id) AS n FROM evaluations e WHERE e.title LIKE 'Claims intake%'",
        )
        .all() as { n: number }[];
      for (const c of counts) expect(c.n).toBe(50);
      outcomes.push(counts.length);
      db.close();
    }
    expect(outcomes.every((n, i) => i === 0 || n >= outcomes[i - 1]!)).toBe(true);
  }, 90_000);

  it("leaves no report row without its file when killed during report generation", async () => {
    const { dataDir } = await prepare(1);
    const child0 = cliProcess(["demo"], { DATA_DIR: dataDir });
    await new Promise((r) => child0.once("exit", r));
    for (const delay of [300, 600, 900]) {
      const child = cliProcess(["report", "2", "-o", join(dataDir, "out.pdf")], { DATA_DIR: dataDir });
      await new Promise((r) => setTimeout(r, delay));
      await kill(child);
      const db = openDb(dbPath(dataDir));
      expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
      for (const r of db.prepare("SELECT file_name FROM reports").pluck().all() as string[])
        expect(existsSync(join(dataDir, "reports", r)), r).toBe(true);
      db.close();
    }
    const leftovers = existsSync(join(dataDir, "reports"))
      ? readdirSync(join(dataDir, "reports")).filter((f) => f.endsWith(".pdf"))
      : [];
    const db = openDb(dbPath(dataDir));
    const rows = db.prepare("SELECT count(*) FROM reports").pluck().get() as number;
    db.close();
    expect(leftovers.length).toBeGreaterThanOrEqual(rows);
  }, 90_000);
});
