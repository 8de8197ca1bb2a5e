import http, { type RequestListener } from "node:http";

/**
 * The request object of Truecost's HTTP server: every property that Express, its router, the body,
 * cookie and upload parsers, the rate limiter and Truecost's own middleware set on a request while
 * handling it exists from the start, as undefined.
 *
 * Why: Express gives each request its own prototype (`Object.setPrototypeOf`), and V8 keeps no
 * hidden-class transitions for an object after that, so each property added afterwards builds a new
 * hidden class and slows every later read of the object. An autosave added 16 of them, about a
 * quarter of its CPU time; declared here, setting them is a plain store (docs/performance.md).
 * test/web/http-server.test.ts fails when a request gains a property that is not declared here.
 */
export class AppRequest extends http.IncomingMessage {
  // Express and its router.
  res: unknown = undefined;
  next: unknown = undefined;
  baseUrl: unknown = undefined;
  originalUrl: unknown = undefined;
  _parsedUrl: unknown = undefined;
  params: unknown = undefined;
  route: unknown = undefined;
  // body-parser, cookie-parser, multer, express-rate-limit.
  body: unknown = undefined;
  secret: unknown = undefined;
  cookies: unknown = undefined;
  signedCookies: unknown = undefined;
  file: unknown = undefined;
  files: unknown = undefined;
  rateLimit: unknown = undefined;
  // Truecost: auth/sessions.ts, auth/devices.ts, portal/uploads.ts and web/security.ts.
  session: unknown = undefined;
  sessionRaw: unknown = undefined;
  sessionEnded: unknown = undefined;
  user: unknown = undefined;
  trustedDevice: unknown = undefined;
  evidenceQuotaLeft: unknown = undefined;
  csrfToken: unknown = undefined;
}

/**
 * The response object: Express's `locals`, and the status Node and Express set on every response
 * (Node keeps their defaults, 200 and none, on its prototype), exist from the start (see AppRequest).
 */
export class AppResponse extends http.ServerResponse {
  locals: unknown = undefined;
  override statusCode = 200;
  override statusMessage = undefined as unknown as string;
}

/** An HTTP server for the app whose requests and responses are AppRequest and AppResponse. */
export function createHttpServer(app: RequestListener): http.Server {
  return http.createServer(
    { IncomingMessage: AppRequest, ServerResponse: AppResponse as typeof http.ServerResponse },
    app,
  );
}
