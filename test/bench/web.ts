import { join } from "node:path";
import { loadConfig } from "../../src/config.js";
import { dbPath, openDb } from "../../src/db/index.js";
import { migrate } from "../../src/db/migrate.js";
import { syncQuestionSets } from "../../src/questions/repo.js";
import { saveAnswer } from "../../src/answers/repo.js";
import { refreshProgress } from "../../src/vendors/service.js";
import { createLink } from "../../src/vendors/links.js";
import { getQuestionSet } from "../../src/questions/repo.js";
import { render } from "../../src/report/worker.js";
import { hashPassword } from "../../src/crypto.js";
import { insertUser } from "../../src/auth/users.js";
import { makeEvaluation, makeVendor } from "../factories.js";
import { syntheticAnswers } from "./fixtures.js";
import type autocannon from "autocannon";
import { cannon, type HttpResult } from "./http.js";
import { spawn } from "node:child_process";
import { ROOT } from "../../src/paths.js";
import { VendorClient } from "../faults/child.js";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { csrfOf } from "../html.js";
import { launch } from "../browser/chromium.js";

/** A fresh database with an admin and an evaluation of `vendors` vendors with every answer filled, served by a child process. */
export async function benchApp(vendors: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "truecost-bench-"));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: "silent", LINK_FAILURES_PER_10_MIN: "100000" });
  const db = openDb(dbPath(dataDir));
  migrate(db);
  syncQuestionSets(db);
  const adminId = insertUser(db, {
    email: "admin@bench.example",
    name: "Bench Admin",
    role: "admin",
    passwordHash: await hashPassword("bench password long"),
  });
  const e = makeEvaluation(db, adminId);
  db.prepare("UPDATE evaluations SET status = 'open' WHERE id = ?").run(e);
  const set = getQuestionSet(db, 1);
  const ids: number[] = [];
  for (let i = 0; i < vendors; i++) {
    const v = makeVendor(db, e, { name: `Vendor ${i + 1}`, contactEmail: `v${i}@bench.example` });
    db.transaction(() => {
      for (const [k, val] of Object.entries(syntheticAnswers(set, i + 1)))
        saveAnswer(db, { vendorId: v, questionKey: k, value: val, expectedRevision: 0, actor: "bench" });
      // As an import does: the vendor's progress is stored with its answers.
      refreshProgress(db, v);
    })();
    ids.push(v);
  }
  const served = await serveChild("truecost", dataDir);
  (config as { baseUrl: string }).baseUrl = served.url;
  return { db, config, evaluationId: e, vendorIds: ids, served, dataDir };
}

export interface Served {
  url: string;
  /** The CPU time the server process has used so far, in microseconds. */
  cpu: () => Promise<number>;
  /** The server process's peak resident memory so far (its threads included), in MiB. */
  peakRssMb: () => number;
  close: () => Promise<void>;
}

/** Runs autocannon against a served child and adds the server's CPU time per request over the run. */
async function measured(served: Served, path: string, opts: Parameters<typeof cannon>[1]): Promise<HttpResult> {
  const before = await served.cpu();
  const r = await cannon(served.url + path, opts);
  r.cpuUsPerRequest = ((await served.cpu()) - before) / Math.max(1, r.requests);
  return r;
}

/** A bare Express server started for one measurement, then stopped. */
async function measuredBare(
  mode: "bare" | "bare-on-truecost-server",
  path: string,
  opts: Parameters<typeof cannon>[1],
): Promise<HttpResult> {
  const served = await serveChild(mode);
  try {
    return await measured(served, path, opts);
  } finally {
    await served.close();
  }
}

/** Starts a benchmark server in a child process, so that the load generator does not share its event loop. */
async function serveChild(mode: "truecost" | "bare" | "bare-on-truecost-server", dataDir = ""): Promise<Served> {
  const prof =
    process.env.BENCH_PROFILE && mode === "truecost"
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
  const child = spawn(process.execPath, [...prof, join(ROOT, "dist", "test", "bench", "server.js"), mode, dataDir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  // A benchmark that fails must not leave its servers running.
  process.once("exit", () => child.kill("SIGKILL"));
  const lines: string[] = [];
  let waiting: ((line: string) => void) | undefined;
  let out = "";
  child.stdout!.on("data", (c: Buffer) => {
    out += c.toString();
    let i;
    while ((i = out.indexOf("\n")) >= 0) {
      const line = out.slice(0, i).trim();
      out = out.slice(i + 1);
      if (waiting) (waiting(line), (waiting = undefined));
      else lines.push(line);
    }
  });
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const l = lines.shift();
      if (l !== undefined) return resolve(l);
      waiting = resolve;
      child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    });
  const url = await nextLine();
  return {
    url,
    cpu: async () => (child.kill("SIGUSR2"), Number((await nextLine()).replace("cpu ", ""))),
    peakRssMb: () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0) / 1024,
    close: () => new Promise<void>((r) => (child.once("exit", () => r()), child.kill("SIGTERM"))),
  };
}

/** Opens `n` vendor sessions (each its own vendor) and returns their cookies and CSRF tokens. */
async function vendorSessions(b: Awaited<ReturnType<typeof benchApp>>, n: number, section = "cto") {
  const out: { cookie: string; csrf: string; rev: number }[] = [];
  for (let i = 0; i < n; i++) {
    const vendorId = b.vendorIds[i % b.vendorIds.length]!;
    const { token } = createLink(b.db, b.config.sessionSecret, {
      vendorId,
      role: null,
      holderName: "B",
      holderEmail: "b@x.example",
      expiresAt: "2100-01-01T00:00:00.000Z",
    });
    const c = new VendorClient(b.served.url);
    await c.open(`/v/${token}`, section);
    const rev =
      (b.db
        .prepare("SELECT revision FROM answers WHERE vendor_id = ? AND question_key = 'cto_vendor_share'")
        .pluck()
        .get(vendorId) as number | undefined) ?? 0;
    out.push({ cookie: (c as unknown as { header(): string }).header(), csrf: c.csrf, rev });
  }
  return out;
}

/** The bench admin signed in, as a browser: cookies kept (the CSRF cookie a page sets goes with its form). */
async function signedInAdmin(url: string): Promise<VendorClient> {
  const c = new VendorClient(url);
  const csrf = csrfOf(await (await c.request("/login")).text());
  await c.request("/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      _csrf: csrf,
      email: "admin@bench.example",
      password: "bench password long",
    }).toString(),
  });
  return c;
}

/** Signs in the bench admin and returns the session cookie. */
export async function adminCookie(url: string): Promise<string> {
  return ((await signedInAdmin(url)) as unknown as { header(): string }).header();
}

export interface Pair {
  name: string;
  truecost: HttpResult;
  baseline: HttpResult;
  ratio: number;
  /** For a page: bare Express sending a static page of about the same size (context only; the ratio is against `baseline`). */
  sameSize?: HttpResult;
  /**
   * The bare handler on Truecost's own HTTP server, whose requests declare their properties up
   * front (context only, stricter: the ratio is against `baseline`, stock bare Express).
   */
  onTruecostServer?: HttpResult;
}

/** Autosave through the whole stack (session, CSRF, validation, revision check, write, audit) with autocannon, against a bare handler. */
export async function benchAutosave(seconds: number): Promise<Pair> {
  const b = await benchApp(50);
  const sessions = await vendorSessions(b, 50);
  let next = 0;
  // Each connection takes one vendor's session and follows its answer's revision, so every request is a real write.
  const request: autocannon.Request = {
    // The load generator shares this machine's two cores with the server: its own work per request
    // is kept small (headers built once per connection, the revision read without parsing the body).
    setupRequest: (req, ctx) => {
      const c = ctx as {
        s?: { cookie: string; csrf: string; rev: number };
        headers: Record<string, string>;
        rev: number;
        n: number;
      };
      if (!c.s) {
        c.s = sessions[next++ % sessions.length]!;
        c.headers = {
          cookie: c.s.cookie,
          "x-csrf-token": c.s.csrf,
          "content-type": "application/json",
          accept: "application/json",
        };
        c.rev = c.s.rev;
        c.n = 0;
      }
      c.n++;
      return {
        ...req,
        method: "POST",
        path: "/portal/answers/cto_vendor_share",
        headers: c.headers,
        body: `{"q":"${c.n % 100}","revision":${c.rev}}`,
      };
    },
    onResponse: (status, body, ctx) => {
      // 200: {"saved":true,"revision":N,…}; 409: {…,"current":{"revision":N,…}}: the first "revision" is the one to follow.
      if (status === 200 || status === 409) (ctx as { rev: number }).rev = Number(/"revision":(\d+)/.exec(body)![1]);
    },
  };
  // autocannon resets a connection's context after its list of requests: a long list of the same request keeps it.
  const truecost = await measured(b.served, "", {
    connections: 50,
    seconds,
    requests: new Array<autocannon.Request>(100_000).fill(request),
  });
  const bareSave = {
    connections: 50,
    seconds,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ q: "10", revision: 1 }),
  };
  const baseline = await measuredBare("bare", "/save", bareSave);
  const onTruecostServer = await measuredBare("bare-on-truecost-server", "/save", bareSave);
  const saved = b.db
    .prepare(
      "SELECT count(*) FROM answer_history WHERE question_key = 'cto_vendor_share' AND changed_by LIKE 'vendor-link:%'",
    )
    .pluck()
    .get() as number;
  await b.served.close();
  return {
    name: `Vendor autosave (autocannon, 50 connections; ${saved} saves written)`,
    truecost,
    baseline,
    ratio: truecost.rps / baseline.rps,
    onTruecostServer,
  };
}

/** A vendor's section page and the comparison page (5 vendors × the default set), each against a bare page. */
export async function benchPages(seconds: number): Promise<Pair[]> {
  const b = await benchApp(5);
  const [s] = await vendorSessions(b, 1);
  const admin = await adminCookie(b.served.url);
  const bare = await serveChild("bare");
  const baseline = await measured(bare, "/page", { connections: 50, seconds });
  const sameSize = await measured(bare, "/page-20k", { connections: 50, seconds });
  await bare.close();
  const onTruecostServer = await measuredBare("bare-on-truecost-server", "/page", { connections: 50, seconds });
  const section = await measured(b.served, "/portal/sections/cto", {
    connections: 50,
    seconds,
    headers: { cookie: s!.cookie },
  });
  const comparison = await measured(b.served, `/evaluations/${b.evaluationId}/comparison`, {
    connections: 50,
    seconds,
    headers: { cookie: admin },
  });
  await b.served.close();
  return [
    {
      name: "Vendor section page",
      truecost: section,
      baseline,
      ratio: section.rps / baseline.rps,
      sameSize,
      onTruecostServer,
    },
    { name: "Comparison page (5 vendors)", truecost: comparison, baseline, ratio: comparison.rps / baseline.rps },
  ];
}

/** The PDF report in-process against headless Chromium printing the comparison page, both for 5 vendors. */
export async function benchPdf(runs: number) {
  const b = await benchApp(5);
  const admin = await adminCookie(b.served.url);
  // Both sides are warmed up alike before they are timed: a server generates many reports in its life, and a browser prints many pages.
  const warmUp = 5;
  // The report is laid out in full each time (render: model, PDF, hash); a stored report of the same state would be free.
  const task = () => ({ evaluationId: b.evaluationId, generatedBy: "Bench", now: new Date().toISOString() });
  for (let i = 0; i < warmUp; i++) await render(b.db, task());
  const samples: number[] = [];
  let pdfBytes = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    pdfBytes = (await render(b.db, task()))!.pdf.length;
    samples.push(performance.now() - t);
  }
  const browser = await launch();
  const ctx = await browser.newContext();
  await ctx.addCookies(
    admin
      .split("; ")
      .map((c) => ({ name: c.split("=")[0]!, value: c.slice(c.indexOf("=") + 1), domain: "127.0.0.1", path: "/" })),
  );
  const page = await ctx.newPage();
  const chrome: number[] = [];
  for (let i = 0; i < warmUp + runs; i++) {
    const t = performance.now();
    await page.goto(`${b.served.url}/evaluations/${b.evaluationId}/comparison`, { waitUntil: "load" });
    await page.pdf({ format: "A4" });
    if (i >= warmUp) chrome.push(performance.now() - t);
  }
  await browser.close();
  await b.served.close();
  const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  return { truecostMs: med(samples), chromiumMs: med(chrome), ratio: med(chrome) / med(samples), pdfBytes };
}

/**
 * A 50-vendor, 10-year report asked for through the web app (generated on its worker pool), while
 * health checks and autosaves run back to back against the same server: how long the report takes,
 * the server's peak memory, and the latency the requests saw meanwhile.
 */
export async function benchLargeReport(vendors = 50, horizonYears = 10) {
  const b = await benchApp(vendors);
  b.db.prepare("UPDATE evaluations SET horizon_years = ? WHERE id = ?").run(horizonYears, b.evaluationId);
  // Every vendor submitted but the last, which keeps answering (its saves are the load).
  b.db
    .prepare(
      "UPDATE vendors SET status = CASE WHEN id = ? THEN 'in_progress' ELSE 'submitted' END WHERE evaluation_id = ?",
    )
    .run(b.vendorIds.at(-1)!, b.evaluationId);
  const [vendor] = await vendorSessions({ ...b, vendorIds: [b.vendorIds.at(-1)!] }, 1);
  const buyer = await signedInAdmin(b.served.url);
  await buyer.request(`/evaluations/${b.evaluationId}/comparison`);
  const page = await (await buyer.request(`/evaluations/${b.evaluationId}/comparison`)).text();
  const times: number[] = [];
  let generating = true;
  let revision = vendor!.rev;
  const load = (async () => {
    for (let i = 0; generating; i++) {
      const t = performance.now();
      const [, save] = await Promise.all([
        fetch(`${b.served.url}/healthz`),
        fetch(`${b.served.url}/portal/answers/cto_vendor_share`, {
          method: "POST",
          headers: {
            cookie: vendor!.cookie,
            "x-csrf-token": vendor!.csrf,
            "content-type": "application/json",
            accept: "application/json",
          },
          body: JSON.stringify({ q: String(i % 100), revision }),
        }),
      ]);
      if (save.status !== 200) throw new Error(`a save failed during the benchmark: ${save.status}`);
      revision = ((await save.json()) as { revision: number }).revision;
      times.push(performance.now() - t);
    }
  })();
  const started = performance.now();
  const asked = await buyer.request(`/evaluations/${b.evaluationId}/reports`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: `_csrf=${encodeURIComponent(csrfOf(page))}`,
  });
  if (asked.status !== 303) throw new Error(`the report was refused: ${asked.status}`);
  for (let i = 0; !b.db.prepare("SELECT count(*) FROM reports").pluck().get(); i++) {
    if (i > 3000) throw new Error("the report did not arrive within a minute");
    await new Promise((r) => setTimeout(r, 20));
  }
  const reportMs = performance.now() - started;
  generating = false;
  await load;
  const peakRssMb = b.served.peakRssMb();
  const bytes = b.db.prepare("SELECT size_bytes FROM reports").pluck().get() as number;
  await b.served.close();
  times.sort((x, y) => x - y);
  const during = {
    requests: times.length,
    p50: times[Math.floor(times.length / 2)]!,
    p99: times[Math.floor(times.length * 0.99)]!,
  };
  // The comparison page of the same evaluation, read over and over while a vendor keeps saving (each save changes
  // the state, so each read runs the model of 50 vendors again): what health checks and saves see meanwhile.
  const served2 = await serveChild("truecost", b.dataDir);
  const buyer2 = new VendorClient(served2.url);
  const login2 = csrfOf(await (await buyer2.request("/login")).text());
  await buyer2.request("/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      _csrf: login2,
      email: "admin@bench.example",
      password: "bench password long",
    }).toString(),
  });
  const v2 = new VendorClient(served2.url);
  const { token } = createLink(b.db, b.config.sessionSecret, {
    vendorId: b.vendorIds.at(-1)!,
    role: null,
    holderName: "B",
    holderEmail: "b@x.example",
    expiresAt: "2100-01-01T00:00:00.000Z",
  });
  await v2.open(`/v/${token}`, "cto");
  let rev = b.db
    .prepare("SELECT revision FROM answers WHERE vendor_id = ? AND question_key = 'cto_vendor_share'")
    .pluck()
    .get(b.vendorIds.at(-1)!) as number;
  const pageTimes: number[] = [];
  const reading = (async () => {
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      await (await buyer2.request(`/evaluations/${b.evaluationId}/comparison`)).text();
      pageTimes.push(performance.now() - t);
    }
  })();
  const saves: number[] = [];
  let reads = true;
  void reading.then(() => (reads = false));
  for (let i = 0; reads; i++) {
    const t = performance.now();
    const [, save] = await Promise.all([
      fetch(`${served2.url}/healthz`),
      v2.save("cto_vendor_share", String(i % 100), rev),
    ]);
    if (save.status !== 200) throw new Error(`a save failed during the benchmark: ${save.status}`);
    rev = ((await save.json()) as { revision: number }).revision;
    saves.push(performance.now() - t);
  }
  await served2.close();
  saves.sort((x, y) => x - y);
  pageTimes.sort((x, y) => x - y);
  const reading50 = {
    pages: pageTimes.length,
    pageMedian: pageTimes[Math.floor(pageTimes.length / 2)]!,
    requests: saves.length,
    p99: saves[Math.floor(saves.length * 0.99)]!,
  };
  return { vendors, horizonYears, reportMs, peakRssMb, bytes, ...during, reading: reading50 };
}
