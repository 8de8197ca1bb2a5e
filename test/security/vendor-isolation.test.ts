import { describe, expect, it } from "vitest";
import { listAnswers } from "../../src/answers/repo.js";
import { buildTestApp } from "../helpers.js";
import { csrfOf } from "../web.js";
import { autosave, delegatedPath, invitedVendor, openLink, sectionState } from "../portal/helpers.js";

const PDF = Buffer.from("%PDF-1.4\n%%EOF\n");

describe("vendors never reach each other", () => {
  it("refuses every cross access between two vendors in two evaluations", async () => {
    const { app, db, config } = buildTestApp();
    const a = await invitedVendor(db, config, { name: "Alpha AI", email: "a@alpha.example" });
    const b = await invitedVendor(db, config, { name: "Beta AI", email: "b@beta.example" });
    const alpha = await openLink(app, a.path);
    const beta = await openLink(app, b.path);
    // Beta leaves traces: an answer, a file, a clarification, a delegated link.
    const bs = await sectionState(beta, "cto", "cto_controls");
    await autosave(beta, bs.csrf, "cto_vendor_share", { q: "33", revision: 0 });
    await beta
      .post("/portal/questions/cto_controls/files")
      .field("_csrf", bs.csrf)
      .attach("file", PDF, { filename: "beta-secret.pdf" });
    const fileId = db.prepare("SELECT id FROM attachments WHERE vendor_id = ?").pluck().get(b.vendorId);
    const clarId = Number(
      db
        .prepare(
          "INSERT INTO clarifications (vendor_id, question_key, visibility) VALUES (?, 'cto_controls', 'vendor')",
        )
        .run(b.vendorId).lastInsertRowid,
    );
    db.prepare(
      "INSERT INTO clarification_messages (clarification_id, author_kind, author_name, body) VALUES (?, 'buyer', 'B', 'Beta-only question')",
    ).run(clarId);
    const betaColleague = delegatedPath(db, config, b.vendorId, "cfo");
    const betaDelegation = db
      .prepare("SELECT id FROM vendor_links WHERE vendor_id = ? AND role = 'cfo'")
      .pluck()
      .get(b.vendorId);

    const as = await sectionState(alpha, "cto", "cto_vendor_share");
    const landing = await alpha.get("/portal");
    expect(landing.text).toContain("Alpha AI");
    expect(landing.text).not.toContain("Beta");
    expect(as.html).not.toContain("beta-secret.pdf");
    expect(as.html).not.toContain("Beta-only question");
    // Alpha's session only ever reaches Alpha's own answer with that key.
    expect((await autosave(alpha, as.csrf, "cto_vendor_share", { q: "90", revision: 0 })).status).toBe(200);
    expect(listAnswers(db, b.vendorId).get("cto_vendor_share")!.value).toBe(33);
    expect((await alpha.get(`/portal/files/${fileId}`)).status).toBe(404);
    expect((await alpha.post(`/portal/files/${fileId}/delete`).type("form").send({ _csrf: as.csrf })).status).toBe(404);
    expect(
      (await alpha.post(`/portal/clarifications/${clarId}/reply`).type("form").send({ _csrf: as.csrf, body: "hijack" }))
        .status,
    ).toBe(404);
    expect(
      (
        await alpha
          .post(`/portal/delegations/${betaDelegation}/revoke`)
          .type("form")
          .send({ _csrf: csrfOf(landing.text) })
      ).status,
    ).toBe(404);
    // Vendors never reach the buyer's pages, the comparison or the API.
    for (const p of [
      `/evaluations/${b.evaluationId}`,
      `/evaluations/${a.evaluationId}`,
      `/evaluations/${b.evaluationId}/vendors/${b.vendorId}`,
      `/evaluations/${a.evaluationId}/attachments/${fileId}`,
    ]) {
      expect((await alpha.get(p)).status, p).toBe(303);
    }
    expect((await alpha.get(`/api/evaluations/${a.evaluationId}/model`)).status).toBe(401);
    // Beta's colleague sees Beta's CFO section only, never Alpha's.
    const colleague = await openLink(app, betaColleague);
    const cs = await colleague.get("/portal/sections/cfo");
    expect(cs.text).not.toContain("Alpha");
    expect((await colleague.get(`/portal/files/${fileId}`)).status).toBe(404); // a CTO question's file, outside the delegated section
    expect(db.prepare("SELECT count(*) FROM attachments WHERE deleted_at IS NULL").pluck().get()).toBe(1);
    expect(db.prepare("SELECT count(*) FROM clarification_messages WHERE body = 'hijack'").pluck().get()).toBe(0);
  });

  it("sends expired and revoked links to the same page as unknown ones", async () => {
    const { app, db, config } = buildTestApp();
    const a = await invitedVendor(db, config);
    const agent = await openLink(app, a.path);
    db.prepare("UPDATE vendor_links SET expires_at = '2000-01-01T00:00:00.000Z' WHERE vendor_id = ?").run(a.vendorId);
    const expiredSession = await agent.get("/portal");
    expect(expiredSession.status).toBe(410);
    const expiredLink = await (await import("supertest")).default(app).get(a.path);
    expect(expiredLink.status).toBe(410);
    const unknown = await (await import("supertest")).default(app).get("/v/" + "x".repeat(32));
    expect(unknown.text).toBe(expiredLink.text.replace(/tc_csrf[^"]*/g, ""));
  });
});
