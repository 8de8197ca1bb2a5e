import request from "supertest";
import { describe, expect, it } from "vitest";
import { buildTestApp } from "./helpers.js";
import { textAt } from "./html.js";

describe("app shell", () => {
  it("answers /healthz after checking the database", async () => {
    const { app } = buildTestApp();
    const res = await request(app).get("/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", database: "ok" });
  });

  it("says what Truecost is on the home page, with a strict CSP", async () => {
    const { app } = buildTestApp();
    const res = await request(app).get("/");
    expect(res.status).toBe(200);
    expect(textAt(res.text, "h1")).toBe("The real price of a production AI system");
    const csp = res.headers["content-security-policy"] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
  });

  it("renders a 404 page for HTML and JSON for JSON, without a stack trace", async () => {
    const { app } = buildTestApp();
    const html = await request(app).get("/no/such/page").set("Accept", "text/html");
    expect(html.status).toBe(404);
    expect(html.text).toContain("Page not found");
    expect(html.text).not.toMatch(/at .*\.ts:\d+/);
    const json = await request(app).get("/no/such/thing").set("Accept", "application/json");
    expect(json.status).toBe(404);
    expect(json.body.error.id).toBe("not_found");
    const api = await request(app).get("/api/evaluations");
    expect(api.status).toBe(401);
    expect(api.body.error).toEqual({ id: "unauthorized", message: "Please sign in." });
  });
});
