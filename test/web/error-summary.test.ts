import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeUser } from "../factories.js";
import { dom } from "../html.js";
import { postForm, signIn } from "../web.js";

describe("a refused form", () => {
  it("opens on a summary at the top whose links name each field and lead to it", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const agent = await signIn(app, buyer.email);
    const res = await postForm(agent, "/evaluations/new", "/evaluations", { title: "", dayRate: "lots" });
    expect(res.status).toBe(400);
    const $ = dom(res.text);
    const summary = $("#error-summary");
    expect(summary.attr("role")).toBe("alert");
    expect(summary.attr("autofocus")).toBeDefined();
    // The summary comes before the form, and each link's target exists.
    expect($("main").children().index(summary)).toBeLessThan($("main").children().index($("main form").first()));
    const links = summary
      .find("a")
      .toArray()
      .map((a) => [$(a).attr("href")!, $(a).text()]);
    expect(links.map(([href]) => href)).toEqual(expect.arrayContaining(["#f-title", "#f-dayRate"]));
    expect(links.find(([h]) => h === "#f-title")![1]).toMatch(/^Title: /);
    for (const [href] of links) expect($(href!).length, href).toBe(1);
    // Help and error are both read with the field.
    expect($("#f-title").attr("aria-describedby")).toBe("f-title-help f-title-error");
    expect($("#f-title").attr("aria-invalid")).toBe("true");
    expect($("#f-dayRate").attr("aria-describedby")).toBe("f-dayRate-help f-dayRate-error");
    expect($("#f-tier").attr("aria-describedby")).toMatch(/^f-tier-help( f-tier-error)?$/);
  });

  it("on the comparison says so at the top, not 4,000 px below where the comment form is", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const e = importDemo(db);
    const agent = await signIn(app, admin.email);
    const page = `/evaluations/${e}/comparison`;
    const comment = dom((await postForm(agent, page, `/evaluations/${e}/comments`, { body: "" })).text);
    expect(comment("main").children().index(comment("#error-summary"))).toBeLessThan(3);
    expect(comment("#error-summary a").attr("href")).toBe("#f-body");
    const decision = dom((await postForm(agent, page, `/evaluations/${e}/decisions`, { reason: "" })).text);
    const hrefs = decision("#error-summary a")
      .toArray()
      .map((a) => decision(a).attr("href"));
    expect(hrefs).toEqual(expect.arrayContaining(["#f-outcome", "#f-reason"]));
    expect(decision("#f-outcome").attr("aria-describedby")).toBe("f-outcome-error");
    expect(decision("#f-outcome-error").text()).not.toBe("");
  });
});
