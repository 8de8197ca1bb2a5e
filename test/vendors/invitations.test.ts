import request from "supertest";
import { describe, expect, it } from "vitest";
import { findEvaluation } from "../../src/evaluations/repo.js";
import { createMailer, processOutbox } from "../../src/mail/outbox.js";
import { reminderStep, runReminders } from "../../src/vendors/invitations.js";
import { buildTestApp } from "../helpers.js";
import { makeEvaluation, makeUser, makeVendor } from "../factories.js";
import { bodyOf, smtpForTest } from "../smtp.js";
import { postForm, signIn } from "../web.js";
import { pageText, textAt, textsAt } from "../html.js";

describe("invitations", () => {
  it("delivers the invitation through a real SMTP server, with a link that opens the vendor's questionnaire", async () => {
    const smtp = await smtpForTest();
    const { app, db, config } = buildTestApp({ SMTP_URL: smtp.url });
    const buyer = await makeUser(db, "buyer", { name: "Bea Buyer" });
    const id = makeEvaluation(db, buyer.id, { title: "Invoice matching assistant" });
    const agent = await signIn(app, buyer.email);
    const res = await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors`, {
      name: "Vectorly",
      contactName: "Val Vendor",
      contactEmail: "val@vectorly.example",
      invite: "on",
    });
    expect(res.status).toBe(303);
    expect(await processOutbox(db, createMailer(config), config)).toEqual({ sent: 1, failed: 0 });
    expect(smtp.messages).toHaveLength(1);
    const mail = smtp.messages[0]!;
    expect(mail.to).toEqual(["val@vectorly.example"]);
    const body = bodyOf(mail.raw);
    expect(mail.raw).toMatch(/Subject: Due diligence questionnaire: Invoice matching assistant/);
    expect(body).toContain("Dear Val Vendor,");
    expect(body).toContain("Questions about this request: Bea Buyer");
    const link = /http:\/\/localhost:\d+(\/v\/[\w-]+)/.exec(body)![1]!;
    // The database keeps only the token's hash, and the outbox keeps the link encrypted.
    const token = link.split("/").at(-1)!;
    expect(JSON.stringify(db.prepare("SELECT * FROM vendor_links").all())).not.toContain(token);
    expect(JSON.stringify(db.prepare("SELECT * FROM email_outbox").all())).not.toContain(token);
    const vendor = request.agent(app);
    const open = await vendor.get(link);
    expect(open.status).toBe(303);
    expect(open.headers.location).toBe("/portal");
    const landing = await vendor.get("/portal");
    expect(landing.text).toContain("Vectorly");
    expect(landing.text).toContain("Invoice matching assistant");
    expect(findEvaluation(db, id)!.status).toBe("open");
  });

  it("keeps failed sends, retries them and shows them; nothing is lost", async () => {
    const smtp = await smtpForTest();
    const { app, db, config } = buildTestApp({ SMTP_URL: smtp.url });
    const buyer = await makeUser(db, "buyer");
    const id = makeEvaluation(db, buyer.id);
    const agent = await signIn(app, buyer.email);
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors`, {
      name: "Vectorly",
      contactName: "Val",
      contactEmail: "val@vectorly.example",
      invite: "on",
    });
    smtp.failNext(1);
    const mailer = createMailer(config);
    expect(await processOutbox(db, mailer, config)).toEqual({ sent: 0, failed: 1 });
    const outbox = await agent.get("/outbox");
    expect(pageText(outbox.text)).toMatch(/Last error: [^.]*451/);
    expect(await processOutbox(db, mailer, config)).toEqual({ sent: 0, failed: 0 }); // not due yet
    expect(await processOutbox(db, mailer, config, undefined, new Date(Date.now() + 2 * 60_000))).toEqual({
      sent: 1,
      failed: 0,
    });
    expect(smtp.messages).toHaveLength(1);
  });

  it("keeps messages in the outbox with a copyable link when no SMTP_URL is set", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const id = makeEvaluation(db, buyer.id);
    const agent = await signIn(app, buyer.email);
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors`, {
      name: "Vectorly",
      contactName: "Val",
      contactEmail: "val@vectorly.example",
      invite: "on",
    });
    const outbox = await agent.get("/outbox");
    expect(outbox.text).toContain("No mail server is configured");
    expect(outbox.text).toContain("not sent (no mail server)");
    // The outbox says what a message is, in words, and an invitation's subject names its vendor.
    expect(textAt(outbox.text, "article .muted")).toMatch(/^Vendor invitation to val@vectorly\.example · queued /);
    expect(textAt(outbox.text, "article h2")).toMatch(/^Due diligence questionnaire: .* \(Vectorly, due /);
    const link = /readonly value="http:\/\/localhost:\d+(\/v\/[\w-]+)"/.exec(outbox.text)![1]!;
    expect((await request(app).get(link)).headers.location).toBe("/portal");
  });

  it("revokes, extends and re-issues links; a revoked link opens nothing and says whom to contact", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer", { name: "Bea Buyer" });
    const id = makeEvaluation(db, buyer.id);
    const vid = makeVendor(db, id);
    const agent = await signIn(app, buyer.email);
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors/${vid}/invite`, {});
    const first = /readonly value="http:\/\/localhost:\d+(\/v\/[\w-]+)"/.exec((await agent.get("/outbox")).text)![1]!;
    const linkId = db.prepare("SELECT id FROM vendor_links").pluck().get() as number;
    await postForm(agent, `/evaluations/${id}/vendors/${vid}`, `/evaluations/${id}/links/${linkId}/extend`, {
      days: "10",
    });
    const extended = db.prepare("SELECT expires_at FROM vendor_links WHERE id = ?").pluck().get(linkId) as string;
    expect(extended > "2099-07-14").toBe(true);
    await postForm(agent, `/evaluations/${id}/vendors/${vid}`, `/evaluations/${id}/links/${linkId}/revoke`, {});
    const revoked = await request(app).get(first);
    expect(revoked.status).toBe(410);
    expect(revoked.text).toContain("This link no longer opens a questionnaire");
    const unknown = await request(app).get("/v/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    expect(unknown.status).toBe(410);
    expect(unknown.text.replace(/<[^>]+>/g, "")).toBe(revoked.text.replace(/<[^>]+>/g, ""));
    await postForm(agent, `/evaluations/${id}/vendors/${vid}`, `/evaluations/${id}/links/${linkId}/reissue`, {});
    const links = /readonly value="http:\/\/localhost:\d+(\/v\/[\w-]+)"/g;
    const all = [...(await agent.get("/outbox")).text.matchAll(links)].map((m) => m[1]);
    expect(all).toHaveLength(1); // the revoked message's link is no longer shown
    expect((await request(app).get(all[0]!)).headers.location).toBe("/portal");
  });

  it("sends automatic reminders 7 and 1 days before and on the due date, once per step", async () => {
    const { app, db, config } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const id = makeEvaluation(db, buyer.id, { dueDate: "2099-06-30" });
    const vid = makeVendor(db, id);
    const agent = await signIn(app, buyer.email);
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors/${vid}/invite`, {});
    const at = (d: string) => new Date(`${d}T08:00:00Z`);
    const reminders = () =>
      db.prepare("SELECT dedupe_key FROM email_outbox WHERE kind = 'reminder' ORDER BY id").pluck().all();
    expect(runReminders(db, config, at("2099-06-20"))).toBe(0);
    expect(runReminders(db, config, at("2099-06-23"))).toBe(1);
    expect(runReminders(db, config, at("2099-06-23"))).toBe(0);
    expect(runReminders(db, config, at("2099-06-25"))).toBe(0);
    expect(runReminders(db, config, at("2099-06-29"))).toBe(1);
    expect(runReminders(db, config, at("2099-06-30"))).toBe(1);
    expect(runReminders(db, config, at("2099-06-30"))).toBe(0);
    expect(runReminders(db, config, at("2099-07-01"))).toBe(0);
    expect(reminders()).toEqual([`reminder:${vid}:before-7`, `reminder:${vid}:before-1`, `reminder:${vid}:due`]);
    const log = await agent.get(`/evaluations/${id}/audit?action=vendor.reminded`);
    expect(textsAt(log.text, "code").filter((c) => c === "vendor.reminded")).toHaveLength(3);
    expect(reminderStep("2099-06-30", [7, 1], at("2099-06-29"))).toBe("before-1");
  });

  it("sends a reminder by hand, and refuses one for a vendor that submitted", async () => {
    const { app, db } = buildTestApp();
    const buyer = await makeUser(db, "buyer");
    const id = makeEvaluation(db, buyer.id);
    const vid = makeVendor(db, id);
    const agent = await signIn(app, buyer.email);
    await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors/${vid}/invite`, {});
    expect((await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors/${vid}/remind`, {})).status).toBe(
      303,
    );
    expect(db.prepare("SELECT count(*) FROM email_outbox WHERE kind = 'reminder'").pluck().get()).toBe(1);
    db.prepare("UPDATE vendors SET status = 'submitted'").run();
    const refused = await postForm(agent, `/evaluations/${id}`, `/evaluations/${id}/vendors/${vid}/remind`, {});
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("Acme AI has submitted");
  });
});
