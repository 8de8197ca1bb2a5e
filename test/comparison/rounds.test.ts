import { afterAll, describe, expect, it } from "vitest";
import { listClarifications } from "../../src/clarifications/repo.js";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { money } from "../../src/format.js";
import { closeReportPool } from "../../src/report/service.js";
import { render } from "../../src/report/worker.js";
import { listRounds } from "../../src/rounds/repo.js";
import { findVendor } from "../../src/vendors/repo.js";
import { importDemo, makeUser } from "../factories.js";
import { buildSharedApp } from "../helpers.js";
import { csrfOf, dom, pageText } from "../html.js";
import { autosave, delegatedPath, openLink, sectionState } from "../portal/helpers.js";
import { readPdf } from "../report/pdf-text.js";
import { postForm, signIn } from "../web.js";

afterAll(() => closeReportPool());

const { app, db, config } = buildSharedApp();

describe("a revision round", () => {
  it("sends ticked asks, reopens only those questions, and compares the two rounds once resubmitted", async () => {
    const e = importDemo(db);
    const buyer = await makeUser(db, "admin");
    const agent = await signIn(app, buyer.email);
    const before = scoreEvaluation(db, e)!.result;
    const swift = before.vendors.find((v) => v.name === "Swiftpilot AI")!;
    const vid = Number(swift.vendorId);
    expect(swift.adjustedRank).toBe(2);
    const from = `/evaluations/${e}/comparison`;
    const page = dom((await agent.get(from)).text);
    expect(page(`#asks-${vid} input[name=keys]`).length).toBe(swift.asks.length);

    // Nothing ticked: refused, nothing sent.
    const none = await postForm(agent, from, `/evaluations/${e}/vendors/${vid}/rounds`, {});
    expect(none.status).toBe(400);
    expect(pageText(none.text)).toContain("Tick at least one ask to send");

    // The coverage asks, enough of them to move the ranking when granted.
    const keys = swift.asks.filter((a) => typeof a.answer === "object").map((a) => a.questionKey);
    const sent = await postForm(agent, from, `/evaluations/${e}/vendors/${vid}/rounds`, { keys });
    expect(sent.status).toBe(303);
    expect(findVendor(db, vid)!.status).toBe("in_progress");
    const clar = listClarifications(db, vid, { vendorView: true }).filter((c) =>
      c.messages[0]!.body.startsWith("Revision round 2: "),
    );
    expect(clar.map((c) => c.questionKey).sort()).toEqual([...keys].sort());
    // The vendor sees the ask, never the buyer's figures.
    for (const c of clar) expect(c.messages[0]!.body).not.toMatch(/€|saving|rank/i);
    const mail = db
      .prepare("SELECT subject FROM email_outbox WHERE vendor_id = ? AND kind = 'revision_round'")
      .pluck()
      .all(vid) as string[];
    expect(mail).toEqual([
      `Revision round 2: ${keys.length} questions reopened for "${before.vendors.length && "Claims intake assistant — production rollout (demo)"}"`,
    ]);
    // A second round cannot open while this one is open.
    const second = await postForm(agent, from, `/evaluations/${e}/vendors/${vid}/rounds`, { keys });
    expect(second.status).toBe(400);
    expect(pageText(second.text)).toContain("Swiftpilot AI has not submitted");
    expect(listRounds(db, e)).toHaveLength(1);

    // The vendor may change only the reopened questions.
    const vendor = await openLink(app, delegatedPath(db, config, vid, "cto"));
    const reopened = keys.find((k) => k.startsWith("cto_"))!;
    const cto = scoreEvaluation(db, e)!.set.sections.find((x) => x.role === "cto")!.questions;
    const other = cto.find((q) => q.type === "coverage" && !keys.includes(q.key))!.key;
    const s = await sectionState(vendor, "cto", reopened);
    expect(dom(s.html)(`[name=q_${other}]`).first().is("[disabled]")).toBe(true);
    expect(pageText(s.html)).toContain("Revision round 2: the buyer reopened");
    const refused = await autosave(vendor, s.csrf, other, { q: "included", revision: 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("this answer stays as submitted");

    // The main contact revises every reopened answer to "included" and submits again.
    const main = await openLink(app, delegatedPath(db, config, vid, null as never));
    for (const k of keys) {
      const role = k.split("_")[0] === "proc" ? "procurement" : k.split("_")[0]!;
      const st = await sectionState(main, role, k);
      const ok = await autosave(main, st.csrf, k, { q: "included", revision: st.rev });
      expect(ok.status, `${k}: ${JSON.stringify(ok.body)}`).toBe(200);
    }
    const review = await main.get("/portal/review");
    const submitted = await main
      .post("/portal/submit")
      .type("form")
      .send({ _csrf: csrfOf(review.text) });
    expect(submitted.status).toBe(303);
    expect(findVendor(db, vid)!.status).toBe("submitted");

    // Round 1 against round 2: the page's figures are the difference of the two rounds' model outputs.
    const [round] = listRounds(db, e);
    expect(round!.status).toBe("resubmitted");
    const after = scoreEvaluation(db, e)!.result;
    const now = after.vendors.find((v) => v.vendorId === swift.vendorId)!;
    expect(now.adjustedRank).toBe(1);
    const cmp = dom((await agent.get(from)).text);
    const card = pageText(cmp("section.round").first().html()!);
    expect(card).toContain(
      `Swiftpilot AI's total falls from ${money(swift.adjustedTotal!, "EUR")} to ${money(now.adjustedTotal!, "EUR")} (−${money(swift.adjustedTotal! - now.adjustedTotal!, "EUR")})`,
    );
    expect(card).toContain("it moves from second to cheapest; the ranking moved");
    const audit = db
      .prepare("SELECT detail FROM audit_log WHERE evaluation_id = ? AND action = 'round.resubmitted'")
      .pluck()
      .get(e) as string;
    expect(JSON.parse(audit)).toMatchObject({
      round: 2,
      totalBefore: swift.adjustedTotal,
      totalAfter: now.adjustedTotal,
      rankBefore: 2,
      rankAfter: 1,
      rankingMoved: true,
    });
    // The report prints the rounds too; round 1 stays readable from its kept input.
    const pdf = readPdf(
      Buffer.from((await render(db, { evaluationId: e, generatedBy: "T", now: new Date().toISOString() }))!.pdf),
    );
    expect(pdf.text.replace(/\s+/g, " ")).toContain("Swiftpilot AI: round 1 against round 2");
    expect(round!.before.find((v) => v.id === swift.vendorId)!.answers[reopened]).toEqual(
      before.vendors.find((v) => v.vendorId === swift.vendorId)!.lines.find((l) => l.questionKey === reopened)!.answer,
    );
  }, 120_000);
});
