import { parse as parseCsv } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { zipProblem } from "../xlsx/read.js";
import { QUESTION_TYPES, ROLE_LABELS, ROLES, type Role } from "../domain.js";
import type { DraftItem, Refusal } from "./draft.js";
import type { RawQuestion } from "./raw.js";

/**
 * Question sets from a table, one row per question (docs/question-library.md has the layout): a
 * CSV file or the first sheet of an XLSX workbook. Every refusal names its row and column; the
 * draft built from the rows is then checked by the loader's own schema, whose messages are named
 * by row and column too (see `columnOf`).
 */

export const COLUMNS = [
  "section",
  "key",
  "type",
  "text",
  "help",
  "required",
  "evidence",
  "options",
  "shows_if",
  "layer",
  "phase",
  "nature",
  "estimate_share",
  "estimate_of",
  "estimate_days",
  "unit",
  "refs",
] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED: Column[] = ["section", "key", "type", "text"];

export interface TableImport {
  items: DraftItem[];
  /** Rows refused before the schema is asked (left out of items), by row and column. */
  refusals: Refusal[];
  /** The spreadsheet row of each question, by role and position in its section, for the schema's messages. */
  rows: Map<string, number>;
}

export type TableResult = { ok: true; table: TableImport } | { ok: false; refusals: Refusal[] };

/** The column a schema message about `field` (a path inside a question) belongs to. */
export function columnOf(field: string): Column | undefined {
  const [head, next] = field.split(".");
  if (head === "estimate")
    return next === "share" || next === "of" || next === "days" ? `estimate_${next}` : "estimate_share";
  if (head === "shows_if") return "shows_if";
  if (head === "refs") return "refs";
  if (head === "options") return "options";
  return (COLUMNS as readonly string[]).includes(head ?? "") ? (head as Column) : undefined;
}

const truthy = (s: string): boolean | undefined => {
  const v = s.trim().toLowerCase();
  if (["yes", "y", "true", "1", "x"].includes(v)) return true;
  if (["no", "n", "false", "0"].includes(v)) return false;
  return undefined;
};

function roleOf(s: string): Role | undefined {
  const v = s.trim().toLowerCase();
  return ROLES.find((r) => r === v || ROLE_LABELS[r].toLowerCase() === v);
}

const slug = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");

/** "value: Label; value: Label", or labels alone ("Yes, fully; No"), whose values are made from them. */
function optionsOf(s: string): { value: string; label: string }[] {
  return s
    .split(/[;\n]/)
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const m = /^([a-z][a-z0-9_]*)\s*[:=]\s*(.+)$/.exec(x);
      return m
        ? { value: m[1]!, label: m[2]!.trim() }
        : { value: /^[a-z]/.test(slug(x)) ? slug(x) : `o_${slug(x)}`, label: x };
    });
}

/** "question_key = value | value" (or "in"), with yes/no read as booleans. */
function showsIfOf(s: string): { question: string; in: (string | boolean)[] } | string {
  const m = /^\s*([a-z][a-z0-9_]*)\s*(?:=|in|is)\s*(.+)$/i.exec(s);
  if (!m) return "write it as question_key = value (values separated by |)";
  const values = m[2]!
    .split(/[|,]/)
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => (/^(yes|true)$/i.test(x) ? true : /^(no|false)$/i.test(x) ? false : x));
  return values.length ? { question: m[1]!, in: values } : "name at least one value after =";
}

/** "nist_ai_rmf: MEASURE 2.7, MAP 1.1; iso_42001: A.6.2.4". */
function refsOf(s: string): Record<string, string[]> | string {
  const out: Record<string, string[]> = {};
  for (const part of s
    .split(";")
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([a-z][a-z0-9_]*)\s*:\s*(.+)$/.exec(part);
    if (!m) return `“${part}”: write framework: identifier, identifier (frameworks separated by ;)`;
    out[m[1]!] = m[2]!
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean);
  }
  return out;
}

/**
 * Reads rows (the first is the header) as draft questions; a row that cannot be read is refused by
 * row and column and left out, so that the schema can still name what is wrong in the others.
 */
export function importRows(rows: string[][]): TableResult {
  const refusals: Refusal[] = [];
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase().replace(/\s+/g, "_"));
  header.forEach((h, i) => {
    if (h && !(COLUMNS as readonly string[]).includes(h))
      refusals.push({
        at: `row 1, column ${i + 1}`,
        message: `“${h}” is not a column of the layout (${COLUMNS.join(", ")})`,
      });
  });
  for (const c of REQUIRED)
    if (!header.includes(c)) refusals.push({ at: "row 1", message: `the column “${c}” is missing` });
  if (refusals.length) return { ok: false, refusals };
  const items: DraftItem[] = [];
  const rowsOf = new Map<string, number>();
  const perRole = new Map<Role, number>();
  rows.slice(1).forEach((cells, i) => {
    const n = i + 2;
    const get = (c: Column) => (cells[header.indexOf(c)] ?? "").trim();
    if (COLUMNS.every((c) => !header.includes(c) || get(c) === "")) return;
    const refuse = (c: Column, message: string) => refusals.push({ at: `row ${n}, column ${c}`, message });
    const role = roleOf(get("section"));
    if (!role) return refuse("section", `“${get("section")}” is not a section: one of ${ROLES.join(", ")}`);
    const type = get("type")
      .toLowerCase()
      .replace(/[\s-]+/g, "_");
    if (!(QUESTION_TYPES as readonly string[]).includes(type))
      return refuse("type", `“${get("type")}” is not a question type: one of ${QUESTION_TYPES.join(", ")}`);
    const q: RawQuestion = { key: get("key"), type: type as RawQuestion["type"], text: get("text") };
    if (get("help")) q.help = get("help");
    for (const c of ["required", "evidence"] as const) {
      if (!get(c)) continue;
      const b = truthy(get(c));
      if (b === undefined) refuse(c, `“${get(c)}”: write yes or no`);
      else q[c] = b;
    }
    if (get("options")) q.options = optionsOf(get("options"));
    if (get("shows_if")) {
      const s = showsIfOf(get("shows_if"));
      if (typeof s === "string") refuse("shows_if", s);
      else q.shows_if = s;
    }
    for (const c of ["layer", "phase", "nature", "unit"] as const) if (get(c)) q[c] = get(c);
    const estimate: Record<string, string> = {};
    if (get("estimate_share")) estimate.share = get("estimate_share");
    if (get("estimate_of")) estimate.of = get("estimate_of");
    if (get("estimate_days")) estimate.days = get("estimate_days");
    if (Object.keys(estimate).length) q.estimate = estimate;
    if (get("refs")) {
      const r = refsOf(get("refs"));
      if (typeof r === "string") refuse("refs", r);
      else q.refs = r;
    }
    const index = perRole.get(role) ?? 0;
    perRole.set(role, index + 1);
    rowsOf.set(`${role}:${index}`, n);
    items.push({ role, question: q, source: `row ${n}` });
  });
  if (!items.length && !refusals.length)
    return { ok: false, refusals: [{ at: "row 2", message: "the table has no question rows" }] };
  return { ok: true, table: { items, refusals, rows: rowsOf } };
}

/** Example rows of the layout, for the template a user downloads and fills in. */
const EXAMPLES: Partial<Record<Column, string>>[] = [
  {
    section: "cto",
    key: "cto_runtime_monitoring",
    type: "coverage",
    text: "Runtime monitoring of output quality after go-live, with alerts",
    help: "Say what is watched, how often, and who is told.",
    required: "yes",
    evidence: "yes",
    layer: "support",
    phase: "operate",
    nature: "recurring",
    estimate_days: "monitoring_days",
    refs: "nist_ai_rmf: MEASURE 2.4, MANAGE 4.1; iso_42001: A.6.2.6",
  },
  {
    section: "cfo",
    key: "cfo_licence_basis",
    type: "single_choice",
    text: "How is the licence counted?",
    options: "per_seat: Per named user; per_case: Per case handled; flat: A flat yearly fee",
  },
  {
    section: "cfo",
    key: "cfo_seat_count",
    type: "number",
    text: "How many named users does the quote assume?",
    required: "no",
    shows_if: "cfo_licence_basis = per_seat",
  },
];

/** The layout as a CSV file: the header and a few example rows that import as they stand. */
export function templateCsv(): string {
  const cell = (v: string) => (/[",;\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const rows = [COLUMNS.join(","), ...EXAMPLES.map((e) => COLUMNS.map((c) => cell(e[c] ?? "")).join(","))];
  return rows.join("\r\n") + "\r\n";
}

/** A CSV file's rows (UTF-8, a byte-order mark allowed; commas or semicolons as the separator). */
export function csvRows(text: string): { ok: true; rows: string[][] } | { ok: false; refusals: Refusal[] } {
  const clean = text.replace(/^\uFEFF/, "");
  const first = clean.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = (first.match(/;/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? ";" : ",";
  try {
    return {
      ok: true,
      rows: parseCsv(clean, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true }),
    };
  } catch (err) {
    const e = err as { lines?: number; message: string };
    return { ok: false, refusals: [{ at: e.lines ? `row ${e.lines}` : "(csv)", message: e.message.split("\n")[0]! }] };
  }
}

/** The first sheet of a workbook (or the one named "Questions") as rows of text; formulas stay their text. */
export async function xlsxRows(
  file: Buffer,
): Promise<{ ok: true; rows: string[][] } | { ok: false; refusals: Refusal[] }> {
  const bomb = zipProblem(file);
  if (bomb) return { ok: false, refusals: [{ at: "(file)", message: bomb }] };
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    return { ok: false, refusals: [{ at: "(file)", message: "not an Excel workbook (.xlsx) Truecost can read" }] };
  }
  const ws = wb.getWorksheet("Questions") ?? wb.worksheets[0];
  if (!ws) return { ok: false, refusals: [{ at: "(file)", message: "the workbook has no sheet" }] };
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      const v = cell.value;
      cells[c - 1] =
        v === null || v === undefined
          ? ""
          : typeof v === "object" && "formula" in v
            ? `=${v.formula}`
            : typeof v === "object" && "richText" in v
              ? v.richText.map((t) => t.text).join("")
              : v instanceof Date
                ? v.toISOString().slice(0, 10)
                : typeof v === "object" && "text" in v
                  ? String(v.text)
                  : String(v);
    });
    rows[n - 1] = Array.from(cells, (x) => x ?? "");
  });
  return { ok: true, rows: Array.from(rows, (r) => r ?? []) };
}
