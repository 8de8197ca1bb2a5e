import request from "supertest";
import { describe, expect, it } from "vitest";
import { answerHistory, listAnswers } from "../../src/answers/repo.js";
import { findVendor } from "../../src/vendors/repo.js";
import { buildTestApp } from "../helpers.js";
import { signIn, postForm, csrfOf } from "../web.js";
import { readPdf } from "../report/pdf-text.js";
import { autosave, delegatedPath, invitedVendor, openLink, sectionState } from "./helpers.js";
import { dom, pageText, textAt, textsAt } from "../html.js";

describe("vendor portal", () => {
  it("opens the link once, takes the token out of the address bar, and shows who asks, the due date and the sections", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const agent = request.agent(app);
    const open = await agent.get(path);
    expect(open.status).toBe(303);
    expect(open.headers.location).toBe("/portal");
    expect(open.headers["referrer-policy"]).toBe("no-referrer");
    const landing = await agent.get("/portal");
    expect(textAt(landing.text, "h1")).toBe("Document triage assistant");
    expect(pageText(landing.text)).toMatch(/has shortlisted Acme AI.*by 30 Jun 2099/);
    expect(textsAt(landing.text, "strong")).toEqual(expect.arrayContaining(["Acme AI", "30 Jun 2099"]));
    const $landing = dom(landing.text);
    const cto = $landing("h3").filter((_, e) => $landing(e).text() === "Engineering and architecture");
    expect(cto.next("span.muted").text()).toMatch(/^17 questions · about \d+ min/);
    expect(landing.text).toContain("How saving works");
    const words = landing.text.replace(/<[^>]+>/g, " ");
    expect(words).not.toMatch(/hidden cost|adjusted|estimate|red flag|ranking/i);
  });

  it("saves without JavaScript: valid answers are stored, a bad one is refused next to its field with what was typed kept", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const { csrf } = await sectionState(agent, "cfo", "cfo_licence");
    const res = await agent.post("/portal/sections/cfo").type("form").send({
      _csrf: csrf,
      q_cfo_implementation_fee: "120,000",
      rev_cfo_implementation_fee: "0",
      q_cfo_licence: "sixty thousand",
      rev_cfo_licence: "0",
      q_cfo_change_management: "partial",
      p_cfo_change_management: "",
      rev_cfo_change_management: "0",
      q_cfo_value_claim: "yes",
      rev_cfo_value_claim: "0",
    });
    expect(res.status).toBe(409);
    expect(res.text).toContain("Some answers were not saved");
    expect(textAt(res.text, "#q-cfo_licence-error")).toBe("Enter an amount as a number, e.g. 125000 or 125,000.50");
    expect(res.text).toContain('value="sixty thousand"');
    const stored = listAnswers(db, vendorId);
    expect(stored.get("cfo_implementation_fee")!.value).toBe(12_000_000);
    expect(stored.get("cfo_change_management")!.value).toEqual({ status: "partial" });
    expect(stored.get("cfo_licence")).toBeUndefined();
    // shows_if is evaluated on the server: the ROI follow-up appears once a value claim is made.
    const followUp = dom(res.text)("#q-cfo_roi_costs");
    expect([followUp.attr("data-type"), followUp.attr("hidden")]).toEqual(["multi_choice", undefined]);
    expect(findVendor(db, vendorId)!.status).toBe("in_progress");
  });

  it("autosaves one answer with its revision, and tells the second of two editors instead of overwriting", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId } = await invitedVendor(db, config);
    const alice = await openLink(app, path);
    const bob = await openLink(app, path);
    const a = await sectionState(alice, "cto", "cto_vendor_share");
    const b = await sectionState(bob, "cto", "cto_vendor_share");
    const first = await autosave(alice, a.csrf, "cto_vendor_share", { q: "40", revision: a.rev });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ saved: true, revision: 1 });
    const second = await autosave(bob, b.csrf, "cto_vendor_share", { q: "70", revision: b.rev });
    expect(second.status).toBe(409);
    expect(second.body.current).toMatchObject({ revision: 1, theirs: "40%" });
    expect(listAnswers(db, vendorId).get("cto_vendor_share")!.value).toBe(40);
    const keep = await autosave(bob, b.csrf, "cto_vendor_share", { q: "70", revision: 1 });
    expect(keep.body.revision).toBe(2);
    expect(answerHistory(db, vendorId, "cto_vendor_share").map((h) => h.value)).toEqual([70, 40]);
    const invalid = await autosave(alice, a.csrf, "cto_vendor_share", { q: "140", revision: 2 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.message).toBe("Must be at most 100");
  });

  it("reads a save's body by its media type, whatever its case and parameters, and no other", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const { csrf } = await sectionState(agent, "cto", "cto_vendor_share");
    const post = (type: string, body: string) =>
      agent
        .post("/portal/answers/cto_vendor_share")
        .set("x-csrf-token", csrf)
        .set("Accept", "application/json")
        .set("Content-Type", type)
        .send(body);
    expect((await post("Application/JSON ; charset=UTF-8", '{"q":"30","revision":0}')).body).toMatchObject({
      saved: true,
      revision: 1,
    });
    const form = await post("application/x-www-form-urlencoded", "q=35&revision=1");
    expect(form.body).toMatchObject({ saved: true, revision: 2 });
    for (const type of ["text/plain", "application/json-patch+json", "application/jsonx"]) {
      const refused = await post(type, '{"q":"90","revision":2}');
      expect(refused.status, type).toBe(400);
      expect(refused.body.error.fields, type).toEqual({
        revision: "must be the whole revision number the page was given",
      });
    }
    expect((await post("application/json; charset=latin1", '{"q":"90","revision":2}')).status).toBe(415);
    expect(listAnswers(db, vendorId).get("cto_vendor_share")!.value).toBe(35);
  });

  it("loses no update when two sessions save the same answer at once", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId } = await invitedVendor(db, config);
    const agents = await Promise.all(Array.from({ length: 8 }, () => openLink(app, path)));
    const states = await Promise.all(agents.map((g) => sectionState(g, "product", "product_review_effort")));
    const results = await Promise.all(
      agents.map((g, i) => autosave(g, states[i]!.csrf, "product_review_effort", { q: String(10 + i), revision: 0 })),
    );
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(7);
    const winner = 10 + results.indexOf(ok[0]!);
    expect(listAnswers(db, vendorId).get("product_review_effort")!.value).toBe(winner);
    expect(answerHistory(db, vendorId, "product_review_effort")).toHaveLength(1);
  });

  it("hands a section to a colleague whose link opens that section only; the main contact takes it back", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const main = await openLink(app, path);
    const landing = await main.get("/portal");
    const res = await main
      .post("/portal/delegations")
      .type("form")
      .send({ _csrf: csrfOf(landing.text), role: "cfo", name: "Fin Lead", email: "fin@acme.example" });
    expect(res.status).toBe(303);
    const outbox = db.prepare("SELECT to_addr, subject FROM email_outbox WHERE kind = 'delegation'").get() as {
      to_addr: string;
      subject: string;
    };
    expect(outbox).toEqual({
      to_addr: "fin@acme.example",
      subject: 'Casey Vendor asks you to answer the CFO and finance section for "Document triage assistant"',
    });
    const handed = (await main.get("/portal")).text;
    expect(pageText(handed)).toContain("Handed to Fin Lead");
    expect(textsAt(handed, "strong")).toContain("Fin Lead");
    const colleague = await openLink(
      app,
      delegatedPath(
        db,
        config,
        db.prepare("SELECT vendor_id FROM vendor_links WHERE role = 'cfo'").pluck().get() as number,
        "cfo",
      ),
    );
    expect((await colleague.get("/portal")).headers.location).toBe("/portal/sections/cfo");
    expect((await colleague.get("/portal/sections/cfo")).status).toBe(200);
    expect((await colleague.get("/portal/sections/cto")).status).toBe(404);
    const st = await sectionState(colleague, "cfo", "cfo_licence");
    expect((await autosave(colleague, st.csrf, "cto_vendor_share", { q: "10", revision: 0 })).status).toBe(404);
    expect((await colleague.get("/portal/review")).status).toBe(403);
    expect((await colleague.post("/portal/submit").type("form").send({ _csrf: st.csrf })).status).toBe(403);
  });

  it("lists what is missing, refuses to submit until it is answered, then locks the answers and gives a PDF copy with the hash", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId, evaluationId, buyer } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const review = await agent.get("/portal/review");
    expect(textAt(review.text, "p.lead")).toMatch(/^\d+ required questions are still unanswered\.$/);
    expect(review.text).toContain('href="/portal/sections/cto#q-cto_production_readiness"');
    const refused = await agent
      .post("/portal/submit")
      .type("form")
      .send({ _csrf: csrfOf((await agent.get("/portal")).text) });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Not submitted yet");
    // Answer everything required, as the demo's strongest vendor did.
    const demo = (await import("../../src/demo/demo-bundle.json", { with: { type: "json" } })).default as {
      vendors: { answers: Record<string, unknown> }[];
    };
    const { saveVendorAnswer } = await import("../../src/portal/service.js");
    for (const [k, v] of Object.entries(demo.vendors[1]!.answers))
      saveVendorAnswer(db, findVendor(db, vendorId)!, evaluationId, k, v as never, 0, "test");
    const ready = await agent.get("/portal/review");
    expect(ready.text).toContain("Every required question is answered.");
    expect(
      (
        await agent
          .post("/portal/submit")
          .type("form")
          .send({ _csrf: csrfOf(ready.text) })
      ).status,
    ).toBe(303);
    const v = findVendor(db, vendorId)!;
    expect(v.status).toBe("submitted");
    expect(v.submissionHash).toMatch(/^[0-9a-f]{64}$/);
    const landing = await agent.get("/portal");
    expect(landing.text).toContain("Your answers are read-only now.");
    const st = await sectionState(agent, "cto", "cto_vendor_share");
    expect(st.html).toContain("This questionnaire is read-only: it has been submitted.");
    expect((await autosave(agent, st.csrf, "cto_vendor_share", { q: "99", revision: 1 })).status).toBe(403);
    const pdf = await agent
      .get("/portal/copy.pdf")
      .buffer(true)
      .parse((res, cb) => {
        const c: Buffer[] = [];
        res.on("data", (d: Buffer) => c.push(d));
        res.on("end", () => cb(null, Buffer.concat(c)));
      });
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.headers["content-disposition"]).toBe(
      `attachment; filename="Acme AI - answers.pdf"; filename*=UTF-8''Acme%20AI%20%E2%80%94%20answers.pdf`,
    );
    const { text } = readPdf(pdf.body as Buffer, { layout: true });
    expect(text).toContain("Answers of Acme AI");
    expect(text).toContain(v.submissionHash!);
    expect(text).toContain("Runs on the buyer's infrastructure with standard components");
    expect(db.prepare("SELECT subject FROM email_outbox WHERE kind = 'submission_receipt'").pluck().get()).toBe(
      `Received: Acme AI's answers to "Document triage assistant"`,
    );
    // The buyer reopens with a reason the vendor sees; answers can change again.
    const buyerAgent = await signIn(app, buyer.email);
    await postForm(
      buyerAgent,
      `/evaluations/${evaluationId}/vendors/${vendorId}`,
      `/evaluations/${evaluationId}/vendors/${vendorId}/reopen`,
      { reason: "Please price the exit assistance separately." },
    );
    expect((await agent.get("/portal")).text).toContain(
      "The buyer reopened your questionnaire: Please price the exit assistance separately.",
    );
    const again = await sectionState(agent, "cfo", "cfo_exit_assistance");
    expect(
      (await autosave(agent, again.csrf, "cfo_exit_assistance", { q: "excluded", p: "30000", revision: again.rev }))
        .status,
    ).toBe(200);
  });

  it("shows a clarification on its question, takes the vendor's reply, and never shows internal notes", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId, evaluationId, buyer } = await invitedVendor(db, config);
    const b = await signIn(app, buyer.email);
    await postForm(
      b,
      `/evaluations/${evaluationId}/vendors/${vendorId}`,
      `/evaluations/${evaluationId}/vendors/${vendorId}/clarifications`,
      { questionKey: "cto_monitoring", visibility: "vendor", body: "Who watches drift after go-live?" },
    );
    await postForm(
      b,
      `/evaluations/${evaluationId}/vendors/${vendorId}`,
      `/evaluations/${evaluationId}/vendors/${vendorId}/clarifications`,
      { questionKey: "cto_monitoring", visibility: "internal", body: "Internal: their reference call was weak." },
    );
    const agent = await openLink(app, path);
    const landing = await agent.get("/portal");
    expect(landing.text).toContain("Runtime monitoring and alerting after go-live");
    expect(landing.text).toContain("waiting for your reply");
    const section = await agent.get("/portal/sections/cto");
    expect(section.text).toContain("Who watches drift after go-live?");
    expect(section.text).not.toContain("reference call was weak");
    const cid = /form id="reply-(\d+)"/.exec(section.text)![1];
    const reply = await agent
      .post(`/portal/clarifications/${cid}/reply`)
      .type("form")
      .send({ _csrf: csrfOf(section.text), body: "Our SRE team, 24/7, priced in the support fee." });
    expect(reply.status).toBe(303);
    const review = await b.get(`/evaluations/${evaluationId}/vendors/${vendorId}`);
    expect(review.text).toContain("Our SRE team, 24/7, priced in the support fee.");
    expect(review.text).toContain("Casey (vendor)");
  });

  it("lets the vendor decline with a reason the buyer sees", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId, evaluationId, buyer } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const landing = await agent.get("/portal");
    await agent
      .post("/portal/decline")
      .type("form")
      .send({ _csrf: csrfOf(landing.text), reason: "We do not serve this sector." });
    expect(findVendor(db, vendorId)!.status).toBe("declined");
    const b = await signIn(app, buyer.email);
    expect((await b.get(`/evaluations/${evaluationId}/vendors/${vendorId}`)).text).toContain(
      "Declined to respond: We do not serve this sector.",
    );
  });
});
