import type { LineTiming } from "./types.js";

/**
 * The one rounding rule: to the nearest minor unit, halves away from zero. The value is first
 * snapped to 12 significant digits, so that a product such as 0.3 × 1005 (301.49999999999994 in
 * binary floating point) rounds as the decimal arithmetic a reader does by hand (301.5 → 302).
 */
export function roundMinor(x: number): number {
  const a = x < 0 ? -x : x;
  const floor = Math.floor(a);
  const frac = a - floor;
  // Only a value within floating-point noise of a half needs the (slower) decimal snap.
  const r =
    Math.abs(frac - 0.5) > Math.max(1e-9, a * 1e-12)
      ? frac > 0.5
        ? floor + 1
        : floor
      : Math.round(Number(a.toPrecision(12)));
  return x < 0 && r !== 0 ? -r : r;
}

/**
 * A line's amount by year of the horizon (index 0 = year 1), each year rounded once. Months are
 * counted from signature (month 0) to the horizon's end (12 × years, exclusive).
 */
export function allocate(timing: LineTiming, amount: number, horizonYears: number, into?: number[]): number[] {
  const years = into ?? new Array<number>(horizonYears);
  for (let y = 0; y < horizonYears; y++) years[y] = 0;
  const end = horizonYears * 12;
  switch (timing.kind) {
    case "point": {
      const y = Math.min(horizonYears - 1, Math.max(0, Math.floor(timing.month / 12)));
      years[y] = roundMinor(amount * escalation(timing.escalation ?? 0, y));
      return years;
    }
    case "spread": {
      // A spread that would run past the horizon is paid within it: a one-off cost is paid in full.
      const from = Math.min(end - 1, clampMonth(timing.from, end));
      const to = Math.max(from + 1, clampMonth(timing.to, end));
      // Cumulative rounding: the years add up to the rounded (grown) amount exactly.
      const rate = timing.escalation ?? 0;
      let done = 0;
      let before = 0;
      for (let y = 0; y < horizonYears; y++) {
        const months = overlap(from, to, y * 12, y * 12 + 12);
        if (months === 0) continue;
        done += rate === 0 ? months : months * escalation(rate, y);
        const cum = roundMinor((amount * done) / (to - from));
        years[y] = cum - before;
        before = cum;
      }
      return years;
    }
    case "rate": {
      const from = clampMonth(timing.from, end);
      const to = clampMonth(timing.to, end);
      for (let y = 0; y < horizonYears; y++) {
        const months = overlap(from, to, y * 12, y * 12 + 12);
        if (months > 0) years[y] = roundMinor((amount * escalation(timing.escalation, y) * months) / 12);
      }
      return years;
    }
    case "schedule": {
      for (let y = 0; y < horizonYears; y++) {
        let s = 0;
        for (let m = y * 12; m < Math.min(end, y * 12 + 12); m++) s += timing.byMonth[m] ?? 0;
        years[y] = roundMinor(s);
      }
      return years;
    }
  }
}

/** The factor a yearly price has reached in contract year `y` (0 = the first) when it rises by `rate` a year. */
export function escalation(rate: number, y: number): number {
  return rate === 0 ? 1 : (1 + rate) ** y;
}

function clampMonth(m: number, end: number): number {
  return Math.min(end, Math.max(0, m));
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/**
 * A line's cost month by month (index 0 = the first month after signature), for payback: a point
 * in its month, a spread evenly over its months, a yearly rate in twelfths (escalated by year).
 */
export function monthly(timing: LineTiming, amount: number, horizonYears: number, into: Float64Array): void {
  const end = horizonYears * 12;
  switch (timing.kind) {
    case "point": {
      const m = Math.min(end - 1, Math.max(0, Math.floor(timing.month)));
      into[m]! += amount * escalation(timing.escalation ?? 0, Math.floor(m / 12));
      return;
    }
    case "spread": {
      const from = Math.min(end - 1, clampMonth(timing.from, end));
      const to = Math.max(from + 1, clampMonth(timing.to, end));
      for (let m = from; m < to; m++)
        into[m]! += (amount * escalation(timing.escalation ?? 0, Math.floor(m / 12))) / (to - from);
      return;
    }
    case "rate": {
      const from = clampMonth(timing.from, end);
      const to = clampMonth(timing.to, end);
      for (let m = from; m < to; m++) into[m]! += (amount * escalation(timing.escalation, Math.floor(m / 12))) / 12;
      return;
    }
    case "schedule":
      for (let m = 0; m < end; m++) into[m]! += timing.byMonth[m] ?? 0;
  }
}
