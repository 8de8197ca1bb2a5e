import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { buildSharedApp } from "../helpers.js";
import { makeEvaluation, makeUser, makeVendor, importDemo } from "../factories.js";
import { signIn, type Agent } from "../web.js";
import { declaredRoutes } from "./routes.js";
import { createDraft } from "../../src/library/repo.js";
import { blankSet } from "../../src/library/editor.js";
import { latestQuestionSets } from "../../src/questions/repo.js";
import { inviteVendor } from "../../src/vendors/invitations.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { findVendor } from "../../src/vendors/repo.js";
import { findUser } from "../../src/auth/users.js";
import { csrfOf } from "../html.js";

type Caller = "anonymous" | "admin" | "buyer" | "otherBuyer" | "committee";
// Expected outcome per caller: ok = 2xx/3xx success, login = sent to sign in, 401, 403, 404 (not found: another's evaluation is invisible).
type Outcome = "ok" | "login" | 401 | 403 | 404;

const ctx = buildSharedApp();
let agents: Record<Exclude<Caller, "anonymous">, Agent>;
let e: number, v: number, link: number, clar: number, draft: number, spare: number, setId: number;

beforeAll(async () => {
  const { db, config, app } = ctx;
  const admin = await makeUser(db, "admin");
  const buyer = await makeUser(db, "buyer");
  const other = await makeUser(db, "buyer");
  const committee = await makeUser(db, "committee");
  e = makeEvaluation(db, buyer.id);
  db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(e, committee.id);
  makeEvaluation(db, other.id, { title: "Someone else's" });
  importDemo(db);
  draft = createDraft(db, blankSet(), null, admin.id);
  spare = createDraft(db, blankSet(), null, admin.id);
  setId = latestQuestionSets(db)[0]!.id;
  v = makeVendor(db, e);
  link = inviteVendor(db, config, findEvaluation(db, e)!, findVendor(db, v)!, findUser(db, buyer.id)!).linkId;
  clar = Number(
    db
      .prepare(
        "INSERT INTO clarifications (vendor_id, question_key, visibility, created_by) VALUES (?, 'cto_controls', 'vendor', ?)",
      )
      .run(v, buyer.id).lastInsertRowid,
  );
  db.prepare(
    "INSERT INTO clarification_messages (clarification_id, author_kind, author_name, body) VALUES (?, 'buyer', 'B', 'Why?')",
  ).run(clar);
  agents = {
    admin: await signIn(app, admin.email),
    buyer: await signIn(app, buyer.email),
    otherBuyer: await signIn(app, other.email),
    committee: await signIn(app, committee.email),
  };
});

/** The access table (docs/security.md holds the same): route → outcome for anonymous, admin, buyer (member), other buyer, committee (member). */
const TABLE: [string, string, Record<Caller, Outcome>][] = [
  ["GET", "/evaluations", { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: "ok", committee: "ok" }],
  ["GET", "/evaluations/new", { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: "ok", committee: 403 }],
  ["GET", "/evaluations/:e", { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" }],
  ["GET", "/evaluations/:e/edit", { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: 403 }],
  [
    "GET",
    "/evaluations/:e/vendors/:v",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  [
    "GET",
    "/evaluations/:e/vendors/:v/questions/cto_controls",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  ["GET", "/evaluations/:e/audit", { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" }],
  [
    "GET",
    "/evaluations/:e/frameworks",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  [
    "GET",
    "/evaluations/:e/comparison",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  [
    "GET",
    "/evaluations/:e/comparison.csv",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  ["POST", "/evaluations/:e/reports", { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" }],
  [
    "GET",
    "/evaluations/:e/vendors/:v/workbook.xlsx",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: 403 },
  ],
  [
    "GET",
    "/evaluations/:e/vendors/:v/workbook",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: 403 },
  ],
  [
    "GET",
    "/evaluations/:e/answers.xlsx",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  [
    "GET",
    "/evaluations/:e/funding-plan.csv",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  [
    "GET",
    "/evaluations/:e/funding-request.pdf?vendor=:v",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  [
    "GET",
    "/evaluations/:e/vendors/:v/negotiation-brief.pdf",
    { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  [
    "POST",
    "/evaluations/:e/tranches",
    { anonymous: 401, admin: 400, buyer: 403, otherBuyer: 404, committee: 400 } as never,
  ],
  [
    "POST",
    "/evaluations/:e/vendors/:v/rounds",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 403 } as never,
  ],
  ["GET", "/api/evaluations/:e/plan", { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" }],
  [
    "GET",
    "/api/evaluations/:e/vendors/:v/asks",
    { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  // A report's progress page exists only for the job a request started: any other id is not found, whoever asks.
  [
    "GET",
    "/evaluations/:e/reports/jobs/:j",
    { anonymous: "login", admin: 404, buyer: 404, otherBuyer: 404, committee: 404 },
  ],
  [
    "POST",
    "/evaluations/:e/comments",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 400 } as never,
  ],
  [
    "POST",
    "/evaluations/:e/decisions",
    { anonymous: 401, admin: 400, buyer: 403, otherBuyer: 404, committee: 400 } as never,
  ],
  ["GET", "/outbox", { anonymous: "login", admin: "ok", buyer: "ok", otherBuyer: "ok", committee: 403 }],
  ["GET", "/admin/users", { anonymous: "login", admin: "ok", buyer: 403, otherBuyer: 403, committee: 403 }],
  ["GET", "/api/evaluations", { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: "ok", committee: "ok" }],
  ["GET", "/api/evaluations/:e", { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" }],
  ["GET", "/api/evaluations/:e/model", { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" }],
  [
    "GET",
    "/api/evaluations/:e/vendors/:v/answers",
    { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: "ok" },
  ],
  ["POST", "/evaluations", { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 400, committee: 403 } as never],
  [
    "POST",
    "/evaluations/:e/edit",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 403 } as never,
  ],
  [
    "POST",
    "/evaluations/:e/status",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 403 } as never,
  ],
  [
    "POST",
    "/evaluations/:e/vendors",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 403 } as never,
  ],
  [
    "POST",
    "/evaluations/:e/vendors/:v/invite",
    { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: 403 },
  ],
  [
    "POST",
    "/evaluations/:e/vendors/:v/remind",
    { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: 403 },
  ],
  [
    "POST",
    "/evaluations/:e/links/:l/extend",
    { anonymous: 401, admin: "ok", buyer: "ok", otherBuyer: 404, committee: 403 },
  ],
  [
    "POST",
    "/evaluations/:e/vendors/:v/clarifications",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 403 } as never,
  ],
  [
    "POST",
    "/evaluations/:e/clarifications/:c/reply",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 403 } as never,
  ],
  [
    "POST",
    "/evaluations/:e/vendors/:v/reopen",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 403 } as never,
  ],
  [
    "POST",
    "/evaluations/:e/members",
    { anonymous: 401, admin: 400, buyer: 400, otherBuyer: 404, committee: 403 } as never,
  ],
  ["POST", "/admin/users", { anonymous: 401, admin: 400, buyer: 403, otherBuyer: 403, committee: 403 } as never],
  // The question library: administrators only.
  ...(
    [
      ["GET", "/library", "ok"],
      ["GET", "/library/template.csv", "ok"],
      ["POST", "/library/drafts", "ok"],
      ["POST", "/library/import", 400],
      ["GET", "/library/drafts/:d", "ok"],
      ["POST", "/library/drafts/:d/set", "ok"],
      ["GET", "/library/drafts/:d/placement", "ok"],
      ["POST", "/library/drafts/:d/placement", "ok"],
      ["POST", "/library/drafts/:d/sections", 400],
      ["GET", "/library/drafts/:d/sections/:role", "ok"],
      ["POST", "/library/drafts/:d/sections/:role", 422],
      ["POST", "/library/drafts/:d/sections/:role/delete", 400],
      ["POST", "/library/drafts/:d/questions", 400],
      ["GET", "/library/drafts/:d/questions/:role/:n", "ok"],
      ["POST", "/library/drafts/:d/questions/:role/:n", 422],
      ["POST", "/library/drafts/:d/questions/:role/:n/move", 400],
      ["POST", "/library/drafts/:d/questions/:role/:n/delete", 400],
      ["POST", "/library/drafts/:d/assumptions", "ok"],
      ["GET", "/library/drafts/:d/assumptions/:n", "ok"],
      ["POST", "/library/drafts/:d/assumptions/:n", 422],
      ["POST", "/library/drafts/:d/assumptions/:n/delete", "ok"],
      ["GET", "/library/drafts/:d/preview/:role", "ok"],
      ["POST", "/library/drafts/:d/preview/:role", "ok"],
      ["POST", "/library/drafts/:d/publish", 422],
      ["POST", "/library/drafts/:x/delete", "ok"],
      ["GET", "/library/sets/:s", "ok"],
      ["GET", "/library/sets/:s/export.yaml", "ok"],
      ["GET", "/library/sets/:s/diff?against=:s", "ok"],
    ] as const
  ).map(
    ([m, r, admin]) =>
      [m, r, { anonymous: m === "GET" ? "login" : 401, admin, buyer: 403, otherBuyer: 403, committee: 403 }] as never,
  ),
];

const fill = (p: string) =>
  p
    .replace(":e", String(e))
    .replace(":v", String(v))
    .replace(":l", String(link))
    .replace(":c", String(clar))
    .replace(":j", "00000000-0000-4000-8000-000000000000")
    .replace(":d", String(draft))
    .replace(":x", String(spare))
    .replace(/:s/g, String(setId))
    .replace(":role", "cto")
    .replace(":n", "0");

async function call(caller: Caller, method: string, path: string) {
  const agent = caller === "anonymous" ? request.agent(ctx.app) : agents[caller];
  if (method === "GET")
    return agent.get(path).set("Accept", path.startsWith("/api/") ? "application/json" : "text/html");
  const page = await agent.get(caller === "anonymous" ? "/login" : "/evaluations");
  const token = csrfOf(page.text);
  // An empty form: allowed callers get a validation answer (400), the rest are refused before validation.
  return agent.post(path).type("form").send({ _csrf: token, days: "7" });
}

describe("who may do what (buyer side)", () => {
  for (const [method, route, expected] of TABLE) {
    for (const caller of Object.keys(expected) as Caller[]) {
      it(`${method} ${route} as ${caller} → ${expected[caller]}`, async () => {
        const res = await call(caller, method, fill(route));
        const want = expected[caller];
        if (want === "ok") {
          expect(res.status, (res.text ?? "").slice(0, 300)).toBeLessThan(400);
          // Markup the templates print must not come out escaped (an attribute written with <%= instead of <%-).
          if (/html/.test(String(res.headers["content-type"])))
            expect(res.text, `${method} ${route}`).not.toMatch(/[a-z]=&#34;/);
        } else if (want === "login")
          expect([res.status, res.headers.location]).toEqual([303, `/login?next=${encodeURIComponent(fill(route))}`]);
        else expect(res.status, res.text.slice(0, 300)).toBe(want);
      });
    }
  }

  it("covers every buyer-side route the app declares", () => {
    const covered = new Set(
      TABLE.map(
        ([m, r]) =>
          `${m} ${r.replace(/\?.*$/, "").replace(":e", ":id").replace(":v", ":vid").replace(":l", ":lid").replace(":c", ":cid").replace(":j", ":job").replace("cto_controls", ":key").replace(":x", ":d").replace(":s", ":id")}`,
      ),
    );
    const buyerSide = declaredRoutes(ctx.app).filter((r) =>
      /^(GET|POST) \/(evaluations|outbox|admin|api|library)/.test(r),
    );
    const missing = buyerSide.filter(
      (r) =>
        !covered.has(r) &&
        !/\/:action$|attachments|\/retry$|\/:aid|tokens|\/:rid$|\/:did\/sign$|\/workbook(\/:pid\/apply)?$/.test(r),
    );
    expect(missing).toEqual([]);
  });
});
