import { readdirSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { uploadsDir } from "../../src/evidence/uploads.js";
import { createHttpServer } from "../../src/web/http-server.js";
import { buildTestApp, tempDir } from "../helpers.js";
import { freePort, kill, prepareVendors, startServer, VendorClient } from "../faults/child.js";
import { docx } from "./zip.js";
import { csrfOf, signIn } from "../web.js";
import { invitedVendor, openLink } from "./helpers.js";
import type { Agent } from "../web.js";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

async function upload(agent: Agent, key: string, name: string, content: Buffer) {
  const page = await agent.get("/portal/sections/cto");
  return agent
    .post(`/portal/questions/${key}/files`)
    .field("_csrf", csrfOf(page.text))
    .attach("file", content, { filename: name });
}

const binary = (res: { headers: Record<string, string> }, cb: (e: Error | null, b: Buffer) => void) => {
  const chunks: Buffer[] = [];
  (res as unknown as NodeJS.ReadableStream).on("data", (c: Buffer) => chunks.push(c));
  (res as unknown as NodeJS.ReadableStream).on("end", () => cb(null, Buffer.concat(chunks)));
};

describe("evidence uploads", () => {
  it("accepts a real PDF and gives it back byte-identical, as a download, to the vendor and the buyer", async () => {
    const { app, db, config } = buildTestApp();
    const { path, evaluationId, buyer } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const res = await upload(agent, "cto_controls", "../../etc/Architecture <v2>.pdf", PDF);
    expect(res.status).toBe(303);
    const row = db
      .prepare("SELECT id, original_name, stored_name, mime_type, size_bytes, sha256 FROM attachments")
      .get() as Record<string, unknown>;
    expect(row).toMatchObject({
      original_name: "Architecture v2.pdf",
      mime_type: "application/pdf",
      size_bytes: PDF.length,
    });
    expect(String(row.stored_name)).toMatch(/^[0-9a-f]{32}\.pdf$/);
    const section = await agent.get("/portal/sections/cto");
    expect(section.text).toContain("Architecture v2.pdf");
    const down = await agent
      .get(`/portal/files/${row.id}`)
      .buffer(true)
      .parse(binary as never);
    expect(down.headers["content-disposition"]).toBe('attachment; filename="Architecture v2.pdf"');
    expect(Buffer.compare(down.body as Buffer, PDF)).toBe(0);
    const b = await signIn(app, buyer.email);
    const viaBuyer = await b
      .get(`/evaluations/${evaluationId}/attachments/${row.id}`)
      .buffer(true)
      .parse(binary as never);
    expect(Buffer.compare(viaBuyer.body as Buffer, PDF)).toBe(0);
  });

  it.each([
    ["a zero-byte file", "empty.pdf", Buffer.alloc(0), 400, "The file is empty."],
    [
      "an executable disguised by its name",
      "invoice.pdf",
      Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 1)]),
      400,
      "This kind of file is not accepted.",
    ],
    ["HTML disguised as a PNG", "chart.png", Buffer.from("<html><script>alert(1)</script></html>"), 303, ""],
  ])("handles %s", async (_n, name, content, status, message) => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const res = await upload(agent, "cto_controls", name, content);
    expect(res.status).toBe(status);
    if (message) expect(res.text).toContain(message);
    if (status === 303) {
      // Text is accepted only as text: stored and served as text/plain, never as HTML or an image.
      const row = db.prepare("SELECT mime_type FROM attachments").get() as { mime_type: string };
      expect(row.mime_type).toBe("text/plain");
    }
  });

  it("refuses a file above the size limit with a clear message", async () => {
    const { app, db, config } = buildTestApp({ UPLOAD_MAX_MB: "0.1" });
    const { path } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const res = await upload(agent, "cto_controls", "big.pdf", Buffer.concat([PDF, Buffer.alloc(200 * 1024, 32)]));
    expect(res.status).toBe(413);
    expect(res.text).toContain("it is larger than the size allowed for one file.");
    expect(db.prepare("SELECT count(*) FROM attachments").pluck().get()).toBe(0);
  });

  it("refuses uploads without a CSRF token, on questions that expect no evidence, and after submission", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    expect(
      (await agent.post("/portal/questions/cto_controls/files").attach("file", PNG, { filename: "a.png" })).status,
    ).toBe(403);
    expect((await upload(agent, "cto_portability", "a.png", PNG)).status).toBe(404);
    db.prepare("UPDATE vendors SET status = 'submitted'").run();
    expect((await upload(agent, "cto_controls", "a.png", PNG)).status).toBe(403);
  });

  it("removes a file until submission; a removed file is no longer served", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    await upload(agent, "cto_controls", "a.png", PNG);
    const id = db.prepare("SELECT id FROM attachments").pluck().get();
    const page = await agent.get("/portal/sections/cto");
    expect(
      (
        await agent
          .post(`/portal/files/${id}/delete`)
          .type("form")
          .send({ _csrf: csrfOf(page.text) })
      ).status,
    ).toBe(303);
    expect((await agent.get(`/portal/files/${id}`)).status).toBe(404);
  });

  it("keeps nothing on disk of any refused upload: wrong type, too large, over quota, no token, or cut off by the client", async () => {
    const { app, db, config } = buildTestApp({ UPLOAD_MAX_MB: "0.5", VENDOR_QUOTA_MB: "1" });
    const { path } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    const files = () => {
      try {
        return readdirSync(uploadsDir(config)).sort();
      } catch {
        return [];
      }
    };
    const stored = () => (db.prepare("SELECT stored_name FROM attachments").pluck().all() as string[]).sort();
    // An executable's first bytes stop the write before the rest arrives.
    expect(
      (
        await upload(
          agent,
          "cto_controls",
          "setup.pdf",
          Buffer.concat([Buffer.from("MZ"), Buffer.alloc(300 * 1024, 1)]),
        )
      ).status,
    ).toBe(400);
    // A GIF is a known format that is not accepted.
    expect(
      (await upload(agent, "cto_controls", "x.gif", Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(5000, 1)])))
        .status,
    ).toBe(400);
    expect(
      (await upload(agent, "cto_controls", "big.pdf", Buffer.concat([PDF, Buffer.alloc(600 * 1024, 32)]))).status,
    ).toBe(413);
    expect(
      (await agent.post("/portal/questions/cto_controls/files").attach("file", PDF, { filename: "a.pdf" })).status,
    ).toBe(403);
    expect(files()).toEqual([]);
    // Within the quota, then over it.
    expect(
      (await upload(agent, "cto_controls", "one.pdf", Buffer.concat([PDF, Buffer.alloc(450 * 1024, 32)]))).status,
    ).toBe(303);
    expect(
      (await upload(agent, "cto_controls", "two.pdf", Buffer.concat([PDF, Buffer.alloc(450 * 1024, 32)]))).status,
    ).toBe(303);
    const over = await upload(agent, "cto_controls", "three.pdf", Buffer.concat([PDF, Buffer.alloc(200 * 1024, 32)]));
    expect(over.status).toBe(400);
    expect(over.text).toContain("Your files would exceed the space allowed for this questionnaire");
    expect(files()).toEqual(stored());
    // A client that goes away halfway through.
    const server = createHttpServer(app).listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const page = await agent.get("/portal/sections/cto");
    const cookie = agent.jar
      .getCookies({ domain: "127.0.0.1", path: "/", secure: false, script: false })
      .toValueString();
    const boundary = "----cut";
    const req = httpRequest({
      host: "127.0.0.1",
      port: (server.address() as AddressInfo).port,
      method: "POST",
      path: "/portal/questions/cto_controls/files",
      headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": 400_000 },
    });
    req.on("error", () => undefined);
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrfOf(page.text)}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
    );
    req.write(Buffer.concat([PDF, Buffer.alloc(100_000, 32)]));
    await new Promise((r) => setTimeout(r, 200));
    expect(files().some((f) => f.endsWith(".part"))).toBe(true);
    req.destroy();
    for (let i = 0; i < 50 && files().some((f) => f.endsWith(".part")); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(files()).toEqual(stored());
    await new Promise((r) => server.close(r));
  });

  it("recognises an Office document by its whole file, even when its first bytes only say zip", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const agent = await openLink(app, path);
    expect((await upload(agent, "cto_controls", "plan.docx", docx(200_000))).status).toBe(303);
    expect(db.prepare("SELECT mime_type FROM attachments").pluck().get()).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    const bare = await upload(
      agent,
      "cto_controls",
      "archive.docx",
      Buffer.from(docx().toString("latin1").replace("[Content_Types].xml", "[Content_Typez].xml"), "latin1"),
    );
    expect(bare.status).toBe(400);
  });

  it("holds at most a bounded amount of memory under 20 parallel uploads of the largest size", async () => {
    const { dataDir, vendors } = await prepareVendors(tempDir(), 20);
    const port = await freePort();
    const server = await startServer(dataDir, port);
    const peak = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"))![1]) / 1024;
    const clients = await Promise.all(
      vendors.map(async (v) => {
        const c = new VendorClient(`http://127.0.0.1:${port}`);
        await c.open(v.path, "cto");
        return c;
      }),
    );
    const body = Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024 - PDF.length - 64, 32)]);
    const send = (c: VendorClient) => {
      const form = new FormData();
      form.set("_csrf", c.csrf);
      form.set("file", new Blob([body]), "evidence.pdf");
      return c.request("/portal/questions/cto_controls/files", { method: "POST", body: form });
    };
    await Promise.all(clients.slice(0, 2).map(send)); // warm
    const before = peak();
    const results = await Promise.all(clients.map(send));
    const grew = peak() - before;
    await kill(server);
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(303));
    console.log(
      `20 parallel 10 MiB uploads: server peak RSS ${before.toFixed(0)} → ${(before + grew).toFixed(0)} MiB (+${grew.toFixed(1)} MiB)`,
    );
    // Buffered in memory, the files alone would be 200 MiB.
    expect(grew).toBeLessThan(40);
    expect(readdirSync(join(dataDir, "uploads")).filter((f) => f.endsWith(".part"))).toEqual([]);
  }, 120_000);
});
