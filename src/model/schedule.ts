import type { Nature, Phase } from "../domain.js";

/** The one rounding rule: to the nearest minor unit, halves away from zero. */
export function roundMinor(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/**
 * Spreads one line over the horizon (index 0 = year 1), rounding each year's amount once.
 * - one-off: year 1, except transition in the final year;
 * - recurring: every year, except rollout (year 1 only, for rolloutMonths/12 of the yearly
 *   amount) and transition (final year only).
 */
export function schedule(nature: Nature, phase: Phase, amount: number, horizonYears: number, rolloutMonths: number): number[] {
  const years = new Array<number>(horizonYears).fill(0);
  const last = horizonYears - 1;
  if (phase === "transition") years[last] = amount;
  else if (nature === "one_off") years[0] = amount;
  else if (phase === "rollout") years[0] = roundMinor((amount * Math.min(rolloutMonths, 12)) / 12);
  else years.fill(amount);
  return years;
}
