import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAnswers } from "../../src/answers/repo.js";
import { unseal } from "../../src/crypto.js";
import { getQuestionSet } from "../../src/questions/repo.js";
import type { Question } from "../../src/questions/schema.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { findVendor } from "../../src/vendors/repo.js";
import { invitedVendor } from "../portal/helpers.js";
import { readPdf } from "../report/pdf-text.js";
import { axe, launch, serve, shotsDir } from "./browser.js";

let browser: Browser;
let app: Awaited<ReturnType<typeof serve>>;
const shots = shotsDir("vendor-journey");

beforeAll(async () => {
  browser = await launch();
  app = await serve();
  console.log(`vendor journey screenshots: ${shots}`);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

/** Answers one question through its form controls, as a person would. */
async function answer(page: Page, q: Question) {
  const box = page.locator(`#q-${q.key}`);
  if (!(await box.isVisible())) return;
  switch (q.type) {
    case "coverage":
      return box.locator('input[value="included"]').check();
    case "yes_no":
      return box.locator('input[value="yes"]').check();
    case "single_choice":
      return box.locator(`input[value="${q.options![0]!.value}"]`).check();
    case "multi_choice":
      return box.locator(`input[value="${q.options![0]!.value}"]`).check();
    case "text":
      return box.locator("textarea").first().fill("Answered in the browser test.");
    case "date":
      return box.locator("input[type=date]").fill("2027-03-01");
    default:
      return box
        .locator(`[name="q_${q.key}"]`)
        .fill(q.type === "percent" ? "20" : q.type === "number" ? String(Math.min(q.max ?? 12, 12)) : "12000");
  }
}

/** Answers a section; questions that appear once an earlier answer is saved (shows_if) get a second pass. */
async function answerAll(page: Page, qs: Question[]) {
  for (const q of qs) await answer(page, q);
  await waitSaved(page);
  for (const q of qs.filter((x) => x.shows_if)) await answer(page, q);
  await waitSaved(page);
}

async function waitSaved(page: Page) {
  await page.waitForFunction(
    () => document.getElementById("save-status")?.textContent === "All changes saved.",
    undefined,
    { timeout: 15_000 },
  );
}

describe("the vendor journey in Chromium", () => {
  it("answers with autosave, reloads, delegates a section, uploads evidence, submits and downloads the PDF copy", async () => {
    const { path, vendorId, evaluationId } = await invitedVendor(app.db, app.config);
    const set = getQuestionSet(app.db, findEvaluation(app.db, evaluationId)!.questionSetId);
    const section = (role: string) => set.sections.find((s) => s.role === role)!.questions;
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: false });
    await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
    const page = await ctx.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && !m.text().includes("422") && errors.push(m.text()));

    await page.goto(app.url + path);
    expect(new URL(page.url()).pathname).toBe("/portal");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Document triage assistant");
    await page.screenshot({ path: join(shots, "01-landing.png"), fullPage: true });

    await page.click("text=Engineering and architecture");
    await answerAll(page, section("cto"));
    await page.screenshot({ path: join(shots, "02-cto-saved.png"), fullPage: true });
    await page.reload();
    expect(await page.locator("#q-cto_vendor_share-input").inputValue()).toBe("20");
    expect(await page.locator('#q-cto_controls input[value="included"]').isChecked()).toBe(true);
    expect(listAnswers(app.db, vendorId).size).toBe(section("cto").length);

    // Evidence on a question that expects it.
    await page.setInputFiles("#q-cto_controls-file", {
      name: "architecture.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
    });
    await page.click('#q-cto_controls button[form="up-cto_controls"]');
    await expect.poll(() => page.locator("#q-cto_controls .evidence a").first().textContent()).toBe("architecture.pdf");

    // Hand the CFO section to a colleague, who answers it from their own link.
    await page.goto(app.url + "/portal");
    await page.selectOption("#f-role", "cfo");
    await page.fill("#f-name", "Fin Lead");
    await page.fill("#f-email", "fin@acme.example");
    await page.click("text=Send them the section");
    await expect.poll(() => page.locator("ul.sections li", { hasText: "Handed to Fin Lead" }).count()).toBe(1);
    // No mail server here: the main contact is told so and given the colleague's link, with a copy button.
    await expect.poll(() => page.locator("#delegated").textContent()).toContain("No email was sent");
    await page.click('button[data-copy="delegated-link"]');
    await expect.poll(() => page.locator("#delegated [data-copied]").textContent()).toMatch(/Copied\.|Selected/);
    await page.screenshot({ path: join(shots, "02b-delegated-no-mail.png"), fullPage: true });
    const shown = await page.locator("#delegated-link").inputValue();
    const sealed = app.db
      .prepare("SELECT link_enc FROM email_outbox WHERE kind = 'delegation'")
      .pluck()
      .get() as string;
    expect(shown).toBe(unseal(sealed, app.config.sessionSecret));
    const colleague = await (await browser.newContext()).newPage();
    await colleague.goto(shown);
    expect(new URL(colleague.url()).pathname).toBe("/portal/sections/cfo");
    await expect
      .poll(() => colleague.locator("#handed-to-you").textContent())
      .toContain("Casey Vendor (casey@acme.example) at Acme AI handed you this section");
    await answerAll(colleague, section("cfo"));
    expect(await colleague.locator("#q-cfo_roi_costs").isVisible()).toBe(true);
    await colleague.screenshot({ path: join(shots, "03-colleague-cfo.png"), fullPage: true });
    expect(await colleague.locator("text=Engineering and architecture").count()).toBe(0);
    await colleague.click("text=I have finished: tell Casey Vendor");
    await expect.poll(() => colleague.locator("#handed-to-you .flash").textContent()).toContain("has been told");
    await page.goto(app.url + "/portal");
    await expect.poll(() => page.locator("text=They finished it on").count()).toBe(1);

    for (const role of ["product", "procurement"]) {
      await page.goto(`${app.url}/portal/sections/${role}`);
      await answerAll(
        page,
        section(role).filter((q) => q.key !== "proc_spec_owner"),
      );
    }
    // One answer the vendor does not know yet: ticking the box asks for the reason, which saves it.
    const unknown = page.locator("#q-proc_spec_owner");
    await unknown.locator("text=Not known yet").click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("q-proc_spec_owner-nkr");
    await expect.poll(() => unknown.locator("[data-state]").textContent()).toContain("it is saved once you have");
    await page.keyboard.type("Decided with the buyer's legal team in the pilot");
    await waitSaved(page);
    await expect.poll(() => page.locator("[data-progress-nk]").textContent()).toBe(", 1 not known yet");
    await unknown.screenshot({ path: join(shots, "03b-not-known.png") });
    expect(listAnswers(app.db, vendorId).get("proc_spec_owner")!.notKnown).toBe(
      "Decided with the buyer's legal team in the pilot",
    );
    await page.goto(app.url + "/portal/review");
    await expect
      .poll(() => page.locator("p.lead").textContent())
      .toContain("Every required question is answered or marked “not known yet” (1)");
    expect(await page.locator("dd", { hasText: "Not known yet:" }).count()).toBe(1);
    await page.screenshot({ path: join(shots, "04-review.png"), fullPage: true });
    await page.click("text=Submit the questionnaire");
    await expect.poll(() => page.locator(".flash").first().textContent()).toContain("Submitted on");
    await page.screenshot({ path: join(shots, "05-submitted.png"), fullPage: true });
    expect(findVendor(app.db, vendorId)!.status).toBe("submitted");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("text=Download a PDF copy of what you sent"),
    ]);
    const file = await download.path();
    const { text } = readPdf(readFileSync(file));
    expect(text).toContain("Answers of Acme AI");
    expect(text).toContain(findVendor(app.db, vendorId)!.submissionHash!);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe("%PDF-");
    expect(errors).toEqual([]);
  }, 120_000);

  it("works without JavaScript: the plain save button stores answers and shows errors next to the field", async () => {
    const { path, vendorId } = await invitedVendor(app.db, app.config, {
      name: "NoScript Ltd",
      email: "n@noscript.example",
    });
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(app.url + path);
    await page.goto(app.url + "/portal/sections/cfo");
    await page.fill("#q-cfo_implementation_fee-input", "95,000");
    await page.fill("#q-cfo_licence-input", "a lot");
    await page.check('#q-cfo_value_claim input[value="yes"]');
    await page.click("text=Save this section");
    expect(await page.locator("#q-cfo_licence-error").textContent()).toBe(
      "Enter an amount as a number, e.g. 125000 or 125,000.50",
    );
    expect(await page.locator("#q-cfo_licence-input").inputValue()).toBe("a lot");
    // The ROI follow-up appears once the page comes back from the server.
    expect(await page.locator("#q-cfo_roi_costs").isVisible()).toBe(true);
    await page.fill("#q-cfo_licence-input", "48000");
    await page.click("text=Save this section");
    expect(await page.locator("#save-status").textContent()).toBe("All changes saved.");
    expect(listAnswers(app.db, vendorId).get("cfo_licence")!.value).toBe(4_800_000);
    expect(listAnswers(app.db, vendorId).get("cfo_implementation_fee")!.value).toBe(9_500_000);
    await page.screenshot({ path: join(shots, "06-no-js-saved.png"), fullPage: true });
  }, 60_000);

  it("passes axe-core's WCAG 2.1 AA rules on the landing, section, review and submitted pages, and on a phone", async () => {
    const { path, vendorId, evaluationId } = await invitedVendor(app.db, app.config, {
      name: "Axe Corp",
      email: "a@axe.example",
    });
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const page = await (await browser.newContext({ viewport })).newPage();
      await page.goto(app.url + path);
      for (const p of ["/portal", "/portal/sections/cto", "/portal/review"]) {
        await page.goto(app.url + p);
        expect(await axe(page), `${p} at ${viewport.width}px`).toEqual([]);
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      expect(overflow, `no sideways scrolling at ${viewport.width}px`).toBe(false);
    }
    app.db
      .prepare("UPDATE vendors SET status = 'submitted', submitted_at = ? WHERE id = ?")
      .run(new Date().toISOString(), vendorId);
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.url + path);
    expect(await axe(page)).toEqual([]);
    await page.goto(app.url + "/portal/sections/cto");
    expect(await axe(page)).toEqual([]);
    expect(evaluationId).toBeGreaterThan(0);
    // The check itself can fail: a page with an unlabelled field has violations.
    await page.setContent('<html lang="en"><body><main><input type="text"></main></body></html>');
    expect((await axe(page)).map((v) => v.id)).toContain("label");
  }, 60_000);

  it("can be answered with the keyboard alone", async () => {
    const { path, vendorId } = await invitedVendor(app.db, app.config, { name: "Keys Inc", email: "k@keys.example" });
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.url + path);
    await page.goto(app.url + "/portal/sections/cto");
    await page.focus('#q-cto_production_readiness input[value="all"]');
    await page.keyboard.press("Space");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    await waitSaved(page);
    expect(listAnswers(app.db, vendorId).get("cto_production_readiness")!.value).toBe("all");
  }, 60_000);
});
