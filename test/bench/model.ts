import { runModel } from "../../src/model/index.js";
import { modelFixture } from "./fixtures.js";

export interface Timing {
  median: number;
  p95: number;
}

/** Times a function over `runs` runs after a warm-up, in milliseconds. */
function time(fn: () => unknown, runs: number): Timing {
  for (let i = 0; i < Math.min(20, runs); i++) fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(runs / 2)]!, p95: ms[Math.floor(runs * 0.95)]! };
}

/**
 * Scoring 10 vendors × 100 questions with the full sensitivity run, against a structured clone of
 * the same input. The Monte Carlo draws are left out here (draws: 0): `bench ranges` measures them.
 */
export function benchModel() {
  const input = { ...modelFixture(10, 100), draws: 0 };
  const model = time(() => runModel(input), 200);
  const baseline = time(() => structuredClone(input), 200);
  const sensitivityRows = runModel(input).sensitivity.rows.length;
  return {
    model,
    baseline,
    ratio: model.median / baseline.median,
    sensitivityRows,
    targetMs: 20,
    pass: model.median < 20,
  };
}

/**
 * The ranges of 10 vendors × 100 questions with 10,000 draws, inside a full model run, against
 * re-running the full model for each draw (20 draws timed, scaled to 10,000) in the same run.
 */
export function benchRanges() {
  const input = modelFixture(10, 100);
  const withRanges = time(() => runModel(input), 15);
  const modelAlone = time(() => runModel({ ...input, draws: 0 }), 30);
  // One draw done the slow way: every assumption moved, the whole model run again.
  let k = 0;
  const perDraw = time(() => {
    k++;
    const assumptions = Object.fromEntries(
      input.set.assumptions.map((a, i) => [
        a.key,
        a.defaults[input.evaluation.tier] * (0.8 + ((k * 7 + i * 13) % 40) / 100),
      ]),
    );
    return runModel({ ...input, draws: 0, evaluation: { ...input.evaluation, assumptions } });
  }, 20);
  const draws = runModel(input).ranges.draws;
  const naive = perDraw.median * draws;
  return {
    withRanges,
    modelAlone,
    perDraw,
    draws,
    naiveMs: naive,
    speedup: naive / withRanges.median,
    targetMs: 250,
    pass: withRanges.median < 250 && naive / withRanges.median >= 10,
  };
}
