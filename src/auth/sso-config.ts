import { z } from "zod";
import { ROLES, type Role } from "../domain.js";
import type { UserRole } from "./users.js";

/** What one identity-provider group grants in Truecost. */
export interface Grant {
  role: UserRole;
  committeeRole: Role | null;
}

/** Groups (or app roles) at the provider, each with the Truecost role it grants, in the order written. */
export type RoleMap = { group: string; grant: Grant }[];

const ROLE_WORDS = `admin, buyer or committee:${ROLES.join("|")}`;

/**
 * Parses OIDC_ROLE_MAP: entries `group=role` separated by commas or semicolons, where role is
 * admin, buyer or committee:seat. Group names are compared exactly (case and spaces kept).
 */
function parseRoleMap(text: string): { ok: true; map: RoleMap } | { ok: false; message: string } {
  const map: RoleMap = [];
  for (const raw of text.split(/[,;]/)) {
    const entry = raw.trim();
    if (!entry) continue;
    const eq = entry.lastIndexOf("=");
    const group = entry.slice(0, eq).trim();
    const role = entry
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (eq < 1 || !group) return { ok: false, message: `"${entry}" is not group=role` };
    const grant = grantOf(role);
    if (!grant) return { ok: false, message: `"${entry}": the role must be ${ROLE_WORDS}` };
    if (map.some((m) => m.group === group)) return { ok: false, message: `the group "${group}" is mapped twice` };
    map.push({ group, grant });
  }
  return map.length ? { ok: true, map } : { ok: false, message: "map at least one group, e.g. truecost-buyers=buyer" };
}

function grantOf(role: string): Grant | undefined {
  if (role === "admin" || role === "buyer") return { role, committeeRole: null };
  const seat = /^committee:(\w+)$/.exec(role)?.[1];
  return seat && (ROLES as readonly string[]).includes(seat)
    ? { role: "committee", committeeRole: seat as Role }
    : undefined;
}

const STRENGTH: Record<UserRole, number> = { admin: 3, buyer: 2, committee: 1 };

/** The strongest grant among a user's groups (admin over buyer over committee; the first mapped seat among equals), or none. */
export function grantFor(map: RoleMap, groups: readonly string[]): Grant | undefined {
  const held = new Set(groups);
  let best: Grant | undefined;
  for (const { group, grant } of map)
    if (held.has(group) && (!best || STRENGTH[grant.role] > STRENGTH[best.role])) best = grant;
  return best;
}

/** The groups a claim carries: an array of strings, or one string of names separated by spaces or commas. */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === "string");
  if (typeof claim === "string") return claim.split(/[\s,]+/).filter(Boolean);
  return [];
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The issuer URL: https, or plain http only on this machine (a provider for development or tests). */
export const issuerSchema = z.url("must be a URL such as https://login.example.com/tenant").refine((v) => {
  const u = new URL(v);
  return u.protocol === "https:" || (u.protocol === "http:" && LOCAL_HOSTS.has(u.hostname));
}, "must use https (plain http is accepted only for localhost)");

export const roleMapSchema = z.string().transform((text, ctx) => {
  const parsed = parseRoleMap(text);
  if (parsed.ok) return parsed.map;
  ctx.addIssue({ code: "custom", message: parsed.message });
  return z.NEVER;
});

export const scopesSchema = z
  .string()
  .regex(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, "must be scope names separated by single spaces")
  .refine((s) => s.split(" ").includes("openid"), "must include openid");
