import { spawnSync } from "node:child_process";
import ExcelJS from "exceljs";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dbPath, openDb } from "../../src/db/index.js";
import { ROOT } from "../../src/paths.js";
import { scoreEvaluation, scoreRounds } from "../../src/evaluations/scoring.js";
import { listRounds } from "../../src/rounds/repo.js";
import { importDemo } from "../factories.js";
import { makeDb, tempDir } from "../helpers.js";

/** Runs the CLI from source, as `npx truecost` runs the built one (without the BASE_URL vitest sets). */
function cli(args: string[], dataDir: string) {
  const { BASE_URL: _vite, ...env } = process.env;
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli", "index.ts"), ...args], {
    cwd: ROOT,
    env: { ...env, DATA_DIR: dataDir, LOG_LEVEL: "silent" },
    encoding: "utf8",
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const DEMO_BUNDLE = join(ROOT, "src", "demo", "demo-bundle.json");

describe("truecost CLI", () => {
  it("is runnable as `npx truecost` once npm ci has built it", () => {
    // npm ci runs `prepare`, which builds dist/ and marks the bin executable.
    if (!existsSync(join(ROOT, "dist", "src", "cli", "index.js")))
      spawnSync("npm", ["run", "build"], { cwd: ROOT, encoding: "utf8" });
    expect(statSync(join(ROOT, "dist", "src", "cli", "index.js")).mode & 0o111).not.toBe(0);
    const { BASE_URL: _vite, ...env } = process.env;
    const r = spawnSync("npx", ["--no-install", "truecost", "--help"], {
      cwd: ROOT,
      env: { ...env, DATA_DIR: tempDir() },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    for (const c of [
      "serve",
      "migrate",
      "questions",
      "import",
      "export",
      "score",
      "plan",
      "asks",
      "demo",
      "evaluations",
      "report",
      "backup",
      "admin",
      "audit",
    ])
      expect(r.stdout).toMatch(new RegExp(`\\n  ${c}\\b`));
  }, 60_000);

  it("demo → score shows the rank flip; --json gives the model's contract; evaluations lists it", () => {
    const data = tempDir();
    // The demo bundle as it stands before the demo's revision round (see the demo's own test below).
    const demo = cli(["import", DEMO_BUNDLE], data);
    expect(demo.code).toBe(0);
    const id = demo.out.trim().split("\n").at(-1);
    expect(id).toMatch(/^\d+$/);

    const table = cli(["score", id!], data);
    expect(table.code).toBe(0);
    expect(table.out).toContain(
      "Swiftpilot AI is cheapest at entry (€155,000) but second over 3 years (€1,101,818); Northwind Cognitive is cheapest over 3 years at €732,613.",
    );
    expect(table.out).toMatch(/#1 {2}Northwind Cognitive +€339,000 +#2 +€732,613/);
    expect(table.out).toMatch(/— {2}Meridian Automation +€245,000 +— +not comparable/);
    expect(table.out).toContain("the flip is caused by exclusions");

    const json = JSON.parse(cli(["score", id!, "--json"], data).out);
    expect(json.currency).toBe("EUR");
    const v = json.vendors[0];
    for (const k of [
      "lines",
      "entryPrice",
      "entryStatus",
      "adjustedTotal",
      "pricedTotal",
      "complete",
      "missing",
      "rankable",
      "entryRank",
      "adjustedRank",
      "hiddenTotal",
      "disclosedTotal",
      "unknownTotal",
      "hiddenShare",
      "components",
      "byLayer",
      "byPhase",
      "byNature",
      "byYear",
      "commitment",
      "flags",
      "confidence",
      "roi",
      "presentTotal",
      "nominalRank",
      "presentRank",
    ])
      expect(v).toHaveProperty(k);
    for (const k of [
      "kind",
      "layer",
      "phase",
      "nature",
      "work",
      "amount",
      "total",
      "years",
      "timing",
      "questionKey",
      "answer",
      "source",
      "assumptions",
      "unknown",
      "unpriced",
      "asserted",
      "reason",
    ])
      expect(v.lines[0]).toHaveProperty(k);
    expect(Number.isInteger(v.adjustedTotal)).toBe(true);
    expect(json.rankFlips).toHaveLength(1);
    expect(json.rankFlips[0]).toMatchObject({ byExclusion: true, quotedAlone: false });
    expect(Object.keys(json.rankFlips[0].cause).sort()).toEqual(["disclosed", "hidden", "quotedAfterEntry", "unknown"]);
    expect(json.vendors.find((x: { name: string }) => x.name === "Meridian Automation")).toMatchObject({
      rankable: false,
      adjustedTotal: null,
      adjustedRank: null,
    });
    expect(new Set(json.vendors.flatMap((x: { lines: { nature: string }[] }) => x.lines.map((l) => l.nature)))).toEqual(
      new Set(["one_off", "temporary", "recurring"]),
    );
    expect(json.sensitivity.rows.length).toBeGreaterThan(10);
    // The same figures as the model in this process, to the minor unit: present values, ranges and usage lines.
    const { db } = makeDb();
    const here = scoreEvaluation(db, importDemo(db))!.result;
    expect(json.vendors.map((x: (typeof here.vendors)[number]) => [x.presentTotal, x.roi?.npv, x.presentRank])).toEqual(
      here.vendors.map((x) => [x.presentTotal, x.roi?.npv, x.presentRank]),
    );
    expect(json.ranges).toEqual(here.ranges);
    const usage = (r: typeof here) =>
      r.vendors.map((x) =>
        x.lines
          .filter((l) => ["cfo_usage_model", "cto_inference_included"].includes(l.questionKey))
          .map((l) => [l.questionKey, l.years, l.presentValue]),
      );
    expect(usage(json)).toEqual(usage(here));
    expect(usage(here).flat().length).toBeGreaterThan(2);

    const list = cli(["evaluations"], data);
    expect(list.out).toMatch(
      new RegExp(`^\\s*${id}\\s+open\\s+due 2027-01-29\\s+2/3 submitted\\s+Claims intake assistant`, "m"),
    );
  }, 60_000);

  it("demo loads the three vendors, a build option and a revision round that moves the ranking", () => {
    const data = tempDir();
    const id = Number(cli(["demo"], data).out.trim().split("\n").at(-1));
    const db = openDb(dbPath(data));
    const scored = scoreEvaluation(db, id)!;
    const rounds = scoreRounds(scored, listRounds(db, id));
    db.close();
    const r = scored.result;
    expect(r.vendors.map((v) => [v.name, v.kind])).toContainEqual(["Build in-house", "build"]);
    expect(r.vendors.find((v) => v.kind === "build")!.adjustedRank).not.toBeNull();
    expect(rounds).toHaveLength(1);
    const d = rounds[0]!.diff!;
    expect(rounds[0]!.round.status).toBe("resubmitted");
    expect(d.rankingMoved).toBe(true);
    expect(d.rankBefore).toBeGreaterThan(d.rankAfter!);
    expect(d.change).toBe(d.totalAfter! - d.totalBefore!);
    const plan = cli(["plan", String(id)], data);
    expect(plan.out).toMatch(/^Funding plan: /);
    expect(cli(["score", String(id)], data).out).toContain("Build in-house (in-house build)");
  }, 60_000);

  it("plan and asks print the funding plan and the negotiation brief, as text and as the model's JSON", () => {
    const data = tempDir();
    const id = cli(["demo"], data).out.trim().split("\n").at(-1)!;
    const db = openDb(dbPath(data));
    const here = scoreEvaluation(db, Number(id))!.result;
    db.close();
    const lead = here.vendors.find((v) => v.vendorId === here.ranking.adjusted[0])!;

    const text = cli(["plan", id], data);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(`Funding plan: ${lead.name} (the cheapest ranked option)`);
    expect(text.out).toMatch(/Gate 1: before governed implementation is funded:\n {4}- /);
    const json = JSON.parse(cli(["plan", id, "--json"], data).out);
    expect(json.options.map((o: { vendorId: string }) => o.vendorId).sort()).toEqual(
      here.vendors.map((v) => v.vendorId).sort(),
    );
    for (const o of json.options) expect(o.stages).toEqual(here.vendors.find((v) => v.vendorId === o.vendorId)!.stages);
    expect(json.gates).toEqual(here.gates);
    const one = JSON.parse(cli(["plan", id, "--vendor", "swiftpilot ai", "--json"], data).out);
    expect(one.options.map((o: { name: string }) => o.name)).toEqual(["Swiftpilot AI"]);

    const swift = here.vendors.find((v) => v.name === "Swiftpilot AI")!;
    const asks = JSON.parse(cli(["asks", id, "Swift", "--json"], data).out);
    expect(asks.asks.map((a: { questionKey: string; saving: number }) => [a.questionKey, a.saving])).toEqual(
      swift.asks.map((a) => [a.questionKey, a.saving]),
    );
    const brief = cli(["asks", id, swift.vendorId], data);
    expect(brief.out).toContain(`- ${asks.asks[0].sentence} [${asks.asks[0].questionKey}]`);
    const unknown = cli(["asks", id, "Nobody"], data);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No vendor "Nobody" in this evaluation. Vendors: 1 (Swiftpilot AI)');
  }, 60_000);

  it("xlsx writes a vendor's questionnaire, previews and applies its import, and writes the buyer's workbook", async () => {
    const data = tempDir();
    const id = cli(["import", DEMO_BUNDLE], data).out.trim().split("\n").at(-1)!;
    const file = join(data, "meridian.xlsx");
    expect(cli(["xlsx", "questionnaire", id, "Meridian", "-o", file], data).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    const ws = wb.getWorksheet("CTO and engineering")!;
    ws.eachRow((row) => {
      if (row.getCell(1).value === "cto_incidents") row.getCell(4).value = "Deferred to a later phase";
      if (row.getCell(1).value === "cto_vendor_share") row.getCell(4).value = "lots";
    });
    await wb.xlsx.writeFile(file);
    const dry = cli(["xlsx", "import", id, "Meridian", file, "--dry-run"], data);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toMatch(/^change {4}cto_incidents: .* → Deferred to a later phase$/m);
    expect(dry.out).toMatch(/^problem {3}CTO and engineering!D\d+: Enter a number, e\.g\. 12 or 12\.5$/m);
    expect(dry.out).toContain("Dry run: nothing stored.");
    const applied = cli(["xlsx", "import", id, "Meridian", file], data);
    expect(applied.out).toContain("Saved 1 answers for Meridian Automation.");
    const again = cli(["xlsx", "import", id, "Meridian", file, "--dry-run"], data);
    expect(again.out).toMatch(/^0 changes, 0 conflicts, 1 problems/m);
    const answers = join(data, "answers.xlsx");
    expect(cli(["xlsx", "answers", id, "-o", answers], data).code).toBe(0);
    expect(statSync(answers).size).toBeGreaterThan(10_000);
  }, 60_000);

  it("export → import through files, and audit verify", () => {
    const data = tempDir();
    const id = cli(["import", DEMO_BUNDLE], data).out.trim().split("\n").at(-1)!;
    const exported = cli(["export", id], data);
    const file = join(data, "bundle.json");
    writeFileSync(file, exported.out);
    const imported = cli(["import", file], data);
    expect(imported.code).toBe(0);
    const id2 = imported.out.trim().split("\n").at(-1)!;
    expect(cli(["export", id2], data).out).toBe(exported.out);
    expect(cli(["audit", "verify"], data).out).toContain("Audit log intact: 2 entries, anchored; 1 checkpoint match.");
    const head = cli(["audit", "head"], data).out.trim();
    expect(head).toMatch(/^truecost-audit-head entry=2 hash=[0-9a-f]{64} at=\S+$/);
    expect(cli(["audit", "verify", "--head", head], data).out).toContain("and 1 kept head match.");
    const forged = head.replace(/hash=(.)/, (_m, c: string) => `hash=${c === "0" ? "1" : "0"}`);
    const refused = cli(["audit", "verify", "--head", forged], data);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("entry 2 no longer has the hash of the head you kept");
  }, 60_000);

  it("refuses a bad bundle with its paths and exit code 1", () => {
    const data = tempDir();
    const file = join(data, "bad.json");
    writeFileSync(
      file,
      JSON.stringify({
        format: "truecost-evaluation",
        formatVersion: 1,
        questionSet: { id: "ai_production", version: 1 },
        evaluation: {},
        vendors: [],
      }),
    );
    const r = cli(["import", file], data);
    expect(r.code).toBe(1);
    expect(r.err).toContain("evaluation.title:");
    expect(r.err).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("questions validate prints the summary, and refuses a broken file with its path", () => {
    const data = tempDir();
    const ok = cli(["questions", "validate", "questions/ai-production.yaml"], data);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/valid — .*66 questions/);
    expect(ok.out).toMatch(/roles +cto 17, cfo 19, product 14, procurement 16/);
    expect(ok.out).toContain("assumptions used by estimates");
    const bad = join(data, "bad.yaml");
    writeFileSync(bad, "id: x\ntitle: Broken set\ndescription: nothing here at all\nassumptions: []\nsections: []\n");
    const r = cli(["questions", "validate", bad], data);
    expect(r.code).toBe(1);
    expect(r.err).toContain("bad.yaml is not a valid question set");
    expect(r.err).toContain("assumptions:");
  }, 60_000);

  it("admin break-glass creates an administrator who keeps password sign-in under SSO_ONLY", () => {
    const data = tempDir();
    const r = cli(["admin", "break-glass", "--email", "Emergency@Acme.example", "--name", "Emergency Admin"], data);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("Created break-glass administrator Emergency Admin <emergency@acme.example>");
    expect(r.out).toMatch(/\/password\/[\w-]{20,}/);
    const again = cli(["admin", "break-glass", "--email", "emergency@acme.example", "--name", "Someone"], data);
    expect(again.code).toBe(1);
    expect(again.err).toContain("already exists");
    const db = openDb(dbPath(data));
    try {
      expect(db.prepare("SELECT role, break_glass FROM users").get()).toEqual({ role: "admin", break_glass: 1 });
      expect(db.prepare("SELECT action FROM audit_log").pluck().all()).toContain("user.break_glass_created");
    } finally {
      db.close();
    }
  }, 60_000);
});
