import type { AddressInfo } from "node:net";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { reportsDir, closeReportPool } from "../../src/report/service.js";
import { createHttpServer } from "../../src/web/http-server.js";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeLargeEvaluation, makeUser } from "../factories.js";
import { autosave, invitedVendor, openLink, sectionState } from "../portal/helpers.js";
import { postForm, signIn } from "../web.js";
import { readPdf } from "./pdf-text.js";
import { textsAt } from "../html.js";

afterAll(() => closeReportPool());

const reportCount = (db: import("../../src/db/index.js").Db, e: number) =>
  db.prepare("SELECT count(*) FROM reports WHERE evaluation_id = ?").pluck().get(e) as number;

/** Follows a report request to where it ends: the comparison page (after the progress page, when the report takes more than a second). */
async function settled(agent: import("../web.js").Agent, location: string): Promise<string> {
  for (let i = 0; i < 600 && location.includes("/reports/jobs/"); i++) {
    await new Promise((r) => setTimeout(r, 100));
    const res = await agent.get(location);
    if (res.status === 303) location = res.headers.location!;
  }
  return location;
}

describe("reports from the comparison page", () => {
  it("are generated off the request thread, confirmed on the page with their hash, and named in Unicode when downloaded", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const e = importDemo(db);
    const agent = await signIn(app, admin.email);
    const res = await postForm(agent, `/evaluations/${e}/comparison`, `/evaluations/${e}/reports`, {});
    expect(res.status).toBe(303);
    const location = await settled(agent, res.headers.location!);
    const id = db.prepare("SELECT id FROM reports WHERE evaluation_id = ?").pluck().get(e) as number;
    expect(location).toBe(`/evaluations/${e}/comparison?report=${id}#reports`);
    const page = await agent.get(location);
    const sha = db.prepare("SELECT sha256 FROM reports WHERE id = ?").pluck().get(id) as string;
    expect(textsAt(page.text, ".flash strong")).toContain("Report generated.");
    expect(page.text).toContain(`<li class="current"><a href="/evaluations/${e}/reports/${id}">`);
    expect(page.text).toContain(sha.slice(0, 16));
    const download = await agent
      .get(`/evaluations/${e}/reports/${id}`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(download.headers["content-disposition"]).toMatch(
      /^attachment; filename="Claims intake assistant - production rollout \(demo\) - vendor comparison \d{4}-\d\d-\d\d\.pdf"; filename\*=UTF-8''Claims%20intake%20assistant%20%E2%80%94/,
    );
    expect(readPdf(download.body as Buffer).text).toContain("Swiftpilot AI");
    expect(existsSync(join(reportsDir(config), readdirSync(reportsDir(config))[0]!))).toBe(true);
  }, 60_000);

  it("give the stored report again while nothing changed, and make one report of concurrent requests for the same state", async () => {
    const { app, db, config } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const e = importDemo(db);
    const agent = await signIn(app, admin.email);
    const first = await settled(
      agent,
      (await postForm(agent, `/evaluations/${e}/comparison`, `/evaluations/${e}/reports`, {})).headers.location!,
    );
    const again = await postForm(agent, `/evaluations/${e}/comparison`, `/evaluations/${e}/reports`, {});
    expect(again.headers.location).toBe(first.replace("#reports", "&reused=1#reports"));
    expect((await agent.get(again.headers.location!)).text).toContain(
      "Nothing has changed since this report was generated",
    );
    expect(reportCount(db, e)).toBe(1);
    // A comment changes what the report prints: three members asking at once get one new report.
    await postForm(agent, `/evaluations/${e}/comparison`, `/evaluations/${e}/comments`, {
      body: "Northwind's exit terms look fine.",
    });
    const page = await agent.get(`/evaluations/${e}/comparison`);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const answers = await Promise.all(
      [1, 2, 3].map(() => agent.post(`/evaluations/${e}/reports`).type("form").send({ _csrf: token })),
    );
    const ends = await Promise.all(answers.map((a) => settled(agent, a.headers.location!)));
    expect(new Set(ends.map((l) => l.replace("&reused=1", ""))).size).toBe(1);
    expect(reportCount(db, e)).toBe(2);
    expect(readdirSync(reportsDir(config))).toHaveLength(2);
  }, 60_000);

  it("are limited per user: a seventh new report in a quarter hour is refused, a stored one is still given", async () => {
    const { app, db } = buildTestApp();
    const admin = await makeUser(db, "admin");
    const e = importDemo(db);
    const agent = await signIn(app, admin.email);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      await postForm(agent, `/evaluations/${e}/comparison`, `/evaluations/${e}/comments`, {
        body: `Comment number ${i}`,
      });
      const res = await postForm(agent, `/evaluations/${e}/comparison`, `/evaluations/${e}/reports`, {});
      statuses.push(res.status);
      if (res.status === 303) await settled(agent, res.headers.location!);
    }
    expect(statuses).toEqual([303, 303, 303, 303, 303, 303, 429]);
    expect(reportCount(db, e)).toBe(6);
    const refused = await postForm(agent, `/evaluations/${e}/comparison`, `/evaluations/${e}/reports`, {});
    expect(refused.text).toContain("You have asked for several new reports in a short time");
    // Back to the state of the sixth report: that one is given again, whatever the limit.
    db.prepare("DELETE FROM comments WHERE body = 'Comment number 6'").run();
    const stored = await postForm(agent, `/evaluations/${e}/comparison`, `/evaluations/${e}/reports`, {});
    expect([stored.status, stored.headers.location]).toEqual([303, expect.stringContaining("&reused=1")]);
  }, 90_000);

  it("while a 50-vendor, 10-year report generates, the server keeps answering health checks and autosaves within 100 ms (p99), and the page shows progress", async () => {
    // The progress page from the first moment: on a fast machine the report is done within the usual second.
    const { app, db, config } = buildTestApp({}, { reportProgressAfterMs: 0 });
    const admin = await makeUser(db, "admin");
    const e = makeLargeEvaluation(db, admin.id, 50, 10);
    const { path } = await invitedVendor(db, config);
    const server = createHttpServer(app).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const buyer = await signIn(url, admin.email);
      const vendor = await openLink(url, path);
      const { csrf } = await sectionState(vendor, "cto", "cto_vendor_share");
      // Warm the comparison (the model of 50 vendors is kept by state); then, while health checks and
      // autosaves run back to back, ask for the report and wait for it.
      await buyer.get(`/evaluations/${e}/comparison`);
      const times: number[] = [];
      let generating = true;
      const load = (async () => {
        let revision = 0;
        for (let i = 0; generating; i++) {
          const t = performance.now();
          const [health, save] = await Promise.all([
            fetch(`${url}/healthz`),
            autosave(vendor, csrf, "cto_vendor_share", { q: String(i % 100), revision }),
          ]);
          times.push(performance.now() - t);
          expect(health.status).toBe(200);
          expect(save.status, save.text).toBe(200);
          revision = save.body.revision;
        }
      })();
      const asked = await postForm(buyer, `/evaluations/${e}/comparison`, `/evaluations/${e}/reports`, {});
      expect(asked.headers.location).toMatch(new RegExp(`^/evaluations/${e}/reports/jobs/[0-9a-f-]+$`));
      const progress = await buyer.get(asked.headers.location!);
      expect(progress.text).toContain('<meta http-equiv="refresh" content="1">');
      expect(progress.text).toMatch(/is being laid out: \d+ seconds? so far/);
      const done = await settled(buyer, asked.headers.location!);
      generating = false;
      await load;
      expect(done).toMatch(/\?report=\d+#reports$/);
      expect(reportCount(db, e)).toBe(1);
      times.sort((a, b) => a - b);
      const p99 = times[Math.floor(times.length * 0.99)]!;
      expect(times.length).toBeGreaterThan(20);
      expect(p99, `${times.length} pairs, p99 ${p99.toFixed(0)} ms`).toBeLessThan(100);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 120_000);
});
