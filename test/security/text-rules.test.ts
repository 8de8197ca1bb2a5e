import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BundleVendorSchema } from "../../src/bundles/schema.js";
import { textProblem } from "../../src/text.js";
import { VendorFormSchema } from "../../src/vendors/schema.js";
import { buildTestApp } from "../helpers.js";
import { makeEvaluation, makeUser } from "../factories.js";
import { fieldError, signIn } from "../web.js";
import { csrfOf } from "../html.js";

const hostile = fc.oneof(
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(
    "Acme\u202eIA",
    "A\u2066B\u2069",
    "Nul\u0000",
    "Bell\u0007",
    "\ud800x",
    "x\udfff",
    "Ok — Müller & Søn",
    "株式会社未来知能",
    "שלום עולם",
    "مرحبا",
    "Tab\tname",
    "Line\nbreak",
    "\u0085x",
    "\ufdd0",
    "👩🏽‍💻 team",
  ),
);

/** The message of the first issue a schema gives for the field, or null. */
function issueOf(
  schema: {
    safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  input: object,
  field: string,
): string | null {
  const r = schema.safeParse(input);
  return r.success ? null : (r.error!.issues.find((i) => i.path[0] === field)?.message ?? null);
}

describe("one rule for names and texts, whether typed in a form or imported in a bundle", () => {
  it("refuses exactly the same names for the same reason in the vendor form and in a bundle", () => {
    fc.assert(
      fc.property(hostile, (name) => {
        const padded = `Vendor ${name}`;
        const form = issueOf(
          VendorFormSchema,
          { name: padded, contactName: "C", contactEmail: "c@x.example", invite: "" },
          "name",
        );
        const bundle = issueOf(
          BundleVendorSchema,
          { name: padded, contactName: "C", contactEmail: "c@x.example" },
          "name",
        );
        const problem = textProblem(padded.trim(), false);
        if (problem) {
          expect(form).toMatch(/^[A-Z]/);
          expect(form).toBe(bundle);
        } else if (padded.trim().length <= 200) {
          expect(form).toBeNull();
          expect(bundle).toBeNull();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("shows the refusal next to the field on the form, keeping what was typed", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const e = makeEvaluation(db, buyer.id);
    const agent = await signIn(app, buyer.email);
    const page = await agent.get(`/evaluations/${e}`);
    const res = await agent
      .post(`/evaluations/${e}/vendors`)
      .type("form")
      .send({
        _csrf: csrfOf(page.text),
        name: "Acme \u202eIA",
        contactName: "Casey",
        contactEmail: "casey@acme.example",
      });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, "name")).toBe(
      "Contains a right-to-left override (U+202E, invisible) at position 6: remove it",
    );
    expect(res.text).toContain('value="casey@acme.example"');
    expect(db.prepare("SELECT count(*) FROM vendors").pluck().get()).toBe(0);
  });
});
