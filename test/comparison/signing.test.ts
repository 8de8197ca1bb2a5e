import { describe, expect, it } from "vitest";
import { proposeDecision } from "../../src/comparison/repo.js";
import { signDecision } from "../../src/comparison/signing.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { importDemo, makeUser } from "../factories.js";
import { makeDb } from "../helpers.js";

describe("the decision rule", () => {
  it("records a decision and decides the evaluation only once every seat it names has signed", async () => {
    const { db } = makeDb();
    const id = importDemo(db);
    const seats = findEvaluation(db, id)!.roles;
    expect(seats.length).toBeGreaterThan(1);
    const members: { seat: (typeof seats)[number]; user: Awaited<ReturnType<typeof makeUser>> }[] = [];
    for (const seat of seats) members.push({ seat, user: await makeUser(db, "committee", { committeeRole: seat }) });
    const decision = db.transaction(() =>
      proposeDecision(db, {
        evaluationId: id,
        outcome: "reject_all",
        vendorId: null,
        conditions: null,
        reason: "Test",
        userId: members[0]!.user.id,
      }),
    )();
    const recorded = members.map(({ seat, user }) =>
      db.transaction(() =>
        signDecision(db, decision, id, seats, { userId: user.id, seat, actor: `user:${user.id}` }),
      )(),
    );
    // Only the last signature records it.
    expect(recorded).toEqual(seats.map((_, i) => i === seats.length - 1));
    expect(findEvaluation(db, id)!.status).toBe("decided");
    expect(db.prepare("SELECT status FROM decisions WHERE id = ?").pluck().get(decision)).toBe("recorded");
    const actions = db
      .prepare("SELECT action FROM audit_log WHERE evaluation_id = ? AND action LIKE 'decision.%' ORDER BY id")
      .pluck()
      .all(id);
    expect(actions).toEqual([...seats.map(() => "decision.signed"), "decision.recorded"]);
  });
});
