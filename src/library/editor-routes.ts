import { Router, type Request, type Response } from "express";
import { audit } from "../audit/repo.js";
import type { Db } from "../db/index.js";
import {
  LAYER_LABELS,
  LAYERS,
  QUESTION_TYPES,
  ROLE_LABELS,
  ROLES,
  type Layer,
  type QuestionType,
  type Role,
} from "../domain.js";
import { placed } from "./draft.js";
import { badRequest, forbidden, notFound } from "../errors.js";
import { fromMinor, money } from "../format.js";
import { parseAnswer, toRaw, type QuestionView, type RawAnswer } from "../portal/answer-form.js";
import { isShown, type AnswerValue } from "../questions/answers.js";
import { findQuestionSetRow, getQuestionSet, listQuestionSets, questionSetSource } from "../questions/repo.js";
import { downloadName } from "../web/download.js";
import { idParam, requireRole, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import { oneFile } from "../xlsx/previews.js";
import { diffSets } from "./diff.js";
import {
  blankSet,
  checkDraft,
  issuesAt,
  newQuestion,
  newSection,
  placeExists,
  placeLink,
  sampleLines,
  withSection,
  type Issue,
  type Place,
} from "./editor.js";
import { countEvaluationsOfSet } from "../evaluations/repo.js";
import {
  ASSUMPTION_FIELDS,
  fieldOf,
  formOf,
  questionFields,
  QUESTION_CHECKS,
  readForm,
  SECTION_FIELDS,
  SET_FIELDS,
  type Field,
  type FieldErrors,
  type FormValues,
} from "./fields.js";
import { IMPORT_FORMATS, importQuestionSet, type ImportFormat } from "./import.js";
import { templateCsv } from "./import-table.js";
import { rawOf, setYaml, type RawQuestion, type RawSet } from "./raw.js";
import { createDraft, deleteDraft, findDraft, listDrafts, publishYaml, saveDraft, type Draft } from "./repo.js";
import { parse as parseYaml } from "yaml";

/**
 * The question library in the browser, for administrators: drafts edited field by field with the
 * loader's own schema (each message next to its field, nothing typed lost), a preview exactly as a
 * vendor sees it with the cost lines a sample answer causes, publishing as a new immutable version,
 * a diff between versions, YAML export, and imports from the files `truecost questions import` reads.
 */
export function editorRoutes(db: Db, validateCsrf: (req: Request) => boolean): Router {
  const r = Router();
  const admins = [requireUser, requireRole("admin")];
  const actor = (req: Request) => `user:${req.user!.id}`;

  const draftOf = (req: Request): Draft => {
    const d = findDraft(db, idParam(req, "d"));
    if (!d) throw notFound("This draft");
    return d;
  };
  const roleOf = (req: Request, raw: RawSet): Role => {
    const role = String(req.params.role) as Role;
    if (!ROLES.includes(role) || !raw.sections.some((s) => s.role === role)) throw notFound("This section");
    return role;
  };
  const questionAt = (req: Request, raw: RawSet) => {
    const role = roleOf(req, raw);
    const section = raw.sections.find((s) => s.role === role)!;
    const n = Number(req.params.n);
    if (!Number.isInteger(n) || n < 0 || n >= section.questions.length) throw notFound("This question");
    return { role, section, n, q: section.questions[n]! };
  };
  const draftHref = (d: Draft) => `/library/drafts/${d.id}`;
  const back = (d: Draft) => ({ href: draftHref(d), label: d.content.title || "Draft" });
  /** Writes a draft's new content, or null when someone saved it since the form was opened. */
  const store = (req: Request, d: Draft, content: RawSet): number | null =>
    saveDraft(db, d.id, content, Number(req.body?.rev ?? d.revision), req.user!.id);
  const CONFLICT =
    "Someone else saved this draft since you opened the form: nothing was saved. Your typing is below; save again to keep it, or reload to see theirs.";

  /** The schema's messages of one place, by field. */
  const placeErrors = (raw: RawSet, place: Place, fields: Field[]): FieldErrors => {
    const checked = checkDraft(raw);
    const out: FieldErrors = {};
    if (checked.ok) return out;
    for (const i of issuesAt(checked.issues, place)) {
      const name = fieldOf(fields, i.path) ?? "_form";
      out[name] ??= i.message;
    }
    return out;
  };

  type Spec = Parameters<typeof formPage>[2];
  type Over = Partial<Spec>;
  type Show = (d: Draft, over: Over, status: number) => Promise<void>;
  const NOT_VALID = "Saved in the draft; not yet valid: each problem is next to its field.";

  /**
   * A form posted from an older revision for something no longer in the draft (another editor
   * removed it): the draft's page says so, with a 409, rather than "not found".
   */
  const vanished = (req: Request, res: Response, d: Draft, place: Place) =>
    Number(req.body?.rev) !== d.revision && !placeExists(d.content, place)
      ? draftPage(req, res, d, { conflict: `${CONFLICT} What you were editing is no longer in it.` }, 409)
      : undefined;
  const placeOf = (req: Request): Place =>
    req.params.n === undefined
      ? { kind: "section", role: String(req.params.role) as Role }
      : req.params.role === undefined
        ? { kind: "assumption", n: Number(req.params.n) }
        : { kind: "question", role: String(req.params.role) as Role, n: Number(req.params.n) };

  /** A change of the draft's structure (add, move, delete): saved, or the draft's page says someone else saved first. */
  const change = (req: Request, res: Response, d: Draft, content: RawSet, next: string) => {
    if (store(req, d, content) === null) return draftPage(req, res, findDraft(db, d.id)!, { conflict: CONFLICT }, 409);
    return res.redirect(303, next);
  };

  /**
   * A form's content saved in the draft, then checked: a save over someone else's brings the form
   * back with the typing (`again` draws it at its old place), the schema's messages bring it back
   * next to their fields (`show` draws it at its place after the save), else the editor goes on.
   */
  const saveForm = (
    req: Request,
    res: Response,
    d: Draft,
    content: RawSet,
    x: {
      values: FormValues;
      /** Where the content is after the save. */
      place: Place;
      fields: (saved: RawSet) => Field[];
      again: Show;
      show: Show;
      next: string;
    },
  ) => {
    if (store(req, d, content) === null)
      return x.again(findDraft(db, d.id)!, { values: x.values, conflict: CONFLICT }, 409);
    const saved = findDraft(db, d.id)!;
    const errors = placeErrors(saved.content, x.place, x.fields(saved.content));
    if (Object.keys(errors).length) return x.show(saved, { values: x.values, errors, notice: NOT_VALID }, 422);
    return res.redirect(303, x.next);
  };

  const formPage = (
    req: Request,
    res: Response,
    x: {
      d: Draft;
      heading: string;
      intro?: string;
      action: string;
      fields: Field[];
      values: FormValues;
      errors: FieldErrors;
      rev: number;
      conflict?: string;
      notice?: string;
      extra?: { action: string; label: string; danger?: boolean; fields?: Record<string, string> }[];
    },
    status = 200,
  ) =>
    renderPage(
      req,
      res,
      "library/form",
      {
        title: `${x.heading} — ${x.d.content.title || "Draft"}`,
        back: back(x.d),
        labels: { ...Object.fromEntries(x.fields.map((f) => [f.name, f.label])), _form: "This item" },
        extra: [],
        intro: "",
        conflict: "",
        notice: "",
        ...x,
      },
      status,
    );

  r.get("/library", ...admins, (req, res) => indexWith(req, res, {}, 200));

  r.get("/library/template.csv", ...admins, (_req, res) => {
    res.set("Content-Disposition", downloadName("question-set-template.csv"));
    res.type("text/csv").send(templateCsv());
  });

  r.post("/library/drafts", ...admins, (req, res) => {
    const from = Number(req.body?.from ?? 0);
    let content = blankSet();
    let base: number | null = null;
    if (from) {
      if (!findQuestionSetRow(db, from)) throw notFound("This version");
      content = rawOf(getQuestionSet(db, from));
      base = from;
    }
    const id = createDraft(db, content, base, req.user!.id);
    audit(db, null, actor(req), "library.draft_started", { draft: id, from: base });
    res.redirect(303, `/library/drafts/${id}`);
  });

  r.post(
    "/library/import",
    ...admins,
    oneFile((req, res, error) => indexWith(req, res, { importError: error }, 400)),
    async (req, res) => {
      if (!validateCsrf(req)) throw forbidden("This form expired. Reload the page and upload the file again.");
      const format = String(req.body?.format ?? "") as ImportFormat;
      const mapText = String(req.body?.mapping ?? "").trim();
      // A refused import comes back with the format and the mapping as typed (a file input cannot be refilled).
      const refuse = (importError: string, refusals: string[] = []) =>
        indexWith(req, res, { importError, refusals, typed: { format, mapping: mapText } }, 400);
      if (!IMPORT_FORMATS.includes(format)) return refuse(`Choose the file's format: ${IMPORT_FORMATS.join(", ")}.`);
      if (!req.file) return refuse("Choose the file to import.");
      let mapping;
      if (mapText)
        try {
          mapping = parseYaml(mapText) as never;
        } catch {
          return refuse("The mapping is not readable YAML.");
        }
      const r2 = await importQuestionSet(req.file.buffer, format, {
        mapping,
        source: req.file.originalname || "upload",
      });
      if (!r2.ok)
        return refuse(
          `Not imported: ${r2.refusals.length === 1 ? "one problem" : `${r2.refusals.length} problems`}, listed below.`,
          r2.refusals.map((x) => `${x.at}: ${x.message}`),
        );
      const id = createDraft(db, rawOf(r2.set), null, req.user!.id, r2.decisions);
      audit(db, null, actor(req), "library.imported", { draft: id, format, file: req.file.originalname });
      return res.redirect(303, `/library/drafts/${id}`);
    },
  );

  const indexWith = (req: Request, res: Response, extra: Record<string, unknown>, status: number) => {
    const rows = listQuestionSets(db);
    return renderPage(
      req,
      res,
      "library/index",
      {
        title: "Question library",
        sets: [...new Set(rows.map((s) => s.setKey))].map((key) => ({
          key,
          versions: rows.filter((s) => s.setKey === key),
        })),
        drafts: listDrafts(db).map((d) => ({ d, problems: checkDraft(d.content).ok ? 0 : 1 })),
        formats: IMPORT_FORMATS,
        importError: null,
        refusals: [],
        typed: { format: "", mapping: "" },
        ...extra,
      },
      status,
    );
  };

  const draftPage = (req: Request, res: Response, d: Draft, extra: Record<string, unknown> = {}, status = 200) => {
    const checked = checkDraft(d.content);
    const issues: Issue[] = checked.ok ? [] : checked.issues;
    const setIssues = issuesAt(issues, { kind: "set" });
    const setErrors: FieldErrors = {};
    for (const i of setIssues) setErrors[fieldOf(SET_FIELDS, i.path) ?? "_set"] ??= i.message;
    return renderPage(
      req,
      res,
      "library/draft",
      {
        title: `Draft — ${d.content.title}`,
        d,
        raw: d.content,
        issues: issues.map((i) => ({ ...i, link: placeLink(d.id, d.content, i.place) })),
        problemsOf: (p: Place) => issuesAt(issues, p).length,
        setFields: SET_FIELDS,
        setValues: formOf(SET_FIELDS, d.content as never),
        setErrors,
        roleLabels: ROLE_LABELS,
        missingRoles: ROLES.filter((ro) => !d.content.sections.some((s) => s.role === ro)),
        base: d.baseId ? findQuestionSetRow(db, d.baseId) : null,
        decisions: d.decisions,
        conflict: "",
        ...extra,
      },
      status,
    );
  };

  r.get("/library/drafts/:d", ...admins, (req, res) => draftPage(req, res, draftOf(req)));

  r.post("/library/drafts/:d/set", ...admins, (req, res) => {
    const d = draftOf(req);
    const { value, values, errors } = readForm(SET_FIELDS, req.body ?? {}, d.content as never);
    const content = value as unknown as RawSet;
    if (Object.keys(errors).length) return draftPage(req, res, d, { setValues: values, setErrors: errors }, 422);
    if (store(req, d, content) === null)
      return draftPage(req, res, findDraft(db, d.id)!, { setValues: values, conflict: CONFLICT }, 409);
    res.redirect(303, `${draftHref(d)}#set`);
  });

  // Sections: their title and introduction; a section is added for a role the set has none for.
  r.post("/library/drafts/:d/sections", ...admins, (req, res) => {
    const d = draftOf(req);
    const role = String(req.body?.role ?? "") as Role;
    if (!ROLES.includes(role)) throw badRequest("Choose the role of the new section.");
    if (d.content.sections.some((s) => s.role === role)) return res.redirect(303, `${draftHref(d)}/sections/${role}`);
    const content = structuredClone(d.content);
    content.sections = withSection(content.sections, newSection(role, [newQuestion(content, role)]));
    return change(req, res, d, content, `${draftHref(d)}/sections/${role}`);
  });

  const sectionForm = (d: Draft, role: Role): Spec => {
    const s = d.content.sections.find((x) => x.role === role)!;
    return {
      d,
      heading: `Section: ${ROLE_LABELS[role]}`,
      action: `${draftHref(d)}/sections/${role}`,
      fields: SECTION_FIELDS,
      values: formOf(SECTION_FIELDS, s as never),
      errors: placeErrors(d.content, { kind: "section", role }, SECTION_FIELDS),
      rev: d.revision,
      extra:
        d.content.sections.length > 1
          ? [
              {
                action: `${draftHref(d)}/sections/${role}/delete`,
                label: "Remove this section and its questions",
                danger: true,
              },
            ]
          : [],
    };
  };
  r.get("/library/drafts/:d/sections/:role", ...admins, (req, res) => {
    const d = draftOf(req);
    return formPage(req, res, sectionForm(d, roleOf(req, d.content)));
  });
  r.post("/library/drafts/:d/sections/:role", ...admins, (req, res) => {
    const d = draftOf(req);
    const gone = vanished(req, res, d, placeOf(req));
    if (gone) return gone;
    const role = roleOf(req, d.content);
    const content = structuredClone(d.content);
    const i = content.sections.findIndex((s) => s.role === role);
    const { value, values, errors } = readForm(SECTION_FIELDS, req.body ?? {}, content.sections[i] as never);
    content.sections[i] = value as never;
    if (Object.keys(errors).length) return formPage(req, res, { ...sectionForm(d, role), values, errors }, 422);
    const show: Show = (x, over, status) => formPage(req, res, { ...sectionForm(x, role), ...over }, status);
    return saveForm(req, res, d, content, {
      values,
      place: { kind: "section", role },
      fields: () => SECTION_FIELDS,
      again: show,
      show,
      next: draftHref(d),
    });
  });
  r.post("/library/drafts/:d/sections/:role/delete", ...admins, (req, res) => {
    const d = draftOf(req);
    const role = roleOf(req, d.content);
    if (d.content.sections.length < 2) throw badRequest("A set keeps at least one section.");
    const content = { ...d.content, sections: d.content.sections.filter((s) => s.role !== role) };
    return change(req, res, d, content, draftHref(d));
  });

  // Placement: every question's section, type and cost layer in one table (an import's mapping, edited).
  r.get("/library/drafts/:d/placement", ...admins, (req, res) => {
    const d = draftOf(req);
    const checked = checkDraft(d.content);
    return renderPage(req, res, "library/placement", {
      title: `Place the questions — ${d.content.title}`,
      d,
      rows: d.content.sections.flatMap((s) =>
        s.questions.map((q, n) => ({
          role: s.role,
          n,
          q,
          problems: checked.ok ? 0 : issuesAt(checked.issues, { kind: "question", role: s.role, n }).length,
        })),
      ),
      roles: ROLES,
      roleLabels: ROLE_LABELS,
      types: QUESTION_TYPES,
      layers: LAYERS,
      layerLabels: LAYER_LABELS,
      saved: req.query.saved === "1",
      conflict: "",
    });
  });
  r.post("/library/drafts/:d/placement", ...admins, (req, res) => {
    const d = draftOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const pick = <T extends string>(name: string, allowed: readonly T[], keep: T | undefined) => {
      const v = body[name];
      return typeof v === "string" && (allowed as readonly string[]).includes(v)
        ? (v as T)
        : v === ""
          ? undefined
          : keep;
    };
    const moved = new Map<Role, RawQuestion[]>(ROLES.map((r) => [r, []]));
    let i = 0;
    for (const s of d.content.sections)
      for (const q of s.questions) {
        const role = pick(`role_${i}`, ROLES, s.role) ?? s.role;
        const type = pick(`type_${i}`, QUESTION_TYPES, q.type as QuestionType) ?? (q.type as QuestionType);
        const layer = pick(`layer_${i}`, LAYERS, q.layer as Layer | undefined);
        moved.get(role)!.push(placed(q, type, layer));
        i++;
      }
    const sections = ROLES.flatMap((role) => {
      const questions = moved.get(role)!;
      if (!questions.length) return [];
      const had = d.content.sections.find((s) => s.role === role);
      return [had ? { ...had, questions } : newSection(role, questions)];
    });
    return change(req, res, d, { ...d.content, sections }, `${draftHref(d)}/placement?saved=1`);
  });

  // Questions, by section and position: a key may be renamed (or, while invalid, repeated).
  const questionForm = (d: Draft, role: Role, n: number): Spec => {
    const section = d.content.sections.find((s) => s.role === role)!;
    const q = section.questions[n]!;
    const fields = questionFields(d.content, q.key);
    const base = `${draftHref(d)}/questions/${role}/${n}`;
    return {
      d,
      heading: `Question ${n + 1} of ${ROLE_LABELS[role]}: ${q.key}`,
      intro: "Every field the YAML loader reads. Fields a type does not use stay empty.",
      action: base,
      fields,
      values: formOf(fields, { ...q, role }, QUESTION_CHECKS),
      errors: placeErrors(d.content, { kind: "question", role, n }, fields),
      rev: d.revision,
      extra: [
        ...(n > 0 ? [{ action: `${base}/move`, label: "Move up", fields: { dir: "up" } }] : []),
        ...(n < section.questions.length - 1
          ? [{ action: `${base}/move`, label: "Move down", fields: { dir: "down" } }]
          : []),
        ...(section.questions.length > 1
          ? [{ action: `${base}/delete`, label: "Delete this question", danger: true }]
          : []),
      ],
    };
  };

  r.post("/library/drafts/:d/questions", ...admins, (req, res) => {
    const d = draftOf(req);
    const role = String(req.body?.role ?? "") as Role;
    const content = structuredClone(d.content);
    const section = content.sections.find((s) => s.role === role);
    if (!section) throw badRequest("Choose a section the set has.");
    section.questions.push(newQuestion(content, role));
    return change(req, res, d, content, `${draftHref(d)}/questions/${role}/${section.questions.length - 1}`);
  });

  r.get("/library/drafts/:d/questions/:role/:n", ...admins, (req, res) => {
    const d = draftOf(req);
    const { role, n } = questionAt(req, d.content);
    return formPage(req, res, questionForm(d, role, n));
  });

  r.post("/library/drafts/:d/questions/:role/:n", ...admins, (req, res) => {
    const d = draftOf(req);
    const gone = vanished(req, res, d, placeOf(req));
    if (gone) return gone;
    const { role, n, q } = questionAt(req, d.content);
    const fields = questionFields(d.content, q.key);
    // The form holds every field: what it leaves empty is left out (the loader's defaults apply).
    const { value, values, errors } = readForm(fields, req.body ?? {}, {});
    if (Object.keys(errors).length) return formPage(req, res, { ...questionForm(d, role, n), values, errors }, 422);
    const { role: to, ...rest } = value as { role?: Role } & RawQuestion;
    const target = to && ROLES.includes(to) ? to : role;
    const content = structuredClone(d.content);
    const from = content.sections.find((s) => s.role === role)!;
    let at = { role, n };
    if (target === role) from.questions[n] = rest;
    else {
      let dest = content.sections.find((s) => s.role === target);
      if (!dest) content.sections = withSection(content.sections, (dest = newSection(target, [])));
      from.questions.splice(n, 1);
      dest.questions.push(rest);
      if (!from.questions.length) content.sections = content.sections.filter((s) => s !== from);
      at = { role: target, n: dest.questions.length - 1 };
    }
    return saveForm(req, res, d, content, {
      values,
      place: { kind: "question", ...at },
      fields: (saved) => questionFields(saved, rest.key),
      again: (x, over, status) => formPage(req, res, { ...questionForm(x, role, n), ...over }, status),
      show: (x, over, status) => formPage(req, res, { ...questionForm(x, at.role, at.n), ...over }, status),
      next: `${draftHref(d)}#section-${at.role}`,
    });
  });

  r.post("/library/drafts/:d/questions/:role/:n/move", ...admins, (req, res) => {
    const d = draftOf(req);
    const { role, n } = questionAt(req, d.content);
    const content = structuredClone(d.content);
    const qs = content.sections.find((s) => s.role === role)!.questions;
    const to = req.body?.dir === "up" ? n - 1 : n + 1;
    if (to < 0 || to >= qs.length) throw badRequest("The question cannot move further.");
    [qs[n], qs[to]] = [qs[to]!, qs[n]!];
    return change(req, res, d, content, `${draftHref(d)}/questions/${role}/${to}`);
  });

  r.post("/library/drafts/:d/questions/:role/:n/delete", ...admins, (req, res) => {
    const d = draftOf(req);
    const { role, n } = questionAt(req, d.content);
    const content = structuredClone(d.content);
    const section = content.sections.find((s) => s.role === role)!;
    if (section.questions.length < 2)
      throw badRequest("A section keeps at least one question: remove the section instead.");
    section.questions.splice(n, 1);
    return change(req, res, d, content, `${draftHref(d)}#section-${role}`);
  });

  // Assumptions, by position, with a default per tier, bounds and basis.
  const assumptionForm = (d: Draft, n: number): Spec => ({
    d,
    heading: `Assumption: ${d.content.assumptions[n]!.key}`,
    action: `${draftHref(d)}/assumptions/${n}`,
    fields: ASSUMPTION_FIELDS,
    values: formOf(ASSUMPTION_FIELDS, d.content.assumptions[n]!),
    errors: placeErrors(d.content, { kind: "assumption", n }, ASSUMPTION_FIELDS),
    rev: d.revision,
    extra: [{ action: `${draftHref(d)}/assumptions/${n}/delete`, label: "Delete this assumption", danger: true }],
  });
  const assumptionAt = (req: Request, d: Draft) => {
    const n = Number(req.params.n);
    if (!Number.isInteger(n) || n < 0 || n >= d.content.assumptions.length) throw notFound("This assumption");
    return n;
  };
  r.post("/library/drafts/:d/assumptions", ...admins, (req, res) => {
    const d = draftOf(req);
    const content = structuredClone(d.content);
    const keys = new Set(content.assumptions.map((a) => a.key));
    let key = "new_assumption";
    for (let i = 2; keys.has(key); i++) key = `new_assumption_${i}`;
    content.assumptions.push({
      key,
      label: "New assumption",
      meaning: "What it means, in a sentence.",
      basis: "judgement",
      unit: "days",
      min: 0,
      max: 100,
      defaults: { pilot: 1, production: 1, system_of_record: 1 },
    });
    return change(req, res, d, content, `${draftHref(d)}/assumptions/${content.assumptions.length - 1}`);
  });
  r.get("/library/drafts/:d/assumptions/:n", ...admins, (req, res) => {
    const d = draftOf(req);
    return formPage(req, res, assumptionForm(d, assumptionAt(req, d)));
  });
  r.post("/library/drafts/:d/assumptions/:n", ...admins, (req, res) => {
    const d = draftOf(req);
    const gone = vanished(req, res, d, placeOf(req));
    if (gone) return gone;
    const n = assumptionAt(req, d);
    const { value, values, errors } = readForm(ASSUMPTION_FIELDS, req.body ?? {}, {});
    if (Object.keys(errors).length) return formPage(req, res, { ...assumptionForm(d, n), values, errors }, 422);
    const content = structuredClone(d.content);
    content.assumptions[n] = value as never;
    const show: Show = (x, over, status) => formPage(req, res, { ...assumptionForm(x, n), ...over }, status);
    return saveForm(req, res, d, content, {
      values,
      place: { kind: "assumption", n },
      fields: () => ASSUMPTION_FIELDS,
      again: show,
      show,
      next: `${draftHref(d)}#assumptions`,
    });
  });
  r.post("/library/drafts/:d/assumptions/:n/delete", ...admins, (req, res) => {
    const d = draftOf(req);
    const n = assumptionAt(req, d);
    const content = structuredClone(d.content);
    content.assumptions.splice(n, 1);
    return change(req, res, d, content, `${draftHref(d)}#assumptions`);
  });

  // The preview: a section exactly as a vendor's page draws it, and the cost lines a sample answer causes.
  const preview = (req: Request, res: Response, sample: Map<string, RawAnswer> | null, status = 200) => {
    const d = draftOf(req);
    const role = roleOf(req, d.content);
    const checked = checkDraft(d.content);
    const page = (locals: Record<string, unknown>) =>
      renderPage(
        req,
        res,
        "library/preview",
        {
          title: `Preview — ${d.content.title}`,
          d,
          role,
          roleLabels: ROLE_LABELS,
          sections: d.content.sections,
          ...locals,
        },
        status,
      );
    if (!checked.ok) return page({ invalid: checked.issues.length, questions: [], cost: null });
    const set = checked.set;
    const section = set.sections.find((s) => s.role === role)!;
    const answers: Record<string, AnswerValue> = {};
    const errors = new Map<string, string>();
    for (const [key, raw] of sample ?? []) {
      const q = set.sections.flatMap((s) => s.questions).find((x) => x.key === key);
      if (!q) continue;
      const p = parseAnswer(q, raw, "EUR");
      if (!p.ok) errors.set(key, p.error);
      else if (p.value !== null) answers[key] = p.value;
    }
    const questions: QuestionView[] = section.questions.map((q) => ({
      q,
      raw: sample?.get(q.key) ?? toRaw(q, undefined, "EUR", fromMinor),
      revision: 0,
      shown: isShown(q, answers),
      ...(errors.has(q.key) ? { error: errors.get(q.key)! } : {}),
    }));
    const cost = sample ? sampleLines(set, answers) : null;
    return page({
      invalid: 0,
      section,
      questions,
      cost: cost && {
        total: cost.total === null ? null : money(cost.total, "EUR"),
        lines: cost.lines
          .filter((l) => l.role === role && l.total > 0)
          // What the sample answered first, then what its silence costs.
          .sort((a, b) => Number(a.source !== "answered") - Number(b.source !== "answered"))
          .map((l) => ({
            key: l.questionKey,
            kind: l.kind,
            layer: l.layer,
            amount: money(l.amount, "EUR"),
            total: money(l.total, "EUR"),
            reason: l.reason,
          })),
      },
    });
  };
  r.get("/library/drafts/:d/preview/:role", ...admins, (req, res) => preview(req, res, null));
  r.post("/library/drafts/:d/preview/:role", ...admins, (req, res) => {
    const body = (req.body ?? {}) as Record<string, string | string[]>;
    const sample = new Map<string, RawAnswer>();
    for (const [name, v] of Object.entries(body)) {
      const m = /^(q|p|nk|nkr)_(\w+)$/.exec(name);
      if (!m) continue;
      const cur = sample.get(m[2]!) ?? {};
      (cur as Record<string, unknown>)[m[1]!] = v;
      sample.set(m[2]!, cur);
    }
    return preview(req, res, sample);
  });

  r.post("/library/drafts/:d/publish", ...admins, (req, res) => {
    const d = draftOf(req);
    const checked = checkDraft(d.content);
    if (!checked.ok) return draftPage(req, res, d, {}, 422);
    // Who published and when is in the audit log: the text, and so the version's hash, is the content alone.
    const yaml = setYaml(d.content, "Published from the Truecost question library editor.");
    const published = publishYaml(db, yaml, `editor:${checked.set.id}`);
    if (!published.ok)
      return draftPage(
        req,
        res,
        d,
        {
          conflict: `Not published: the YAML it writes does not load (${published.problems
            .map((p) => `${p.path}: ${p.message}`)
            .join("; ")}). Nothing was stored.`,
        },
        422,
      );
    audit(db, null, actor(req), "library.published", {
      draft: d.id,
      questionSet: published.id,
      created: published.created,
    });
    deleteDraft(db, d.id);
    res.redirect(303, `/library/sets/${published.id}${published.created ? "?published=1" : "?same=1"}`);
  });

  r.post("/library/drafts/:d/delete", ...admins, (req, res) => {
    const d = draftOf(req);
    deleteDraft(db, d.id);
    audit(db, null, actor(req), "library.draft_deleted", { draft: d.id });
    res.redirect(303, "/library");
  });

  const versionOf = (req: Request) => {
    const row = findQuestionSetRow(db, idParam(req, "id"));
    if (!row) throw notFound("This version");
    return row;
  };

  r.get("/library/sets/:id", ...admins, (req, res) => {
    const row = versionOf(req);
    const set = getQuestionSet(db, row.id);
    const versions = listQuestionSets(db).filter((s) => s.setKey === row.setKey);
    const inUse = countEvaluationsOfSet(db, row.id);
    return renderPage(req, res, "library/version", {
      title: `${set.title} — version ${row.version}`,
      row,
      set,
      versions,
      inUse,
      roleLabels: ROLE_LABELS,
      published: req.query.published === "1",
      same: req.query.same === "1",
      previous: versions.find((v) => v.version < row.version) ?? null,
    });
  });

  r.get("/library/sets/:id/export.yaml", ...admins, (req, res) => {
    const row = versionOf(req);
    // The text the version was read from: loaded again, it is the same version (the same hash).
    const text =
      questionSetSource(db, row.id) ??
      setYaml(rawOf(getQuestionSet(db, row.id)), `Exported from Truecost: ${row.setKey} version ${row.version}.`);
    res.set("Content-Disposition", downloadName(`${row.setKey}.${row.version}.yaml`));
    res.type("application/yaml").send(text);
  });

  r.get("/library/sets/:id/diff", ...admins, (req, res) => {
    const row = versionOf(req);
    const against = findQuestionSetRow(db, Number(req.query.against));
    if (!against) throw notFound("The version to compare with");
    const [older, newer] =
      against.version <= row.version || against.setKey !== row.setKey ? [against, row] : [row, against];
    return renderPage(req, res, "library/diff", {
      title: `${row.setKey}: version ${older.version} to ${newer.version}`,
      older,
      newer,
      diff: diffSets(getQuestionSet(db, older.id), getQuestionSet(db, newer.id)),
    });
  });

  return r;
}
