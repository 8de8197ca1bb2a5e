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

/** A field of one group: name, label, control, and its help or choices. */
const inGroup =
  (group: string) =>
  (name: string, label: string, kind: FieldKind, more: Partial<Field> = {}): Field => ({
    name,
    label,
    kind,
    group,
    ...more,
  });

/** The fields of a question, with choices drawn from the draft (its assumptions and other questions). */
export function questionFields(set: RawSet, self?: string): Field[] {
  const assumptions = set.assumptions.map((a) => ({ value: a.key, label: a.key }));
  const others = set.sections
    .flatMap((s) => s.questions)
    .filter((q) => q.key !== self)
    .map((q) => ({ value: q.key, label: `${q.key}: ${q.text.slice(0, 60)}` }));
  const q = inGroup("The question");
  const when = inGroup("When it is asked");
  const cost = inGroup("What it costs the buyer");
  const more = inGroup("Red flags and framework references");
  return [
    q("role", "Section", "select", { choices: pick(ROLES, ROLE_LABELS) }),
    q("key", "Key", "text", { help: "lower_snake_case, unique in the set; answers are matched by it" }),
    q("type", "Type", "select", { choices: pick(QUESTION_TYPES) }),
    q("text", "Question", "textarea"),
    q("help", "Guidance for the vendor", "textarea"),
    q("required", "Required", "check"),
    q("evidence", "Evidence is asked for", "check"),
    q("options", "Options", "lines", {
      help: "Choice questions: one per line, value: Label (e.g. per_seat: Per named user)",
    }),
    q("unit", "Unit", "text", { help: "Number questions, e.g. days or months" }),
    q("min", "Smallest answer", "number"),
    q("max", "Largest answer", "number"),
    when("shows_if.question", "Only when this question…", "select", {
      choices: others,
      help: "Leave empty to ask it always",
    }),
    when("shows_if.in", "…has one of these answers", "list", {
      help: "Values separated by commas (yes or no for a yes/no question)",
    }),
    cost("layer", "Cost layer", "select", { choices: pick(LAYERS, LAYER_LABELS) }),
    cost("phase", "Phase it is funded in", "select", { choices: pick(PHASES, PHASE_LABELS) }),
    cost("nature", "Nature", "select", { choices: pick(NATURES, NATURE_LABELS) }),
    cost("estimate.share", "Estimate: share (assumption)", "select", { choices: assumptions }),
    cost("estimate.of", "Estimate: share of", "select", { choices: pick(ESTIMATE_BASES) }),
    cost("estimate.days", "Estimate: buyer days (assumption)", "select", { choices: assumptions }),
    cost("estimate.applies_when", "Estimate applies when the answer is", "list", {
      help: "Yes/no and choice questions: the answers that cause the cost, separated by commas",
    }),
    cost("estimate.scale_by.question", "Scale the estimate by the answer to", "select", { choices: others }),
    cost("estimate.scale_by.factors", "Scale factors", "lines", { help: "One per line, answer: assumption_key" }),
    cost("months", "Length in months (assumption)", "select", { choices: assumptions }),
    cost("timing", "When a one-off cost falls", "select", { choices: pick(TIMINGS) }),
    cost("starts", "When a recurring cost starts", "select", { choices: pick(STARTS) }),
    cost("work", "Work it pays for", "text", { help: "Questions pricing the same work share it; it is counted once" }),
    cost("quote", "Quoted price item", "select", { choices: pick(QUOTE_ITEMS) }),
    cost("headline", "Part of the headline price", "check"),
    cost("term", "Commercial term the model reads", "select", { choices: pick(TERMS) }),
    cost("allow_na", "“Not applicable” is an acceptable answer", "check"),
    cost("control", "A control item (deferring it counts toward a red flag)", "check"),
    more("flags", "Red flags", "lines", {
      help: `One per line: flag severity answers, or flag severity below N / above N (per tier: below pilot=1 production=2 system_of_record=3). Flags: ${FLAGS.join(", ")}; severities: ${SEVERITIES.join(", ")}`,
    }),
    more("refs", "Framework references", "lines", {
      help: "One framework per line: framework: identifier, identifier (e.g. nist_ai_rmf: MEASURE 2.7, MAP 1.1)",
    }),
  ];
}

const assumption = inGroup("The assumption");
const bounds = inGroup("Defaults and bounds");
export const ASSUMPTION_FIELDS: Field[] = [
  assumption("key", "Key", "text", { help: "lower_snake_case; estimates refer to it" }),
  assumption("label", "Label", "text"),
  assumption("meaning", "Meaning", "textarea"),
  assumption("basis", "Basis", "text", { help: "A cited public figure, or the word judgement where none exists" }),
  assumption("unit", "Unit", "select", { choices: pick(["share", "days", "months", "ratio", "count", "money"]) }),
  assumption("kind", "Kind", "select", { choices: pick(["cost", "threshold", "timing", "value"]) }),
  ...TIERS.map((t) => bounds(`defaults.${t}`, `Default: ${TIER_LABELS[t]}`, "number")),
  bounds("min", "Smallest value a buyer may set", "number"),
  bounds("max", "Largest value a buyer may set", "number"),
  bounds("low", "Low end of its range", "number"),
  bounds("high", "High end of its range", "number"),
];

const set = inGroup("The set");
export const SET_FIELDS: Field[] = [
  set("id", "Set id", "text", { help: "lower_snake_case; a new id makes a new set" }),
  set("title", "Title", "text"),
  set("description", "Description", "textarea"),
  set("frameworks", "Frameworks of this set's own", "lines", {
    help: "Beyond the built-in EU AI Act, NIST AI RMF and ISO/IEC 42001: one per line, key | Title | identifier, identifier",
  }),
];

const section = inGroup("The section");
export const SECTION_FIELDS: Field[] = [
  section("title", "Section title", "text"),
  section("intro", "Introduction for the vendor", "textarea"),
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
