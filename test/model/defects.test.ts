import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { comparisonCsv } from "../../src/comparison/csv.js";
import { presentComparison } from "../../src/comparison/present.js";
import { ROLES } from "../../src/domain.js";
import { parseAmount } from "../../src/format.js";
import { runModel, type ModelEvaluation, type ModelVendor } from "../../src/model/index.js";
import { roundMinor } from "../../src/model/schedule.js";
import { ROOT } from "../../src/paths.js";
import type { AnswerValue } from "../../src/questions/answers.js";
import { loadQuestionSetFile } from "../../src/questions/loader.js";

/** One example per defect the model had (issue "right before precise"): each failed on the model before the change. */
const set = loadQuestionSetFile(join(ROOT, "questions", "ai-production.yaml")).set;
const demo = JSON.parse(readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8"));
type Answers = Record<string, AnswerValue>;
const [swift, north, meridian] = demo.vendors.map((v: { answers: Answers }) => v.answers) as [
  Answers,
  Answers,
  Answers,
];
const base: ModelEvaluation = {
  tier: "production",
  horizonYears: 3,
  currency: "EUR",
  dayRateMinor: 90_000,
  valueEstimateMinor: 42_000_000,
  roles: [...ROLES],
};
const EUR = (n: number) => Math.round(n * 100);

function run(vendors: (Partial<ModelVendor> & { answers: Answers })[], evaluation: Partial<ModelEvaluation> = {}) {
  return runModel({
    set,
    evaluation: { ...base, ...evaluation },
    vendors: vendors.map((v, i) => ({ id: String(i + 1), name: `Vendor ${i + 1}`, ...v })),
  });
}
const drop = (answers: Answers, ...keys: string[]) =>
  Object.fromEntries(Object.entries(answers).filter(([k]) => !keys.includes(k)));
const line = (v: ReturnType<typeof run>["vendors"][number], key: string) => v.lines.find((l) => l.questionKey === key)!;

describe("1. silence is never cheaper than an answer", () => {
  it("the dearest vendor leaving its licence blank does not lower its total or entry price: its total cannot be compared", () => {
    const before = run([{ answers: swift }, { answers: north }]);
    const after = run([{ answers: swift }, { answers: drop(north, "cfo_licence") }]);
    expect(before.vendors[1]!.adjustedTotal).not.toBeNull();
    expect(after.vendors[1]!.adjustedTotal).toBeNull();
    expect(after.vendors[1]!.entryPrice).toBeNull();
    expect(after.vendors[1]!.missing.map((m) => m.questionKey)).toEqual(["cfo_licence"]);
    expect(after.vendors[1]!.adjustedRank).toBeNull();
  });

  it("a single vendor with a blank licence is never cheapest at entry, nor given a price below what it would quote", () => {
    const r = run([{ answers: drop(north, "cfo_licence") }]);
    expect(r.vendors[0]!.entryStatus).toBe("not_quoted");
    expect(r.vendors[0]!.entryRank).toBeNull();
    expect(line(r.vendors[0]!, "cfo_licence").unpriced).toBe(true);
    expect(presentComparison(r, set).headline).toMatch(/No vendor can be ranked yet/);
  });

  it("a blank usage fee gets no buyer-days floor: it is a missing price", () => {
    const v = run([{ answers: drop(north, "cfo_usage") }]).vendors[0]!;
    expect(line(v, "cfo_usage")).toMatchObject({ unpriced: true, amount: 0 });
    expect(v.complete).toBe(false);
  });
});

describe("2. an answer cannot make a duty the tier requires free", () => {
  it("zero days of review in production without evidence is priced at the tier's floor, shown, and flagged as a claim", () => {
    const v = run([{ answers: { ...north, product_review_effort: 0 } }]).vendors[0]!;
    const l = line(v, "product_review_effort");
    expect(l).toMatchObject({ kind: "disclosed", asserted: true, amount: EUR(27_000) });
    expect(v.flags.find((f) => f.id === "roi_without_controls")!.message).toMatch(/below the tier's floor/);
  });

  it("zero days backed by evidence counts as €0, and the line is still there on the page and in the CSV", () => {
    const r = run([{ answers: { ...north, product_review_effort: 0 }, evidence: { product_review_effort: 1 } }]);
    const l = line(r.vendors[0]!, "product_review_effort");
    expect(l).toMatchObject({ amount: 0, total: 0, kind: "disclosed" });
    expect(l.reason).toMatch(/0 buyer days/);
    expect(comparisonCsv(r, set)).toMatch(/product_review_effort.*0 buyer days/);
    expect(JSON.stringify(presentComparison(r, set).vendors[0]!.layers)).toContain("product_review_effort");
  });

  it("a pilot takes the figure as given; a system of record never goes below the floor", () => {
    expect(
      line(
        run([{ answers: { ...north, product_review_effort: 0 } }], { tier: "pilot" }).vendors[0]!,
        "product_review_effort",
      ).amount,
    ).toBe(0);
    const sor = run([{ answers: { ...north, product_review_effort: 0 }, evidence: { product_review_effort: 1 } }], {
      tier: "system_of_record",
    }).vendors[0]!;
    expect(line(sor, "product_review_effort").amount).toBe(60 * 90_000);
  });
});

describe("3. flips and cheap by exclusion are blamed on their real cause", () => {
  it("same hidden costs, a different split between fee and licence: the flip is the licence's, and nobody is cheap by exclusion", () => {
    const low = { ...north, cfo_implementation_fee: EUR(100_000), cfo_licence: EUR(150_000) };
    const high = { ...north, cfo_implementation_fee: EUR(400_000), cfo_licence: EUR(40_000) };
    const r = run([{ answers: low }, { answers: high }]);
    expect(r.rankFlips).toHaveLength(1);
    const f = r.rankFlips[0]!;
    expect(f).toMatchObject({ cheaperAtEntry: "1", byExclusion: false, quotedAlone: true });
    expect(f.cause.hidden).toBe(0);
    for (const v of r.vendors) expect(v.flags.map((x) => x.id)).not.toContain("cheap_by_exclusion");
    expect(presentComparison(r, set).flips[0]).toMatch(/quoted prices over the horizon alone explain the flip/);
  });

  it("a vendor that includes everything and honestly discloses review days is not cheap by exclusion", () => {
    const honest = { ...north, cfo_implementation_fee: EUR(100_000), product_review_effort: 400 };
    const r = run([{ answers: honest }, { answers: north }]);
    expect(r.vendors[0]!.flags.map((x) => x.id)).not.toContain("cheap_by_exclusion");
    expect(r.vendors[0]!.hiddenTotal).toBe(r.vendors[1]!.hiddenTotal);
    expect(line(r.vendors[0]!, "product_review_effort").kind).toBe("disclosed");
  });

  it("the demo's flip is caused by exclusions, with the amounts in the model's output", () => {
    const r = run([{ answers: swift }, { answers: north }]);
    const f = r.rankFlips[0]!;
    expect(f.byExclusion).toBe(true);
    expect(f.cause.hidden).toBeGreaterThan(f.entryGap + f.adjustedGap);
    expect(r.vendors[0]!.flags.find((x) => x.id === "cheap_by_exclusion")!.severity).toBe("high");
  });
});

describe("4. every cost is counted once", () => {
  it("change management, incident cover and exit each count once when several questions price them", () => {
    const all = {
      ...north,
      cfo_change_management: { status: "excluded" },
      product_process_change: { status: "excluded" },
      cto_incidents: { status: "excluded" },
      proc_service_levels: { status: "excluded" },
      cfo_exit_assistance: { status: "excluded" },
      cfo_transition_fee: EUR(10_000),
    } as Answers;
    const v = run([{ answers: all }]).vendors[0]!;
    for (const work of ["change_management", "incident_cover", "exit"])
      expect(
        v.lines.filter((l) => l.work === work && l.total > 0),
        work,
      ).toHaveLength(1);
    expect(v.lines.filter((l) => l.work === "change_management").reduce((s, l) => s + l.total, 0)).toBe(EUR(10_800)); // 10% of the €108,000 reference, once
    expect(line(v, "product_process_change").countedUnder).toBe("cfo_change_management");
  });

  it("integration and hardening have their own shares, and each operating duty its own days", () => {
    const q = (key: string) => set.sections.flatMap((s) => s.questions).find((x) => x.key === key)!;
    expect([q("cto_integration").estimate!.share, q("cto_hardening").estimate!.share]).toEqual([
      "integration_share",
      "hardening_share",
    ]);
    const duties = [
      "cto_monitoring",
      "cto_maintenance",
      "product_adoption",
      "product_upstream_changes",
      "cto_incidents",
    ].map((k) => q(k).estimate!.days);
    expect(new Set(duties).size).toBe(duties.length);
  });
});

describe("5. timing", () => {
  it("live-operation costs and usage start at go-live; stabilisation is temporary and ends; release checks recur", () => {
    const v = run([{ answers: { ...north, cto_monitoring: { status: "excluded" } } }]).vendors[0]!;
    expect(line(v, "cto_monitoring").years).toEqual([EUR(9_000), EUR(18_000), EUR(18_000)]); // go-live month 6: half of year 1
    expect(line(v, "cfo_usage").years[0]).toBe(EUR(9_000));
    const s = run([{ answers: swift }]).vendors[0]!;
    expect(line(s, "product_stabilisation")).toMatchObject({ nature: "temporary", total: EUR(16_200) });
    expect(line(s, "cto_release_checks").nature).toBe("recurring");
  });

  it("a staged rollout spreads the scale-out over the later years; everyone at once puts it at go-live", () => {
    const answers = { ...north, product_scale_out: { status: "excluded" } } as Answers;
    expect(line(run([{ answers }]).vendors[0]!, "product_scale_out").years).toEqual([0, EUR(10_800), EUR(10_800)]);
    expect(
      line(run([{ answers: { ...answers, product_rollout_plan: "big_bang" } }]).vendors[0]!, "product_scale_out").years,
    ).toEqual([EUR(21_600), 0, 0]);
  });
});

describe("6. commercial terms change the figures", () => {
  it("the price cap is assumed used, and a higher cap costs more", () => {
    const low = run([{ answers: { ...north, cfo_price_cap: 3 } }]).vendors[0]!;
    const high = run([{ answers: { ...north, cfo_price_cap: 10 } }]).vendors[0]!;
    expect(line(low, "cfo_licence").years).toEqual([EUR(72_000), EUR(74_160), 7_638_480]); // €72,000 × 1.03²
    expect(high.adjustedTotal!).toBeGreaterThan(low.adjustedTotal!);
  });

  it("a minimum term beyond the horizon is a commitment shown beside the total", () => {
    const v = run([{ answers: { ...north, proc_min_term: 5 } }]).vendors[0]!;
    expect(v.commitment).toMatchObject({ minTermYears: 5, yearsBeyond: 2 });
    expect(v.commitment!.amount).toBeGreaterThan(2 * EUR(114_000));
  });

  it("pilot pricing is repriced at the post-pilot price from go-live", () => {
    const v = run([{ answers: swift }]).vendors[0]!;
    expect(line(v, "proc_post_pilot_price")).toMatchObject({ kind: "quoted", amount: EUR(24_000) });
  });

  it("the vendor's day rate times the buyer's change volume is a cost; a locked platform raises the exit cost", () => {
    expect(line(run([{ answers: north }]).vendors[0]!, "proc_change_rate").amount).toBe(
      20 * (0.2 * EUR(1_200) + 0.8 * EUR(900)),
    );
    const exit = (portability: string) =>
      line(
        run([{ answers: { ...north, cfo_exit_assistance: { status: "excluded" }, cto_portability: portability } }])
          .vendors[0]!,
        "cfo_exit_assistance",
      ).amount;
    expect(exit("locked")).toBeGreaterThan(exit("portable"));
  });

  it("no estimate can be lowered by quoting a lower fee alone", () => {
    const estimates = (fee: number) =>
      run([{ answers: { ...swift, cfo_implementation_fee: fee } }])
        .vendors[0]!.lines.filter((l) => l.kind === "hidden")
        .map((l) => l.amount);
    expect(estimates(EUR(10_000))).toEqual(estimates(EUR(900_000)));
  });
});

describe("7. ranking hygiene", () => {
  it("a vendor still answering is shown but not ranked, and sets nothing for the others", () => {
    const r = run([{ answers: swift }, { answers: north }, { answers: meridian, status: "in_progress" }]);
    expect(r.vendors[2]!.adjustedRank).toBeNull();
    expect(r.ranking.adjusted).toEqual(["2", "1"]);
    const alone = run([{ answers: swift }, { answers: north }]);
    expect(alone.vendors.map((v) => v.adjustedTotal)).toEqual(r.vendors.slice(0, 2).map((v) => v.adjustedTotal));
  });

  it("a vendor with no answers is never cheapest at entry", () => {
    const r = run([{ answers: {} }, { answers: north }]);
    expect(r.vendors[0]!.entryRank).toBeNull();
    expect(r.ranking.entry).toEqual(["2"]);
  });

  it("ties are reported as ties, not broken by input order", () => {
    const r = run([{ answers: north }, { answers: north }]);
    expect(r.vendors.map((v) => v.adjustedRank)).toEqual([1, 1]);
    expect(presentComparison(r, set).headline).toMatch(/tie for the lowest total/);
  });

  it("one vendor gets no leader statement; a CFO section not sent gives no entry price and no payback", () => {
    const one = run([{ answers: north }]);
    expect(one.sensitivity.leader).toBeNull();
    expect(presentComparison(one, set).sensitivity.intro).not.toMatch(/cheapest|leader/);
    const noCfo = run([{ answers: north }], { roles: ["cto", "product", "procurement"] }).vendors[0]!;
    expect(noCfo.entryStatus).toBe("not_asked");
    expect(noCfo.roi).toMatchObject({ naivePaybackMonths: null, naiveNote: "not_asked", adjustedNote: "not_asked" });
  });
});

describe("8. out-of-range assumptions", () => {
  it("are clamped to their bounds by the model, and no figure is NaN or ∞", () => {
    const r = run([{ answers: north }], {
      assumptions: { partial_share: 5, go_live_month: 1e9, exit_share: 1e308, governance_share: Number.NaN },
    });
    expect(r.assumptions.partial_share).toBe(1);
    expect(r.assumptions.go_live_month).toBe(36);
    expect(r.assumptions.exit_share).toBe(2);
    expect(JSON.stringify(r)).not.toMatch(/null,"adjustedTotal"|NaN|Infinity/);
    expect(Number.isSafeInteger(r.vendors[0]!.adjustedTotal)).toBe(true);
  });
});

describe("9. the system-of-record tier tightens flags and evidence", () => {
  it("raises severities and prices an unevidenced control claim as partial", () => {
    const answers = { ...north, cto_monitoring: { status: "deferred" } } as Answers;
    const prod = run([{ answers }]).vendors[0]!;
    const sor = run([{ answers }], { tier: "system_of_record" }).vendors[0]!;
    expect(prod.flags.find((f) => f.id === "implementation_without_operation")!.severity).toBe("high");
    expect(
      run([{ answers: { ...north, product_upstream_changes: { status: "excluded" } } }]).vendors[0]!.flags[0]!.severity,
    ).toBe("low");
    expect(
      run([{ answers: { ...north, product_upstream_changes: { status: "excluded" } } }], { tier: "system_of_record" })
        .vendors[0]!.flags[0]!.severity,
    ).toBe("medium");
    expect(line(sor, "cto_controls")).toMatchObject({ asserted: true });
    expect(prod.lines.find((l) => l.questionKey === "cto_controls")).toBeUndefined();
  });

  it("tightens numeric thresholds per tier", () => {
    const weeks = { ...north, product_stabilisation_weeks: 3 };
    expect(run([{ answers: weeks }]).vendors[0]!.flags.map((f) => f.id)).not.toContain("instant_rollout");
    expect(run([{ answers: weeks }], { tier: "system_of_record" }).vendors[0]!.flags.map((f) => f.id)).toContain(
      "instant_rollout",
    );
  });
});

describe("10. typed amounts are parsed exactly", () => {
  it("reads decimal text as integer minor units, refusing more decimals than the currency has", () => {
    expect(parseAmount("1.01", "EUR")).toEqual({ ok: true, minor: 101 });
    expect(parseAmount("1,234,567.89", "EUR")).toEqual({ ok: true, minor: 123_456_789 });
    expect(parseAmount("1.005", "EUR")).toMatchObject({ ok: false, error: "EUR amounts have at most 2 decimals" });
    expect(parseAmount("1.5", "JPY")).toMatchObject({ ok: false });
    expect(parseAmount("1.005", "KWD")).toEqual({ ok: true, minor: 1005 });
    expect(parseAmount("0.10", "EUR")).toEqual({ ok: true, minor: 10 });
  });

  it("rounds a share of a price the way it reads: 0.3 × 1005 = 301.5 → 302", () => {
    expect(roundMinor(0.3 * 1005)).toBe(302);
    expect(roundMinor(1.005 * 100)).toBe(101);
    expect(roundMinor(-2.5)).toBe(-3);
  });
});
