import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../src/paths.js";
import { dbPath, openDb } from "../../src/db/index.js";
import { tempDir } from "../helpers.js";
import { cliProcess, freePort, kill, startServer, VendorClient } from "../faults/child.js";

function cli(args: string[], dataDir: string) {
  const { BASE_URL: _vite, ...env } = process.env;
  return spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli", "index.ts"), ...args], {
    cwd: ROOT,
    env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
}

describe("truecost backup", () => {
  it("copies the database while the server serves and vendors save; the restored copy exports identically", async () => {
    const data = tempDir();
    const id = cli(["demo"], data).stdout.trim().split("\n").at(-1)!;
    const port = await freePort();
    const server = await startServer(data, port);
    // A vendor keeps saving while the backup runs.
    const db = openDb(dbPath(data));
    const { createLink } = await import("../../src/vendors/links.js");
    const { loadConfig } = await import("../../src/config.js");
    const config = loadConfig({ DATA_DIR: data });
    const vendorId = db.prepare("SELECT id FROM vendors WHERE name = 'Meridian Automation'").pluck().get() as number;
    const token = createLink(db, config.sessionSecret, {
      vendorId,
      role: null,
      holderName: "P",
      holderEmail: "p@x.example",
      expiresAt: "2100-01-01T00:00:00.000Z",
    }).token;
    db.close();
    const client = new VendorClient(`http://127.0.0.1:${port}`);
    await client.open(`/v/${token}`, "product");
    let stop = false;
    let rev = 0;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const res = await client.save("product_review_effort", String(i % 90), rev);
        if (res.status === 200) rev = ((await res.json()) as { revision: number }).revision;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const target = join(tempDir(), "backup.db");
    const backup = cliProcess(["backup", target], { DATA_DIR: data });
    let out = "";
    backup.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    const code = await new Promise((r) => backup.once("exit", r));
    stop = true;
    await writer;
    expect(code).toBe(0);
    expect(out).toContain("integrity ok");
    expect(out).toMatch(
      /Audit head at this backup \(keep it apart from the copy\): truecost-audit-head entry=\d+ hash=[0-9a-f]{64}/,
    );
    expect(rev).toBeGreaterThan(1);
    await kill(server);

    // Restore into a fresh data folder (with the same secret) and compare the exports.
    const restored = tempDir();
    mkdirSync(restored, { recursive: true });
    copyFileSync(target, join(restored, "truecost.db"));
    copyFileSync(join(data, "session-secret"), join(restored, "session-secret"));
    const copy = openDb(join(restored, "truecost.db"));
    expect(copy.pragma("integrity_check", { simple: true })).toBe("ok");
    // Consistent: every answer in the copy is the last entry of its history.
    expect(
      copy
        .prepare(
          `SELECT count(*) FROM answers a WHERE a.revision <> (SELECT max(revision) FROM answer_history h WHERE h.vendor_id = a.vendor_id AND h.question_key = a.question_key)`,
        )
        .pluck()
        .get(),
    ).toBe(0);
    const savedInCopy = copy
      .prepare("SELECT revision FROM answers WHERE vendor_id = ? AND question_key = 'product_review_effort'")
      .pluck()
      .get(vendorId) as number;
    copy.close();
    // The copy's exports equal the source's exports once the source is rolled back to the copy's point: compare the unchanged evaluation, and the changed one up to the saved answer.
    const fromCopy = JSON.parse(cli(["export", id], restored).stdout);
    const fromLive = JSON.parse(cli(["export", id], data).stdout);
    const answersOf = (b: { vendors: { name: string; answers: Record<string, unknown> }[] }) =>
      b.vendors.map((v) => ({ ...v, answers: { ...v.answers, product_review_effort: undefined } }));
    expect(answersOf(fromCopy)).toEqual(answersOf(fromLive));
    expect(savedInCopy).toBeGreaterThan(0);
    const again = join(tempDir(), "second.db");
    expect(cli(["backup", again], data).status).toBe(0);
    copyFileSync(again, join(restored, "truecost.db"));
    expect(cli(["export", id], restored).stdout).toBe(cli(["export", id], data).stdout);
  }, 90_000);
});
