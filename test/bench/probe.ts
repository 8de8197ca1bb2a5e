import { benchApp, vendorSessions } from "./web.js";
import { load } from "./client.js";

const b = await benchApp(50);
const sessions = await vendorSessions(b, 50);
const post = (path: string, body: (n: number, rev: number) => string) => (i: number) => {
  const s = sessions[i]!;
  let rev = s.rev, n = 0;
  return {
    next: () => ({ method: "POST" as const, path, headers: { cookie: s.cookie, "x-csrf-token": s.csrf, "content-type": "application/json", accept: "application/json" }, body: body(++n, rev) }),
    done: (status: number, text: string) => { if (status === 200) rev = (JSON.parse(text) as { revision: number }).revision; },
  };
};
for (const [name, path, body] of [
  ["unchanged value (no write)", "/portal/answers/cto_vendor_share", (_n: number, rev: number) => JSON.stringify({ q: "55", revision: rev })],
  ["unknown question (404)", "/portal/answers/nope", () => JSON.stringify({ q: "1", revision: 0 })],
  ["real save", "/portal/answers/cto_vendor_share", (n: number, rev: number) => JSON.stringify({ q: String(n % 100), revision: rev })],
] as const) {
  const r = await load(b.served.url, 50, 3, post(path, body));
  console.log(name.padEnd(28), Math.round(r.rps), "rps p50", r.p50, "p99", r.p99, "non2xx", r.non2xx);
}
await b.served.close();
process.exit(0);
