import { money, percent } from "../format.js";
import type { OptionKind } from "../model/index.js";

/** Small helpers for the presenters' sentences. */

/** A rate as a reader writes it: "8%", "7.5%". */
export function rateText(rate: number): string {
  return percent(rate, 1).replace(/\.0%$/, "%");
}

/** "A", "A and B", "A, B and C". */
export function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** Text ending with exactly one full stop (unless it ends with ! or ?). */
export function sentence(s: string): string {
  const t = s.trim().replace(/[.\s]+$/, "");
  return /[!?]$/.test(t) ? t : `${t}.`;
}

/** A label inside a sentence: "Reference build effort" → "reference build effort"; an acronym ("ROI …", "SLA …") stays. */
export function lower(s: string): string {
  return /^\p{Lu}{2}/u.test(s) ? s : s.charAt(0).toLowerCase() + s.slice(1);
}

/** What an in-house option is, in two or three words; null for a vendor's offer. */
export function optionLabel(kind: OptionKind): string | null {
  return kind === "build" ? "in-house build" : kind === "platform" ? "platform, own team" : null;
}

/** Signed money: "−€27,000", "+€4,500", "€0". */
export function signed(x: number, cur: string): string {
  return x === 0 ? money(0, cur) : `${x < 0 ? "−" : "+"}${money(Math.abs(x), cur)}`;
}
