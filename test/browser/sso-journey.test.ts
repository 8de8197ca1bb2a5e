import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { findUserByEmail } from "../../src/auth/users.js";
import { buildTestApp } from "../helpers.js";
import { CLIENT_ID, CLIENT_SECRET, listenLocal, startProvider } from "../auth/oidc.js";
import { axe, launch, shotsDir } from "./browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe("single sign-on in Chromium", () => {
  it("signs in through the provider and out of both, within the site's CSP", async () => {
    const served = await listenLocal();
    const op = await startProvider(served.url);
    const t = buildTestApp({
      BASE_URL: served.url,
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_ROLE_MAP: "tc-buyers=buyer",
      OIDC_SCOPES: "openid email profile groups",
      OIDC_BUTTON_LABEL: "Sign in with Acme ID",
      SSO_ONLY: "true",
    });
    served.handle(t.app);
    op.addAccount("kim-sub", {
      email: "kim@acme.example",
      email_verified: true,
      name: "Kim Kato",
      groups: ["tc-buyers"],
    });
    op.signInAs("kim-sub");
    const shots = shotsDir("sso");
    const page = await browser.newPage();
    const refused: string[] = [];
    page.on("console", (m) => /Content Security Policy|Refused to/i.test(m.text()) && refused.push(m.text()));
    try {
      await page.goto(`${served.url}/login`);
      await page.screenshot({ path: `${shots}/1-login.png`, fullPage: true });
      expect(await axe(page)).toEqual([]);
      await page.getByText("Break-glass administrator sign-in").click();
      expect(await page.getByLabel("Password").isVisible()).toBe(true);
      await page.getByRole("link", { name: "Sign in with Acme ID" }).click();
      await page.waitForURL(`${served.url}/evaluations`);
      expect(await page.locator("header").innerText()).toContain("Kim Kato · buyer");
      await page.screenshot({ path: `${shots}/2-signed-in.png`, fullPage: true });
      expect(findUserByEmail(t.db, "kim@acme.example")?.role).toBe("buyer");
      // The sign-out form leads to the provider: form-action must allow the issuer's origin.
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(new RegExp(`^${op.issuer}/session/end`));
      await page.getByRole("button", { name: "Yes, sign me out" }).click();
      await page.waitForURL(`${served.url}/login`);
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Sign in");
      // Refused by the provider's account table: a refusal page a person can act on.
      op.addAccount("lee-sub", { email: "lee@acme.example", email_verified: true, groups: ["staff"] });
      op.signInAs("lee-sub");
      await page.getByRole("link", { name: "Sign in with Acme ID" }).click();
      await page.waitForURL(`${served.url}/login/sso/callback**`);
      expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Access not granted");
      await page.screenshot({ path: `${shots}/3-refused.png`, fullPage: true });
      expect(await axe(page)).toEqual([]);
      expect(refused).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
