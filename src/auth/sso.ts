import { Router, type Request, type Response } from "express";
import * as oidc from "openid-client";
import { audit } from "../audit/repo.js";
import type { Config } from "../config.js";
import { newToken } from "../crypto.js";
import type { Db } from "../db/index.js";
import { renderPage } from "../web/render.js";
import { limitByAddress } from "../web/security.js";
import { safeNext } from "./schema.js";
import { sessionOptions, startSession } from "./sessions.js";
import { decideSignIn, type Refusal } from "./sso-decide.js";
import { saveAttempt, setSessionIdToken, takeAttempt } from "./sso-repo.js";
import type { RoleMap } from "./sso-config.js";

/** Single sign-on as configured (OIDC_* keys), or null when it is off. */
export interface SsoSettings {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  roleMap: RoleMap;
  groupsClaim: string;
  scopes: string;
  label: string;
  clockTolerance: number;
  only: boolean;
}

function ssoSettings(config: Config): SsoSettings | null {
  if (!config.OIDC_ISSUER || !config.OIDC_CLIENT_ID || !config.OIDC_ROLE_MAP) return null;
  return {
    issuer: config.OIDC_ISSUER,
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET,
    roleMap: config.OIDC_ROLE_MAP,
    groupsClaim: config.OIDC_GROUPS_CLAIM,
    scopes: config.OIDC_SCOPES,
    label: config.OIDC_BUTTON_LABEL,
    clockTolerance: config.OIDC_CLOCK_TOLERANCE_SECONDS,
    only: config.SSO_ONLY,
  };
}

/** A sign-in sent to the provider must come back within this many minutes. */
const ATTEMPT_MINUTES = 10;
const TOO_MANY = "Too many sign-in attempts from this address. Wait 15 minutes and try again.";

/** The provider's configuration, discovered once per app and again after a failure. */
function discoverer(s: SsoSettings): () => Promise<oidc.Configuration> {
  let found: Promise<oidc.Configuration> | undefined;
  return () => {
    found ??= discover(s).catch((err: unknown) => {
      found = undefined;
      throw err;
    });
    return found;
  };
}

async function discover(s: SsoSettings): Promise<oidc.Configuration> {
  const auth = s.clientSecret ? oidc.ClientSecretBasic(s.clientSecret) : oidc.None();
  const local = new URL(s.issuer).protocol === "http:";
  // openid-client checks that the discovery document names this issuer; the ID token's signature is
  // checked against the provider's published keys even when it comes straight from the token endpoint.
  return oidc.discovery(new URL(s.issuer), s.clientId, { [oidc.clockTolerance]: s.clockTolerance }, auth, {
    execute: local ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks],
    timeout: 10,
  });
}

/** Single sign-on over OpenID Connect: the routes, and the provider's sign-out for auth/routes.ts. */
export interface Sso {
  settings: SsoSettings;
  routes: Router;
  /** Where to send a browser signing out of a session that SSO opened, or undefined when the provider has no sign-out. */
  endSessionUrl(idToken: string): Promise<string | undefined>;
}

export function createSso(db: Db, config: Config): Sso | null {
  const settings = ssoSettings(config);
  if (!settings) return null;
  const configuration = discoverer(settings);
  return {
    settings,
    routes: ssoRoutes(db, config, settings, configuration),
    async endSessionUrl(idToken) {
      const c = await configuration().catch(() => undefined);
      if (!c?.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(c, { id_token_hint: idToken, post_logout_redirect_uri: `${config.baseUrl}/login` })
        .href;
    },
  };
}

function attemptCookie(secure: boolean): string {
  return secure ? "__Host-tc_sso" : "tc_sso";
}

function ssoRoutes(db: Db, config: Config, s: SsoSettings, configuration: () => Promise<oidc.Configuration>): Router {
  const r = Router();
  const opts = sessionOptions(config);
  const cookie = attemptCookie(opts.secure);
  const cookieOptions = { httpOnly: true, sameSite: "lax", secure: opts.secure, path: "/" } as const;
  const redirectUri = `${config.baseUrl}/login/sso/callback`;
  const limit = limitByAddress(15, 60, TOO_MANY);

  const refuse = (req: Request, res: Response, refusal: Refusal) => {
    audit(db, null, refusal.actor ?? "sso", "user.sso_refused", { reason: refusal.reason, ...refusal.detail });
    return renderPage(
      req,
      res,
      "auth/sso-refused",
      { title: refusal.title, heading: refusal.title, message: refusal.message },
      refusal.status,
    );
  };
  // The provider could not be reached, or its configuration failed a check (such as naming another issuer).
  const unavailable = (req: Request, res: Response, err: unknown) => {
    const host = new URL(s.issuer).host;
    const message = isUnreachable(err)
      ? `Truecost could not reach the identity provider (${host}), so nobody can sign in with it at the moment. Try again in a few minutes; if it goes on, tell your administrator.`
      : `The identity provider at ${host} answered, but its configuration does not match what Truecost is set up for (OIDC_ISSUER), so Truecost does not trust it. Tell your administrator: the audit log has the reason.`;
    return refuse(req, res, {
      status: 503,
      reason: `provider unavailable: ${describe(err)}`,
      title: "Sign-in is not available right now",
      message,
    });
  };

  r.get("/login/sso", limit, async (req, res) => {
    const next = safeNext(typeof req.query.next === "string" ? req.query.next : undefined);
    if (req.user) return res.redirect(303, next);
    let c: oidc.Configuration;
    try {
      c = await configuration();
    } catch (err) {
      return unavailable(req, res, err);
    }
    const attempt = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      next,
    };
    const value = newToken(24);
    saveAttempt(db, value, attempt, ATTEMPT_MINUTES);
    res.cookie(cookie, value, { ...cookieOptions, maxAge: ATTEMPT_MINUTES * 60_000 });
    const url = oidc.buildAuthorizationUrl(c, {
      redirect_uri: redirectUri,
      scope: s.scopes,
      state: attempt.state,
      nonce: attempt.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(attempt.codeVerifier),
      code_challenge_method: "S256",
    });
    res.redirect(303, url.href);
  });

  r.get("/login/sso/callback", limit, async (req, res) => {
    const value = req.cookies?.[cookie] as string | undefined;
    res.clearCookie(cookie, cookieOptions);
    const attempt = typeof value === "string" && value.length <= 100 ? takeAttempt(db, value) : undefined;
    if (!attempt) return refuse(req, res, noAttempt());
    const providerError = typeof req.query.error === "string" ? req.query.error : undefined;
    if (providerError) return refuse(req, res, declined(providerError, req.query.error_description));
    let c: oidc.Configuration;
    try {
      c = await configuration();
    } catch (err) {
      return unavailable(req, res, err);
    }
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    let claims: Record<string, unknown>;
    try {
      // The URL the provider sent the browser to, rebuilt on the configured address (never from the Host header).
      tokens = await oidc.authorizationCodeGrant(c, new URL(req.originalUrl, config.baseUrl), {
        pkceCodeVerifier: attempt.codeVerifier,
        expectedState: attempt.state,
        expectedNonce: attempt.nonce,
        idTokenExpected: true,
      });
      claims = await claimsOf(c, tokens, s);
    } catch (err) {
      if (isUnreachable(err)) return unavailable(req, res, err);
      return refuse(req, res, failedCheck(err));
    }
    const decision = decideSignIn(db, s, claims);
    if (!decision.ok) return refuse(req, res, decision);
    const { user } = decision;
    const raw = startSession(db, req, res, { userId: user.id }, opts);
    if (tokens.id_token) setSessionIdToken(db, raw, tokens.id_token);
    audit(db, null, `user:${user.id}`, "user.sso_signed_in", {
      email: user.email,
      role: user.role,
      committeeRole: user.committeeRole,
      subject: String(claims.sub),
    });
    res.redirect(303, attempt.next);
  });
  return r;
}

/**
 * The user's claims: the ID token's (checked by openid-client), completed from the userinfo
 * endpoint when the token lacks the email or the groups claim (many providers put them there only).
 */
async function claimsOf(
  c: oidc.Configuration,
  tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>,
  s: SsoSettings,
): Promise<Record<string, unknown>> {
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error("the provider sent no ID token");
  const complete = idClaims.email !== undefined && idClaims[s.groupsClaim] !== undefined;
  if (complete || !c.serverMetadata().userinfo_endpoint || !tokens.access_token) return { ...idClaims };
  // fetchUserInfo refuses an answer about another subject than the ID token's.
  const info = await oidc.fetchUserInfo(c, tokens.access_token, idClaims.sub);
  return { ...info, ...idClaims };
}

function noAttempt(): Refusal {
  return {
    status: 400,
    reason: "no open sign-in for this browser (replayed, expired or started elsewhere)",
    title: "This sign-in is no longer open",
    message: `The answer from the identity provider does not belong to a sign-in this browser started in the last ${ATTEMPT_MINUTES} minutes (it was used already, it expired, or it was started in another browser). Start again.`,
  };
}

function declined(error: string, description: unknown): Refusal {
  const said = typeof description === "string" ? description.slice(0, 300) : error;
  return {
    status: 403,
    reason: `provider refused: ${error}`,
    detail: { error },
    title: "The identity provider did not sign you in",
    message: `It answered: “${said}”. Start again, or ask your administrator.`,
  };
}

/** A check of the provider's answer failed: a wrong state, issuer, audience, signature, an expired token or a used code. */
function failedCheck(err: unknown): Refusal {
  return {
    status: 400,
    reason: `check failed: ${describe(err)}`,
    title: "Sign-in refused",
    message:
      "The identity provider's answer did not pass Truecost's checks, so you were not signed in. Start again; if it happens again, tell your administrator (the audit log has the reason).",
  };
}

function describe(err: unknown): string {
  const e = err as { code?: unknown; error?: unknown; message?: unknown; cause?: unknown };
  const code = typeof e.error === "string" ? e.error : typeof e.code === "string" ? e.code : "error";
  const cause = e.cause instanceof Error ? ` (${e.cause.message})` : "";
  return `${code}: ${String(e.message ?? err).slice(0, 300)}${cause}`.slice(0, 500);
}

/** A network failure (refused, timed out), not an answer that failed a check. */
function isUnreachable(err: unknown): boolean {
  const e = err as { name?: unknown };
  return e.name === "TimeoutError" || (err instanceof TypeError && /fetch failed/.test(err.message));
}
