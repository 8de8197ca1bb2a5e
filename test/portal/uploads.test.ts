import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { csrfOf, signIn } from "../web.js";
import { invitedVendor, openLink } from "./helpers.js";
import type { Agent } from "../web.js";

const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

async function upload(agent: Agent, key: string, name: string, content: Buffer) {
  const page = await agent.get("/portal/sections/cto");
  return agent.post(`/portal/questions/${key}/files`).field("_csrf", csrfOf(page.text)).attach("file", content, { filename: name });
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
    const row = db.prepare("SELECT id, original_name, stored_name, mime_type, size_bytes, sha256 FROM attachments").get() as Record<string, unknown>;
    expect(row).toMatchObject({ original_name: "Architecture v2.pdf", mime_type: "application/pdf", size_bytes: PDF.length });
    expect(String(row.stored_name)).toMatch(/^[0-9a-f]{32}\.pdf$/);
    const section = await agent.get("/portal/sections/cto");
    expect(section.text).toContain("Architecture v2.pdf");
    const down = await agent.get(`/portal/files/${row.id}`).buffer(true).parse(binary as never);
    expect(down.headers["content-disposition"]).toBe('attachment; filename="Architecture v2.pdf"');
    expect(Buffer.compare(down.body as Buffer, PDF)).toBe(0);
    const b = await signIn(app, buyer.email);
    const viaBuyer = await b.get(`/evaluations/${evaluationId}/attachments/${row.id}`).buffer(true).parse(binary as never);
    expect(Buffer.compare(viaBuyer.body as Buffer, PDF)).toBe(0);
  });

  it.each([
    ["a zero-byte file", "empty.pdf", Buffer.alloc(0), 400, "The file is empty."],
    ["an executable disguised by its name", "invoice.pdf", Buffer.concat([Buffer.from("MZ"), Buffer.alloc(200, 1)]), 400, "This kind of file is not accepted."],
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
    expect((await agent.post("/portal/questions/cto_controls/files").attach("file", PNG, { filename: "a.png" })).status).toBe(403);
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
    expect((await agent.post(`/portal/files/${id}/delete`).type("form").send({ _csrf: csrfOf(page.text) })).status).toBe(303);
    expect((await agent.get(`/portal/files/${id}`)).status).toBe(404);
  });
});
