import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserToken } from "../../src/auth/users.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { createMailer, processOutbox } from "../../src/mail/outbox.js";
import { ROOT } from "../../src/paths.js";
import { saveVendorAnswer } from "../../src/portal/service.js";
import { findVendor } from "../../src/vendors/repo.js";
import { makeUser, PASSWORD } from "../factories.js";
import { bodyOf, startSmtp } from "../smtp.js";
import { readPdf } from "../report/pdf-text.js";
import { launch, serve, shotsDir, signInOn } from "./browser.js";

let browser: Browser;
let app: Awaited<ReturnType<typeof serve>>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const shots = shotsDir("journey");
let shot = 0;
const snap = (page: Page, name: string) =>
  page.screenshot({ path: join(shots, `${String(++shot).padStart(2, "0")}-${name}.png`), fullPage: true });
const demo = JSON.parse(readFileSync(join(ROOT, "src", "demo", "demo-bundle.json"), "utf8")) as {
  vendors: { answers: Record<string, unknown> }[];
};

beforeAll(async () => {
  smtp = await startSmtp();
  browser = await launch();
  app = await serve({ SMTP_URL: smtp.url });
  console.log(`journey screenshots: ${shots}`);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await smtp?.close();
});

/** Sends what is queued, through the real SMTP server, and returns the new messages' text. */
async function deliver(): Promise<{ to: string; subject: string; body: string }[]> {
  const before = smtp.messages.length;
  await processOutbox(app.db, createMailer(app.config), app.config);
  return smtp.messages
    .slice(before)
    .map((m) => ({ to: m.to[0]!, subject: /^Subject: (.*)$/m.exec(m.raw)?.[1] ?? "", body: bodyOf(m.raw) }));
}
const linkIn = (body: string) => /(http:\/\/127\.0\.0\.1:\d+\/v\/[\w-]+)/.exec(body)![1]!;

async function signIn(ctx: BrowserContext, email: string): Promise<Page> {
  return signInOn(await ctx.newPage(), app.url, email);
}

describe("the whole journey in Chromium", () => {
  it("from the first admin to the committee's sign-off", async () => {
    // 1. The first admin, from the one-time setup link.
    const buyerCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const buyer = await buyerCtx.newPage();
    await buyer.goto(`${app.url}/setup/${createUserToken(app.db, null, "setup", 24)}`);
    await buyer.fill("#f-name", "Ada Procurement");
    await buyer.fill("#f-email", "ada@buyer.example");
    await buyer.fill("#f-password", PASSWORD);
    await buyer.fill("#f-confirm", PASSWORD);
    await buyer.click("text=Create the account");
    await buyer.waitForURL(/\/evaluations$/);
    await snap(buyer, "dashboard-empty");

    // 2. An evaluation from the default question set.
    await buyer.click("text=New evaluation");
    await buyer.fill("#f-title", "Claims intake assistant");
    await buyer.fill("#f-description", "Reads incoming claims and drafts a triage decision for a handler.");
    await buyer.fill("#f-dayRate", "900");
    await buyer.fill("#f-valueEstimate", "420000");
    await snap(buyer, "new-evaluation");
    await buyer.click("text=Create the evaluation");
    await buyer.waitForURL(/\/evaluations\/\d+$/);
    const evaluationId = Number(buyer.url().split("/").at(-1));

    // 3. Three vendors, invited by email through the SMTP server.
    for (const [name, contact, email] of [
      ["Swiftpilot AI", "Dana Reyes", "dana@swiftpilot.example"],
      ["Northwind Cognitive", "Mikael Strand", "mikael@northwind.example"],
      ["Meridian Automation", "Priya Natarajan", "priya@meridian.example"],
    ]) {
      await buyer.fill("#f-name", name!);
      await buyer.fill("#f-contactName", contact!);
      await buyer.fill("#f-contactEmail", email!);
      await buyer.click("text=Add the vendor");
      await buyer.waitForURL(/#vendors$/);
    }
    await snap(buyer, "vendors-invited");
    const invitations = await deliver();
    expect(invitations.map((m) => m.to).sort()).toEqual([
      "dana@swiftpilot.example",
      "mikael@northwind.example",
      "priya@meridian.example",
    ]);
    const link = (to: string) => linkIn(invitations.find((m) => m.to === to)!.body);
    const vendorIds = app.db
      .prepare("SELECT id, name FROM vendors WHERE evaluation_id = ? ORDER BY id")
      .all(evaluationId) as { id: number; name: string }[];
    const [swift, north, meridian] = vendorIds.map((v) => findVendor(app.db, v.id)!);

    // 4a. Swiftpilot: answers its own sections, hands the CFO section to its finance lead.
    const dana = await (await browser.newContext()).newPage();
    await dana.goto(link("dana@swiftpilot.example"));
    await snap(dana, "vendor-landing");
    await dana.selectOption("#f-role", "cfo");
    await dana.fill("#f-name", "Lee Finance");
    await dana.fill("#f-email", "lee@swiftpilot.example");
    await dana.click("text=Send them the section");
    const [delegation] = await deliver();
    expect(delegation!.to).toBe("lee@swiftpilot.example");
    const lee = await (await browser.newContext()).newPage();
    await lee.goto(linkIn(delegation!.body));
    expect(new URL(lee.url()).pathname).toBe("/portal/sections/cfo");
    await lee.fill("#q-cfo_implementation_fee-input", "95000");
    await lee.waitForFunction(() => document.getElementById("save-status")?.textContent === "All changes saved.");
    await snap(lee, "colleague-cfo");
    for (const [k, v] of Object.entries(demo.vendors[0]!.answers))
      if (k !== "cfo_implementation_fee")
        saveVendorAnswer(app.db, findVendor(app.db, swift!.id)!, evaluationId, k, v as never, 0, "test");
    await dana.goto(app.url + "/portal/review");
    await dana.click("text=Submit the questionnaire");
    await dana.waitForSelector("text=Submitted on");

    // 4b. Northwind: uploads evidence for its controls and submits.
    const mikael = await (await browser.newContext()).newPage();
    await mikael.goto(link("mikael@northwind.example"));
    for (const [k, v] of Object.entries(demo.vendors[1]!.answers))
      saveVendorAnswer(app.db, findVendor(app.db, north!.id)!, evaluationId, k, v as never, 0, "test");
    await mikael.goto(app.url + "/portal/sections/cto");
    await mikael.setInputFiles("#q-cto_controls-file", {
      name: "control-architecture.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
    });
    await mikael.click('#q-cto_controls button[form="up-cto_controls"]');
    await mikael.waitForSelector("#q-cto_controls .evidence a");
    await snap(mikael, "vendor-evidence");
    await mikael.goto(app.url + "/portal/review");
    await mikael.click("text=Submit the questionnaire");
    await mikael.waitForSelector("text=Submitted on");

    // 4c. Meridian: answers part of it and leaves the rest.
    const priya = await (await browser.newContext()).newPage();
    await priya.goto(link("priya@meridian.example"));
    const partial = Object.entries(demo.vendors[2]!.answers).slice(0, 30);
    for (const [k, v] of partial)
      saveVendorAnswer(app.db, findVendor(app.db, meridian!.id)!, evaluationId, k, v as never, 0, "test");
    await priya.goto(app.url + "/portal/review");
    await snap(priya, "vendor-review-missing");
    expect(await priya.locator("p.lead").textContent()).toMatch(/required questions are still unanswered/);
    await deliver();

    // 5. A clarification goes back and forth.
    await buyer.goto(`${app.url}/evaluations/${evaluationId}/vendors/${swift!.id}`);
    await snap(buyer, "review-swiftpilot");
    await buyer.locator("#q-cto_monitoring summary", { hasText: "Ask about this answer" }).click();
    await buyer.fill("#clar-cto_monitoring", "Monitoring is excluded: who watches output quality after go-live?");
    await buyer.locator("#q-cto_monitoring button", { hasText: "Send" }).click();
    const [clarMail] = await deliver();
    expect(clarMail!.body).toContain("asks for a clarification on your answer to");
    await dana.goto(linkIn(clarMail!.body));
    await dana.goto(app.url + "/portal/sections/cto#q-cto_monitoring");
    await dana
      .locator("#q-cto_monitoring textarea[name=body]")
      .fill("Customers run it themselves; a managed option comes next year.");
    const [reply] = await Promise.all([
      dana.waitForResponse((r) => r.url().includes("/reply")),
      dana.locator("#q-cto_monitoring button", { hasText: "Send reply" }).click(),
    ]);
    expect(reply.status()).toBe(303);
    await dana.goto(app.url + "/portal/sections/cto");
    expect(await dana.locator("#q-cto_monitoring .thread").textContent()).toContain("a managed option comes next year");
    await buyer.goto(`${app.url}/evaluations/${evaluationId}/vendors/${swift!.id}`);
    expect(await buyer.locator("#q-cto_monitoring .thread").textContent()).toContain(
      "a managed option comes next year",
    );
    await buyer.locator("#q-cto_monitoring button", { hasText: "Mark resolved" }).click();

    // 6. The buyer reopens Northwind's submission; the vendor changes an answer and submits again.
    await buyer.goto(`${app.url}/evaluations/${evaluationId}/vendors/${north!.id}`);
    await buyer.click("text=Reopen this submission");
    await buyer.fill("#f-reason", "Please confirm the licence includes the usage volume.");
    await buyer.click("text=Reopen and tell the vendor");
    await mikael.goto(app.url + "/portal");
    expect(await mikael.locator(".flash").first().textContent()).toContain(
      "Please confirm the licence includes the usage volume.",
    );
    await mikael.goto(app.url + "/portal/sections/cfo");
    await mikael.fill("#q-cfo_licence-input", "74000");
    await mikael.waitForFunction(() => document.getElementById("save-status")?.textContent === "All changes saved.");
    await mikael.goto(app.url + "/portal/review");
    await mikael.click("text=Submit the questionnaire");
    await mikael.waitForSelector("text=Submitted on");

    // 7. The comparison shows the rank flip; the PDF is downloaded and read back.
    await buyer.goto(`${app.url}/evaluations/${evaluationId}/comparison`);
    expect(await buyer.locator("p.lead").textContent()).toContain("Swiftpilot AI is cheapest at entry");
    const flips = await buyer.locator(".flip").allTextContents();
    expect(flips.join(" ")).toContain("the flip is caused by exclusions");
    await snap(buyer, "comparison");
    await buyer.click("text=Generate the PDF report");
    await buyer.waitForSelector("text=Report generated.");
    expect(await buyer.locator("ul.reports li.current").count()).toBe(1);
    const [download] = await Promise.all([buyer.waitForEvent("download"), buyer.click("text=Download the PDF")]);
    expect(download.suggestedFilename()).toMatch(
      /^Claims intake assistant.* — vendor comparison \d{4}-\d\d-\d\d\.pdf$/,
    );
    const text = readPdf(readFileSync(await download.path())).text.replace(/\s+/g, " ");
    expect(text).toContain("Swiftpilot AI is cheapest at entry");
    expect(text).toContain("Claims intake assistant");

    // 8. The committee signs off: one member per section sent.
    const seats = ["cto", "cfo", "product", "procurement"] as const;
    for (const seat of seats) {
      const m = await makeUser(app.db, "committee", {
        committeeRole: seat,
        name: `${seat.toUpperCase()} member`,
        email: `${seat}@buyer.example`,
      });
      app.db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(evaluationId, m.id);
    }
    const cfo = await signIn(await browser.newContext(), "cfo@buyer.example");
    await cfo.goto(`${app.url}/evaluations/${evaluationId}/comparison#committee`);
    await cfo.fill("#f-body", "The entry price hides the operating layer; Northwind is cheaper over three years.");
    await cfo.click("text=Add the comment");
    await cfo.check('input[name=outcome][value="approve"]');
    await cfo.selectOption("#f-vendorId", String(north!.id));
    await cfo.fill("#f-reason", "Lowest adjusted three-year total, with ownership terms we can live with.");
    await Promise.all([cfo.waitForResponse((r) => r.url().endsWith("/decisions")), cfo.click("text=Propose and sign")]);
    for (const seat of ["cto", "product", "procurement"]) {
      const m = await signIn(await browser.newContext(), `${seat}@buyer.example`);
      await m.goto(`${app.url}/evaluations/${evaluationId}/comparison#committee`);
      await Promise.all([
        m.waitForResponse((r) => r.url().endsWith("/sign")),
        m.click(`text=Sign for ${seat.toUpperCase()}`),
      ]);
    }
    await cfo.goto(`${app.url}/evaluations/${evaluationId}/comparison`);
    expect(await cfo.locator("#committee + .flash").textContent()).toContain("Decision recorded");
    await snap(cfo, "signed-off");
    expect(findEvaluation(app.db, evaluationId)!.status).toBe("decided");

    // 9. Every step is in the audit log: the newest page holds the last steps, the pages and the filter the rest.
    await buyer.goto(`${app.url}/evaluations/${evaluationId}/audit`);
    expect(await buyer.locator("table").textContent()).toContain("decision.recorded");
    await snap(buyer, "audit-log");
    await buyer.getByRole("link", { name: "Older" }).click();
    expect(await buyer.locator("table tbody tr").count()).toBeGreaterThan(0);
    for (const a of [
      "evaluation.created",
      "vendor.invited",
      "vendor.section_delegated",
      "evidence.uploaded",
      "vendor.submitted",
      "clarification.opened",
      "clarification.replied",
      "clarification.resolved",
      "vendor.reopened",
      "report.generated",
      "comment.added",
      "decision.recorded",
    ]) {
      await buyer.selectOption("#action", a);
      await buyer.getByRole("button", { name: "Filter" }).click();
      expect(await buyer.locator("table").textContent(), a).toContain(a);
    }
  }, 180_000);
});
