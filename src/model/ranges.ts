import { scoreContext, type ScoreContext, type StaticContext } from "./context.js";
import { combine, dependsOn, lineTotal, lineTotals } from "./evaluate.js";
import type { VendorPlan } from "./plan.js";
import { amountEnds, inputEnds } from "./ends.js";
import { discountFactors, linePresentValue, rampMonths, valuePresentAt } from "./present.js";
import type { ModelResult, Ranges, RangeInput, TornadoBar, VendorRange, VendorResult } from "./types.js";

/** How many draws, and the seed that makes them the same every time. */
const DRAWS = 10_000;
const SEED = 20_261_202;
/** Points at which each input is evaluated exactly between its low and its high. */
const GRID = 9;

/**
 * How much a line priced from an uncertain answer may move, as a factor of its figure (low, high),
 * drawn per line: silence or a question not asked (the buyer's own estimate stands in), an
 * "included" claim without its evidence (priced as partial), a partial cover (its share is a guess).
 */
const LINE_FACTORS = { unknown: [0.5, 1.5], asserted: [0.5, 2], partial: [0.5, 1.5] } as const;

/** A small, fast, seeded generator (sfc32): the same seed gives the same draws on every machine. */
export function sfc32(seed: number): () => number {
  let a = 0x9e3779b9,
    b = 0x243f6a88,
    c = 0xb7e15162,
    d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** A draw from the triangular distribution on [lo, hi] with its mode at `mode`, from a uniform u. */
export function triangular(u: number, lo: number, mode: number, hi: number): number {
  if (hi <= lo) return mode;
  const f = (mode - lo) / (hi - lo);
  return u < f ? lo + Math.sqrt(u * (hi - lo) * (mode - lo)) : hi - Math.sqrt((1 - u) * (hi - lo) * (hi - mode));
}

interface Comparable {
  plan: VendorPlan;
  result: VendorResult;
  /** Each line's nominal total under the base assumptions (counted-once works resolved by combine). */
  base: (number | null)[];
  deps: Set<string>[];
}

/**
 * Ranges by Monte Carlo, without re-running the model per draw. Each input (every cost, timing and
 * value assumption, the day rate, the workflow value, the discount rate) is evaluated exactly at
 * GRID points between its low and high, one at a time; a draw then adds each input's exact change
 * at its drawn value (first order: interactions between inputs are left out, docs/cost-model.md),
 * and each uncertain line its own factor. Present costs move with the nominal change at the
 * present-to-nominal ratio of the lines that move; the discount rate moves them exactly.
 */
export function ranges(
  base: StaticContext,
  result: Omit<ModelResult, "ranges">,
  plans: VendorPlan[],
  draws = DRAWS,
  seed = SEED,
): Ranges {
  const assumptions = result.assumptions;
  const comparable: Comparable[] = [];
  const ctx = scoreContext(base, assumptions, false);
  plans.forEach((plan, i) => {
    const r = result.vendors[i]!;
    if (r.adjustedTotal === null) return;
    comparable.push({ plan, result: r, base: lineTotals(ctx, plan), deps: plan.lines.map((l) => dependsOn(plan, l)) });
  });
  const inputs = rangeInputs(base, result);
  const horizon = base.evaluation.horizonYears;
  // Without draws only the ends are needed (the tornado's); with them, GRID points between the ends.
  const points = draws > 0 ? GRID : 2;
  // Exact totals at each grid point of each input, one input at a time: total(x) − total(base); one context per point, shared by every vendor.
  const deltas = inputs.map((input) => {
    const grids = comparable.map(() => new Float64Array(points));
    // Sensitivity already has the totals at the same two ends: they are taken, not computed again.
    const row = result.sensitivity.rows.find(
      (r) =>
        r.assumption === input.key &&
        (r.measure ?? "total") === "total" &&
        r.low === input.low &&
        r.high === input.high,
    );
    for (let g = 0; g < points; g++) {
      const end = g === 0 ? "low" : g === points - 1 ? "high" : null;
      const known = end && row ? comparable.map((c) => row.totals[c.result.vendorId]?.[end] ?? null) : null;
      if (known && known.every((t) => t !== null)) {
        comparable.forEach((c, i) => (grids[i]![g] = known[i]! - c.result.adjustedTotal!));
        continue;
      }
      const x = input.low + ((input.high - input.low) * g) / (points - 1);
      const ctx = contextAt(base, assumptions, input, x);
      comparable.forEach((c, i) => (grids[i]![g] = ctx ? totalWith(ctx, c, input) - c.result.adjustedTotal! : 0));
    }
    return grids;
  });
  // The share of each vendor's moving cost that remains once discounted, per input.
  const presentRatio = inputs.map((input) => comparable.map((c) => movingRatio(c, input)));
  const rateInput = inputs.findIndex((x) => x.key === "discount_rate");
  const presentAtRate = comparable.map((c) =>
    rateInput < 0
      ? null
      : gridOf(inputs[rateInput]!, (x) => presentTotalAt(c.result, horizon, x) - c.result.presentTotal!, points),
  );
  const valueInput = inputs.findIndex((x) => x.key === "value");
  const valueAtRate = draws > 0 ? comparable.map((c) => valuePresentGrid(base, c, inputs[rateInput], assumptions)) : [];

  if (draws <= 0)
    return {
      seed,
      draws: 0,
      inputs,
      vendors: [],
      tornado: tornado(result, comparable, inputs, deltas, presentAtRate, presentRatio, rateInput),
    };
  const rng = sfc32(seed);
  const n = comparable.length;
  const totals = comparable.map(() => new Float64Array(draws));
  const presents = comparable.map(() => new Float64Array(draws));
  const npvs = comparable.map(() => new Float64Array(draws));
  const cheapest = new Float64Array(n);
  const drawn = new Float64Array(inputs.length);
  const ranked = comparable.map((c) => c.result.adjustedRank !== null);
  const onPresent = result.rankOn === "present";
  const uncertain = comparable.map((c) =>
    c.result.lines
      .map((l, j) => ({ j, f: factorsOf(l) }))
      .filter((x) => x.f !== null && c.result.lines[x.j]!.total > 0),
  );
  // The draws' hot loop reads flat arrays: per vendor, each input's grid of nominal and present changes side by side.
  const K = inputs.length;
  const flatT = comparable.map((_, i) => {
    const f = new Float64Array(K * points);
    for (let k = 0; k < K; k++) if (k !== valueInput && k !== rateInput) f.set(deltas[k]![i]!, k * points);
    return f;
  });
  const flatP = comparable.map((_, i) => {
    const f = new Float64Array(K * points);
    for (let k = 0; k < K; k++) {
      if (k === valueInput) continue;
      if (k === rateInput) f.set(presentAtRate[i]!, k * points);
      else for (let g = 0; g < points; g++) f[k * points + g] = deltas[k]![i]![g]! * presentRatio[k]![i]!;
    }
    return f;
  });
  const lineT = uncertain.map((u, i) => Float64Array.from(u, (x) => comparable[i]!.result.lines[x.j]!.total));
  const lineP = uncertain.map((u, i) => Float64Array.from(u, (x) => comparable[i]!.result.lines[x.j]!.presentValue));
  const lineLo = uncertain.map((u) => Float64Array.from(u, (x) => x.f![0]));
  const lineHi = uncertain.map((u) => Float64Array.from(u, (x) => x.f![1]));
  const cell = new Int32Array(K);
  const weight = new Float64Array(K);
  for (let d = 0; d < draws; d++) {
    // Where each drawn input falls in its grid: the same for every vendor.
    for (let k = 0; k < K; k++) {
      const input = inputs[k]!;
      const x = (drawn[k] = triangular(rng(), input.low, input.base, input.high));
      const pos = input.high > input.low ? ((x - input.low) / (input.high - input.low)) * (points - 1) : 0;
      const at = Math.min(points - 2, Math.max(0, Math.floor(pos)));
      cell[k] = k * points + at;
      weight[k] = pos - at;
    }
    let best = Infinity;
    let ties = 0;
    for (let i = 0; i < n; i++) {
      const c = comparable[i]!;
      const ft = flatT[i]!,
        fp = flatP[i]!;
      let total = c.result.adjustedTotal!;
      let present = c.result.presentTotal!;
      for (let k = 0; k < K; k++) {
        const at = cell[k]!,
          w = weight[k]!;
        total += ft[at]! * (1 - w) + ft[at + 1]! * w;
        present += fp[at]! * (1 - w) + fp[at + 1]! * w;
      }
      const lt = lineT[i]!,
        lp = lineP[i]!,
        lo = lineLo[i]!,
        hi = lineHi[i]!;
      for (let j = 0; j < lt.length; j++) {
        const factor = triangular(rng(), lo[j]!, 1, hi[j]!) - 1;
        total += lt[j]! * factor;
        present += lp[j]! * factor;
      }
      totals[i]![d] = total;
      presents[i]![d] = present;
      const vg = valueAtRate[i];
      if (c.result.roi && vg) {
        const valueFactor = valueInput < 0 ? 1 : drawn[valueInput]! / inputs[valueInput]!.base;
        const value =
          rateInput < 0
            ? vg[0]!
            : vg[cell[rateInput]! - rateInput * points]! * (1 - weight[rateInput]!) +
              vg[cell[rateInput]! - rateInput * points + 1]! * weight[rateInput]!;
        npvs[i]![d] = valueFactor * value - present;
      }
      if (!ranked[i]) continue;
      const x = onPresent ? present : total;
      if (x < best - 0.5) ((best = x), (ties = 1));
      else if (Math.abs(x - best) <= 0.5) ties++;
    }
    // A draw's cheapest vendors share it equally: the shares of all ranked vendors add up to 1.
    for (let i = 0; i < n; i++)
      if (ranked[i] && Math.abs((onPresent ? presents[i]![d]! : totals[i]![d]!) - best) <= 0.5)
        cheapest[i]! += 1 / ties;
  }
  const vendors: VendorRange[] = comparable.map((c, i) => {
    // The envelope: every term at its own extreme at once, so every draw lies within it.
    const ends = (grid: Float64Array, scale = 1) =>
      [Math.min(0, ...grid) * scale, Math.max(0, ...grid) * scale].sort((a, b) => a - b) as [number, number];
    let tLo = c.result.adjustedTotal!,
      tHi = tLo,
      pLo = c.result.presentTotal!,
      pHi = pLo;
    inputs.forEach((_, k) => {
      if (k === valueInput) return;
      if (k === rateInput) {
        const [a, b] = ends(presentAtRate[i]!);
        return void ((pLo += a), (pHi += b));
      }
      const [a, b] = ends(deltas[k]![i]!);
      const [pa, pb] = ends(deltas[k]![i]!, presentRatio[k]![i]!);
      ((tLo += a), (tHi += b), (pLo += pa), (pHi += pb));
    });
    for (const { j, f } of uncertain[i]!) {
      const l = c.result.lines[j]!;
      ((tLo += l.total * (f![0] - 1)),
        (tHi += l.total * (f![1] - 1)),
        (pLo += l.presentValue * (f![0] - 1)),
        (pHi += l.presentValue * (f![1] - 1)));
    }
    const roi = c.result.roi;
    let npv: VendorRange["npv"] = null;
    if (roi && roi.npv !== null && valueAtRate[i]) {
      const v =
        valueInput < 0
          ? [1, 1]
          : [inputs[valueInput]!.low / inputs[valueInput]!.base, inputs[valueInput]!.high / inputs[valueInput]!.base];
      const vp = [Math.min(...valueAtRate[i]!), Math.max(...valueAtRate[i]!)];
      npv = percentiles(
        npvs[i]!,
        roi.npv,
        Math.min(v[0]! * vp[0]!, roi.valuePresent) - pHi,
        Math.max(v[1]! * vp[1]!, roi.valuePresent) - pLo,
      );
    }
    return {
      vendorId: c.result.vendorId,
      total: percentiles(totals[i]!, c.result.adjustedTotal!, tLo, tHi),
      present: percentiles(presents[i]!, c.result.presentTotal!, pLo, pHi),
      npv,
      cheapest: ranked.filter(Boolean).length > 1 && ranked[i] ? cheapest[i]! / draws : null,
    };
  });
  return {
    seed,
    draws,
    inputs,
    vendors,
    tornado: tornado(result, comparable, inputs, deltas, presentAtRate, presentRatio, rateInput),
  };
}

/** Every input a range is drawn for: each cost, timing and value assumption, the day rate and the workflow value. */
function rangeInputs(base: StaticContext, result: Omit<ModelResult, "ranges">): RangeInput[] {
  const range = base.evaluation.sensitivityRange ?? 0.3;
  const out: RangeInput[] = [];
  for (const a of base.set.assumptions) {
    if (a.kind === "threshold") continue;
    const value = result.assumptions[a.key]!;
    const { low, high } = inputEnds(a, value, range);
    if (low !== high)
      out.push({
        key: a.key,
        label: a.label,
        low,
        base: value,
        high,
        basis: a.low !== undefined || a.high !== undefined ? "set" : "range",
      });
  }
  const rate = base.evaluation.dayRateMinor;
  if (rate > 0)
    out.push({ key: "day_rate", label: "Buyer day rate", ...amountEnds(rate, range), base: rate, basis: "range" });
  const value = base.evaluation.valueEstimateMinor;
  if (value && value > 0)
    out.push({
      key: "value",
      label: "Workflow value per year",
      ...amountEnds(value, range),
      base: value,
      basis: "range",
    });
  return out;
}

function gridOf(input: RangeInput, f: (x: number) => number, points = GRID): Float64Array {
  const g = new Float64Array(points);
  for (let i = 0; i < points; i++) g[i] = f(input.low + ((input.high - input.low) * i) / (points - 1));
  return g;
}

/** The scoring context with one input at x, or null for an input that moves no nominal cost (the value, the discount rate). */
function contextAt(
  base: StaticContext,
  assumptions: Record<string, number>,
  input: RangeInput,
  x: number,
): ScoreContext | null {
  if (input.key === "value" || input.key === "discount_rate") return null;
  if (input.key === "day_rate")
    return scoreContext(
      { ...base, evaluation: { ...base.evaluation, dayRateMinor: Math.round(x) } },
      assumptions,
      false,
    );
  return scoreContext(base, { ...assumptions, [input.key]: x }, false);
}

/** A comparable vendor's exact nominal total in that context (only the lines that read the input re-evaluated). */
function totalWith(ctx: ScoreContext, c: Comparable, input: RangeInput): number {
  const day = input.key === "day_rate";
  const totals = c.base.slice();
  c.plan.lines.forEach((l, j) => {
    if (day ? l.amount.kind !== "fixed" : c.deps[j]!.has(input.key)) totals[j] = lineTotal(ctx, c.plan, l);
  });
  return combine(ctx, c.plan, totals) ?? c.result.adjustedTotal!;
}

/** Of the cost an input moves, the share left once discounted: the present-to-nominal ratio of the lines that read it. */
function movingRatio(c: Comparable, input: RangeInput): number {
  let nominal = 0,
    present = 0;
  c.result.lines.forEach((l, j) => {
    if (input.key === "day_rate" ? c.plan.lines[j]!.amount.kind !== "fixed" : c.deps[j]!.has(input.key))
      ((nominal += l.total), (present += l.presentValue));
  });
  return nominal > 0 ? present / nominal : 1;
}

/** The net present cost at another discount rate, from the lines as they stand. */
export function presentTotalAt(v: VendorResult, horizonYears: number, rate: number): number {
  const factors = discountFactors(rate, horizonYears * 12);
  let s = 0;
  for (const l of v.lines) s += linePresentValue(l, horizonYears, factors);
  return s;
}

function valuePresentGrid(
  base: StaticContext,
  c: Comparable,
  rate: RangeInput | undefined,
  assumptions: Record<string, number>,
): Float64Array | null {
  const roi = c.result.roi;
  if (!roi) return null;
  const ctx = scoreContext(base, assumptions, false);
  const at = (r: number) =>
    valuePresentAt(roi.valuePerYear, ctx.horizonMonths, roi.goLiveMonth, rampMonths(ctx, c.plan.ramp), r);
  return rate ? gridOf(rate, at) : Float64Array.from({ length: GRID }, () => at(ctx.discountRate));
}

function factorsOf(l: VendorResult["lines"][number]): readonly [number, number] | null {
  if (l.unpriced || l.countedUnder) return null;
  if (l.unknown) return LINE_FACTORS.unknown;
  if (l.asserted && l.kind === "hidden") return LINE_FACTORS.asserted;
  if (l.assumptions.partial_share !== undefined) return LINE_FACTORS.partial;
  return null;
}

/** P10, P50 and P90 of the draws (reordered in place), within the envelope [low, high] every draw lies in. */
function percentiles(xs: Float64Array, base: number, low: number, high: number): VendorRange["total"] {
  const at = (p: number) =>
    Math.round(select(xs, Math.min(xs.length - 1, Math.max(0, Math.round(p * (xs.length - 1))))));
  return { p10: at(0.1), p50: at(0.5), p90: at(0.9), low: Math.floor(low), high: Math.ceil(high), base };
}

/** The k-th smallest value (quickselect, Hoare's partition): a percentile without sorting every draw. */
function select(xs: Float64Array, k: number): number {
  let lo = 0,
    hi = xs.length - 1;
  while (lo < hi) {
    const pivot = xs[(lo + hi) >>> 1]!;
    let i = lo,
      j = hi;
    while (i <= j) {
      while (xs[i]! < pivot) i++;
      while (xs[j]! > pivot) j--;
      if (i <= j) {
        const t = xs[i]!;
        ((xs[i] = xs[j]!), (xs[j] = t), i++, j--);
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return xs[k]!;
}

/**
 * What moves the leader's margin most: the gap between the runner-up and the leader on the ranked
 * figure with each input at its low and at its high (the others at base), exactly, widest first.
 */
function tornado(
  result: Omit<ModelResult, "ranges">,
  comparable: Comparable[],
  inputs: RangeInput[],
  deltas: Float64Array[][],
  presentAtRate: (Float64Array | null)[],
  ratio: number[][],
  rateInput: number,
): Ranges["tornado"] {
  const ranked = comparable.map((c, i) => ({ c, i })).filter((x) => x.c.result.adjustedRank !== null);
  if (ranked.length < 2) return null;
  const onPresent = result.rankOn === "present";
  const figure = (x: { c: Comparable }) => (onPresent ? x.c.result.presentTotal! : x.c.result.adjustedTotal!);
  const order = [...ranked].sort((a, b) => figure(a) - figure(b));
  const leader = order[0]!,
    runnerUp = order[1]!;
  const margin = figure(runnerUp) - figure(leader);
  const moved = (x: { i: number }, k: number, end: "low" | "high") => {
    if (k === rateInput) {
      const g = presentAtRate[x.i]!;
      return onPresent ? g[end === "low" ? 0 : g.length - 1]! : 0;
    }
    const g = deltas[k]![x.i]!;
    const d = g[end === "low" ? 0 : g.length - 1]!;
    return onPresent ? d * ratio[k]![x.i]! : d;
  };
  const bars: TornadoBar[] = inputs
    .map((input, k) => ({
      key: input.key,
      label: input.label,
      low: Math.round(margin + moved(runnerUp, k, "low") - moved(leader, k, "low")),
      high: Math.round(margin + moved(runnerUp, k, "high") - moved(leader, k, "high")),
    }))
    .filter((b) => b.low !== margin || b.high !== margin);
  bars.sort((a, b) => Math.abs(b.high - b.low) - Math.abs(a.high - a.low));
  return { leader: leader.c.result.vendorId, runnerUp: runnerUp.c.result.vendorId, margin, bars: bars.slice(0, 10) };
}
