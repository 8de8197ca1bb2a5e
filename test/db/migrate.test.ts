import { describe, expect, it } from "vitest";
import { dbPath, openDb } from "../../src/db/index.js";
import { migrate, readMigrations } from "../../src/db/migrate.js";
import { tempDir } from "../helpers.js";

describe("migrations", () => {
  it("build a fresh database with the whole schema, and a second run changes nothing", () => {
    const db = openDb(dbPath(tempDir()));
    const first = migrate(db);
    expect(first).toEqual(readMigrations().map((m) => m.name));
    const schema = () => db.prepare("SELECT name, sql FROM sqlite_master ORDER BY name").all();
    const before = schema();
    expect(migrate(db)).toEqual([]);
    expect(schema()).toEqual(before);
    const tables = (before as { name: string }[]).map((r) => r.name);
    for (const t of ["users", "sessions", "question_sets", "questions", "evaluations", "vendors", "vendor_links", "answers", "answer_history", "attachments", "clarifications", "audit_log", "email_outbox", "reports", "decisions"])
      expect(tables).toContain(t);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    db.close();
  });

  it("rolls a failing migration back whole and records nothing", () => {
    const db = openDb(dbPath(tempDir()));
    migrate(db);
    const bad = [{ id: 999, name: "999-bad.sql", sql: "CREATE TABLE half (x); INSERT INTO nowhere VALUES (1);" }];
    expect(() => migrate(db, bad)).toThrow();
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM schema_migrations WHERE id = 999").pluck().get()).toBe(0);
    db.close();
  });

  it("keeps answer history append-only", () => {
    const db = openDb(dbPath(tempDir()));
    migrate(db);
    expect(() => db.exec("UPDATE answer_history SET value = 'x'")).not.toThrow(); // no rows: trigger not fired
    db.exec(`INSERT INTO question_sets (set_key, version, content_hash, title, source_file, content) VALUES ('s', 1, 'h', 't', 'f', '{}');
      INSERT INTO evaluations (title, tier, horizon_years, currency, day_rate_minor, due_date, question_set_id, roles) VALUES ('e', 'pilot', 3, 'EUR', 0, '2027-01-01', 1, '[]');
      INSERT INTO vendors (evaluation_id, name, contact_name, contact_email) VALUES (1, 'v', 'c', 'c@x');
      INSERT INTO answer_history (vendor_id, question_key, revision, value, changed_by) VALUES (1, 'q', 1, '1', 'test');`);
    expect(() => db.exec("UPDATE answer_history SET value = 'x'")).toThrow(/append-only/);
    db.close();
  });
});
