import { spawnSync } from "node:child_process";
import ExcelJS from "exceljs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importQuestionSet } from "../../src/library/import.js";
import { COLUMNS } from "../../src/library/import-table.js";
import { frameworkCoverage } from "../../src/library/frameworks.js";
import { parseQuestionSet } from "../../src/questions/loader.js";
import { ROOT } from "../../src/paths.js";
import { tempDir } from "../helpers.js";

const FIXTURES = join(ROOT, "test", "library", "fixtures");
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const mapping = parse(fixture("baseline-mapping.yaml").toString("utf8"));

/** A workbook of question rows: the header, then the rows, on a sheet named as given. */
async function workbook(rows: (string | number | null)[][], sheet = "Questions"): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("importing a CISO Assistant library", () => {
  it("makes each assessable requirement a question placed by the mapping, keeping its identifier", async () => {
    const r = await importQuestionSet(fixture("baseline-library.yaml"), "ciso", { mapping, source: "baseline.yaml" });
    if (!r.ok) throw new Error(JSON.stringify(r.refusals));
    const placed = r.set.sections.flatMap((s) =>
      s.questions.map((q) => [s.role, q.type, q.layer ?? null, Object.values(q.refs ?? {})[0]]),
    );
    expect(placed).toEqual([
      ["cto", "coverage", "support", ["OPS-1"]],
      ["cto", "coverage", "support", ["OPS-2"]],
      ["product", "coverage", "governance", ["GOV-1"]],
      ["procurement", "yes_no", null, ["GOV-2"]],
      ["procurement", "yes_no", null, ["EXIT-1"]],
    ]);
    // Non-assessable nodes are not questions; a node's description becomes its guidance.
    const gov1 = r.set.sections.find((s) => s.role === "product")!.questions[0]!;
    expect(gov1.text).toBe("A person can overrule the system's output");
    expect(gov1.help).toBe(
      "Reviewers see the inputs behind an output and can stop it before it takes effect. Ask for a screenshot of the review step.",
    );
    // The framework travels with the set, so its coverage can be shown like a built-in one's.
    expect(r.set.frameworks?.[0]?.items.map((i) => i.id)).toEqual(["OPS-1", "OPS-2", "GOV-1", "GOV-2", "EXIT-1"]);
    const [cov] = frameworkCoverage(r.set, ["cto", "procurement"]);
    expect([cov!.touched, cov!.total]).toEqual([4, 5]);
    expect(r.decisions[0]).toMatch(/^2 requirements placed as yes\/no questions in procurement/);
    expect(r.decisions).toContain("GOV-2: has no wording of its own; write the question (now “GOV-2: Logs”)");
    // What is written is what the loader reads.
    expect(parseQuestionSet(r.yaml, "x.yaml")).toEqual(r.set);
  });

  it("refuses a file that is no library, a broken node and a bad mapping, each by its path", async () => {
    const broken = await importQuestionSet(fixture("broken-library.yaml"), "ciso", { source: "b.yaml" });
    expect(broken.ok || broken.refusals).toEqual([{ at: "requirement_nodes[0].urn", message: "needs a urn" }]);
    const notLib = await importQuestionSet(Buffer.from("name: x\nitems: [1, 2]\n"), "ciso", { source: "x.yaml" });
    expect(notLib.ok || notLib.refusals[0]!.message).toMatch(/not a CISO Assistant library/);
    const badYaml = await importQuestionSet(Buffer.from("objects: [unclosed\n"), "ciso", { source: "x.yaml" });
    expect(badYaml.ok || badYaml.refusals[0]!.at).toMatch(/^line \d+$/);
    const badMap = await importQuestionSet(fixture("baseline-library.yaml"), "ciso", {
      source: "x.yaml",
      mapping: { rules: [{ match: "OPS", role: "ceo" as never, type: "yes_no", layer: "support" }] },
    });
    for (const m of ["just text", [1, 2], { rules: 5 }, { rules: ["OPS"] }, { default: "cto" }]) {
      const odd = await importQuestionSet(fixture("baseline-library.yaml"), "ciso", {
        source: "x",
        mapping: m as never,
      });
      expect(odd.ok || odd.refusals[0]!.at).toBe("mapping");
    }
    expect(badMap.ok || badMap.refusals.map((x) => x.message)).toEqual([
      "rules[0]: role 'ceo' is not one of cto, cfo, product, procurement",
      "rules[0]: only a coverage question is priced into a layer (type 'yes_no' takes none)",
    ]);
  });
});

describe("importing a table of questions", () => {
  it("reads the documented columns from CSV, and the same rows from a workbook give the same set", async () => {
    const csv = await importQuestionSet(fixture("questions.csv"), "csv", { source: "questions.csv" });
    if (!csv.ok) throw new Error(JSON.stringify(csv.refusals));
    const cfo = csv.set.sections.find((s) => s.role === "cfo")!;
    expect(cfo.questions[0]!.options).toEqual([
      { value: "per_seat", label: "Per named user" },
      { value: "per_case", label: "Per case handled" },
      { value: "flat", label: "A flat yearly fee" },
    ]);
    expect(cfo.questions[1]).toMatchObject({
      required: false,
      shows_if: { question: "rai_licence_basis", in: ["per_seat"] },
    });
    expect(csv.set.sections[0]!.questions[0]!.refs).toEqual({
      nist_ai_rmf: ["MEASURE 2.4", "MANAGE 4.1"],
      iso_42001: ["A.6.2.6"],
    });
    const rows = (await import("csv-parse/sync")).parse(fixture("questions.csv")) as string[][];
    const xlsx = await importQuestionSet(await workbook(rows), "xlsx", { source: "questions.xlsx", id: csv.set.id });
    if (!xlsx.ok) throw new Error(JSON.stringify(xlsx.refusals));
    expect(xlsx.set.sections).toEqual(csv.set.sections.map((s) => ({ ...s, intro: s.intro.replace(".csv", ".xlsx") })));
  });

  it("names every refusal by row and column, from the table's own checks and from the loader's schema", async () => {
    const rows = await importQuestionSet(fixture("broken-rows.csv"), "csv", { source: "broken-rows.csv" });
    expect(rows.ok || rows.refusals).toEqual([
      { at: "row 2, column section", message: "“finance” is not a section: one of cto, cfo, product, procurement" },
      {
        at: "row 3, column type",
        message: expect.stringMatching(/^“dropdown” is not a question type: one of coverage/),
      },
      { at: "row 4, column required", message: "“maybe”: write yes or no" },
      { at: "row 5, column estimate_share", message: expect.stringMatching(/needs 'estimate'/) },
      { at: "row 6, column refs", message: expect.stringMatching(/^'MEASURE 9\.9' is not an item of NIST AI/) },
    ]);
    const header = await importQuestionSet(fixture("broken-questions.csv"), "csv", { source: "b.csv" });
    expect(header.ok || header.refusals[0]).toEqual({
      at: "row 1, column 5",
      message: `“colour” is not a column of the layout (${COLUMNS.join(", ")})`,
    });
    const missing = await importQuestionSet(
      await workbook([
        ["key", "text"],
        ["a_b", "Some question here"],
      ]),
      "xlsx",
      {
        source: "m.xlsx",
      },
    );
    expect(missing.ok || missing.refusals.map((x) => x.message)).toEqual([
      "the column “section” is missing",
      "the column “type” is missing",
    ]);
    // A workbook whose zip directory declares 4 GB is refused before anything is unpacked.
    const bomb = await workbook([["section", "key", "type", "text"]]);
    const eocd = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    bomb.writeUInt32LE(0xffffffff, bomb.readUInt32LE(eocd + 16) + 24);
    const refusedBomb = await importQuestionSet(bomb, "xlsx", { source: "b.xlsx" });
    expect(refusedBomb.ok || refusedBomb.refusals[0]!.message).toMatch(/unpacks to far more than a questionnaire/);
    const junk = await importQuestionSet(Buffer.from("not a zip"), "xlsx", { source: "j.xlsx" });
    expect(junk.ok || junk.refusals[0]!.message).toMatch(/not an Excel workbook/);
    const dupes = await importQuestionSet(
      Buffer.from("section,key,type,text\ncto,rai_x,yes_no,The first question\ncto,rai_x,yes_no,The second question\n"),
      "csv",
      { source: "d.csv" },
    );
    expect(dupes.ok || dupes.refusals[0]).toEqual({
      at: "row 3, column key",
      message: "duplicate question key 'rai_x' (first at sections[0].questions[0])",
    });
  });
});

describe("truecost questions import", () => {
  it("writes a YAML set the loader accepts and prints what needs a decision; a refusal exits non-zero", () => {
    const dir = tempDir();
    const out = join(dir, "set.yaml");
    const run = (args: string[]) => {
      const { BASE_URL: _v, ...env } = process.env;
      return spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli", "index.ts"), ...args], {
        cwd: ROOT,
        env: { ...env, DATA_DIR: dir, LOG_LEVEL: "silent" },
        encoding: "utf8",
      });
    };
    const ok = run([
      "questions",
      "import",
      join(FIXTURES, "baseline-library.yaml"),
      "--format",
      "ciso",
      "--map",
      join(FIXTURES, "baseline-mapping.yaml"),
      "-o",
      out,
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`to ${out}: 5 questions in 3 sections.`);
    expect(ok.stdout).toContain("Needs a decision (5):");
    const check = run(["questions", "validate", out]);
    expect(check.status, check.stderr).toBe(0);
    const bad = run(["questions", "import", join(FIXTURES, "broken-rows.csv"), "--format", "csv", "-o", out]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("row 3, column type:");
  });
});
