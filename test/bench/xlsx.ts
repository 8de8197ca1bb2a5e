import ExcelJS from "exceljs";
import { ROLES } from "../../src/domain.js";
import { questionnaireWorkbook, sheetName } from "../../src/xlsx/questionnaire.js";
import { readQuestionnaire } from "../../src/xlsx/read.js";
import { modelFixture } from "./fixtures.js";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * A 200-question questionnaire as a workbook: made with every answer filled in, then uploaded
 * back with one answer per sheet edited and previewed. Baseline: exceljs writing and reading a
 * plain workbook of the same number of rows and columns, with no Truecost logic.
 */
export async function benchXlsx(runs = 7) {
  const { set, vendors } = modelFixture(1, 200);
  const answers = new Map(
    Object.entries(vendors[0]!.answers).map(([k, value]) => [
      k,
      { value: value ?? null, notKnown: null, note: null, revision: 1 },
    ]),
  );
  const questions = set.sections.reduce((n, s) => n + s.questions.length, 0);
  const make = () =>
    questionnaireWorkbook({
      evaluation: { id: 1, title: "Bench", dueDate: "2027-01-01", currency: "EUR", buyerName: "B", questionSetId: 1 },
      vendor: { id: 1, name: "V" },
      set,
      roles: [...ROLES],
      answers,
      evidence: new Map(),
      now: new Date(),
    });
  const made: number[] = [],
    read: number[] = [],
    plainWrite: number[] = [],
    plainRead: number[] = [];
  let file = await make();
  // The upload: one answer cell per sheet emptied.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  for (const s of set.sections) {
    const ws = wb.getWorksheet(sheetName(s.role));
    if (ws) ws.getCell("D2").value = null;
  }
  const upload = Buffer.from(await wb.xlsx.writeBuffer());
  let changes = 0;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    file = await make();
    made.push(performance.now() - t);
    t = performance.now();
    const r = await readQuestionnaire(
      upload,
      { evaluationId: 1, vendorId: 1, questionSetId: 1, currency: "EUR" },
      set,
      [...ROLES],
      answers,
    );
    read.push(performance.now() - t);
    if (r.ok) changes = r.preview.changes.length;
    t = performance.now();
    const plain = new ExcelJS.Workbook();
    const ws = plain.addWorksheet("Plain");
    for (let n = 0; n < questions; n++)
      ws.addRow([`key_${n}`, "A question of some length, as a row", "Guidance text", "Answer", null, null, null]);
    const bytes = Buffer.from(await plain.xlsx.writeBuffer());
    plainWrite.push(performance.now() - t);
    t = performance.now();
    await new ExcelJS.Workbook().xlsx.load(bytes as unknown as ArrayBuffer);
    plainRead.push(performance.now() - t);
  }
  return {
    questions,
    bytes: file.length,
    changes,
    makeMs: median(made),
    readMs: median(read),
    plainWriteMs: median(plainWrite),
    plainReadMs: median(plainRead),
  };
}
