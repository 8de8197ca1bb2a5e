#!/usr/bin/env node
import { Command } from "commander";
import { applyReportFont, ConfigError, loadConfig } from "../config.js";
import { dbPath, openDb, type Db } from "../db/index.js";
import { migrate } from "../db/migrate.js";
import { loadQuestionSetFile, QuestionSetError, summarise } from "../questions/loader.js";
import { listQuestionSets, syncQuestionSets } from "../questions/repo.js";
import { resolveFromCwd } from "../paths.js";
import { readFileSync, writeFileSync } from "node:fs";
import { generateReport } from "../report/service.js";
import { BundleError, importBundle } from "../bundles/import.js";
import { exportBundle } from "../bundles/export.js";
import { findEvaluation, listEvaluations } from "../evaluations/repo.js";
import { scoreEvaluation, type Scored } from "../evaluations/scoring.js";
import { audit, verifyAudit } from "../audit/repo.js";
import { headLine, parseHeadLine, readHead, useAuditKey } from "../audit/anchor.js";
import { checkpointNow } from "../audit/checkpoints.js";
import { createUserToken, findUserByEmail, insertUser } from "../auth/users.js";
import { InviteUserSchema } from "../auth/schema.js";
import { parseForm } from "../web/forms.js";
import { isBusy, isDiskFull } from "../db/faults.js";
import { scoreTable } from "./score-table.js";
import { loadDemo } from "../demo/story.js";
import { evaluationWorkbook } from "../xlsx/answers.js";
import { applyChanges, readVendorWorkbook, vendorWorkbook } from "../xlsx/vendor.js";
import { findVendor } from "../vendors/repo.js";
import { asksText, planText } from "./plan-text.js";
import { IMPORT_FORMATS, importQuestionSet, type ImportFormat } from "../library/import.js";
import type { MappingFile } from "../library/draft.js";
import { parse as parseYaml } from "yaml";
import { basename } from "node:path";
import { asksJson, planJson, plannedView } from "../comparison/plan-json.js";

/** Opens the configured database, migrated and with the question sets loaded. */
export function openAppDb(): Db {
  const config = loadConfig();
  // The CLI has nothing else to serve: it may wait for a lock the server holds a moment.
  const db = openDb(dbPath(config.dataDir), { busyTimeoutMs: 5000, synchronous: config.DB_SYNCHRONOUS });
  migrate(db);
  const anchor = useAuditKey(db, config.auditKey);
  if (anchor.anchored === "refused")
    console.error(`The audit log is not anchored: ${anchor.reason}. Run "truecost audit verify".`);
  const sync = syncQuestionSets(db);
  for (const err of sync.refused) console.error(err.message);
  return db;
}

/** Runs a command body with the app's database open, and closes it afterwards. */
async function withDb<T>(fn: (db: Db) => T | Promise<T>): Promise<T> {
  const db = openAppDb();
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

const noEvaluation = (raw: string): never => fail(`No evaluation ${raw}; run "truecost evaluations" to list them.`);

const program = new Command();
program
  .name("truecost")
  .description("Vendor due diligence for production AI systems: adjusted budgets from vendors' answers.");

program
  .command("serve")
  .description("migrate the database, load the question sets and serve the web app")
  .action(async () => {
    const { startServer } = await import("../server.js");
    const stop = await startServer();
    const shutdown = () => void stop().then(() => process.exit(0));
    process.once("SIGINT", shutdown);
    process.once("SIGTERM", shutdown);
  });

program
  .command("migrate")
  .description("apply the database migrations not yet applied")
  .action(() => {
    const config = loadConfig();
    const db = openDb(dbPath(config.dataDir));
    const applied = migrate(db);
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
    db.close();
  });

const questions = program.command("questions").description("question sets under questions/");
questions
  .command("validate")
  .argument("<file>", "a question-set YAML file")
  .description("check a question-set file and print what it covers")
  .action((file: string) => {
    const loaded = loadQuestionSetFile(resolveFromCwd(file));
    const s = summarise(loaded.set);
    const line = (label: string, counts: Record<string, number>) =>
      console.log(
        `  ${label.padEnd(10)} ${Object.entries(counts)
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")}`,
      );
    console.log(
      `${loaded.file}: valid — "${loaded.set.title}" (${loaded.set.id}), ${s.questions} questions, hash ${loaded.hash.slice(0, 12)}`,
    );
    line("roles", s.byRole);
    line("layers", s.byLayer);
    line("phases", s.byPhase);
    line("types", s.byType);
    console.log(`  assumptions used by estimates (${s.assumptionsUsed.length}): ${s.assumptionsUsed.join(", ")}`);
    console.log(`  assumptions used by the model (${s.assumptionsModel.length}): ${s.assumptionsModel.join(", ")}`);
  });
questions
  .command("list")
  .description("load questions/ into the database and list every stored version")
  .action(() =>
    withDb((db) => {
      const rows = listQuestionSets(db);
      if (rows.length === 0) console.log("No question sets stored.");
      for (const r of rows)
        console.log(
          `${String(r.id).padStart(4)}  ${r.setKey} v${r.version}  ${r.contentHash.slice(0, 12)}  ${r.sourceFile}  "${r.title}"  loaded ${r.loadedAt}`,
        );
    }),
  );

questions
  .command("import")
  .argument("<file>", "a CISO Assistant library (YAML), or a table of questions (CSV or XLSX)")
  .requiredOption("--format <format>", `the file's format: ${IMPORT_FORMATS.join(", ")}`)
  .requiredOption("-o, --output <file>", "where to write the question set (YAML)")
  .option("--map <file>", "placement of a library's requirements: role section, type and layer (YAML)")
  .option("--id <id>", "the set's id (lower_snake_case) instead of one made from the source")
  .description("import a question set as a draft YAML file the loader accepts, and print what needs a decision")
  .action((file: string, opts: { format: string; output: string; map?: string; id?: string }) =>
    (async () => {
      if (!(IMPORT_FORMATS as readonly string[]).includes(opts.format)) {
        console.error(`--format must be one of ${IMPORT_FORMATS.join(", ")} (not "${opts.format}").`);
        process.exit(1);
      }
      let mapping: MappingFile | undefined;
      if (opts.map) {
        try {
          mapping = (parseYaml(readFileSync(resolveFromCwd(opts.map), "utf8")) ?? {}) as MappingFile;
        } catch (err) {
          console.error(`${opts.map}: not a readable mapping file (${(err as Error).message.split("\n")[0]}).`);
          process.exit(1);
        }
      }
      const r = await importQuestionSet(readFileSync(resolveFromCwd(file)), opts.format as ImportFormat, {
        mapping,
        id: opts.id,
        source: basename(file),
      });
      if (!r.ok) {
        console.error(`${file} was not imported:`);
        for (const x of r.refusals) console.error(`  ${x.at}: ${x.message}`);
        process.exit(1);
      }
      writeFileSync(resolveFromCwd(opts.output), r.yaml);
      const count = r.set.sections.reduce((n, s) => n + s.questions.length, 0);
      console.log(
        `Wrote "${r.set.title}" (${r.set.id}) to ${opts.output}: ${count} questions in ${r.set.sections.length} sections.`,
      );
      if (r.decisions.length) {
        console.log(`Needs a decision (${r.decisions.length}):`);
        for (const d of r.decisions) console.log(`  - ${d}`);
      } else console.log("Nothing needs a decision.");
    })(),
  );

/** Parses an evaluation id argument, or exits with a message. */
function evaluationId(raw: string): number {
  const id = Number(raw);
  if (!Number.isInteger(id) || id < 1) {
    console.error(`"${raw}" is not an evaluation id; run "truecost evaluations" to list them.`);
    process.exit(1);
  }
  return id;
}

program
  .command("import")
  .argument("<file>", "an evaluation bundle (JSON)")
  .description("validate an evaluation bundle and store it in one transaction; prints the new evaluation id")
  .action((file: string) =>
    withDb((db) => {
      const id = importBundle(db, readFileSync(resolveFromCwd(file), "utf8"), "cli");
      console.log(`Imported evaluation ${id}.`);
      console.log(id);
    }),
  );

program
  .command("export")
  .argument("<evaluation-id>")
  .description("print an evaluation as a bundle (JSON), the format import reads")
  .action((raw: string) =>
    withDb((db) => {
      const bundle = exportBundle(db, evaluationId(raw)) ?? noEvaluation(raw);
      process.stdout.write(JSON.stringify(bundle, null, 2) + "\n");
    }),
  );

program
  .command("score")
  .argument("<evaluation-id>")
  .option("--json", "print the cost model's whole output as JSON (money in integer minor units)")
  .description("print vendors by adjusted total, with entry price, hidden share, flags and rank flips")
  .action((raw: string, opts: { json?: boolean }) =>
    withDb((db) => {
      const scored = scoreEvaluation(db, evaluationId(raw)) ?? noEvaluation(raw);
      console.log(opts.json ? JSON.stringify(scored.result, null, 2) : scoreTable(scored));
    }),
  );

/** A vendor of a scored evaluation by id or by name (case-insensitive); fails with the choices. */
function vendorArg(scored: Scored, raw: string): string {
  const vs = scored.result.vendors;
  const hit =
    vs.find((v) => v.vendorId === raw) ??
    vs.find((v) => v.name.toLowerCase() === raw.toLowerCase()) ??
    (vs.filter((v) => v.name.toLowerCase().startsWith(raw.toLowerCase())).length === 1
      ? vs.find((v) => v.name.toLowerCase().startsWith(raw.toLowerCase()))
      : undefined);
  if (!hit)
    fail(`No vendor "${raw}" in this evaluation. Vendors: ${vs.map((v) => `${v.vendorId} (${v.name})`).join(", ")}.`);
  return hit.vendorId;
}

/** The evaluation's scores with the committee's decisions and tranches, and the view of them. */
function planned(db: Db, raw: string) {
  return plannedView(db, evaluationId(raw)) ?? noEvaluation(raw);
}

program
  .command("plan")
  .argument("<evaluation-id>")
  .option("--vendor <vendor>", "the option's vendor, by id or name (default: the committee's option, or the cheapest)")
  .option("--json", "print the funding plan as JSON (money in integer minor units); every option unless --vendor")
  .description("print the funding plan: stages by year, what each delivers, drives and retires, and the gates")
  .action((raw: string, opts: { vendor?: string; json?: boolean }) =>
    withDb((db) => {
      const { scored, tranches, view } = planned(db, raw);
      const id = opts.vendor === undefined ? undefined : vendorArg(scored, opts.vendor);
      if (opts.json)
        return console.log(JSON.stringify(planJson(scored, view, tranches, id ? [id] : undefined), null, 2));
      const plan = view.plans.find((p) => p.vendorId === (id ?? view.planDefault?.vendorId));
      if (!plan) fail("This evaluation has no vendor yet.");
      console.log(planText(plan));
    }),
  );

program
  .command("asks")
  .argument("<evaluation-id>")
  .argument("<vendor>", "the vendor, by id or name")
  .option("--json", "print the asks as JSON (money in integer minor units), with their question keys")
  .description("print the negotiation brief: what the vendor's total would save if it included each item")
  .action((raw: string, vendor: string, opts: { json?: boolean }) =>
    withDb((db) => {
      const { scored, view } = planned(db, raw);
      const id = vendorArg(scored, vendor);
      if (opts.json) return console.log(JSON.stringify(asksJson(scored, view, id), null, 2));
      console.log(asksText(view.asks.find((a) => a.vendorId === id)!));
    }),
  );

const xlsx = program.command("xlsx").description("questionnaires and answers as Excel workbooks");

/** A vendor of an evaluation by id or name, as a stored vendor. */
function storedVendor(db: Db, raw: string, vendor: string) {
  const scored = scoreEvaluation(db, evaluationId(raw)) ?? noEvaluation(raw);
  return findVendor(db, Number(vendorArg(scored, vendor)))!;
}

xlsx
  .command("questionnaire")
  .argument("<evaluation-id>")
  .argument("<vendor>", "the vendor, by id or name")
  .requiredOption("-o, --output <file>", "where to write the workbook")
  .description("write the vendor's questionnaire as a workbook to fill in (its current answers filled in)")
  .action((raw: string, vendor: string, opts: { output: string }) =>
    withDb(async (db) => {
      const v = storedVendor(db, raw, vendor);
      const e = findEvaluation(db, v.evaluationId)!;
      writeFileSync(resolveFromCwd(opts.output), await vendorWorkbook(db, v, e.roles));
      console.log(`Wrote ${v.name}'s questionnaire to ${opts.output}.`);
    }),
  );

xlsx
  .command("import")
  .argument("<evaluation-id>")
  .argument("<vendor>", "the vendor, by id or name")
  .argument("<file>", "the filled workbook")
  .option("--dry-run", "print the preview and store nothing")
  .option("--take-conflicts", "also replace answers changed online since the workbook was made")
  .description(
    "import a vendor's filled workbook on its behalf: the preview (changes, problems by cell, conflicts), then apply",
  )
  .action((raw: string, vendor: string, file: string, opts: { dryRun?: boolean; takeConflicts?: boolean }) =>
    withDb(async (db) => {
      const v = storedVendor(db, raw, vendor);
      const e = findEvaluation(db, v.evaluationId)!;
      const read = await readVendorWorkbook(db, v, readFileSync(resolveFromCwd(file)), e.roles);
      if (!read.ok) fail(read.message);
      const p = read.preview;
      for (const c of p.changes) console.log(`change    ${c.key}: ${c.before} → ${c.after}`);
      for (const c of p.conflicts) console.log(`conflict  ${c.key}: online ${c.online}; workbook ${c.after}`);
      for (const x of p.problems) console.log(`problem   ${x.cell}: ${x.message}`);
      console.log(
        `${p.changes.length} changes, ${p.conflicts.length} conflicts, ${p.problems.length} problems, ${p.unchanged} unchanged.`,
      );
      if (opts.dryRun) return console.log("Dry run: nothing stored.");
      const apply = [...p.changes, ...(opts.takeConflicts ? p.conflicts : [])];
      const r = applyChanges(db, v, apply, "cli");
      audit(db, e.id, "cli", "workbook.applied", { vendor: v.name, saved: r.saved, onBehalf: true });
      console.log(
        `Saved ${r.saved} answers for ${v.name}${r.missed.length ? `; changed meanwhile, not saved: ${r.missed.join("; ")}` : ""}.`,
      );
    }),
  );

xlsx
  .command("answers")
  .argument("<evaluation-id>")
  .requiredOption("-o, --output <file>", "where to write the workbook")
  .description("write the buyer's workbook: answers by section and vendor, cost lines, funding plan, red flags")
  .action((raw: string, opts: { output: string }) =>
    withDb(async (db) => {
      const file = (await evaluationWorkbook(db, evaluationId(raw))) ?? noEvaluation(raw);
      writeFileSync(resolveFromCwd(opts.output), file);
      console.log(`Wrote the answers workbook to ${opts.output}.`);
    }),
  );

program
  .command("demo")
  .description(
    "load the demo evaluation (three vendors, one rank flip, a build option, a revision round); prints its id as the last line",
  )
  .action(() =>
    withDb((db) => {
      const id = loadDemo(db);
      console.log(`Loaded the demo evaluation. Try: npx truecost score ${id}`);
      console.log(id);
    }),
  );

program
  .command("evaluations")
  .description("list evaluations with their ids, newest first")
  .action(() =>
    withDb((db) => {
      const rows = listEvaluations(db, { limit: 10_000 });
      if (rows.length === 0) console.log('No evaluations yet. "truecost demo" loads one.');
      for (const r of rows)
        console.log(
          `${String(r.id).padStart(5)}  ${r.status.padEnd(8)} due ${r.dueDate}  ${r.submittedCount}/${r.vendorCount} submitted  ${r.title}`,
        );
    }),
  );

const auditCmd = program.command("audit").description("the audit log");
auditCmd
  .command("verify")
  .option(
    "--head <line...>",
    'a head line an auditor kept (from "truecost audit head" or the mailed checkpoint); may be repeated',
  )
  .option("--heads-file <file>", "a file of head lines, one per line")
  .description(
    "check the audit log: its hash chain, its keyed anchor and checkpoints, its append-only triggers, and any heads you kept",
  )
  .action(async (opts: { head?: string[]; headsFile?: string }) => {
    const lines = [
      ...(opts.head ?? []),
      ...(opts.headsFile
        ? readFileSync(resolveFromCwd(opts.headsFile), "utf8")
            .split("\n")
            .filter((l) => l.trim())
        : []),
    ];
    const heads = lines.map(
      (l) =>
        parseHeadLine(l) ??
        fail(`Not a head line: ${l}\nA head line reads "truecost-audit-head entry=N hash=<64 hex digits> at=<time>".`),
    );
    const r = await withDb((db) => verifyAudit(db, heads));
    if (r.ok)
      console.log(
        `Audit log intact: ${r.entries} entries, anchored; ${r.checkpoints} checkpoint${r.checkpoints === 1 ? "" : "s"}${r.heads ? ` and ${r.heads} kept head${r.heads === 1 ? "" : "s"}` : ""} match.`,
      );
    else
      fail(
        `Audit log broken${r.firstBadId !== null ? ` at entry ${r.firstBadId}` : ""}:\n${r.problems.map((p) => `  - ${p}`).join("\n")}`,
      );
  });
auditCmd
  .command("head")
  .description("print the log's newest entry as a head line, for an auditor to keep")
  .action(() =>
    withDb((db) => {
      const head = readHead(db);
      if (!head) fail('The audit log has no anchor; run "truecost audit verify".');
      console.log(headLine({ entryId: head.entryId, hash: head.hash, createdAt: new Date().toISOString() }));
    }),
  );
auditCmd
  .command("checkpoint")
  .description(
    "write a keyed checkpoint of the log's head now (mailed to AUDIT_ANCHOR_EMAIL when set) and print its head line",
  )
  .action(() =>
    withDb((db) => {
      console.log(headLine(checkpointNow(db, loadConfig(), "operator")));
    }),
  );

program
  .command("report")
  .argument("<evaluation-id>")
  .requiredOption("-o, --output <file>", "where to write the PDF")
  .description("generate the PDF comparison report, store it with its SHA-256, and write a copy to FILE")
  .action((raw: string, opts: { output: string }) =>
    withDb(async (db) => {
      const config = loadConfig();
      applyReportFont(config);
      const report =
        (await generateReport(db, config, evaluationId(raw), { actor: "cli", name: "Truecost CLI" })) ??
        noEvaluation(raw);
      writeFileSync(resolveFromCwd(opts.output), report.pdf);
      console.log(
        `Wrote ${opts.output} (${Math.round(report.pdf.length / 1024)} KB, SHA-256 ${report.sha256})${report.reused ? ": nothing changed since this report was made, so it is the stored one" : ""}.`,
      );
    }),
  );

program
  .command("backup")
  .argument("<file>", "where to write the copy (a SQLite database file)")
  .description("take an online, consistent copy of the database while the app keeps serving")
  .action(async (file: string) => {
    const config = loadConfig();
    const db = openAppDb();
    const target = resolveFromCwd(file);
    const started = Date.now();
    // The copy carries a keyed checkpoint of its own head, and the head line is printed to keep apart.
    const checkpoint = checkpointNow(db, config, "backup");
    await db.backup(target);
    db.close();
    const check = openDb(target);
    const ok = check.pragma("integrity_check", { simple: true });
    check.pragma("journal_mode = DELETE");
    check.close();
    if (ok !== "ok") fail(`The copy failed its integrity check: ${String(ok)}`);
    console.log(
      `Backed up ${dbPath(config.dataDir)} to ${target} in ${Date.now() - started} ms (integrity ok). Evidence files and reports live in ${config.dataDir}/uploads and ${config.dataDir}/reports: copy those folders too.`,
    );
    console.log(`Audit head at this backup (keep it apart from the copy): ${headLine(checkpoint)}`);
  });

const adminCmd = program.command("admin").description("accounts");

/** Creates an administrator (the same rules as the invitation form in the app) and prints the link that sets the password. */
function createAdmin(opts: { email: string; name: string }, breakGlass: boolean): Promise<void> {
  return withDb((db) => {
    const form = parseForm(InviteUserSchema, { ...opts, role: "admin" });
    if (!form.ok)
      fail(
        Object.entries(form.errors)
          .map(([k, m]) => `--${k}: ${m}`)
          .join("\n"),
      );
    const { email, name } = form.data;
    if (findUserByEmail(db, email)) fail(`A user with the email ${email} already exists.`);
    const token = db.transaction(() => {
      const id = insertUser(db, { email, name, role: "admin", breakGlass });
      audit(db, null, "cli", breakGlass ? "user.break_glass_created" : "user.invited", { email, role: "admin" });
      return createUserToken(db, id, "invite", 7 * 24);
    })();
    console.log(`Created ${breakGlass ? "break-glass administrator" : "administrator"} ${name} <${email}>.`);
    if (breakGlass)
      console.log("It signs in with its password even when SSO_ONLY is on, and never through single sign-on.");
    console.log("Set the password here (valid 7 days):");
    console.log(`${loadConfig().baseUrl}/password/${token}`);
  });
}

adminCmd
  .command("create")
  .requiredOption("--email <email>", "the administrator's email")
  .requiredOption("--name <name>", "the administrator's name")
  .description("create an administrator and print a one-time link to set the password")
  .action((opts: { email: string; name: string }) => createAdmin(opts, false));
adminCmd
  .command("break-glass")
  .requiredOption("--email <email>", "the emergency account's email (one not used at the identity provider)")
  .requiredOption("--name <name>", "the account's name")
  .description("create a break-glass administrator, who signs in with a password when SSO_ONLY is on")
  .action((opts: { email: string; name: string }) => createAdmin(opts, true));

/** The data folder as configured, for messages (without failing again if the configuration is bad). */
function dataDirOf(): string {
  try {
    return loadConfig().dataDir;
  } catch {
    return process.env.DATA_DIR ?? "./data";
  }
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Runs the CLI; known errors print a clear message and exit 1, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof QuestionSetError || err instanceof BundleError) {
      console.error(err.message);
      process.exit(1);
    }
    if (err instanceof Error && "code" in err && err.code === "ENOENT") {
      console.error(err.message);
      process.exit(1);
    }
    if (isDiskFull(err)) {
      console.error(
        `Truecost cannot go on: the disk that holds its data (${dataDirOf()}) is full. Free some space and run the command again; nothing was half-written.`,
      );
      process.exit(1);
    }
    if (isBusy(err)) {
      console.error(
        `Truecost cannot go on: another process holds the database (${dataDirOf()}/truecost.db) locked. Try again when it is done.`,
      );
      process.exit(1);
    }
    throw err;
  }
}

export { program };
await main(process.argv);
