import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";
import { afterEach } from "vitest";

/** What a test account at the provider says of its user. */
export interface Account {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

/** Faults the provider can be made to show, set per test. */
export interface Faults {
  /** Publish other keys (under the same key id) than the ones that sign the ID tokens. */
  otherKeys: boolean;
  /** ID tokens that expire this many seconds after they are made. */
  idTokenSeconds: number;
  /** Hold the token endpoint's answer this long before sending it. */
  tokenDelayMs: number;
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => (s.closeAllConnections(), s.close(done)))));
});

/** A request handler of a test server: it may be async. */
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** An HTTP server on 127.0.0.1 whose handler is set later; stopped after the test. */
export async function listenLocal(): Promise<{ server: http.Server; url: string; handle(h: Handler): void }> {
  let handler: Handler = (_req, res) => void res.writeHead(503).end();
  // A handler's failure answers 500 rather than leaving the request hanging.
  const server = http.createServer(
    (req, res) => void Promise.resolve(handler(req, res)).catch((err: unknown) => res.writeHead(500).end(String(err))),
  );
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, handle: (h) => (handler = h) };
}

function rsaKey(kid: string): JsonWebKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" };
}

function publicPart(jwk: JsonWebKey): JsonWebKey {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}

export const CLIENT_ID = "truecost-test";
export const CLIENT_SECRET = "a-client-secret-for-the-tests-only-0123456789";

/**
 * A real OpenID provider (oidc-provider, which implements the certified protocol) on 127.0.0.1,
 * with Truecost registered as a client. `signInAs` names the account the next interaction signs in
 * (login and consent are granted at once, as a provider with single sign-on would).
 */
export async function startProvider(appUrl: string) {
  const front = await listenLocal();
  const accounts = new Map<string, Account>();
  const faults: Faults = { otherKeys: false, idTokenSeconds: 3600, tokenDelayMs: 0 };
  const signing = rsaKey("test-key");
  // Another key under the same id: the signature cannot match.
  const impostor = publicPart(rsaKey("test-key"));
  let next: string | undefined;
  const provider = new Provider(front.url, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${appUrl}/login/sso/callback`],
        post_logout_redirect_uris: [`${appUrl}/login`],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [signing] },
    cookies: { keys: ["cookie-key-for-the-tests"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: () => faults.idTokenSeconds },
    findAccount: (_ctx, id) =>
      accounts.has(id) ? { accountId: id, claims: () => ({ sub: id, ...accounts.get(id) }) } : undefined,
  });
  const callback = provider.callback();
  front.handle(async (req, res) => {
    try {
      if (req.url?.startsWith("/interaction/")) return await interact(provider, req, res, next);
      if (faults.otherKeys && req.url === "/jwks")
        return void res
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ keys: [impostor] }));
      if (faults.tokenDelayMs && req.url === "/token") delayEnd(res, faults.tokenDelayMs);
      await callback(req, res);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  return {
    issuer: front.url,
    provider,
    faults,
    addAccount(id: string, account: Account) {
      accounts.set(id, account);
    },
    /** The account the next login interaction signs in; undefined makes it refuse (a login would be needed). */
    signInAs(id: string | undefined) {
      next = id;
    },
  };
}

/** Signs in `accountId` and grants what the client asked for. */
async function interact(
  provider: Provider,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  accountId: string | undefined,
): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === "login") {
    if (!accountId) return void res.writeHead(400).end("no account chosen for this sign-in");
    return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
  if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
  const grantId = await grant!.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function delayEnd(res: http.ServerResponse, ms: number): void {
  const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
  res.end = ((...args: unknown[]) => (setTimeout(() => end(...args), ms), res)) as typeof res.end;
}

/**
 * A browser for the tests: follows redirects itself across the app and the provider, keeps each
 * origin's cookies, and records every address it went through.
 */
export class Browser {
  private jars = new Map<string, Map<string, string>>();
  visited: string[] = [];

  private jar(url: URL) {
    let j = this.jars.get(url.origin);
    if (!j) this.jars.set(url.origin, (j = new Map()));
    return j;
  }

  cookie(origin: string, name: string): string | undefined {
    return this.jars.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    this.jar(new URL(origin)).set(name, value);
  }

  /** One request, no redirect followed. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.jar(u);
    const headers: Record<string, string> = {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; "),
      accept: "text/html",
    };
    if (init.form) headers["content-type"] = "application/x-www-form-urlencoded";
    this.visited.push(`${init.method ?? "GET"} ${url}`);
    const res = await fetch(u, {
      method: init.method ?? "GET",
      headers,
      redirect: "manual",
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const gone = attrs.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]!) < Date.now()),
      );
      if (gone || !value) jar.delete(name);
      else jar.set(name, value);
    }
    return res;
  }

  /** Goes to `url` and follows redirects (at most 20), like a browser; returns the last answer and its address. */
  async go(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ res: Response; url: string; text: string }> {
    let res = await this.request(url, init);
    let at = url;
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      at = new URL(res.headers.get("location")!, at).href;
      res = await this.request(at);
    }
    return { res, url: at, text: await res.text() };
  }

  /** Goes to `url` and stops at the first address that starts with `prefix` (not requested). */
  async goUntil(url: string, prefix: string): Promise<string> {
    let res = await this.request(url);
    let at = url;
    for (let i = 0; i < 20 && res.status >= 300 && res.status < 400; i++) {
      at = new URL(res.headers.get("location")!, at).href;
      if (at.startsWith(prefix)) return at;
      res = await this.request(at);
    }
    throw new Error(`never reached ${prefix}; stopped at ${at} (${res.status})`);
  }
}
