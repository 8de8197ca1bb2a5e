import { describe, expect, it } from "vitest";
import { StateCache } from "../../src/web/state-cache.js";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeUser } from "../factories.js";
import { signIn } from "../web.js";
import { invitedVendor, openLink } from "../portal/helpers.js";

describe("exports under repeated requests", () => {
  it("makes one result per state, shared by concurrent requests, and drops the oldest state first", async () => {
    const cache = new StateCache<number>(2);
    let made = 0;
    const slow = () => new Promise<number>((r) => setTimeout(() => r(++made), 20));
    const same = await Promise.all(Array.from({ length: 10 }, () => cache.get("a", slow)));
    expect(same).toEqual(Array(10).fill(1));
    expect(made).toBe(1);
    await cache.get("b", slow);
    await cache.get("c", slow);
    expect(await cache.get("a", slow)).toBe(4); // "a" was dropped for "c"
    // A failure is not kept.
    await expect(cache.get("x", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await new Promise((r) => setImmediate(r));
    expect(await cache.get("x", () => 7)).toBe(7);
  });

  it("serves the same CSV for the same state, and limits each user", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const id = importDemo(db);
    const agent = await signIn(app, admin.email);
    const first = await agent.get(`/evaluations/${id}/comparison.csv`);
    expect(first.status).toBe(200);
    expect((await agent.get(`/evaluations/${id}/comparison.csv`)).text).toBe(first.text);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await agent.get(`/evaluations/${id}/comparison.csv`)).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = await agent.get(`/evaluations/${id}/comparison.csv`);
    expect(limited.status).toBe(429);
    expect(limited.text).toContain("You have downloaded many exports in a short time");
    // Another user is not held back by the first.
    const other = await signIn(app, (await makeUser(db, "admin")).email);
    expect((await other.get(`/evaluations/${id}/comparison.csv`)).status).toBe(200);
  });

  it("limits a vendor's copies of its answers per link", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const vendor = await openLink(app, path);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await vendor.get("/portal/copy.pdf")).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
  });

  it("limits API reads per user", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const agent = await signIn(app, admin.email);
    let last = 0;
    for (let i = 0; i < 601; i++) last = (await agent.get("/api/evaluations")).status;
    expect(last).toBe(429);
  }, 60_000);
});
