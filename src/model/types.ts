import type { FlagId, Layer, LineKind, Nature, Phase, Role, Severity, Tier } from "../domain.js";
import type { AnswerValue } from "../questions/answers.js";
import type { QuestionSet } from "../questions/schema.js";

/** The evaluation settings the model reads. Money is integer minor units of `currency`. */
export interface ModelEvaluation {
  tier: Tier;
  horizonYears: number;
  currency: string;
  dayRateMinor: number;
  valueEstimateMinor?: number | null;
  /** Roles whose sections were sent; questions of other roles are "not asked". */
  roles: readonly Role[];
  /** Overrides of the question set's per-tier defaults, by assumption key. */
  assumptions?: Readonly<Record<string, number>>;
  /** Share by which sensitivity moves each assumption down and up (default 0.3). */
  sensitivityRange?: number;
  /** Price an "included" claim without its expected evidence as partial (always so in the system-of-record tier). */
  unevidencedIncludedAsPartial?: boolean;
  /** Rank vendors that have not submitted yet too (they are shown, marked); by default only submitted vendors are ranked. */
  rankUnsubmitted?: boolean;
  /** What vendors are ranked on: the adjusted total (default) or its present value. */
  rankOn?: RankOn;
  /** The evaluation's own criteria for the gate after a stage, replacing the default drawn from its questions. */
  gates?: Partial<Record<Phase, string[]>>;
}

export type RankOn = "nominal" | "present";

export type ModelVendorStatus = "invited" | "in_progress" | "submitted";

export interface ModelVendor {
  id: string;
  name: string;
  answers: Readonly<Record<string, AnswerValue | undefined>>;
  /** Number of evidence files per question key. */
  evidence?: Readonly<Record<string, number>>;
  /** Question keys whose answer carries the vendor's explanation. */
  explained?: Readonly<Record<string, boolean>>;
  /** Where the questionnaire stands; a vendor without one counts as submitted. */
  status?: ModelVendorStatus;
  /** A vendor's offer (the default), or an option the buyer's own team answers: build in-house, or a platform it runs. */
  kind?: OptionKind;
}

export type OptionKind = "vendor" | "build" | "platform";

export interface ModelInput {
  set: QuestionSet;
  evaluation: ModelEvaluation;
  vendors: readonly ModelVendor[];
  /** Monte Carlo draws for the ranges (10,000 by default; property tests use fewer; 0 leaves the draws out, the tornado stays). */
  draws?: number;
  /** False leaves the negotiation asks out (every vendor's `asks` empty): a revision round's diff does not show them. */
  asks?: boolean;
}

/**
 * When a line's money falls, in months from signature (month 0): all in one month, spread evenly
 * over months [from, to), or a yearly rate for months [from, to) rising by `escalation` a year.
 * A point or spread priced at the buyer's day rate rises with it: by `escalation` a contract year.
 */
export type LineTiming =
  | { kind: "point"; month: number; escalation?: number }
  | { kind: "spread"; from: number; to: number; escalation?: number }
  | { kind: "rate"; from: number; to: number; escalation: number }
  /** The amount of each month of the horizon (usage from the buyer's forecast). */
  | { kind: "schedule"; byMonth: number[] };

/** How the answer behind a line stood. */
export type LineSource = "answered" | "silent" | "not_asked";

export interface CostLine {
  kind: LineKind;
  /** For quoted lines: part of the headline price (entry price). */
  headline: boolean;
  layer: Layer;
  phase: Phase;
  nature: Nature;
  /** The work this line pays for; no two lines of a vendor count the same work (docs/cost-model.md, Overlaps). */
  work: string;
  /** Per occurrence: the one-off amount, or the amount per year (before escalation). */
  amount: number;
  /** Over the horizon: the sum of `years`. */
  total: number;
  /** Allocation per year of the horizon, index 0 = year 1. */
  years: number[];
  timing: LineTiming;
  questionKey: string;
  role: Role;
  answer: AnswerValue | null;
  source: LineSource;
  assumptions: Record<string, number>;
  /** Priced from silence or from a question not asked, not from an answer. */
  unknown: boolean;
  /** A figure only the vendor can give is missing: the line counts 0 and the vendor's total cannot be compared. */
  unpriced: boolean;
  /** Set when another question's line counts this work: this line then counts 0. */
  countedUnder?: string;
  /** The line's cost discounted to signature, month by month (see model/present.ts). */
  presentValue: number;
  /** A claim the tier's rule priced: "included" without evidence, or buyer effort below the tier's floor. */
  asserted: boolean;
  reason: string;
}

export interface Flag {
  id: FlagId;
  severity: Severity;
  questionKeys: string[];
  message: string;
}

export interface Roi {
  valuePerYear: number;
  valueOverHorizon: number;
  /** Months from signature until cumulative value covers cumulative cost; null = never within the horizon. */
  naivePaybackMonths: number | null;
  adjustedPaybackMonths: number | null;
  /** Null when the figure it needs was not asked or not given. */
  naiveNet: number | null;
  adjustedNet: number | null;
  /** Why a payback or net figure is missing: the prices were not asked, or not given. */
  naiveNote: "not_asked" | "not_quoted" | null;
  adjustedNote: "not_asked" | "not_quoted" | null;
  /** The month value starts: the buyer's go-live, or the vendor's own estimate when later (silence: the latest any vendor states). */
  goLiveMonth: number;
  /** Months from go-live until the value is reached in full (the rollout plan's ramp). */
  rampMonths: number;
  discountRate: number;
  /** The value over the horizon discounted to signature. */
  valuePresent: number;
  /** Present value of the value less the net present cost; null when the total is not comparable. */
  npv: number | null;
  /** Months until discounted value covers discounted cost; null = never within the horizon (or not comparable). */
  discountedPaybackMonths: number | null;
}

export interface Confidence {
  /** "Included" claims on questions that expect evidence, backed by an attachment or explanation. */
  evidenced: string[];
  /** The same claims with neither. */
  asserted: string[];
  assertedPricedAsPartial: boolean;
}

export type Split<K extends string> = Record<K, number>;

/** The parts of a vendor's adjusted total that explain a rank flip (they add up to the total). */
export interface Components {
  entry: number;
  /** Quoted prices beyond the entry price: recurring fees after their first year, escalation, fees outside the headline. */
  quotedAfterEntry: number;
  disclosed: number;
  /** Hidden costs priced from answers (excluded, deferred, partial, asserted). */
  hidden: number;
  /** Hidden costs priced from silence or from questions not asked. */
  unknown: number;
}

/** A figure the vendor must give for its total to be bounded, and the answer is missing. */
export interface Missing {
  questionKey: string;
  what: string;
}

export interface VendorResult {
  vendorId: string;
  name: string;
  /** Priced like any vendor, with the buyer's day rate for what the option leaves to the buyer. */
  kind: OptionKind;
  currency: string;
  status: ModelVendorStatus;
  /** Whether the vendor takes part in the ranking (submitted, or the buyer ranks the others too). */
  rankable: boolean;
  /** Every figure the total needs was given (and none is beyond the model's range). */
  complete: boolean;
  missing: Missing[];
  /** A computed figure would exceed the range the model computes exactly; the total is then not comparable. */
  outOfRange: boolean;
  lines: CostLine[];
  /** Headline quote (one-off + first year recurring); null when not asked or not quoted. */
  entryPrice: number | null;
  entryStatus: "quoted" | "not_quoted" | "not_asked";
  /** Every line over the horizon, the unpriced ones counting 0. */
  pricedTotal: number;
  /** The adjusted total; null when a figure only the vendor can give is missing. */
  adjustedTotal: number | null;
  /** Net present cost: the adjusted total discounted to signature (the sum of its lines' present values); null when not comparable. */
  presentTotal: number | null;
  quotedTotal: number;
  hiddenTotal: number;
  disclosedTotal: number;
  unknownTotal: number;
  /** Hidden and unknown costs of questions the buyer did not send: the same for every vendor. */
  notAskedTotal: number;
  /** Shares of the priced total. */
  hiddenShare: number;
  unknownShare: number;
  components: Components;
  byLayer: Split<Layer>;
  /** The hidden total split by layer: where the quote leaves cost to the buyer. */
  hiddenByLayer: Split<Layer>;
  byPhase: Split<Phase>;
  byNature: Split<Nature>;
  byYear: number[];
  /** A minimum term longer than the horizon: recurring prices committed beyond it. */
  commitment: { minTermYears: number; yearsBeyond: number; amount: number } | null;
  /** What the vendor says of its minimum term: stated, not stated, or not asked. */
  minTermStatus: "stated" | "not_stated" | "not_asked";
  flags: Flag[];
  confidence: Confidence;
  roi: Roi | null;
  answered: number;
  asked: number;
  /** 1-based rank among ranked vendors (ties share a rank); null when not ranked on that figure. */
  entryRank: number | null;
  /** Rank on the figure the buyer ranks on (`rankOn`): the adjusted total, or its present value. */
  adjustedRank: number | null;
  nominalRank: number | null;
  presentRank: number | null;
  /** The adjusted budget by funding stage (model/funding.ts); they add up to the priced total. */
  stages: FundingStage[];
  /** What the buyer could ask the vendor to include or commit to, dearest first (model/asks.ts). */
  asks: Ask[];
  /** Every ask granted at once; null when there is none. */
  allAsks: AllAsks | null;
}

export interface AllAsks {
  saving: number;
  totalAfter: number | null;
  rankAfter: number | null;
}

/** What the enterprise receives in a stage, and who delivers it according to the vendor's answer. */
export interface StageReceipt {
  questionKey: string;
  text: string;
  by: "vendor" | "shared" | "buyer" | "unknown" | "not_asked";
}

export interface FundingStage {
  phase: Phase;
  label: string;
  /** The stage's lines over the horizon: nominal and discounted to signature. */
  total: number;
  presentTotal: number;
  years: number[];
  presentYears: number[];
  /** One-off and temporary costs (they end) and recurring ones (they stay). */
  temporary: number;
  structural: number;
  lineCount: number;
  /** The stage by layer, nature and cost type (unknown: a hidden line priced from silence); they add up to the stage. */
  parts: StagePart[];
  receives: StageReceipt[];
  /** The assumptions its lines read, by the amount of the lines that read each. */
  drivers: { key: string; label: string; amount: number }[];
  /** The vendor's red flags raised by this stage's questions: what completing the stage retires. */
  risks: { flag: FlagId; severity: Severity; questionKeys: string[] }[];
}

export interface StagePart {
  layer: Layer;
  nature: Nature;
  costType: LineKind | "unknown";
  total: number;
  presentTotal: number;
  years: number[];
  presentYears: number[];
}

export interface GateCriterion {
  text: string;
  /** The questions it is drawn from (none for a criterion the evaluation wrote). */
  questionKeys: string[];
}

/** What must be accepted after a stage before the next one's tranche is released. */
export interface Gate {
  after: Phase;
  releases: Phase;
  criteria: GateCriterion[];
  /** The evaluation wrote its own criteria. */
  edited: boolean;
}

/**
 * A negotiation ask: one answer the vendor could give instead of its own (include the item, take
 * the other option), priced by running the model with it: what the vendor's total would save.
 */
export interface Ask {
  questionKey: string;
  layer: Layer;
  phase: Phase;
  /** The answer today (null: unanswered). */
  today: AnswerValue | null;
  /** The answer asked for. */
  answer: AnswerValue;
  /** Ask for the evidence too: the tier prices an unevidenced "included" as partial. */
  withEvidence: boolean;
  /** Over the horizon (always above 0), and at present value (lower, or even below 0 when the answer asked for moves cost earlier). */
  saving: number;
  presentSaving: number;
  /** The vendor's adjusted total with this ask alone granted (null when still not comparable). */
  totalAfter: number | null;
  rankBefore: number | null;
  rankAfter: number | null;
  /** Red flags the vendor would no longer carry. */
  flagsCleared: FlagId[];
}

/** Two ranked vendors whose order at entry reverses on the adjusted total, and why. */
export interface RankFlip {
  /** Cheaper at entry, dearer over the horizon. */
  cheaperAtEntry: string;
  /** Dearer at entry, cheaper over the horizon. */
  cheaperOverall: string;
  /** How much cheaper `cheaperAtEntry` is at entry. */
  entryGap: number;
  /** How much dearer it is over the horizon. */
  adjustedGap: number;
  /**
   * The components' differences (cheaperAtEntry minus cheaperOverall) beyond the entry price:
   * they add up to entryGap + adjustedGap, the swing between the two rankings.
   */
  cause: Omit<Components, "entry">;
  /** Quoted prices alone (entry and after) already make `cheaperAtEntry` dearer: the flip is not the exclusions'. */
  quotedAlone: boolean;
  /** The flip is caused by the vendor's own exclusions, partial cover and silence: without them, and on quoted prices alone, the order at entry would hold. */
  byExclusion: boolean;
}

export interface SensitivityRow {
  /** An assumption's key, or day_rate, horizon_years, value. */
  assumption: string;
  label: string;
  /** The figure the ends show: the adjusted total (default), its present value, or NPV (where the best is the highest). */
  measure?: "total" | "present" | "npv";
  base: number;
  low: number;
  high: number;
  /** Adjusted totals at both ends, for vendors whose total is comparable (null where an end takes it beyond the model's range). */
  totals: Record<string, { low: number | null; high: number | null }>;
  /** The cheapest ranked vendors (several on a tie) at each end. */
  leadersLow: string[];
  leadersHigh: string[];
  leaderChanges: boolean;
}

/** An input drawn for the ranges: its low, base and high (the set's own range, or the sensitivity range around the value). */
export interface RangeInput {
  key: string;
  label: string;
  low: number;
  base: number;
  high: number;
  basis: "set" | "range";
}

/** Percentiles of a figure over the draws, the envelope every draw lies within (each input and line at its own extreme), and the base figure. */
export interface Spread {
  p10: number;
  p50: number;
  p90: number;
  low: number;
  high: number;
  base: number;
}

export interface VendorRange {
  vendorId: string;
  total: Spread;
  present: Spread;
  npv: Spread | null;
  /** Share of draws in which it is the cheapest on the ranked figure (ties shared); null when fewer than two vendors are ranked. */
  cheapest: number | null;
}

/** The leader's margin over the runner-up with one input at its low and at its high. */
export interface TornadoBar {
  key: string;
  label: string;
  low: number;
  high: number;
}

export interface Ranges {
  seed: number;
  draws: number;
  inputs: RangeInput[];
  /** Comparable vendors only. */
  vendors: VendorRange[];
  tornado: { leader: string; runnerUp: string; margin: number; bars: TornadoBar[] } | null;
}

export interface ModelResult {
  currency: string;
  horizonYears: number;
  tier: Tier;
  assumptions: Record<string, number>;
  /** adjusted: totals include the quotes; beyond_quote: no price question was sent, totals are what the buyer funds beyond the quote. */
  basis: "adjusted" | "beyond_quote";
  vendors: VendorResult[];
  /** Ranked vendor ids, cheapest first (ties in input order; `entryRank`/`adjustedRank` show them); `adjusted` is the order on `rankOn`. */
  ranking: { entry: string[]; adjusted: string[]; nominal: string[]; present: string[] };
  rankOn: RankOn;
  discountRate: number;
  /** The nominal and present-value orders differ. */
  rankingsDiffer: boolean;
  rankFlips: RankFlip[];
  /** `leaders`: the cheapest ranked vendors on the adjusted total; leader statements need two or more ranked vendors. */
  sensitivity: { range: number; rows: SensitivityRow[]; leaders: string[]; leader: string | null };
  /** The gates between funding stages, the same for every vendor. */
  gates: Gate[];
  /** P10/P50/P90 by seeded Monte Carlo, the chance of being cheapest, and what moves the leader's margin (model/ranges.ts). */
  ranges: Ranges;
}
