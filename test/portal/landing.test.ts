import { describe, expect, it } from "vitest";
import { openClarification } from "../../src/clarifications/repo.js";
import { buildTestApp } from "../helpers.js";
import { dom, pageText } from "../html.js";
import { postForm } from "../web.js";
import { invitedVendor, openLink } from "./helpers.js";

describe("the vendor's questionnaire overview", () => {
  it("says whose turn a clarification is, and stops explaining saving once nothing can be saved", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId, buyer } = await invitedVendor(db, config);
    const buyerId = buyer.id;
    const cid = openClarification(db, {
      vendorId,
      questionKey: "cfo_licence",
      visibility: "vendor",
      userId: buyerId,
      authorName: "Bea",
      body: "Which tier?",
    });
    const vendor = await openLink(app, path);
    const before = pageText((await vendor.get("/portal")).text);
    expect(before).toContain("waiting for your reply");
    expect(before).toContain("How saving works");
    const reply = await postForm(vendor, "/portal/sections/cfo", `/portal/clarifications/${cid}/reply`, {
      body: "The enterprise tier.",
    });
    expect(reply.status).toBe(303);
    const after = pageText((await vendor.get("/portal")).text);
    expect(after).toContain("you replied; the buyer has not closed it yet");
    expect(after).not.toContain("waiting for your reply");
    db.prepare("UPDATE vendors SET status = 'submitted', submitted_at = ? WHERE id = ?").run(
      new Date().toISOString(),
      vendorId,
    );
    const submitted = pageText((await vendor.get("/portal")).text);
    expect(submitted).not.toContain("How saving works");
    expect(submitted).toContain("you replied; the buyer has not closed it yet");
  });

  it("lists every answer by section on the review page, with what is missing and a link back to each", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const vendor = await openLink(app, path);
    const save = await postForm(vendor, "/portal/sections/cfo", "/portal/sections/cfo", {
      q_cfo_licence: "125,000",
      rev_cfo_licence: "0",
    });
    expect(save.status).toBe(303);
    const $ = dom((await vendor.get("/portal/review")).text);
    const cfo = $(".review-section").filter((_, e) => $(e).find('h3 a[href="/portal/sections/cfo"]').length > 0);
    expect(cfo).toHaveLength(1);
    const licence = cfo.find('dt a[href="/portal/sections/cfo#q-cfo_licence"]');
    expect(licence).toHaveLength(1);
    expect(licence.parent().next("dd").text()).toMatch(/125,000/);
    expect(cfo.find("dd .missing").first().text()).toBe("Not answered (required)");
    expect(cfo.find("h3 .muted").text()).toMatch(/^1 of \d+ answered$/);
  });
});
