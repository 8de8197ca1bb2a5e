import { load } from "cheerio";
import { describe, expect, it } from "vitest";
import { hashPassword } from "../../src/crypto.js";
import { insertUser, findUserByEmail, setDisabled } from "../../src/auth/users.js";
import type { Db } from "../../src/db/index.js";
import { listOutbox, renderBody } from "../../src/mail/outbox.js";
import { buildTestApp } from "../helpers.js";
import { makeUser, PASSWORD } from "../factories.js";
import { Browser, CLIENT_ID, CLIENT_SECRET, listenLocal, startProvider } from "./oidc.js";

const ROLE_MAP = "tc-admins=admin, tc-buyers=buyer, tc-finance=committee:cfo, tc-product=committee:product";

/** Truecost listening on 127.0.0.1 with SSO against a real provider on 127.0.0.1. */
async function setup(env: Record<string, string> = {}) {
  const served = await listenLocal();
  const op = await startProvider(served.url);
  const ctx = buildTestApp({
    BASE_URL: served.url,
    OIDC_ISSUER: op.issuer,
    OIDC_CLIENT_ID: CLIENT_ID,
    OIDC_CLIENT_SECRET: CLIENT_SECRET,
    OIDC_ROLE_MAP: ROLE_MAP,
    OIDC_SCOPES: "openid email profile groups",
    OIDC_BUTTON_LABEL: "Sign in with Acme ID",
    ...env,
  });
  served.handle(ctx.app);
  return { ...ctx, op, url: served.url, browser: new Browser() };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** The page's main text, whitespace collapsed. */
const mainText = (html: string) => load(html)("main").text().replace(/\s+/g, " ").trim();
const heading = (html: string) => load(html)("h1").first().text().trim();

/** The audit entries of an action, newest last, with their details. */
function audited(db: Db, action: string): Record<string, unknown>[] {
  return (
    db.prepare("SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id").all(action) as {
      actor: string;
      detail: string;
    }[]
  ).map((r) => ({ actor: r.actor, ...JSON.parse(r.detail) }));
}

/** Signs in through the provider from the sign-in page's button, in a new browser (now `t.browser`); returns where it ends. */
async function ssoSignIn(t: Setup, account: string, next?: string) {
  t.browser = new Browser();
  t.op.signInAs(account);
  const login = await t.browser.go(`${t.url}/login${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  const button = load(login.text)("a.button").filter((_i, a) => load(a).text() === "Sign in with Acme ID");
  expect(button.length).toBe(1);
  return t.browser.go(new URL(button.attr("href")!, t.url).href);
}

/** The address the provider sends the browser back to, not yet opened. */
async function callbackOf(t: Setup, account: string): Promise<URL> {
  t.op.signInAs(account);
  return new URL(await t.browser.goUntil(`${t.url}/login/sso`, `${t.url}/login/sso/callback`));
}

describe("single sign-on over OpenID Connect", () => {
  it("creates the account at the first sign-in with the mapped role, and applies role changes at each sign-in", async () => {
    const t = await setup();
    t.op.addAccount("alice-sub", {
      email: "Alice@Acme.example",
      email_verified: true,
      name: "Alice Archer",
      groups: ["staff", "tc-buyers"],
    });
    const first = await ssoSignIn(t, "alice-sub");
    expect(first.url).toBe(`${t.url}/evaluations`);
    expect(heading(first.text)).toBe("Evaluations");
    expect(mainText(first.text) + load(first.text)("header").text()).toContain("Alice Archer · buyer");
    const alice = findUserByEmail(t.db, "alice@acme.example")!;
    expect(alice).toMatchObject({ role: "buyer", committeeRole: null, ssoSubject: "alice-sub", passwordHash: null });
    expect(audited(t.db, "user.created_by_sso")).toEqual([
      expect.objectContaining({ email: "alice@acme.example", role: "buyer", subject: "alice-sub" }),
    ]);
    expect(audited(t.db, "user.sso_signed_in")).toHaveLength(1);
    const session = t.db
      .prepare("SELECT expires_at, created_at, sso_id_token FROM sessions WHERE user_id = ?")
      .get(alice.id) as { expires_at: string; created_at: string; sso_id_token: string };
    // The same session lifetime as a password sign-in (SESSION_MAX_HOURS, 12 by default).
    expect(Date.parse(session.expires_at) - Date.parse(session.created_at)).toBe(12 * 3600_000);
    expect(session.sso_id_token.split(".")).toHaveLength(3);

    // Moved to the finance group at the provider: a committee member for the CFO seat at the next sign-in.
    t.op.addAccount("alice-sub", {
      email: "alice@acme.example",
      email_verified: true,
      name: "Alice Archer",
      groups: ["tc-finance"],
    });
    const second = await ssoSignIn(t, "alice-sub");
    expect(load(second.text)("header").text()).toContain("Alice Archer · committee");
    expect(findUserByEmail(t.db, "alice@acme.example")).toMatchObject({ role: "committee", committeeRole: "cfo" });
    expect(audited(t.db, "user.role_changed").at(-1)).toMatchObject({
      by: "sso",
      from: { role: "buyer" },
      to: { role: "committee", committeeRole: "cfo" },
    });

    // In several mapped groups, the strongest role wins; and `next` is kept through the provider.
    t.op.addAccount("alice-sub", {
      email: "alice@acme.example",
      email_verified: true,
      groups: ["tc-finance", "tc-admins", "tc-buyers"],
    });
    const third = await ssoSignIn(t, "alice-sub", "/admin/users");
    expect(third.url).toBe(`${t.url}/admin/users`);
    expect(heading(third.text)).toBe("Users");
    expect(findUserByEmail(t.db, "alice@acme.example")).toMatchObject({ role: "admin", committeeRole: null });
    expect(t.db.prepare("SELECT count(*) FROM users").pluck().get()).toBe(1);
  });

  it("links an existing account by its email once, then by the provider's subject", async () => {
    const t = await setup();
    const bob = await makeUser(t.db, "buyer", { email: "bob@acme.example", name: "Bob" });
    t.op.addAccount("bob-sub", { email: "bob@acme.example", email_verified: true, groups: ["tc-buyers"] });
    expect((await ssoSignIn(t, "bob-sub")).url).toBe(`${t.url}/evaluations`);
    expect(findUserByEmail(t.db, "bob@acme.example")).toMatchObject({ id: bob.id, ssoSubject: "bob-sub" });
    expect(audited(t.db, "user.sso_linked")).toHaveLength(1);
    // Another identity at the provider with the same email cannot take the account over.
    t.op.addAccount("mallory-sub", { email: "bob@acme.example", email_verified: true, groups: ["tc-admins"] });
    const other = await ssoSignIn(t, "mallory-sub");
    expect(other.res.status).toBe(403);
    expect(mainText(other.text)).toContain("linked to another identity");
    // An unverified email neither creates nor links an account.
    t.op.addAccount("eve-sub", { email: "eve@acme.example", email_verified: false, groups: ["tc-buyers"] });
    const eve = await ssoSignIn(t, "eve-sub");
    expect(eve.res.status).toBe(403);
    expect(mainText(eve.text)).toContain("not verified");
    expect(findUserByEmail(t.db, "eve@acme.example")).toBeUndefined();
  });

  it("refuses a user in no mapped group with a page that says access must be granted, and creates no account", async () => {
    const t = await setup();
    t.op.addAccount("carol-sub", { email: "carol@acme.example", email_verified: true, groups: ["staff", "TC-BUYERS"] });
    const page = await ssoSignIn(t, "carol-sub");
    expect(page.res.status).toBe(403);
    expect(heading(page.text)).toBe("Access not granted");
    expect(mainText(page.text)).toContain("Ask an administrator to grant you access");
    expect(findUserByEmail(t.db, "carol@acme.example")).toBeUndefined();
    expect(t.browser.cookie(t.url, "tc_session")).toBeUndefined();
    expect(audited(t.db, "user.sso_refused")).toEqual([
      expect.objectContaining({
        reason: "no mapped group",
        email: "carol@acme.example",
        groups: ["staff", "TC-BUYERS"],
      }),
    ]);
    // A user whose groups were all removed at the provider loses the sessions already open.
    t.op.addAccount("dan-sub", { email: "dan@acme.example", email_verified: true, groups: ["tc-buyers"] });
    await ssoSignIn(t, "dan-sub");
    const dan = findUserByEmail(t.db, "dan@acme.example")!;
    const phone = new Browser();
    t.op.signInAs("dan-sub");
    await phone.go(`${t.url}/login/sso`);
    expect(t.db.prepare("SELECT count(*) FROM sessions WHERE user_id = ?").pluck().get(dan.id)).toBe(2);
    t.op.addAccount("dan-sub", { email: "dan@acme.example", email_verified: true, groups: [] });
    expect((await ssoSignIn(t, "dan-sub")).res.status).toBe(403);
    expect(t.db.prepare("SELECT count(*) FROM sessions WHERE user_id = ?").pluck().get(dan.id)).toBe(0);
    expect((await phone.go(`${t.url}/evaluations`)).url).toContain("/login");
  });

  it("refuses a user disabled in Truecost", async () => {
    const t = await setup();
    t.op.addAccount("erin-sub", { email: "erin@acme.example", email_verified: true, groups: ["tc-admins"] });
    await ssoSignIn(t, "erin-sub");
    const erin = findUserByEmail(t.db, "erin@acme.example")!;
    setDisabled(t.db, erin.id, true);
    const page = await ssoSignIn(t, "erin-sub");
    expect(page.res.status).toBe(403);
    expect(mainText(page.text)).toContain("Your Truecost account is disabled");
    expect(audited(t.db, "user.sso_refused").at(-1)).toMatchObject({
      reason: "account disabled in Truecost",
      actor: `user:${erin.id}`,
    });
    expect((await t.browser.go(`${t.url}/evaluations`)).url).toContain("/login");
  });

  it("refuses a provider whose discovery document names another issuer", async () => {
    const real = await setup();
    const impostor = await listenLocal();
    // Serves the real provider's document at another address: its issuer is not the configured one.
    const doc = await (await fetch(`${real.op.issuer}/.well-known/openid-configuration`)).json();
    impostor.handle(
      (_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(doc)),
    );
    const served = await listenLocal();
    const t = buildTestApp({
      BASE_URL: served.url,
      OIDC_ISSUER: impostor.url,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_ROLE_MAP: ROLE_MAP,
    });
    served.handle(t.app);
    const page = await new Browser().go(`${served.url}/login/sso`);
    expect(page.res.status).toBe(503);
    expect(page.url).toBe(`${served.url}/login/sso`);
    expect(mainText(page.text)).toContain("does not match");
    expect(String(audited(t.db, "user.sso_refused")[0]!.reason)).toMatch(/issuer/i);
  });

  it("refuses a replayed answer, and an authorization code used twice", async () => {
    const t = await setup();
    t.op.addAccount("fay-sub", { email: "fay@acme.example", email_verified: true, groups: ["tc-buyers"] });
    const answer = await callbackOf(t, "fay-sub");
    expect((await t.browser.go(answer.href)).url).toBe(`${t.url}/evaluations`);
    // The same answer again: the sign-in it belonged to is used up.
    const replay = await t.browser.go(answer.href);
    expect(replay.res.status).toBe(400);
    expect(heading(replay.text)).toBe("This sign-in is no longer open");
    // The code, stolen, under a sign-in another browser opened: the state passes, the provider refuses the used code.
    const attacker = new Browser();
    const start = await attacker.request(`${t.url}/login/sso`);
    const state = new URL(start.headers.get("location")!).searchParams.get("state")!;
    const reused = new URL(answer);
    reused.searchParams.set("state", state);
    const again = await attacker.go(reused.href);
    expect(again.res.status).toBe(400);
    expect(heading(again.text)).toBe("Sign-in refused");
    expect(audited(t.db, "user.sso_refused").map((e) => e.reason)).toEqual([
      "no open sign-in for this browser (replayed, expired or started elsewhere)",
      expect.stringContaining("invalid_grant"),
    ]);
    expect(audited(t.db, "user.sso_signed_in")).toHaveLength(1);
  });

  it("refuses a tampered state, and an answer opened in another browser", async () => {
    const t = await setup();
    t.op.addAccount("gil-sub", { email: "gil@acme.example", email_verified: true, groups: ["tc-buyers"] });
    const answer = await callbackOf(t, "gil-sub");
    const stolen = await new Browser().go(answer.href);
    expect(stolen.res.status).toBe(400);
    expect(heading(stolen.text)).toBe("This sign-in is no longer open");
    const tampered = new URL(answer);
    tampered.searchParams.set("state", answer.searchParams.get("state")!.slice(0, -2) + "xx");
    const page = await t.browser.go(tampered.href);
    expect(page.res.status).toBe(400);
    expect(heading(page.text)).toBe("Sign-in refused");
    expect(String(audited(t.db, "user.sso_refused").at(-1)!.reason)).toMatch(/state/);
    expect(findUserByEmail(t.db, "gil@acme.example")).toBeUndefined();
    // The first answer was not used by the tampered one either: the attempt is gone after one try.
    expect((await t.browser.go(answer.href)).res.status).toBe(400);
  });

  it("refuses an expired ID token", async () => {
    const t = await setup({ OIDC_CLOCK_TOLERANCE_SECONDS: "0" });
    t.op.addAccount("hal-sub", { email: "hal@acme.example", email_verified: true, groups: ["tc-buyers"] });
    Object.assign(t.op.faults, { idTokenSeconds: 1, tokenDelayMs: 2200 });
    const page = await ssoSignIn(t, "hal-sub");
    expect(page.res.status).toBe(400);
    expect(heading(page.text)).toBe("Sign-in refused");
    expect(String(audited(t.db, "user.sso_refused").at(-1)!.reason)).toMatch(/exp/);
    expect(findUserByEmail(t.db, "hal@acme.example")).toBeUndefined();
  });

  it("refuses an ID token signed with a key the provider does not publish", async () => {
    const t = await setup();
    t.op.addAccount("ivy-sub", { email: "ivy@acme.example", email_verified: true, groups: ["tc-admins"] });
    t.op.faults.otherKeys = true;
    const page = await ssoSignIn(t, "ivy-sub");
    expect(page.res.status).toBe(400);
    expect(String(audited(t.db, "user.sso_refused").at(-1)!.reason)).toMatch(/signature/i);
    expect(findUserByEmail(t.db, "ivy@acme.example")).toBeUndefined();
  });

  it("turns password sign-in off with SSO_ONLY, but for a break-glass administrator", async () => {
    const t = await setup({ SSO_ONLY: "true" });
    const buyer = await makeUser(t.db, "buyer", { email: "pat@acme.example" });
    insertUser(t.db, {
      email: "breakglass@acme.example",
      name: "Emergency Admin",
      role: "admin",
      breakGlass: true,
      passwordHash: await hashPassword(PASSWORD),
    });
    const login = await t.browser.go(`${t.url}/login`);
    const $ = load(login.text);
    expect($("a.button").text()).toBe("Sign in with Acme ID");
    expect($("details summary").text()).toBe("Break-glass administrator sign-in");
    expect($("details").attr("open")).toBeUndefined();
    const csrf = $("input[name=_csrf]").val() as string;
    const refused = await t.browser.go(`${t.url}/login`, {
      method: "POST",
      form: { _csrf: csrf, email: buyer.email, password: PASSWORD },
    });
    expect(refused.res.status).toBe(403);
    expect(load(refused.text)("[role=alert]").text()).toBe(
      "Password sign-in is turned off: sign in with single sign-on.",
    );
    expect(load(refused.text)("input[name=email]").val()).toBe(buyer.email);
    const wrong = await t.browser.go(`${t.url}/login`, {
      method: "POST",
      form: { _csrf: csrf, email: "breakglass@acme.example", password: "not the password at all" },
    });
    expect(load(wrong.text)("[role=alert]").text()).toBe(load(refused.text)("[role=alert]").text());
    const ok = await t.browser.go(`${t.url}/login`, {
      method: "POST",
      form: { _csrf: csrf, email: "breakglass@acme.example", password: PASSWORD },
    });
    expect(ok.url).toBe(`${t.url}/evaluations`);
    expect(load(ok.text)("header").text()).toContain("Emergency Admin · admin");
    // The break-glass account never signs in through the provider.
    t.op.addAccount("bg-sub", { email: "breakglass@acme.example", email_verified: true, groups: ["tc-admins"] });
    const sso = await ssoSignIn(t, "bg-sub");
    expect(sso.res.status).toBe(403);
    expect(mainText(sso.text)).toContain("break-glass");
    expect(audited(t.db, "user.password_refused")).toHaveLength(2);
    // Users: how each signs in; an invitation leads to the single sign-on, not to a password.
    t.op.addAccount("ada-sub", { email: "ada@acme.example", email_verified: true, name: "Ada", groups: ["tc-admins"] });
    const users = await ssoSignIn(t, "ada-sub", "/admin/users");
    const rows = load(users.text)("table")
      .first()
      .find("tbody tr")
      .toArray()
      .map((tr) =>
        load(tr)("td")
          .toArray()
          .map((td) => load(td).text().trim()),
      );
    expect(rows.map((r) => [r[1], r[3], r[4]])).toEqual(
      expect.arrayContaining([
        ["ada@acme.example", "active", "single sign-on"],
        ["breakglass@acme.example", "active", "password (break-glass)"],
        ["pat@acme.example", "active", "password"],
      ]),
    );
    const csrf2 = load(users.text)("form[action='/admin/users'] input[name=_csrf]").val() as string;
    const invited = await t.browser.go(`${t.url}/admin/users`, {
      method: "POST",
      form: { _csrf: csrf2, name: "Quinn", email: "quinn@acme.example", role: "buyer" },
    });
    expect(load(invited.text)("[role=status]").text()).toContain("Invitation to quinn@acme.example queued");
    const mail = renderBody(
      t.db,
      t.config.sessionSecret,
      listOutbox(t.db).find((m) => m.toAddr === "quinn@acme.example")!,
    );
    expect(mail.link).toBe(`${t.url}/login`);
    expect(mail.text).toContain(`Sign in with your company account (single sign-on):\n${t.url}/login`);
    expect(t.db.prepare("SELECT count(*) FROM user_tokens").pluck().get()).toBe(0);
  });

  it("signs out of Truecost and of the provider", async () => {
    const t = await setup();
    t.op.addAccount("jo-sub", { email: "jo@acme.example", email_verified: true, groups: ["tc-buyers"] });
    const dash = await ssoSignIn(t, "jo-sub");
    const jo = findUserByEmail(t.db, "jo@acme.example")!;
    const out = await t.browser.request(`${t.url}/logout`, {
      method: "POST",
      form: { _csrf: load(dash.text)("form[action='/logout'] input[name=_csrf]").val() as string },
    });
    expect(out.status).toBe(303);
    const endSession = new URL(out.headers.get("location")!);
    expect(endSession.origin).toBe(t.op.issuer);
    expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(`${t.url}/login`);
    expect(endSession.searchParams.get("id_token_hint")!.split(".")).toHaveLength(3);
    expect(t.db.prepare("SELECT count(*) FROM sessions WHERE user_id = ?").pluck().get(jo.id)).toBe(0);
    expect(audited(t.db, "user.signed_out")).toEqual([expect.objectContaining({ actor: `user:${jo.id}`, sso: true })]);
    // The provider asks to confirm; confirming ends its session and sends the browser back to Truecost.
    const confirm = await t.browser.go(endSession.href);
    const form = load(confirm.text)("form");
    const back = await t.browser.go(new URL(form.attr("action")!, t.op.issuer).href, {
      method: "POST",
      form: { xsrf: form.find("input[name=xsrf]").val() as string, logout: "yes" },
    });
    expect(back.url).toBe(`${t.url}/login`);
    // Signing in again needs the provider's login: no account is chosen, so its interaction refuses.
    t.op.signInAs(undefined);
    const again = await t.browser.go(`${t.url}/login/sso`);
    expect(again.url).toContain(`${t.op.issuer}/interaction/`);
    expect(again.text).toBe("no account chosen for this sign-in");
  });
});
