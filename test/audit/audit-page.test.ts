import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { dom } from "../html.js";
import { invitedVendor, openLink } from "../portal/helpers.js";
import { postForm, signIn } from "../web.js";

describe("the audit log page", () => {
  it("says who did what in sentences with names, and keeps the codes in a detail", async () => {
    const { app, db, config } = buildTestApp();
    const { buyer, evaluationId, path } = await invitedVendor(db, config);
    const vendor = await openLink(app, path);
    await postForm(vendor, "/portal/sections/cfo", "/portal/sections/cfo", {
      q_cfo_licence: "125,000",
      rev_cfo_licence: "0",
    });
    const page = await (await signIn(app, buyer.email)).get(`/evaluations/${evaluationId}/audit`);
    const $ = dom(page.text);
    const rows = $("tbody tr")
      .map((_, tr) => ({
        who: $(tr).find("td").eq(1).text(),
        what: $(tr).find("td").eq(2).text(),
        codes: $(tr).find("details").text(),
      }))
      .get();
    const changed = rows.find((r) => r.codes.includes("answer.changed"))!;
    expect(changed.what).toMatch(/^Changed the answer to “[^”]+” for Acme AI\.$/);
    expect(changed.who).toMatch(/ \(Acme AI\)$/);
    const invited = rows.find((r) => r.codes.includes("vendor.invited"))!;
    expect(invited.what).toBe("Invited Acme AI (casey@acme.example).");
    expect(invited.who).toBe(db.prepare("SELECT name FROM users WHERE id = ?").pluck().get(buyer.id));
    // No row shows a bare code as its sentence, and every code is still on the page.
    for (const r of rows) expect(r.what).not.toMatch(/^[a-z_]+\.[a-z_]+$/);
    expect(
      $("details code")
        .map((_, c) => $(c).text())
        .get(),
    ).toEqual(expect.arrayContaining(["answer.changed", "vendor.invited"]));
  });
});
