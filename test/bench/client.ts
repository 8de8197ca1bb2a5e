import { Agent, request } from "node:http";
import type { HttpResult } from "./http.js";

export interface Shot {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A small closed-loop load generator: `connections` keep-alive loops, each sending its next request when the last
 * one answered, for `seconds`. Each loop has its own state, so a loop can carry a vendor's session and revision.
 */
export async function load(base: string, connections: number, seconds: number, make: (loop: number) => { next: () => Shot; done?: (status: number, body: string) => void }): Promise<HttpResult> {
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let non2xx = 0, errors = 0;
  const end = Date.now() + seconds * 1000;
  const send = (s: Shot) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: url.hostname, port: url.port, method: s.method, path: s.path, headers: { ...s.headers, ...(s.body ? { "content-length": Buffer.byteLength(s.body) } : {}) }, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      req.on("error", reject);
      req.end(s.body);
    });
  await Promise.all(Array.from({ length: connections }, async (_, i) => {
    const loop = make(i);
    while (Date.now() < end) {
      const t = performance.now();
      try {
        const r = await send(loop.next());
        latencies.push(performance.now() - t);
        if (r.status < 200 || r.status >= 300) non2xx++;
        loop.done?.(r.status, r.body);
      } catch {
        errors++;
      }
    }
  }));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]! * 10) / 10;
  return { rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99), errors, non2xx, requests: latencies.length };
}
