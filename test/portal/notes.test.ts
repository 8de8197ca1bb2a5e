import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { answerHistory, listAnswers } from "../../src/answers/repo.js";
import { exportBundle } from "../../src/bundles/export.js";
import { importBundle } from "../../src/bundles/import.js";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { saveVendorAnswer } from "../../src/portal/service.js";
import { comparisonReport } from "../../src/report/pdf.js";
import { reportData } from "../../src/report/data.js";
import { answerPack, readPack } from "../../src/xlsx/pack.js";
import { evaluationWorkbook } from "../../src/xlsx/answers.js";
import { findVendor } from "../../src/vendors/repo.js";
import { getQuestionSet } from "../../src/questions/repo.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { buildTestApp } from "../helpers.js";
import { signIn } from "../web.js";
import { readPdf } from "../report/pdf-text.js";
import { autosave, invitedVendor, openLink, sectionState } from "./helpers.js";
import { dom, textAt } from "../html.js";

const NOTE = "List price; 12% off when signed for three years.\nVolume tiers in the attached sheet.";

describe("a vendor's note on an answer", () => {
  it("is saved without JavaScript, kept apart from the answer, and a note too long keeps all that was typed", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const { csrf } = await sectionState(agent, "cfo", "cfo_licence");
    const form = { _csrf: csrf, q_cfo_licence: "120000", rev_cfo_licence: "0", n_cfo_licence: `  ${NOTE}\r\n` };
    const long = await agent
      .post("/portal/sections/cfo")
      .type("form")
      .send({ ...form, n_cfo_licence: "x".repeat(2001) });
    expect(long.status).toBe(409);
    expect(textAt(long.text, "#q-cfo_licence-error")).toBe("Keep the note under 2000 characters (it has 2001)");
    expect(dom(long.text)("#q-cfo_licence-input").val()).toBe("120000");
    expect(dom(long.text)("#q-cfo_licence-note").text()).toBe("x".repeat(2001));
    expect(listAnswers(db, vendorId).size).toBe(0);

    const saved = await agent.post("/portal/sections/cfo").type("form").send(form);
    expect(saved.status).toBe(303);
    const stored = listAnswers(db, vendorId).get("cfo_licence")!;
    expect([stored.value, stored.note, stored.revision]).toEqual([12000000, NOTE, 1]);
    const page = dom((await agent.get("/portal/sections/cfo")).text);
    expect(page("#q-cfo_licence-note").text()).toBe(NOTE);
    expect(page("#q-cfo_licence details.note").attr("open")).toBeDefined();
    // The same form sent again changes nothing.
    await agent
      .post("/portal/sections/cfo")
      .type("form")
      .send({ ...form, rev_cfo_licence: "1" });
    expect(listAnswers(db, vendorId).get("cfo_licence")!.revision).toBe(1);
  });

  it("autosaves alone as a change of the answer's revision, never of its value or of the model", async () => {
    const { app, db, config } = buildTestApp();
    const { path, vendorId, evaluationId } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const { csrf } = await sectionState(agent, "cfo", "cfo_licence");
    expect((await autosave(agent, csrf, "cfo_licence", { q: "120000", revision: 0 })).status).toBe(200);
    const before = scoreEvaluation(db, evaluationId)!.result.vendors[0]!;
    const noted = await autosave(agent, csrf, "cfo_licence", { q: "120000", n: NOTE, revision: 1 });
    expect([noted.status, noted.body.revision]).toEqual([200, 2]);
    const after = scoreEvaluation(db, evaluationId)!.result.vendors[0]!;
    expect(after.adjustedTotal).toBe(before.adjustedTotal);
    expect(after.lines).toEqual(before.lines);
    // A save that sends no note (an older page) keeps it; an empty note clears it.
    await autosave(agent, csrf, "cfo_licence", { q: "130000", revision: 2 });
    expect(listAnswers(db, vendorId).get("cfo_licence")!.note).toBe(NOTE);
    await autosave(agent, csrf, "cfo_licence", { q: "130000", n: " ", revision: 3 });
    expect(answerHistory(db, vendorId, "cfo_licence").map((h) => [h.value, h.note])).toEqual([
      [13000000, null],
      [13000000, NOTE],
      [12000000, NOTE],
      [12000000, null],
    ]);
    // A colleague's save meanwhile is a conflict that shows their note.
    const other = saveVendorAnswer(
      db,
      findVendor(db, vendorId)!,
      evaluationId,
      "cfo_licence",
      13000000,
      4,
      "vendor-link:99",
      undefined,
      null,
      "Their caveat",
    );
    expect(other.ok).toBe(true);
    const clash = await autosave(agent, csrf, "cfo_licence", { q: "130000", n: "Mine", revision: 4 });
    expect(clash.status).toBe(409);
    expect(clash.body.current.theirs).toMatch(/\(note: Their caveat\)$/);
  });

  it("is read by the buyer on the review page, the API, the PDF and the workbook, and travels in bundles and packs", async () => {
    const { app, db, config } = buildTestApp();
    const { vendorId, evaluationId, buyer } = await invitedVendor(db, config);
    const vendor = findVendor(db, vendorId)!;
    saveVendorAnswer(db, vendor, evaluationId, "cfo_licence", 12000000, 0, "test", undefined, null, NOTE);
    saveVendorAnswer(db, vendor, evaluationId, "cto_monitoring", null, 0, "test", undefined, null, "Ask us in March");

    const agent = await signIn(app, buyer.email);
    const review = dom((await agent.get(`/evaluations/${evaluationId}/vendors/${vendorId}`)).text);
    expect(review("#q-cfo_licence .vendor-note").text()).toBe(`Vendor's note: ${NOTE}`);
    const api = await agent.get(`/api/evaluations/${evaluationId}/vendors/${vendorId}/answers`);
    expect(api.body.answers.cfo_licence).toMatchObject({ value: 12000000, note: NOTE });
    const { text } = readPdf(await comparisonReport(reportData(db, evaluationId, "test")!));
    expect(text.replace(/\s+/g, " ")).toContain("Vendor's note: List price; 12% off when signed");

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await evaluationWorkbook(db, evaluationId))! as unknown as ArrayBuffer);
    const notes = wb.getWorksheet("Vendor notes")!;
    expect((notes.getRow(2).values as unknown[]).slice(1)).toEqual([
      "Acme AI",
      "cfo_licence",
      expect.any(String),
      NOTE,
    ]);
    expect(notes.rowCount).toBe(3);
    const finance = wb.getWorksheet("CFO and finance")!;
    const row = finance.getColumn(1).values.indexOf("cfo_licence");
    const cellNote = finance.getRow(row).getCell(3).note as unknown;
    const noteText = typeof cellNote === "string" ? cellNote : JSON.stringify(cellNote);
    expect(noteText).toContain("Acme AI's note: List price");

    const bundle = exportBundle(db, evaluationId)!;
    expect(bundle.vendors[0]!.notes).toEqual({ cfo_licence: NOTE, cto_monitoring: "Ask us in March" });
    const copy = importBundle(db, JSON.stringify(bundle), "test");
    expect(JSON.stringify(exportBundle(db, copy))).toBe(JSON.stringify(bundle));
    const bad = structuredClone(bundle);
    bad.vendors[0]!.notes = { cfo_nope: "x" };
    expect(() => importBundle(db, JSON.stringify(bad), "test")).toThrow(/unknown question key 'cfo_nope'/);

    const e = findEvaluation(db, evaluationId)!;
    const set = getQuestionSet(db, e.questionSetId);
    const pack = answerPack(set, vendor.name, listAnswers(db, vendorId));
    expect(pack.notes).toEqual({ cfo_licence: NOTE, cto_monitoring: "Ask us in March" });
    const into = readPack(JSON.stringify(pack), set, e.roles, new Map(), e.currency);
    if (!into.ok) throw new Error(into.message);
    expect(into.review.changes.map((c) => [c.key, c.value, c.note])).toEqual([
      ["cfo_licence", 12000000, NOTE],
      ["cto_monitoring", null, "Ask us in March"],
    ]);
    // Read back into the answers it came from, the pack changes nothing.
    const home = readPack(JSON.stringify(pack), set, e.roles, listAnswers(db, vendorId), e.currency);
    expect(home.ok && home.review.changes).toEqual([]);
  });
});
