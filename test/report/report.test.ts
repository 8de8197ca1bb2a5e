import request from "supertest";
import { describe, expect, it } from "vitest";
import { createApiToken } from "../../src/auth/users.js";
import { money, percent } from "../../src/format.js";
import { entryText, presentComparison, totalText } from "../../src/comparison/present.js";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { comparisonCsv } from "../../src/comparison/csv.js";
import { reportData } from "../../src/report/data.js";
import { comparisonReport } from "../../src/report/pdf.js";
import { generateReport } from "../../src/report/service.js";
import { saveAnswer } from "../../src/answers/repo.js";
import { buildTestApp, makeDb } from "../helpers.js";
import { importDemo, makeEvaluation, makeUser, makeVendor } from "../factories.js";
import { syntheticAnswers } from "../bench/fixtures.js";
import { signIn } from "../web.js";
import { bookmarks, readPdf } from "./pdf-text.js";

const flat = (s: string) => s.replace(/\s+/g, " ");

describe("the comparison's figures are the cost model's, on the page, in the CSV and in the PDF", () => {
  it("for the demo evaluation", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin", { name: "Ada Admin" });
    const id = importDemo(db);
    const scored = scoreEvaluation(db, id)!;
    const result = scored.result;
    const view = presentComparison(result, scored.set);
    const agent = await signIn(app, admin.email);
    const page = (await agent.get(`/evaluations/${id}/comparison`)).text;
    const csv = (await agent.get(`/evaluations/${id}/comparison.csv`)).text;
    const report = await generateReport(db, config, id, { actor: `user:${admin.id}`, name: "Ada Admin" });
    const { text, info } = readPdf(report!.pdf);
    const pdf = flat(text);
    expect(view.headline).toMatch(/^Swiftpilot AI is cheapest at entry \(€155,000\) but second over 3 years/);
    expect(page).toContain(view.headline);
    expect(pdf).toContain(view.headline);
    expect(pdf).toContain(view.flips[0]);
    for (const v of result.vendors) {
      for (const figure of [entryText(v, "EUR"), totalText(v, "EUR"), percent(v.hiddenShare, 0)]) {
        expect(page, `${v.name} ${figure} on the page`).toContain(figure);
        expect(pdf, `${v.name} ${figure} in the PDF`).toContain(figure);
      }
      for (const l of v.lines)
        if (!l.unpriced) expect(pdf, `${v.name} ${l.questionKey}`).toContain(money(l.total, "EUR"));
      // CSV: one row per line; totals add back to the model's adjusted total.
      const rows = csv.split("\r\n").filter((r) => r.startsWith(`${v.name},`));
      expect(rows).toHaveLength(v.lines.length);
      const totalCol = 11 + result.horizonYears;
      const sum = rows.reduce(
        (s, r) => s + Math.round(Number(r.match(/(?:"[^"]*"|[^,]*)/g)!.filter((_, i) => i % 2 === 0)[totalCol]) * 100),
        0,
      );
      expect(sum).toBe(v.pricedTotal);
      // Present values: the same figure on the page, in the PDF, in the CSV (per line and per vendor) and in the API.
      // A CSV row's cells, quotes undone ("" inside a quoted cell is one quote).
      const cells = (r: string) => {
        const out = [""];
        let quoted = false;
        for (let i = 0; i < r.length; i++) {
          const ch = r[i]!;
          if (quoted && ch === '"' && r[i + 1] === '"') ((out[out.length - 1] += '"'), i++);
          else if (ch === '"') quoted = !quoted;
          else if (ch === "," && !quoted) out.push("");
          else out[out.length - 1] += ch;
        }
        return out;
      };
      // The present-value columns come last.
      expect(cells(csv.split("\r\n")[0]!).slice(-5)).toEqual([
        "present_value",
        "vendor_present_total",
        "discount_rate",
        "vendor_npv",
        "vendor_discounted_payback_months",
      ]);
      const fromEnd = (r: string, i: number) => Math.round(Number(cells(r).at(-i)) * 100);
      const linesPresent = rows.reduce((s, r) => s + fromEnd(r, 5), 0);
      expect(linesPresent).toBe(v.lines.reduce((s, l) => s + l.presentValue, 0));
      if (v.presentTotal !== null) expect(linesPresent).toBe(v.presentTotal);
      for (const r of rows) {
        expect(cells(r).at(-4)).toBe(v.presentTotal === null ? "" : (v.presentTotal / 100).toFixed(2));
        expect(cells(r).at(-2)).toBe(v.roi?.npv == null ? "" : (v.roi.npv / 100).toFixed(2));
        expect(cells(r).at(-1)).toBe(String(v.roi?.discountedPaybackMonths ?? ""));
      }
      const shown = view.vendors.find((x) => x.id === v.vendorId)!;
      expect(shown.present).toBe(v.presentTotal === null ? totalText(v, "EUR") : money(v.presentTotal, "EUR"));
      expect(page, `${v.name} present value on the page`).toContain(shown.present);
      expect(pdf, `${v.name} present value in the PDF`).toContain(shown.present);
      const roi = view.roi!.find((x) => x.name === v.name)!;
      for (const figure of [roi.npv, roi.valuePresent, roi.discountedPayback]) {
        expect(page, `${v.name} ${figure} on the page`).toContain(figure);
        expect(pdf, `${v.name} ${figure} in the PDF`).toContain(figure);
      }
      expect(roi.npv).toBe(v.roi!.npv === null ? "not comparable" : money(v.roi!.npv, "EUR"));
    }
    expect(page).toContain(`<th scope="col" class="num">${view.presentLabel}</th>`);
    // The robust answer comes first in the executive summary, and the ranges are on the page and in the PDF.
    expect(view.ranges.robust).toBe(
      "Northwind Cognitive is cheapest on the adjusted total in 100% of 10,000 draws; its lead depends most on the buyer day rate and the reference build effort.",
    );
    const summary = pdf.indexOf("Executive summary");
    expect(pdf.indexOf(view.ranges.robust!, summary)).toBeGreaterThan(summary);
    expect(pdf.indexOf(view.ranges.robust!, summary)).toBeLessThan(pdf.indexOf(view.headline, summary));
    expect(page).toContain(view.ranges.robust);
    for (const row of view.ranges.rows)
      for (const figure of [row.cheapest, row.total, row.present]) {
        expect(page, `${row.name} ${figure} on the page`).toContain(figure);
        expect(pdf, `${row.name} ${figure} in the PDF`).toContain(figure);
      }

    expect(pdf).toContain(view.roiIntro!);
    const token = createApiToken(db, admin.id, "test", admin.id);
    const api = (await request(app).get(`/api/evaluations/${id}/model`).set("Authorization", `Bearer ${token}`))
      .body as typeof result;
    expect(api.vendors.map((v) => [v.presentTotal, v.roi?.npv, v.presentRank])).toEqual(
      result.vendors.map((v) => [v.presentTotal, v.roi?.npv, v.presentRank]),
    );
    expect(api.discountRate).toBe(0.08);
    expect(api.ranges).toEqual(result.ranges);
    expect(info).toMatch(/Pages:\s+\d+/);
    expect(info).toContain("Tagged:          yes");
    const marks = bookmarks(report!.pdf);
    for (const m of [
      "Cover",
      "Executive summary",
      "Charts",
      "Red-flag matrix",
      "Funding by phase and year",
      "Sensitivity and return",
      "Vendors: cost lines and provenance",
      "Northwind Cognitive",
      "Swiftpilot AI",
      "Answers side by side",
      "Open clarifications and unanswered questions",
      "Assumptions and method",
      "Committee comments and decision",
    ])
      expect(marks, m).toContain(m);
    expect(db.prepare("SELECT sha256 FROM reports WHERE id = ?").pluck().get(report!.id)).toBe(report!.sha256);
    expect((await agent.get(`/evaluations/${id}/comparison`)).text).toContain(report!.sha256.slice(0, 16));
  });

  it("for a generated evaluation of five vendors", async () => {
    const { db, config } = makeDb();
    const e = makeEvaluation(db, null, { currency: "USD", horizonYears: 4 });
    const set = scoreEvaluation(db, e)!.set;
    for (let i = 1; i <= 5; i++) {
      const v = makeVendor(db, e, { name: `Generated Vendor ${i}` });
      for (const [k, val] of Object.entries(syntheticAnswers(set, i)))
        saveAnswer(db, { vendorId: v, questionKey: k, value: val, expectedRevision: 0, actor: "test" });
    }
    const result = scoreEvaluation(db, e)!.result;
    const pdf = flat(readPdf((await generateReport(db, config, e, { actor: "test", name: "Test" }))!.pdf).text);
    const csv = comparisonCsv(result, set);
    for (const v of result.vendors) {
      expect(pdf).toContain(totalText(v, "USD"));
      expect(pdf).toContain(entryText(v, "USD"));
      expect(csv.split("\r\n").filter((r) => r.startsWith(`${v.name},`))).toHaveLength(v.lines.length);
    }
  });
});

describe("a demanding report", () => {
  it("10 vendors with long, non-Latin names and long answers, one that answered nothing: valid, complete, nothing dropped", async () => {
    const { db } = makeDb();
    const e = makeEvaluation(db, null, {
      title:
        "Αξιολόγηση — оценка поставщиков — 評価 (a deliberately long evaluation title that must wrap cleanly on the cover)",
    });
    const set = scoreEvaluation(db, e)!.set;
    const names = [
      "Ωμέγα Τεχνητή Νοημοσύνη Α.Ε.",
      "Сибирские Нейросети ООО",
      "株式会社AIソリューション",
      "Zürich Künstliche Intelligenz GmbH & Co. KG — Abteilung für sehr lange Namen",
      "Vendor Five",
      "Vendor Six",
      "Vendor Seven",
      "Vendor Eight",
      "Vendor Nine",
    ];
    names.forEach((n, i) => {
      const v = makeVendor(db, e, { name: n, contactEmail: `v${i}@x.example` });
      const answers = syntheticAnswers(set, i + 11);
      answers.proc_subprocessors = "We subcontract hosting; ".repeat(60) + "<script>alert('x')</script>";
      for (const [k, val] of Object.entries(answers))
        saveAnswer(db, { vendorId: v, questionKey: k, value: val, expectedRevision: 0, actor: "test" });
    });
    makeVendor(db, e, { name: "Silent Vendor" });
    const data = reportData(db, e, "Committee secretary")!;
    const pdf = await comparisonReport(data);
    const { text, info } = readPdf(pdf);
    expect(info).toMatch(/Pages:\s+(\d+)/);
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeGreaterThan(20);
    const words = flat(text);
    for (const n of [
      "Ωμέγα Τεχνητή Νοημοσύνη Α.Ε.",
      "Сибирские Нейросети ООО",
      "Silent Vendor",
      "Zürich Künstliche Intelligenz",
    ])
      expect(words).toContain(n);
    // Japanese is drawn by the bundled wide font, whatever the machine has installed.
    expect(words).toContain("株式会社AIソリューション");
    for (const section of [
      "Executive summary",
      "Red-flag matrix",
      "Funding by phase and year",
      "Sensitivity and return",
      "Answers side by side",
      "Open clarifications and unanswered questions",
      "Assumptions and method",
      "Committee comments and decision",
    ])
      expect(words).toContain(section);
    expect(words).toMatch(/Silent Vendor .*priced in full as unknown/);
    expect(words).toContain("<script>alert('x')</script>");
    expect(bookmarks(pdf).filter((b) => names.includes(b) || b === "Silent Vendor")).toHaveLength(10);
    // Running header and page numbers on every page after the cover.
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(words).toContain(`Page ${pages} of ${pages}`);
  }, 60_000);
});
