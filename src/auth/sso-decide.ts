import { audit } from "../audit/repo.js";
import type { Db } from "../db/index.js";
import { grantFor, groupsOf } from "./sso-config.js";
import { applyGrant, endUserSessions, findUserBySubject, linkSubject } from "./sso-repo.js";
import type { SsoSettings } from "./sso.js";
import { findUser, findUserByEmail, insertUser, type User } from "./users.js";

/** Why a sign-in is refused: what the user reads, and the reason and details the audit log keeps. */
export interface Refusal {
  ok?: false;
  status: number;
  reason: string;
  title: string;
  message: string;
  actor?: string;
  detail?: Record<string, unknown>;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The address to give an account: the email claim, else a username that is an address (Entra ID's UPN). */
function emailOf(claims: Record<string, unknown>): string | undefined {
  for (const c of [claims.email, claims.preferred_username, claims.upn])
    if (typeof c === "string" && EMAIL.test(c.trim()) && c.length <= 320) return c.trim().toLowerCase();
  return undefined;
}

function nameOf(claims: Record<string, unknown>, email: string): string {
  const given = [claims.given_name, claims.family_name].filter((p) => typeof p === "string" && p.trim()).join(" ");
  const name = typeof claims.name === "string" && claims.name.trim() ? claims.name : given || email;
  return name
    .replace(/[\r\n\t]+/g, " ")
    .trim()
    .slice(0, 200);
}

const NO_ACCESS = "Access not granted";

/**
 * Who a verified set of claims signs in as: the account linked to the provider's subject, else the
 * account with that email (linked now), else a new account (neither when the provider says the email
 * is unverified); its role is the one the user's groups map to, set again at every sign-in.
 */
export function decideSignIn(
  db: Db,
  s: SsoSettings,
  claims: Record<string, unknown>,
): { ok: true; user: User } | Refusal {
  const subject = String(claims.sub);
  const email = emailOf(claims);
  const groups = groupsOf(claims[s.groupsClaim]);
  const detail = { subject, email: email ?? null, groups: groups.slice(0, 50) };
  const refusal = (status: number, reason: string, title: string, message: string, actor?: string): Refusal => ({
    status,
    reason,
    title,
    message,
    detail,
    actor,
  });
  const linked = findUserBySubject(db, s.issuer, subject);
  const byEmail = linked ? undefined : email ? findUserByEmail(db, email) : undefined;
  const user = linked ?? byEmail;
  const actor = user ? `user:${user.id}` : undefined;
  if (byEmail?.ssoSubject)
    return refusal(
      403,
      "email belongs to an account linked to another identity",
      NO_ACCESS,
      "The Truecost account with your email address is linked to another identity at the provider. Ask an administrator.",
      actor,
    );
  if (!linked && claims.email_verified === false)
    return refusal(
      403,
      "email not verified at the provider",
      NO_ACCESS,
      "Your identity provider says your email address is not verified, so Truecost cannot match it to an account. Verify it there, or ask an administrator.",
      actor,
    );
  if (user?.breakGlass)
    return refusal(
      403,
      "break-glass account",
      NO_ACCESS,
      "This is a break-glass administrator account: it signs in with its password only, never through single sign-on.",
      actor,
    );
  if (user?.disabledAt)
    return refusal(
      403,
      "account disabled in Truecost",
      NO_ACCESS,
      "Your Truecost account is disabled. Ask an administrator if you need access again.",
      actor,
    );
  const grant = grantFor(s.roleMap, groups);
  if (!grant) {
    // Access withdrawn at the provider: the account's open sessions end too.
    if (user) endUserSessions(db, user.id);
    return refusal(
      403,
      "no mapped group",
      NO_ACCESS,
      "You signed in at your identity provider, but you are not in any group that gives access to Truecost. Ask an administrator to grant you access (a group mapped to a Truecost role).",
      actor,
    );
  }
  if (!user && !email)
    return refusal(
      403,
      "no email in the provider's claims",
      NO_ACCESS,
      "Your identity provider did not send an email address, which Truecost needs for an account. Ask an administrator to release the email claim to Truecost.",
    );
  const id = db
    .transaction(() => {
      if (!user) {
        const created = insertUser(db, {
          email: email!,
          name: nameOf(claims, email!),
          role: grant.role,
          committeeRole: grant.committeeRole,
          sso: { issuer: s.issuer, subject },
        });
        audit(db, null, `user:${created}`, "user.created_by_sso", {
          email,
          role: grant.role,
          committeeRole: grant.committeeRole,
          subject,
        });
        return created;
      }
      if (!linked) {
        linkSubject(db, user.id, s.issuer, subject);
        audit(db, null, `user:${user.id}`, "user.sso_linked", { email: user.email, subject });
      }
      if (applyGrant(db, user, grant))
        audit(db, null, `user:${user.id}`, "user.role_changed", {
          by: "sso",
          from: { role: user.role, committeeRole: user.committeeRole },
          to: grant,
        });
      return user.id;
    })
    .immediate();
  return { ok: true, user: findUser(db, id)! };
}
