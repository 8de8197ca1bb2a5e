import { Router, type Request, type Response } from "express";
import { answersOf, confirmCarried, listAnswers, valuesOf, type StoredAnswer } from "../answers/repo.js";
import { vendorProgress } from "../vendors/service.js";
import { audit } from "../audit/repo.js";
import { sessionOptions, startSession } from "../auth/sessions.js";
import { listClarifications } from "../clarifications/repo.js";
import type { Config } from "../config.js";
import { transaction, type Db } from "../db/index.js";
import { findUser } from "../auth/users.js";
import { writeBatch } from "../db/batch.js";
import { isBusy, isDiskFull } from "../db/faults.js";
import { ROLE_LABELS, ROLES, type Role } from "../domain.js";
import { forbidden, invalid, notFound } from "../errors.js";
import { fromMinor } from "../format.js";
import { isShown, questionIndex } from "../questions/answers.js";
import { answerWithNote } from "../questions/format-answer.js";
import { estimateMinutes } from "../questions/progress.js";
import type { Question, Section } from "../questions/schema.js";
import {
  findLinkByToken,
  isLive,
  linkToken,
  linkUrl,
  listDelegations,
  touchLink,
  type VendorLink,
} from "../vendors/links.js";
import { renderPage } from "../web/render.js";
import { limitByAddress } from "../web/security.js";
import {
  canAnswer,
  deadLink,
  portalActor,
  portalContext,
  portalContextOf,
  portalOf,
  stillEditable,
  canChange,
  requireReopened,
  type PortalContext,
} from "./access.js";
import { parseAnswer, toRaw, type RawAnswer } from "./answer-form.js";
import { saveVendorAnswer, writeVendorAnswer } from "./service.js";
import type { QuestionView } from "./answer-form.js";
import { listEvidence } from "../evidence/repo.js";

const VENDOR_SESSION_HOURS = 72;

/** The vendor portal's entry and answering pages. */
export function portalRoutes(db: Db, config: Config): Router {
  const r = Router();
  const ctx = portalContext(db);
  const opts = sessionOptions(config);

  // Only dead links count: guessing tokens is slowed down, a team opening real links is not.
  const linkLimit = limitByAddress(
    10,
    config.LINK_FAILURES_PER_10_MIN,
    "Too many attempts to open links from your address. Wait ten minutes and try again.",
    true,
  );
  const openLink = (req: Request, res: Response, link: VendorLink) => {
    startSession(db, req, res, { vendorLinkId: link.id }, opts, VENDOR_SESSION_HOURS);
    touchLink(db, link.id);
    audit(db, null, `vendor-link:${link.id}`, "vendor.link_opened", { link: link.id });
    // The token leaves the address bar: the session cookie carries access from here on.
    res.redirect(303, link.role ? `/portal/sections/${link.role}` : "/portal");
  };

  // A link opens a session by GET only in a browser with no session: a link followed from another
  // site never replaces who is signed in. With a buyer's session (or another questionnaire's) the
  // page says who is signed in and asks, and only a POST from that page (with its CSRF token) swaps.
  r.get("/v/:token", linkLimit, (req, res) => {
    const link = findLinkByToken(db, String(req.params.token));
    if (!link || !isLive(link)) return deadLink(req, res);
    if (req.session?.vendorLinkId === link.id)
      return res.redirect(303, link.role ? `/portal/sections/${link.role}` : "/portal");
    const signedInAs = whoIsSignedIn(db, req);
    if (!signedInAs) return openLink(req, res, link);
    const opened = portalContextOf(db, link.id)!;
    const target = { vendorName: opened.vendor.name, evaluationTitle: opened.evaluation.title };
    return renderPage(req, res, "portal/switch", {
      title: "Open this questionnaire here?",
      token: String(req.params.token),
      signedInAs,
      target: { ...target, section: link.role ? ROLE_LABELS[link.role] : null },
    });
  });

  r.post("/v/:token", linkLimit, (req, res) => {
    const link = findLinkByToken(db, String(req.params.token));
    if (!link || !isLive(link)) return deadLink(req, res);
    return openLink(req, res, link);
  });

  r.get("/portal", ctx, (req, res) => {
    const p = portalOf(res);
    if (!p.isMain) return res.redirect(303, `/portal/sections/${p.link.role}`);
    const progress = vendorProgress(db, p.vendor, { set: p.set, roles: p.evaluation.roles });
    const sections = p.set.sections
      .filter((s) => p.evaluation.roles.includes(s.role))
      .map((s) => ({ ...s, minutes: estimateMinutes(s.questions), progress: progress[s.role]! }));
    // Each colleague's link is shown to the main contact to pass on: it is the only way it reaches
    // them when this server sends no mail, and a spare copy when it does.
    const delegations = listDelegations(db, p.vendor.id).map((d) => {
      const token = linkToken(d, config.sessionSecret);
      return { ...d, url: token ? linkUrl(config.baseUrl, token) : null };
    });
    const delegated = delegations.find((d) => d.role === req.query.delegated);
    const buyer = p.evaluation.createdBy ? findUser(db, p.evaluation.createdBy) : undefined;
    // The open requests (each asks for a reply); resolved ones are counted, and shown with their questions.
    // The newest message of each open request says whose turn it is.
    const clarifications = listClarifications(db, p.vendor.id, {
      vendorView: true,
      resolvedPerQuestion: 0,
      messagesPerThread: 1,
    });
    const resolvedCount = [...(clarifications.resolvedLeftOut?.values() ?? [])].reduce((a, b) => a + b, 0);
    const questionText = Object.fromEntries(
      p.set.sections.flatMap((s) => s.questions.map((q) => [q.key, { text: q.text, role: s.role }])),
    );
    return renderPage(req, res, "portal/landing", {
      title: p.evaluation.title,
      p,
      sections,
      delegations,
      delegated,
      mailSent: !!config.SMTP_URL,
      scripts: ["copy.js"],
      buyer,
      clarifications,
      resolvedCount,
      questionText,
      errors: {},
      values: {},
    });
  });

  r.get("/portal/sections/:role", ctx, (req, res) => sectionPage(req, res, roleParam(req, portalOf(res)), new Map()));

  /** The plain save of a whole section, for browsers without JavaScript. */
  r.post("/portal/sections/:role", ctx, (req, res) => {
    const p = portalOf(res);
    const role = roleParam(req, p);
    if (!p.editable) throw forbidden("This questionnaire can no longer be changed.");
    const section = p.set.sections.find((s) => s.role === role)!;
    const outcome = new Map<string, Partial<QuestionView>>();
    const stored = listAnswers(db, p.vendor.id);
    // A locked or full database stops the saving at the first answer it refuses: the answers not
    // saved keep what was typed, each marked, and the page says why (503, try again).
    let fault: { id: string; message: string; retryAfter: number } | undefined;
    for (const q of section.questions) {
      // In a revision round only the reopened questions are saved; the others are read-only on the page.
      if (!canChange(p, q.key)) continue;
      const raw: RawAnswer = {
        q: req.body[`q_${q.key}`],
        p: req.body[`p_${q.key}`],
        nk: req.body[`nk_${q.key}`],
        nkr: req.body[`nkr_${q.key}`],
        n: req.body[`n_${q.key}`],
      };
      const expected = Number(req.body[`rev_${q.key}`] ?? 0);
      const parsed = parseAnswer(q, raw, p.evaluation.currency);
      if (!parsed.ok) {
        outcome.set(q.key, { raw, error: parsed.error, revision: expected });
        continue;
      }
      const before = stored.get(q.key);
      const same =
        JSON.stringify(before?.value ?? null) === JSON.stringify(parsed.value) &&
        (before?.notKnown ?? null) === parsed.notKnown &&
        (parsed.note === undefined || (before?.note ?? null) === parsed.note);
      if (same && (before?.value ?? null) === null) continue;
      if (fault) {
        if (!same) outcome.set(q.key, { raw, error: fault.message, revision: expected });
        continue;
      }
      try {
        const scope = { set: p.set, roles: p.evaluation.roles };
        const actor = portalActor(p);
        const { value, notKnown, note } = parsed;
        const result = saveVendorAnswer(
          db,
          p.vendor,
          p.evaluation.id,
          q.key,
          value,
          expected,
          actor,
          scope,
          notKnown,
          note,
        );
        if (!result.ok)
          outcome.set(q.key, { raw, revision: result.current.revision, conflict: conflictOf(q, result.current, p) });
      } catch (err) {
        fault = saveFault(err);
        if (!fault) throw err;
        outcome.set(q.key, { raw, error: fault.message, revision: expected });
      }
    }
    if (outcome.size === 0) return res.redirect(303, `/portal/sections/${role}?saved=1`);
    if (fault) res.set("Retry-After", String(fault.retryAfter));
    return sectionPage(req, res, role, outcome, fault ? 503 : 409);
  });

  /** Autosave of one answer (JSON), used by the page's script. */
  r.post("/portal/answers/:key", ctx, async (req, res) => {
    const p = portalOf(res);
    const found = questionIndex(p.set).get(req.params.key as string);
    if (!found || !canAnswer(p, found.role)) throw notFound("This question");
    const entry = { q: found.question, role: found.role };
    if (!p.editable) throw forbidden("This questionnaire can no longer be changed.");
    requireReopened(p, entry.q.key);
    const body = (req.body ?? {}) as {
      q?: unknown;
      p?: unknown;
      nk?: unknown;
      nkr?: unknown;
      n?: unknown;
      revision?: unknown;
    };
    const text = (v: unknown) => (typeof v === "string" ? v : undefined);
    const raw: RawAnswer = {
      q: typeof body.q === "string" || Array.isArray(body.q) ? (body.q as string | string[]) : undefined,
      p: text(body.p),
      nk: body.nk === true ? "1" : text(body.nk),
      nkr: text(body.nkr),
      n: text(body.n),
    };
    const expected = Number(body.revision);
    if (!Number.isInteger(expected) || expected < 0)
      throw invalid({ revision: "must be the whole revision number the page was given" }, { revision: "revision" });
    const parsed = parseAnswer(entry.q, raw, p.evaluation.currency);
    if (!parsed.ok)
      return res
        .status(422)
        .json({ error: { id: "invalid", message: parsed.error, fields: { [entry.q.key]: parsed.error } } });
    // Concurrent autosaves share one commit (group commit); the save checks again, inside it, that the questionnaire still takes changes.
    const result = await writeBatch(db).run(() => {
      const now = stillEditable(db, p.link.id);
      if (!now) throw forbidden("This questionnaire can no longer be changed.");
      // The batch runs this in its own savepoint: one failing save is undone alone.
      return writeVendorAnswer(db, {
        vendor: p.vendor,
        evaluationId: p.evaluation.id,
        key: entry.q.key,
        value: parsed.value,
        notKnown: parsed.notKnown,
        note: parsed.note,
        expectedRevision: expected,
        actor: portalActor(p),
        scope: { set: p.set, roles: p.evaluation.roles },
        progress: now.progress,
      });
    });
    if (!result.ok)
      return res.status(409).json({
        error: { id: "conflict", message: "Someone else changed this answer since you opened the page." },
        current: { revision: result.current.revision, ...conflictOf(entry.q, result.current, p) },
      });
    res.json({ saved: true, revision: result.revision, progress: result.progress[entry.role], shown: result.shown });
  });

  /** The vendor confirms an answer carried over from another evaluation as its answer here. */
  r.post("/portal/answers/:key/confirm", ctx, (req, res) => {
    const p = portalOf(res);
    const found = questionIndex(p.set).get(String(req.params.key));
    if (!found || !canAnswer(p, found.role)) throw notFound("This question");
    if (!p.editable) throw forbidden("This questionnaire can no longer be changed.");
    requireReopened(p, found.question.key);
    db.transaction(() => {
      if (confirmCarried(db, p.vendor.id, found.question.key))
        audit(db, p.evaluation.id, portalActor(p), "answer.confirmed", {
          vendor: p.vendor.name,
          question: found.question.key,
        });
    })();
    res.redirect(303, `/portal/sections/${found.role}#q-${found.question.key}`);
  });

  const sectionPage = (
    req: Request,
    res: Response,
    role: Role,
    outcome: Map<string, Partial<QuestionView>>,
    status = 200,
  ) => {
    const p = portalOf(res);
    const section = p.set.sections.find((s) => s.role === role)!;
    const { stored, progress, clarifications, files } = transaction(db, sectionData)(db, p, section);
    const values = valuesOf(stored);
    const questions: QuestionView[] = section.questions.map((q) => {
      const s = stored.get(q.key);
      return {
        q,
        raw: toRaw(q, s?.value, p.evaluation.currency, fromMinor, s?.notKnown, s?.note),
        revision: s?.revision ?? 0,
        shown: isShown(q, values),
        carriedFrom: s?.carriedFrom ?? null,
        ...outcome.get(q.key),
      };
    });
    const roles = p.set.sections.filter((s) => canAnswer(p, s.role)).map((s) => ({ role: s.role, title: s.title }));
    return renderPage(
      req,
      res,
      "portal/section",
      {
        title: `${section.title} — ${p.evaluation.title}`,
        p,
        section,
        minutes: estimateMinutes(section.questions),
        handed: req.query.handed === "1" && status === 200,
        questions,
        progress: progress[role]!,
        clarifications,
        files,
        roles,
        saved: req.query.saved === "1" && status === 200,
        hasErrors: [...outcome.values()].some((o) => o.error),
        hasConflicts: [...outcome.values()].some((o) => o.conflict),
        scripts: ["portal.js"],
      },
      status,
    );
  };
  return r;
}

/** Who this browser's session belongs to, when it has one. */
function whoIsSignedIn(
  db: Db,
  req: Request,
):
  { kind: "user"; name: string; email: string } | { kind: "vendor"; name: string; section: string | null } | undefined {
  if (req.user) return { kind: "user", name: req.user.name, email: req.user.email };
  const linkId = req.session?.vendorLinkId;
  const v = linkId == null ? undefined : portalContextOf(db, linkId);
  if (v) return { kind: "vendor", name: v.vendor.name, section: v.link.role ? ROLE_LABELS[v.link.role] : null };
  return undefined;
}

/** What a vendor is told of an answer a locked or full database refused; undefined for any other error. */
function saveFault(err: unknown): { id: string; message: string; retryAfter: number } | undefined {
  if (isDiskFull(err))
    return {
      id: "disk_full",
      retryAfter: 60,
      message:
        "Not saved: the server is out of disk space. What you typed is still here: press “Save this section” again later.",
    };
  if (isBusy(err))
    return {
      id: "busy",
      retryAfter: 2,
      message:
        "Not saved: the server is busy. What you typed is still here: press “Save this section” again in a moment.",
    };
  return undefined;
}

function roleParam(req: Request, p: PortalContext): Role {
  const role = req.params.role as Role;
  if (!(ROLES as readonly string[]).includes(role) || !canAnswer(p, role)) throw notFound("This section");
  return role;
}

function conflictOf(q: Question, current: StoredAnswer, p: PortalContext): { theirs: string; by: string; at: string } {
  return {
    theirs: answerWithNote(q, current.value, p.evaluation.currency, current.notKnown, current.note),
    by: current.updatedBy.startsWith("vendor-link:") ? "a colleague" : "someone else",
    at: current.updatedAt,
  };
}

/**
 * What a section page shows of the vendor's data, read as one snapshot: its answers and those its
 * questions' visibility depends on, the progress stored with them, its threads and files. One
 * transaction also takes SQLite's read lock once instead of once per query.
 */
function sectionData(db: Db, p: PortalContext, section: Section) {
  return {
    stored: answersOf(db, p.vendor.id, sectionKeys(section)),
    progress: vendorProgress(db, p.vendor, { set: p.set, roles: p.evaluation.roles }),
    clarifications: listClarifications(db, p.vendor.id, {
      vendorView: true,
      resolvedPerQuestion: 3,
      messagesPerThread: 20,
    }),
    files: listEvidence(db, p.vendor.id),
  };
}

const keysOfSection = new WeakMap<object, string[]>();

/** The keys of a section's questions and of the questions their visibility depends on (shows_if). */
function sectionKeys(section: Section): string[] {
  let keys = keysOfSection.get(section);
  if (!keys)
    keysOfSection.set(
      section,
      (keys = [...new Set(section.questions.flatMap((q) => (q.shows_if ? [q.key, q.shows_if.question] : [q.key])))]),
    );
  return keys;
}
