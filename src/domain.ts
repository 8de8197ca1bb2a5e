/** The vocabulary of the product, shared by question sets, the cost model and the pages. */
export const ROLES = ["cto", "cfo", "product", "procurement"] as const;
export type Role = (typeof ROLES)[number];
/** A committee seat or role section in a few letters, as tables and signatures name it. */
export const SEAT_LABELS: Record<Role, string> = {
  cto: "CTO",
  cfo: "CFO",
  product: "Product",
  procurement: "Procurement",
};

export const ROLE_LABELS: Record<Role, string> = {
  cto: "CTO and engineering",
  cfo: "CFO and finance",
  product: "Product and operations",
  procurement: "Procurement",
};

export const LAYERS = ["value", "governance", "support", "ownership", "rollout"] as const;
export type Layer = (typeof LAYERS)[number];
export const LAYER_LABELS: Record<Layer, string> = {
  value: "Workflow value enablement",
  governance: "Governance",
  support: "Operating support",
  ownership: "Ownership transfer and control",
  rollout: "Rollout and stabilisation",
};

export const PHASES = ["discovery", "implementation", "rollout", "operate", "transition"] as const;
export type Phase = (typeof PHASES)[number];
export const PHASE_LABELS: Record<Phase, string> = {
  discovery: "Discovery and workflow definition",
  implementation: "Governed implementation",
  rollout: "Limited live rollout and stabilisation",
  operate: "Durable operation",
  transition: "Ownership protection, handoff or exit",
};

/**
 * When a cost recurs: once; for a limited period (stabilisation, hypercare, parallel running); or
 * every year of live operation. One-off and temporary costs are transitional, recurring ones structural.
 */
export const NATURES = ["one_off", "temporary", "recurring"] as const;
export type Nature = (typeof NATURES)[number];
export const NATURE_LABELS: Record<Nature, string> = {
  one_off: "One-off",
  temporary: "Temporary",
  recurring: "Recurring (per year)",
};

/** What a cost line is: the vendor's price, a cost the quote leaves to the buyer, or buyer effort the vendor disclosed. */
const LINE_KINDS = ["quoted", "hidden", "disclosed"] as const;
export type LineKind = (typeof LINE_KINDS)[number];

/**
 * When a one-off cost falls: at signature, spread over the build until go-live, at go-live, when
 * stabilisation ends, with the scale-out the rollout plan implies, or at the end of the horizon (exit).
 */
export const TIMINGS = ["signature", "build", "go_live", "stabilised", "scale_out", "end"] as const;
export type Timing = (typeof TIMINGS)[number];

/** When a recurring cost starts: at contract signature (a licence bills from then) or at go-live. */
export const STARTS = ["signature", "go_live"] as const;
export type Start = (typeof STARTS)[number];

/**
 * Commercial terms the cost model reads from an answer, each on at most one question of a set:
 * the price cap escalates recurring prices; the minimum term is a commitment beyond the horizon;
 * pilot pricing and the post-pilot price reprice recurring fees from go-live; the change rate and
 * the vendor's share of changes price changes outside the support scope; the rollout plan times
 * the scale-out (its options staged, pilot_then_all and big_bang are read by value).
 */
export const TERMS = [
  "price_cap",
  "min_term",
  "pilot_pricing",
  "post_pilot_price",
  "change_rate",
  "vendor_change_share",
  "rollout_plan",
  "go_live_estimate",
  "usage_model",
  "usage_unit_price",
  "usage_included",
  "usage_flat_fee",
  "usage_cap",
  "inference_included",
] as const;
export type Term = (typeof TERMS)[number];

export const TIERS = ["pilot", "production", "system_of_record"] as const;
export type Tier = (typeof TIERS)[number];
export const TIER_LABELS: Record<Tier, string> = {
  pilot: "Pilot",
  production: "Production",
  system_of_record: "System of record",
};

export const COVERAGE = ["included", "partial", "excluded", "deferred", "not_applicable"] as const;
export type CoverageStatus = (typeof COVERAGE)[number];
export const COVERAGE_LABELS: Record<CoverageStatus, string> = {
  included: "Included in the quoted price",
  partial: "Partly included",
  excluded: "Not included",
  deferred: "Deferred to a later phase",
  not_applicable: "Not applicable",
};

export const FLAGS = [
  "implementation_without_operation",
  "governance_deferred",
  "ownership_vague",
  "instant_rollout",
  "roi_without_controls",
  "cheap_by_exclusion",
] as const;
export type FlagId = (typeof FLAGS)[number];
export const FLAG_LABELS: Record<FlagId, string> = {
  implementation_without_operation: "Implementation without operation",
  governance_deferred: "Governance deferred",
  ownership_vague: "Ownership vague",
  instant_rollout: "Instant rollout",
  roi_without_controls: "ROI without controls",
  cheap_by_exclusion: "Cheap by exclusion",
};

export const SEVERITIES = ["low", "medium", "high"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Quote items a vendor prices in the CFO section; the estimate bases are built from them. */
export const QUOTE_ITEMS = ["implementation", "licence", "usage", "support", "training", "transition"] as const;
export type QuoteItem = (typeof QUOTE_ITEMS)[number];

/**
 * What an estimate's share is a share of: the buyer's reference build cost or reference yearly run
 * cost (days at the day rate, from assumptions), never the vendor's own fee. The older names
 * (implementation_fee, annual_licence, annual_run_cost) are read as the same two references.
 */
export const ESTIMATE_BASES = [
  "build_reference",
  "run_reference",
  "implementation_fee",
  "annual_licence",
  "annual_run_cost",
] as const;
export type EstimateBasis = (typeof ESTIMATE_BASES)[number];

export const QUESTION_TYPES = [
  "coverage",
  "money",
  "number",
  "percent",
  "yes_no",
  "single_choice",
  "multi_choice",
  "date",
  "text",
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Assumptions the cost model itself reads; every question set must define them. */
export const MODEL_ASSUMPTIONS = {
  partialShare: "partial_share",
  rolloutMonths: "rollout_months",
  goLiveMonth: "go_live_month",
  hiddenShareThreshold: "hidden_share_threshold",
} as const;

/**
 * Assumptions the model reads when a question set uses the feature that needs them, with the
 * value used when an older stored set lacks them (see docs/cost-model.md).
 */
export const FEATURE_ASSUMPTIONS = {
  buildReferenceDays: "reference_build_days",
  runReferenceDays: "reference_run_days",
  escalation: "uncapped_escalation",
  changeDays: "change_days",
  vendorChangeShare: "vendor_change_share",
  vendorRateFactor: "vendor_rate_factor",
  /** Yearly rate at which costs and value are discounted to signature (present values). */
  discountRate: "discount_rate",
  /** Yearly rise of the buyer's own day rate: every line the buyer's day rate prices rises by it. */
  dayRateEscalation: "day_rate_escalation",
  /** Months from go-live until the workflow's value is reached in full on a staged (or unstated) rollout. */
  adoptionMonths: "adoption_months",
  /** The buyer's usage forecast: volume a month at go-live (thousands of requests), its growth, tokens per request and seats. */
  usageRequests: "usage_requests_month",
  usageGrowth: "usage_growth",
  tokensPerRequest: "tokens_per_request",
  usageSeats: "usage_seats",
  /** The buyer's own inference price per million tokens (major units), and its yearly trend. */
  buyerTokenPrice: "buyer_token_price",
  modelPriceTrend: "model_price_trend",
} as const;
