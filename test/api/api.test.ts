import request from "supertest";
import { describe, expect, it } from "vitest";
import { scoreEvaluation } from "../../src/evaluations/scoring.js";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeUser } from "../factories.js";
import { postForm, signIn } from "../web.js";

describe("the JSON read API", () => {
  it("serves what a buyer sees, by session or by an API token an admin issues and revokes", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const buyer = await makeUser(db, "buyer", { name: "Api Buyer" });
    const id = importDemo(db);
    db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(id, buyer.id);
    const session = await signIn(app, buyer.email);
    const list = await session.get("/api/evaluations");
    expect(list.body.evaluations.map((e: { id: number }) => e.id)).toEqual([id]);

    const a = await signIn(app, admin.email);
    const issued = await postForm(a, "/admin/users", `/admin/users/${buyer.id}/token`, { name: "Finance sheet" });
    const token = /readonly value="(tc_[\w-]+)"/.exec(issued.text)![1]!;
    expect(db.prepare("SELECT count(*) FROM api_tokens WHERE token_hash LIKE ?").pluck().get(`%${token}%`)).toBe(0);

    const model = await request(app).get(`/api/evaluations/${id}/model`).set("Authorization", `Bearer ${token}`);
    expect(model.status).toBe(200);
    expect(model.body).toEqual(JSON.parse(JSON.stringify(scoreEvaluation(db, id)!.result)));
    const vendors = await request(app).get(`/api/evaluations/${id}`).set("Authorization", `Bearer ${token}`);
    expect(vendors.body.vendors.map((v: { name: string }) => v.name)).toEqual([
      "Swiftpilot AI",
      "Northwind Cognitive",
      "Meridian Automation",
    ]);
    const vid = vendors.body.vendors[0].id;
    const answers = await request(app)
      .get(`/api/evaluations/${id}/vendors/${vid}/answers`)
      .set("Authorization", `Bearer ${token}`);
    expect(answers.body.answers.cto_portability).toMatchObject({ value: "locked", revision: 1 });

    const tid = db.prepare("SELECT id FROM api_tokens").pluck().get();
    await postForm(a, "/admin/users", `/admin/tokens/${tid}/revoke`, {});
    const revoked = await request(app).get("/api/evaluations").set("Authorization", `Bearer ${token}`);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toBe("The API token is missing, wrong or revoked.");
  });
});
