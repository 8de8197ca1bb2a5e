import request from "supertest";
import { describe, expect, it } from "vitest";
import { saveAnswer } from "../../src/answers/repo.js";
import { createMailer, processOutbox } from "../../src/mail/outbox.js";
import { generateReport } from "../../src/report/service.js";
import { buildTestApp } from "../helpers.js";
import { makeUser } from "../factories.js";
import { postForm, signIn } from "../web.js";
import { smtpForTest } from "../smtp.js";
import { readPdf } from "../report/pdf-text.js";
import { invitedVendor, openLink } from "../portal/helpers.js";

const XSS = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

describe("script and HTML payloads stay inert", () => {
  it("in every page, in email and in the PDF", async () => {
    const smtp = await smtpForTest();
    const { app, db, config } = buildTestApp({ SMTP_URL: smtp.url });
    const admin = await makeUser(db, "admin", { name: `Admin ${XSS}` });
    const agent = await signIn(app, admin.email);
    const created = await postForm(agent, "/evaluations/new", "/evaluations", {
      title: `Eval ${XSS}`,
      description: XSS,
      questionSetId: "1",
      roles: ["cto", "cfo", "product", "procurement"],
      tier: "production",
      horizonYears: "3",
      currency: "EUR",
      dayRate: "800",
      dueDate: "2099-01-01",
      sensitivityPercent: "30",
      action: "save",
    });
    const id = Number(String(created.headers.location).split("/").at(-1));
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors`, {
      name: `Vendor ${XSS}`,
      contactName: XSS,
      contactEmail: "x@vendor.example",
      invite: "on",
    });
    const vid = db.prepare("SELECT id FROM vendors WHERE evaluation_id = ?").pluck().get(id) as number;
    saveAnswer(db, { vendorId: vid, questionKey: "proc_subprocessors", value: XSS, expectedRevision: 0, actor: "t" });
    saveAnswer(db, {
      vendorId: vid,
      questionKey: "cto_controls",
      value: { status: "excluded" },
      expectedRevision: 0,
      actor: "t",
    });
    await postForm(agent, `/evaluations/${id}/vendors/${vid}`, `/evaluations/${id}/vendors/${vid}/clarifications`, {
      questionKey: "cto_controls",
      visibility: "vendor",
      body: XSS,
    });
    await postForm(agent, `/evaluations/${id}/comparison`, `/evaluations/${id}/comments`, { body: XSS });
    const pages = [
      "/evaluations",
      `/evaluations/${id}`,
      `/evaluations/${id}/vendors/${vid}`,
      `/evaluations/${id}/comparison`,
      `/evaluations/${id}/audit`,
      "/outbox",
      "/admin/users",
    ];
    for (const p of pages) {
      const html = (await agent.get(p)).text;
      expect(html, p).not.toContain("<script>alert");
      expect(html, p).not.toContain("<img src=x");
      expect(html, p).toContain("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;");
    }
    const csv = (await agent.get(`/evaluations/${id}/comparison.csv`)).text;
    expect(csv).not.toMatch(/^[=+\-@]/m);

    const { path } = await invitedVendor(db, config, { evaluationId: id, name: `Other ${XSS}` });
    const vendor = await openLink(app, path);
    for (const p of ["/portal", "/portal/sections/cto"])
      expect((await vendor.get(p)).text).not.toContain("<script>alert");

    await processOutbox(db, createMailer(config), config);
    expect(smtp.messages.length).toBeGreaterThan(0);
    for (const m of smtp.messages) {
      expect(m.raw).toMatch(/Content-Type: text\/plain; charset=utf-8/i);
      expect(m.raw).not.toMatch(/Content-Type: text\/html/i);
    }

    const report = await generateReport(db, config, id, { actor: "t", name: "T" });
    const { text, info } = readPdf(report!.pdf);
    expect(info).toMatch(/JavaScript:\s+no/);
    expect(text.replace(/\s+/g, " ")).toContain(`Vendor <script>alert("x")</script>`);
    expect((await request(app).get("/")).headers["content-security-policy"]).toContain("script-src 'self'");
  });
});
