import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BundleError, parseBundle } from "../../src/bundles/import.js";
import { ROOT } from "../../src/paths.js";
import { parseQuestionSet, QuestionSetError } from "../../src/questions/loader.js";
import { createHttpServer } from "../../src/web/http-server.js";
import { buildSharedApp } from "../helpers.js";
import { makeEvaluation, makeUser, PASSWORD } from "../factories.js";
import { VendorClient } from "../faults/child.js";
import { invitedVendor } from "../portal/helpers.js";
import { csrfOf } from "../html.js";

const RUNS = 1000;
const ctx = buildSharedApp({ LINK_FAILURES_PER_10_MIN: "100000" });
let base = "";
let close: () => Promise<void>;
let buyer: VendorClient;
let vendor: VendorClient;
const ids = { e: 0, v: 0, link: 0, clar: 0, vendorClar: 0 };

/** Strings people and attackers send: control characters, huge text, Unicode edge cases, markup, SQL. */
const nasty = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "<script>alert(1)</script>",
      '"><img src=x onerror=alert(1)>',
      "' OR 1=1 --",
      "'; DROP TABLE answers; --",
      "\u0000\u0001\u001f",
      "../../../etc/passwd",
      "NaN",
      "-1",
      "1e308",
      "0x10",
      "",
      " ",
      "   \n\t",
      "\u202e\u200b\ufeff",
      "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🤖👩🏽‍💻",
      "999999999999999999999",
      "2027-02-30",
      "included",
      "yes",
      "true",
      "EUR",
      "production",
      "cto",
    ),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 3000, maxLength: 12000 }) },
);
const value = fc.oneof({ weight: 6, arbitrary: nasty }, { weight: 1, arbitrary: fc.array(nasty, { maxLength: 3 }) });

function body(fields: string[]) {
  return fc
    .tuple(
      fc.dictionary(fc.constantFrom(...fields), value, { maxKeys: fields.length }),
      fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 2 }),
    )
    .map(([known, extra]) => ({ ...extra, ...known }));
}

function encode(fields: Record<string, string | string[]>, csrf: string): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  p.set("_csrf", csrf);
  return p.toString();
}

function answersHash(): string {
  return createHash("sha256")
    .update(
      JSON.stringify(
        ctx.db.prepare("SELECT vendor_id, question_key, value, revision FROM answers ORDER BY 1, 2").all(),
      ),
    )
    .digest("hex");
}

beforeAll(async () => {
  const server = createHttpServer(ctx.app).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
  (ctx.config as { baseUrl: string }).baseUrl = base;
  const admin = await makeUser(ctx.db, "admin");
  ids.e = makeEvaluation(ctx.db, admin.id);
  const iv = await invitedVendor(ctx.db, ctx.config, { evaluationId: ids.e });
  ids.v = iv.vendorId;
  ids.link = ctx.db
    .prepare("SELECT id FROM vendor_links WHERE vendor_id = ? AND revoked_at IS NULL")
    .pluck()
    .get(ids.v) as number;
  ids.clar = Number(
    ctx.db
      .prepare("INSERT INTO clarifications (vendor_id, question_key, visibility) VALUES (?, 'cto_controls', 'vendor')")
      .run(ids.v).lastInsertRowid,
  );
  ctx.db
    .prepare(
      "INSERT INTO clarification_messages (clarification_id, author_kind, author_name, body) VALUES (?, 'buyer', 'B', 'Why?')",
    )
    .run(ids.clar);
  buyer = new VendorClient(base);
  const login = await (await buyer.request("/login")).text();
  await buyer.request("/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: encode({ email: admin.email, password: PASSWORD }, csrfOf(login)),
  });
  buyer.csrf = csrfOf(await (await buyer.request("/evaluations")).text());
  vendor = new VendorClient(base);
  await vendor.open(iv.path, "cto");
}, 60_000);
afterAll(async () => close?.());

const BUYER_FORMS: [string, string[], boolean][] = [
  [
    "/evaluations",
    [
      "title",
      "description",
      "questionSetId",
      "roles",
      "tier",
      "horizonYears",
      "currency",
      "dayRate",
      "valueEstimate",
      "dueDate",
      "sensitivityPercent",
      "a_monitoring_days",
      "a_partial_share",
      "action",
    ],
    false,
  ],
  [
    "/evaluations/:e/edit",
    [
      "title",
      "description",
      "questionSetId",
      "roles",
      "tier",
      "horizonYears",
      "currency",
      "dayRate",
      "valueEstimate",
      "dueDate",
      "sensitivityPercent",
      "a_monitoring_days",
      "reset",
      "action",
    ],
    false,
  ],
  ["/evaluations/:e/vendors", ["name", "contactName", "contactEmail", "invite"], false],
  ["/evaluations/:e/vendors/:v/clarifications", ["questionKey", "visibility", "body"], false],
  ["/evaluations/:e/clarifications/:c/reply", ["body"], false],
  ["/evaluations/:e/vendors/:v/reopen", ["reason"], false],
  ["/evaluations/:e/links/:l/extend", ["days"], false],
  ["/evaluations/:e/members", ["email"], false],
  ["/evaluations/:e/comments", ["body"], false],
  ["/evaluations/:e/decisions", ["outcome", "vendorId", "conditions", "reason"], false],
  ["/admin/users", ["name", "email", "role", "committeeRole"], false],
];
const VENDOR_FORMS: [string, string[], boolean][] = [
  [
    "/portal/sections/cto",
    [
      "q_cto_vendor_share",
      "rev_cto_vendor_share",
      "q_cto_controls",
      "p_cto_controls",
      "rev_cto_controls",
      "q_cto_portability",
      "rev_cto_portability",
      "q_cto_production_readiness",
    ],
    true,
  ],
  ["/portal/delegations", ["role", "name", "email"], false],
  ["/portal/clarifications/:vc/reply", ["body"], false],
];
const fill = (p: string) =>
  p
    .replace(":e", String(ids.e))
    .replace(":v", String(ids.v))
    .replace(":l", String(ids.link))
    .replace(":c", String(ids.clar))
    .replace(":vc", String(ids.clar));

/** A refusal names its field: next to the field on a re-rendered form, or as "Label: message" on the error page. */
function namesField(html: string): boolean {
  return (
    /class="error"|aria-invalid="true"|<p class="lead">[^<]{1,200}: /.test(html) ||
    /Some answers were not saved|Someone else changed/.test(html)
  );
}

describe("hostile input never causes a 5xx, and every refusal names the field", () => {
  for (const [route, fields, changesAnswers] of [
    ...BUYER_FORMS.map((f) => [...f, "buyer"] as const),
    ...VENDOR_FORMS.map((f) => [...f, "vendor"] as const),
  ]) {
    it(`POST ${route} with ${RUNS} generated bodies`, async () => {
      const client = (route.startsWith("/portal") ? vendor : buyer)!;
      const before = answersHash();
      await fc.assert(
        fc.asyncProperty(body(fields), async (fieldsValue) => {
          const res = await client.request(fill(route), {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: encode(fieldsValue as Record<string, string | string[]>, client.csrf),
          });
          const text = await res.text();
          expect(res.status, text.slice(0, 300)).toBeLessThan(500);
          if (res.status === 400 || res.status === 409) expect(namesField(text), text.slice(0, 2000)).toBe(true);
          expect(text).not.toMatch(/<script>alert\(1\)<\/script>|<img src=x onerror/);
        }),
        { numRuns: RUNS },
      );
      if (!changesAnswers) expect(answersHash()).toBe(before);
    }, 240_000);
  }

  it(`POST /portal/answers/:key (autosave JSON) with ${RUNS} generated bodies`, async () => {
    const keys = [
      "cto_vendor_share",
      "cto_controls",
      "cto_portability",
      "cfo_licence",
      "proc_vendor_assets",
      "cfo_value_claim",
      "nope",
      "../x",
      "cto_controls%00",
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 3 }), async (key, json) => {
        const res = await vendor!.request(`/portal/answers/${encodeURIComponent(key)}`, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": vendor!.csrf },
          body: JSON.stringify(json),
        });
        expect(res.status).toBeLessThan(500);
        if (res.status === 400 || res.status === 422)
          expect(
            Object.keys(((await res.json()) as { error: { fields?: object } }).error.fields ?? {}),
          ).not.toHaveLength(0);
      }),
      { numRuns: RUNS },
    );
  }, 240_000);

  it(`POST evidence uploads with ${RUNS} generated files and names`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        nasty,
        fc.constantFrom("cto_controls", "cto_verification", "cto_portability"),
        async (bytes, name, key) => {
          const form = new FormData();
          form.set("_csrf", vendor!.csrf);
          form.set("file", new Blob([bytes]), name.length ? name.slice(0, 300) : "x");
          const res = await vendor!.request(`/portal/questions/${key}/files`, { method: "POST", body: form });
          const text = await res.text();
          expect(res.status, text.slice(0, 300)).toBeLessThan(500);
          if (res.status === 400 || res.status === 413) expect(text).toContain("Evidence file:");
        },
      ),
      { numRuns: RUNS },
    );
    for (const n of ctx.db.prepare("SELECT original_name FROM attachments").pluck().all() as string[])
      expect(n).not.toMatch(/[/\\\u0000-\u001f]/);
  }, 240_000);
});

describe("hostile files never crash the loaders", () => {
  const demo = readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8");
  const yaml = readFileSync(join(ROOT, "questions", "ai-production.yaml"), "utf8");

  /** Replaces the value at a random path of a JSON-like document. */
  const mutate = (doc: unknown, pathPick: number[], replacement: unknown): unknown => {
    const copy = structuredClone(doc) as Record<string, unknown>;
    let node: Record<string, unknown> = copy;
    for (const pick of pathPick) {
      const keys = Object.keys(node);
      if (!keys.length) break;
      const k = keys[pick % keys.length]!;
      if (node[k] !== null && typeof node[k] === "object" && pick % 3 !== 0) node = node[k] as Record<string, unknown>;
      else {
        node[k] = replacement;
        return copy;
      }
    }
    return copy;
  };

  it(`refuses ${RUNS} mutated bundles with a JSON path and a reason, writing nothing`, () => {
    const before = ctx.db.prepare("SELECT count(*) FROM evaluations").pluck().get();
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), nasty),
        fc.boolean(),
        (path, replacement, raw) => {
          const text = raw
            ? typeof replacement === "string"
              ? replacement
              : JSON.stringify(replacement)
            : JSON.stringify(mutate(JSON.parse(demo), path, replacement));
          try {
            parseBundle(ctx.db, text);
          } catch (err) {
            expect(err).toBeInstanceOf(BundleError);
            for (const p of (err as BundleError).problems) expect(p.path.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: RUNS },
    );
    expect(ctx.db.prepare("SELECT count(*) FROM evaluations").pluck().get()).toBe(before);
  });

  it(`refuses ${RUNS} mutated question sets with the path inside the file`, () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 7 }),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), nasty),
        fc.boolean(),
        (path, replacement, raw) => {
          const text = raw
            ? typeof replacement === "string"
              ? replacement
              : JSON.stringify(replacement)
            : stringify(mutate(parse(yaml), path, replacement));
          try {
            parseQuestionSet(text, "fuzz.yaml");
          } catch (err) {
            expect(err).toBeInstanceOf(QuestionSetError);
            expect((err as QuestionSetError).problems.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: RUNS },
    );
  }, 90_000);
});
