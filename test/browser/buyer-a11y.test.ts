import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listVendors } from "../../src/vendors/repo.js";
import { importDemo, makeUser } from "../factories.js";
import { axe, launch, serve, signInOn } from "./browser.js";
import { createDraft } from "../../src/library/repo.js";
import { rawOf } from "../../src/library/raw.js";
import { getQuestionSet, listQuestionSets } from "../../src/questions/repo.js";

let browser: Browser;
let app: Awaited<ReturnType<typeof serve>>;
let e: number;
let vendor: number;
let email: string;
let draft: number;
let versions: { id: number }[];

beforeAll(async () => {
  browser = await launch();
  app = await serve();
  email = (await makeUser(app.db, "admin", { name: "Ada Admin" })).email;
  e = importDemo(app.db);
  vendor = listVendors(app.db, e)[0]!.id;
  versions = listQuestionSets(app.db).filter((s) => s.setKey === "ai_production");
  draft = createDraft(app.db, rawOf(getQuestionSet(app.db, versions[0]!.id)), versions[0]!.id, null);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function signedIn(width: number): Promise<Page> {
  return signInOn(await (await browser.newContext({ viewport: { width, height: 900 } })).newPage(), app.url, email);
}

const summary = (vs: Awaited<ReturnType<typeof axe>>) =>
  vs.map(
    (v) =>
      `${v.id} (${v.nodes.length}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(" "))
        .join(", ")}`,
  );

describe("every buyer page passes axe-core's WCAG 2.1 AA rules", () => {
  for (const width of [1280, 390]) {
    it(`at ${width} px, with and without errors on the page`, async () => {
      const page = await signedIn(width);
      const pages = [
        "/evaluations",
        "/evaluations/new",
        `/evaluations/${e}`,
        `/evaluations/${e}/vendors/${vendor}`,
        `/evaluations/${e}/comparison`,
        `/evaluations/${e}/audit`,
        "/outbox",
        "/admin/users",
        `/evaluations/${e}/frameworks`,
        "/library",
        `/library/drafts/${draft}`,
        `/library/drafts/${draft}/questions/cto/1`,
        `/library/drafts/${draft}/assumptions/0`,
        `/library/drafts/${draft}/placement`,
        `/library/drafts/${draft}/sections/cfo`,
        `/library/drafts/${draft}/preview/cfo`,
        `/library/sets/${versions[0]!.id}`,
        `/library/sets/${versions[0]!.id}/diff?against=${versions.at(-1)!.id}`,
      ];
      const found: Record<string, string[]> = {};
      for (const p of pages) {
        await page.goto(app.url + p);
        const vs = summary(await axe(page));
        if (vs.length) found[p] = vs;
      }
      // A price links to its vendor's cost lines, which open instead of staying a closed summary.
      await page.goto(`${app.url}/evaluations/${e}/comparison`);
      const target = (await page.locator('a[href^="#lines-"]').first().getAttribute("href"))!;
      await page.locator('a[href^="#lines-"]').first().click();
      await expect.poll(() => page.locator(target).evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
      // Pages showing errors: a refused new evaluation, a refused comment, a refused decision.
      await page.goto(app.url + "/evaluations/new");
      await page.fill("#f-title", "");
      await page.click("text=Create the evaluation");
      await page.waitForSelector(".flash-error, .error");
      // The page opens on the error summary, whose links lead to the fields.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
      await page.click('#error-summary a[href="#f-title"]');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("f-title");
      const refused = summary(await axe(page));
      if (refused.length) found["/evaluations/new (refused)"] = refused;
      // A question of the editor refused by the loader's schema: each message next to its field.
      await page.goto(`${app.url}/library/drafts/${draft}/questions/cto/1`);
      await page.fill("#f-text", "Short");
      await page.locator("form.editor-form button[type=submit]").click();
      await page.waitForSelector("#f-text-error");
      const editor = summary(await axe(page));
      if (editor.length) found["editor (refused)"] = editor;
      await page.goto(`${app.url}/evaluations/${e}/comparison`);
      await page
        .locator("#comments button[type=submit], form[action$='/comments'] button[type=submit]")
        .first()
        .click();
      await page.waitForSelector(".error");
      // The comment form sits far down the page: the refusal is said at the top, with a link to the field.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("error-summary");
      expect(await page.locator("#error-summary").evaluate((el) => el.getBoundingClientRect().top)).toBeLessThan(900);
      await page.click('#error-summary a[href="#f-body"]');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("f-body");
      const comment = summary(await axe(page));
      if (comment.length) found["comparison (refused comment)"] = comment;
      expect(found).toEqual({});
    }, 120_000);
  }
});
