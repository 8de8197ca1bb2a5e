import type { Assumption } from "../questions/schema.js";

/**
 * The low and high an assumption is moved to, for sensitivity and for the ranges alike: its set's
 * own `low`/`high` where it states them, otherwise the sensitivity range around the value in force,
 * within the assumption's bounds (and never past the value on the wrong side).
 */
export function inputEnds(a: Assumption, value: number, range: number): { low: number; high: number } {
  const clamp = (x: number) => Math.min(a.max, Math.max(a.min, x));
  return {
    low: clamp(Math.min(value, a.low ?? value * (1 - range))),
    high: clamp(Math.max(value, a.high ?? value * (1 + range))),
  };
}

/** The ends of an amount moved by the range (the day rate, the workflow value), in whole minor units. */
export function amountEnds(amount: number, range: number): { low: number; high: number } {
  return { low: Math.round(amount * (1 - range)), high: Math.round(amount * (1 + range)) };
}
