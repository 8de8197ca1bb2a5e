import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeUser } from "../factories.js";
import { postForm, signIn } from "../web.js";
import { definitionOf, textAt, textsAt } from "../html.js";

describe("reviewing a vendor's answers", () => {
  it("shows each answer with the cost model's lines and flags, its history, and the clarification thread", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const id = importDemo(db);
    const swift = db.prepare("SELECT id FROM vendors WHERE name = 'Swiftpilot AI'").pluck().get() as number;
    const agent = await signIn(app, admin.email);
    const page = await agent.get(`/evaluations/${id}/vendors/${swift}`);
    expect(textAt(page.text, "h1")).toBe("Swiftpilot AI");
    expect(definitionOf(page.text, "Adjusted 3-year total")).toBe("€1,101,818");
    expect(definitionOf(page.text, "Entry price")).toBe("€155,000");
    expect(page.text).toContain("Governance deferred · high");
    expect(page.text).toContain(
      "Deferred to a later phase in the quote; the buyer funds the larger of 20% (governance_share) of the reference build cost €108,000 and 15 buyer days (governance_days) at €900 a day.",
    );
    expect(definitionOf(page.text, "Buyer effort disclosed")).toBe("€67,500");
    expect(page.text).toContain("Our customers usually run monitoring themselves");
    // A buyer asks; the thread shows it; resolving closes it.
    await postForm(agent, `/evaluations/${id}/vendors/${swift}`, `/evaluations/${id}/vendors/${swift}/clarifications`, {
      questionKey: "cfo_licence",
      visibility: "internal",
      body: "Check the licence against the reference price list.",
    });
    const after = await agent.get(`/evaluations/${id}/vendors/${swift}`);
    expect(textsAt(after.text, ".thread .meta")).toContain("Internal note · open");
    const cid = db.prepare("SELECT id FROM clarifications WHERE question_key = 'cfo_licence'").pluck().get();
    await postForm(
      agent,
      `/evaluations/${id}/vendors/${swift}`,
      `/evaluations/${id}/clarifications/${cid}/resolve`,
      {},
    );
    expect((await agent.get(`/evaluations/${id}/vendors/${swift}`)).text).toMatch(
      /<strong>Internal note<\/strong> · resolved/,
    );
    const log = await agent.get(`/evaluations/${id}/audit`);
    for (const a of ["evaluation.imported", "clarification.opened", "clarification.resolved"])
      expect(log.text).toContain(`<code>${a}</code>`);
  });
});
