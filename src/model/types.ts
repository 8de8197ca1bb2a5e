import type { FlagId, Layer, Nature, Phase, Role, Severity, Tier } from "../domain.js";
import type { AnswerValue } from "../questions/answers.js";
import type { QuestionSet } from "../questions/schema.js";

/** The evaluation settings the model reads. Money is integer minor units of `currency`. */
export interface ModelEvaluation {
  tier: Tier;
  horizonYears: number;
  currency: string;
  dayRateMinor: number;
  valueEstimateMinor?: number | null;
  /** Roles whose sections were sent; questions of other roles count as unanswered ("not asked"). */
  roles: readonly Role[];
  /** Overrides of the question set's per-tier defaults, by assumption key. */
  assumptions?: Readonly<Record<string, number>>;
  /** Share by which sensitivity moves each assumption down and up (default 0.3). */
  sensitivityRange?: number;
  /** Price an "included" claim without its expected evidence as partial (default false). */
  unevidencedIncludedAsPartial?: boolean;
}

export interface ModelVendor {
  id: string;
  name: string;
  answers: Readonly<Record<string, AnswerValue | undefined>>;
  /** Number of evidence files per question key. */
  evidence?: Readonly<Record<string, number>>;
}

export interface ModelInput {
  set: QuestionSet;
  evaluation: ModelEvaluation;
  vendors: readonly ModelVendor[];
}

export interface CostLine {
  kind: "quoted" | "hidden";
  /** For quoted lines: part of the headline price (entry price). */
  headline: boolean;
  layer: Layer;
  phase: Phase;
  nature: Nature;
  /** Per occurrence: the one-off amount, or the amount per year. */
  amount: number;
  /** Over the horizon: the sum of `years`. */
  total: number;
  /** Allocation per year of the horizon, index 0 = year 1. */
  years: number[];
  questionKey: string;
  role: Role;
  answer: AnswerValue | null;
  assumptions: Record<string, number>;
  unknown: boolean;
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
  /** Months from the start until cumulative value covers cumulative cost; null = never within the horizon. */
  naivePaybackMonths: number | null;
  adjustedPaybackMonths: number | null;
  naiveNet: number;
  adjustedNet: number;
}

export interface Confidence {
  /** "Included" claims on questions that expect evidence, backed by an attachment. */
  evidenced: string[];
  /** The same claims with no attachment. */
  asserted: string[];
  assertedPricedAsPartial: boolean;
}

export type Split<K extends string> = Record<K, number>;

export interface VendorResult {
  vendorId: string;
  name: string;
  currency: string;
  lines: CostLine[];
  entryPrice: number;
  quotedTotal: number;
  adjustedTotal: number;
  hiddenTotal: number;
  unknownTotal: number;
  hiddenShare: number;
  unknownShare: number;
  byLayer: Split<Layer>;
  /** The hidden total split by layer: where the quote leaves cost to the buyer. */
  hiddenByLayer: Split<Layer>;
  byPhase: Split<Phase>;
  byNature: Split<Nature>;
  byYear: number[];
  flags: Flag[];
  confidence: Confidence;
  roi: Roi | null;
  answered: number;
  asked: number;
}

export interface RankFlip {
  vendorId: string;
  name: string;
  entryRank: number;
  adjustedRank: number;
  statement: string;
}

export interface SensitivityRow {
  assumption: string;
  label: string;
  base: number;
  low: number;
  high: number;
  totals: Record<string, { low: number; high: number }>;
  leaderLow: string;
  leaderHigh: string;
  leaderChanges: boolean;
}

export interface ModelResult {
  currency: string;
  horizonYears: number;
  tier: Tier;
  assumptions: Record<string, number>;
  vendors: VendorResult[];
  ranking: { entry: string[]; adjusted: string[] };
  rankFlips: RankFlip[];
  sensitivity: { range: number; rows: SensitivityRow[]; leader: string | null };
}
