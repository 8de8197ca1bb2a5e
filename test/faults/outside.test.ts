import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { useAuditKey } from "../../src/audit/anchor.js";
import { loadConfig } from "../../src/config.js";
import { dbPath, openDb } from "../../src/db/index.js";
import { migrate } from "../../src/db/migrate.js";
import { ROOT } from "../../src/paths.js";
import { syncQuestionSets } from "../../src/questions/repo.js";
import { createHttpServer } from "../../src/web/http-server.js";
import { tempDir } from "../helpers.js";
import { invitedVendor } from "../portal/helpers.js";
import { freePort, VendorClient } from "./child.js";

/** The app on a data folder, served on 127.0.0.1, with its log lines kept. */
async function serve(dataDir: string) {
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent" });
  const db = openDb(dbPath(dataDir));
  migrate(db);
  useAuditKey(db, config.auditKey);
  syncQuestionSets(db);
  const log: string[] = [];
  const logger = pino({ level: "info" }, new Writable({ write: (c, _e, cb) => (log.push(String(c)), cb()) }));
  const app = buildApp({ db, config, logger });
  const server = createHttpServer(app).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  (config as { baseUrl: string }).baseUrl = base;
  const { path } = await invitedVendor(db, config);
  const vendor = new VendorClient(base);
  await vendor.open(path, "cto");
  return {
    db,
    config,
    base,
    vendor,
    log,
    close: () => new Promise<void>((r) => server.close(() => (db.close(), r()))),
  };
}

/** Another process that takes the database's write lock and holds it for `ms`. */
function holdLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `const D = require(${JSON.stringify(join(ROOT, "node_modules", "better-sqlite3"))});
    const db = new D(${JSON.stringify(file)}); db.exec("BEGIN IMMEDIATE"); db.exec("UPDATE evaluations SET title = title");
    process.stdout.write("locked\\n"); setTimeout(() => { db.exec("COMMIT"); db.close(); process.exit(0); }, ${ms});`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  const released = new Promise<void>((r) => child.once("exit", () => r()));
  return new Promise((resolve) => child.stdout!.once("data", () => resolve({ released })));
}

describe("faults from outside the app", () => {
  it("keeps serving while another process holds the write lock; a save that cannot wait answers 503 and one that can is saved", async () => {
    const s = await serve(tempDir());
    try {
      const { released } = await holdLock(dbPath(s.config.dataDir), 6000);
      const started = Date.now();
      // The save waits off the thread for up to 4 s, then gives up: nothing written, and it says so.
      const refused = s.vendor.save("cto_vendor_share", "40", 0);
      const health: number[] = [];
      while (Date.now() - started < 4500) {
        const t = performance.now();
        expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
        health.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 25));
      }
      const res = await refused;
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("2");
      const body = (await res.json()) as { error: { id: string; message: string } };
      expect(body.error.id).toBe("busy");
      expect(body.error.message).toContain("nothing was written");
      health.sort((a, b) => a - b);
      expect(health.at(-1)!, `slowest health check of ${health.length}`).toBeLessThan(150);
      // A save sent now waits for the release (at 6 s) and is saved.
      const waited = await s.vendor.save("cto_vendor_share", "41", 0);
      expect(waited.status).toBe(200);
      await released;
      expect(s.db.prepare("SELECT value FROM answers WHERE question_key = 'cto_vendor_share'").pluck().get()).toBe(
        "41",
      );
      expect(s.log.join("")).toContain("database busy");
    } finally {
      await s.close();
    }
  }, 30_000);

  const mounted: string[] = [];
  afterAll(() => {
    for (const m of mounted) {
      spawnSync("umount", [m]);
      rmSync(m, { recursive: true, force: true });
    }
  });

  /** A data folder on its own small file system, when this machine lets a test mount one (unmounted after the file). */
  function smallDisk(mb: number): string | undefined {
    const dir = mkdtempSync(join(tmpdir(), "truecost-disk-"));
    const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${mb}m`, "tmpfs", dir], { encoding: "utf8" });
    if (r.status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return;
    }
    mounted.push(dir);
    return dir;
  }

  /** Fills what is left of a file system. */
  function fill(dir: string) {
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; ; i++) {
      try {
        writeFileSync(join(dir, `filler-${i}`), chunk);
      } catch {
        return;
      }
    }
  }

  it("on a full disk refuses saves and uploads with what happened, keeps no partial file, and logs 'disk full'", async (t) => {
    const dir = smallDisk(24);
    if (!dir) return t.skip(); // no mount allowed here: the SQLite part is covered below
    const s = await serve(dir);
    try {
      const st = await (await s.vendor.request("/portal/sections/cto")).text();
      expect(st).toContain("section-form");
      fill(dir);
      const res = await s.vendor.save("cto_vendor_share", "40", 0);
      const text = await res.text();
      expect(res.status, text).toBe(503);
      expect(JSON.parse(text).error).toMatchObject({
        id: "disk_full",
        message: expect.stringContaining("out of disk space"),
      });
      const form = new FormData();
      form.set("_csrf", s.vendor.csrf);
      form.set(
        "file",
        new Blob([Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(2 * 1024 * 1024, 32)])]),
        "evidence.pdf",
      );
      const up = await s.vendor.request("/portal/questions/cto_controls/files", { method: "POST", body: form });
      expect(up.status).toBe(503);
      expect(await up.text()).toContain("Evidence file: not stored: the server is out of disk space");
      expect(readdirSync(join(dir, "uploads")).filter((f) => f.endsWith(".part"))).toEqual([]);
      expect(s.log.join("")).toContain("disk full");
      // Space comes back: the same save goes through.
      for (const f of readdirSync(dir).filter((f) => f.startsWith("filler-"))) rmSync(join(dir, f));
      expect((await s.vendor.save("cto_vendor_share", "40", 0)).status).toBe(200);
    } finally {
      await s.close();
    }
  }, 30_000);

  it("refuses a save when the database file cannot grow, as the same 503", async () => {
    const s = await serve(tempDir());
    try {
      const pages = s.db.pragma("page_count", { simple: true }) as number;
      s.db.pragma(`max_page_count = ${pages}`);
      let res: Response | undefined;
      // Fill the last free pages with saves until SQLite refuses to grow the file.
      for (let i = 0; i < 500 && (!res || res.status === 200); i++)
        res = await s.vendor.save("proc_reference", "x".repeat(5000) + i, i);
      const text = await res!.clone().text();
      expect(res!.status, text + s.log.join("").slice(-1500)).toBe(503);
      expect(((await res!.json()) as { error: { id: string } }).error.id).toBe("disk_full");
      expect(s.log.join("")).toContain("disk full");
    } finally {
      await s.close();
    }
  }, 30_000);

  it("starting on a full disk before the first account exists says so, without a stack trace", async (t) => {
    const dir = smallDisk(16);
    if (!dir) return t.skip();
    mkdirSync(join(dir, "data"));
    fill(dir);
    const { BASE_URL: _b, ...env } = process.env;
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli", "index.ts"), "serve"], {
      cwd: ROOT,
      env: { ...env, DATA_DIR: join(dir, "data"), PORT: String(await freePort()), LOG_LEVEL: "silent" },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("is full. Free some space");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});
