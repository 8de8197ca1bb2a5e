import { readFileSync } from "node:fs";
import { join } from "node:path";
import { listAnswers } from "../answers/repo.js";
import { audit } from "../audit/repo.js";
import { importBundle } from "../bundles/import.js";
import type { Db } from "../db/index.js";
import { findEvaluation } from "../evaluations/repo.js";
import { scoreEvaluation, vendorInputs } from "../evaluations/scoring.js";
import { ROOT } from "../paths.js";
import { saveVendorAnswer, submit } from "../portal/service.js";
import type { AnswerValue } from "../questions/answers.js";
import { openRound } from "../rounds/repo.js";
import { findVendor, reopenVendor } from "../vendors/repo.js";

const DEMO = join(ROOT, "src", "demo");

/**
 * The demo as `truecost demo` loads it: the three vendors of the bundle (the cheapest quote is the
 * dearest once hidden costs are priced), the buyer's own "Build in-house" option answered through
 * the same questionnaire, and a revision round: Swiftpilot AI is sent its asks on what it left
 * out, includes them at a higher price, resubmits, and the ranking moves.
 */
export function loadDemo(db: Db): number {
  const bundle = JSON.parse(readFileSync(join(DEMO, "demo-bundle.json"), "utf8")) as { vendors: unknown[] };
  bundle.vendors.push(JSON.parse(readFileSync(join(DEMO, "build-option.json"), "utf8")));
  const id = importBundle(db, JSON.stringify(bundle), "demo");
  revisionRound(db, id);
  return id;
}

/** Swiftpilot AI's revision round, through the same functions the buyer's and the vendor's pages use. */
function revisionRound(db: Db, evaluationId: number): void {
  const scored = scoreEvaluation(db, evaluationId)!;
  const swift = scored.result.vendors.find((v) => v.name === "Swiftpilot AI")!;
  const vendorId = Number(swift.vendorId);
  // It takes the asks on what its quote left out, and raises its fees to cover them.
  const asks = swift.asks.filter((a) => typeof a.answer === "object");
  const keys = asks.map((a) => a.questionKey);
  db.transaction(() => {
    openRound(db, { evaluationId, vendorId, questionKeys: keys, before: vendorInputs(db, evaluationId), userId: null });
    reopenVendor(db, vendorId, `revision round 2 reopens ${keys.length} questions for you to revise.`);
    audit(db, evaluationId, "system", "round.sent", { vendor: swift.name, round: 2, questions: keys });
  })();
  const stored = listAnswers(db, vendorId);
  const fee = (key: string, more: number) => ((stored.get(key)?.value as number | null) ?? 0) + more;
  const revised: Record<string, AnswerValue> = {
    ...Object.fromEntries(asks.map((a) => [a.questionKey, a.answer])),
    cfo_implementation_fee: fee("cfo_implementation_fee", 3_000_000),
    cfo_licence: fee("cfo_licence", 600_000),
  };
  const evaluation = findEvaluation(db, evaluationId)!;
  const scope = { set: scored.set, roles: evaluation.roles };
  for (const [key, value] of Object.entries(revised)) {
    const vendor = findVendor(db, vendorId)!;
    saveVendorAnswer(db, vendor, evaluationId, key, value, stored.get(key)?.revision ?? 0, "demo", scope);
  }
  submit(db, findVendor(db, vendorId)!, evaluationId, "demo");
}
