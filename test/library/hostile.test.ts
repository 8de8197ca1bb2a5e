import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ASSUMPTION_FIELDS, questionFields, SECTION_FIELDS, SET_FIELDS } from "../../src/library/fields.js";
import { findDraft } from "../../src/library/repo.js";
import { latestQuestionSets } from "../../src/questions/repo.js";
import { makeUser } from "../factories.js";
import { buildTestApp } from "../helpers.js";
import { csrfOf } from "../html.js";
import { signIn } from "../web.js";

const RUNS = 150;

/** What people and attackers type into an editor's field. */
const typed = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(
    "",
    "NaN",
    "1e309",
    "-0",
    "yes",
    "coverage",
    "money",
    "support",
    "governance_share",
    "cto",
    "ceo",
    "a: A\nb",
    "nist_ai_rmf: MEASURE 2.7, MAP 9.9",
    "governance_deferred high below pilot=1 production=x",
    "soc2 | SOC 2 | CC6.1",
    "<script>alert(1)</script>",
    "x".repeat(5000),
  ),
);

describe("the editor never answers a hostile form with a 5xx, and never loses the draft", () => {
  it(`takes ${RUNS} generated bodies on each form`, async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const agent = await signIn(app, admin.email);
    const index = await agent.get("/library");
    const csrf = csrfOf(index.text);
    const base = latestQuestionSets(db).find((s) => s.setKey === "ai_production")!;
    const started = await agent
      .post("/library/drafts")
      .type("form")
      .send({ _csrf: csrf, from: String(base.id) });
    const draft = started.headers.location as string;
    const id = Number(draft.split("/").pop());
    const raw = findDraft(db, id)!.content;
    const forms: [string, string[]][] = [
      [`${draft}/questions/cto/1`, questionFields(raw).map((f) => f.name)],
      [`${draft}/assumptions/2`, ASSUMPTION_FIELDS.map((f) => f.name)],
      [`${draft}/sections/cfo`, SECTION_FIELDS.map((f) => f.name)],
      [`${draft}/set`, SET_FIELDS.map((f) => f.name)],
      [`${draft}/preview/cto`, ["q_cto_monitoring", "p_cto_monitoring", "q_cto_vendor_share", "nk_cto_hardening"]],
      [`${draft}/questions/cto/1/move`, ["dir"]],
    ];
    for (const [url, names] of forms) {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.constantFrom(...names, "rev", "role", "x[y]"),
            fc.oneof(typed, fc.array(typed, { maxLength: 3 })),
          ),
          async (body) => {
            const res = await agent
              .post(url)
              .type("form")
              .send({ ...body, _csrf: csrf });
            expect(res.status, `${url}: ${res.text.slice(0, 300)}`).toBeLessThan(500);
            expect(res.text).not.toContain("<script>alert(1)</script>");
            // The draft is still there and still reads as a set with its sections.
            expect(findDraft(db, id)?.content.sections.length).toBeGreaterThan(0);
          },
        ),
        { numRuns: RUNS },
      );
    }
  }, 240_000);
});
