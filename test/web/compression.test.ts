import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildTestApp } from "../helpers.js";
import { importDemo, makeUser } from "../factories.js";
import { invitedVendor, openLink } from "../portal/helpers.js";
import { signIn } from "../web.js";

/** Bytes on the wire: supertest inflates bodies, so the compressed size is measured on what it gives back. */
const wire = (res: { headers: Record<string, string>; text: string }) =>
  res.headers["content-encoding"] === "gzip" ? gzipSync(res.text).length : Buffer.byteLength(res.text);

describe("compression", () => {
  it("compresses pages a browser asks for, and keeps every vendor page under 40 KB on the wire", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const vendor = await openLink(app, path);
    for (const p of [
      "/portal",
      "/portal/sections/cto",
      "/portal/sections/cfo",
      "/portal/sections/product",
      "/portal/sections/procurement",
      "/portal/review",
    ]) {
      const res = await vendor.get(p).set("Accept-Encoding", "gzip");
      expect(res.status, p).toBe(200);
      expect(res.headers["content-encoding"], p).toBe("gzip");
      expect(res.headers.vary, p).toMatch(/Accept-Encoding/i);
      expect(wire(res), p).toBeLessThan(40 * 1024);
    }
    const admin = await makeUser(db, "admin");
    const id = importDemo(db);
    const buyer = await signIn(app, admin.email);
    const page = await buyer.get(`/evaluations/${id}/comparison`).set("Accept-Encoding", "gzip");
    expect(page.headers["content-encoding"]).toBe("gzip");
    expect(wire(page)).toBeLessThan(Buffer.byteLength(page.text) / 4);
  });

  it("does not compress a page another site caused (BREACH), nor what the client did not ask to have compressed", async () => {
    const { app, db, config } = buildTestApp();
    const { path } = await invitedVendor(db, config);
    const vendor = await openLink(app, path);
    const cross = await vendor
      .get("/portal/sections/cto")
      .set("Accept-Encoding", "gzip")
      .set("Sec-Fetch-Site", "cross-site");
    expect(cross.status).toBe(200);
    expect(cross.headers["content-encoding"]).toBeUndefined();
    const same = await vendor
      .get("/portal/sections/cto")
      .set("Accept-Encoding", "gzip")
      .set("Sec-Fetch-Site", "same-origin");
    expect(same.headers["content-encoding"]).toBe("gzip");
    const plain = await vendor.get("/portal/sections/cto").set("Accept-Encoding", "identity");
    expect(plain.headers["content-encoding"]).toBeUndefined();
  });
});
