import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { makeUser } from "../factories.js";
import { csrfOf, signIn } from "../web.js";
import { invitedVendor, openLink } from "../portal/helpers.js";
import { dom } from "../html.js";

/** What a scanner leaves behind: many clarifications, long threads, many changes of one answer. */
function flood(db: ReturnType<typeof buildTestApp>["db"], vendorId: number, n: number) {
  const clar = db.prepare(
    "INSERT INTO clarifications (vendor_id, question_key, visibility, status) VALUES (?, ?, 'vendor', 'resolved')",
  );
  const msg = db.prepare(
    "INSERT INTO clarification_messages (clarification_id, author_kind, author_name, body) VALUES (?, 'buyer', 'Scanner', ?)",
  );
  const hist = db.prepare(
    "INSERT INTO answer_history (vendor_id, question_key, revision, value, changed_by, changed_at) VALUES (?, 'cto_vendor_share', ?, ?, 'vendor-link:1', '2026-01-01T00:00:00.000Z')",
  );
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = Number(clar.run(vendorId, i % 2 ? "cto_controls" : "cfo_licence").lastInsertRowid);
      for (let m = 0; m < 3; m++) msg.run(id, `Probe ${i}.${m} ${"x".repeat(200)}`);
      hist.run(vendorId, i + 1, JSON.stringify(i % 100));
    }
    const long = Number(clar.run(vendorId, "cto_portability").lastInsertRowid);
    db.prepare("UPDATE clarifications SET status = 'open' WHERE id = ?").run(long);
    for (let m = 0; m < 150; m++) msg.run(long, `Long thread ${m}`);
  })();
}

describe("long lists stay pages, and posting them has limits", () => {
  it("keeps the review page small after 1,500 clarifications, with every one reachable on the question's pages", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const { evaluationId, vendorId, path } = await invitedVendor(db, config);
    flood(db, vendorId, 1500);
    const agent = await signIn(app, admin.email);
    const review = await agent.get(`/evaluations/${evaluationId}/vendors/${vendorId}`);
    expect(review.status).toBe(200);
    expect(review.text.length).toBeLessThan(400_000);
    expect(review.text).toContain("747 earlier resolved clarifications");
    expect(review.text).toContain("140 earlier messages");
    expect(review.text).toContain("All 1500 changes");
    const first = await agent.get(`/evaluations/${evaluationId}/vendors/${vendorId}/questions/cto_controls`);
    expect(first.text).toContain("750 clarifications · page 1 of 15");
    expect(first.text.length).toBeLessThan(400_000);
    const last = await agent.get(`/evaluations/${evaluationId}/vendors/${vendorId}/questions/cto_controls?page=14`);
    expect(dom(last.text)(".thread")).toHaveLength(50);
    expect((await agent.get(`/evaluations/${evaluationId}/vendors/${vendorId}/questions/not_a_question`)).status).toBe(
      404,
    );
    // The vendor's pages are bounded too.
    const vendor = await openLink(app, path);
    const section = await vendor.get("/portal/sections/cto");
    expect(section.text.length).toBeLessThan(400_000);
    expect(section.text).toContain("130 earlier messages not shown");
    expect((await vendor.get("/portal")).text).toContain("1500 resolved requests are shown with their questions");
  });

  it("pages the audit log and the outbox", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const { evaluationId } = await invitedVendor(db, config);
    const { audit } = await import("../../src/audit/repo.js");
    const { enqueue } = await import("../../src/mail/outbox.js");
    db.transaction(() => {
      for (let i = 0; i < 250; i++) audit(db, evaluationId, "user:1", "probe.entry", { i });
      for (let i = 0; i < 250; i++)
        enqueue(db, config, { to: `x${i}@example.com`, subject: `S${i}`, body: "B", kind: "test", evaluationId });
    })();
    const agent = await signIn(app, admin.email);
    const seen = new Set<string>();
    let next: string | undefined = `/evaluations/${evaluationId}/audit?action=probe.`;
    for (let pages = 0; next && pages < 10; pages++) {
      const page = await agent.get(next);
      for (const m of page.text.matchAll(/i: (\d+)</g)) seen.add(m[1]!);
      next = /href="([^"]+)" rel="next"/.exec(page.text)?.[1]?.replaceAll("&amp;", "&");
    }
    expect(seen.size).toBe(250);
    const outbox = await agent.get("/outbox");
    expect(dom(outbox.text)("article")).toHaveLength(100);
    expect(outbox.text).toContain('rel="next"');
  });

  it("refuses a sixth open clarification on one question, and a burst of posts", async () => {
    const { app, db, config } = buildTestApp();
    const buyer = await makeUser(db, "admin");
    const { evaluationId, vendorId } = await invitedVendor(db, config);
    const agent = await signIn(app, buyer.email);
    const page = await agent.get(`/evaluations/${evaluationId}/vendors/${vendorId}`);
    const post = (n: number) =>
      agent
        .post(`/evaluations/${evaluationId}/vendors/${vendorId}/clarifications`)
        .type("form")
        .send({
          _csrf: csrfOf(page.text),
          questionKey: "cto_controls",
          visibility: "internal",
          body: `Question number ${n}`,
        });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(i)).status);
    expect(statuses).toEqual([303, 303, 303, 303, 303, 400]);
    expect((await post(7)).text).toContain("This question already has 5 open clarifications");
    // Sixty posts in ten minutes at most, whatever they are.
    let last = 0;
    for (let i = 0; i < 60; i++)
      last = (
        await agent
          .post(`/evaluations/${evaluationId}/comments`)
          .type("form")
          .send({ _csrf: csrfOf(page.text), body: `Comment ${i}` })
      ).status;
    expect(last).toBe(429);
  });
});
