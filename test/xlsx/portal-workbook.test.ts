import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { listAnswers } from "../../src/answers/repo.js";
import { listVendors } from "../../src/vendors/repo.js";
import { sheetName } from "../../src/xlsx/questionnaire.js";
import { importDemo } from "../factories.js";
import { buildSharedApp } from "../helpers.js";
import { csrfOf, dom, pageText } from "../html.js";
import { delegatedPath, openLink } from "../portal/helpers.js";
import { getBytes, type Agent } from "../web.js";

const { app, db, config } = buildSharedApp();

async function download(agent: Agent): Promise<Buffer> {
  const res = await getBytes(agent, "/portal/questionnaire.xlsx");
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toContain("spreadsheetml");
  return res.body as Buffer;
}

async function upload(agent: Agent, file: Buffer) {
  const page = await agent.get("/portal/workbook");
  if (!page.text.includes("_csrf"))
    throw new Error(
      `${page.status} ${page.text
        .replace(/<[^>]*>/g, " ")
        .replace(/\s+/g, " ")
        .slice(0, 900)}`,
    );
  return agent.post("/portal/workbook").field("_csrf", csrfOf(page.text)).attach("file", file, "answers.xlsx");
}

describe("the workbook in the portal", () => {
  it("downloads, previews the changes of an upload, and applies them through the save path", async () => {
    const e = importDemo(db);
    const meridian = listVendors(db, e).find((v) => v.name === "Meridian Automation")!;
    const agent = await openLink(app, delegatedPath(db, config, meridian.id, null as never));
    const file = await download(agent);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const cto = wb.getWorksheet(sheetName("cto"))!;
    let row = 0;
    cto.eachRow((r, n) => {
      if (r.getCell(1).value === "cto_monitoring") row = n;
    });
    const before = listAnswers(db, meridian.id).get("cto_monitoring");
    const status = (before?.value as { status?: string } | null)?.status === "partial" ? "excluded" : "partial";
    cto.getCell(`D${row}`).value = status === "partial" ? "Partly included" : "Not included";
    const res = await upload(agent, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.status, res.text.slice(0, 400)).toBe(200);
    const $ = dom(res.text);
    expect(pageText($("#preview").html()!)).toContain("One change, no conflicts, no problems");
    // Nothing is stored before the preview is applied.
    expect(listAnswers(db, meridian.id).get("cto_monitoring")).toEqual(before);
    const apply = await agent
      .post($("#preview form").attr("action")!)
      .type("form")
      .send({ _csrf: csrfOf(res.text) });
    expect(apply.status).toBe(200);
    expect(pageText(apply.text)).toContain("One answer saved from the workbook.");
    const now = listAnswers(db, meridian.id).get("cto_monitoring")!;
    expect(now.value).toEqual({ status });
    expect(now.revision).toBe((before?.revision ?? 0) + 1);
    const audited = db
      .prepare("SELECT count(*) FROM audit_log WHERE evaluation_id = ? AND action = 'workbook.applied'")
      .pluck()
      .get(e);
    expect(audited).toBe(1);
  });

  it("takes a note typed in the notes column, keeping the answer as it was", async () => {
    const e = importDemo(db);
    const meridian = listVendors(db, e).find((v) => v.name === "Meridian Automation")!;
    const agent = await openLink(app, delegatedPath(db, config, meridian.id, null as never));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(agent)) as unknown as ArrayBuffer);
    const cfo = wb.getWorksheet(sheetName("cfo"))!;
    expect(cfo.getCell("H1").value).toBe("Notes for the buyer");
    let row = 0;
    cfo.eachRow((r, n) => {
      if (r.getCell(1).value === "cfo_licence") row = n;
    });
    cfo.getCell(`H${row}`).value = "Includes the 2027 price rise";
    const before = listAnswers(db, meridian.id).get("cfo_licence")!;
    const res = await upload(agent, Buffer.from(await wb.xlsx.writeBuffer()));
    const $ = dom(res.text);
    expect(pageText($("#preview").html()!)).toContain("One change, no conflicts, no problems");
    expect(pageText($("#preview").html()!)).toContain("(note: Includes the 2027 price rise)");
    await agent
      .post($("#preview form").attr("action")!)
      .type("form")
      .send({ _csrf: csrfOf(res.text) });
    const now = listAnswers(db, meridian.id).get("cfo_licence")!;
    expect([now.value, now.note, now.revision]).toEqual([
      before.value,
      "Includes the 2027 price rise",
      before.revision + 1,
    ]);
  });

  it("refuses another vendor's workbook and a file that is no workbook, next to the field", async () => {
    const e = importDemo(db);
    const [swift, , meridian] = listVendors(db, e);
    const own = await openLink(app, delegatedPath(db, config, swift!.id, null as never));
    const theirs = await download(own);
    const agent = await openLink(app, delegatedPath(db, config, meridian!.id, null as never));
    const other = await upload(agent, theirs);
    expect(other.status).toBe(400);
    expect(dom(other.text)("#f-file-error").text()).toMatch(/belongs to another questionnaire/);
    const junk = await upload(agent, Buffer.from("not a workbook"));
    expect(dom(junk.text)("#f-file-error").text()).toBe(
      "This file is not an Excel workbook (.xlsx) Truecost can read.",
    );
    const big = await upload(agent, Buffer.alloc(3 * 1024 * 1024, 1));
    expect(big.status).toBe(400);
    expect(pageText(big.text)).toMatch(/over 2 MB/);
    // Said next to the field, on the page the form came from.
    expect(dom(big.text)("#f-file-error").text()).toMatch(/over 2 MB/);
  });

  it("carries answers between two questionnaires as an answer pack, listing what does not match", async () => {
    const a = importDemo(db);
    const b = importDemo(db);
    const swiftA = listVendors(db, a).find((v) => v.name === "Swiftpilot AI")!;
    const meridianB = listVendors(db, b).find((v) => v.name === "Meridian Automation")!;
    const from = await openLink(app, delegatedPath(db, config, swiftA.id, null as never));
    const res = await from.get("/portal/answers.json");
    expect(res.status).toBe(200);
    const pack = res.body as { answers: Record<string, unknown> };
    pack.answers.cto_teleport = { status: "included" };
    pack.answers.cfo_licence = "a lot";
    const to = await openLink(app, delegatedPath(db, config, meridianB.id, null as never));
    const page = await to.get("/portal/workbook");
    const up = await to
      .post("/portal/answer-pack")
      .field("_csrf", csrfOf(page.text))
      .attach("file", Buffer.from(JSON.stringify(pack)), "pack.json");
    expect(up.status, up.text.slice(0, 300)).toBe(200);
    const $ = dom(up.text);
    const problems = $(".problems li")
      .toArray()
      .map((li) => $(li).text().replace(/\s+/g, " ").trim());
    expect(problems).toContain("cto_teleport: not a question of this questionnaire: left out");
    expect(problems.some((x) => x.startsWith("cfo_licence: not an answer this question takes"))).toBe(true);
    const apply = await to
      .post($("#preview form").attr("action")!)
      .type("form")
      .send({ _csrf: csrfOf(up.text) });
    expect(apply.status).toBe(200);
    const mine = listAnswers(db, meridianB.id);
    const theirs = listAnswers(db, swiftA.id);
    for (const [k, x] of theirs) if (k !== "cfo_licence") expect(mine.get(k)?.value ?? null, k).toEqual(x.value);
    const junk = await to
      .post("/portal/answer-pack")
      .field("_csrf", csrfOf(page.text))
      .attach("file", Buffer.from("{ nope"), "pack.json");
    expect(dom(junk.text)("#f-pack-error").text()).toMatch(/not an answer pack/);
  });
});
