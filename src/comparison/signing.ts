import { audit } from "../audit/repo.js";
import type { Db } from "../db/index.js";
import type { Role } from "../domain.js";
import { setEvaluationStatus } from "../evaluations/repo.js";
import { missingSignatures, recordDecision, sign } from "./repo.js";

/** A committee member signing: who, in which seat, as the audit log names them. */
export interface Signer {
  userId: number;
  seat: Role;
  actor: string;
}

/**
 * The decision rule: a member's signature is added to a proposed decision; once every committee
 * seat the evaluation names has signed, the decision is recorded and the evaluation is decided.
 * Each step is in the audit log. Runs inside the caller's transaction. True when it was recorded.
 */
export function signDecision(
  db: Db,
  decisionId: number,
  evaluationId: number,
  seats: readonly Role[],
  signer: Signer,
): boolean {
  sign(db, decisionId, signer.userId, signer.seat);
  audit(db, evaluationId, signer.actor, "decision.signed", { decision: decisionId, seat: signer.seat });
  if (missingSignatures(db, decisionId, seats).length > 0) return false;
  recordDecision(db, decisionId);
  setEvaluationStatus(db, evaluationId, "decided");
  audit(db, evaluationId, signer.actor, "decision.recorded", { decision: decisionId });
  return true;
}
