import { readFileSync } from "node:fs";
import { join } from "node:path";
import { insertUser, type UserRole } from "../src/auth/users.js";
import { importBundle } from "../src/bundles/import.js";
import { hashPassword } from "../src/crypto.js";
import type { Db } from "../src/db/index.js";
import type { Role } from "../src/domain.js";
import { addMember, insertEvaluation, type NewEvaluation } from "../src/evaluations/repo.js";
import { ROOT } from "../src/paths.js";
import { getQuestionSet, latestQuestionSets } from "../src/questions/repo.js";
import { saveAnswer } from "../src/answers/repo.js";
import { syntheticAnswers } from "./bench/fixtures.js";
import { insertVendor } from "../src/vendors/repo.js";

export const PASSWORD = "a long enough password";
let hashed: Promise<string> | undefined;

/** A user with the test password (hashed once per test file: scrypt is slow by design). */
export async function makeUser(
  db: Db,
  role: UserRole,
  opts: { email?: string; name?: string; committeeRole?: Role } = {},
) {
  hashed ??= hashPassword(PASSWORD);
  const email = opts.email ?? `${role}-${Math.random().toString(36).slice(2, 8)}@buyer.example`;
  const id = insertUser(db, {
    email,
    name: opts.name ?? `${role[0]!.toUpperCase()}${role.slice(1)} User`,
    role,
    committeeRole: opts.committeeRole ?? (role === "committee" ? "cfo" : null),
    passwordHash: await hashed,
  });
  return { id, email, role };
}

/** An evaluation on the default question set, owned by `ownerId`. */
export function makeEvaluation(db: Db, ownerId: number | null, over: Partial<NewEvaluation> = {}): number {
  const set = latestQuestionSets(db).find((s) => s.setKey === "ai_production")!;
  const id = insertEvaluation(db, {
    title: "Document triage assistant",
    description: "Reads inbound documents and routes them.",
    tier: "production",
    horizonYears: 3,
    currency: "EUR",
    valueEstimateMinor: 30_000_000,
    dayRateMinor: 80_000,
    dueDate: "2099-06-30",
    questionSetId: set.id,
    roles: ["cto", "cfo", "product", "procurement"],
    assumptions: {},
    settings: {},
    createdBy: ownerId,
    ...over,
  });
  if (ownerId !== null) addMember(db, id, ownerId);
  return id;
}

export function makeVendor(db: Db, evaluationId: number, over: { name?: string; contactEmail?: string } = {}): number {
  return insertVendor(db, {
    evaluationId,
    name: over.name ?? "Acme AI",
    contactName: "Casey Vendor",
    contactEmail: over.contactEmail ?? "casey@acme.example",
  });
}

/** The demo evaluation, imported; returns its id. */
export function importDemo(db: Db): number {
  return importBundle(db, readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8"), "test");
}

/** A large evaluation: `vendors` submitted vendors answering the default set (synthetic answers), over `horizonYears`. */
export function makeLargeEvaluation(db: Db, ownerId: number | null, vendors = 50, horizonYears = 10): number {
  const e = makeEvaluation(db, ownerId, { title: "Large evaluation — 大規模評価", horizonYears, status: "open" });
  const set = getQuestionSet(db, latestQuestionSets(db).find((s) => s.setKey === "ai_production")!.id);
  db.transaction(() => {
    for (let i = 0; i < vendors; i++) {
      const v = insertVendor(db, {
        evaluationId: e,
        name: `Vendor ${i + 1} — 株式会社 ${i + 1}`,
        contactName: "Casey",
        contactEmail: `v${i}@x.example`,
        status: "submitted",
      });
      for (const [k, val] of Object.entries(syntheticAnswers(set, i + 1)))
        saveAnswer(db, { vendorId: v, questionKey: k, value: val, expectedRevision: 0, actor: "test" });
    }
  })();
  return e;
}
