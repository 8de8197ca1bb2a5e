import { describe, expect, it } from "vitest";
import { presentComparison } from "../../src/comparison/present.js";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { generateReport } from "../../src/report/service.js";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeUser } from "../factories.js";
import { dom, pageText, textsAt } from "../html.js";
import { money } from "../../src/format.js";
import { signIn } from "../web.js";
import { bookmarks, readPdf } from "./pdf-text.js";

const flat = (s: string) => s.replace(/\s+/g, " ");

describe("what each column of the comparison means", () => {
  it("is said under the page's table and in the PDF's glossary, in the presenter's words", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const e = importDemo(db);
    const scored = scoreEvaluation(db, e)!;
    const view = presentComparison(scored.result, scored.set);
    expect(view.columns.map((c) => c.term)).toEqual([
      "Rank",
      "Entry price",
      "Entry rank",
      view.totalLabel,
      view.presentLabel,
      "Hidden",
      "Unknown",
      "Red flags",
    ]);
    const page = (await (await signIn(app, admin.email)).get(`/evaluations/${e}/comparison`)).text;
    const $ = dom(page);
    // The table's headings are the glossary's terms, and the key under it gives every one its meaning.
    const headings = textsAt(page, "table:first thead th").filter((h) => h !== "Vendor");
    expect(headings).toEqual(view.columns.map((c) => c.term));
    expect(textsAt(page, "#columns dt")).toEqual(view.columns.map((c) => c.term));
    expect(textsAt(page, "#columns dd")).toEqual(view.columns.map((c) => c.meaning));
    expect($("#columns").attr("open")).toBeDefined();

    const pdf = (await generateReport(db, config, e, { actor: "test", name: "Test" }))!.pdf;
    const { text } = readPdf(pdf);
    expect(bookmarks(pdf)).toContain("Glossary");
    const words = flat(text).replace(/- /g, "-");
    for (const c of view.columns) expect(words, c.term).toContain(flat(c.meaning));
  });
});

describe("the comparison page without a mouse or eyesight", () => {
  it("gives every chart its figures as a table, every red flag its reason as text, and opens linked cost lines", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const e = importDemo(db);
    const { result } = scoreEvaluation(db, e)!;
    const page = (await (await signIn(app, admin.email)).get(`/evaluations/${e}/comparison`)).text;
    const $ = dom(page);
    const figures = $("figure.chart-card");
    expect(figures.length).toBeGreaterThan(3);
    figures.each((_, f) =>
      expect($(f).find("details.chart-data table tbody tr").length, $(f).text()).toBeGreaterThan(0),
    );
    // The layers chart's table: one row per comparable vendor, its last cell the model's total.
    const layers = figures.filter((_, f) => $(f).find("figcaption").text().endsWith("by cost layer"));
    const rows = layers.find("tbody tr").toArray();
    for (const row of rows) {
      const name = $(row).find("th").text();
      const v = result.vendors.find((x) => x.name === name)!;
      expect($(row).find("td").last().text()).toBe(money(v.adjustedTotal!, "EUR"));
    }
    // Red flags: the matrix links each badge to its reason, written out on the page (no tooltip only).
    const flagged = result.vendors.flatMap((v) => v.flags.map((f) => ({ v, f })));
    expect(flagged.length).toBeGreaterThan(0);
    for (const { v, f } of flagged) {
      expect($(`a.badge[href="#flag-${v.vendorId}-${f.id}"]`).length).toBe(1);
      expect(pageText($(`#flag-${v.vendorId}-${f.id}`).html()!)).toContain(f.message);
    }
    expect($("[title]").length).toBe(0);
    expect($('script[src="/static/details.js"]').length).toBe(1);
  });
});
