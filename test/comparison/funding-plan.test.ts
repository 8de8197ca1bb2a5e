import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { money } from "../../src/format.js";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import type { VendorResult } from "../../src/model/index.js";
import { closeReportPool } from "../../src/report/service.js";
import { render } from "../../src/report/worker.js";
import { importDemo, makeUser } from "../factories.js";
import { buildSharedApp } from "../helpers.js";
import { dom, pageText, textsAt } from "../html.js";
import { readPdf } from "../report/pdf-text.js";
import { fieldError, getBytes, postForm, signIn } from "../web.js";

afterAll(() => closeReportPool());

const { app, db } = buildSharedApp();

/** CSV rows as records (no field of these rows holds a comma inside quotes but the labels, which are quoted). */
function records(csv: string): Record<string, string>[] {
  const lines = csv
    .replace(/^\uFEFF/, "")
    .trim()
    .split("\r\n");
  const split = (l: string) => [...l.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].map((m) => m[1]!.replace(/^"|"$/g, ""));
  const head = split(lines[0]!);
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((x, i) => [head[i], x])));
}

/** Major units as in the CSV to integer minor units, exactly. */
const minor = (s: string) => Math.round(Number(s) * 100);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function setUp() {
  const e = importDemo(db);
  const admin = await makeUser(db, "admin");
  const agent = await signIn(app, admin.email);
  const r = scoreEvaluation(db, e)!.result;
  const leader = r.vendors.find((v) => v.vendorId === r.ranking.adjusted[0])!;
  return { e, agent, r, leader, admin };
}

describe("the funding plan and the negotiation asks", () => {
  it("page, CSV, JSON and the funding request PDF print the model's stages to the minor unit", async () => {
    const { e, agent, r, leader } = await setUp();
    const page = await agent.get(`/evaluations/${e}/comparison`);
    expect(page.status).toBe(200);
    const $ = dom(page.text);
    // The default option is the cheapest ranked vendor; its stage rows carry the model's totals.
    expect($("#f-plan option[selected]").text()).toBe(leader.name);
    const rows = $('[aria-label^="Funding plan of"] tbody tr')
      .map((_, tr) => $(tr).find("td").eq(-3).find("strong").text())
      .get();
    expect(rows).toEqual([
      ...leader.stages.map((s) => money(s.total, r.currency)),
      money(leader.adjustedTotal!, r.currency),
    ]);
    expect(sum(leader.stages.map((s) => s.total))).toBe(leader.adjustedTotal);

    // The rows finance imports add up to every vendor's stages and total, nominal and present value.
    const csv = await agent.get(`/evaluations/${e}/funding-plan.csv`);
    expect(csv.headers["content-type"]).toMatch(/text\/csv/);
    const rec = records(csv.text);
    for (const v of r.vendors) {
      const own = rec.filter((x) => x.vendor_id === v.vendorId);
      expect(sum(own.map((x) => minor(x.amount!)))).toBe(v.pricedTotal);
      expect(sum(own.map((x) => minor(x.present_value!)))).toBe(sum(v.lines.map((l) => l.presentValue)));
      for (const s of v.stages)
        expect(sum(own.filter((x) => x.stage === s.phase).map((x) => minor(x.amount!)))).toBe(s.total);
      expect(new Set(own.map((x) => x.cost_type))).not.toContain("");
    }

    // The JSON API gives the model's stages as they are.
    const plan = (await agent.get(`/api/evaluations/${e}/plan`)).body as {
      options: { vendorId: string; stages: VendorResult["stages"]; default: boolean }[];
    };
    for (const v of r.vendors) expect(plan.options.find((o) => o.vendorId === v.vendorId)!.stages).toEqual(v.stages);
    expect(plan.options.filter((o) => o.default).map((o) => o.vendorId)).toEqual([leader.vendorId]);
    expect((await agent.get(`/api/evaluations/${e}/plan?vendor=999`)).status).toBe(404);

    // The funding request prints the same stage figures, and its option's name in the title.
    const pdf = await getBytes(agent, `/evaluations/${e}/funding-request.pdf?vendor=${leader.vendorId}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers["content-disposition"]).toContain("funding%20request");
    const read = readPdf(pdf.body as Buffer);
    expect(read.info).toMatch(/Tagged:\s+yes/);
    expect(read.info).toContain(`funding request: ${leader.name}`);
    for (const s of leader.stages) expect(read.text).toContain(`${s.label} — ${money(s.total, r.currency)}`);
    expect(Number(/Pages:\s+(\d+)/.exec(read.info)![1])).toBeLessThanOrEqual(3);
    expect((await agent.get(`/evaluations/${e}/funding-request.pdf?vendor=abc`)).status).toBe(404);
    // Recorded with the hash of the bytes that left Truecost.
    const sha = createHash("sha256")
      .update(pdf.body as Buffer)
      .digest("hex");
    const logged = db
      .prepare("SELECT detail FROM audit_log WHERE evaluation_id = ? AND action = 'funding.request_generated'")
      .pluck()
      .all(e) as string[];
    expect(logged.map((d) => JSON.parse(d).sha256)).toEqual([sha]);
  }, 60_000);

  it("asks on the page, in the JSON and in the negotiation brief agree, dearest first", async () => {
    const { e, agent, r } = await setUp();
    const v = r.vendors.find((x) => x.asks.length > 1)!;
    const page = await agent.get(`/evaluations/${e}/comparison`);
    const shown = textsAt(page.text, `#asks-${v.vendorId} tbody tr td.saving`);
    expect(shown).toEqual(v.asks.map((a) => `−${money(a.saving, r.currency)}`));
    const json = (await agent.get(`/api/evaluations/${e}/vendors/${v.vendorId}/asks`)).body as {
      asks: { questionKey: string; saving: number; sentence: string }[];
    };
    expect(json.asks.map((a) => [a.questionKey, a.saving])).toEqual(v.asks.map((a) => [a.questionKey, a.saving]));
    // Ordered by saving, each an amount over the horizon.
    const savings = json.asks.map((a) => a.saving);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
    expect(json.asks[0]!.sentence).toMatch(
      new RegExp(`: −${money(savings[0]!, r.currency).replace(/[€,]/g, ".")} over 3 years; today `),
    );

    const brief = await getBytes(agent, `/evaluations/${e}/vendors/${v.vendorId}/negotiation-brief.pdf`);
    expect(brief.status).toBe(200);
    const text = readPdf(brief.body as Buffer).text.replace(/\s+/g, " ");
    expect(text).toContain("never this brief");
    for (const a of v.asks) expect(text).toContain(a.questionKey);
    expect(text).toContain(`−${money(v.asks[0]!.saving, r.currency)}`);
    expect((await agent.get(`/evaluations/${e}/vendors/999/negotiation-brief.pdf`)).status).toBe(404);
  }, 60_000);

  it("records tranches in order, audits them, and prints them in the plan, the funding request and the report", async () => {
    const { e, agent, leader } = await setUp();
    const from = `/evaluations/${e}/comparison`;
    const bad = await postForm(agent, from, `/evaluations/${e}/tranches`, {
      vendorId: leader.vendorId,
      throughPhase: "later",
    });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, "throughPhase")).toBe("Choose the last stage this tranche funds");
    const ok = await postForm(agent, from, `/evaluations/${e}/tranches`, {
      vendorId: leader.vendorId,
      throughPhase: "implementation",
      note: "Rollout when gate 2 is met",
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/evaluations/${e}/comparison?plan=${leader.vendorId}#funding-plan`);
    // Funding an earlier stage again is refused next to the field, and what was typed stays.
    const again = await postForm(agent, from, `/evaluations/${e}/tranches`, {
      vendorId: leader.vendorId,
      throughPhase: "discovery",
      note: "typed text",
    });
    expect(again.status).toBe(400);
    expect(fieldError(again.text, "throughPhase")).toBe("Stages 1 to 2 are already funded: choose a later stage");
    expect(dom(again.text)("#f-note").text()).toBe("typed text");
    // A vendor whose total cannot be compared cannot be funded.
    const r = scoreEvaluation(db, e)!.result;
    const open = r.vendors.find((v) => v.adjustedTotal === null);
    if (open) {
      const refused = await postForm(agent, from, `/evaluations/${e}/tranches`, {
        vendorId: open.vendorId,
        throughPhase: "discovery",
      });
      expect(fieldError(refused.text, "throughPhase")).toMatch(/cannot be compared yet/);
    }

    const page = await agent.get(ok.headers.location!);
    const $ = dom(page.text);
    expect($("#stage-discovery").hasClass("funded")).toBe(true);
    expect($("#stage-implementation").hasClass("funded")).toBe(true);
    expect($("#stage-rollout").hasClass("funded")).toBe(false);
    expect(pageText($("#stage-rollout").html()!)).toContain("Released when gate 2 is met");
    const audit = db
      .prepare("SELECT detail FROM audit_log WHERE evaluation_id = ? AND action = 'funding.tranche_approved'")
      .pluck()
      .all(e) as string[];
    expect(audit.map((d) => JSON.parse(d).throughPhase)).toEqual(["implementation"]);
    const log = await agent.get(`/evaluations/${e}/audit`);
    expect(pageText(log.text)).toContain(
      `Funded ${leader.name}'s plan through “Governed implementation”: Rollout when gate 2 is met.`,
    );

    const pdf = readPdf(
      (await getBytes(agent, `/evaluations/${e}/funding-request.pdf?vendor=${leader.vendorId}`)).body as Buffer,
    );
    const report = readPdf(
      Buffer.from((await render(db, { evaluationId: e, generatedBy: "T", now: new Date().toISOString() }))!.pdf),
    );
    expect(report.text.replace(/\s+/g, " ")).toContain(`Funding plan: ${leader.name}`);
    expect(report.text.replace(/\s+/g, " ")).toMatch(/funded stages 1 to 2 \(through governed implementation\)/);
    expect(pdf.text.replace(/\s+/g, " ")).toMatch(
      /funded stages 1 to 2 \(through governed implementation\)\. Rollout when gate 2 is met\./,
    );
  }, 60_000);
});
