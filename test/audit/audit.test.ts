import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkpointIfDue,
  headLine,
  headMac,
  parseHeadLine,
  readHead,
  useAuditKey,
  writeCheckpoint,
} from "../../src/audit/anchor.js";
import { checkpointNow } from "../../src/audit/checkpoints.js";
import { audit, listAudit, verifyAudit } from "../../src/audit/repo.js";
import { dbPath, openDb } from "../../src/db/index.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { makeDb, tempDir } from "../helpers.js";

function withEntries(n: number, env: Record<string, string> = {}) {
  const ctx = makeDb(env);
  for (let i = 1; i <= n; i++) audit(ctx.db, 1, `user:${i}`, "answer.changed", { n: i });
  return ctx;
}

/** What someone with write access to the database but not the key can do: no triggers in the way. */
function unguard(db: ReturnType<typeof makeDb>["db"]) {
  db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");
}

/** Rehashes every entry from `from` on, as the chain's own code would: a rebuilt chain is whole. */
function rebuild(db: ReturnType<typeof makeDb>["db"], from: number) {
  const rows = db
    .prepare(
      "SELECT id, evaluation_id AS evaluationId, actor, action, detail, created_at AS createdAt, prev_hash AS prevHash FROM audit_log WHERE id >= ? ORDER BY id",
    )
    .all(from) as {
    id: number;
    evaluationId: number | null;
    actor: string;
    action: string;
    detail: string;
    createdAt: string;
    prevHash: string;
  }[];
  let prev = rows[0]!.prevHash;
  for (const r of rows) {
    const hash = createHash("sha256")
      .update(prev)
      .update(JSON.stringify([r.id, r.evaluationId, r.actor, r.action, r.detail, r.createdAt]))
      .digest("hex");
    db.prepare("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?").run(prev, hash, r.id);
    prev = hash;
  }
  return prev;
}

describe("the audit chain", () => {
  it("verifies an untouched log", () => {
    expect(verifyAudit(withEntries(5).db)).toMatchObject({ ok: true, entries: 5 });
  });

  it("refuses updates and deletes through SQL", () => {
    const { db } = withEntries(2);
    expect(() => db.exec("UPDATE audit_log SET actor = 'x' WHERE id = 1")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM audit_log WHERE id = 1")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM audit_checkpoints")).toThrow(/append-only/);
  });

  it("finds an edited entry, even when someone bypasses the triggers", () => {
    const { db } = withEntries(5);
    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare("UPDATE audit_log SET detail = ? WHERE id = 3").run(JSON.stringify({ n: 999 }));
    const r = verifyAudit(db);
    expect(r).toMatchObject({ ok: false, firstBadId: 3, problem: "entry 3 was changed after it was written" });
    expect(r.ok === false && r.problems.join("\n")).toContain("audit_log_no_update is missing or altered");
  });

  it("finds a removed entry", () => {
    const { db } = withEntries(5);
    unguard(db);
    db.prepare("DELETE FROM audit_log WHERE id = 2").run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBadId: 3, problem: "entry 2 is missing (removed)" });
  });

  it("finds a removed entry whose successors were renumbered", () => {
    const { db } = withEntries(4);
    unguard(db);
    db.prepare("DELETE FROM audit_log WHERE id = 2").run();
    db.prepare("UPDATE audit_log SET id = id - 1 WHERE id > 2").run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBadId: 2 });
  });

  it.each([1, 5, 12])("finds the last %i entries removed, with the triggers put back", (k) => {
    const { db } = withEntries(12);
    unguard(db);
    db.prepare("DELETE FROM audit_log WHERE id > ?").run(12 - k);
    migrateTriggersBack(db);
    const r = verifyAudit(db);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.problem).toBe(
      `the log was truncated: the anchor names entry 12, the newest left is ${12 - k}`,
    );
  });

  it("finds a chain rebuilt with new hashes after an edit, and a head moved to match it without the key", () => {
    const { db } = withEntries(8);
    unguard(db);
    db.prepare("UPDATE audit_log SET actor = 'user:someone-else' WHERE id = 3").run();
    const newest = rebuild(db, 3);
    expect(verifyAudit(db)).toMatchObject({
      ok: false,
      firstBadId: 8,
      problem: "the chain was rebuilt: entry 8 no longer has the hash the anchor recorded",
    });
    // Moving the head to the rebuilt chain needs the MAC, which needs the key.
    db.prepare("UPDATE audit_head SET hash = ?, mac = ? WHERE id = 1").run(newest, "00".repeat(32));
    expect(verifyAudit(db)).toMatchObject({
      ok: false,
      problem: expect.stringContaining("does not match the audit key"),
    });
  });

  it("keeps a stale head stale: entries appended after tampering do not launder it", () => {
    const { db } = withEntries(6);
    unguard(db);
    db.prepare("DELETE FROM audit_log WHERE id > 4").run();
    db.prepare(
      "UPDATE audit_head SET entry_id = 4, hash = (SELECT hash FROM audit_log WHERE id = 4) WHERE id = 1",
    ).run();
    audit(db, 1, "user:1", "answer.changed", {});
    expect(verifyAudit(db)).toMatchObject({
      ok: false,
      problem: expect.stringContaining("does not match the audit key"),
    });
  });

  it("finds entries written around the app, and a missing or inert trigger", () => {
    const { db } = withEntries(3);
    const last = db.prepare("SELECT hash FROM audit_log WHERE id = 3").pluck().get() as string;
    const hash = createHash("sha256")
      .update(last)
      .update(JSON.stringify([4, null, "x", "y", "{}", "2026-01-01T00:00:00.000Z"]))
      .digest("hex");
    db.prepare(
      "INSERT INTO audit_log (id, evaluation_id, actor, action, detail, created_at, prev_hash, hash) VALUES (4, NULL, 'x', 'y', '{}', '2026-01-01T00:00:00.000Z', ?, ?)",
    ).run(last, hash);
    expect(verifyAudit(db)).toMatchObject({
      ok: false,
      firstBadId: 4,
      problem: "entries after 3 were written around the app (the anchor was not moved with them)",
    });
    const fresh = withEntries(2).db;
    fresh.exec(
      "DROP TRIGGER audit_log_no_delete; CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN 0 BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    );
    expect(verifyAudit(fresh)).toMatchObject({
      ok: false,
      problem: "the append-only trigger audit_log_no_delete is missing or altered",
    });
  });

  it("cannot be checked without the key, and fails under another key", () => {
    const { db, dataDir } = withEntries(3);
    db.close();
    const other = openDb(dbPath(dataDir));
    expect(verifyAudit(other)).toMatchObject({ ok: false, problem: expect.stringContaining("no audit key") });
    useAuditKey(other, "another key of at least thirty-two characters");
    expect(verifyAudit(other)).toMatchObject({
      ok: false,
      problem: expect.stringContaining("does not match the audit key"),
    });
    other.close();
  });

  it("checks keyed checkpoints: a checkpoint's entry must still hold its hash, and a forged checkpoint is found", () => {
    const { db } = withEntries(5);
    const c = writeCheckpoint(db, "test");
    expect(c).toMatchObject({ entryId: 5 });
    expect(verifyAudit(db)).toMatchObject({ ok: true, checkpoints: 2 }); // the new database's, and this one
    db.exec("DROP TRIGGER audit_checkpoints_no_update");
    db.prepare("UPDATE audit_checkpoints SET entry_id = 4 WHERE id = ?").run(c.id);
    expect(verifyAudit(db)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/checkpoint \d+ .* was forged or changed/),
    });
  });

  it("writes the interval's checkpoint only when the log moved and the last is old enough", () => {
    const { db } = withEntries(2);
    const later = new Date(Date.now() + 61 * 60_000);
    expect(checkpointIfDue(db, 60)).toBeNull(); // the first checkpoint is minutes old
    expect(checkpointIfDue(db, 60, later)).toMatchObject({ entryId: 2, reason: "interval" });
    expect(checkpointIfDue(db, 60, new Date(later.getTime() + 120 * 60_000))).toBeNull(); // nothing new
  });

  it("a head the auditor kept catches a rollback even by someone holding the key", () => {
    const { db, config } = withEntries(6, { AUDIT_ANCHOR_EMAIL: "auditor@example.com" });
    const kept = checkpointNow(db, config, "backup");
    const line = headLine(kept);
    expect(
      db.prepare("SELECT to_addr AS toAddr, body_text AS body FROM email_outbox WHERE kind = 'audit_head'").get(),
    ).toMatchObject({ toAddr: "auditor@example.com", body: expect.stringContaining(line) });
    expect(verifyAudit(db, [parseHeadLine(line)!])).toMatchObject({ ok: true, heads: 1 });
    // With the key, the log is cut back to entry 3 and re-anchored: only the kept head shows it.
    unguard(db);
    db.prepare("DELETE FROM audit_log WHERE id > 3").run();
    migrateTriggersBack(db);
    const h3 = db.prepare("SELECT hash FROM audit_log WHERE id = 3").pluck().get() as string;
    db.prepare("UPDATE audit_head SET entry_id = 3, hash = ?, mac = ? WHERE id = 1").run(h3, headMac(db, 3, h3));
    db.exec("DROP TRIGGER audit_checkpoints_no_delete; DELETE FROM audit_checkpoints;");
    db.exec(
      "CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END",
    );
    expect(verifyAudit(db)).toMatchObject({ ok: true });
    expect(verifyAudit(db, [parseHeadLine(line)!])).toMatchObject({
      ok: false,
      problem: "entry 6, named by the head you kept, is gone (the log was truncated or rolled back)",
    });
  });

  it("anchors a log from before anchoring once, and refuses to anchor again once checkpoints exist", () => {
    const dir = tempDir();
    const db = openDb(dbPath(dir));
    const before = readMigrations().filter((m) => m.id < 4);
    migrate(db, before);
    // Entries written by the previous version: chained, not anchored.
    let prev = "0".repeat(64);
    for (let id = 1; id <= 3; id++) {
      const row = [id, null, "user:1", "answer.changed", "{}", "2026-01-01T00:00:00.000Z"];
      const hash = createHash("sha256").update(prev).update(JSON.stringify(row)).digest("hex");
      db.prepare(
        "INSERT INTO audit_log (id, evaluation_id, actor, action, detail, created_at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(...row, prev, hash);
      prev = hash;
    }
    migrate(db);
    expect(readHead(db)).toMatchObject({ entryId: 3, hash: prev, mac: null });
    expect(useAuditKey(db, "k".repeat(40))).toEqual({ anchored: "now" });
    expect(verifyAudit(db)).toMatchObject({ ok: true, entries: 3, checkpoints: 1 });
    // Someone removes the MAC to have the log anchored again after cutting it: refused.
    db.prepare("UPDATE audit_head SET mac = NULL").run();
    expect(useAuditKey(db, "k".repeat(40))).toMatchObject({ anchored: "refused" });
    expect(verifyAudit(db)).toMatchObject({ ok: false, problem: expect.stringContaining("never been anchored") });
    db.close();
  });

  it("filters by action prefix and actor", () => {
    const { db } = withEntries(3);
    audit(db, 1, "vendor-link:9", "vendor.submitted", {});
    expect(listAudit(db, { evaluationId: 1, action: "vendor." }).map((e) => e.action)).toEqual(["vendor.submitted"]);
    expect(listAudit(db, { evaluationId: 1, actor: "user:2" }).map((e) => e.detail)).toEqual([{ n: 2 }]);
  });
});

function migrateTriggersBack(db: ReturnType<typeof makeDb>["db"]) {
  db.exec(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`);
}
