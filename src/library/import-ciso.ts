import { readYaml } from "../questions/loader.js";
import { z } from "zod";
import type { Framework } from "./frameworks.js";
import { keyOf, placed, placement, type DraftItem, type MappingFile } from "./draft.js";
import type { RawQuestion } from "./raw.js";

/**
 * CISO Assistant's published library format: a YAML library whose `objects.framework` holds
 * `requirement_nodes`, each with `urn`, `ref_id`, `name`, `description`, `assessable` and, below
 * the top, `parent_urn`. Each assessable node becomes a question of a draft set, placed by the
 * mapping (role section, type, layer) and keeping the node's `ref_id` as a framework reference.
 */

const Node = z.looseObject({
  urn: z.string("needs a urn").min(1, "needs a urn"),
  ref_id: z.union([z.string(), z.number()]).transform(String).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  annotation: z.string().optional(),
  assessable: z.boolean().default(false),
  parent_urn: z.string().optional(),
});

const Library = z.looseObject({
  urn: z.string().optional(),
  ref_id: z.union([z.string(), z.number()]).transform(String).optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  objects: z.looseObject({
    framework: z.looseObject({
      urn: z.string().optional(),
      ref_id: z.union([z.string(), z.number()]).transform(String).optional(),
      name: z.string().min(1, "the framework needs a name"),
      description: z.string().optional(),
      requirement_nodes: z.array(z.unknown()).min(1, "the framework has no requirement nodes"),
    }),
  }),
});

export interface Imported {
  id: string;
  title: string;
  description: string;
  frameworks: Framework[];
  items: DraftItem[];
  /** What a person should decide before the set is used. */
  decisions: string[];
}

export type ImportResult =
  { ok: true; imported: Imported } | { ok: false; refusals: { at: string; message: string }[] };

const oneLine = (s: string | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

/** Reads a CISO Assistant library as a draft set's items, or every reason it cannot. */
export function importCiso(text: string, mapping?: MappingFile): ImportResult {
  const read = readYaml(text);
  if (!read.ok) return { ok: false, refusals: read.problems.map((p) => ({ at: p.path, message: p.message })) };
  const lib = Library.safeParse(read.data);
  if (!lib.success)
    return {
      ok: false,
      refusals: lib.error.issues.map((i) => ({
        at: i.path.length ? i.path.join(".") : "(top level)",
        message:
          i.path.join(".") === "objects" || i.path.join(".") === "objects.framework"
            ? "not a CISO Assistant library: it needs objects.framework with requirement_nodes"
            : i.message,
      })),
    };
  const fw = lib.data.objects.framework;
  const refusals: { at: string; message: string }[] = [];
  const nodes: z.infer<typeof Node>[] = [];
  fw.requirement_nodes.forEach((raw, i) => {
    const n = Node.safeParse(raw);
    if (!n.success)
      refusals.push({
        at: `requirement_nodes[${i}]${n.error.issues[0]!.path.length ? "." + n.error.issues[0]!.path.join(".") : ""}`,
        message: n.error.issues[0]!.message,
      });
    else nodes.push(n.data);
  });
  if (refusals.length) return { ok: false, refusals };
  const byUrn = new Map(nodes.map((n) => [n.urn, n]));
  const assessable = nodes.filter((n) => n.assessable);
  if (!assessable.length)
    return {
      ok: false,
      refusals: [{ at: "requirement_nodes", message: "no node is assessable: there is nothing to ask a vendor" }],
    };
  const fwRef = fw.ref_id ?? lib.data.ref_id ?? fw.name;
  const fwKey = keyOf("", fwRef).replace(/^q_/, "f_").slice(0, 40).replace(/_+$/, "");
  const prefix = fwKey.split("_").slice(0, 2).join("_");
  const decisions: string[] = [];
  const keys = new Set<string>();
  const items: DraftItem[] = [];
  const counts = new Map<string, number>();
  for (const n of assessable) {
    const ref = n.ref_id ?? n.urn.split(":").pop()!;
    let key = keyOf(prefix, ref).slice(0, 60);
    for (let k = 2; keys.has(key); k++) key = `${keyOf(prefix, ref).slice(0, 56)}_${k}`;
    keys.add(key);
    const name = oneLine(n.name);
    const description = oneLine(n.description);
    // The group a node sits in, for its help: its parent's name (e.g. "GOVERN 1: policies …").
    const parent = n.parent_urn ? byUrn.get(n.parent_urn) : undefined;
    const group = parent ? oneLine([parent.ref_id, parent.name].filter(Boolean).join(": ")) : "";
    let text = name || description;
    if (text.length < 8) {
      text = `${ref}: ${text || "requirement without a name"}`;
      decisions.push(`${ref}: has no wording of its own; write the question (now “${text}”)`);
    }
    const help = [name && description && description !== name ? description : "", oneLine(n.annotation)]
      .filter(Boolean)
      .join(" ");
    const place = placement(ref, mapping);
    const layer = place.type === "coverage" ? (place.layer ?? "governance") : undefined;
    const question: RawQuestion = placed(
      {
        key,
        type: "text",
        text,
        ...(help ? { help } : group ? { help: `Part of ${group}.` } : {}),
        refs: { [fwKey]: [ref] },
      },
      place.type,
      layer,
    );
    if (place.type === "coverage")
      decisions.push(
        `${ref}: priced as a ${place.layer ?? "governance"} item with that layer's starting estimate; check the estimate`,
      );
    const label = `${place.role} / ${place.type}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
    items.push({ role: place.role, question, source: ref });
  }
  for (const [label, n] of counts)
    if (label.endsWith("/ yes_no"))
      decisions.unshift(
        `${n} requirement${n === 1 ? "" : "s"} placed as yes/no questions in ${label.split(" / ")[0]}, with no cost line: ` +
          "decide each one's section, type and layer (a mapping file's rules, or the editor)",
      );
  return {
    ok: true,
    imported: {
      id: keyOf("", fwRef).slice(0, 40).replace(/_+$/, "").replace(/^q_/, "set_"),
      title: oneLine(fw.name).length >= 3 ? oneLine(fw.name) : `Imported ${fwRef}`,
      description:
        oneLine(fw.description ?? lib.data.description).length >= 10
          ? oneLine(fw.description ?? lib.data.description)
          : `Questions drawn from the framework ${oneLine(fw.name)}.`,
      frameworks: [
        {
          key: fwKey,
          title: oneLine(fw.name),
          items: assessable.map((n) => ({
            id: n.ref_id ?? n.urn.split(":").pop()!,
            label: oneLine(n.name) || oneLine(n.description).slice(0, 80),
          })),
        },
      ],
      items,
      decisions,
    },
  };
}
