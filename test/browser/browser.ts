import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ROOT } from "../../src/paths.js";
import { createHttpServer } from "../../src/web/http-server.js";
import { PASSWORD } from "../factories.js";
import { buildSharedApp } from "../helpers.js";
import { launch } from "./chromium.js";

export { launch };

/** The real app listening on 127.0.0.1, over a fresh database. */
export async function serve(env: Record<string, string> = {}) {
  const probe = buildSharedApp({ ...env, BASE_URL: "http://127.0.0.1:1" });
  const server = createHttpServer(probe.app).listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const port = (server.address() as AddressInfo).port;
  // Emailed links must point at the port the server actually took.
  (probe.config as { baseUrl: string }).baseUrl = `http://127.0.0.1:${port}`;
  return { ...probe, url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Signs `page` in as `email` (the test password) through the login form; resolves on the evaluations page. */
export async function signInOn(page: Page, url: string, email: string): Promise<Page> {
  await page.goto(url + "/login");
  await page.fill("#f-email", email);
  await page.fill("#f-password", PASSWORD);
  await page.click("button[type=submit]");
  await page.waitForURL(/\/evaluations/);
  return page;
}

/** Where screenshots go (kept by CI as artefacts). */
export function shotsDir(name: string): string {
  const dir = join(ROOT, "test-artifacts", "screenshots", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

let axeSource: string | undefined;
/** Runs axe-core's WCAG 2.1 A/AA rules on the page; returns the violations. */
export async function axe(
  page: Page,
): Promise<{ id: string; impact: string; nodes: { target: string[] }[]; help: string }[]> {
  axeSource ??= (await import("axe-core")).default.source;
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const r = await (
      window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: never[] }> } }
    ).axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations;
  });
}
