import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { makeEvaluation, makeUser } from "../factories.js";
import { csrfOf, signIn } from "../web.js";
import { invitedVendor, openLink, sectionState } from "../portal/helpers.js";
import { textAt } from "../html.js";

describe("a session that ended", () => {
  it("tells a vendor so, and how to go on, instead of 'this form expired'", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const st = await sectionState(agent, "cto", "cto_vendor_share");
    db.prepare("UPDATE sessions SET last_seen_at = '2000-01-01T00:00:00.000Z'").run(); // idle too long
    const save = await agent
      .post("/portal/answers/cto_vendor_share")
      .set("x-csrf-token", st.csrf)
      .set("Accept", "application/json")
      .send({ q: "10", revision: st.rev });
    expect(save.status).toBe(401);
    expect(save.body.error).toMatchObject({
      id: "session_ended",
      message: expect.stringContaining("Open your link again (from the invitation email)"),
    });
    const page = await agent.get("/portal/sections/cto");
    expect(page.status).toBe(401);
    expect(textAt(page.text, "h1")).toBe("Your session ended");
    // Opening the link again goes on where it was.
    expect((await agent.get(path)).status).toBe(303);
    expect((await agent.get("/portal/sections/cto")).status).toBe(200);
  });

  it("tells a buyer to sign in again", async () => {
    const { app, db } = buildTestApp();
    const u = await makeUser(db, "buyer");
    const e = makeEvaluation(db, u.id);
    const agent = await signIn(app, u.email);
    const page = await agent.get(`/evaluations/${e}`);
    db.prepare("DELETE FROM sessions").run();
    const res = await agent
      .post(`/evaluations/${e}/vendors`)
      .type("form")
      .send({ _csrf: csrfOf(page.text), name: "Acme", contactName: "C", contactEmail: "c@acme.example" });
    expect(res.status).toBe(401);
    expect(res.text).toContain("Your session ended, so this was not saved. Sign in again");
  });
});
