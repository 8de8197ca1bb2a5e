import autocannon from "autocannon";
import express from "express";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createHttpServer } from "../../src/web/http-server.js";

export interface HttpResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  /** The server process's CPU time per request over the run (set when the server reports it). */
  cpuUsPerRequest?: number;
}

/** Runs autocannon against a URL for `seconds`; per-connection request setup through `requests`. */
export async function cannon(
  url: string,
  opts: {
    connections: number;
    seconds: number;
    requests?: autocannon.Request[];
    headers?: Record<string, string>;
    method?: string;
    body?: string;
  },
): Promise<HttpResult> {
  // autocannon refuses keys present with undefined values (method: undefined is "not supported").
  const extra = Object.fromEntries(
    Object.entries({ requests: opts.requests, headers: opts.headers, method: opts.method, body: opts.body }).filter(
      ([, v]) => v !== undefined,
    ),
  );
  const r = await autocannon({ url, connections: opts.connections, duration: opts.seconds, ...extra });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
  };
}

/**
 * Listens on 127.0.0.1 and returns the base URL and a closer. `server`: the HTTP server Truecost
 * ships (src/web/http-server.ts, requests with their properties declared), or Express's own
 * `app.listen` (the stock server a bare Express app gets).
 */
export async function listen(
  app: express.Express,
  server: "truecost" | "stock",
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const s = server === "truecost" ? createHttpServer(app).listen(0, "127.0.0.1") : app.listen(0, "127.0.0.1");
  await new Promise((r) => s.once("listening", r));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    server: s,
    close: () => new Promise((r) => s.close(() => r())),
  };
}

/** The baseline: a bare Express app in the same process setup, answering the same shape of request. */
export function bareApp(): express.Express {
  const app = express();
  app.use(express.json());
  app.post("/save", (req, res) => res.json({ saved: true, revision: 1, echo: typeof req.body }));
  app.get("/page", (_req, res) => res.type("html").send("<!doctype html><title>x</title><p>bare</p>"));
  // A static page as large as a vendor's section page: what delivering that many bytes costs by itself.
  const large = `<!doctype html><title>x</title>${"<p>bare page of a realistic size</p>\n".repeat(560)}`;
  app.get("/page-20k", (_req, res) => res.type("html").send(large));
  return app;
}
