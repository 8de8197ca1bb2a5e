import { describe, expect, it } from "vitest";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { reportData } from "../../src/report/data.js";
import { comparisonReport } from "../../src/report/pdf.js";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeUser } from "../factories.js";
import { fieldError, postForm, signIn } from "../web.js";
import { readPdf } from "./pdf-text.js";
import { textAt } from "../html.js";

describe("committee comments and sign-off", () => {
  it("records a decision once a member for every section sent has signed; it shows in the audit log and later reports", async () => {
    const { app, db } = buildTestApp();
    const id = importDemo(db);
    const seats = ["cto", "cfo", "product", "procurement"] as const;
    const members = await Promise.all(
      seats.map((seat) => makeUser(db, "committee", { committeeRole: seat, name: `${seat.toUpperCase()} Member` })),
    );
    for (const m of members)
      db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(id, m.id);
    const cfo = await signIn(app, members[1]!.email);
    const northwind = String(db.prepare("SELECT id FROM vendors WHERE name = 'Northwind Cognitive'").pluck().get());
    const page = `/evaluations/${id}/comparison`;

    const bad = await postForm(cfo, page, `/evaluations/${id}/decisions`, {
      outcome: "approve_with_conditions",
      vendorId: northwind,
      reason: "Lowest adjusted total.",
      conditions: "",
    });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.text, "conditions")).toBe("State the conditions");
    expect(bad.text).toContain("Lowest adjusted total.");

    await postForm(cfo, page, `/evaluations/${id}/comments`, {
      body: "Swiftpilot's entry price hides the operating layer.",
    });
    await postForm(cfo, page, `/evaluations/${id}/decisions`, {
      outcome: "approve_with_conditions",
      vendorId: northwind,
      reason: "Lowest adjusted total with strong ownership terms.",
      conditions: "Exit assistance priced in the contract.",
    });
    let view = (await cfo.get(page)).text;
    expect(view).toContain("Proposed: approve Northwind Cognitive with conditions");
    expect(view).toMatch(/Still needed: CTO, Product, Procurement/);
    for (const m of [members[0]!, members[2]!]) {
      const a = await signIn(app, m.email);
      const decision = /decisions\/(\d+)\/sign/.exec((await a.get(page)).text)![1];
      expect((await postForm(a, page, `/evaluations/${id}/decisions/${decision}/sign`, {})).status).toBe(303);
    }
    expect(findEvaluation(db, id)!.status).toBe("open");
    const last = await signIn(app, members[3]!.email);
    const decision = /decisions\/(\d+)\/sign/.exec((await last.get(page)).text)![1];
    await postForm(last, page, `/evaluations/${id}/decisions/${decision}/sign`, {});
    expect(findEvaluation(db, id)!.status).toBe("decided");
    view = (await cfo.get(page)).text;
    expect(view).toMatch(
      /Decision recorded .*approve Northwind Cognitive with conditions: Exit assistance priced in the contract\./,
    );
    const log = (await cfo.get(`/evaluations/${id}/audit`)).text;
    for (const a of ["decision.proposed", "decision.signed", "decision.recorded", "comment.added"])
      expect(log).toContain(`<code>${a}</code>`);
    const text = readPdf(await comparisonReport(reportData(db, id, "Test")!)).text.replace(/\s+/g, " ");
    expect(text).toMatch(
      /Decision recorded .*approve Northwind Cognitive with conditions: Exit assistance priced in the contract\. Reason: Lowest adjusted total/,
    );
    expect(text).toContain("Swiftpilot's entry price hides the operating layer.");
  });

  it("lets a committee member read and comment but change nothing else", async () => {
    const { app, db } = buildTestApp();
    const id = importDemo(db);
    const m = await makeUser(db, "committee", { committeeRole: "cfo" });
    db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(id, m.id);
    const a = await signIn(app, m.email);
    expect((await a.get(`/evaluations/${id}/comparison`)).status).toBe(200);
    const vid = db.prepare("SELECT id FROM vendors LIMIT 1").pluck().get();
    for (const [to, body] of [
      [`/evaluations/${id}/edit`, { title: "x" }],
      [`/evaluations/${id}/status`, { action: "close" }],
      [`/evaluations/${id}/vendors`, { name: "X" }],
      [`/evaluations/${id}/vendors/${vid}/reopen`, { reason: "Because I can" }],
      [
        `/evaluations/${id}/vendors/${vid}/clarifications`,
        { questionKey: "cto_controls", visibility: "vendor", body: "Hi there" },
      ],
    ] as const) {
      const refused = await postForm(a, `/evaluations/${id}`, to, body);
      expect(refused.status, to).toBe(403);
      expect(refused.text, to).toContain("Only administrators and buyers can do this.");
    }
    const buyer = await makeUser(db, "buyer");
    db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(id, buyer.id);
    const b = await signIn(app, buyer.email);
    const refused = await postForm(b, `/evaluations/${id}/comparison`, `/evaluations/${id}/decisions`, {
      outcome: "reject_all",
      reason: "None fits.",
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("Only committee members and administrators can do this.");
  });
});

describe("deciding while vendors still answer", () => {
  it("warns the committee that recording the decision locks the questionnaires still open, and stops once decided", async () => {
    const { app, db } = buildTestApp();
    const id = importDemo(db);
    const member = await makeUser(db, "committee", { committeeRole: "cfo" });
    db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(id, member.id);
    const agent = await signIn(app, member.email);
    const page = `/evaluations/${id}/comparison`;
    const warning = async () => textAt((await agent.get(page)).text, "#still-answering");
    // The demo's Meridian has not submitted; Northwind is sent back to answering.
    db.prepare(
      "UPDATE vendors SET status = 'in_progress', submitted_at = NULL WHERE name = 'Northwind Cognitive'",
    ).run();
    expect(await warning()).toMatch(
      /^Northwind Cognitive and Meridian Automation are still answering\. Once every seat signs, .* their questionnaires lock/,
    );
    db.prepare("UPDATE vendors SET status = 'declined' WHERE name = 'Meridian Automation'").run();
    expect(await warning()).toMatch(/^Northwind Cognitive is still answering\. .* its questionnaire locks/);
    db.prepare("UPDATE vendors SET status = 'submitted', submitted_at = ? WHERE name = 'Northwind Cognitive'").run(
      new Date().toISOString(),
    );
    expect(await warning()).toBeUndefined();
  });
});
