import request from "supertest";
import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { makeUser, PASSWORD } from "../factories.js";
import { csrfOf, signIn } from "../web.js";
import { invitedVendor, openLink } from "../portal/helpers.js";

describe("headers from OWASP's secure-headers list", () => {
  it("keeps signed-in pages, vendor pages, files and API answers out of every cache, and turns off browser features", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const { path, evaluationId } = await invitedVendor(db, config);
    const buyer = await signIn(app, admin.email);
    const vendor = await openLink(app, path);
    const answers: [string, request.Response][] = [
      ["/evaluations", await buyer.get("/evaluations")],
      ["comparison.csv", await buyer.get(`/evaluations/${evaluationId}/comparison.csv`)],
      ["/api/evaluations", await buyer.get("/api/evaluations")],
      ["/portal", await vendor.get("/portal")],
      ["/portal/copy.pdf", await vendor.get("/portal/copy.pdf")],
      ["/login", await request(app).get("/login")],
    ];
    for (const [url, res] of answers) {
      expect(res.headers["cache-control"], url).toBe("no-store");
      expect(res.headers["permissions-policy"], url).toMatch(/camera=\(\), .*geolocation=\(\), .*microphone=\(\)/);
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
    // Static files stay cacheable: they are the same for everyone.
    expect((await request(app).get("/static/app.css")).headers["cache-control"]).toBe("public, max-age=3600");
  });

  it("clears the browser's cache and storage at sign-out, and ends the session on the server", async () => {
    const { app, db } = buildTestApp();
    const u = await makeUser(db, "buyer");
    const agent = await signIn(app, u.email);
    const page = await agent.get("/evaluations");
    const out = await agent
      .post("/logout")
      .type("form")
      .send({ _csrf: csrfOf(page.text) });
    expect(out.headers["clear-site-data"]).toBe('"cache", "storage"');
    expect(String(out.headers["set-cookie"])).toMatch(/tc_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(db.prepare("SELECT count(*) FROM sessions").pluck().get()).toBe(0);
  });

  it("names the session cookies with the __Host- prefix on https", async () => {
    const { app, db } = buildTestApp({ BASE_URL: "https://truecost.example.com" });
    const u = await makeUser(db, "buyer");
    const agent = request.agent(app);
    const login = await agent.get("/login");
    expect(String(login.headers["set-cookie"])).toMatch(
      /__Host-tc_anon=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
    const anon = /(__Host-tc_anon=[^;]+)/.exec(String(login.headers["set-cookie"]))![1]!;
    const csrfCookie = /(__Host-tc\.csrf=[^;]+)/.exec(String(login.headers["set-cookie"]))![1]!;
    const res = await request(app)
      .post("/login")
      .set("Cookie", `${anon}; ${csrfCookie}`)
      .type("form")
      .send({ _csrf: csrfOf(login.text), email: u.email, password: PASSWORD });
    expect(res.status).toBe(303);
    const cookies = ([] as string[]).concat(res.headers["set-cookie"] ?? []);
    const session = cookies.find((c) => c.startsWith("__Host-tc_session="))!;
    expect(session).toMatch(/; Path=\/;.*HttpOnly; Secure; SameSite=Lax/);
    expect(session).not.toMatch(/Domain=/i);
    expect(cookies.find((c) => c.startsWith("__Host-tc_device="))).toMatch(
      /; Path=\/;.*HttpOnly; Secure; SameSite=Lax/,
    );
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  });
});
