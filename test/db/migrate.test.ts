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
    for (const t of [
      "users",
      "sessions",
      "question_sets",
      "questions",
      "evaluations",
      "vendors",
      "vendor_links",
      "answers",
      "answer_history",
      "attachments",
      "clarifications",
      "audit_log",
      "email_outbox",
      "reports",
      "decisions",
    ])
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

  it("keeps every answer when answers move to (vendor, question) order", () => {
    const db = openDb(dbPath(tempDir()));
    const [first, ...rest] = readMigrations();
    migrate(db, [first!]);
    db.exec(`INSERT INTO question_sets (set_key, version, content_hash, title, source_file, content) VALUES ('s', 1, 'h', 't', 'f', '{}');
      INSERT INTO evaluations (title, tier, horizon_years, currency, day_rate_minor, due_date, question_set_id, roles) VALUES ('e', 'pilot', 3, 'EUR', 0, '2027-01-01', 1, '[]');
      INSERT INTO vendors (evaluation_id, name, contact_name, contact_email) VALUES (1, 'v', 'c', 'c@x'), (1, 'w', 'd', 'd@x');
      INSERT INTO answers (vendor_id, question_key, value, revision, updated_by, updated_at) VALUES
        (2, 'b', '"two"', 3, 'vendor-link:1', '2026-01-02T00:00:00.000Z'), (1, 'a', '{"status":"included"}', 1, 'import', '2026-01-01T00:00:00.000Z'), (1, 'c', NULL, 2, 'user:1', '2026-01-03T00:00:00.000Z');`);
    const all = () =>
      db
        .prepare(
          "SELECT vendor_id, question_key, value, revision, updated_by, updated_at FROM answers ORDER BY vendor_id, question_key",
        )
        .all();
    const before = all();
    expect(migrate(db, rest).length).toBe(rest.length);
    expect(all()).toEqual(before);
    // Still one answer per vendor and question, and still removed with its vendor.
    expect(() => db.exec("INSERT INTO answers (vendor_id, question_key, updated_by) VALUES (1, 'a', 'x')")).toThrow(
      /UNIQUE|PRIMARY KEY/,
    );
    db.exec("DELETE FROM vendors WHERE id = 2");
    expect(db.prepare("SELECT count(*) FROM answers WHERE vendor_id = 2").pluck().get()).toBe(0);
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.pragma("foreign_key_check")).toEqual([]);
    db.close();
  });
});
