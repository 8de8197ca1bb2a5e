import { describe, expect, it } from "vitest";
import { audit, listAudit, verifyAudit } from "../../src/audit/repo.js";
import { makeDb } from "../helpers.js";

function withEntries(n: number) {
  const { db } = makeDb();
  for (let i = 1; i <= n; i++) audit(db, 1, `user:${i}`, "answer.changed", { n: i });
  return db;
}

describe("the audit chain", () => {
  it("verifies an untouched log", () => {
    expect(verifyAudit(withEntries(5))).toEqual({ ok: true, entries: 5 });
  });

  it("refuses updates and deletes through SQL", () => {
    const db = withEntries(2);
    expect(() => db.exec("UPDATE audit_log SET actor = 'x' WHERE id = 1")).toThrow(/append-only/);
    expect(() => db.exec("DELETE FROM audit_log WHERE id = 1")).toThrow(/append-only/);
  });

  it("finds an edited entry, even when someone bypasses the triggers", () => {
    const db = withEntries(5);
    db.exec("DROP TRIGGER audit_log_no_update");
    db.prepare("UPDATE audit_log SET detail = ? WHERE id = 3").run(JSON.stringify({ n: 999 }));
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBadId: 3, problem: "entry 3 was changed after it was written" });
  });

  it("finds a removed entry", () => {
    const db = withEntries(5);
    db.exec("DROP TRIGGER audit_log_no_delete");
    db.prepare("DELETE FROM audit_log WHERE id = 2").run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBadId: 3, problem: "entry 2 is missing (removed)" });
  });

  it("finds a removed entry whose successors were renumbered", () => {
    const db = withEntries(4);
    db.exec("DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_log_no_update");
    db.prepare("DELETE FROM audit_log WHERE id = 2").run();
    db.prepare("UPDATE audit_log SET id = id - 1 WHERE id > 2").run();
    expect(verifyAudit(db)).toMatchObject({ ok: false, firstBadId: 2 });
  });

  it("filters by action prefix and actor", () => {
    const db = withEntries(3);
    audit(db, 1, "vendor-link:9", "vendor.submitted", {});
    expect(listAudit(db, { evaluationId: 1, action: "vendor." }).map((e) => e.action)).toEqual(["vendor.submitted"]);
    expect(listAudit(db, { evaluationId: 1, actor: "user:2" }).map((e) => e.detail)).toEqual([{ n: 2 }]);
  });
});
