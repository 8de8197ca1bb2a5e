import { describe, expect, it } from "vitest";
import { answerHistory, listAnswers } from "../../src/answers/repo.js";
import { exportBundle } from "../../src/bundles/export.js";
import { importBundle } from "../../src/bundles/import.js";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { saveVendorAnswer } from "../../src/portal/service.js";
import { comparisonReport } from "../../src/report/pdf.js";
import { reportData } from "../../src/report/data.js";
import { findVendor } from "../../src/vendors/repo.js";
import { buildTestApp } from "../helpers.js";
import { signIn } from "../web.js";
import { readPdf } from "../report/pdf-text.js";
import { autosave, invitedVendor, openLink, sectionState } from "./helpers.js";
import { csrfOf, dom, pageText, textAt } from "../html.js";
import demo from "../../src/demo/demo-bundle.json" with { type: "json" };

const REASON = "Depends on the pilot's document volumes";

/** A vendor that answered every required question as the demo's strongest vendor did. */
async function answeredVendor() {
  const t = buildTestApp();
  const v = await invitedVendor(t.db, t.config);
  for (const [k, value] of Object.entries(demo.vendors[1]!.answers))
    saveVendorAnswer(t.db, findVendor(t.db, v.vendorId)!, v.evaluationId, k, value as never, 0, "test");
  return { ...t, ...v };
}

describe("an answer not known yet", () => {
  it("is saved without JavaScript with its reason, counted apart, and asks for a reason when there is none", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const { csrf } = await sectionState(agent, "cfo", "cfo_licence");
    const refused = await agent.post("/portal/sections/cfo").type("form").send({
      _csrf: csrf,
      nk_cfo_licence: "1",
      nkr_cfo_licence: "  ",
      rev_cfo_licence: "0",
      q_cfo_implementation_fee: "120000",
      nk_cfo_implementation_fee: "1",
      nkr_cfo_implementation_fee: "Not priced yet",
      rev_cfo_implementation_fee: "0",
    });
    expect(refused.status).toBe(409);
    expect(textAt(refused.text, "#q-cfo_licence-error")).toMatch(/^Say in a few words why the answer is not known yet/);
    expect(textAt(refused.text, "#q-cfo_implementation_fee-error")).toMatch(/^Either answer or tick “Not known yet”/);
    // What was typed stays: the ticked boxes, the reason and the amount.
    const $ = dom(refused.text);
    expect($("#q-cfo_licence-nk").attr("checked")).toBeDefined();
    expect($("#q-cfo_implementation_fee-nkr").val()).toBe("Not priced yet");
    expect($("#q-cfo_implementation_fee-input").val()).toBe("120000");
    expect(listAnswers(db, vendorId).size).toBe(0);

    const saved = await agent
      .post("/portal/sections/cfo")
      .type("form")
      .send({
        _csrf: csrf,
        nk_cfo_licence: "1",
        nkr_cfo_licence: `  ${REASON}\n`,
        rev_cfo_licence: "0",
      });
    expect(saved.status).toBe(303);
    const stored = listAnswers(db, vendorId).get("cfo_licence")!;
    expect([stored.value, stored.notKnown, stored.revision]).toEqual([null, REASON, 1]);
    const page = await agent.get("/portal/sections/cfo");
    expect(dom(page.text)("#q-cfo_licence-nk").attr("checked")).toBeDefined();
    expect(dom(page.text)("#q-cfo_licence-nkr").val()).toBe(REASON);
    expect(textAt(page.text, ".sticky-progress p")).toMatch(/^0 of \d+ required questions answered, 1 not known yet/);
    expect(pageText((await agent.get("/portal")).text)).toMatch(
      /0 of \d+ required questions answered, 1 not known yet/,
    );
  });

  it("autosaves as the page's script does; an answer given later replaces it, and the history keeps both", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const { csrf } = await sectionState(agent, "cto", "cto_vendor_share");
    const marked = await agent
      .post("/portal/answers/cto_vendor_share")
      .set("x-csrf-token", csrf)
      .set("Accept", "application/json")
      .send({ q: "", nk: true, nkr: REASON, revision: 0 });
    expect(marked.status).toBe(200);
    expect(marked.body.progress.notKnown).toBe(1);
    const tooLong = await agent
      .post("/portal/answers/cto_vendor_share")
      .set("x-csrf-token", csrf)
      .set("Accept", "application/json")
      .send({ nk: true, nkr: "x".repeat(501), revision: 1 });
    expect([tooLong.status, tooLong.body.error.message]).toEqual([
      422,
      "Keep the reason under 500 characters (it has 501)",
    ]);
    const answered = await autosave(agent, csrf, "cto_vendor_share", { q: "40", revision: 1 });
    expect(answered.status).toBe(200);
    expect(answered.body.progress.notKnown).toBeUndefined();
    expect(listAnswers(db, vendorId).get("cto_vendor_share")!.notKnown).toBeNull();
    expect(answerHistory(db, vendorId, "cto_vendor_share").map((h) => [h.value, h.notKnown])).toEqual([
      [40, null],
      [null, REASON],
    ]);
  });

  it("is priced exactly as silence, and the buyer reads it as not known yet with its reason", async () => {
    const { app, db, vendorId, evaluationId, buyer } = await answeredVendor();
    const key = "cfo_licence";
    const total = () => scoreEvaluation(db, evaluationId)!.result.vendors[0]!;
    const rev = listAnswers(db, vendorId).get(key)!.revision;
    saveVendorAnswer(db, findVendor(db, vendorId)!, evaluationId, key, null, rev, "test");
    const silent = total();
    saveVendorAnswer(db, findVendor(db, vendorId)!, evaluationId, key, null, rev + 1, "test", undefined, REASON);
    const unknown = total();
    expect(unknown.adjustedTotal).toBe(silent.adjustedTotal);
    expect(unknown.lines).toEqual(silent.lines);
    expect(unknown.flags).toEqual(silent.flags);

    const agent = await signIn(app, buyer.email);
    const review = await agent.get(`/evaluations/${evaluationId}/vendors/${vendorId}`);
    const row = dom(review.text)(`#q-${key}`);
    expect(row.find(".badge").first().text()).toBe("not known yet");
    expect(row.find("strong").first().text()).toBe(`Not known yet: ${REASON}`);
    const comparison = await agent.get(`/evaluations/${evaluationId}/comparison`);
    expect(pageText(comparison.text)).toContain("It marked one answer “not known yet”, priced as if unanswered.");
    const api = await agent.get(`/api/evaluations/${evaluationId}/vendors/${vendorId}/answers`);
    expect(api.body.answers[key]).toMatchObject({ value: null, notKnown: REASON });

    const { text } = readPdf(await comparisonReport(reportData(db, evaluationId, "test")!));
    const flat = text.replace(/\s+/g, " ");
    expect(flat).toContain("marked “not known yet” by the vendor, priced as unanswered");
    expect(flat).toContain(REASON);
  });

  it("may be submitted unless the evaluation asks for every answer first", async () => {
    const { app, db, path, vendorId, evaluationId } = await answeredVendor();
    const key = "cto_vendor_share";
    const rev = listAnswers(db, vendorId).get(key)!.revision;
    saveVendorAnswer(db, findVendor(db, vendorId)!, evaluationId, key, null, rev, "test", undefined, REASON);
    db.prepare("UPDATE evaluations SET settings = json_set(settings, '$.notKnownBlocksSubmit', json('true'))").run();
    const agent = await openLink(app, path);
    const review = await agent.get("/portal/review");
    expect(textAt(review.text, "p.lead")).toBe(
      "This buyer asks for an answer to every required question before you submit: 1 is marked “not known yet”.",
    );
    expect(dom(review.text)(`a[href="/portal/sections/cto#q-${key}"]`).length).toBeGreaterThan(0);
    const csrf = csrfOf((await agent.get("/portal")).text);
    const refused = await agent.post("/portal/submit").type("form").send({ _csrf: csrf });
    expect(refused.status).toBe(400);
    expect(textAt(refused.text, ".flash-error")).toContain("needs an answer to each question marked “not known yet”");
    expect(findVendor(db, vendorId)!.status).toBe("in_progress");

    db.prepare("UPDATE evaluations SET settings = json_remove(settings, '$.notKnownBlocksSubmit')").run();
    const allowed = await agent.get("/portal/review");
    expect(textAt(allowed.text, "p.lead")).toMatch(
      /^Every required question is answered or marked “not known yet” \(1\)/,
    );
    expect(pageText(allowed.text)).toContain(`Not known yet: ${REASON}`);
    const sent = await agent
      .post("/portal/submit")
      .type("form")
      .send({ _csrf: csrfOf(allowed.text) });
    expect(sent.status).toBe(303);
    expect(findVendor(db, vendorId)!.status).toBe("submitted");
  });

  it("travels in a bundle, and an answer that is also marked not known is refused", async () => {
    const { db, vendorId, evaluationId } = await answeredVendor();
    const key = "cto_vendor_share";
    const rev = listAnswers(db, vendorId).get(key)!.revision;
    saveVendorAnswer(db, findVendor(db, vendorId)!, evaluationId, key, null, rev, "test", undefined, REASON);
    const bundle = exportBundle(db, evaluationId)!;
    expect(bundle.vendors[0]!.notKnown).toEqual({ [key]: REASON });
    const copy = importBundle(db, JSON.stringify(bundle), "test");
    const copied = scoreEvaluation(db, copy)!;
    expect(copied.notKnown.get(String(copied.vendors[0]!.id))).toEqual({ [key]: REASON });
    expect(JSON.stringify(exportBundle(db, copy))).toBe(JSON.stringify(bundle));
    const both = structuredClone(bundle);
    both.vendors[0]!.answers![key] = 40;
    expect(() => importBundle(db, JSON.stringify(both), "test")).toThrow(/an answer is either given or not known yet/);
  });
});
