import { describe, expect, it } from "vitest";
import { listAnswers } from "../../src/answers/repo.js";
import { listVendors } from "../../src/vendors/repo.js";
import { importDemo, makeEvaluation, makeUser } from "../factories.js";
import { buildSharedApp } from "../helpers.js";
import { csrfOf, dom, pageText } from "../html.js";
import { delegatedPath, openLink } from "../portal/helpers.js";
import { postForm, signIn } from "../web.js";

const { app, db, config } = buildSharedApp();

describe("a vendor invited again", () => {
  it("starts from its last submitted answers, each marked to confirm, and submits only once each is confirmed", async () => {
    const demo = importDemo(db);
    const swift = listVendors(db, demo).find((v) => v.name === "Swiftpilot AI")!;
    const admin = await makeUser(db, "admin");
    const agent = await signIn(app, admin.email);
    const e = makeEvaluation(db, admin.id, { status: "open" });
    const res = await postForm(agent, `/evaluations/${e}`, `/evaluations/${e}/vendors`, {
      kind: "vendor",
      name: "Swiftpilot AI",
      contactName: swift.contactName,
      contactEmail: swift.contactEmail.toUpperCase(),
    });
    expect(res.status).toBe(303);
    const again = listVendors(db, e).find((v) => v.name === "Swiftpilot AI")!;
    const before = listAnswers(db, swift.id);
    const carried = listAnswers(db, again.id);
    expect(carried.size).toBeGreaterThan(20);
    for (const [k, a] of carried) {
      expect(a.value, k).toEqual(before.get(k)!.value);
      expect(a.carriedFrom).toBe("Claims intake assistant — production rollout (demo)");
    }
    const log = await agent.get(`/evaluations/${e}/audit`);
    expect(pageText(log.text)).toMatch(
      /Started Swiftpilot AI from its \d+ answers submitted to “Claims intake assistant/,
    );

    const vendor = await openLink(app, delegatedPath(db, config, again.id, null as never));
    const section = await vendor.get("/portal/sections/cto");
    expect(section.status, pageText(section.text).slice(0, 300)).toBe(200);
    const $ = dom(section.text);
    expect($("#q-cto_monitoring .carried").text()).toContain("carried over — confirm");
    // Submitting waits for every carried answer.
    const review = await vendor.get("/portal/review");
    expect(pageText(review.text)).toContain("carried over from your answers to another questionnaire");
    const refused = await vendor
      .post("/portal/submit")
      .type("form")
      .send({ _csrf: csrfOf(section.text) });
    expect(pageText(refused.text)).toContain(
      "the answers carried over from another questionnaire below wait for you to confirm them",
    );
    // Confirming one clears its mark; changing another clears it too.
    const ok = await vendor
      .post("/portal/answers/cto_monitoring/confirm")
      .type("form")
      .send({ _csrf: csrfOf(section.text) });
    expect(ok.status).toBe(303);
    expect(listAnswers(db, again.id).get("cto_monitoring")!.carriedFrom).toBeNull();
    const left = [...listAnswers(db, again.id)].filter(([, a]) => a.carriedFrom).length;
    expect(left).toBe(carried.size - 1);
  });
});
