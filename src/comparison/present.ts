import {
  FLAG_LABELS,
  SEAT_LABELS,
  LAYERS,
  LAYER_LABELS,
  NATURE_LABELS,
  PHASES,
  PHASE_LABELS,
  type Layer,
} from "../domain.js";
import { money, moneyThousands, percent } from "../format.js";
import {
  ordinal,
  ownHidden,
  type CostLine,
  type ModelResult,
  type RankFlip,
  type VendorResult,
} from "../model/index.js";
import { questionIndex } from "../questions/answers.js";
import { formatAnswer } from "../questions/format-answer.js";
import type { QuestionSet } from "../questions/schema.js";
import {
  planOption,
  presentAsks,
  presentFundingPlan,
  type AsksView,
  type FundingPlanView,
  type Tranche,
} from "./present-plan.js";
import type { Decision } from "./repo.js";
import { presentRounds, type RoundView } from "./present-rounds.js";
import type { ScoredRound } from "../evaluations/scoring.js";
import { list, lower, optionLabel, rateText, sentence } from "./words.js";

/**
 * The comparison in words and table cells, from the cost model's output: the page, the PDF report
 * and the command line draw what this returns and compute no figure or sentence of their own.
 */
export interface ComparisonView {
  currency: string;
  horizonYears: number;
  basis: ModelResult["basis"];
  /** Column heading of the total: the adjusted total, or what is funded beyond the quote. */
  totalLabel: string;
  /** Column heading of the net present cost: "Present value at 8%". */
  presentLabel: string;
  /** The side-by-side table's columns after the vendor, each heading with what it means (the page's key, the PDF's glossary). */
  columns: ColumnView[];
  headline: string;
  /** What vendors are ranked on, and one sentence when the nominal and present-value orders differ. */
  rankOn: ModelResult["rankOn"];
  rankingNote: string | null;
  /** Sentences about vendors that are shown but not ranked, and why. */
  notes: string[];
  flips: string[];
  /** Said when two or more vendors are ranked and no flip occurs. */
  noFlip: string | null;
  /** Ranked vendors cheapest first on the total, then the others. */
  vendors: VendorView[];
  funding: FundingView;
  /** Every vendor's funding plan and negotiation asks, in the order of `vendors`. */
  plans: FundingPlanView[];
  asks: AsksView[];
  /** The option the funding plan shows unless another is asked for (comparison/present-plan.ts). */
  planDefault: { vendorId: string; why: string } | null;
  /** Revision rounds, oldest first: round N−1 against round N of a vendor (comparison/present-rounds.ts). */
  rounds: RoundView[];
  sensitivity: { intro: string; rows: SensitivityView[] };
  roi: RoiView[] | null;
  roiIntro: string | null;
  ranges: RangesView;
}

/** Ranges instead of false precision: judgement-based figures rounded to thousands; the exact draws' figures are in the JSON. */
export interface RangesView {
  /** How robust the choice is, in one sentence (the PDF's executive summary opens with it); null with fewer than two ranked vendors. */
  robust: string | null;
  intro: string;
  rows: { id: string; name: string; total: string; present: string; npv: string | null; cheapest: string }[];
}

/** What is funded when, and which costs are transitional (one-off and temporary) or structural (recurring). */
export interface FundingView {
  intro: string;
  years: string[];
  rows: {
    name: string;
    years: string[];
    oneOff: string;
    temporary: string;
    recurring: string;
    total: string;
    phases: string[];
  }[];
  phases: string[];
}

export interface VendorView {
  id: string;
  name: string;
  /** "in-house build" or "platform, own team" for an option the buyer's team answered; null for a vendor's offer. */
  option: string | null;
  result: VendorResult;
  lineCount: number;
  /** Not submitted, not comparable …: why the vendor is shown apart, or null. */
  standing: string | null;
  entry: string;
  entryRank: string;
  total: string;
  totalRank: string;
  /** Net present cost of the total. */
  present: string;
  hidden: string;
  unknown: string;
  paragraph: string;
  layers: { layer: Layer; label: string; total: string; lines: LineView[] }[];
  commitment: string | null;
}

/** A vendor's row in a summary table (the report's, the CLI's), before the flags column each words its own way. */
export function summaryCells(x: VendorView): string[] {
  return [
    x.totalRank,
    x.option ? `${x.name} (${x.option})` : x.name,
    x.entry,
    x.entryRank,
    x.total,
    x.present,
    x.hidden,
    x.unknown,
  ];
}

export interface LineView {
  questionKey: string;
  question: string;
  answer: string;
  /** quoted, hidden, disclosed, unknown or unpriced: a badge's class and text. */
  badge: string;
  badgeText: string;
  where: string;
  nature: string;
  amount: string;
  total: string;
  years: string[];
  reason: string;
  unknown: boolean;
  unpriced: boolean;
}

export interface SensitivityView {
  label: string;
  key: string;
  base: string;
  range: string;
  cells: Record<string, string>;
  leader: string;
  changes: boolean;
}

export interface RoiView {
  name: string;
  /** When value starts and is reached in full. */
  valueStart: string;
  naivePayback: string;
  adjustedPayback: string;
  naiveNet: string;
  adjustedNet: string;
  valuePresent: string;
  npv: string;
  discountedPayback: string;
}

/** The heading of the total's column: the adjusted total, or what is funded beyond the quote when prices were not asked. */
export function totalLabel(r: Pick<ModelResult, "basis" | "horizonYears">): string {
  return r.basis === "beyond_quote"
    ? `Beyond the quote, ${r.horizonYears} years`
    : `Adjusted ${r.horizonYears}-year total`;
}

/** A column of the side-by-side table: its heading, what it means, and whether it holds a figure (set right). */
export interface ColumnView {
  term: string;
  meaning: string;
  figure: boolean;
}

/** The columns of the side-by-side table, in order, each with what it means. */
function columnsOf(r: ModelResult): ColumnView[] {
  const years = `${r.horizonYears} years`;
  const beyond = r.basis === "beyond_quote";
  return [
    {
      term: "Rank",
      figure: false,
      meaning: `Place on ${r.rankOn === "present" ? "present value" : `the ${beyond ? "total" : "adjusted total"}`}, cheapest first; "=2" is a shared place, "—" not ranked (not submitted, or not comparable).`,
    },
    {
      term: "Entry price",
      figure: true,
      meaning: beyond
        ? "Not asked: this questionnaire sent no price questions."
        : "The headline quote: one-off prices plus one year of recurring prices, as the vendor quoted them.",
    },
    {
      term: "Entry rank",
      figure: true,
      meaning: "Place on the entry price alone: what the buyer would conclude from quotes.",
    },
    {
      term: totalLabel(r),
      figure: true,
      meaning: beyond
        ? `What the buyer funds beyond the vendor's quote over ${years}: the hidden and unknown lines.`
        : `Every cost over ${years}: the quoted prices with their terms, plus the hidden and unknown lines the buyer funds.`,
    },
    {
      term: presentLabel(r),
      figure: true,
      meaning: `The same ${years} of costs, each year discounted at ${rateText(r.discountRate)} a year: later money weighs less.`,
    },
    {
      term: "Hidden",
      figure: true,
      meaning: "Share of the total that the quote leaves to the buyer: excluded, partly included or priced separately.",
    },
    {
      term: "Unknown",
      figure: true,
      meaning: "Share of the total from questions left unanswered, priced in full so that silence is never cheaper.",
    },
    {
      term: "Red flags",
      figure: false,
      meaning: "Patterns in the answers that put the budget at risk; each is explained in the red-flag matrix.",
    },
  ];
}

/** "Present value at 8%": the heading of the net present cost. */
function presentLabel(r: Pick<ModelResult, "discountRate">): string {
  return `Present value at ${rateText(r.discountRate)}`;
}

/** One sentence when the order on the nominal total and on its present value differ, saying which one ranks. */
function rankingNote(r: ModelResult, byId: Map<string, VendorResult>): string | null {
  if (!r.rankingsDiffer || r.ranking.nominal.length < 2) return null;
  const present = `present value at ${rateText(r.discountRate)}`;
  const [chosen, other] = r.rankOn === "present" ? [present, "nominal totals"] : ["nominal totals", present];
  const order = (ids: string[]) => ids.map((id) => byId.get(id)!.name).join(", ");
  const [a, b] =
    r.rankOn === "present" ? [r.ranking.present, r.ranking.nominal] : [r.ranking.nominal, r.ranking.present];
  return `Ranked on ${chosen}, as this evaluation chooses, the order is ${order(a)}; on ${other} it would be ${order(b)}.`;
}

/** A vendor's total as shown: money, or why there is none. */
export function totalText(v: VendorResult, cur: string): string {
  if (v.adjustedTotal !== null) return money(v.adjustedTotal, cur);
  return v.outOfRange ? "beyond range" : "not comparable";
}

export function entryText(v: VendorResult, cur: string): string {
  return v.entryPrice !== null ? money(v.entryPrice, cur) : v.entryStatus === "not_asked" ? "not asked" : "not quoted";
}

/** "#1", "=1" for a shared rank, "—" when not ranked. */
function rankText(rank: number | null, all: (number | null)[]): string {
  if (rank === null) return "—";
  return all.filter((r) => r === rank).length > 1 ? `=${rank}` : `#${rank}`;
}

const names = (ids: string[], byId: Map<string, VendorResult>) => list(ids.map((id) => byId.get(id)!.name));

/** A recorded or proposed decision in words, as the page and the report both print it. */
export function decisionWords(d: Pick<Decision, "outcome" | "vendorName" | "conditions" | "reason">): {
  what: string;
  reason: string;
} {
  const conditions = d.outcome === "approve_with_conditions" && d.conditions ? ` with conditions: ${d.conditions}` : "";
  const what = d.outcome === "reject_all" ? "reject all offers" : `approve ${d.vendorName}${conditions}`;
  return { what: sentence(what), reason: sentence(d.reason) };
}

/** Who signed, in their seats: "Ada (CTO), Ben (CFO)". */
export function signedBy(signatures: Decision["signatures"], when?: (at: string) => string): string {
  return signatures
    .map((s) => `${s.userName} (${SEAT_LABELS[s.committeeRole]}${when ? `, ${when(s.signedAt)}` : ""})`)
    .join(", ");
}

/**
 * `lines: false` leaves every vendor's cost lines out (a page that links to them instead); the PDF
 * and small pages show them. `decisions` and `tranches` choose the option the funding plan shows
 * and what the committee has funded of it. `notKnown` gives, by vendor id, the reasons of answers the vendor marked "not known yet": the
 * model priced them as silence, the view says so next to the line and in the vendor's paragraph.
 */
export function presentComparison(
  r: ModelResult,
  set: QuestionSet,
  opts: {
    lines?: boolean;
    notKnown?: ReadonlyMap<string, Readonly<Record<string, string>>>;
    decisions?: readonly Pick<Decision, "vendorId" | "status">[];
    tranches?: readonly Tranche[];
    rounds?: readonly ScoredRound[];
  } = {},
): ComparisonView {
  const cur = r.currency;
  const byId = new Map(r.vendors.map((v) => [v.vendorId, v]));
  const ranked = r.ranking.adjusted.map((id) => byId.get(id)!);
  const others = r.vendors.filter((v) => v.adjustedRank === null);
  const entryRanks = r.vendors.map((v) => v.entryRank);
  const totalRanks = r.vendors.map((v) => v.adjustedRank);
  const index = questionIndex(set);
  const vendors = [...ranked, ...others].map((v): VendorView => ({
    id: v.vendorId,
    name: v.name,
    option: optionLabel(v.kind),
    result: v,
    lineCount: v.lines.length,
    standing: standing(v),
    entry: entryText(v, cur),
    entryRank: rankText(v.entryRank, entryRanks),
    total: totalText(v, cur),
    totalRank: rankText(v.adjustedRank, totalRanks),
    present: v.presentTotal !== null ? money(v.presentTotal, cur) : totalText(v, cur),
    hidden: v.pricedTotal > 0 ? percent(v.hiddenShare, 0) : "—",
    unknown: v.unknownShare > 0 ? percent(v.unknownShare, 0) : "—",
    paragraph: [vendorParagraph(r, v), notKnownSentence(opts.notKnown?.get(v.vendorId))].filter(Boolean).join(" "),
    layers:
      opts.lines === false
        ? []
        : LAYERS.map((layer) => ({
            layer,
            label: LAYER_LABELS[layer],
            total: money(v.byLayer[layer], cur),
            lines: v.lines
              .filter((l) => l.layer === layer)
              .map((l) => lineView(l, index, cur, opts.notKnown?.get(v.vendorId))),
          })).filter((g) => g.lines.length > 0),
    commitment: v.commitment
      ? `A minimum term of ${v.commitment.minTermYears} years commits ${money(v.commitment.amount, cur)} of recurring prices for ${v.commitment.yearsBeyond} year${v.commitment.yearsBeyond === 1 ? "" : "s"} beyond the ${r.horizonYears}-year horizon (not in the total).`
      : null,
  }));
  const many = ranked.length > 1;
  const option = planOption(r, opts.decisions ?? []);
  const order = [...ranked, ...others];
  return {
    currency: cur,
    horizonYears: r.horizonYears,
    basis: r.basis,
    totalLabel: totalLabel(r),
    columns: columnsOf(r),
    presentLabel: presentLabel(r),
    headline: headline(r, byId),
    rankOn: r.rankOn,
    rankingNote: rankingNote(r, byId),
    notes: others.map((v) => sentence(`${v.name}: ${standing(v) ?? "not ranked"}`)),
    flips: r.rankFlips
      .slice(0, 6)
      .map((f) => flipSentence(f, byId, r.horizonYears, cur))
      .concat(
        r.rankFlips.length > 6
          ? [`${r.rankFlips.length - 6} more pairs of vendors change order; the JSON output lists every one.`]
          : [],
      ),
    noFlip:
      many && r.rankFlips.length === 0 && r.ranking.entry.length > 1
        ? "No rank flip: the order at entry holds once everything the buyer funds is priced."
        : null,
    vendors,
    funding: fundingView(
      r,
      [...ranked, ...others].filter((v) => v.adjustedTotal !== null),
    ),
    plans: order.map((v) => presentFundingPlan(r, set, v, option?.vendor === v ? option.why : "", opts.tranches)),
    asks: order.map((v) => presentAsks(r, set, v)),
    planDefault: option ? { vendorId: option.vendor.vendorId, why: option.why } : null,
    rounds: presentRounds(opts.rounds ?? [], set, cur, new Map(r.vendors.map((v) => [v.vendorId, v.name]))),
    sensitivity: sensitivityView(r, byId, ranked.length),
    roi: roiView(r, [...ranked, ...others]),
    roiIntro: roiIntro(r),
    ranges: rangesView(r, byId),
  };
}

/** Why a vendor is shown apart from the ranking, or null when it is ranked. */
function standing(v: VendorResult): string | null {
  const parts: string[] = [];
  if (!v.rankable)
    parts.push(
      `not ranked: ${v.status === "invited" ? "invited, not started" : "still answering"} (${v.answered} of ${v.asked} answered)`,
    );
  if (v.outOfRange) parts.push("its figures are beyond the range Truecost computes exactly");
  else if (!v.complete)
    parts.push(
      `not comparable: ${v.missing.length === 1 ? "a figure only the vendor can give is" : `${v.missing.length} figures only the vendor can give are`} missing`,
    );
  return parts.length ? parts.join("; ") : null;
}

/** The comparison's headline in one sentence, from the rankings. */
function headline(r: ModelResult, byId: Map<string, VendorResult>): string {
  const cur = r.currency;
  const n = r.horizonYears;
  const prefix =
    r.basis === "beyond_quote"
      ? "Prices were not asked (the CFO section was not sent), so totals are what each vendor leaves to the buyer beyond its quote. "
      : "";
  if (r.vendors.length === 0) return "No vendor has been added yet.";
  const ranked = r.ranking.adjusted;
  if (ranked.length === 0)
    return (
      prefix +
      (r.vendors.some((v) => v.rankable)
        ? "No vendor can be ranked yet: no submitted vendor has given every figure its total needs."
        : "No vendor can be ranked yet: none has submitted its answers.")
    );
  const leaders = ranked.filter((id) => byId.get(id)!.adjustedRank === 1);
  const lead = byId.get(leaders[0]!)!;
  // The figure vendors are ranked on: the adjusted total, or its present value.
  const fig = (v: VendorResult) =>
    r.rankOn === "present" ? `${money(v.presentTotal!, cur)} in present value` : money(v.adjustedTotal!, cur);
  if (ranked.length === 1)
    return (
      prefix +
      sentence(
        `${lead.name}'s ${r.basis === "beyond_quote" ? "cost beyond its quote" : "adjusted total"} over ${n} years is ${money(lead.adjustedTotal!, cur)}${lead.entryPrice !== null ? ` against an entry price of ${money(lead.entryPrice, cur)}` : ""}`,
      )
    );
  const total = fig(lead);
  if (leaders.length > 1) return prefix + `${names(leaders, byId)} tie for the lowest total over ${n} years, ${total}.`;
  const entryLeaders = r.ranking.entry.filter((id) => byId.get(id)!.entryRank === 1);
  if (entryLeaders.length === 0) return prefix + `${lead.name} is cheapest over ${n} years at ${total}.`;
  if (entryLeaders.length === 1 && entryLeaders[0] === lead.vendorId)
    return (
      prefix +
      `${lead.name} is cheapest both at entry (${money(lead.entryPrice!, cur)}) and over ${n} years (${total}).`
    );
  const e = byId.get(entryLeaders[0]!)!;
  const who =
    entryLeaders.length > 1
      ? `${names(entryLeaders, byId)} tie for cheapest at entry (${money(e.entryPrice!, cur)})`
      : `${e.name} is cheapest at entry (${money(e.entryPrice!, cur)})`;
  const after =
    entryLeaders.length > 1
      ? ""
      : e.adjustedRank !== null
        ? ` but ${ordinal(e.adjustedRank)} over ${n} years (${fig(e)})`
        : ` but its total cannot be compared`;
  return prefix + `${who}${after}; ${lead.name} is cheapest over ${n} years at ${total}.`;
}

/** One rank flip in words: the two gaps, and the swing split into its causes. */
function flipSentence(f: RankFlip, byId: Map<string, VendorResult>, horizon: number, cur: string): string {
  const a = byId.get(f.cheaperAtEntry)!.name;
  const b = byId.get(f.cheaperOverall)!.name;
  const swing = f.entryGap + f.adjustedGap;
  const parts: [number, string, boolean][] = [
    [f.cause.hidden, "what its quote leaves to the buyer", false],
    [f.cause.unknown, "what it left unanswered", false],
    [f.cause.quotedAfterEntry, "its quoted prices after the first year", true],
    [f.cause.disclosed, "the buyer effort it discloses", false],
  ];
  const said = parts
    .filter(([x]) => Math.abs(x) >= 1)
    .sort((x, y) => Math.abs(y[0]) - Math.abs(x[0]))
    .map(
      ([x, what, plural]) =>
        `${what} ${x > 0 ? (plural ? "add" : "adds") : plural ? "take off" : "takes off"} ${money(Math.abs(x), cur)}`,
    );
  const why = f.byExclusion
    ? "Without what it leaves out or unanswered it would still be cheaper: the flip is caused by exclusions."
    : f.quotedAlone
      ? "Its quoted prices over the horizon alone explain the flip: it is not cheap by exclusion."
      : "Quoted prices over the horizon and costs left to the buyer both contribute.";
  return `${a} is ${money(f.entryGap, cur)} cheaper than ${b} at entry but ${money(f.adjustedGap, cur)} dearer over ${horizon} years. Of the ${money(swing, cur)} swing, ${said.join("; ")}. ${why}`;
}

/** A short paragraph per vendor, in words, from its figures. */
function vendorParagraph(r: ModelResult, v: VendorResult): string {
  const cur = r.currency;
  const n = r.horizonYears;
  const parts: string[] = [];
  const entry =
    v.entryPrice !== null
      ? `quotes ${money(v.entryPrice, cur)} at entry${v.entryRank ? ` (${ordinal(v.entryRank)})` : ""}`
      : v.entryStatus === "not_asked"
        ? "was not asked for prices"
        : "left a headline price blank";
  const total =
    v.adjustedTotal !== null
      ? `its ${r.basis === "beyond_quote" ? "cost beyond the quote" : "adjusted total"} over ${n} years is ${money(v.adjustedTotal, cur)}${v.adjustedRank ? ` (${ordinal(v.adjustedRank)})` : ""}`
      : `its total cannot be compared (the lines that can be priced come to ${money(v.pricedTotal, cur)})`;
  const option = optionLabel(v.kind);
  parts.push(
    `${v.name}${option ? ` (${option}: answered by the buyer's own team, its work priced at the buyer's day rate)` : ""} ${entry}; ${total}.`,
  );
  if (!v.complete && !v.outOfRange)
    parts.push(
      `It did not give ${list(v.missing.map((m) => `“${lower(m.what)}”`))}; Truecost never invents a vendor's figure.`,
    );
  const own = ownHidden(v);
  const top = LAYERS.filter((l) => v.hiddenByLayer[l] > 0)
    .sort((x, y) => v.hiddenByLayer[y] - v.hiddenByLayer[x])
    .slice(0, 2);
  if (own > 0)
    parts.push(
      `${percent(own / Math.max(1, v.pricedTotal), 0)} of it is what the quote leaves to the buyer or left unanswered${top.length ? `, mostly ${top.map((l) => `${LAYER_LABELS[l].toLowerCase()} (${money(v.hiddenByLayer[l], cur)})`).join(" and ")}` : ""}.`,
    );
  else parts.push("Its quote covers every cost layer asked about.");
  if (v.disclosedTotal > 0)
    parts.push(
      `It discloses ${money(v.disclosedTotal, cur)} of buyer effort over ${n} years (shown as such, not as a hidden cost).`,
    );
  if (v.notAskedTotal > 0)
    parts.push(
      `${money(v.notAskedTotal, cur)} is priced for questions the buyer did not send, the same for every vendor.`,
    );
  parts.push(
    v.flags.length
      ? `Red flags: ${v.flags.map((f) => `${FLAG_LABELS[f.id]} (${f.severity})`).join(", ")}.`
      : "No red flag.",
  );
  return parts.join(" ");
}

/** What a vendor's paragraph says of its answers marked "not known yet". */
function notKnownSentence(notKnown: Readonly<Record<string, string>> | undefined): string {
  const n = notKnown ? Object.keys(notKnown).length : 0;
  if (!n) return "";
  return `It marked ${n === 1 ? "one answer" : `${n} answers`} “not known yet”, priced as if unanswered.`;
}

function lineView(
  l: CostLine,
  index: ReturnType<typeof questionIndex>,
  cur: string,
  notKnown: Readonly<Record<string, string>> | undefined,
): LineView {
  const q = index.get(l.questionKey)?.question;
  const badge = l.unpriced ? "unpriced" : l.unknown ? "unknown" : l.kind;
  const badgeText = l.unpriced
    ? "not given"
    : l.unknown
      ? "unknown"
      : l.countedUnder
        ? "counted elsewhere"
        : l.kind === "disclosed"
          ? "disclosed effort"
          : l.kind === "hidden"
            ? "left to buyer"
            : l.headline
              ? "quoted (headline)"
              : "quoted";
  const temporary = l.nature === "temporary" && l.timing.kind === "rate";
  const months = temporary && l.timing.kind === "rate" ? l.timing.to - l.timing.from : 0;
  return {
    questionKey: l.questionKey,
    question: q?.text ?? l.questionKey,
    answer: q ? formatAnswer(q, l.answer, cur, notKnown?.[l.questionKey]) : "—",
    badge,
    badgeText,
    where: `${LAYER_LABELS[l.layer]} · ${PHASE_LABELS[l.phase]}`,
    nature: NATURE_LABELS[l.nature],
    amount: l.unpriced
      ? "not given"
      : temporary
        ? `${money(l.total, cur)} over ${months} month${months === 1 ? "" : "s"}`
        : `${money(l.amount, cur)}${l.nature === "recurring" ? " a year" : ""}`,
    total: l.unpriced ? "—" : money(l.total, cur),
    years: l.years.map((y) => money(y, cur)),
    reason: l.reason,
    unknown: l.unknown,
    unpriced: l.unpriced,
  };
}

function fundingView(r: ModelResult, vendors: VendorResult[]): FundingView {
  const cur = r.currency;
  return {
    intro:
      "What is funded now and what later, by year and by the funding stages the reference sequence names. One-off and temporary costs are transitional (they end); recurring costs are structural. Discovery and the build fall before go-live; live operation, usage and their buyer-side costs run from go-live; stabilisation ends after its months; exit falls in the final year.",
    years: Array.from({ length: r.horizonYears }, (_, i) => `Year ${i + 1}`),
    phases: PHASES.map((p) => PHASE_LABELS[p]),
    rows: vendors.map((v) => ({
      name: v.name,
      years: v.byYear.map((y) => money(y, cur)),
      oneOff: money(v.byNature.one_off, cur),
      temporary: money(v.byNature.temporary, cur),
      recurring: money(v.byNature.recurring, cur),
      total: money(v.adjustedTotal!, cur),
      phases: PHASES.map((p) => money(v.byPhase[p], cur)),
    })),
  };
}

function sensitivityView(
  r: ModelResult,
  byId: Map<string, VendorResult>,
  rankedCount: number,
): ComparisonView["sensitivity"] {
  const s = r.sensitivity;
  const cur = r.currency;
  const shown = r.vendors.filter((v) => v.adjustedTotal !== null);
  const range = percent(s.range, 0);
  const changing = s.rows.filter((x) => x.leaderChanges);
  const intro =
    rankedCount < 2
      ? `Each assumption moved down and up by ${range}, within its bounds: the totals at both ends.`
      : changing.length
        ? `Each assumption moved down and up by ${range}, within its bounds. ${changing.length === 1 ? "One assumption changes" : `${changing.length} assumptions change`} which vendor is cheapest over ${r.horizonYears} years: ${list(changing.map((x) => x.label))}.`
        : `Each assumption moved down and up by ${range}, within its bounds. No single assumption changes which vendor is cheapest over ${r.horizonYears} years${s.leader ? ` (${byId.get(s.leader)!.name})` : ""}.`;
  const round = (x: number) => String(Math.round(x * 1000) / 1000);
  return {
    intro,
    rows: s.rows.map((x) => ({
      label:
        x.measure === "present"
          ? `${x.label} (present value)`
          : x.measure === "npv"
            ? `${x.label} (NPV, highest best)`
            : x.label,
      key: x.assumption,
      ...(x.assumption === "day_rate" || x.assumption === "value"
        ? { base: money(x.base, cur), range: `${money(x.low, cur)} / ${money(x.high, cur)}` }
        : { base: round(x.base), range: `${round(x.low)} / ${round(x.high)}` }),
      cells: Object.fromEntries(
        shown.map((v) => {
          const t = x.totals[v.vendorId];
          return [
            v.vendorId,
            t && t.low !== null && t.high !== null
              ? `${moneyThousands(t.low, cur)} – ${moneyThousands(t.high, cur)}`
              : "—",
          ];
        }),
      ),
      leader:
        rankedCount < 2
          ? "—"
          : x.leaderChanges
            ? `changes: ${[...new Set([...x.leadersLow, ...x.leadersHigh])].map((id) => byId.get(id)!.name).join(" / ")}`
            : "holds",
      changes: x.leaderChanges,
    })),
  };
}

function rangesView(r: ModelResult, byId: Map<string, VendorResult>): RangesView {
  const cur = r.currency;
  const g = r.ranges;
  const spread = (s: { p10: number; p50: number; p90: number }) =>
    `${moneyThousands(s.p10, cur)} – ${moneyThousands(s.p90, cur)} (median ${moneyThousands(s.p50, cur)})`;
  const order = [...g.vendors].sort((a, b) => (b.cheapest ?? -1) - (a.cheapest ?? -1) || a.total.p50 - b.total.p50);
  const rows = order.map((x) => ({
    id: x.vendorId,
    name: byId.get(x.vendorId)!.name,
    total: spread(x.total),
    present: spread(x.present),
    npv: x.npv ? spread(x.npv) : null,
    cheapest: x.cheapest === null ? "—" : chance(x.cheapest),
  }));
  const draws = g.draws.toLocaleString("en-GB");
  const intro = `P10 to P90 over ${draws} draws (seed ${g.seed}): every assumption, the day rate and the workflow value drawn between their low and high, and lines priced from silence, unevidenced claims or partial cover widened. The same inputs always give the same figures; the exact ones are in the JSON output.`;
  return { robust: robustSentence(r, byId), intro, rows };
}

/** "94%", and "under 1%" / "over 99%" rather than a false 0% or 100% of a rare outcome. */
function chance(share: number): string {
  if (share > 0 && share < 0.005) return "under 1%";
  if (share < 1 && share > 0.995) return "over 99%";
  return percent(share, 0);
}

/** Which vendor is cheapest in how many draws, and what its lead depends on most. */
function robustSentence(r: ModelResult, byId: Map<string, VendorResult>): string | null {
  const g = r.ranges;
  const ranked = g.vendors.filter((x) => x.cheapest !== null);
  if (ranked.length < 2) return null;
  const top = ranked.reduce((a, b) => (b.cheapest! > a.cheapest! ? b : a));
  const figure = r.rankOn === "present" ? "present value" : "adjusted total";
  const draws = g.draws.toLocaleString("en-GB");
  const lead = `${byId.get(top.vendorId)!.name} is cheapest on the ${figure} in ${chance(top.cheapest!)} of ${draws} draws`;
  // "the reference build effort" from "Reference build effort, days": the words before the unit.
  const named = (label: string) => `the ${lower(label.split(",")[0]!.trim())}`;
  const bars = g.tornado?.bars.slice(0, 2).map((b) => named(b.label)) ?? [];
  const crossing = g.tornado?.bars.filter((b) => Math.min(b.low, b.high) < 0).map((b) => named(b.label)) ?? [];
  const depends = bars.length ? `; its lead depends most on ${list(bars)}` : "";
  const flips = crossing.length ? `, and ${list(crossing.slice(0, 2))} alone could change the leader` : "";
  return sentence(`${lead}${top.cheapest! < 0.5 ? " — no vendor is cheapest in most draws" : ""}${depends}${flips}`);
}

function roiIntro(r: ModelResult): string | null {
  const x = r.vendors.find((v) => v.roi)?.roi;
  if (!x) return null;
  const rate = rateText(r.discountRate);
  return `A yearly workflow value of ${money(x.valuePerYear, r.currency)}, from each vendor's go-live and growing as its rollout plan implies. Naive payback counts only the headline quote; adjusted payback counts every cost line; present values discount costs and value to signature at ${rate} a year.`;
}

function roiView(r: ModelResult, ordered: VendorResult[]): RoiView[] | null {
  if (!ordered.some((v) => v.roi)) return null;
  const cur = r.currency;
  const months = (m: number | null, note: string | null) =>
    note === "not_asked"
      ? "not asked"
      : note === "not_quoted"
        ? "not comparable"
        : m === null
          ? `never within ${r.horizonYears} years`
          : `${m} months`;
  const net = (x: number | null, note: string | null) =>
    x === null ? (note === "not_asked" ? "not asked" : "not comparable") : money(x, cur);
  return ordered
    .filter((v) => v.roi)
    .map((v) => {
      const x = v.roi!;
      const full = x.goLiveMonth + Math.ceil(x.rampMonths);
      return {
        name: v.name,
        valueStart:
          x.rampMonths > 0
            ? `month ${x.goLiveMonth + 1}, in full from month ${Math.min(full, r.horizonYears * 12)}`
            : `month ${x.goLiveMonth + 1}`,
        naivePayback: months(x.naivePaybackMonths, x.naiveNote),
        adjustedPayback: months(x.adjustedPaybackMonths, x.adjustedNote),
        naiveNet: net(x.naiveNet, x.naiveNote),
        adjustedNet: net(x.adjustedNet, x.adjustedNote),
        valuePresent: money(x.valuePresent, cur),
        npv: net(x.npv, x.adjustedNote),
        discountedPayback: months(x.discountedPaybackMonths, x.adjustedNote),
      };
    });
}
