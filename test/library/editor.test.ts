import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QUESTION_TYPES } from "../../src/domain.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { contentHash, loadQuestionSetFile, parseQuestionSet } from "../../src/questions/loader.js";
import { importQuestionSet } from "../../src/library/import.js";
import { createDraft, findDraft } from "../../src/library/repo.js";
import { rawOf } from "../../src/library/raw.js";
import { ROOT } from "../../src/paths.js";
import { findQuestionSetRow, getQuestionSet, latestQuestionSets, storeQuestionSet } from "../../src/questions/repo.js";
import { makeEvaluation, makeUser } from "../factories.js";
import { buildTestApp, tempDir } from "../helpers.js";
import { csrfOf, dom } from "../html.js";
import { fieldError, signIn, type Agent } from "../web.js";

/** What a browser sends for a form as it stands on the page: every field's current value. */
function formValues(html: string, selector: string): Record<string, string> {
  const $ = dom(html);
  const out: Record<string, string> = {};
  $(selector)
    .find("input, select, textarea")
    .each((_, el) => {
      const e = $(el);
      const name = e.attr("name");
      if (!name) return;
      if (e.attr("type") === "checkbox") {
        if (e.attr("checked") !== undefined) out[name] = e.attr("value") ?? "on";
      } else if (el.tagName === "select") out[name] = e.find("option[selected]").attr("value") ?? "";
      else if (el.tagName === "textarea") out[name] = e.text();
      else out[name] = e.attr("value") ?? "";
    });
  return out;
}

async function adminWithDraft() {
  const t = buildTestApp();
  const admin = await makeUser(t.db, "admin");
  const agent = await signIn(t.app, admin.email);
  const base = latestQuestionSets(t.db).find((s) => s.setKey === "ai_production")!;
  const index = await agent.get("/library");
  const started = await agent
    .post("/library/drafts")
    .type("form")
    .send({ _csrf: csrfOf(index.text), from: String(base.id) });
  expect(started.status).toBe(303);
  return { ...t, admin, agent, base, draft: started.headers.location as string };
}

/** Opens a question's form, changes some fields, and posts the whole form as a browser would. */
async function editQuestion(agent: Agent, url: string, change: Record<string, string | undefined>) {
  const page = await agent.get(url);
  expect(page.status, page.text.slice(0, 200)).toBe(200);
  const values = formValues(page.text, "form.editor-form");
  for (const [k, v] of Object.entries(change)) {
    if (v === undefined) delete values[k];
    else values[k] = v;
  }
  return agent.post(url).type("form").send(values);
}

describe("the question set editor", () => {
  it("round-trips: edit, publish, export, load gives the same set and the same version hash", async () => {
    const { db, agent, base, draft } = await adminWithDraft();
    const set = getQuestionSet(db, base.id);
    const n = set.sections[0]!.questions.findIndex((q) => q.key === "cto_monitoring");
    const saved = await editQuestion(agent, `${draft}/questions/cto/${n}`, {
      text: "Runtime monitoring after go-live: quality drift, latency, cost and failures, with alerts",
      refs: "nist_ai_rmf: MEASURE 2.4\niso_42001: A.6.2.6",
      flags: "implementation_without_operation high excluded, deferred\ngovernance_deferred medium unanswered",
    });
    expect(saved.status, fieldError(saved.text, "_form")).toBe(303);
    const page = await agent.get(draft);
    expect(dom(page.text)("#problems h2").text()).toBe("Ready to publish");
    const published = await agent
      .post(`${draft}/publish`)
      .type("form")
      .send({ _csrf: csrfOf(page.text) });
    expect(published.status).toBe(303);
    const id = Number(/\/library\/sets\/(\d+)/.exec(published.headers.location as string)![1]);
    const row = findQuestionSetRow(db, id)!;
    expect([row.setKey, row.version]).toEqual(["ai_production", base.version + 1]);
    const edited = getQuestionSet(db, id);
    const q = edited.sections[0]!.questions[n]!;
    expect(q.refs).toEqual({ nist_ai_rmf: ["MEASURE 2.4"], iso_42001: ["A.6.2.6"] });
    expect(q.flags).toEqual([
      { flag: "implementation_without_operation", severity: "high", when: ["excluded", "deferred"] },
      { flag: "governance_deferred", severity: "medium", when: ["unanswered"] },
    ]);
    // Everything else is as it was.
    const { sections: _a, ...restEdited } = edited;
    const { sections: _b, ...restBase } = set;
    expect(restEdited).toEqual(restBase);
    expect(edited.sections.slice(1)).toEqual(set.sections.slice(1));

    const exported = await agent.get(`/library/sets/${id}/export.yaml`);
    expect(exported.status).toBe(200);
    const yaml = exported.text;
    expect(contentHash(yaml)).toBe(row.contentHash);
    expect(parseQuestionSet(yaml, "x.yaml")).toEqual(edited);
    const file = join(tempDir(), "exported.yaml");
    writeFileSync(file, yaml);
    const loaded = loadQuestionSetFile(file);
    expect(loaded.hash).toBe(row.contentHash);
    expect(storeQuestionSet(db, loaded)).toEqual({ id, created: false });
    // A version loaded from questions/ exports the very file it was read from.
    const original = await agent.get(`/library/sets/${base.id}/export.yaml`);
    expect(contentHash(original.text)).toBe(base.contentHash);

    const diff = await agent.get(`/library/sets/${id}/diff?against=${base.id}`);
    const $ = dom(diff.text);
    expect($("h1").text()).toBe(`From version ${base.version} to version ${base.version + 1}`);
    expect($("ul.diff > li").length).toBe(1);
    expect($("ul.diff > li code").text()).toBe("cto_monitoring");
    expect(
      $("ul.diff li li strong")
        .toArray()
        .map((s) => $(s).text()),
    ).toEqual(["text", "flags", "refs"]);
  });

  it("keeps existing evaluations on their version; new ones take the published one", async () => {
    const { db, agent, admin, base, draft } = await adminWithDraft();
    const before = makeEvaluation(db, admin.id);
    await editQuestion(agent, `${draft}/questions/cto/0`, { help: "Say which parts run in production today." });
    const page = await agent.get(draft);
    await agent
      .post(`${draft}/publish`)
      .type("form")
      .send({ _csrf: csrfOf(page.text) });
    const after = makeEvaluation(db, admin.id);
    expect(findEvaluation(db, before)!.questionSetId).toBe(base.id);
    const newer = findEvaluation(db, after)!.questionSetId;
    expect(findQuestionSetRow(db, newer)!.version).toBe(base.version + 1);
    expect(getQuestionSet(db, newer).sections[0]!.questions[0]!.help).toBe("Say which parts run in production today.");
    expect(getQuestionSet(db, base.id).sections[0]!.questions[0]!.help).not.toBe(
      "Say which parts run in production today.",
    );
  });

  it("shows each refusal next to its field and keeps what was typed; a number that is none is not saved", async () => {
    const { db, agent, draft } = await adminWithDraft();
    const url = `${draft}/questions/cto/0`;
    const bad = await editQuestion(agent, url, { type: "coverage", min: "a dozen", text: "Short" });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, "min")).toBe("Enter a number, e.g. 12 or 0.5");
    expect(dom(bad.text)("#f-min").attr("value")).toBe("a dozen");
    expect(dom(bad.text)("#f-text").text()).toBe("Short");
    // The loader's own checks, once the form reads: saved in the draft, each message by its field.
    const invalid = await editQuestion(agent, url, { type: "coverage", text: "Short" });
    expect(invalid.status).toBe(422);
    expect(fieldError(invalid.text, "text")).toBe("must be at least 8 characters");
    expect(fieldError(invalid.text, "layer")).toMatch(/^a coverage question needs 'layer'/);
    expect(fieldError(invalid.text, "estimate.share")).toMatch(/needs 'estimate'/);
    expect(fieldError(invalid.text, "options")).toBe("a coverage question takes no options");
    expect(dom(invalid.text)("#f-type option[selected]").attr("value")).toBe("coverage");
    const overview = await agent.get(draft);
    const problems = dom(overview.text)("#problems li").toArray();
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(dom(overview.text)("#problems button").attr("disabled")).toBeDefined();
    const refused = await agent
      .post(`${draft}/publish`)
      .type("form")
      .send({ _csrf: csrfOf(overview.text) });
    expect(refused.status).toBe(422);
    expect(latestQuestionSets(db).find((s) => s.setKey === "ai_production")!.version).toBe(2);
  });

  it("publishes nothing new for a draft whose set is the same as a stored version", async () => {
    const { db, agent, base, draft } = await adminWithDraft();
    const page = await agent.get(draft);
    const published = await agent
      .post(`${draft}/publish`)
      .type("form")
      .send({ _csrf: csrfOf(page.text) });
    expect(published.headers.location).toBe(`/library/sets/${base.id}?same=1`);
    expect(latestQuestionSets(db).find((s) => s.setKey === "ai_production")!.id).toBe(base.id);
    const shown = await agent.get(published.headers.location as string);
    expect(dom(shown.text)("[role=status]").text()).toMatch(/^The draft was the same as version \d+/);
  });

  it("answers a save whose question someone else removed meanwhile with the draft's page, not an error", async () => {
    const { agent, draft } = await adminWithDraft();
    const url = `${draft}/questions/product/13`;
    const page = await agent.get(url);
    const values = formValues(page.text, "form.editor-form");
    const removed = await agent
      .post(`${url}/delete`)
      .type("form")
      .send({ _csrf: csrfOf(page.text), rev: values.rev });
    expect(removed.status).toBe(303);
    const late = await agent.post(url).type("form").send(values);
    expect(late.status).toBe(409);
    expect(dom(late.text)("[role=alert]").text()).toMatch(/What you were editing is no longer in it\.$/);
  });

  it("refuses a save over someone else's, keeping the typing", async () => {
    const { agent, draft } = await adminWithDraft();
    const url = `${draft}/questions/cfo/0`;
    const page = await agent.get(url);
    const values = formValues(page.text, "form.editor-form");
    const first = await agent
      .post(url)
      .type("form")
      .send({ ...values, help: "First editor's guidance" });
    expect(first.status).toBe(303);
    const second = await agent
      .post(url)
      .type("form")
      .send({ ...values, help: "Second editor's guidance" });
    expect(second.status).toBe(409);
    expect(dom(second.text)("[role=alert]").text()).toMatch(/^Someone else saved this draft/);
    expect(dom(second.text)("#f-help").text()).toBe("Second editor's guidance");
  });

  it("edits every question type, assumptions with their tier defaults, and sections", async () => {
    const { db, agent, draft } = await adminWithDraft();
    const fill: Record<string, Record<string, string>> = {
      coverage: { layer: "support", phase: "operate", nature: "recurring", "estimate.days": "monitoring_days" },
      money: { nature: "one_off" },
      number: { unit: "days" },
      percent: {},
      yes_no: {},
      single_choice: { options: "a: First way\nb: Second way" },
      multi_choice: { options: "a: One thing\nb: Another thing" },
      date: {},
      text: {},
    };
    for (const [i, type] of QUESTION_TYPES.entries()) {
      const page = await agent.get(draft);
      const added = await agent
        .post(`${draft}/questions`)
        .type("form")
        .send({ _csrf: csrfOf(page.text), role: "product" });
      expect(added.status).toBe(303);
      const r = await editQuestion(agent, added.headers.location as string, {
        key: `product_type_${i}`,
        type,
        text: `A question of the type ${type}`,
        ...fill[type],
      });
      expect(r.status, `${type}: ${dom(r.text)(".error").text()}`).toBe(303);
    }
    // An assumption: each tier's default, its bounds and basis.
    const page = await agent.get(draft);
    const added = await agent
      .post(`${draft}/assumptions`)
      .type("form")
      .send({ _csrf: csrfOf(page.text) });
    const a = await editQuestion(agent, added.headers.location as string, {
      key: "review_minutes",
      label: "Review minutes per case",
      meaning: "Minutes a reviewer spends on one case.",
      basis: "judgement",
      unit: "count",
      "defaults.pilot": "2",
      "defaults.production": "3",
      "defaults.system_of_record": "5",
      min: "0",
      max: "60",
    });
    expect(a.status).toBe(303);
    const outOfBounds = await editQuestion(agent, added.headers.location as string, { "defaults.production": "90" });
    expect(outOfBounds.status).toBe(422);
    expect(fieldError(outOfBounds.text, "defaults.production")).toBe("default 90 is outside [0, 60]");
    await editQuestion(agent, added.headers.location as string, { "defaults.production": "3" });
    const section = await editQuestion(agent, `${draft}/sections/product`, {
      title: "Product and day-to-day operation",
    });
    expect(section.status).toBe(303);
    const overview = await agent.get(draft);
    const publish = await agent
      .post(`${draft}/publish`)
      .type("form")
      .send({ _csrf: csrfOf(overview.text) });
    expect(publish.status, dom(overview.text)("#problems").text()).toBe(303);
    const set = getQuestionSet(db, Number(/(\d+)\?/.exec(publish.headers.location as string)![1]));
    const product = set.sections.find((s) => s.role === "product")!;
    expect(product.title).toBe("Product and day-to-day operation");
    expect(product.questions.slice(-QUESTION_TYPES.length).map((q) => q.type)).toEqual([...QUESTION_TYPES]);
    expect(set.assumptions.at(-1)).toMatchObject({
      key: "review_minutes",
      defaults: { pilot: 2, production: 3, system_of_record: 5 },
    });
  });

  it("declares a framework of the set's own, whose items the questions may then refer to", async () => {
    const { agent, draft } = await adminWithDraft();
    const page = await agent.get(draft);
    const values = formValues(page.text, "form#set");
    const set = await agent
      .post(`${draft}/set`)
      .type("form")
      .send({ ...values, frameworks: "soc2 | SOC 2 criteria | CC6.1, CC7.2" });
    expect(set.status).toBe(303);
    const ok = await editQuestion(agent, `${draft}/questions/cto/1`, { refs: "soc2: CC7.2\nnist_ai_rmf: MEASURE 2.7" });
    expect(ok.status).toBe(303);
    const bad = await editQuestion(agent, `${draft}/questions/cto/1`, { refs: "soc2: CC9.9" });
    expect(bad.status).toBe(422);
    expect(fieldError(bad.text, "refs")).toBe("'CC9.9' is not an item of SOC 2 criteria (e.g. CC6.1)");
    const malformed = await agent
      .post(`${draft}/set`)
      .type("form")
      .send({ ...values, frameworks: "soc2 SOC 2 criteria" });
    expect(malformed.status).toBe(422);
    expect(fieldError(malformed.text, "frameworks")).toBe(
      "“soc2 SOC 2 criteria”: write key | Title | identifier, identifier",
    );
  });

  it("places every question of an import in one table: section, type and cost layer", async () => {
    const { db, agent, admin } = await adminWithDraft();
    const imported = await importQuestionSet(
      readFileSync(join(ROOT, "test", "library", "fixtures", "baseline-library.yaml")),
      "ciso",
      { source: "bab.yaml" },
    );
    if (!imported.ok) throw new Error("import");
    const id = createDraft(db, rawOf(imported.set), null, admin.id);
    const url = `/library/drafts/${id}/placement`;
    const page = await agent.get(url);
    expect(page.status).toBe(200);
    const values = formValues(page.text, "form.placement-form");
    const keys = imported.set.sections.flatMap((s) => s.questions.map((q) => q.key));
    expect(keys).toEqual(["bab_1_ops_1", "bab_1_ops_2", "bab_1_gov_1", "bab_1_gov_2", "bab_1_exit_1"]);
    // OPS-1 becomes a support item of the CTO's section; EXIT-1 an ownership item; GOV-2 a text question.
    Object.assign(values, {
      role_0: "cto",
      type_0: "coverage",
      layer_0: "support",
      type_3: "text",
      role_4: "cfo",
      type_4: "coverage",
      layer_4: "ownership",
    });
    const saved = await agent.post(url).type("form").send(values);
    expect(saved.status).toBe(303);
    const draft = findDraft(db, id)!.content;
    expect(draft.sections.map((s) => [s.role, s.questions.map((q) => q.key)])).toEqual([
      ["cto", ["bab_1_ops_1"]],
      ["cfo", ["bab_1_exit_1"]],
      ["procurement", ["bab_1_ops_2", "bab_1_gov_1", "bab_1_gov_2"]],
    ]);
    expect(draft.sections[0]!.questions[0]).toMatchObject({
      type: "coverage",
      layer: "support",
      nature: "recurring",
      estimate: { days: "monitoring_days" },
    });
    expect(draft.sections[1]!.questions[0]).toMatchObject({ layer: "ownership", phase: "transition" });
    expect(draft.sections[2]!.questions[2]).not.toHaveProperty("layer");
    // The placed draft is valid as it stands, its references kept.
    const overview = dom((await agent.get(`/library/drafts/${id}`)).text);
    expect(overview("#problems h2").text()).toBe("Ready to publish");
    expect(draft.sections[0]!.questions[0]!.refs).toEqual({ bab_1: ["OPS-1"] });
  });

  it("previews a section as the vendor's page draws it, with the cost lines a sample answer causes", async () => {
    const { agent, draft } = await adminWithDraft();
    const page = await agent.get(`${draft}/preview/cto`);
    expect(page.status).toBe(200);
    const $ = dom(page.text);
    expect($('.question[data-key="cto_monitoring"] legend').text()).toMatch(/^Runtime monitoring/);
    expect($('input[name="q_cto_monitoring"]').length).toBeGreaterThan(1);
    const sample = await agent
      .post(`${draft}/preview/cto`)
      .type("form")
      .send({ _csrf: csrfOf(page.text), q_cto_monitoring: "excluded", q_cto_vendor_share: "lots" });
    expect(sample.status).toBe(200);
    const s = dom(sample.text);
    const rows = s("#cost-lines tbody tr")
      .toArray()
      .map((tr) => s(tr).find("th").text());
    expect(rows).toContain("cto_monitoring");
    expect(s('.question[data-key="cto_vendor_share"] .error').text()).toBe("Enter a number, e.g. 12 or 12.5");
    expect(s(`input[name="q_cto_monitoring"][value="excluded"]`).attr("checked")).toBeDefined();
  });

  it("imports a table as a draft in the browser, and is for administrators only", async () => {
    const { app, db, agent } = await adminWithDraft();
    const index = await agent.get("/library");
    const up = await agent
      .post("/library/import")
      .field("_csrf", csrfOf(index.text))
      .field("format", "csv")
      .attach(
        "file",
        Buffer.from("section,key,type,text\ncto,rai_a,yes_no,Is there a reviewer on every output?\n"),
        "rai.csv",
      );
    expect(up.status, up.text.slice(0, 300)).toBe(303);
    expect(dom((await agent.get(up.headers.location as string)).text)("h1").text()).toBe(
      "Draft: Imported from rai.csv",
    );
    // A library's import keeps what needs a decision with the draft, until it is published.
    const lib = await agent
      .post("/library/import")
      .field("_csrf", csrfOf(index.text))
      .field("format", "ciso")
      .field("mapping", "rules: [{ match: OPS, role: cto, type: coverage, layer: support }]")
      .attach("file", readFileSync(join(ROOT, "test", "library", "fixtures", "baseline-library.yaml")), "bab.yaml");
    expect(lib.status).toBe(303);
    const again = dom((await agent.get(lib.headers.location as string)).text);
    const decisions = again("#decisions li")
      .toArray()
      .map((li) => again(li).text());
    expect(decisions[0]).toMatch(/^3 requirements placed as yes\/no questions in procurement/);
    expect(decisions).toContain(
      "OPS-1: priced as a support item with that layer's starting estimate; check the estimate",
    );
    // The layout's template imports as it stands.
    const template = await agent.get("/library/template.csv");
    expect(template.headers["content-type"]).toMatch(/^text\/csv/);
    const fromTemplate = await importQuestionSet(Buffer.from(template.text), "csv", { source: "t.csv" });
    expect(fromTemplate.ok, JSON.stringify(fromTemplate)).toBe(true);
    const bad = await agent
      .post("/library/import")
      .field("_csrf", csrfOf(index.text))
      .field("format", "csv")
      .field("mapping", "default: { role: cto }")
      .attach("file", Buffer.from("section,key,type,text\ncto,rai_a,dropdown,Is there a reviewer?\n"), "bad.csv");
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, "file")).toMatch(/row 2, column type: “dropdown” is not a question type/);
    // What was typed comes back: the format chosen and the mapping; each problem is its own line.
    expect(dom(bad.text)("#f-format option[selected]").attr("value")).toBe("csv");
    expect(dom(bad.text)("#f-mapping").text()).toBe("default: { role: cto }");
    expect(dom(bad.text)("#f-file-error li").length).toBe(1);
    const buyer = await makeUser(db, "buyer");
    const other = await signIn(app, buyer.email);
    expect((await other.get("/library")).status).toBe(403);
  });
});
