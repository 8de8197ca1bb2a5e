import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findUser } from "../../src/auth/users.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { inviteVendor } from "../../src/vendors/invitations.js";
import { findVendor } from "../../src/vendors/repo.js";
import { importDemo, makeEvaluation, makeUser, makeVendor } from "../factories.js";
import { invitedVendor } from "../portal/helpers.js";
import { axe, launch, serve, shotsDir, signInOn } from "./browser.js";

/**
 * The first hour of each role, at a desktop's width and a phone's: what the page shows at each
 * step that people tripped over (issue 18), checked in Chromium, with axe on every page.
 */
let browser: Browser;
let app: Awaited<ReturnType<typeof serve>>;
let demo: number;
const shots = shotsDir("roles");
const WIDTHS = [1280, 390];

beforeAll(async () => {
  browser = await launch();
  app = await serve();
  demo = importDemo(app.db);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function page(width: number): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 } });
  await ctx.grantPermissions(["clipboard-read", "clipboard-write"], { origin: app.url });
  return ctx.newPage();
}
async function signedIn(width: number, email: string): Promise<Page> {
  return signInOn(await page(width), app.url, email);
}
/** Elements that stick out to the right of the window (outside tables, which scroll in their own box). */
const sideways = (p: Page) =>
  p.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest(".table-wrap"))
      .map((el) => `${el.tagName.toLowerCase()}.${String(el.className)}`)
      .slice(0, 5),
  );
async function checked(p: Page, name: string) {
  await p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  expect(await axe(p), name).toEqual([]);
  expect(await sideways(p), `${name}: nothing sticks out sideways`).toEqual([]);
  expect(await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), name).toBeLessThanOrEqual(1);
}

describe("each role's first hour in Chromium", () => {
  for (const width of WIDTHS) {
    it(`procurement at ${width} px: next steps for the stage, the outbox's copy button`, async () => {
      const buyer = await makeUser(app.db, "buyer", { name: `Bo Buyer ${width}` });
      const evaluationId = makeEvaluation(app.db, buyer.id);
      const vendorId = makeVendor(app.db, evaluationId, { name: `Vendor ${width}` });
      const e = findEvaluation(app.db, evaluationId)!;
      inviteVendor(app.db, app.config, e, findVendor(app.db, vendorId)!, findUser(app.db, buyer.id)!);
      const p = await signedIn(width, buyer.email);
      await p.goto(`${app.url}/evaluations/${evaluationId}`);
      const steps = await p.locator(".next-steps li").allTextContents();
      expect(steps[0]).toMatch(
        /^Vendor \d+ is still answering; answers are due on 30 Jun 2099\. You can send reminders once/,
      );
      expect(await p.locator("tbody td.num").first().textContent()).toMatch(/^0\/\d+$/);
      await checked(p, `buyer-evaluation-${width}`);
      await p.goto(`${app.url}/outbox`);
      const card = p.locator("article", { hasText: `Vendor ${width}` }).first();
      expect(await card.locator(".muted").first().textContent()).toContain("Vendor invitation to");
      await card.locator("button[data-copy]").click();
      await expect.poll(() => card.locator("[data-copied]").textContent()).toBe("Copied.");
      await checked(p, `buyer-outbox-${width}`);
    }, 90_000);

    it(`a vendor at ${width} px: the bars leave room, an upload lands on its question in view`, async () => {
      const { path } = await invitedVendor(app.db, app.config, { name: `Uploader ${width}` });
      const p = await page(width);
      await p.goto(app.url + path);
      await p.goto(app.url + "/portal/sections/cto");
      const sticky = await p.locator(".sticky-progress").evaluate((el) => getComputedStyle(el).position);
      expect(sticky).toBe(width < 600 ? "static" : "sticky");
      await p.setInputFiles("#q-cto_controls-file", {
        name: "controls.pdf",
        mimeType: "application/pdf",
        buffer: Buffer.from("%PDF-1.4\n%%EOF\n"),
      });
      await p.click('#q-cto_controls button[form="up-cto_controls"]');
      await p.waitForURL(/#q-cto_controls$/);
      // The question's title is below the sticky bar, not under it.
      const title = await p.locator("#q-cto_controls legend").evaluate((el) => el.getBoundingClientRect().top);
      const barBottom = await p.locator(".sticky-progress").evaluate((el) => {
        const r = el.getBoundingClientRect();
        return getComputedStyle(el).position === "sticky" ? r.bottom : 0;
      });
      expect(title).toBeGreaterThanOrEqual(barBottom);
      await p.check('#q-cto_controls input[value="partial"]');
      await expect.poll(() => p.locator("#save-status").textContent(), { timeout: 15_000 }).toBe("All changes saved.");
      await checked(p, `vendor-section-${width}`);
    }, 90_000);

    it(`the committee at ${width} px: what each column means, a refused decision said at the top`, async () => {
      const member = await makeUser(app.db, "committee", { name: `Cy Committee ${width}`, committeeRole: "cfo" });
      app.db.prepare("INSERT INTO evaluation_members (evaluation_id, user_id) VALUES (?, ?)").run(demo, member.id);
      const p = await signedIn(width, member.email);
      await p.goto(`${app.url}/evaluations/${demo}`);
      expect(await p.locator(".next-steps li").last().textContent()).toBe(
        "Comment there, and sign the proposed decision for your seat.",
      );
      await p.goto(`${app.url}/evaluations/${demo}/comparison`);
      expect(await p.locator("#columns dt").first().isVisible()).toBe(true);
      expect(await p.locator("#columns dd").nth(1).textContent()).toContain("headline quote");
      expect(await p.locator("#f-reason").count()).toBe(1);
      await p.locator('form[action$="/decisions"] button[type=submit]').click();
      await p.waitForSelector("#error-summary");
      expect(await p.evaluate(() => document.activeElement?.id)).toBe("error-summary");
      const top = await p.locator("#error-summary").evaluate((el) => el.getBoundingClientRect().top);
      expect(top).toBeLessThan(width < 600 ? 844 : 900);
      await checked(p, `committee-comparison-${width}`);
    }, 90_000);
  }
});
