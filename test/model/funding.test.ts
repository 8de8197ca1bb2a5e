import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PHASES } from "../../src/domain.js";
import { roundDiff, runModel, type ModelInput } from "../../src/model/index.js";
import { shortText } from "../../src/model/funding.js";
import { loadQuestionSetFile } from "../../src/questions/loader.js";
import { inputArb } from "./generated.js";

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };

/** The input with one vendor's answer replaced as an ask asks (evidence given with an "included"). */
function granted(input: ModelInput, vi: number, key: string, answer: unknown, withEvidence: boolean): ModelInput {
  return {
    ...input,
    vendors: input.vendors.map((v, i) =>
      i === vi
        ? {
            ...v,
            answers: { ...v.answers, [key]: answer as never },
            evidence: withEvidence ? { ...v.evidence, [key]: Math.max(1, v.evidence?.[key] ?? 0) } : v.evidence,
          }
        : v,
    ),
  };
}

describe("funding plan", () => {
  it("stages reconcile to the unit: nominal and present value, by year, temporary plus structural", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        const r = runModel({ ...input, draws: 0 });
        for (const v of r.vendors) {
          expect(v.stages.map((s) => s.phase)).toEqual([...PHASES]);
          expect(sum(v.stages.map((s) => s.total))).toBe(v.pricedTotal);
          if (v.adjustedTotal !== null) expect(sum(v.stages.map((s) => s.total))).toBe(v.adjustedTotal);
          const present = sum(v.stages.map((s) => s.presentTotal));
          expect(present).toBe(sum(v.lines.map((l) => l.presentValue)));
          if (v.presentTotal !== null) expect(present).toBe(v.presentTotal);
          for (const s of v.stages) {
            expect(s.temporary + s.structural).toBe(s.total);
            expect(sum(s.years)).toBe(s.total);
            expect(sum(s.presentYears)).toBe(s.presentTotal);
            expect(s.years).toHaveLength(input.evaluation.horizonYears);
            for (const x of [...s.years, ...s.presentYears]) expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
            // The rows finance imports (stage by layer, nature and cost type) add up to the stage.
            expect(sum(s.parts.map((p) => p.total))).toBe(s.total);
            expect(sum(s.parts.map((p) => p.presentTotal))).toBe(s.presentTotal);
            for (let y = 0; y < s.years.length; y++) {
              expect(sum(s.parts.map((p) => p.years[y]!))).toBe(s.years[y]);
              expect(sum(s.parts.map((p) => p.presentYears[y]!))).toBe(s.presentYears[y]);
            }
          }
          for (let y = 0; y < input.evaluation.horizonYears; y++)
            expect(sum(v.stages.map((s) => s.years[y]!))).toBe(v.byYear[y]);
        }
      }),
      RUNS,
    );
  });

  it("a risk sits in the stage of the questions that raised it", () => {
    fc.assert(
      fc.property(inputArb(), (input) => {
        const r = runModel({ ...input, draws: 0 });
        const phase = new Map(input.set.sections.flatMap((s) => s.questions.map((q) => [q.key, q.phase])));
        for (const v of r.vendors)
          for (const s of v.stages)
            for (const risk of s.risks) {
              expect(v.flags.some((f) => f.id === risk.flag)).toBe(true);
              for (const k of risk.questionKeys) expect(phase.get(k)).toBe(s.phase);
            }
      }),
      RUNS,
    );
  });

  it("gates follow each stage but the last; an evaluation's own criteria replace the default", () => {
    const { set } = loadQuestionSetFile("questions/ai-production.yaml");
    const input: ModelInput = {
      set,
      evaluation: {
        tier: "production",
        horizonYears: 3,
        currency: "EUR",
        dayRateMinor: 90000,
        roles: ["cto", "cfo", "product", "procurement"],
      },
      vendors: [],
      draws: 0,
    };
    const gates = runModel(input).gates;
    expect(gates.map((g) => [g.after, g.releases])).toEqual(PHASES.slice(0, -1).map((p, i) => [p, PHASES[i + 1]]));
    const implementation = gates.find((g) => g.after === "implementation")!;
    expect(implementation.edited).toBe(false);
    expect(implementation.criteria.map((c) => c.questionKeys[0])).toContain("cto_verification");
    const verification = implementation.criteria.find((c) => c.questionKeys[0] === "cto_verification")!;
    expect(verification.text).toBe(
      `${shortText(set.sections[0]!.questions.find((q) => q.key === "cto_verification")!)}: in place and checked`,
    );
    const own = runModel({
      ...input,
      evaluation: { ...input.evaluation, gates: { implementation: ["Accuracy above 95% on the agreed test set"] } },
    }).gates;
    expect(own.find((g) => g.after === "implementation")).toMatchObject({
      edited: true,
      criteria: [{ text: "Accuracy above 95% on the agreed test set", questionKeys: [] }],
    });
    expect(own.find((g) => g.after === "rollout")).toEqual(gates.find((g) => g.after === "rollout"));
  });
});

describe("negotiation asks", () => {
  it("are ordered by saving; granting one gives exactly the total, rank and flags the ask states", () => {
    fc.assert(
      fc.property(inputArb(), fc.nat(), fc.nat(), (input, pickV, pickA) => {
        const before = runModel({ ...input, draws: 0 });
        const vi = pickV % before.vendors.length;
        const v = before.vendors[vi]!;
        for (let i = 1; i < v.asks.length; i++) expect(v.asks[i]!.saving).toBeLessThanOrEqual(v.asks[i - 1]!.saving);
        fc.pre(v.asks.length > 0);
        const ask = v.asks[pickA % v.asks.length]!;
        expect(ask.saving).toBeGreaterThan(0);
        const after = runModel({ ...granted(input, vi, ask.questionKey, ask.answer, ask.withEvidence), draws: 0 });
        const a = after.vendors[vi]!;
        expect(a.pricedTotal).toBe(v.pricedTotal - ask.saving);
        expect(a.adjustedTotal).toBe(ask.totalAfter);
        if (v.adjustedTotal !== null) expect(a.adjustedTotal!).toBeLessThan(v.adjustedTotal);
        const pv = (x: typeof v) => sum(x.lines.map((l) => l.presentValue));
        expect(ask.presentSaving).toBe(pv(v) - pv(a));
        expect(a.adjustedRank).toBe(ask.rankAfter);
        expect(v.adjustedRank).toBe(ask.rankBefore);
        if (a.adjustedRank !== null && v.adjustedRank !== null)
          expect(a.adjustedRank).toBeLessThanOrEqual(v.adjustedRank);
        const ids = new Set(a.flags.map((f) => f.id));
        expect(v.flags.filter((f) => !ids.has(f.id)).map((f) => f.id)).toEqual(ask.flagsCleared);
      }),
      RUNS,
    );
  });

  it("granting every ask at once saves what allAsks says and never raises a total", () => {
    fc.assert(
      fc.property(inputArb(), fc.nat(), (input, pickV) => {
        const before = runModel({ ...input, draws: 0 });
        const vi = pickV % before.vendors.length;
        const v = before.vendors[vi]!;
        fc.pre(v.allAsks !== null);
        let all = input;
        for (const ask of v.asks) all = granted(all, vi, ask.questionKey, ask.answer, ask.withEvidence);
        const a = runModel({ ...all, draws: 0 }).vendors[vi]!;
        expect(v.pricedTotal - a.pricedTotal).toBe(v.allAsks!.saving);
        expect(a.adjustedTotal).toBe(v.allAsks!.totalAfter);
        expect(a.adjustedRank).toBe(v.allAsks!.rankAfter);
        expect(v.allAsks!.saving).toBeGreaterThanOrEqual(v.asks[0]!.saving);
      }),
      RUNS,
    );
  });
});

describe("revision rounds", () => {
  it("a round's diff is the difference of the two rounds' model outputs, line by line", () => {
    fc.assert(
      fc.property(inputArb(), fc.nat(), fc.array(fc.nat(), { maxLength: 5 }), (input, pickV, picks) => {
        const before = runModel({ ...input, draws: 0 });
        const vi = pickV % before.vendors.length;
        const v = before.vendors[vi]!;
        // The vendor revises some of its answers: grants some asks, clears some other answers.
        let revised = input;
        for (const p of picks) {
          const ask = v.asks[p % Math.max(1, v.asks.length)];
          if (ask && p % 3) revised = granted(revised, vi, ask.questionKey, ask.answer, ask.withEvidence);
          else {
            const keys = Object.keys(revised.vendors[vi]!.answers);
            if (!keys.length) continue;
            const { [keys[p % keys.length]!]: _gone, ...rest } = revised.vendors[vi]!.answers;
            revised = { ...revised, vendors: revised.vendors.map((x, i) => (i === vi ? { ...x, answers: rest } : x)) };
          }
        }
        const after = runModel({ ...revised, draws: 0 });
        const d = roundDiff(before, after, v.vendorId, { before: input.vendors[vi], after: revised.vendors[vi] })!;
        const a = after.vendors[vi]!;
        expect(d.totalBefore).toBe(v.adjustedTotal);
        expect(d.totalAfter).toBe(a.adjustedTotal);
        expect(d.change).toBe(
          v.adjustedTotal !== null && a.adjustedTotal !== null ? a.adjustedTotal - v.adjustedTotal : null,
        );
        expect(sum(d.lines.map((l) => l.change))).toBe(a.pricedTotal - v.pricedTotal);
        for (const l of d.lines) {
          expect(l.before).toBe(sum(v.lines.filter((x) => x.questionKey === l.questionKey).map((x) => x.total)));
          expect(l.after).toBe(sum(a.lines.filter((x) => x.questionKey === l.questionKey).map((x) => x.total)));
        }
        expect([d.rankBefore, d.rankAfter]).toEqual([v.adjustedRank, a.adjustedRank]);
        expect(d.rankingMoved).toBe(JSON.stringify(before.ranking.adjusted) !== JSON.stringify(after.ranking.adjusted));
        const changed = Object.keys({ ...input.vendors[vi]!.answers, ...revised.vendors[vi]!.answers }).filter(
          (k) =>
            JSON.stringify(input.vendors[vi]!.answers[k] ?? null) !==
            JSON.stringify(revised.vendors[vi]!.answers[k] ?? null),
        );
        expect(d.answers.map((x) => x.questionKey)).toEqual(changed.sort());
      }),
      RUNS,
    );
  });
});
