import {
  ESTIMATE_BASES,
  FLAGS,
  LAYER_LABELS,
  LAYERS,
  NATURE_LABELS,
  NATURES,
  PHASE_LABELS,
  PHASES,
  QUESTION_TYPES,
  QUOTE_ITEMS,
  ROLE_LABELS,
  ROLES,
  SEVERITIES,
  STARTS,
  TERMS,
  TIER_LABELS,
  TIERS,
  TIMINGS,
} from "../domain.js";
import type { RawSet } from "./raw.js";

/**
 * The editor's forms, described once: each field's name (its dotted path in the raw set), label,
 * control and help. One partial draws any of them, one function reads each back from a form, and
 * a schema message is shown next to the field whose path is the longest prefix of the message's.
 * Lists that YAML writes as structures are edited as lines of text (options, flags, references).
 */

export type FieldKind = "text" | "textarea" | "number" | "select" | "check" | "list" | "lines";

export interface Field {
  name: string;
  label: string;
  kind: FieldKind;
  group: string;
  help?: string;
  choices?: { value: string; label: string }[];
}

export type FormValues = Record<string, string>;
export type FieldErrors = Record<string, string>;

const pick = (values: readonly string[], labels?: Record<string, string>) =>
  values.map((v) => ({ value: v, label: labels?.[v] ? `${labels[v]} (${v})` : v }));

/** The fields of a question, with choices drawn from the draft (its assumptions and other questions). */
export function questionFields(set: RawSet, self?: string): Field[] {
  const assumptions = set.assumptions.map((a) => ({ value: a.key, label: a.key }));
  const others = set.sections
    .flatMap((s) => s.questions)
    .filter((q) => q.key !== self)
    .map((q) => ({ value: q.key, label: `${q.key}: ${q.text.slice(0, 60)}` }));
  const q = "The question";
  const when = "When it is asked";
  const cost = "What it costs the buyer";
  return [
    { name: "role", label: "Section", kind: "select", group: q, choices: pick(ROLES, ROLE_LABELS) },
    {
      name: "key",
      label: "Key",
      kind: "text",
      group: q,
      help: "lower_snake_case, unique in the set; answers are matched by it",
    },
    { name: "type", label: "Type", kind: "select", group: q, choices: pick(QUESTION_TYPES) },
    { name: "text", label: "Question", kind: "textarea", group: q },
    { name: "help", label: "Guidance for the vendor", kind: "textarea", group: q },
    { name: "required", label: "Required", kind: "check", group: q },
    { name: "evidence", label: "Evidence is asked for", kind: "check", group: q },
    {
      name: "options",
      label: "Options",
      kind: "lines",
      group: q,
      help: "Choice questions: one per line, value: Label (e.g. per_seat: Per named user)",
    },
    { name: "unit", label: "Unit", kind: "text", group: q, help: "Number questions, e.g. days or months" },
    { name: "min", label: "Smallest answer", kind: "number", group: q },
    { name: "max", label: "Largest answer", kind: "number", group: q },
    {
      name: "shows_if.question",
      label: "Only when this question…",
      kind: "select",
      group: when,
      choices: others,
      help: "Leave empty to ask it always",
    },
    {
      name: "shows_if.in",
      label: "…has one of these answers",
      kind: "list",
      group: when,
      help: "Values separated by commas (yes or no for a yes/no question)",
    },
    { name: "layer", label: "Cost layer", kind: "select", group: cost, choices: pick(LAYERS, LAYER_LABELS) },
    { name: "phase", label: "Phase it is funded in", kind: "select", group: cost, choices: pick(PHASES, PHASE_LABELS) },
    { name: "nature", label: "Nature", kind: "select", group: cost, choices: pick(NATURES, NATURE_LABELS) },
    {
      name: "estimate.share",
      label: "Estimate: share (assumption)",
      kind: "select",
      group: cost,
      choices: assumptions,
    },
    { name: "estimate.of", label: "Estimate: share of", kind: "select", group: cost, choices: pick(ESTIMATE_BASES) },
    {
      name: "estimate.days",
      label: "Estimate: buyer days (assumption)",
      kind: "select",
      group: cost,
      choices: assumptions,
    },
    {
      name: "estimate.applies_when",
      label: "Estimate applies when the answer is",
      kind: "list",
      group: cost,
      help: "Yes/no and choice questions: the answers that cause the cost, separated by commas",
    },
    {
      name: "estimate.scale_by.question",
      label: "Scale the estimate by the answer to",
      kind: "select",
      group: cost,
      choices: others,
    },
    {
      name: "estimate.scale_by.factors",
      label: "Scale factors",
      kind: "lines",
      group: cost,
      help: "One per line, answer: assumption_key",
    },
    { name: "months", label: "Length in months (assumption)", kind: "select", group: cost, choices: assumptions },
    { name: "timing", label: "When a one-off cost falls", kind: "select", group: cost, choices: pick(TIMINGS) },
    { name: "starts", label: "When a recurring cost starts", kind: "select", group: cost, choices: pick(STARTS) },
    {
      name: "work",
      label: "Work it pays for",
      kind: "text",
      group: cost,
      help: "Questions pricing the same work share it; it is counted once",
    },
    { name: "quote", label: "Quoted price item", kind: "select", group: cost, choices: pick(QUOTE_ITEMS) },
    { name: "headline", label: "Part of the headline price", kind: "check", group: cost },
    { name: "term", label: "Commercial term the model reads", kind: "select", group: cost, choices: pick(TERMS) },
    { name: "allow_na", label: "“Not applicable” is an acceptable answer", kind: "check", group: cost },
    { name: "control", label: "A control item (deferring it counts toward a red flag)", kind: "check", group: cost },
    {
      name: "flags",
      label: "Red flags",
      kind: "lines",
      group: "Red flags and framework references",
      help: `One per line: flag severity answers, or flag severity below N / above N (per tier: below pilot=1 production=2 system_of_record=3). Flags: ${FLAGS.join(", ")}; severities: ${SEVERITIES.join(", ")}`,
    },
    {
      name: "refs",
      label: "Framework references",
      kind: "lines",
      group: "Red flags and framework references",
      help: "One framework per line: framework: identifier, identifier (e.g. nist_ai_rmf: MEASURE 2.7, MAP 1.1)",
    },
  ];
}

export const ASSUMPTION_FIELDS: Field[] = [
  { name: "key", label: "Key", kind: "text", group: "The assumption", help: "lower_snake_case; estimates refer to it" },
  { name: "label", label: "Label", kind: "text", group: "The assumption" },
  { name: "meaning", label: "Meaning", kind: "textarea", group: "The assumption" },
  {
    name: "basis",
    label: "Basis",
    kind: "text",
    group: "The assumption",
    help: "A cited public figure, or the word judgement where none exists",
  },
  {
    name: "unit",
    label: "Unit",
    kind: "select",
    group: "The assumption",
    choices: pick(["share", "days", "months", "ratio", "count", "money"]),
  },
  {
    name: "kind",
    label: "Kind",
    kind: "select",
    group: "The assumption",
    choices: pick(["cost", "threshold", "timing", "value"]),
  },
  ...TIERS.map((t): Field => ({
    name: `defaults.${t}`,
    label: `Default: ${TIER_LABELS[t]}`,
    kind: "number",
    group: "Defaults and bounds",
  })),
  { name: "min", label: "Smallest value a buyer may set", kind: "number", group: "Defaults and bounds" },
  { name: "max", label: "Largest value a buyer may set", kind: "number", group: "Defaults and bounds" },
  { name: "low", label: "Low end of its range", kind: "number", group: "Defaults and bounds" },
  { name: "high", label: "High end of its range", kind: "number", group: "Defaults and bounds" },
];

export const SET_FIELDS: Field[] = [
  { name: "id", label: "Set id", kind: "text", group: "The set", help: "lower_snake_case; a new id makes a new set" },
  { name: "title", label: "Title", kind: "text", group: "The set" },
  { name: "description", label: "Description", kind: "textarea", group: "The set" },
  {
    name: "frameworks",
    label: "Frameworks of this set's own",
    kind: "lines",
    group: "The set",
    help: "Beyond the built-in EU AI Act, NIST AI RMF and ISO/IEC 42001: one per line, key | Title | identifier, identifier",
  },
];

export const SECTION_FIELDS: Field[] = [
  { name: "title", label: "Section title", kind: "text", group: "The section" },
  { name: "intro", label: "Introduction for the vendor", kind: "textarea", group: "The section" },
];

function getPath(o: Record<string, unknown>, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((x, k) => (x && typeof x === "object" ? (x as Record<string, unknown>)[k] : undefined), o);
}

function setPath(o: Record<string, unknown>, path: string, v: unknown): void {
  const parts = path.split(".");
  let cur = o;
  for (const p of parts.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== "object") cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  if (v === undefined) delete cur[parts.at(-1)!];
  else cur[parts.at(-1)!] = v;
}

const word = (v: unknown) => (v === true ? "yes" : v === false ? "no" : String(v));
const token = (s: string): string | boolean => (/^(yes|true)$/i.test(s) ? true : /^(no|false)$/i.test(s) ? false : s);

type FlagLine = { flag: string; severity: string; when: unknown };

function flagLine(f: FlagLine): string {
  const w = f.when;
  if (Array.isArray(w)) return `${f.flag} ${f.severity} ${w.map(word).join(", ")}`;
  const [dir, bound] = Object.entries(w as Record<string, unknown>)[0] ?? ["below", 0];
  const b =
    typeof bound === "object" && bound
      ? Object.entries(bound)
          .map(([t, n]) => `${t}=${String(n)}`)
          .join(" ")
      : String(bound);
  return `${f.flag} ${f.severity} ${dir} ${b}`;
}

function parseFlag(line: string): FlagLine | string {
  const m = /^(\S+)\s+(\S+)\s+(.+)$/.exec(line.trim());
  if (!m) return `“${line.trim()}”: write flag severity answers, e.g. governance_deferred high excluded, deferred`;
  const [, flag, severity, rest] = m as unknown as [string, string, string, string];
  const bound = /^(below|above)\s+(.+)$/.exec(rest);
  if (!bound)
    return {
      flag,
      severity,
      when: rest
        .split(",")
        .map((x) => token(x.trim()))
        .filter((x) => x !== ""),
    };
  const tiers = [...bound[2]!.matchAll(/(\w+)\s*=\s*(-?\d+(?:\.\d+)?)/g)];
  if (tiers.length)
    return { flag, severity, when: { [bound[1]!]: Object.fromEntries(tiers.map((t) => [t[1], Number(t[2])])) } };
  const n = Number(bound[2]!.trim());
  if (!Number.isFinite(n))
    return `“${bound[2]}”: a bound is a number, or one per tier (pilot=1 production=2 system_of_record=3)`;
  return { flag, severity, when: { [bound[1]!]: n } };
}

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** A "key: value" line list, as options (value: Label), factors (answer: key) or references (framework: ids). */
function pairs(s: string, what: string): [string, string][] | string {
  const out: [string, string][] = [];
  for (const l of lines(s)) {
    const i = l.indexOf(":");
    if (i < 1) return `“${l}”: write ${what}`;
    out.push([l.slice(0, i).trim(), l.slice(i + 1).trim()]);
  }
  return out;
}

/** A field's value as the form shows it. */
function shown(field: Field, v: unknown): string {
  if (v === undefined || v === null) return "";
  switch (field.name) {
    case "options":
      return (v as { value: string; label: string }[]).map((o) => `${o.value}: ${o.label}`).join("\n");
    case "estimate.scale_by.factors":
      return Object.entries(v as Record<string, string>)
        .map(([a, k]) => `${a}: ${k}`)
        .join("\n");
    case "flags":
      return (v as FlagLine[]).map(flagLine).join("\n");
    case "frameworks":
      return (v as { key: string; title: string; items: { id: string }[] }[])
        .map((f) => `${f.key} | ${f.title} | ${f.items.map((i) => i.id).join(", ")}`)
        .join("\n");
    case "refs":
      return Object.entries(v as Record<string, string[]>)
        .map(([f, ids]) => `${f}: ${ids.join(", ")}`)
        .join("\n");
  }
  if (field.kind === "check") return v ? "1" : "";
  if (field.kind === "list") return (v as unknown[]).map(word).join(", ");
  return String(v);
}

/** What a form shows for an object (a question, an assumption, the set), field by field; checks default as given. */
export function formOf(
  fields: Field[],
  o: Record<string, unknown>,
  defaults: Record<string, boolean> = {},
): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    const v = getPath(o, f.name);
    out[f.name] = f.kind === "check" && v === undefined ? (defaults[f.name] ? "1" : "") : shown(f, v);
  }
  return out;
}

/**
 * Reads a posted form into `base` (a copy is returned): each field by its control, and what cannot
 * be read (a number that is none, a line without its colon) as an error by field name, the form's
 * text kept. Empty fields are left out, so the loader's defaults apply.
 */
export function readForm(
  fields: Field[],
  body: Record<string, unknown>,
  base: Record<string, unknown>,
): { value: Record<string, unknown>; values: FormValues; errors: FieldErrors } {
  const value = structuredClone(base);
  const values: FormValues = {};
  const errors: FieldErrors = {};
  for (const f of fields) {
    const raw = body[f.name];
    const s = (Array.isArray(raw) ? String(raw[0] ?? "") : typeof raw === "string" ? raw : "").trim();
    values[f.name] = f.kind === "check" ? (s ? "1" : "") : s;
    let v: unknown;
    if (f.kind === "check") v = s !== "";
    else if (s === "") v = undefined;
    else if (f.kind === "number") {
      const n = Number(s.replace(/\s/g, ""));
      if (!Number.isFinite(n)) errors[f.name] = "Enter a number, e.g. 12 or 0.5";
      v = n;
    } else if (f.kind === "list")
      v = s
        .split(",")
        .map((x) => token(x.trim()))
        .filter((x) => x !== "");
    else if (f.name === "options") {
      const p = pairs(s, "value: Label");
      if (typeof p === "string") errors[f.name] = p;
      else v = p.map(([value, label]) => ({ value, label }));
    } else if (f.name === "estimate.scale_by.factors") {
      const p = pairs(s, "answer: assumption_key");
      if (typeof p === "string") errors[f.name] = p;
      else v = Object.fromEntries(p);
    } else if (f.name === "refs") {
      const p = pairs(s, "framework: identifier, identifier");
      if (typeof p === "string") errors[f.name] = p;
      else
        v = Object.fromEntries(
          p.map(([k, ids]) => [
            k,
            ids
              .split(",")
              .map((x) => x.trim())
              .filter(Boolean),
          ]),
        );
    } else if (f.name === "frameworks") {
      const read = lines(s).map((l) => l.split("|").map((x) => x.trim()));
      const bad = read.find((p) => p.length !== 3 || !p[0] || !p[2]);
      if (bad) errors[f.name] = `“${bad.join(" | ")}”: write key | Title | identifier, identifier`;
      else {
        // An item keeps the label it had (an imported library's) while its identifier stays.
        const before = (base.frameworks ?? []) as { key: string; items: { id: string; label?: string }[] }[];
        v = read.map(([key, title, ids]) => ({
          key,
          title,
          items: ids!
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
            .map((id) => before.find((b) => b.key === key)?.items.find((i) => i.id === id) ?? { id }),
        }));
      }
    } else if (f.name === "flags") {
      const parsed = lines(s).map(parseFlag);
      const bad = parsed.find((x) => typeof x === "string");
      if (bad) errors[f.name] = bad as string;
      else v = parsed;
    } else v = s;
    if (!errors[f.name]) setPath(value, f.name, v);
  }
  // A group left empty is no group: an estimate or condition without any field is left out.
  for (const k of ["estimate.scale_by", "estimate", "shows_if", "defaults"]) {
    const g = getPath(value, k);
    if (g && typeof g === "object" && Object.keys(g).length === 0) setPath(value, k, undefined);
  }
  return { value, values, errors };
}

/**
 * The field a schema message belongs to: the longest field name that starts its path (numbers
 * skipped), else the first field of the group the path names.
 */
export function fieldOf(fields: Field[], path: readonly PropertyKey[]): string | undefined {
  const segs = path.filter((p): p is string => typeof p === "string");
  for (let n = segs.length; n > 0; n--) {
    const name = segs.slice(0, n).join(".");
    if (fields.some((f) => f.name === name)) return name;
  }
  // A message about a whole group (an estimate that is missing) goes to the group's first field.
  return segs.length ? fields.find((f) => f.name.startsWith(`${segs[0]}.`))?.name : undefined;
}

/** The checks each kind of form starts ticked when the raw object leaves them out (the loader's defaults). */
export const QUESTION_CHECKS = { required: true, headline: true };
