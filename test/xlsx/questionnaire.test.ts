import ExcelJS from "exceljs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES } from "../../src/domain.js";
import { ROOT } from "../../src/paths.js";
import type { AnswerValue } from "../../src/questions/answers.js";
import { loadQuestionSetFile } from "../../src/questions/loader.js";
import { questionnaireWorkbook, sheetName } from "../../src/xlsx/questionnaire.js";
import { readQuestionnaire } from "../../src/xlsx/read.js";

const { set } = loadQuestionSetFile("questions/ai-production.yaml");
const demo = JSON.parse(readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8")) as {
  vendors: { name: string; answers: Record<string, AnswerValue> }[];
};
const roles = [...ROLES];
const ids = { evaluationId: 7, vendorId: 3, questionSetId: 11, currency: "EUR" };

interface Stored {
  value: AnswerValue | null;
  notKnown: string | null;
  note: string | null;
  revision: number;
}

function storedOf(answers: Record<string, AnswerValue>): Map<string, Stored> {
  return new Map(Object.entries(answers).map(([k, value]) => [k, { value, notKnown: null, note: null, revision: 1 }]));
}

async function workbook(stored: ReturnType<typeof storedOf>) {
  return questionnaireWorkbook({
    evaluation: { id: 7, title: "Claims", dueDate: "2027-01-29", currency: "EUR", buyerName: "Ada", questionSetId: 11 },
    vendor: { id: 3, name: "Swiftpilot AI" },
    set,
    roles,
    answers: stored,
    evidence: new Map(),
    now: new Date("2026-12-03T10:00:00Z"),
  });
}

/** Edits cells of a workbook as a vendor would, and returns the new file. */
async function edit(file: Buffer, cells: Record<string, ExcelJS.CellValue>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  for (const [ref, v] of Object.entries(cells)) {
    const [sheet, addr] = ref.split("!") as [string, string];
    wb.getWorksheet(sheet)!.getCell(addr).value = v;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The cell address of a question's answer (or another column) on its section's sheet. */
function cellOf(key: string, column = "D"): string {
  for (const s of set.sections) {
    const i = s.questions.findIndex((q) => q.key === key);
    if (i >= 0) return `${sheetName(s.role)}!${column}${i + 2}`;
  }
  throw new Error(key);
}

describe("the questionnaire workbook", () => {
  it("round-trips every vendor's answers, of every question type, without a change", async () => {
    for (const v of demo.vendors) {
      const stored = storedOf(v.answers);
      const r = await readQuestionnaire(await workbook(stored), ids, set, roles, stored);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.preview.problems).toEqual([]);
      expect(r.preview.changes).toEqual([]);
      expect(r.preview.conflicts).toEqual([]);
    }
    const types = new Set(
      set.sections.flatMap((s) => s.questions.filter((q) => q.key in demo.vendors[0]!.answers).map((q) => q.type)),
    );
    expect([...types].sort()).toEqual(
      expect.arrayContaining(["coverage", "money", "multi_choice", "number", "single_choice", "text", "yes_no"]),
    );
  });

  it("reads edits as changes through the web form's rules, and names each bad cell", async () => {
    const stored = storedOf(demo.vendors[0]!.answers);
    const file = await edit(await workbook(stored), {
      [cellOf("cto_monitoring")]: "Included in the quoted price",
      [cellOf("cfo_licence")]: 99000.5,
      [cellOf("cfo_implementation_fee")]: "about a million",
      [cellOf("cto_portability")]: "Somewhat",
      [cellOf("proc_reference")]: { formula: 'HYPERLINK("http://evil.example","x")' } as ExcelJS.CellFormulaValue,
      [cellOf("cto_inference_included")]: "Yes",
      [cellOf("cfo_price_cap")]: "",
      [cellOf("cfo_scope", "F")]: "Finance has not decided the scope yet",
      [cellOf("cfo_scope")]: null,
    });
    const r = await readQuestionnaire(file, ids, set, roles, stored);
    if (!r.ok) throw new Error(r.message);
    const byKey = new Map(r.preview.changes.map((c) => [c.key, c]));
    expect(byKey.get("cto_monitoring")!.value).toEqual({ status: "included" });
    expect(byKey.get("cfo_licence")!.value).toBe(9900050);
    expect(byKey.get("cto_inference_included")!.value).toBe(true);
    expect(byKey.get("cfo_price_cap")!.value).toBeNull();
    expect(byKey.get("cfo_scope")).toMatchObject({ value: null, notKnown: "Finance has not decided the scope yet" });
    // A formula is kept as its text, never evaluated.
    expect(byKey.get("proc_reference")!.value).toBe('=HYPERLINK("http://evil.example","x")');
    const problems = new Map(r.preview.problems.map((p) => [p.cell, p.message]));
    expect(problems.get(cellOf("cfo_implementation_fee"))).toMatch(/amount/i);
    expect(problems.get(cellOf("cto_portability"))).toMatch(/^“Somewhat” is not a choice: one of /);
    expect(r.preview.problems).toHaveLength(2);
  });

  it("reads the notes column: a note alone is a change, kept apart from the answer, and a bad note is named by cell", async () => {
    const stored = storedOf(demo.vendors[0]!.answers);
    stored.set("cto_monitoring", { ...stored.get("cto_monitoring")!, note: "Dashboards only; alerting is extra" });
    const file = await workbook(stored);
    // The note goes out in its own column and comes back unchanged.
    const same = await readQuestionnaire(file, ids, set, roles, stored);
    if (!same.ok) throw new Error(same.message);
    expect(same.preview.changes).toEqual([]);
    const edited = await edit(file, {
      [cellOf("cfo_licence", "H")]: "List price; 12% off for three years",
      [cellOf("cto_monitoring", "H")]: null,
      [cellOf("cfo_scope", "H")]: "x".repeat(2001),
    });
    const r = await readQuestionnaire(edited, ids, set, roles, stored);
    if (!r.ok) throw new Error(r.message);
    const byKey = new Map(r.preview.changes.map((c) => [c.key, c]));
    expect(byKey.get("cfo_licence")).toMatchObject({
      value: stored.get("cfo_licence")!.value,
      note: "List price; 12% off for three years",
    });
    expect(byKey.get("cfo_licence")!.after).toMatch(/\(note: List price; 12% off for three years\)$/);
    expect(byKey.get("cto_monitoring")).toMatchObject({ value: stored.get("cto_monitoring")!.value, note: null });
    expect(r.preview.problems).toEqual([{ cell: cellOf("cfo_scope", "H"), message: expect.stringMatching(/note/) }]);
    expect(r.preview.changes).toHaveLength(2);
  });

  it("shows an answer changed online since the download as a conflict; a row left as it was keeps the online answer", async () => {
    const stored = storedOf(demo.vendors[0]!.answers);
    const file = await edit(await workbook(stored), { [cellOf("cto_monitoring")]: "Partly included" });
    const online = new Map(stored);
    online.set("cto_monitoring", { value: { status: "included" }, notKnown: null, note: null, revision: 2 });
    online.set("cto_controls", { value: { status: "included" }, notKnown: null, note: null, revision: 2 });
    const r = await readQuestionnaire(file, ids, set, roles, online);
    if (!r.ok) throw new Error(r.message);
    expect(r.preview.conflicts.map((c) => [c.key, c.online, c.after])).toEqual([
      ["cto_monitoring", "Included in the quoted price", "Partly included"],
    ]);
    expect(r.preview.changes).toEqual([]);
  });

  it("refuses a workbook of another questionnaire, another version, or a file that is no workbook", async () => {
    const stored = storedOf({});
    const file = await workbook(stored);
    const other = await readQuestionnaire(file, { ...ids, vendorId: 4 }, set, roles, stored);
    expect(other).toEqual({ ok: false, message: expect.stringMatching(/belongs to another questionnaire/) });
    const older = await readQuestionnaire(file, { ...ids, questionSetId: 12 }, set, roles, stored);
    expect(older).toEqual({ ok: false, message: expect.stringMatching(/another version of the question set/) });
    const junk = await readQuestionnaire(Buffer.from("PK\u0003\u0004 not really"), ids, set, roles, stored);
    expect(junk).toEqual({ ok: false, message: "This file is not an Excel workbook (.xlsx) Truecost can read." });
    const plain = new ExcelJS.Workbook();
    plain.addWorksheet("Sheet1").getCell("A1").value = "hello";
    const foreign = await readQuestionnaire(Buffer.from(await plain.xlsx.writeBuffer()), ids, set, roles, stored);
    expect(foreign).toMatchObject({ ok: false, message: expect.stringMatching(/not made by Truecost/) });
  });

  it("refuses a change to a section the link may not answer, by cell", async () => {
    const stored = storedOf({});
    const file = await edit(await workbook(stored), { [cellOf("cfo_licence")]: 1000 });
    const r = await readQuestionnaire(file, ids, set, ["cto"], stored);
    if (!r.ok) throw new Error(r.message);
    expect(r.preview.problems).toEqual([
      { cell: cellOf("cfo_licence"), message: expect.stringContaining("not yours to answer") },
    ]);
  });

  it("reads other locales' amounts, refuses merged cells and a renamed sheet by cell, and a zip bomb unread", async () => {
    const stored = storedOf({});
    const file = await edit(await workbook(stored), {
      [cellOf("cfo_licence")]: "1.234.567,50",
      [cellOf("cfo_support_fee")]: "24 000,5",
      [cellOf("cfo_training_fee")]: "15000,75",
    });
    const r = await readQuestionnaire(file, ids, set, roles, stored);
    if (!r.ok) throw new Error(r.message);
    const value = (k: string) => r.preview.changes.find((c) => c.key === k)?.value;
    expect([value("cfo_licence"), value("cfo_support_fee"), value("cfo_training_fee")]).toEqual([
      123456750, 2400050, 1500075,
    ]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await workbook(stored)) as unknown as ArrayBuffer);
    const [sheet, addr] = cellOf("cto_monitoring").split("!") as [string, string];
    const ws = wb.getWorksheet(sheet)!;
    const row = Number(addr.slice(1));
    ws.getCell(`D${row}`).value = "Not included";
    ws.mergeCells(`D${row}:D${row + 1}`);
    wb.getWorksheet(sheetName("cfo"))!.name = "Finance";
    const odd = await readQuestionnaire(Buffer.from(await wb.xlsx.writeBuffer()), ids, set, roles, stored);
    if (!odd.ok) throw new Error(odd.message);
    expect(odd.preview.problems).toEqual(
      expect.arrayContaining([
        { cell: `${sheet}!D${row}`, message: expect.stringMatching(/^merged cells/) },
        { cell: sheetName("cfo"), message: expect.stringMatching(/this sheet is missing/) },
      ]),
    );
    expect(odd.preview.changes.find((c) => c.key === "cto_monitoring")).toBeUndefined();

    // A zip whose directory declares 4 GB is refused before anything is unpacked.
    const bomb = Buffer.from(file);
    const eocd = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const central = bomb.readUInt32LE(eocd + 16);
    bomb.writeUInt32LE(0xffffffff, central + 24);
    const refused = await readQuestionnaire(bomb, ids, set, roles, stored);
    expect(refused).toEqual({ ok: false, message: expect.stringMatching(/unpacks to far more than a questionnaire/) });
  });

  it("takes a date as an Excel date or as YYYY-MM-DD text, and names a date typed another way", async () => {
    const dated = structuredClone(set);
    const base = dated.sections[0]!.questions.find((q) => q.type === "text")!;
    dated.sections[0]!.questions.push({
      ...base,
      key: "cto_launch_date",
      type: "date",
      text: "When did the system first go live?",
    });
    const stored = new Map([
      ["cto_launch_date", { value: "2025-05-01" as AnswerValue, notKnown: null, note: null, revision: 1 }],
    ]);
    const file = await questionnaireWorkbook({
      evaluation: {
        id: 7,
        title: "Claims",
        dueDate: "2027-01-29",
        currency: "EUR",
        buyerName: "Ada",
        questionSetId: 11,
      },
      vendor: { id: 3, name: "Swiftpilot AI" },
      set: dated,
      roles,
      answers: stored,
      evidence: new Map(),
      now: new Date("2026-12-03T10:00:00Z"),
    });
    const same = await readQuestionnaire(file, ids, dated, roles, stored);
    expect(same.ok && same.preview.changes).toEqual([]);
    const row = dated.sections[0]!.questions.length + 1;
    const at = `${sheetName(dated.sections[0]!.role)}!D${row}`;
    const asDate = await readQuestionnaire(
      await edit(file, { [at]: new Date(Date.UTC(2026, 2, 1)) }),
      ids,
      dated,
      roles,
      stored,
    );
    expect(asDate.ok && [asDate.preview.changes.map((c) => c.value), asDate.preview.problems]).toEqual([
      ["2026-03-01"],
      [],
    ]);
    const typed = await readQuestionnaire(await edit(file, { [at]: "01/03/2026" }), ids, dated, roles, stored);
    expect(typed.ok && typed.preview.problems.map((p) => p.cell)).toEqual([at]);
  });
});
