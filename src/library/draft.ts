import { stringify } from "yaml";
import { LAYERS, QUESTION_TYPES, ROLE_LABELS, ROLES, type Layer, type QuestionType, type Role } from "../domain.js";
import type { QuestionSet } from "../questions/schema.js";
import type { Framework } from "./frameworks.js";
import { checkDraft } from "./editor.js";
import { defaultAssumptions, type RawQuestion, type RawSet } from "./raw.js";

/**
 * What the importers share: a draft question set assembled from imported rows, the mapping that
 * places each imported item (role section, type, layer), the pricing templates a mapped cost layer
 * starts from, and the YAML the loader reads back. A draft takes the default set's assumptions, so
 * that it loads as it is and every estimate it starts with refers to an assumption that exists.
 */

export interface DraftItem {
  role: Role;
  question: RawQuestion;
  /** Where it came from, for messages: "row 7" or "GOVERN 1.1". */
  source: string;
}

export interface Mapping {
  role: Role;
  type: QuestionType;
  layer?: Layer;
}

/** A mapping file: a default placement, then rules matched by reference-identifier prefix (the longest wins). */
export interface MappingFile {
  default?: Partial<Mapping>;
  rules?: ({ match: string } & Partial<Mapping>)[];
}

const DEFAULT_MAPPING: Mapping = { role: "procurement", type: "yes_no" };

/** Where an imported item goes: the longest matching rule over the default, over yes/no in procurement. */
export function placement(ref: string, file: MappingFile | undefined): Mapping {
  const base = { ...DEFAULT_MAPPING, ...file?.default };
  const rule = (file?.rules ?? [])
    .filter((r) => ref.toLowerCase().startsWith(r.match.toLowerCase()))
    .sort((a, b) => b.match.length - a.match.length)[0];
  const { match: _m, ...over } = rule ?? { match: "" };
  return { ...base, ...over } as Mapping;
}

/** Checks a mapping file's values before anything is read with it; returns the problems. */
export function mappingProblems(file: MappingFile): string[] {
  const isObject = (x: unknown) => typeof x === "object" && x !== null && !Array.isArray(x);
  if (!isObject(file)) return ["a mapping is a YAML map: default: {…} and rules: [{ match: …, role: … }]"];
  if (file.default !== undefined && !isObject(file.default)) return ["default: a map of role, type and layer"];
  if (file.rules !== undefined && (!Array.isArray(file.rules) || !file.rules.every(isObject)))
    return ["rules: a list of maps, each with match and any of role, type, layer"];
  const out: string[] = [];
  const check = (where: string, m: Partial<Mapping>) => {
    if (m.role !== undefined && !ROLES.includes(m.role))
      out.push(`${where}: role '${m.role}' is not one of ${ROLES.join(", ")}`);
    if (m.type !== undefined && !QUESTION_TYPES.includes(m.type))
      out.push(`${where}: type '${m.type}' is not one of ${QUESTION_TYPES.join(", ")}`);
    if (m.layer !== undefined && !LAYERS.includes(m.layer))
      out.push(`${where}: layer '${m.layer}' is not one of ${LAYERS.join(", ")}`);
    if (m.type !== undefined && m.type !== "coverage" && m.layer !== undefined)
      out.push(`${where}: only a coverage question is priced into a layer (type '${m.type}' takes none)`);
  };
  if (file.default) check("default", file.default);
  (file.rules ?? []).forEach((r, i) => {
    if (typeof r.match !== "string" || !r.match) out.push(`rules[${i}]: needs match (a reference-identifier prefix)`);
    check(`rules[${i}]`, r);
  });
  return out;
}

/** How a coverage question in each layer is priced until someone decides better: the default set's own patterns. */
const LAYER_TEMPLATES: Record<Layer, Record<string, unknown>> = {
  governance: {
    phase: "implementation",
    nature: "one_off",
    control: true,
    estimate: { share: "governance_share", of: "build_reference", days: "governance_days" },
  },
  support: { phase: "operate", nature: "recurring", estimate: { days: "monitoring_days" } },
  rollout: {
    phase: "rollout",
    nature: "temporary",
    months: "rollout_months",
    estimate: { days: "stabilisation_days" },
  },
  ownership: { phase: "transition", nature: "one_off", estimate: { share: "exit_share", of: "build_reference" } },
  value: {
    phase: "implementation",
    nature: "one_off",
    estimate: { share: "integration_share", of: "build_reference" },
  },
};

/** The fields of a question's cost rule: what a question of another type or no layer leaves behind. */
const COST_FIELDS = [
  "layer",
  "phase",
  "nature",
  "estimate",
  "months",
  "timing",
  "starts",
  "work",
  "control",
  "allow_na",
];

/**
 * A question given another type or cost layer, as a person placing imported items means it: a
 * coverage question in a layer starts from that layer's pricing pattern; a question taken out of
 * every layer drops its cost rule; a choice question gets options to edit, others lose theirs.
 */
export function placed(q: RawQuestion, type: QuestionType, layer: Layer | undefined): RawQuestion {
  if (type === q.type && layer === q.layer) return q;
  const out: RawQuestion = { ...q, type };
  const choice = type === "single_choice" || type === "multi_choice";
  if (choice && !Array.isArray(out.options))
    out.options = [
      { value: "yes", label: "Yes, fully" },
      { value: "partly", label: "In part" },
      { value: "no", label: "No" },
    ];
  if (!choice) delete out.options;
  if (!layer) {
    for (const f of COST_FIELDS) delete out[f];
    return out;
  }
  if (type === "coverage" && (layer !== q.layer || q.type !== "coverage" || out.estimate === undefined)) {
    for (const f of COST_FIELDS) delete out[f];
    Object.assign(out, { layer, ...LAYER_TEMPLATES[layer] });
  } else out.layer = layer;
  return out;
}

/** A reference identifier as a question key: lower snake case, starting with a letter. */
export function keyOf(prefix: string, ref: string): string {
  const s = `${prefix}_${ref}`
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[a-z]/.test(s) ? s : `q_${s}`;
}

export interface DraftInput {
  id: string;
  title: string;
  description: string;
  /** The frameworks the items refer to, declared in the set when they are not built in. */
  frameworks?: Framework[];
  items: DraftItem[];
  /** The name of the source, for each section's introduction. */
  source: string;
}

/** A draft set as plain data (what the YAML file holds), sections in role order. */
export function draftSet(x: DraftInput): Record<string, unknown> {
  const sections = ROLES.filter((r) => x.items.some((i) => i.role === r)).map((role) => ({
    role,
    title: ROLE_LABELS[role],
    intro: `Questions imported from ${x.source}, for the ${ROLE_LABELS[role]} member of the committee.`,
    questions: x.items.filter((i) => i.role === role).map((i) => i.question),
  }));
  return {
    id: x.id,
    title: x.title,
    description: x.description,
    ...(x.frameworks?.length ? { frameworks: x.frameworks } : {}),
    assumptions: defaultAssumptions(),
    sections,
  };
}

export interface Refusal {
  /** Where: "row 7, column type", or a path in the set. */
  at: string;
  message: string;
}

/**
 * Validates a draft with the loader's own schema. Each problem is named where the user can find
 * it: `locate` turns a question's path (section, question, field) into a row and column.
 */
export function validateDraft(
  draft: Record<string, unknown>,
  locate: (role: Role, index: number, field: string) => string | undefined,
): { ok: true; set: QuestionSet } | { ok: false; refusals: Refusal[] } {
  const checked = checkDraft(draft as unknown as RawSet);
  if (checked.ok) return checked;
  return {
    ok: false,
    refusals: checked.issues.map((i) => {
      const at =
        i.place.kind === "question" ? locate(i.place.role, i.place.n, i.path.map(String).join(".")) : undefined;
      return { at: at ?? i.at, message: i.message };
    }),
  };
}

/** The YAML a draft is written as, with a header saying where it came from; the loader reads it back. */
export function draftYaml(draft: Record<string, unknown>, header: string[]): string {
  return `${header.map((l) => `# ${l}`.trimEnd()).join("\n")}\n${stringify(draft, { lineWidth: 110 })}`;
}
