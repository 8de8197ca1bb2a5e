import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportBundle } from "../../src/bundles/export.js";
import { BundleError, importBundle } from "../../src/bundles/import.js";
import { ROOT } from "../../src/paths.js";
import { makeDb } from "../helpers.js";
import { verifyAudit } from "../../src/audit/repo.js";

const demoText = readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8");
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const demo = (): any => JSON.parse(demoText);

function refusal(mutate: (b: ReturnType<typeof demo>) => unknown): { path: string; message: string }[] {
  const { db } = makeDb();
  const b = demo();
  const replaced = mutate(b);
  const text = typeof replaced === "string" ? replaced : JSON.stringify(b);
  const before = db.prepare("SELECT (SELECT count(*) FROM evaluations) + (SELECT count(*) FROM vendors) + (SELECT count(*) FROM answers)").pluck().get();
  try {
    importBundle(db, text, "test");
  } catch (err) {
    expect(err).toBeInstanceOf(BundleError);
    // All or nothing: nothing was written.
    expect(db.prepare("SELECT (SELECT count(*) FROM evaluations) + (SELECT count(*) FROM vendors) + (SELECT count(*) FROM answers)").pluck().get()).toBe(before);
    return (err as BundleError).problems;
  }
  throw new Error("expected the bundle to be refused");
}

describe("evaluation bundles", () => {
  it.each([
    ["an unknown question key", (b: any) => { b.vendors[1].answers.cto_teleport = true; }, "vendors[1].answers.cto_teleport", /unknown question key 'cto_teleport'/],
    ["an answer of the wrong type", (b: any) => { b.vendors[0].answers.cto_inference_included = "sometimes"; }, "vendors[0].answers.cto_inference_included", /must be yes or no/],
    ["an amount that is not a number", (b: any) => { b.vendors[2].answers.cfo_licence = "60k"; }, "vendors[2].answers.cfo_licence", /must be an amount/],
    ["a fractional amount", (b: any) => { b.vendors[2].answers.cfo_licence = 12.5; }, "vendors[2].answers.cfo_licence", /whole number of minor units/],
    ["a coverage status that does not exist", (b: any) => { b.vendors[0].answers.cto_controls = { status: "maybe" }; }, "vendors[0].answers.cto_controls.status", /Invalid option/],
    ["not applicable where the question does not allow it", (b: any) => { b.vendors[0].answers.cto_controls = { status: "not_applicable" }; }, "vendors[0].answers.cto_controls.status", /Not applicable/],
    ["an option that is not listed", (b: any) => { b.vendors[0].answers.proc_spec_owner = "nobody"; }, "vendors[0].answers.proc_spec_owner", /listed options/],
    ["a bad email", (b: any) => { b.vendors[1].contactEmail = "mikael at northwind"; }, "vendors[1].contactEmail", /email/],
    ["an unknown assumption", (b: any) => { b.evaluation.assumptions.magic = 2; }, "evaluation.assumptions.magic", /unknown assumption/],
    ["a share above its maximum", (b: any) => { b.evaluation.assumptions.partial_share = 5; }, "evaluation.assumptions.partial_share", /^at most 1$/],
    ["a go-live month beyond sense", (b: any) => { b.evaluation.assumptions.go_live_month = 1e9; }, "evaluation.assumptions.go_live_month", /^at most 36$/],
    ["an assumption of 1e308", (b: any) => { b.evaluation.assumptions.exit_share = 1e308; }, "evaluation.assumptions.exit_share", /^at most 2$/],
    ["a negative assumption", (b: any) => { b.evaluation.assumptions.monitoring_days = -3; }, "evaluation.assumptions.monitoring_days", /^at least 0$/],
    ["a day rate beyond the largest amount", (b: any) => { b.evaluation.dayRateMinor = 1e15; }, "evaluation.dayRateMinor", /too large/],
    ["a bad currency", (b: any) => { b.evaluation.currency = "euro"; }, "evaluation.currency", /ISO 4217/],
    ["a horizon out of range", (b: any) => { b.evaluation.horizonYears = 40; }, "evaluation.horizonYears", /at most 10/],
    ["an unknown question-set version", (b: any) => { b.questionSet.version = 99; }, "questionSet", /version 99 is not loaded/],
    ["a clarification on a missing question", (b: any) => { b.vendors[0].clarifications[0].questionKey = "nope"; }, "vendors[0].clarifications[0].questionKey", /unknown question key/],
    ["text that is not JSON", () => "{ not json", "(file)", /not valid JSON/],
  ])("refuses %s, with its JSON path, and writes nothing", (_name, mutate, path, reason) => {
    const problems = refusal(mutate as (b: unknown) => unknown);
    const hit = problems.find((p) => p.path === path);
    expect(hit, JSON.stringify(problems)).toBeDefined();
    expect(hit!.message).toMatch(reason);
  });

  it("export → import → export gives the same bundle", () => {
    const { db } = makeDb();
    const first = importBundle(db, demoText, "test");
    const exported = exportBundle(db, first)!;
    expect(exported).toEqual(JSON.parse(demoText));
    const second = importBundle(db, JSON.stringify(exported), "test");
    expect(second).not.toBe(first);
    expect(exportBundle(db, second)).toEqual(exported);
    expect(verifyAudit(db)).toMatchObject({ ok: true, entries: 2 });
    const history = db.prepare("SELECT count(*) FROM answer_history h JOIN vendors v ON v.id = h.vendor_id WHERE v.evaluation_id = ?").pluck().get(second);
    expect(history).toBe(db.prepare("SELECT count(*) FROM answers a JOIN vendors v ON v.id = a.vendor_id WHERE v.evaluation_id = ?").pluck().get(second));
  });
});
