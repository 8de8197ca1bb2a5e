import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { evaluationWorkbook } from "../../src/xlsx/answers.js";
import { sheetName } from "../../src/xlsx/questionnaire.js";
import { importDemo } from "../factories.js";
import { makeDb } from "../helpers.js";

describe("the buyer's workbook", () => {
  it("holds every vendor's answers by section and the model's cost lines and funding rows to the cent", async () => {
    const { db } = makeDb();
    const e = importDemo(db);
    const r = scoreEvaluation(db, e)!.result;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await evaluationWorkbook(db, e))! as unknown as ArrayBuffer);
    const rows = (name: string) => {
      const ws = wb.getWorksheet(name)!;
      const head = (ws.getRow(1).values as unknown[]).slice(1).map(String);
      const out: Record<string, unknown>[] = [];
      ws.eachRow((row, n) => {
        if (n > 1) out.push(Object.fromEntries((row.values as unknown[]).slice(1).map((v, i) => [head[i], v])));
      });
      return out;
    };
    const cents = (x: unknown) => Math.round(Number(x) * 100);
    const lines = rows("Cost lines");
    const plan = rows("Funding plan");
    for (const v of r.vendors) {
      const own = lines.filter((l) => l.vendor === v.name);
      expect(own).toHaveLength(v.lines.length);
      expect(own.reduce((s, l) => s + cents(l.total), 0)).toBe(v.pricedTotal);
      const funded = plan.filter((l) => l.vendor === v.name);
      expect(funded.reduce((s, l) => s + cents(l.amount), 0)).toBe(v.pricedTotal);
    }
    const flags = rows("Red flags");
    expect(flags).toHaveLength(r.vendors.reduce((s, v) => s + v.flags.length, 0));
    // Answers by section: a column per vendor, choices by their label.
    const cto = rows(sheetName("cto"));
    const monitoring = cto.find((x) => x.Key === "cto_monitoring")!;
    expect(monitoring["Swiftpilot AI"]).toBe("Not included");
    expect(monitoring["Northwind Cognitive"]).toBe("Included in the quoted price");
  });
});
