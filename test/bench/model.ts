import { runModel } from "../../src/model/index.js";
import { modelFixture } from "./fixtures.js";

export interface Timing {
  median: number;
  p95: number;
}

/** Times a function over `runs` runs after a warm-up, in milliseconds. */
export function time(fn: () => unknown, runs: number): Timing {
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

/** Scoring 10 vendors × 100 questions with the full sensitivity run, against a structured clone of the same input. */
export function benchModel() {
  const input = modelFixture(10, 100);
  const model = time(() => runModel(input), 200);
  const baseline = time(() => structuredClone(input), 200);
  const sensitivityRows = runModel(input).sensitivity.rows.length;
  return { model, baseline, ratio: model.median / baseline.median, sensitivityRows, targetMs: 20, pass: model.median < 20 };
}
