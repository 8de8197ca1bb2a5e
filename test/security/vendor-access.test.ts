import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSharedApp } from "../helpers.js";
import { csrfOf, type Agent } from "../web.js";
import { delegatedPath, invitedVendor, openLink } from "../portal/helpers.js";

type Caller = "anonymous" | "vendorA" | "vendorB" | "colleagueB" | "expired" | "revoked" | "ended";
type Outcome = "ok" | "login" | 400 | 401 | 403 | 404 | 410;
const ctx = buildSharedApp();
const agents = {} as Record<Exclude<Caller, "anonymous">, Agent>;
const tokens = {} as Record<Exclude<Caller, "anonymous">, string>;
const a = { e: 0, file: 0, clar: 0, delegation: 0 };

beforeAll(async () => {
  const { app, db, config } = ctx;
  const A = await invitedVendor(db, config, { name: "Alpha", email: "a@alpha.example" });
  const B = await invitedVendor(db, config, { name: "Beta", email: "b@beta.example" });
  const X = await invitedVendor(db, config, { name: "Expiring", email: "x@x.example" });
  const R = await invitedVendor(db, config, { name: "Revoked", email: "r@r.example" });
  const E = await invitedVendor(db, config, { name: "Ended", email: "e@e.example" });
  a.e = A.evaluationId;
  agents.vendorA = await openLink(app, A.path);
  agents.vendorB = await openLink(app, B.path);
  agents.colleagueB = await openLink(app, delegatedPath(db, config, B.vendorId, "cfo"));
  agents.expired = await openLink(app, X.path);
  agents.revoked = await openLink(app, R.path);
  agents.ended = await openLink(app, E.path);
  for (const [k, g] of Object.entries(agents))
    tokens[k as keyof typeof tokens] = csrfOf(
      (await g.get(k === "colleagueB" ? "/portal/sections/cfo" : "/portal")).text,
    );
  mkdirSync(join(config.dataDir, "uploads"), { recursive: true });
  writeFileSync(join(config.dataDir, "uploads", "x.pdf"), "%PDF-1.4\n%%EOF\n");
  a.file = Number(
    db
      .prepare(
        "INSERT INTO attachments (vendor_id, question_key, original_name, stored_name, mime_type, size_bytes, sha256, uploaded_by) VALUES (?, 'cfo_exit_assistance', 'a.pdf', 'x.pdf', 'application/pdf', 1, 'h', 't')",
      )
      .run(A.vendorId).lastInsertRowid,
  );
  a.clar = Number(
    db
      .prepare("INSERT INTO clarifications (vendor_id, question_key, visibility) VALUES (?, 'cfo_licence', 'vendor')")
      .run(A.vendorId).lastInsertRowid,
  );
  db.prepare(
    "INSERT INTO clarification_messages (clarification_id, author_kind, author_name, body) VALUES (?, 'buyer', 'B', 'Q')",
  ).run(a.clar);
  a.delegation = Number(
    db.prepare("SELECT id FROM vendor_links WHERE vendor_id = ? AND revoked_at IS NULL").pluck().get(A.vendorId),
  );
  db.prepare("UPDATE vendor_links SET expires_at = '2000-01-01T00:00:00.000Z' WHERE vendor_id = ?").run(X.vendorId);
  db.prepare("UPDATE vendor_links SET revoked_at = '2020-01-01' WHERE vendor_id = ?").run(R.vendorId);
  // A session that ended (idle for too long): its cookie names a session that is gone.
  db.prepare("DELETE FROM sessions WHERE vendor_link_id IN (SELECT id FROM vendor_links WHERE vendor_id = ?)").run(
    E.vendorId,
  );
}, 60_000);

/** Outcomes on vendor A's questionnaire and things; "ok" for B means B's own, never A's. */
const TABLE: [string, string, Record<Caller, Outcome>][] = [
  [
    "GET",
    "/portal",
    { anonymous: 410, vendorA: "ok", vendorB: "ok", colleagueB: "ok", expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/portal/sections/cto",
    { anonymous: 410, vendorA: "ok", vendorB: "ok", colleagueB: 404, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/portal/sections/cfo",
    { anonymous: 410, vendorA: "ok", vendorB: "ok", colleagueB: "ok", expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "POST",
    "/portal/answers/cto_vendor_share",
    { anonymous: 403, vendorA: "ok", vendorB: "ok", colleagueB: 404, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "POST",
    "/portal/answers/cfo_price_cap",
    { anonymous: 403, vendorA: "ok", vendorB: "ok", colleagueB: "ok", expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/portal/review",
    { anonymous: 410, vendorA: "ok", vendorB: "ok", colleagueB: 403, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/portal/copy.pdf",
    { anonymous: 410, vendorA: "ok", vendorB: "ok", colleagueB: 403, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/portal/questionnaire.xlsx",
    { anonymous: 410, vendorA: "ok", vendorB: "ok", colleagueB: "ok", expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/portal/answers.json",
    { anonymous: 410, vendorA: "ok", vendorB: "ok", colleagueB: "ok", expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/portal/workbook",
    { anonymous: 410, vendorA: "ok", vendorB: "ok", colleagueB: "ok", expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/portal/files/:file",
    { anonymous: 410, vendorA: "ok", vendorB: 404, colleagueB: 404, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "POST",
    "/portal/files/:file/delete",
    { anonymous: 403, vendorA: "ok", vendorB: 404, colleagueB: 404, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "POST",
    "/portal/clarifications/:clar/reply",
    { anonymous: 403, vendorA: "ok", vendorB: 404, colleagueB: 404, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "POST",
    "/portal/delegations/:delegation/revoke",
    { anonymous: 403, vendorA: 404, vendorB: 404, colleagueB: 403, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "POST",
    "/portal/delegations",
    { anonymous: 403, vendorA: 400, vendorB: 400, colleagueB: 403, expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "POST",
    "/portal/hand-back",
    { anonymous: 403, vendorA: 403, vendorB: 403, colleagueB: "ok", expired: 410, revoked: 410, ended: 401 },
  ],
  [
    "GET",
    "/evaluations/:e",
    {
      anonymous: "login",
      vendorA: "login",
      vendorB: "login",
      colleagueB: "login",
      expired: "login",
      revoked: "login",
      ended: "login",
    },
  ],
  [
    "GET",
    "/api/evaluations/:e/model",
    { anonymous: 401, vendorA: 401, vendorB: 401, colleagueB: 401, expired: 401, revoked: 401, ended: 401 },
  ],
];

const fill = (p: string) =>
  p
    .replace(":e", String(a.e))
    .replace(":file", String(a.file))
    .replace(":clar", String(a.clar))
    .replace(":delegation", String(a.delegation));

describe("who may do what (vendor side)", () => {
  for (const [method, route, expected] of TABLE) {
    for (const caller of Object.keys(expected) as Caller[]) {
      it(`${method} ${route} as ${caller} → ${expected[caller]}`, async () => {
        const agent = caller === "anonymous" ? request.agent(ctx.app) : agents[caller];
        const path = fill(route);
        const token = caller === "anonymous" ? "" : tokens[caller];
        const res =
          method === "GET"
            ? await agent.get(path).set("Accept", path.startsWith("/api") ? "application/json" : "text/html")
            : path.startsWith("/portal/answers/")
              ? await agent
                  .post(path)
                  .set("x-csrf-token", token)
                  .set("Accept", "application/json")
                  .send({ q: "5", revision: 0 })
              : await agent.post(path).type("form").send({ _csrf: token, body: "A reply" });
        const want = expected[caller];
        const text = (res.text ?? "").slice(0, 200);
        if (want === "ok") {
          expect([200, 303, 409], text).toContain(res.status);
          // Markup the templates print must not come out escaped (an attribute written with <%= instead of <%-).
          expect(res.text ?? "", "markup printed escaped").not.toMatch(/[a-z]=&#34;/);
        } else if (want === "login") expect(res.status).toBe(303);
        else expect(res.status, text).toBe(want);
      });
    }
  }
});
