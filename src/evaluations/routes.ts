import { Router, type Request, type Response } from "express";
import { audit } from "../audit/repo.js";
import { findUserByEmail, listUsers } from "../auth/users.js";
import type { Db } from "../db/index.js";
import { PHASES, PHASE_LABELS, TIERS, type Tier } from "../domain.js";
import { GATED, gateCriteria } from "../model/funding.js";
import { badRequest, invalid } from "../errors.js";
import { fromMinor } from "../format.js";
import { findQuestionSetRow, getQuestionSet, latestQuestionSets } from "../questions/repo.js";
import { listLinksOfEvaluation, listVendors, listVendorsOf } from "../vendors/repo.js";
import { parseForm, type FieldErrors } from "../web/forms.js";
import { evaluationOf, loadEvaluation, requireRole, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";
import {
  addMember,
  insertEvaluation,
  listMembers,
  listEvaluations,
  setEvaluationStatus,
  updateEvaluation,
  type Evaluation,
} from "./repo.js";
import { EvaluationFormSchema, parseAssumptionOverrides, parseGates } from "./schema.js";
import { vendorProgress } from "../vendors/service.js";
import { remindFrom } from "../vendors/invitations.js";
import { isLive } from "../vendors/links.js";
import { repliesWaiting } from "../clarifications/repo.js";
import { nextSteps } from "./next-steps.js";

type Values = Record<string, unknown>;

/** Form values of a stored evaluation, as the form shows them. */
function valuesOf(e: Evaluation): Values {
  return {
    title: e.title,
    description: e.description,
    questionSetId: String(e.questionSetId),
    roles: e.roles,
    tier: e.tier,
    horizonYears: String(e.horizonYears),
    currency: e.currency,
    dayRate: String(fromMinor(e.dayRateMinor, e.currency)),
    valueEstimate: e.valueEstimateMinor === null ? "" : String(fromMinor(e.valueEstimateMinor, e.currency)),
    dueDate: e.dueDate,
    sensitivityPercent: String(Math.round((e.settings.sensitivityRange ?? 0.3) * 100)),
    unevidencedIncludedAsPartial: !!e.settings.unevidencedIncludedAsPartial,
    rankUnsubmitted: !!e.settings.rankUnsubmitted,
    rankOn: e.settings.rankOn ?? "nominal",
    allowNotKnown: !e.settings.notKnownBlocksSubmit,
    ...Object.fromEntries(Object.entries(e.settings.gates ?? {}).map(([p, c]) => [`gate_${p}`, c.join("\n")])),
    ...Object.fromEntries(Object.entries(e.assumptions).map(([k, v]) => [`a_${k}`, String(v)])),
  };
}

function defaultValues(db: Db): Values {
  const due = new Date(Date.now() + 21 * 86400_000).toISOString().slice(0, 10);
  const set = latestQuestionSets(db).find((s) => s.setKey === "ai_production") ?? latestQuestionSets(db)[0];
  return {
    questionSetId: set ? String(set.id) : "",
    roles: ["cto", "cfo", "product", "procurement"],
    tier: "production",
    horizonYears: "3",
    currency: "EUR",
    dueDate: due,
    sensitivityPercent: "30",
    description: "",
    title: "",
    dayRate: "",
    valueEstimate: "",
  };
}

/** Whether invitations went out: the question set, roles and currency are then fixed. */
function invitationsSent(db: Db, evaluationId: number): boolean {
  return listLinksOfEvaluation(db, evaluationId).length > 0;
}

export function evaluationRoutes(db: Db): Router {
  const r = Router();
  const buyers = requireRole("admin", "buyer");
  const load = loadEvaluation(db);

  const formPage = (req: Request, res: Response, values: Values, errors: FieldErrors, status = 200, note?: string) => {
    const e = res.locals.evaluation as Evaluation | undefined;
    const sets = latestQuestionSets(db);
    const chosen = Number(values.questionSetId);
    const row = findQuestionSetRow(db, chosen) ?? (sets[0] && findQuestionSetRow(db, sets[0].id));
    const set = row ? getQuestionSet(db, row.id) : undefined;
    const locked = e ? invitationsSent(db, e.id) : false;
    if (row && e && !sets.some((s) => s.id === row.id)) sets.push(row);
    const tier = (TIERS as readonly string[]).includes(String(values.tier)) ? (values.tier as Tier) : "production";
    // Each gate's default criteria, from the priced questions of the sections chosen (the placeholder of its field).
    const roles = ([] as unknown[]).concat(values.roles ?? []).map(String);
    const asked = set ? set.sections.filter((x) => roles.includes(x.role)).flatMap((x) => x.questions) : [];
    const gates = GATED.map((phase, i) => ({
      phase,
      label: `Gate ${i + 1}: before ${PHASE_LABELS[PHASES[i + 1]!].toLowerCase()} is funded`,
      defaults: gateCriteria(asked, phase).map((c) => c.text),
    }));
    return renderPage(
      req,
      res,
      "evaluations/form",
      {
        title: e ? `Edit ${e.title}` : "New evaluation",
        values,
        errors,
        sets,
        set,
        tier,
        locked,
        note,
        evaluation: e,
        gates,
      },
      status,
    );
  };

  r.get("/evaluations", requireUser, (req, res) => {
    const search = String(req.query.q ?? "").slice(0, 200);
    const rows = listEvaluations(db, {
      memberId: req.user!.role === "admin" ? undefined : req.user!.id,
      search,
      limit: 100,
    });
    const vendors = listVendorsOf(
      db,
      rows.map((e) => e.id),
    );
    return renderPage(req, res, "evaluations/dashboard", { title: "Evaluations", rows, vendors, search });
  });

  /** The form again with the defaults of the set and tier chosen, what else was typed kept. */
  const refreshed = (req: Request, res: Response, body: Values) =>
    formPage(req, res, dropAssumptions(body), {}, 200, REFRESHED);

  r.get("/evaluations/new", requireUser, buyers, (req, res) => formPage(req, res, defaultValues(db), {}));

  r.post("/evaluations", requireUser, buyers, (req, res) => {
    const body = req.body as Values;
    if (body.action === "refresh") return refreshed(req, res, body);
    const result = validate(db, body, null);
    if (!result.ok) return formPage(req, res, body, result.errors, 400);
    const id = db.transaction(() => {
      const id = insertEvaluation(db, { ...result.fields, createdBy: req.user!.id });
      addMember(db, id, req.user!.id);
      audit(db, id, `user:${req.user!.id}`, "evaluation.created", { title: result.fields.title });
      return id;
    })();
    res.redirect(303, `/evaluations/${id}`);
  });

  r.get("/evaluations/:id", requireUser, load, (req, res) => renderEvaluationPage(db, req, res));

  r.get("/evaluations/:id/edit", requireUser, buyers, load, (req, res) =>
    formPage(req, res, valuesOf(evaluationOf(res)), {}),
  );

  r.post("/evaluations/:id/edit", requireUser, buyers, load, (req, res) => {
    const e = evaluationOf(res);
    const body = req.body as Values;
    if (typeof body.reset === "string") {
      const values = { ...body, [`a_${body.reset}`]: "" };
      return formPage(req, res, values, {}, 200, `“${body.reset}” is back to its default for the tier. Save to apply.`);
    }
    if (body.action === "refresh") return refreshed(req, res, body);
    const result = validate(db, body, e);
    if (!result.ok) return formPage(req, res, body, result.errors, 400);
    db.transaction(() => {
      updateEvaluation(db, e.id, result.fields);
      audit(db, e.id, `user:${req.user!.id}`, "evaluation.updated", { changed: changedFields(e, result.fields) });
      const before = JSON.stringify(e.assumptions),
        after = JSON.stringify(result.fields.assumptions);
      if (before !== after)
        audit(db, e.id, `user:${req.user!.id}`, "assumptions.changed", {
          before: e.assumptions,
          after: result.fields.assumptions,
        });
      const gates = { before: e.settings.gates ?? {}, after: result.fields.settings.gates ?? {} };
      if (JSON.stringify(gates.before) !== JSON.stringify(gates.after))
        audit(db, e.id, `user:${req.user!.id}`, "evaluation.gates_changed", gates);
    })();
    res.redirect(303, `/evaluations/${e.id}`);
  });

  r.post("/evaluations/:id/status", requireUser, buyers, load, (req, res) => {
    const e = evaluationOf(res);
    const action = String(req.body.action ?? "");
    const next =
      action === "close" && e.status === "open"
        ? "closed"
        : action === "reopen" && e.status === "closed"
          ? "open"
          : null;
    if (!next)
      throw badRequest(
        `This evaluation is ${e.status}: it cannot be ${action === "close" ? "closed" : "reopened"} now.`,
      );
    db.transaction(() => {
      setEvaluationStatus(db, e.id, next);
      audit(db, e.id, `user:${req.user!.id}`, next === "closed" ? "evaluation.closed" : "evaluation.reopened", {});
    })();
    res.redirect(303, `/evaluations/${e.id}`);
  });

  r.post("/evaluations/:id/members", requireUser, buyers, load, (req, res) => {
    const e = evaluationOf(res);
    const user = findUserByEmail(db, String(req.body.email ?? ""));
    if (!user || user.disabledAt)
      throw invalid(
        { email: "No active user has that email. An administrator can invite them under Users first." },
        { email: "Colleague" },
      );
    db.transaction(() => {
      addMember(db, e.id, user.id);
      audit(db, e.id, `user:${req.user!.id}`, "evaluation.member_added", { member: user.email, role: user.role });
    })();
    res.redirect(303, `/evaluations/${e.id}#members`);
  });
  return r;
}

/** The evaluation overview; the add-vendor form's errors and values when it was refused. */
export function renderEvaluationPage(
  db: Db,
  req: Request,
  res: Response,
  vendorErrors: FieldErrors = {},
  vendorValues: Values = {},
): Promise<void> {
  const e = evaluationOf(res);
  const members = listMembers(db, e.id);
  const addable = listUsers(db).filter((u) => !u.disabledAt && !members.some((m) => m.id === u.id));
  const status = Object.keys(vendorErrors).length ? 400 : 200;
  const set = getQuestionSet(db, e.questionSetId);
  // A vendor that has not opened its link yet has no stored progress: its sections still show their real counts.
  const links = listLinksOfEvaluation(db, e.id);
  const waiting = repliesWaiting(db, e.id);
  const now = new Date();
  // Each vendor with its main link (the newest) and whether it still opens: the table and the next steps read these.
  const vendors = listVendors(db, e.id).map((v) => {
    const main = links.filter((l) => l.vendorId === v.id && l.role === null).at(-1) ?? null;
    return { ...v, progress: vendorProgress(db, v, { set, roles: e.roles }), main, live: !!main && isLive(main, now) };
  });
  const steps = nextSteps(
    e,
    vendors.map((v) => ({
      id: v.id,
      name: v.name,
      status: v.status,
      link: v.main ? { live: v.live, remindFrom: remindFrom(v.main) } : null,
      replies: waiting.get(v.id) ?? null,
    })),
    req.user!.role === "committee" ? "committee" : "buyer",
    now,
  );
  return renderPage(
    req,
    res,
    "evaluations/show",
    {
      title: e.title,
      set,
      vendors,
      steps,
      members,
      addable,
      vendorErrors,
      vendorValues,
      remindFrom,
    },
    status,
  );
}

function dropAssumptions(body: Values): Values {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !k.startsWith("a_")));
}

type Validated =
  { ok: true; fields: Omit<Parameters<typeof insertEvaluation>[1], "createdBy"> } | { ok: false; errors: FieldErrors };

/** Checks the evaluation form, the assumption overrides, and what may no longer change once vendors were invited. */
function validate(db: Db, body: Values, existing: Evaluation | null): Validated {
  const form = parseForm(EvaluationFormSchema, body);
  const errors: FieldErrors = form.ok ? {} : { ...form.errors };
  const setRow = findQuestionSetRow(db, Number(body.questionSetId));
  if (!setRow) errors.questionSetId ??= "Choose a question set";
  const today = new Date().toISOString().slice(0, 10);
  if (form.ok && !existing && form.data.dueDate < today) errors.dueDate = "The due date cannot be in the past";
  const set = setRow ? getQuestionSet(db, setRow.id) : undefined;
  const tier = form.ok ? form.data.tier : "production";
  const parsed = set ? parseAssumptionOverrides(set, body, tier) : { overrides: {}, errors: {} };
  Object.assign(errors, parsed.errors);
  const gates = parseGates(body);
  Object.assign(errors, gates.errors);
  if (form.ok && existing && invitationsSent(db, existing.id)) {
    const why = "cannot change once invitations have gone out: vendors are already answering";
    if (form.data.questionSetId !== existing.questionSetId) errors.questionSetId = `The question set ${why} it`;
    if ([...form.data.roles].sort().join() !== [...existing.roles].sort().join())
      errors.roles = `The role sections ${why} them`;
    if (form.data.currency !== existing.currency) errors.currency = `The currency ${why} in it`;
  }
  if (!form.ok || Object.keys(errors).length) return { ok: false, errors };
  const f = form.data;
  return {
    ok: true,
    fields: {
      title: f.title,
      description: f.description,
      tier: f.tier,
      horizonYears: f.horizonYears,
      currency: f.currency,
      valueEstimateMinor: f.valueEstimateMinor,
      dayRateMinor: f.dayRateMinor,
      dueDate: f.dueDate,
      questionSetId: f.questionSetId,
      roles: f.roles,
      assumptions: parsed.overrides,
      settings: {
        sensitivityRange: f.sensitivityPercent / 100,
        unevidencedIncludedAsPartial: f.unevidencedIncludedAsPartial,
        rankUnsubmitted: f.rankUnsubmitted,
        rankOn: f.rankOn,
        ...(f.allowNotKnown ? {} : { notKnownBlocksSubmit: true }),
        ...(Object.keys(gates.gates).length ? { gates: gates.gates } : {}),
      },
    },
  };
}

function changedFields(before: Evaluation, after: Record<string, unknown>): string[] {
  return Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k as keyof Evaluation]));
}

const REFRESHED = "Assumptions now show the defaults for the question set and tier chosen.";
