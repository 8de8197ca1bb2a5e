/** The vocabulary of the product, shared by question sets, the cost model and the pages. */
export const ROLES = ["cto", "cfo", "product", "procurement"] as const;
export type Role = (typeof ROLES)[number];
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

export const NATURES = ["one_off", "recurring"] as const;
export type Nature = (typeof NATURES)[number];
export const NATURE_LABELS: Record<Nature, string> = { one_off: "One-off", recurring: "Recurring (per year)" };

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

/** What an estimate's share is a share of. */
export const ESTIMATE_BASES = ["implementation_fee", "annual_licence", "annual_run_cost"] as const;
export type EstimateBasis = (typeof ESTIMATE_BASES)[number];

export const QUESTION_TYPES = [
  "coverage", "money", "number", "percent", "yes_no", "single_choice", "multi_choice", "date", "text",
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Assumptions the cost model itself reads; every question set must define them. */
export const MODEL_ASSUMPTIONS = {
  partialShare: "partial_share",
  rolloutMonths: "rollout_months",
  goLiveMonth: "go_live_month",
  hiddenShareThreshold: "hidden_share_threshold",
} as const;
