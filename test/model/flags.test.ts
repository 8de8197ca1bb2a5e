import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES, type FlagId } from "../../src/domain.js";
import { runModel, type ModelEvaluation } from "../../src/model/index.js";
import { ROOT } from "../../src/paths.js";
import type { AnswerValue } from "../../src/questions/answers.js";
import { loadQuestionSetFile } from "../../src/questions/loader.js";

const set = loadQuestionSetFile(join(ROOT, "questions", "ai-production.yaml")).set;
const demo = JSON.parse(readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8"));
/** A vendor that answers every question well (the demo's Northwind): it raises no flag. */
const clean: Record<string, AnswerValue> = demo.vendors[1].answers;
const evaluation: ModelEvaluation = {
  tier: "production",
  horizonYears: 3,
  currency: "EUR",
  dayRateMinor: 90_000,
  roles: [...ROLES],
};

function flagsOf(answers: Record<string, AnswerValue | undefined>) {
  return runModel({ set, evaluation, vendors: [{ id: "v", name: "V", answers }] }).vendors[0]!.flags;
}

describe("red flags on the default question set", () => {
  it("a vendor that answers everything well raises none", () => {
    expect(flagsOf(clean)).toEqual([]);
  });

  const cases: [FlagId, Record<string, AnswerValue>, string][] = [
    ["implementation_without_operation", { cto_monitoring: { status: "excluded" } }, "high"],
    ["implementation_without_operation", { cfo_scope: "build_only" }, "high"],
    ["governance_deferred", { cto_controls: { status: "deferred" } }, "high"],
    ["governance_deferred", { proc_governance_terms: "paid_option" }, "medium"],
    ["ownership_vague", { proc_spec_owner: "vendor" }, "high"],
    ["ownership_vague", { proc_handoff: { status: "excluded" } }, "high"],
    ["instant_rollout", { product_rollout_plan: "big_bang" }, "high"],
    ["instant_rollout", { product_stabilisation_weeks: 0 }, "high"],
    ["roi_without_controls", { product_review_effort: 0 }, "high"],
    ["roi_without_controls", { cfo_roi_costs: ["none"] }, "high"],
    ["cheap_by_exclusion", { cto_inference_included: false }, "medium"],
  ];
  it.each(cases)("%s is raised by %j (%s) and names the answer", (flag, change, severity) => {
    const raised = flagsOf({ ...clean, ...change }).find((f) => f.id === flag);
    expect(raised).toBeDefined();
    expect(raised!.severity).toBe(severity);
    expect(raised!.questionKeys).toEqual(Object.keys(change));
    expect(raised!.message.length).toBeGreaterThan(30);
  });

  it("silence raises flags too: an unanswered control or support item", () => {
    const { cto_monitoring: _m, cto_controls: _c, ...rest } = clean;
    const flags = flagsOf(rest).filter((f) => f.questionKeys.length > 0);
    expect(flags.map((f) => [f.id, f.severity, f.questionKeys])).toEqual([
      ["implementation_without_operation", "medium", ["cto_monitoring"]],
      ["governance_deferred", "medium", ["cto_controls"]],
    ]);
  });

  it("a question hidden by shows_if raises nothing", () => {
    expect(flagsOf({ ...clean, cfo_value_claim: false, cfo_roi_costs: ["none"] })).toEqual([]);
  });

  it("cheap_by_exclusion is raised across vendors: cheapest at entry, not overall", () => {
    const excluded = { status: "excluded" };
    const cheap = {
      ...clean,
      cfo_implementation_fee: 5_000_000,
      cto_monitoring: excluded,
      cto_incidents: excluded,
      proc_service_levels: excluded,
      product_adoption: excluded,
      cfo_exit_assistance: excluded,
      proc_handoff: excluded,
      cto_controls: { status: "deferred" },
    } as Record<string, AnswerValue>;
    const r = runModel({
      set,
      evaluation,
      vendors: [
        { id: "a", name: "Cheap", answers: cheap },
        { id: "b", name: "Full", answers: clean },
      ],
    });
    const flag = r.vendors[0]!.flags.find((f) => f.id === "cheap_by_exclusion")!;
    expect(flag.severity).toBe("high");
    expect(flag.message).toMatch(
      /Against Full: €[\d,]+ cheaper at entry, €[\d,]+ dearer over 3 years; what it leaves out or leaves unanswered costs €[\d,]+ more/,
    );
    expect(r.vendors[1]!.flags).toEqual([]);
  });
});
