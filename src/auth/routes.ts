import { Router, type NextFunction, type Request, type Response } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { audit } from "../audit/repo.js";
import type { Config } from "../config.js";
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from "../crypto.js";
import type { Db } from "../db/index.js";
import { notFound } from "../errors.js";
import { parseForm, type FieldErrors } from "../web/forms.js";
import { renderPage } from "../web/render.js";
import { CLEAR_SITE_DATA, limitByAddress } from "../web/security.js";
import { LoginSchema, MIN_PASSWORD, safeNext, SetPasswordSchema, SetupSchema } from "./schema.js";
import { endSession, endSessionsOf, sessionOptions, startSession } from "./sessions.js";
import { recogniseDevice, rememberDevice } from "./devices.js";
import type { Sso } from "./sso.js";
import { sessionIdToken } from "./sso-repo.js";
import {
  countUsers,
  findLiveUserToken,
  findUser,
  findUserByEmail,
  insertUser,
  setPassword,
  consumeUserToken,
} from "./users.js";

const SIGN_IN_FAILED = "That email and password do not match an active account.";
const TOO_MANY = "Too many sign-in attempts. Wait 15 minutes and try again.";
const PASSWORDS_OFF = "Password sign-in is turned off: sign in with single sign-on.";
const TOO_MANY_NEW_DEVICES =
  "Too many failed sign-ins to this account from devices it has not used before. Wait 15 minutes, or sign in from a browser you have signed in with before.";

/** Sign-in, sign-out, the first admin's setup and setting a password from an emailed link. */
export function authRoutes(db: Db, config: Config, sso: Sso | null = null): Router {
  const r = Router();
  const opts = sessionOptions(config);
  const ssoOnly = !!sso?.settings.only;
  const ssoLink = (next: unknown) =>
    typeof next === "string" && next ? `/login/sso?next=${encodeURIComponent(next)}` : "/login/sso";
  const loginPage = (
    req: Request,
    res: Response,
    values: Record<string, unknown>,
    errors: FieldErrors,
    status: number,
    message?: string,
  ) =>
    renderPage(
      req,
      res,
      "auth/login",
      {
        title: "Sign in",
        values,
        errors,
        message,
        sso: sso && { label: sso.settings.label, href: ssoLink(values.next), only: ssoOnly },
      },
      status,
    );
  // Sign-in throttling without lockout (OWASP): failures from devices that never signed in to the
  // account are limited per account and address (5 per quarter hour) and per account (20); an
  // attacker reaching those locks out unknown devices only, while a browser that signed in to the
  // account before (its device cookie) has its own count (10), and every address its own (30).
  const accountOf = (req: Request) =>
    String(req.body?.email ?? "")
      .trim()
      .toLowerCase();
  const refuse = (message: string) => (req: Request, res: Response, next: NextFunction) =>
    void loginPage(req, res, { email: req.body?.email, next: req.body?.next }, {}, 429, message).catch(next);
  const limit = (limit: number, key: (req: Request) => string, skip: (req: Request) => boolean, message: string) =>
    rateLimit({
      windowMs: 15 * 60_000,
      limit,
      skipSuccessfulRequests: true,
      standardHeaders: false,
      legacyHeaders: false,
      keyGenerator: key,
      skip,
      handler: refuse(message),
    });
  const trusted = (req: Request) => !!req.trustedDevice;
  const perAccountAndAddress = limit(
    5,
    (req) => `account-address:${accountOf(req)}:${ipKeyGenerator(req.ip ?? "")}`,
    trusted,
    TOO_MANY,
  );
  const perAccount = limit(20, (req) => `account:${accountOf(req)}`, trusted, TOO_MANY_NEW_DEVICES);
  const perDevice = limit(
    10,
    (req) => `device:${req.trustedDevice}`,
    (req) => !req.trustedDevice,
    TOO_MANY,
  );
  const perAddress = limitByAddress(15, 30, TOO_MANY);
  const device = recogniseDevice(db, config.sessionSecret, opts.secure);

  r.get("/login", (req, res) => {
    // With SSO the first administrator may come through the provider (a group mapped to admin).
    if (countUsers(db) === 0 && !sso) return renderPage(req, res, "auth/no-users", { title: "Set up Truecost" });
    if (req.user) return res.redirect(303, safeNext(String(req.query.next ?? "")));
    return loginPage(req, res, { next: req.query.next }, {}, 200);
  });

  r.post("/login", perAddress, device, perDevice, perAccountAndAddress, perAccount, async (req, res) => {
    const form = parseForm(LoginSchema, req.body);
    if (!form.ok) return loginPage(req, res, req.body, form.errors, 400);
    const user = findUserByEmail(db, form.data.email);
    // Hash even for an unknown account, so that timing does not tell which emails exist.
    const ok = await verifyPassword(form.data.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    // With SSO_ONLY, only a break-glass administrator's right password signs in; everyone else hears the same.
    if (ssoOnly && !(user?.breakGlass && ok && !user.disabledAt)) {
      audit(db, null, user ? `user:${user.id}` : "anonymous", "user.password_refused", {
        reason: "SSO_ONLY",
        email: form.data.email,
      });
      return loginPage(req, res, { email: form.data.email, next: form.data.next }, {}, 403, PASSWORDS_OFF);
    }
    if (!user || !ok || user.disabledAt || !user.passwordHash)
      return loginPage(req, res, { email: form.data.email, next: form.data.next }, {}, 401, SIGN_IN_FAILED);
    startSession(db, req, res, { userId: user.id }, opts);
    rememberDevice(req, res, config.sessionSecret, opts.secure, user.id);
    audit(db, null, `user:${user.id}`, "user.signed_in", { email: user.email });
    res.redirect(303, safeNext(form.data.next));
  });

  r.post("/logout", async (req, res) => {
    const idToken = sso && req.sessionRaw ? sessionIdToken(db, req.sessionRaw) : undefined;
    if (req.user) audit(db, null, `user:${req.user.id}`, "user.signed_out", { sso: !!idToken });
    endSession(db, req, res, opts);
    // Not "cookies": that would drop the device cookie that keeps this browser from being locked out
    // (auth/devices.ts); the session cookie is cleared above, and the session deleted on the server.
    res.set("Clear-Site-Data", CLEAR_SITE_DATA);
    // A session SSO opened ends at the provider too, where it offers that (RP-initiated logout).
    const provider = idToken ? await sso!.endSessionUrl(idToken) : undefined;
    res.redirect(303, provider ?? "/login");
  });

  r.get("/setup/:token", (req, res) => {
    if (!findLiveUserToken(db, req.params.token) || countUsers(db) > 0) throw notFound("This setup link");
    return renderPage(req, res, "auth/setup", {
      title: "Create the first administrator",
      values: {},
      errors: {},
      minPassword: MIN_PASSWORD,
    });
  });

  r.post("/setup/:token", async (req, res) => {
    const token = findLiveUserToken(db, req.params.token);
    if (!token || token.purpose !== "setup" || countUsers(db) > 0) throw notFound("This setup link");
    const form = parseForm(SetupSchema, req.body);
    if (!form.ok)
      return renderPage(
        req,
        res,
        "auth/setup",
        {
          title: "Create the first administrator",
          values: { name: req.body?.name, email: req.body?.email },
          errors: form.errors,
          minPassword: MIN_PASSWORD,
        },
        400,
      );
    const hash = await hashPassword(form.data.password);
    const userId = db
      .transaction(() => {
        if (countUsers(db) > 0 || !consumeUserToken(db, token.id)) return null;
        const id = insertUser(db, { email: form.data.email, name: form.data.name, role: "admin", passwordHash: hash });
        audit(db, null, `user:${id}`, "user.first_admin_created", { email: form.data.email });
        return id;
      })
      .immediate();
    if (userId === null) throw notFound("This setup link");
    startSession(db, req, res, { userId }, opts);
    res.redirect(303, "/evaluations");
  });

  r.get("/password/:token", (req, res) => {
    const token = findLiveUserToken(db, req.params.token);
    const user = token?.userId ? findUser(db, token.userId) : undefined;
    if (!token || !user || user.disabledAt) throw notFound("This link");
    return renderPage(req, res, "auth/password", {
      title: "Set your password",
      account: user,
      errors: {},
      minPassword: MIN_PASSWORD,
    });
  });

  r.post("/password/:token", async (req, res) => {
    const token = findLiveUserToken(db, req.params.token);
    const user = token?.userId ? findUser(db, token.userId) : undefined;
    if (!token || !user || user.disabledAt) throw notFound("This link");
    const form = parseForm(SetPasswordSchema, req.body);
    if (!form.ok)
      return renderPage(
        req,
        res,
        "auth/password",
        { title: "Set your password", account: user, errors: form.errors, minPassword: MIN_PASSWORD },
        400,
      );
    const hash = await hashPassword(form.data.password);
    // The token is used up in the same step as the password it allows: of concurrent posts, one sets it.
    const done = db
      .transaction(() => {
        if (!consumeUserToken(db, token.id)) return false;
        setPassword(db, user.id, hash);
        endSessionsOf(db, user.id);
        audit(db, null, `user:${user.id}`, "user.password_set", {});
        return true;
      })
      .immediate();
    if (!done) throw notFound("This link");
    startSession(db, req, res, { userId: user.id }, opts);
    res.redirect(303, "/evaluations");
  });
  return r;
}
