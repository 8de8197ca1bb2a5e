import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { makeDb } from "../helpers.js";
import { makeEvaluation, makeVendor } from "../factories.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { getQuestionSet } from "../../src/questions/repo.js";
import { progressOf } from "../../src/questions/progress.js";
import { shownMap, type AnswerValue } from "../../src/questions/answers.js";
import { findVendor } from "../../src/vendors/repo.js";
import { answerValues, storedProgress } from "../../src/vendors/service.js";
import { saveVendorAnswer, writeVendorAnswer } from "../../src/portal/service.js";
import { listAnswers } from "../../src/answers/repo.js";

/**
 * Autosave recounts a vendor's progress only when it can change (an answer given or cleared, or an
 * answer that decides other questions' visibility). Whatever the sequence of saves, the stored
 * progress must equal a full recount, and the visibility returned must match the answers.
 */
describe("progress kept by autosave", () => {
  it("always equals a full recount of the answers, over random sequences of saves", () => {
    const { db } = makeDb();
    const e = findEvaluation(db, makeEvaluation(db, null, { roles: ["cfo", "cto"] }))!;
    const set = getQuestionSet(db, e.questionSetId);
    const scope = { set, roles: e.roles };
    const cfo = set.sections.find((s) => s.role === "cfo")!.questions;
    // The conditional pair (cfo_value_claim decides cfo_roi_costs) and a few plain questions of each type.
    const keys = [
      "cfo_value_claim",
      "cfo_roi_costs",
      ...cfo
        .filter((q) => !q.shows_if && q.key !== "cfo_value_claim")
        .slice(0, 4)
        .map((q) => q.key),
      set.sections.find((s) => s.role === "cto")!.questions[0]!.key,
    ];
    const byKey = new Map(set.sections.flatMap((s) => s.questions).map((q) => [q.key, q]));
    const valueFor = (key: string, pick: number): AnswerValue | null => {
      const q = byKey.get(key)!;
      if (pick === 0) return null;
      switch (q.type) {
        case "yes_no":
          return pick % 2 === 0;
        case "multi_choice":
          return [q.options![pick % q.options!.length]!.value];
        case "single_choice":
          return q.options![pick % q.options!.length]!.value;
        case "coverage":
          return { status: "excluded" };
        case "text":
          return `text ${pick}`;
        default:
          return pick * 100;
      }
    };
    let n = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.constantFrom(...keys), pick: fc.integer({ min: 0, max: 5 }) }), {
          minLength: 1,
          maxLength: 25,
        }),
        (saves) => {
          const vendorId = makeVendor(db, e.id, { name: `Vendor ${++n}` });
          for (const s of saves) {
            const vendor = findVendor(db, vendorId)!;
            const rev = listAnswers(db, vendorId).get(s.key)?.revision ?? 0;
            // Alternately as the autosave route does it: inside a transaction, with the stored progress read there.
            const r =
              s.pick % 2
                ? saveVendorAnswer(db, vendor, e.id, s.key, valueFor(s.key, s.pick), rev, "test", scope)
                : db.transaction(() =>
                    writeVendorAnswer(db, {
                      vendor,
                      evaluationId: e.id,
                      key: s.key,
                      value: valueFor(s.key, s.pick),
                      expectedRevision: rev,
                      actor: "test",
                      scope,
                      progress: storedProgress(db, vendorId),
                    }),
                  )();
            expect(r.ok).toBe(true);
            const values = answerValues(db, vendorId);
            const recount = progressOf(set, e.roles, values);
            expect(storedProgress(db, vendorId)).toEqual(recount);
            if (r.ok) {
              expect(r.progress).toEqual(recount);
              if (r.shown) expect(r.shown).toEqual(shownMap(set, values));
              if (s.key === "cfo_value_claim" && r.changed) expect(r.shown).toEqual(shownMap(set, values));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("stillEditable: the check a batched autosave repeats inside its transaction", () => {
  it("is false once the link is revoked or expired, the vendor submitted or declined, or the evaluation closed", async () => {
    const { db, config } = makeDb();
    const { createLink } = await import("../../src/vendors/links.js");
    const { stillEditable } = await import("../../src/portal/access.js");
    const e = makeEvaluation(db, null);
    db.prepare("UPDATE evaluations SET status = 'open' WHERE id = ?").run(e);
    const fresh = () => {
      const v = makeVendor(db, e, { name: `V${Math.random()}` });
      return {
        v,
        link: createLink(db, config.sessionSecret, {
          vendorId: v,
          role: null,
          holderName: "H",
          holderEmail: "h@x.example",
          expiresAt: "2100-01-01T00:00:00.000Z",
        }).id,
      };
    };
    const a = fresh();
    expect(stillEditable(db, a.link)).toEqual({ progress: {} });
    db.prepare("UPDATE vendor_links SET revoked_at = '2026-01-01T00:00:00.000Z' WHERE id = ?").run(a.link);
    expect(stillEditable(db, a.link)).toBeUndefined();
    const b = fresh();
    db.prepare("UPDATE vendor_links SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").run(b.link);
    expect(stillEditable(db, b.link)).toBeUndefined();
    for (const status of ["submitted", "declined"]) {
      const c = fresh();
      db.prepare("UPDATE vendors SET status = ? WHERE id = ?").run(status, c.v);
      expect(stillEditable(db, c.link)).toBeUndefined();
    }
    const d = fresh();
    db.prepare("UPDATE evaluations SET status = 'closed' WHERE id = ?").run(e);
    expect(stillEditable(db, d.link)).toBeUndefined();
    expect(stillEditable(db, 999_999)).toBeUndefined();
  });
});
