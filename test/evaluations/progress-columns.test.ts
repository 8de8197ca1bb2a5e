import { describe, expect, it } from "vitest";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { getQuestionSet } from "../../src/questions/repo.js";
import { buildTestApp } from "../helpers.js";
import { dom, pageText, textsAt } from "../html.js";
import { invitedVendor } from "../portal/helpers.js";
import { signIn } from "../web.js";

describe("the evaluation page's progress columns", () => {
  it("show each section's real number of required questions before the vendor has opened its link", async () => {
    const { app, db, config } = buildTestApp();
    const { buyer, evaluationId } = await invitedVendor(db, config);
    const e = findEvaluation(db, evaluationId)!;
    const set = getQuestionSet(db, e.questionSetId);
    const page = await (await signIn(app, buyer.email)).get(`/evaluations/${evaluationId}`);
    const $ = dom(page.text);
    const cells = $("tbody tr")
      .first()
      .find("td.num")
      .map((_, td) => $(td).text().trim())
      .get();
    const required = e.roles.map(
      (r) => set.sections.find((s) => s.role === r)!.questions.filter((q) => q.required && !q.shows_if).length,
    );
    expect(cells).toEqual(required.map((n) => `0/${n}`));
    expect(required.every((n) => n > 0)).toBe(true);
  });

  it("offers a reminder only once the invitation has had a day to be read", async () => {
    const { app, db, config } = buildTestApp();
    const { buyer, evaluationId } = await invitedVendor(db, config);
    const agent = await signIn(app, buyer.email);
    const fresh = await agent.get(`/evaluations/${evaluationId}`);
    expect(textsAt(fresh.text, "tbody button")).not.toContain("Send reminder");
    expect(pageText(fresh.text)).toMatch(/a reminder can be sent from /);
    db.prepare("UPDATE vendor_links SET created_at = ?").run(new Date(Date.now() - 25 * 3600_000).toISOString());
    const later = await agent.get(`/evaluations/${evaluationId}`);
    expect(textsAt(later.text, "tbody button")).toContain("Send reminder");
  });
});
