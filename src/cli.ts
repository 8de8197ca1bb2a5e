#!/usr/bin/env node
import { Command } from "commander";
import { ConfigError, loadConfig } from "./config.js";
import { dbPath, openDb, type Db } from "./db/index.js";
import { migrate } from "./db/migrate.js";
import { loadQuestionSetFile, QuestionSetError, summarise } from "./questions/loader.js";
import { listQuestionSets, syncQuestionSets } from "./questions/repo.js";
import { resolveFromCwd } from "./paths.js";

/** Opens the configured database, migrated and with the question sets loaded. */
export function openAppDb(): Db {
  const config = loadConfig();
  const db = openDb(dbPath(config.dataDir));
  migrate(db);
  const sync = syncQuestionSets(db);
  for (const err of sync.refused) console.error(err.message);
  return db;
}

const program = new Command();
program.name("truecost").description("Vendor due diligence for production AI systems: adjusted budgets from vendors' answers.");

program
  .command("serve")
  .description("migrate the database, load the question sets and serve the web app")
  .action(async () => {
    const { startServer } = await import("./server.js");
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
      console.log(`  ${label.padEnd(10)} ${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(", ")}`);
    console.log(`${loaded.file}: valid — "${loaded.set.title}" (${loaded.set.id}), ${s.questions} questions, hash ${loaded.hash.slice(0, 12)}`);
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
  .action(() => {
    const db = openAppDb();
    const rows = listQuestionSets(db);
    if (rows.length === 0) console.log("No question sets stored.");
    for (const r of rows) console.log(`${String(r.id).padStart(4)}  ${r.setKey} v${r.version}  ${r.contentHash.slice(0, 12)}  ${r.sourceFile}  "${r.title}"  loaded ${r.loadedAt}`);
    db.close();
  });

/** Runs the CLI; known errors print a clear message and exit 1, never a stack trace. */
export async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof QuestionSetError) {
      console.error(err.message);
      process.exit(1);
    }
    if (err instanceof Error && "code" in err && err.code === "ENOENT") {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

export { program };
await main(process.argv);
