import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT } from "../../src/paths.js";
import { csrfOf } from "../html.js";

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Children still running; a test that fails before killing its server must not leave it behind. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

/** Runs the CLI from source in a child process (no vitest variables in its environment). */
export function cliProcess(args: string[], env: Record<string, string>): ChildProcess {
  const { BASE_URL: _b, ...rest } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "src", "cli", "index.ts"), ...args], {
    cwd: ROOT,
    env: { ...rest, LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Starts the real server as a child process and waits until /healthz answers. */
export async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = cliProcess(["serve"], {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    BASE_URL: `http://127.0.0.1:${port}`,
  });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("server did not start");
}

/** Kills a child with SIGKILL and waits for it to be gone. */
export function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** A cookie-keeping client for one simulated vendor. */
export class VendorClient {
  private cookies = new Map<string, string>();
  csrf = "";
  constructor(private base: string) {}
  private header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const res = await fetch(this.base + path, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), cookie: this.header() },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }
  async open(linkPath: string, section: string): Promise<void> {
    await this.request(linkPath);
    const html = await (await this.request(`/portal/sections/${section}`)).text();
    this.csrf = csrfOf(html);
  }
  save(key: string, q: string, revision: number): Promise<Response> {
    return this.request(`/portal/answers/${key}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": this.csrf },
      body: JSON.stringify({ q, revision }),
    });
  }
}

/** A data folder (under `dir`) with an open evaluation of `n` invited vendors; returns their ids and link paths. */
export async function prepareVendors(
  dir: string,
  n: number,
): Promise<{ dataDir: string; vendors: { id: number; path: string }[] }> {
  const { loadConfig } = await import("../../src/config.js");
  const { dbPath, openDb } = await import("../../src/db/index.js");
  const { migrate } = await import("../../src/db/migrate.js");
  const { syncQuestionSets } = await import("../../src/questions/repo.js");
  const { createLink } = await import("../../src/vendors/links.js");
  const { makeEvaluation, makeVendor } = await import("../factories.js");
  const config = loadConfig({ DATA_DIR: dir, LOG_LEVEL: "silent" });
  const db = openDb(dbPath(dir));
  migrate(db);
  syncQuestionSets(db);
  const e = makeEvaluation(db, null);
  db.prepare("UPDATE evaluations SET status = 'open' WHERE id = ?").run(e);
  const vendors = Array.from({ length: n }, (_, i) => {
    const id = makeVendor(db, e, { name: `Vendor ${i}`, contactEmail: `v${i}@x.example` });
    const { token } = createLink(db, config.sessionSecret, {
      vendorId: id,
      role: null,
      holderName: "V",
      holderEmail: `v${i}@x.example`,
      expiresAt: "2100-01-01T00:00:00.000Z",
    });
    return { id, path: `/v/${token}` };
  });
  db.close();
  return { dataDir: dir, vendors };
}
