import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUser, PASSWORD } from "../factories.js";
import { launch, serve } from "./browser.js";

let browser: Browser;
let app: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  browser = await launch();
  app = await serve();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("forms in Chromium", () => {
  it("Enter in a field of the new-evaluation form creates the evaluation, not the defaults' refresh", async () => {
    const buyer = await makeUser(app.db, "buyer");
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.url + "/login");
    await page.fill("#f-email", buyer.email);
    await page.fill("#f-password", PASSWORD);
    await page.press("#f-password", "Enter");
    await page.waitForURL(/\/evaluations$/);
    await page.goto(app.url + "/evaluations/new");
    await page.fill("#f-title", "Enter creates it");
    await page.fill("#f-dayRate", "900");
    await page.press("#f-title", "Enter");
    await page.waitForURL(/\/evaluations\/\d+$/, { timeout: 10_000 });
    expect(await page.locator("h1").textContent()).toBe("Enter creates it");
  });
});
