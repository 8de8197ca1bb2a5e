import { describe, expect, it } from "vitest";
import { openClarification } from "../../src/clarifications/repo.js";
import { buildTestApp } from "../helpers.js";
import { pageText } from "../html.js";
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
});
