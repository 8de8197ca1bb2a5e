import { Router, type Request, type Response } from "express";
import { audit } from "../audit/repo.js";
import { InviteUserSchema } from "../auth/schema.js";
import {
  createApiToken,
  createUserToken,
  findUser,
  findUserByEmail,
  insertUser,
  listApiTokens,
  listUsers,
  revokeApiToken,
  setDisabled,
} from "../auth/users.js";
import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { badRequest, notFound } from "../errors.js";
import { enqueue } from "../mail/outbox.js";
import { parseForm, type FieldErrors } from "../web/forms.js";
import { idParam, requireRole, requireUser } from "../web/guards.js";
import { renderPage } from "../web/render.js";

/** Users and API tokens, for administrators. */
export function adminRoutes(db: Db, config: Config) {
  const r = Router();
  const admins = [requireUser, requireRole("admin")];
  const page = (
    req: Request,
    res: Response,
    extra: { errors?: FieldErrors; values?: Record<string, unknown>; newToken?: string; invited?: string } = {},
    status = 200,
  ) =>
    renderPage(
      req,
      res,
      "admin/users",
      {
        title: "Users",
        users: listUsers(db),
        tokens: listApiTokens(db),
        errors: {},
        values: {},
        invited: null,
        newToken: null,
        ...extra,
      },
      status,
    );

  r.get("/admin/users", ...admins, (req, res) => page(req, res));

  r.post("/admin/users", ...admins, (req, res) => {
    const form = parseForm(InviteUserSchema, req.body);
    if (!form.ok) return page(req, res, { errors: form.errors, values: req.body }, 400);
    if (findUserByEmail(db, form.data.email))
      return page(req, res, { errors: { email: "A user with this email already exists" }, values: req.body }, 400);
    if (form.data.role === "committee" && !form.data.committeeRole)
      return page(
        req,
        res,
        { errors: { committeeRole: "Choose the seat this member signs for" }, values: req.body },
        400,
      );
    db.transaction(() => {
      const id = insertUser(db, {
        email: form.data.email,
        name: form.data.name,
        role: form.data.role,
        committeeRole: form.data.committeeRole ?? null,
      });
      // With SSO_ONLY the invitation leads to the single sign-on, where the provider's groups set the role.
      const link = config.SSO_ONLY
        ? `${config.baseUrl}/login`
        : `${config.baseUrl}/password/${createUserToken(db, id, "invite", 7 * 24)}`;
      const how = config.SSO_ONLY
        ? "Sign in with your company account (single sign-on):"
        : "Set your password (the link works for 7 days):";
      enqueue(db, config, {
        to: form.data.email,
        kind: "user_invitation",
        link,
        subject: `${req.user!.name} invited you to Truecost`,
        body: `Dear ${form.data.name},\n\n${req.user!.name} has invited you to Truecost as ${form.data.role === "committee" ? "a member of the buying committee" : form.data.role === "admin" ? "an administrator" : "a buyer"}.\n\n${how}\n{{link}}\n`,
      });
      audit(db, null, `user:${req.user!.id}`, "user.invited", { email: form.data.email, role: form.data.role });
    })();
    return page(req, res, { invited: form.data.email });
  });

  r.post("/admin/users/:uid/:action", ...admins, (req, res) => {
    const u = findUser(db, idParam(req, "uid"));
    if (!u) throw notFound("This user");
    const action = req.params.action;
    if (action === "disable" || action === "enable") {
      if (u.id === req.user!.id) throw badRequest("You cannot disable your own account.");
      db.transaction(
        () => (
          setDisabled(db, u.id, action === "disable"),
          audit(db, null, `user:${req.user!.id}`, `user.${action}d`, { email: u.email })
        ),
      )();
      return res.redirect(303, "/admin/users");
    }
    if (action === "token") {
      const name =
        String(req.body.name ?? "")
          .trim()
          .slice(0, 100) || "API token";
      const token = db.transaction(() => {
        const t = createApiToken(db, u.id, name, req.user!.id);
        audit(db, null, `user:${req.user!.id}`, "api_token.issued", { for: u.email, name });
        return t;
      })();
      return page(req, res, { newToken: token });
    }
    throw notFound();
  });

  r.post("/admin/tokens/:tid/revoke", ...admins, (req, res) => {
    const id = idParam(req, "tid");
    if (!revokeApiToken(db, id)) throw notFound("This token");
    audit(db, null, `user:${req.user!.id}`, "api_token.revoked", { id });
    res.redirect(303, "/admin/users#tokens");
  });
  return r;
}
