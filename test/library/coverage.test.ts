import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { BUILT_IN_FRAMEWORKS, frameworkCoverage } from "../../src/library/frameworks.js";
import { loadQuestionSetFile, parseQuestionSet } from "../../src/questions/loader.js";
import { comparisonReport } from "../../src/report/pdf.js";
import { reportData } from "../../src/report/data.js";
import { makeEvaluation, makeUser } from "../factories.js";
import { buildTestApp } from "../helpers.js";
import { dom } from "../html.js";
import { readPdf } from "../report/pdf-text.js";
import { signIn } from "../web.js";

const { set } = loadQuestionSetFile("questions/ai-production.yaml");
const ALL = ["cto", "cfo", "product", "procurement"] as const;

describe("framework references", () => {
  it("tag the default set, and the coverage counts each item once, over the sections an evaluation sends", () => {
    const cov = frameworkCoverage(set, ALL);
    expect(cov.map((f) => f.key)).toEqual(["eu_ai_act", "nist_ai_rmf", "iso_42001"]);
    for (const f of cov) {
      // The figures are what the items say: touched items are those some question refers to.
      const refs = new Set(set.sections.flatMap((s) => s.questions.flatMap((q) => q.refs?.[f.key] ?? [])));
      expect(f.touched).toBe(refs.size);
      expect(f.total).toBe(BUILT_IN_FRAMEWORKS.find((b) => b.key === f.key)!.items.length);
      expect(f.items.filter((i) => i.questions.length).map((i) => i.id)).toEqual(
        f.items.map((i) => i.id).filter((id) => refs.has(id)),
      );
    }
    expect(cov.map((f) => [f.touched, f.total])).toEqual([
      [10, 19],
      [35, 72],
      [18, 38],
    ]);
    // An evaluation that sends only the CTO section touches only what its questions refer to.
    const cto = frameworkCoverage(set, ["cto"]);
    const ctoRefs = new Set(set.sections[0]!.questions.flatMap((q) => q.refs?.nist_ai_rmf ?? []));
    expect(cto[1]!.touched).toBe(ctoRefs.size);
    expect(cto[1]!.items.flatMap((i) => i.questions.map((q) => q.role))).not.toContain("cfo");
  });

  it("are checked by the loader: a known framework's items only, and declared frameworks once", () => {
    const yaml = (refs: string, extra = "") => `id: tiny
title: Tiny set
description: A set of one question for the loader's checks.
${extra}assumptions:
${BASE_ASSUMPTIONS}
sections:
  - role: cto
    title: Engineering
    intro: One question for the checks.
    questions:
      - key: cto_a
        type: yes_no
        text: Is there a reviewer on every output?
        refs: ${refs}
`;
    expect(parseQuestionSet(yaml("{ nist_ai_rmf: [MEASURE 2.7] }"), "t.yaml").sections[0]!.questions[0]!.refs).toEqual({
      nist_ai_rmf: ["MEASURE 2.7"],
    });
    expect(() => parseQuestionSet(yaml("{ nist_ai_rmf: [MEASURE 2.14] }"), "t.yaml")).toThrow(
      "sections[0].questions[0].refs.nist_ai_rmf[0]: 'MEASURE 2.14' is not an item of NIST AI Risk Management Framework 1.0",
    );
    expect(() => parseQuestionSet(yaml("{ soc2: [CC6.1] }"), "t.yaml")).toThrow(
      /refs\.soc2: unknown framework 'soc2': one of eu_ai_act, nist_ai_rmf, iso_42001, or declare it under frameworks/,
    );
    const declared = "frameworks:\n  - key: soc2\n    title: SOC 2 criteria\n    items: [{ id: CC6.1 }]\n";
    expect(parseQuestionSet(yaml("{ soc2: [CC6.1] }", declared), "t.yaml").frameworks).toEqual([
      { key: "soc2", title: "SOC 2 criteria", items: [{ id: "CC6.1", label: "" }] },
    ]);
    const twice = "frameworks:\n  - key: iso_42001\n    title: Again\n    items: [{ id: A.1 }]\n";
    expect(() => parseQuestionSet(yaml("{ nist_ai_rmf: [MAP 1.1] }", twice), "t.yaml")).toThrow(
      /'iso_42001' is built in/,
    );
  });

  it("are shown per evaluation on a page and in the PDF appendix, with the same figures", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const e = makeEvaluation(db, buyer.id, { roles: ["cto", "procurement"] });
    const agent = await signIn(app, buyer.email);
    const page = await agent.get(`/evaluations/${e}/frameworks`);
    expect(page.status).toBe(200);
    const $ = dom(page.text);
    const cov = frameworkCoverage(set, ["cto", "procurement"]);
    const rows = $("table.summary tbody tr")
      .toArray()
      .map((tr) =>
        $(tr)
          .find("th, td")
          .toArray()
          .map((c) => $(c).text().trim()),
      );
    expect(rows).toEqual(cov.map((f) => [f.title, `${f.touched} of ${f.total}`, String(f.total - f.touched)]));
    const untouched = $("#fw-eu_ai_act .untouched li strong")
      .toArray()
      .map((li) => $(li).text());
    expect(untouched).toEqual(cov[0]!.items.filter((i) => !i.questions.length).map((i) => i.id));
    expect($(`a[href="/evaluations/${e}/frameworks"]`).length).toBe(0);
    const show = dom((await agent.get(`/evaluations/${e}`)).text);
    expect(show(`a[href="/evaluations/${e}/frameworks"]`).length).toBe(1);

    const text = readPdf(await comparisonReport(reportData(db, e, "test")!)).text.replace(/\s+/g, " ");
    expect(text).toContain("Appendix: framework coverage");
    for (const f of cov) expect(text).toContain(`${f.title}: ${f.touched} of ${f.total} items touched`);
    expect(text).toContain(
      `No question touches: ${cov[2]!.items
        .filter((i) => !i.questions.length)
        .map((i) => i.id)
        .join(", ")}.`,
    );
  });
});

/** The default set's assumptions as YAML, indented for the tiny set above. */
const BASE_ASSUMPTIONS = stringify(set.assumptions)
  .split("\n")
  .map((l) => `  ${l}`)
  .join("\n");
