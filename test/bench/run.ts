import { benchModel } from "./model.js";

const f = (ms: number) => `${ms.toFixed(2)} ms`;

/** `npm run bench`: every benchmark, with ratios against baselines measured in the same run. */
async function main() {
  const only = process.argv[2];
  if (!only || only === "model") {
    const m = benchModel();
    console.log("Cost model: 10 vendors × 100 questions, full sensitivity run");
    console.log(`  runModel               median ${f(m.model.median)}  p95 ${f(m.model.p95)}  (${m.sensitivityRows} assumptions × 2 re-scorings)`);
    console.log(`  baseline structuredClone(input)  median ${f(m.baseline.median)}`);
    console.log(`  ratio model/baseline   ${m.ratio.toFixed(1)}×`);
    console.log(`  target: median under ${m.targetMs} ms — ${m.pass ? "met" : "NOT MET"}`);
  }
}

await main();
