import request from "supertest";
import type { Db } from "../../src/db/index.js";
import { inviteVendor } from "../../src/vendors/invitations.js";
import { createLink, linkUrl } from "../../src/vendors/links.js";
import { findVendor } from "../../src/vendors/repo.js";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { findUser } from "../../src/auth/users.js";
import type { Config } from "../../src/config.js";
import type { Role } from "../../src/domain.js";
import { makeEvaluation, makeUser, makeVendor } from "../factories.js";
import type { Agent, Target } from "../web.js";
import { csrfOf } from "../html.js";

/** An invited vendor: the evaluation, the vendor and the path of its link (as emailed). */
export async function invitedVendor(
  db: Db,
  config: Config,
  over: { evaluationId?: number; name?: string; email?: string } = {},
) {
  const buyer = await makeUser(db, "buyer");
  const evaluationId = over.evaluationId ?? makeEvaluation(db, buyer.id);
  const vendorId = makeVendor(db, evaluationId, {
    name: over.name ?? "Acme AI",
    contactEmail: over.email ?? "casey@acme.example",
  });
  const { linkId } = inviteVendor(
    db,
    config,
    findEvaluation(db, evaluationId)!,
    findVendor(db, vendorId)!,
    findUser(db, buyer.id)!,
  );
  const token = createLink(db, config.sessionSecret, {
    vendorId,
    role: null,
    holderName: "Casey",
    holderEmail: "casey@acme.example",
    expiresAt: "2100-01-01T00:00:00.000Z",
  }).token;
  db.prepare("UPDATE vendor_links SET revoked_at = '2020-01-01' WHERE id = ?").run(linkId);
  return { buyer, evaluationId, vendorId, path: new URL(linkUrl(config.baseUrl, token)).pathname };
}

/** A delegated link to one section. */
export function delegatedPath(db: Db, config: Config, vendorId: number, role: Role): string {
  const token = createLink(db, config.sessionSecret, {
    vendorId,
    role,
    holderName: "Fin Lead",
    holderEmail: "fin@acme.example",
    expiresAt: "2100-01-01T00:00:00.000Z",
  }).token;
  return new URL(linkUrl(config.baseUrl, token)).pathname;
}

/** A browser-like agent that opened a vendor link. */
export async function openLink(app: Target, path: string): Promise<Agent> {
  const agent = request.agent(app);
  const res = await agent.get(path);
  if (res.status !== 303) throw new Error(`link did not open: ${res.status}`);
  return agent;
}

/** The CSRF token and revision of a question on a section page. */
export async function sectionState(agent: Agent, role: string, key: string) {
  const page = await agent.get(`/portal/sections/${role}`);
  const csrf = csrfOf(page.text);
  const rev = Number(new RegExp(`name="rev_${key}" value="(\\d+)"`).exec(page.text)![1]);
  return { csrf, rev, html: page.text };
}

/** Autosaves one answer as the page's script does. */
export function autosave(
  agent: Agent,
  csrf: string,
  key: string,
  body: { q?: string | string[]; p?: string; n?: string; revision: number },
) {
  return agent.post(`/portal/answers/${key}`).set("x-csrf-token", csrf).set("Accept", "application/json").send(body);
}
