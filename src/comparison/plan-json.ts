import type { Db } from "../db/index.js";
import { scoreEvaluation, type Scored } from "../evaluations/scoring.js";
import type { VendorResult } from "../model/index.js";
import { presentComparison, type ComparisonView } from "./present.js";
import { listDecisions, listTranches } from "./repo.js";
import type { Tranche } from "./present-plan.js";

/**
 * The funding plan and the negotiation asks as JSON, for the API and `truecost plan|asks --json`:
 * the cost model's figures as they are (integer minor units), with the presenter's words beside
 * them, so that a script reads the same numbers the page and the PDFs print.
 */
export interface PlanJson {
  currency: string;
  horizonYears: number;
  discountRate: number;
  gates: Scored["result"]["gates"];
  options: {
    vendorId: string;
    name: string;
    comparable: boolean;
    adjustedTotal: number | null;
    presentTotal: number | null;
    /** The committee's option (or the cheapest), the one the page shows first. */
    default: boolean;
    stages: VendorResult["stages"];
    funded: string[];
    tranches: Tranche[];
  }[];
}

export interface AsksJson {
  currency: string;
  horizonYears: number;
  vendorId: string;
  name: string;
  adjustedTotal: number | null;
  rank: number | null;
  asks: (VendorResult["asks"][number] & { ask: string; topic: string; sentence: string })[];
  allAsks: VendorResult["allAsks"];
}

/** An evaluation's scores with the committee's decisions and tranches, and the presenter's view of them. */
export function plannedView(
  db: Db,
  evaluationId: number,
): { scored: Scored; tranches: Tranche[]; view: ComparisonView } | undefined {
  const scored = scoreEvaluation(db, evaluationId);
  if (!scored) return undefined;
  const tranches = listTranches(db, evaluationId);
  const decisions = listDecisions(db, evaluationId);
  return {
    scored,
    tranches,
    view: presentComparison(scored.result, scored.set, { lines: false, decisions, tranches }),
  };
}

export function planJson(
  scored: Scored,
  view: ComparisonView,
  tranches: readonly Tranche[],
  vendorIds?: readonly string[],
): PlanJson {
  const r = scored.result;
  const byId = new Map(r.vendors.map((v) => [v.vendorId, v]));
  return {
    currency: r.currency,
    horizonYears: r.horizonYears,
    discountRate: r.discountRate,
    gates: r.gates,
    options: view.plans
      .filter((p) => !vendorIds || vendorIds.includes(p.vendorId))
      .map((p) => {
        const v = byId.get(p.vendorId)!;
        return {
          vendorId: v.vendorId,
          name: v.name,
          comparable: v.adjustedTotal !== null,
          adjustedTotal: v.adjustedTotal,
          presentTotal: v.presentTotal,
          default: view.planDefault?.vendorId === v.vendorId,
          stages: v.stages,
          funded: p.stages.filter((s) => s.funded).map((s) => s.phase),
          tranches: tranches.filter((t) => String(t.vendorId) === v.vendorId),
        };
      }),
  };
}

export function asksJson(scored: Scored, view: ComparisonView, vendorId: string): AsksJson | undefined {
  const r = scored.result;
  const v = r.vendors.find((x) => x.vendorId === vendorId);
  const words = view.asks.find((a) => a.vendorId === vendorId);
  if (!v || !words) return undefined;
  const byKey = new Map(words.rows.map((a) => [a.questionKey, a]));
  return {
    currency: r.currency,
    horizonYears: r.horizonYears,
    vendorId,
    name: v.name,
    adjustedTotal: v.adjustedTotal,
    rank: v.adjustedRank,
    asks: v.asks.map((a) => {
      const w = byKey.get(a.questionKey)!;
      return { ...a, ask: w.ask, topic: w.topic, sentence: w.text };
    }),
    allAsks: v.allAsks,
  };
}
