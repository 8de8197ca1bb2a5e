import { load } from "cheerio";
import { describe, expect, it } from "vitest";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { latestQuestionSets } from "../../src/questions/repo.js";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeEvaluation, makeUser, makeVendor } from "../factories.js";
import { csrfOf, fieldError, postForm, signIn } from "../web.js";
import { textAt, textsAt } from "../html.js";

const valid = (setId: number) => ({
  title: "Contract review copilot",
  description: "Drafts first-pass reviews of supplier contracts.",
  questionSetId: String(setId),
  roles: ["cto", "cfo", "product", "procurement"],
  tier: "production",
  horizonYears: "3",
  currency: "EUR",
  dayRate: "850",
  valueEstimate: "250,000",
  dueDate: "2099-03-31",
  sensitivityPercent: "30",
  action: "save",
});

describe("evaluations", () => {
  it("creates an evaluation from a question set, with the tier's assumptions and one changed", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const agent = await signIn(app, buyer.email);
    const setId = latestQuestionSets(db)[0]!.id;
    const form = await agent.get("/evaluations/new");
    expect(textAt(form.text, "h1")).toBe("New evaluation");
    expect(form.text).toMatch(/Change management is about 10% of project cost \(Prosci benchmarking\)/);
    const res = await agent
      .post("/evaluations")
      .type("form")
      .send({ _csrf: csrfOf(form.text), ...valid(setId), a_monitoring_days: "25", a_partial_share: "0.5" });
    expect(res.status).toBe(303);
    const id = Number(String(res.headers.location).split("/").at(-1));
    const e = findEvaluation(db, id)!;
    expect(e).toMatchObject({
      title: "Contract review copilot",
      dayRateMinor: 85_000,
      valueEstimateMinor: 25_000_000,
      assumptions: { monitoring_days: 25 },
      status: "draft",
    });
    const page = await agent.get(`/evaluations/${id}`);
    expect(textAt(page.text, "h1")).toBe("Contract review copilot");
    expect(textsAt(page.text, "dd")).toContain("€850");
    expect(page.text).toContain("1 changed from the defaults");
  });

  it("lets vendors submit answers marked “not known yet” unless the buyer unticks it, and keeps the choice", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const agent = await signIn(app, buyer.email);
    const setId = latestQuestionSets(db)[0]!.id;
    const box = (html: string) => load(html)("input[type=checkbox][name=allowNotKnown]").attr("checked") !== undefined;
    const form = await agent.get("/evaluations/new");
    expect(box(form.text)).toBe(true);
    const create = (allowNotKnown: string | string[]) =>
      agent
        .post("/evaluations")
        .type("form")
        .send({ _csrf: csrfOf(form.text), ...valid(setId), allowNotKnown });
    const id = (res: { headers: Record<string, string> }) => Number(String(res.headers.location).split("/").at(-1));
    const allowed = id(await create(["off", "on"]));
    const strict = id(await create("off"));
    expect(findEvaluation(db, allowed)!.settings.notKnownBlocksSubmit).toBeUndefined();
    expect(findEvaluation(db, strict)!.settings.notKnownBlocksSubmit).toBe(true);
    expect(box((await agent.get(`/evaluations/${strict}/edit`)).text)).toBe(false);
    expect(box((await agent.get(`/evaluations/${allowed}/edit`)).text)).toBe(true);
  });

  it("ranks vendors on the figure the buyer chooses, nominal or present value, and refuses any other", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const agent = await signIn(app, buyer.email);
    const setId = latestQuestionSets(db)[0]!.id;
    const form = load((await agent.get("/evaluations/new")).text);
    expect(
      form("input[name=rankOn]")
        .toArray()
        .map((i) => [form(i).val(), form(i).attr("checked") !== undefined]),
    ).toEqual([
      ["nominal", true],
      ["present", false],
    ]);
    expect(form("input[name=a_discount_rate]").attr("placeholder")).toBe("0.08");
    const bad = await postForm(agent, "/evaluations/new", "/evaluations", {
      ...valid(setId),
      title: "Kept as typed",
      rankOn: "cheapest",
    });
    expect(bad.status).toBe(400);
    expect(load(bad.text)("#f-rankOn-error").text()).toBe("Choose what vendors are ranked on");
    expect(load(bad.text)("input[name=title]").val()).toBe("Kept as typed");
    const ok = await postForm(agent, "/evaluations/new", "/evaluations", {
      ...valid(setId),
      rankOn: "present",
      a_discount_rate: "0.1",
    });
    const id = Number(String(ok.headers.location).split("/").at(-1));
    expect(findEvaluation(db, id)!.settings.rankOn).toBe("present");
    expect(findEvaluation(db, id)!.assumptions.discount_rate).toBe(0.1);
    const edit = load((await agent.get(`/evaluations/${id}/edit`)).text);
    expect(edit("input[name=rankOn][value=present]").attr("checked")).toBeDefined();
    makeVendor(db, id);
    expect(
      load((await agent.get(`/evaluations/${id}/comparison`)).text)("th")
        .toArray()
        .map((th) => load(th).text()),
    ).toContain("Present value at 10%");
  });

  it("re-renders the form with each message next to its field and keeps what was typed", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const agent = await signIn(app, buyer.email);
    const setId = latestQuestionSets(db)[0]!.id;
    const res = await postForm(agent, "/evaluations/new", "/evaluations", {
      ...valid(setId),
      title: "AI",
      currency: "EURO",
      dayRate: "eight hundred",
      roles: [],
      dueDate: "2001-01-01",
      a_monitoring_days: "-1",
      a_partial_share: "5",
      horizonYears: "40",
    });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, "title")).toBe("Give the evaluation a title of at least 3 characters");
    expect(fieldError(res.text, "currency")).toBe("Enter an ISO 4217 currency code, e.g. EUR, USD, GBP");
    expect(fieldError(res.text, "dayRate")).toBe("Enter the day rate as a number, e.g. 950 or 950.50");
    expect(fieldError(res.text, "horizonYears")).toBe("At most 10 years");
    expect(fieldError(res.text, "a_monitoring_days")).toBe("At least 0");
    expect(fieldError(res.text, "a_partial_share")).toBe("At most 1");
    expect(res.text).toContain("Send at least one role section");
    expect(res.text).toContain('value="eight hundred"');
    expect(res.text).toContain('value="-1"');
    expect(res.text).toContain("Drafts first-pass reviews of supplier contracts.");
  });

  it("reads amounts exactly in the evaluation's currency, refusing more decimals than it has", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const agent = await signIn(app, buyer.email);
    const setId = latestQuestionSets(db)[0]!.id;
    const refused = await postForm(agent, "/evaluations/new", "/evaluations", {
      ...valid(setId),
      dayRate: "1.005",
      a_go_live_month: "1e9",
    });
    expect(refused.status).toBe(400);
    expect(fieldError(refused.text, "dayRate")).toBe("EUR amounts have at most 2 decimals");
    expect(fieldError(refused.text, "a_go_live_month")).toBe("Enter a number, e.g. 0.25 or 12");
    expect(refused.text).toContain('value="1.005"');
    const ok = await postForm(agent, "/evaluations/new", "/evaluations", {
      ...valid(setId),
      dayRate: "1,234.56",
      valueEstimate: "250000.10",
    });
    const id = Number(String(ok.headers.location).split("/").at(-1));
    expect(findEvaluation(db, id)).toMatchObject({ dayRateMinor: 123_456, valueEstimateMinor: 25_000_010 });
  });

  it("shows the dashboard newest first with per-section progress, and searches by title", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    makeEvaluation(db, admin.id, { title: "Older evaluation" });
    importDemo(db);
    const agent = await signIn(app, admin.email);
    const dash = await agent.get("/evaluations");
    const titles = textsAt(dash.text, ".card-title > a[href^='/evaluations/']");
    expect(titles).toEqual(["Claims intake assistant — production rollout (demo)", "Older evaluation"]);
    expect(dash.text).toMatch(
      /Meridian Automation<\/td><td><span class="status status-in_progress">in progress<\/span><\/td>\s*<td class="num" title="15 of 15 required questions answered">15\/15<\/td>/,
    );
    expect(dash.text).toContain("2 of 3 vendors submitted");
    const search = await agent.get("/evaluations?q=older");
    expect(search.text).toContain("Older evaluation");
    expect(search.text).not.toContain("Claims intake");
  });

  it("refuses to change roles, question set or currency once invitations went out, and resets an assumption", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const id = makeEvaluation(db, buyer.id, { assumptions: { monitoring_days: 40 } });
    const agent = await signIn(app, buyer.email);
    const vid = makeVendor(db, id);
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors/${vid}/invite`, {});
    expect(findEvaluation(db, id)!.status).toBe("open");
    const edit = await agent.get(`/evaluations/${id}/edit`);
    expect(edit.text).toContain("Invitations have gone out");
    const setId = String(findEvaluation(db, id)!.questionSetId);
    const res = await postForm(agent, `/evaluations/${id}/edit`, `/evaluations/${id}/edit`, {
      ...valid(Number(setId)),
      roles: ["cto", "cfo"],
      currency: "USD",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("The role sections cannot change once invitations have gone out");
    expect(res.text).toContain("The currency cannot change once invitations have gone out");
    const reset = await postForm(agent, `/evaluations/${id}/edit`, `/evaluations/${id}/edit`, {
      ...valid(Number(setId)),
      title: "Renamed while resetting",
      a_monitoring_days: "40",
      reset: "monitoring_days",
    });
    expect(reset.text).toContain("is back to its default for the tier");
    expect(reset.text).toMatch(
      /id="a_monitoring_days" name="a_monitoring_days" type="text" inputmode="decimal" value=""/,
    );
    expect(reset.text).toContain('value="Renamed while resetting"');
    const saved = await postForm(agent, `/evaluations/${id}/edit`, `/evaluations/${id}/edit`, {
      ...valid(Number(setId)),
      title: "Renamed",
    });
    expect(saved.status).toBe(303);
    expect(findEvaluation(db, id)).toMatchObject({ title: "Renamed", assumptions: {} });
    const log = await agent.get(`/evaluations/${id}/audit?action=assumptions`);
    expect(textsAt(log.text, "code")).toContain("assumptions.changed");
    expect(textsAt(log.text, "code")).not.toContain("vendor.invited");
  });

  it("closes and reopens an evaluation", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const id = makeEvaluation(db, buyer.id);
    db.prepare("UPDATE evaluations SET status = 'open' WHERE id = ?").run(id);
    const agent = await signIn(app, buyer.email);
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/status`, { action: "close" });
    expect(findEvaluation(db, id)!.status).toBe("closed");
    expect((await agent.get(`/evaluations/${id}`)).text).toContain("Reopen the evaluation");
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/status`, { action: "reopen" });
    expect(findEvaluation(db, id)!.status).toBe("open");
    const again = await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/status`, { action: "reopen" });
    expect(again.status).toBe(400);
    expect(again.text).toContain("This evaluation is open: it cannot be reopened now.");
  });

  it("keeps the evaluation's own gates, refuses bad ones next to the field, and the funding plan prints them", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const agent = await signIn(app, buyer.email);
    const setId = latestQuestionSets(db)[0]!.id;
    const form = await agent.get("/evaluations/new");
    // Each gate lists its default criteria, from the stage's priced questions.
    expect(textAt(form.text, "#f-gate_implementation-help")).toMatch(
      /^Default: .*Output verification before go-live: in place and checked/,
    );
    const many = Array.from({ length: 13 }, (_, i) => `Criterion ${i + 1}`).join("\n");
    const bad = await postForm(agent, "/evaluations/new", "/evaluations", {
      ...valid(setId),
      gate_implementation: "- Accuracy of at least 95% on the agreed test set\n\n• Review queue staffed",
      gate_rollout: many,
    });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, "gate_rollout")).toBe("At most 12 criteria, one per line");
    expect(load(bad.text)("#f-gate_implementation").text()).toContain("Review queue staffed");
    const ok = await postForm(agent, "/evaluations/new", "/evaluations", {
      ...valid(setId),
      gate_implementation: "- Accuracy of at least 95% on the agreed test set\n\n• Review queue staffed",
      gate_rollout: "",
    });
    expect(ok.status).toBe(303);
    const id = Number(String(ok.headers.location).split("/").at(-1));
    expect(findEvaluation(db, id)!.settings.gates).toEqual({
      implementation: ["Accuracy of at least 95% on the agreed test set", "Review queue staffed"],
    });
    expect(load((await agent.get(`/evaluations/${id}/edit`)).text)("#f-gate_implementation").text()).toBe(
      "Accuracy of at least 95% on the agreed test set\nReview queue staffed",
    );
    makeVendor(db, id);
    const page = load((await agent.get(`/evaluations/${id}/comparison`)).text);
    const gate = page("#stage-implementation .gate");
    expect(gate.find("h4").text()).toContain("Gate 2: before limited live rollout and stabilisation is funded");
    expect(gate.find("h4 .badge").text()).toBe("set by this evaluation");
    expect(
      gate
        .find("li")
        .toArray()
        .map((li) => load(li).text()),
    ).toEqual(["Accuracy of at least 95% on the agreed test set", "Review queue staffed"]);
    // The other gates keep their defaults; clearing a gate brings its default back and is audited.
    expect(page("#stage-rollout .gate .badge").length).toBe(0);
    const edit = await postForm(agent, `/evaluations/${id}/edit`, `/evaluations/${id}/edit`, {
      ...valid(setId),
      gate_implementation: "",
    });
    expect(edit.status).toBe(303);
    expect(findEvaluation(db, id)!.settings.gates).toBeUndefined();
    const entry = db
      .prepare("SELECT detail FROM audit_log WHERE evaluation_id = ? AND action = 'evaluation.gates_changed'")
      .pluck()
      .get(id) as string;
    expect(JSON.parse(entry).after).toEqual({});
  });
});
