import request from "supertest";
import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { makeUser } from "../factories.js";
import { signIn } from "../web.js";
import { invitedVendor, openLink } from "../portal/helpers.js";
import { declaredRoutes } from "./routes.js";
import { csrfOf } from "../html.js";

describe("CSRF", () => {
  it("refuses every POST the app declares when it carries no token, for buyers and vendors alike", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const { path, evaluationId, vendorId } = await invitedVendor(db, config);
    const buyer = await signIn(app, admin.email);
    const vendor = await openLink(app, path);
    const posts = declaredRoutes(app)
      .filter((r) => r.startsWith("POST "))
      .map((r) => r.slice(5));
    expect(posts.length).toBeGreaterThan(25);
    const fill = (p: string) =>
      p.replace(":id", String(evaluationId)).replace(":vid", String(vendorId)).replace(/:\w+/g, "1");
    for (const route of posts) {
      const agent = route.startsWith("/portal")
        ? vendor
        : route === "/login" || route.startsWith("/setup") || route.startsWith("/password")
          ? request.agent(app)
          : buyer;
      const before = db
        .prepare(
          "SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM answers) + (SELECT count(*) FROM vendors)",
        )
        .pluck()
        .get();
      const res = await agent
        .post(fill(route))
        .type("form")
        .send({ email: "x@y.example", password: "whatever at all", name: "X" });
      expect(res.status, route).toBe(403);
      expect(res.text, route).toMatch(/This form expired|invalid csrf|form expired/i);
      expect(
        db
          .prepare(
            "SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM answers) + (SELECT count(*) FROM vendors)",
          )
          .pluck()
          .get(),
        route,
      ).toBe(before);
    }
    // JSON autosave carries its token in a header: without it, refused too.
    const json = await vendor
      .post("/portal/answers/cto_vendor_share")
      .set("Accept", "application/json")
      .send({ q: "10", revision: 0 });
    expect(json.status).toBe(403);
    // A token from another session does not work either.
    const other = await signIn(app, admin.email);
    const foreign = csrfOf((await other.get("/evaluations")).text);
    expect(
      (await buyer.post(`/evaluations/${evaluationId}/status`).type("form").send({ _csrf: foreign, action: "close" }))
        .status,
    ).toBe(403);
  });

  it("sets the token cookie when a page's token is new, and not again while the cookie holds a valid one", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const vendor = await openLink(app, path);
    const setsToken = (res: request.Response) =>
      ([] as string[]).concat(res.headers["set-cookie"] ?? []).some((c) => c.startsWith("tc_csrf="));
    const first = await vendor.get("/portal");
    expect(setsToken(first)).toBe(true);
    const again = await vendor.get("/portal/sections/cto");
    expect(setsToken(again)).toBe(false);
    expect(csrfOf(again.text)).toBe(csrfOf(first.text));
    // A cookie that no longer matches the session (tampered, or from another session) is replaced.
    vendor.jar.setCookie("tc_csrf=0000.1111; Path=/", "127.0.0.1");
    const replaced = await vendor.get("/portal/sections/cto");
    expect(setsToken(replaced)).toBe(true);
    expect(csrfOf(replaced.text)).not.toBe("0000.1111");
    // The page's token works for a save.
    const save = await vendor
      .post("/portal/answers/cto_vendor_share")
      .set("x-csrf-token", csrfOf(replaced.text))
      .set("Accept", "application/json")
      .send({ q: "10", revision: 0 });
    expect(save.status).toBe(200);
    // The same token passes again (verified afresh); anything else is still refused.
    const reused = await vendor
      .post("/portal/answers/cto_vendor_share")
      .set("x-csrf-token", csrfOf(replaced.text))
      .set("Accept", "application/json")
      .send({ q: "11", revision: 1 });
    expect(reused.status).toBe(200);
    const wrong = await vendor
      .post("/portal/answers/cto_vendor_share")
      .set("x-csrf-token", `${csrfOf(replaced.text)}0`)
      .set("Accept", "application/json")
      .send({ q: "12", revision: 2 });
    expect(wrong.status).toBe(403);
    const none = await vendor
      .post("/portal/answers/cto_vendor_share")
      .set("Accept", "application/json")
      .send({ q: "12", revision: 2 });
    expect(none.status).toBe(403);
    // The same cookie and token under another session are refused: the pair is bound to the session.
    const other = await openLink(
      app,
      (await invitedVendor(db, config, { name: "Other AI", email: "o@other.example" })).path,
    );
    other.jar.setCookie(`tc_csrf=${csrfOf(replaced.text)}; Path=/`, "127.0.0.1");
    const foreign = await other
      .post("/portal/answers/cto_vendor_share")
      .set("x-csrf-token", csrfOf(replaced.text))
      .set("Accept", "application/json")
      .send({ q: "12", revision: 0 });
    expect(foreign.status).toBe(403);
    // Each refusal tells the page what to do, and no refused save was written.
    for (const refused of [wrong, none, foreign])
      expect(refused.body.error.message).toMatch(/reload the page and send it again/);
    expect(
      db.prepare("SELECT question_key, value, revision FROM answers WHERE question_key = 'cto_vendor_share'").all(),
    ).toEqual([{ question_key: "cto_vendor_share", value: "11", revision: 2 }]);
  });
});
