import { FEATURE_ASSUMPTIONS } from "../domain.js";
import { minorDigits } from "../format.js";
import { stateOf } from "./answers.js";
import type { ScoreContext, StaticContext } from "./context.js";
import type { Planned, VendorPlan } from "./plan.js";
import { escalation } from "./schedule.js";

export type UsageModel = "per_request" | "per_token" | "per_seat" | "included" | "flat";
const MODELS: readonly string[] = ["per_request", "per_token", "per_seat", "included", "flat"];

/** How a usage or inference line is priced month by month (see usageMonths). */
export type UsageAmount =
  /** The vendor's usage price applied to the buyer's forecast, beyond the usage it quoted at its own volume. */
  | { kind: "usage"; model: UsageModel; price: number; included: number; cap: number | null; quoted: number }
  /** Inference outside the vendor's price (or silence on it), at the buyer's own price per million tokens. */
  | { kind: "inference" }
  /** Usage priced without the vendor's usage model (left blank): at the buyer's own inference price, beyond the quoted usage. */
  | { kind: "usage_unstated"; quoted: number };

/**
 * Plans a vendor's usage lines from the buyer's forecast: its usage price (per request, per token,
 * per seat, above an included volume, or flat) beyond the usage it quoted at its own volume, and
 * the inference the buyer buys itself when it is not in the vendor's price. Silence on the usage
 * model is priced at the buyer's own inference price; a unit price left blank is a missing figure.
 */
export function planUsage(ctx: StaticContext, plan: VendorPlan): void {
  const push = (line: Planned) => plan.lines.push(line);
  const model = ctx.terms.usage_model;
  if (model) {
    const quoted = quotedUsage(ctx, plan);
    const state = stateOf(ctx, model, plan.answers);
    const line = {
      item: model,
      layer: "value" as const,
      phase: "operate" as const,
      nature: "recurring" as const,
      work: "usage_forecast",
      when: { kind: "usage" as const },
      headline: false,
      unknown: false,
      unpriced: false,
      asserted: false,
    };
    if (state.source === "silent")
      push({
        ...line,
        kind: "hidden",
        source: "silent",
        answer: null,
        unknown: true,
        amount: { kind: "usage_unstated", quoted },
        note: "usage_unstated",
      });
    else if (state.source === "answered" && MODELS.includes(String(state.value))) {
      const m = String(state.value) as UsageModel;
      const priceItem = m === "flat" ? ctx.terms.usage_flat_fee : ctx.terms.usage_unit_price;
      const price = priceItem ? stateOf(ctx, priceItem, plan.answers) : undefined;
      if (!price || price.source !== "answered") {
        if (priceItem) plan.missing.push({ questionKey: priceItem.q.key, what: priceItem.q.text });
        push({
          ...line,
          kind: "quoted",
          source: "silent",
          answer: state.value,
          unpriced: true,
          amount: { kind: "fixed", value: 0 },
          note: "usage_missing",
        });
      } else {
        const included = ctx.terms.usage_included ? stateOf(ctx, ctx.terms.usage_included, plan.answers) : undefined;
        const cap = ctx.terms.usage_cap ? stateOf(ctx, ctx.terms.usage_cap, plan.answers) : undefined;
        push({
          ...line,
          kind: "quoted",
          source: "answered",
          answer: state.value,
          note: "usage",
          // No included volume stated prices every request; no cap stated caps nothing.
          amount: {
            kind: "usage",
            model: m,
            price: Math.max(0, price.value as number),
            included: included?.source === "answered" ? Math.max(0, included.value as number) : 0,
            cap: cap?.source === "answered" ? Math.max(0, cap.value as number) : null,
            quoted,
          },
        });
      }
    }
  }
  const inference = ctx.terms.inference_included;
  if (!inference) return;
  const s = stateOf(ctx, inference, plan.answers);
  if (s.source === "hidden" || (s.source === "answered" && s.value === true)) return;
  push({
    item: inference,
    layer: inference.q.layer ?? "support",
    phase: "operate",
    nature: "recurring",
    work: "inference",
    when: { kind: "usage" },
    headline: false,
    kind: "hidden",
    source: s.source,
    answer: s.source === "answered" ? s.value : null,
    unknown: s.source !== "answered",
    unpriced: false,
    asserted: false,
    amount: { kind: "inference" },
    note: s.source === "answered" ? "inference" : s.source === "not_asked" ? "not_asked" : "inference_unstated",
  });
}

/** The usage the vendor quoted a year at its own volume (the `usage` quote), which a forecast line prices beyond. */
function quotedUsage(ctx: StaticContext, plan: VendorPlan): number {
  let quoted = 0;
  for (const l of plan.lines)
    if (l.kind === "quoted" && l.item.q.quote === "usage" && !l.unpriced && l.amount.kind === "fixed")
      quoted += l.amount.value;
  return quoted;
}

/** The buyer's forecast volume in month m (thousands of requests), growing each year after go-live. */
function volume(ctx: ScoreContext, m: number): number {
  const a = ctx.assumptions;
  const years = Math.floor((m - ctx.goLive) / 12);
  return (
    Math.max(0, a[FEATURE_ASSUMPTIONS.usageRequests] ?? 0) *
    (1 + Math.max(0, a[FEATURE_ASSUMPTIONS.usageGrowth] ?? 0)) ** years
  );
}

/**
 * A usage or inference line's cost month by month over the horizon (index 0 = the first month
 * after signature), from go-live: the vendor's prices rise as its contract lets them (`rise`), the
 * buyer's own inference price follows model_price_trend, a yearly cap bounds a contract year's
 * usage charges, and the usage the vendor quoted is taken off (never below 0).
 */
export function usageMonths(ctx: ScoreContext, a: UsageAmount, rise: number): number[] {
  const end = ctx.horizonMonths;
  const out = new Array<number>(end).fill(0);
  const A = ctx.assumptions;
  const tokens = Math.max(0, A[FEATURE_ASSUMPTIONS.tokensPerRequest] ?? 0);
  const own = Math.max(0, A[FEATURE_ASSUMPTIONS.buyerTokenPrice] ?? 0) * 10 ** minorDigits(ctx.currency);
  const trend = Math.max(-0.99, A[FEATURE_ASSUMPTIONS.modelPriceTrend] ?? 0);
  const seats = Math.max(0, A[FEATURE_ASSUMPTIONS.usageSeats] ?? 0);
  const growth = Math.max(0, A[FEATURE_ASSUMPTIONS.usageGrowth] ?? 0);
  for (let m = ctx.goLive; m < end; m++) {
    const v = volume(ctx, m);
    const year = Math.floor(m / 12);
    if (a.kind === "inference" || a.kind === "usage_unstated") out[m] = v * tokens * own * (1 + trend) ** year;
    else {
      const live = Math.floor((m - ctx.goLive) / 12);
      const base =
        a.model === "per_request"
          ? v * a.price
          : a.model === "per_token"
            ? v * tokens * a.price
            : a.model === "per_seat"
              ? seats * (1 + growth) ** live * a.price
              : a.model === "included"
                ? Math.max(0, v - a.included) * a.price
                : a.price / 12;
      out[m] = base * escalation(rise, year);
    }
  }
  if (a.kind === "usage" && a.cap !== null)
    for (let y = 0; y * 12 < end; y++) {
      let sum = 0;
      for (let m = y * 12; m < Math.min(end, y * 12 + 12); m++) sum += out[m]!;
      if (sum > a.cap) for (let m = y * 12; m < Math.min(end, y * 12 + 12); m++) out[m] = (out[m]! * a.cap) / sum;
    }
  if (a.kind !== "inference" && a.quoted > 0)
    for (let m = ctx.goLive; m < end; m++)
      out[m] = Math.max(0, out[m]! - (a.quoted / 12) * escalation(rise, Math.floor(m / 12)));
  return out;
}

/** The first live year's cost of a usage line: its figure "a year" as shown. */
export function firstLiveYear(ctx: ScoreContext, months: number[]): number {
  let s = 0;
  for (let m = ctx.goLive; m < Math.min(months.length, ctx.goLive + 12); m++) s += months[m]!;
  return s;
}

/** The assumptions a usage line reads. */
export function usageDepends(a: UsageAmount): string[] {
  const keys: string[] = [FEATURE_ASSUMPTIONS.usageRequests, FEATURE_ASSUMPTIONS.usageGrowth];
  if (a.kind !== "usage" || a.model === "per_token") keys.push(FEATURE_ASSUMPTIONS.tokensPerRequest);
  if (a.kind !== "usage") keys.push(FEATURE_ASSUMPTIONS.buyerTokenPrice, FEATURE_ASSUMPTIONS.modelPriceTrend);
  if (a.kind === "usage" && a.model === "per_seat") keys.push(FEATURE_ASSUMPTIONS.usageSeats);
  return keys;
}
