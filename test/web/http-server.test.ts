import http from "node:http";
import type { AddressInfo } from "node:net";
import { Socket } from "node:net";
import express from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppRequest, AppResponse, createHttpServer } from "../../src/web/http-server.js";
import { buildSharedApp } from "../helpers.js";
import { importDemo, makeUser } from "../factories.js";
import { csrfOf } from "../html.js";
import { invitedVendor, openLink, sectionState } from "../portal/helpers.js";
import { postForm, signIn } from "../web.js";

const ctx = buildSharedApp();
const server = createHttpServer(ctx.app);
let base = "";

/** Own properties of a request or response as Node creates it, and as Truecost's server declares it. */
const fresh = (o: object) => new Set(Object.keys(o));
const socket = new Socket();
const nodeRequest = fresh(new http.IncomingMessage(socket));
const nodeResponse = fresh(new http.ServerResponse(new http.IncomingMessage(socket)));
const declaredRequest = [...fresh(new AppRequest(socket))].filter((k) => !nodeRequest.has(k));
const declaredResponse = [...fresh(new AppResponse(new http.IncomingMessage(socket)))].filter(
  (k) => !nodeResponse.has(k),
);
// Node's own: its emitter's count of listeners, and what its server sets on each response.
const nodeLater = new Set(["_eventsCount", "_maxRequestsPerSocket"]);

/** Properties a request or response gained during its handling that the server does not declare, by route. */
const undeclared = new Map<string, Set<string>>();
const seen = new Set<string>();
server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
  res.once("finish", () => {
    const route = `${req.method} ${String((req as { route?: { path?: string } }).route?.path ?? req.url?.split("?")[0])}`;
    seen.add(route);
    for (const [o, node, known, name] of [
      [req, nodeRequest, declaredRequest, "request"],
      [res, nodeResponse, declaredResponse, "response"],
    ] as const)
      for (const k of Object.keys(o))
        if (!node.has(k) && !nodeLater.has(k) && !known.includes(k))
          undeclared.set(route, (undeclared.get(route) ?? new Set()).add(`${name}.${k}`));
  });
});

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the HTTP server's request and response objects", () => {
  it("declare nothing that shadows a getter, setter or method Express or Node define on their prototypes", () => {
    const accessors = (proto: object) => {
      const out = new Set<string>();
      for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null)
        for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(p)))
          if (d.get || d.set || typeof d.value === "function") out.add(k);
      return out;
    };
    const onRequest = accessors(express.request);
    const onResponse = accessors(express.response);
    expect(declaredRequest.filter((k) => onRequest.has(k))).toEqual([]);
    expect(declaredResponse.filter((k) => onResponse.has(k))).toEqual([]);
    expect(declaredRequest.length).toBeGreaterThan(10);
    expect(declaredResponse).toEqual(["locals", "statusCode", "statusMessage"]);
    // Node's defaults, from its prototype.
    const res = new AppResponse(new http.IncomingMessage(socket));
    expect([res.statusCode, res.statusMessage]).toEqual([
      http.ServerResponse.prototype.statusCode,
      http.ServerResponse.prototype.statusMessage,
    ]);
  });

  it("declare every property the app sets on a request, on buyer, vendor, API, upload and refused requests", async () => {
    const admin = await makeUser(ctx.db, "admin");
    const id = importDemo(ctx.db);
    const anon = request.agent(base);
    expect((await anon.get("/")).status).toBe(200);
    expect((await anon.get("/nowhere")).status).toBe(404);
    const login = await anon.get("/login");
    expect(
      (await anon.post("/login").type("form").send({ _csrf: "forged", email: admin.email, password: "x" })).status,
    ).toBe(403);
    // Five failed sign-ins to one account, then the limiter refuses.
    for (let i = 0; i < 5; i++)
      await anon
        .post("/login")
        .type("form")
        .send({ _csrf: csrfOf(login.text), email: admin.email, password: "wrong password" });
    expect(
      (
        await anon
          .post("/login")
          .type("form")
          .send({ _csrf: csrfOf(login.text), email: admin.email, password: "wrong password" })
      ).status,
    ).toBe(429);

    const buyer = await signIn(base, (await makeUser(ctx.db, "admin", { email: "second@truecost.example" })).email);
    for (const path of [
      "/evaluations",
      `/evaluations/${id}`,
      `/evaluations/${id}/comparison`,
      `/evaluations/${id}/comparison.csv`,
      `/api/evaluations/${id}/model`,
      `/evaluations/${id}/audit`,
      "/outbox",
      "/admin/users",
    ])
      expect((await buyer.get(path)).status, path).toBe(200);
    const issued = await postForm(buyer, "/admin/users", `/admin/users/${admin.id}/token`, { name: "Sheet" });
    const token = /readonly value="(tc_[\w-]+)"/.exec(issued.text)![1]!;
    expect((await request(base).get("/api/evaluations").set("Authorization", `Bearer ${token}`)).status).toBe(200);

    const { path } = await invitedVendor(ctx.db, ctx.config);
    expect((await request(base).get("/v/not-a-token")).status).toBe(410);
    const vendor = await openLink(base, path);
    const { csrf } = await sectionState(vendor, "cto", "cto_vendor_share");
    const save = await vendor
      .post("/portal/answers/cto_vendor_share")
      .set("x-csrf-token", csrf)
      .set("Accept", "application/json")
      .send({ q: "20", revision: 0 });
    expect(save.status).toBe(200);
    expect(
      (
        await vendor
          .post("/portal/sections/cto")
          .type("form")
          .send({ _csrf: csrf, q_cto_vendor_share: "25", rev_cto_vendor_share: "1" })
      ).status,
    ).toBe(303);
    expect(
      (
        await vendor
          .post("/portal/questions/cto_controls/files")
          .field("_csrf", csrf)
          .attach("file", Buffer.from("plain evidence\n"), { filename: "notes.txt" })
      ).status,
    ).toBe(303);
    expect((await vendor.get("/portal")).status).toBe(200);

    expect(seen.size).toBeGreaterThan(15);
    expect(Object.fromEntries([...undeclared].map(([route, keys]) => [route, [...keys]]))).toEqual({});
  });
});
