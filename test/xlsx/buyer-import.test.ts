import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { listAnswers } from "../../src/answers/repo.js";
import { listVendors } from "../../src/vendors/repo.js";
import { vendorWorkbook } from "../../src/xlsx/vendor.js";
import { sheetName } from "../../src/xlsx/questionnaire.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { importDemo, makeUser } from "../factories.js";
import { buildSharedApp } from "../helpers.js";
import { csrfOf, dom, pageText } from "../html.js";
import { signIn, type Agent } from "../web.js";

const { app, db } = buildSharedApp();

async function upload(agent: Agent, path: string, file: Buffer) {
  const page = await agent.get(path);
  return agent.post(path).field("_csrf", csrfOf(page.text)).attach("file", file, "answers.xlsx");
}

describe("a buyer importing a vendor's workbook", () => {
  it("previews and applies it on the vendor's behalf, audited; never for a submitted vendor or by the committee", async () => {
    const e = importDemo(db);
    const [swift, , meridian] = listVendors(db, e);
    const admin = await makeUser(db, "admin");
    const agent = await signIn(app, admin.email);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await vendorWorkbook(db, meridian!, findEvaluation(db, e)!.roles)) as unknown as ArrayBuffer);
    wb.getWorksheet(sheetName("cfo"))!.eachRow((row) => {
      if (row.getCell(1).value === "cfo_price_cap") row.getCell(4).value = 2;
    });
    const path = `/evaluations/${e}/vendors/${meridian!.id}/workbook`;
    const res = await upload(agent, path, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.status, pageText(res.text).slice(0, 400)).toBe(200);
    const $ = dom(res.text);
    expect(pageText($("#preview").html()!)).toMatch(/^3\. Check and apply One change/);
    const applied = await agent
      .post($("#preview form").attr("action")!)
      .type("form")
      .send({ _csrf: csrfOf(res.text) });
    expect(pageText(applied.text)).toContain("One answer saved from the workbook.");
    expect(listAnswers(db, meridian!.id).get("cfo_price_cap")!.value).toBe(2);
    const entry = db
      .prepare("SELECT actor, detail FROM audit_log WHERE evaluation_id = ? AND action = 'workbook.applied'")
      .get(e) as { actor: string; detail: string };
    expect(entry.actor).toBe(`user:${admin.id}`);
    expect(JSON.parse(entry.detail)).toMatchObject({ vendor: "Meridian Automation", saved: 1, onBehalf: true });

    const submitted = await upload(
      agent,
      `/evaluations/${e}/vendors/${swift!.id}/workbook`,
      Buffer.from(await wb.xlsx.writeBuffer()),
    );
    expect(submitted.status).toBe(400);
    expect(pageText(submitted.text)).toContain("reopen its questionnaire before importing a workbook for it");
    const committee = await signIn(app, (await makeUser(db, "committee")).email);
    expect((await committee.get(path)).status).toBe(403);
  });
});
