import request from "supertest";
import { describe, expect, it } from "vitest";
import { createUserToken } from "../../src/auth/users.js";
import { buildTestApp } from "../helpers.js";
import { makeUser, PASSWORD } from "../factories.js";
import { csrfOf, fieldError, signIn } from "../web.js";
import { pageText, textAt, textsAt } from "../html.js";

describe("accounts", () => {
  it("creates the first admin from the one-time setup link, then refuses the link", async () => {
    const { app, db } = buildTestApp();
    const noUsers = await request(app).get("/login");
    expect(noUsers.text).toContain("Set up Truecost");
    const token = createUserToken(db, null, "setup", 24);
    const agent = request.agent(app);
    const form = await agent.get(`/setup/${token}`);
    expect(textAt(form.text, "h1")).toBe("Create the first administrator");
    const short = await agent
      .post(`/setup/${token}`)
      .type("form")
      .send({ _csrf: csrfOf(form.text), name: "Ada", email: "ada@buyer.example", password: "short", confirm: "short" });
    expect(short.status).toBe(400);
    expect(fieldError(short.text, "password")).toBe("Use at least 12 characters");
    expect(short.text).toContain('value="ada@buyer.example"');
    const ok = await agent
      .post(`/setup/${token}`)
      .type("form")
      .send({
        _csrf: csrfOf(short.text),
        name: "Ada",
        email: "ada@buyer.example",
        password: PASSWORD,
        confirm: PASSWORD,
      });
    expect(ok.status).toBe(303);
    const dash = await agent.get("/evaluations");
    expect(textAt(dash.text, "h1")).toBe("Evaluations");
    expect(dash.text).toContain("Ada · admin");
    expect((await request(app).get(`/setup/${token}`)).status).toBe(404);
    const row = db.prepare("SELECT password_hash FROM users").pluck().get() as string;
    expect(row).toMatch(/^scrypt\$32768\$8\$1\$/);
  });

  it("gives the same message for a wrong email and a wrong password, and renews the session id at sign-in", async () => {
    const { app, db } = buildTestApp();
    const u = await makeUser(db, "buyer");
    const agent = request.agent(app);
    const page = await agent.get("/login");
    const wrongPw = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfOf(page.text), email: u.email, password: "wrong password here" });
    const wrongEmail = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfOf(page.text), email: "nobody@x.example", password: PASSWORD });
    expect(wrongPw.status).toBe(401);
    expect(wrongEmail.status).toBe(401);
    const msg = (html: string) => /role="alert">([^<]*)</.exec(html)?.[1];
    expect(msg(wrongPw.text)).toBe("That email and password do not match an active account.");
    expect(msg(wrongEmail.text)).toBe(msg(wrongPw.text));
    const ok = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfOf(page.text), email: u.email, password: PASSWORD });
    const cookie = String(ok.headers["set-cookie"]).match(/tc_session=([^;]+)/)?.[1];
    expect(cookie).toBeTruthy();
    expect(String(ok.headers["set-cookie"])).toMatch(/tc_session=[^;]+;.*HttpOnly.*SameSite=Lax/i);
    const again = await agent
      .post("/login")
      .type("form")
      .send({ _csrf: csrfOf((await agent.get("/evaluations")).text), email: u.email, password: PASSWORD });
    expect(String(again.headers["set-cookie"]).match(/tc_session=([^;]+)/)?.[1]).not.toBe(cookie);
    expect(db.prepare("SELECT count(*) FROM sessions WHERE user_id = ?").pluck().get(u.id)).toBe(1);
  });

  it("rate-limits sign-in per account", async () => {
    const { app, db } = buildTestApp();
    const u = await makeUser(db, "buyer");
    const agent = request.agent(app);
    const token = csrfOf((await agent.get("/login")).text);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await agent.post("/login").type("form").send({ _csrf: token, email: u.email, password: "not the password" }))
          .status,
      );
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const blocked = await agent.post("/login").type("form").send({ _csrf: token, email: u.email, password: PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain("Too many sign-in attempts");
  });

  it("expires idle sessions and ends disabled users' sessions", async () => {
    const { app, db } = buildTestApp();
    const u = await makeUser(db, "buyer");
    const agent = await signIn(app, u.email);
    expect((await agent.get("/evaluations")).status).toBe(200);
    db.prepare("UPDATE sessions SET last_seen_at = '2000-01-01T00:00:00.000Z'").run();
    const idle = await agent.get("/evaluations");
    expect(idle.status).toBe(303);
    expect(idle.headers.location).toBe("/login?next=%2Fevaluations");
    const again = await signIn(app, u.email);
    db.prepare("UPDATE users SET disabled_at = '2020-01-01' WHERE id = ?").run(u.id);
    expect((await again.get("/evaluations")).status).toBe(303);
  });

  it("lets an admin invite a user who sets a password from the emailed link", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const agent = await signIn(app, admin.email);
    const page = await agent.get("/admin/users");
    const bad = await agent
      .post("/admin/users")
      .type("form")
      .send({ _csrf: csrfOf(page.text), name: "Cho", email: "not-an-email", role: "buyer" });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, "email")).toBe("Enter an email address such as name@company.com");
    expect(bad.text).toContain('value="Cho"');
    const ok = await agent
      .post("/admin/users")
      .type("form")
      .send({
        _csrf: csrfOf(page.text),
        name: "Cho",
        email: "cho@buyer.example",
        role: "committee",
        committeeRole: "cfo",
      });
    expect(ok.text).toContain("Invitation to cho@buyer.example queued");
    const outbox = await agent.get("/outbox");
    const link = /value="(http:\/\/localhost:\d+\/password\/[\w-]+)"/.exec(outbox.text)![1]!;
    expect(link.startsWith(config.baseUrl)).toBe(true);
    const path = new URL(link).pathname;
    const invitee = request.agent(app);
    const form = await invitee.get(path);
    expect(pageText(form.text)).toContain("For Cho");
    expect(textsAt(form.text, "strong")).toContain("Cho");
    const set = await invitee
      .post(path)
      .type("form")
      .send({ _csrf: csrfOf(form.text), password: PASSWORD, confirm: PASSWORD });
    expect(set.status).toBe(303);
    expect((await invitee.get("/evaluations")).text).toContain("Cho · committee");
  });

  it.each(["invite", "setup"] as const)(
    "uses a one-time %s link once, whatever the number of concurrent posts",
    async (purpose) => {
      const { app, db } = buildTestApp();
      const user = purpose === "invite" ? await makeUser(db, "buyer") : undefined;
      const token = createUserToken(db, user?.id ?? null, purpose, 24);
      const path = purpose === "invite" ? `/password/${token}` : `/setup/${token}`;
      // Each poster has its own browser; all post at once, so each passes the first check before any hashes.
      const agents = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const agent = request.agent(app);
          return { agent, csrf: csrfOf((await agent.get(path)).text), i };
        }),
      );
      const results = await Promise.all(
        agents.map(({ agent, csrf, i }) =>
          agent
            .post(path)
            .type("form")
            .send({
              _csrf: csrf,
              name: `Admin ${i}`,
              email: `admin${i}@buyer.example`,
              password: `${PASSWORD}${i}`,
              confirm: `${PASSWORD}${i}`,
            }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([303, 404, 404, 404, 404, 404]);
      const action = purpose === "invite" ? "user.password_set" : "user.first_admin_created";
      expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = ?").pluck().get(action)).toBe(1);
      expect(db.prepare("SELECT count(*) FROM sessions").pluck().get()).toBe(1);
      if (purpose === "setup") expect(db.prepare("SELECT count(*) FROM users").pluck().get()).toBe(1);
    },
  );

  it("does not let someone who knows an address lock its owner out of a browser the owner signed in with before", async () => {
    const { app, db } = buildTestApp({ TRUST_PROXY: "true" });
    const u = await makeUser(db, "buyer");
    // The owner's browser has signed in before: it carries the account's device cookie.
    const owner = await signIn(app, u.email);
    const signedIn = await owner.get("/evaluations");
    expect(
      (
        await owner
          .post("/logout")
          .type("form")
          .send({ _csrf: csrfOf(signedIn.text) })
      ).status,
    ).toBe(303);
    // An attacker guesses from 25 addresses, 1 attempt each (under every per-address limit).
    for (let i = 0; i < 25; i++) {
      const a = request.agent(app);
      const token = csrfOf((await a.get("/login").set("X-Forwarded-For", `203.0.113.${i}`)).text);
      await a
        .post("/login")
        .set("X-Forwarded-For", `203.0.113.${i}`)
        .type("form")
        .send({ _csrf: token, email: u.email, password: `guess ${i} wrong` });
    }
    // A new device is now refused even with the right password, and told why...
    const stranger = request.agent(app);
    const t = csrfOf((await stranger.get("/login").set("X-Forwarded-For", "198.51.100.7")).text);
    const refused = await stranger
      .post("/login")
      .set("X-Forwarded-For", "198.51.100.7")
      .type("form")
      .send({ _csrf: t, email: u.email, password: PASSWORD });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain("from devices it has not used before");
    // ...but the owner's browser signs in.
    const loginPage = await owner.get("/login");
    const back = await owner
      .post("/login")
      .set("X-Forwarded-For", "198.51.100.9")
      .type("form")
      .send({ _csrf: csrfOf(loginPage.text), email: u.email, password: PASSWORD });
    expect(back.status).toBe(303);
    expect((await owner.get("/evaluations")).status).toBe(200);
  });

  it("still slows a guesser who holds a device cookie, and a forged cookie counts for nothing", async () => {
    const { app, db } = buildTestApp();
    const u = await makeUser(db, "buyer");
    const other = await makeUser(db, "buyer");
    const device = await signIn(app, u.email);
    const signedIn = await device.get("/evaluations");
    await device
      .post("/logout")
      .type("form")
      .send({ _csrf: csrfOf(signedIn.text) });
    const token = csrfOf((await device.get("/login")).text);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push(
        (await device.post("/login").type("form").send({ _csrf: token, email: u.email, password: "not the password" }))
          .status,
      );
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    // A cookie for another account (or a made-up one) does not make a device trusted for this one.
    const forger = request.agent(app);
    forger.jar.setCookie(`tc_device=${other.id}.AAAAAAAAAAAAAAAAAAAAAAAA.${"A".repeat(32)}; Path=/`, "127.0.0.1");
    const ft = csrfOf((await forger.get("/login")).text);
    const f: number[] = [];
    for (let i = 0; i < 6; i++)
      f.push(
        (await forger.post("/login").type("form").send({ _csrf: ft, email: other.email, password: "wrong again!" }))
          .status,
      );
    expect(f).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
