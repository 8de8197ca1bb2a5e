import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { makeDb } from "../helpers.js";
import { WriteBatch } from "../../src/db/batch.js";
import { dbPath } from "../../src/db/index.js";

describe("group commit (WriteBatch)", () => {
  const setup = () => {
    const ctx = makeDb();
    ctx.db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    return ctx;
  };

  it("commits writes queued in one turn together; one that throws is undone alone and its caller gets the error", async () => {
    const { db } = setup();
    const batch = new WriteBatch(db);
    const ins = db.prepare("INSERT INTO t (v) VALUES (?)");
    const results = await Promise.allSettled([
      batch.run(() => ins.run("a").lastInsertRowid),
      batch.run(() => {
        ins.run("b");
        throw new Error("refused");
      }),
      batch.run(() => ins.run("c").lastInsertRowid),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error("refused"));
    expect(db.prepare("SELECT v FROM t ORDER BY id").pluck().all()).toEqual(["a", "c"]);
  });

  it("when a full disk makes SQLite undo the whole transaction, tells every caller of the batch, not only the one that hit it", async () => {
    const { db } = setup();
    db.prepare("INSERT INTO t (v) VALUES ('seed')").run();
    db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true })}`);
    const batch = new WriteBatch(db);
    const ins = db.prepare("INSERT INTO t (v) VALUES (?)");
    const results = await Promise.allSettled([
      batch.run(() => ins.run("small")),
      batch.run(() => ins.run("x".repeat(200_000))),
      batch.run(() => ins.run("after")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(results.map((r) => (r as PromiseRejectedResult).reason.code)).toEqual([
      "SQLITE_FULL",
      "SQLITE_FULL",
      "SQLITE_FULL",
    ]);
    expect(db.prepare("SELECT v FROM t").pluck().all()).toEqual(["seed"]);
  });

  it("waits off the thread for a lock another connection holds, then writes; or gives up at the deadline with nothing written", async () => {
    const { db, dataDir } = setup();
    const other = new Database(dbPath(dataDir));
    other.exec("BEGIN IMMEDIATE");
    const batch = new WriteBatch(db, 300);
    const ins = db.prepare("INSERT INTO t (v) VALUES (?)");
    const gaveUp = batch.run(() => ins.run("late"));
    await expect(gaveUp).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    const waits = batch.run(() => ins.run("waited"));
    await new Promise((r) => setTimeout(r, 100));
    other.exec("COMMIT");
    await waits;
    expect(db.prepare("SELECT v FROM t").pluck().all()).toEqual(["waited"]);
    other.close();
  });

  it("answers a caller only once its write is committed: another connection already sees it", async () => {
    const { db, dataDir } = setup();
    const other = new Database(dbPath(dataDir), { readonly: true });
    const batch = new WriteBatch(db);
    const seen = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        batch
          .run(() => db.prepare("INSERT INTO t (v) VALUES (?)").run(`w${i}`))
          .then(() => other.prepare("SELECT count(*) FROM t").pluck().get() as number),
      ),
    );
    // Every caller, when answered, could read all twenty writes from outside: they were one commit.
    expect(seen).toEqual(new Array(20).fill(20));
    other.close();
  });

  it("when the commit itself fails, every caller in the batch gets the error and nothing is written", async () => {
    const { db, dataDir } = setup();
    // Another connection holds the write lock past the busy timeout: BEGIN IMMEDIATE cannot start.
    const other = new Database(dbPath(dataDir));
    other.pragma("busy_timeout = 0");
    db.pragma("busy_timeout = 50");
    other.exec("BEGIN IMMEDIATE");
    const batch = new WriteBatch(db);
    const results = await Promise.allSettled([
      batch.run(() => db.prepare("INSERT INTO t (v) VALUES ('x')").run()),
      batch.run(() => db.prepare("INSERT INTO t (v) VALUES ('y')").run()),
    ]);
    other.exec("ROLLBACK");
    other.close();
    expect(results.every((r) => r.status === "rejected" && /locked|busy/i.test(String(r.reason)))).toBe(true);
    expect(db.prepare("SELECT count(*) FROM t").pluck().get()).toBe(0);
  });
});
