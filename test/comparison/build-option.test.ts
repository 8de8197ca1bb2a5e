import { describe, expect, it } from "vitest";
import { exportBundle } from "../../src/bundles/export.js";
import { importBundle } from "../../src/bundles/import.js";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { listVendors } from "../../src/vendors/repo.js";
import { importDemo, makeUser } from "../factories.js";
import { buildTestApp } from "../helpers.js";
import { dom, pageText } from "../html.js";
import { fieldError, postForm, signIn } from "../web.js";

describe("a build option", () => {
  it("is added like a vendor, answered through the same questionnaire, and compared side by side", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const agent = await signIn(app, admin.email);
    const e = importDemo(db);
    const from = `/evaluations/${e}`;
    const bad = await postForm(agent, from, `/evaluations/${e}/vendors`, {
      kind: "outsourced",
      name: "Build in-house",
      contactName: "Ada Okafor",
      contactEmail: "ada@buyer.example",
    });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, "kind")).toBe("Choose what this option is");
    expect(dom(bad.text)("#f-name").val()).toBe("Build in-house");
    const ok = await postForm(agent, from, `/evaluations/${e}/vendors`, {
      kind: "build",
      name: "Build in-house",
      contactName: "Ada Okafor",
      contactEmail: "ada@buyer.example",
      invite: "on",
    });
    expect(ok.status).toBe(303);
    const build = listVendors(db, e).find((v) => v.name === "Build in-house")!;
    expect(build.kind).toBe("build");
    // The team gets the questionnaire link like a vendor does.
    const mail = db.prepare("SELECT kind FROM email_outbox WHERE vendor_id = ?").pluck().all(build.id);
    expect(mail).toContain("invitation");
    const r = scoreEvaluation(db, e)!.result;
    expect(r.vendors.find((v) => v.vendorId === String(build.id))!.kind).toBe("build");
    const page = dom((await agent.get(`/evaluations/${e}/comparison`)).text);
    const row = page("tbody tr").filter((_, tr) => page(tr).text().includes("Build in-house"));
    expect(pageText(row.first().html()!)).toContain("in-house build");
    expect(
      page("#f-plan option")
        .toArray()
        .map((o) => page(o).text()),
    ).toContain("Build in-house (in-house build)");
    // The kind travels in bundles; a vendor's offer stays as before.
    const bundle = exportBundle(db, e)! as unknown as { vendors: { name: string; kind?: string }[] };
    expect(bundle.vendors.find((v) => v.name === "Build in-house")!.kind).toBe("build");
    expect(bundle.vendors.find((v) => v.name === "Swiftpilot AI")!.kind).toBeUndefined();
    const copy = importBundle(db, JSON.stringify(bundle), "test");
    expect(listVendors(db, copy).find((v) => v.name === "Build in-house")!.kind).toBe("build");
  });
});
