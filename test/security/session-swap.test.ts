import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { makeUser } from "../factories.js";
import { csrfOf, signIn } from "../web.js";
import { delegatedPath, invitedVendor, openLink } from "../portal/helpers.js";
import { pageText, textsAt } from "../html.js";

describe("a vendor link opened in a browser that already has a session", () => {
  it("never replaces a buyer's session on a GET from another site; the buyer chooses on a page that says who is signed in", async () => {
    const { app, db, config } = buildTestApp();
    const buyer = await makeUser(db, "buyer", { name: "Bea Buyer" });
    const { path, vendorId } = await invitedVendor(db, config, { name: "Mallory AI" });
    const agent = await signIn(app, buyer.email);
    const sessionsBefore = db.prepare("SELECT id FROM sessions WHERE user_id = ?").pluck().all(buyer.id);
    // The top-level navigation another site would cause.
    const landing = await agent.get(path).set("Sec-Fetch-Site", "cross-site").set("Sec-Fetch-Mode", "navigate");
    expect(landing.status).toBe(200);
    expect(pageText(landing.text)).toContain("This browser is signed in to Truecost as Bea Buyer");
    expect(textsAt(landing.text, "strong")).toEqual(expect.arrayContaining(["Bea Buyer", "Mallory AI"]));
    expect(landing.text).toContain("Stay signed in as Bea Buyer");
    expect(db.prepare("SELECT id FROM sessions WHERE user_id = ?").pluck().all(buyer.id)).toEqual(sessionsBefore);
    expect(db.prepare("SELECT count(*) FROM sessions WHERE vendor_link_id IS NOT NULL").pluck().get()).toBe(0);
    expect((await agent.get("/evaluations")).status).toBe(200);
    // A POST without the page's token (what another site could send) swaps nothing either.
    const forged = await agent.post(path).type("form").send({});
    expect(forged.status).toBe(403);
    expect((await agent.get("/evaluations")).status).toBe(200);
    // The buyer's own choice, from the page: signed out, then in the questionnaire.
    const chosen = await agent
      .post(path)
      .type("form")
      .send({ _csrf: csrfOf(landing.text) });
    expect(chosen.status).toBe(303);
    expect(chosen.headers.location).toBe("/portal");
    expect(db.prepare("SELECT count(*) FROM sessions WHERE user_id = ?").pluck().get(buyer.id)).toBe(0);
    expect((await agent.get("/portal")).text).toContain("Mallory AI");
    expect(
      db
        .prepare(
          "SELECT count(*) FROM sessions WHERE vendor_link_id IN (SELECT id FROM vendor_links WHERE vendor_id = ?)",
        )
        .pluck()
        .get(vendorId),
    ).toBe(1);
  });

  it("asks before replacing another questionnaire's session, and goes straight on for the same link", async () => {
    const { app, db, config } = buildTestApp();
    const a = await invitedVendor(db, config, { name: "Alpha" });
    const colleague = delegatedPath(db, config, a.vendorId, "cfo");
    const agent = await openLink(app, a.path);
    const same = await agent.get(a.path);
    expect(same.status).toBe(303);
    expect(same.headers.location).toBe("/portal");
    const other = await agent.get(colleague);
    expect(other.status).toBe(200);
    expect(pageText(other.text)).toContain("already has Alpha's questionnaire open");
    expect(textsAt(other.text, "strong")).toContain("Alpha");
    expect(other.text).toContain("Keep the current questionnaire");
    expect((await agent.get("/portal")).status).toBe(200);
    const swapped = await agent
      .post(colleague)
      .type("form")
      .send({ _csrf: csrfOf(other.text) });
    expect(swapped.headers.location).toBe("/portal/sections/cfo");
  });

  it("opens the link at once in a browser with no session, as from the invitation email", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const res = await (await import("supertest")).default.agent(app).get(path).set("Sec-Fetch-Site", "cross-site");
    expect(res.status).toBe(303);
  });
});
