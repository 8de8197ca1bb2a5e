import { describe, expect, it } from "vitest";
import { createMailer, enqueue, OutboxSender, processOutbox } from "../../src/mail/outbox.js";
import { makeDb } from "../helpers.js";
import { smtpForTest } from "../smtp.js";

function queue(
  db: ReturnType<typeof makeDb>["db"],
  config: ReturnType<typeof makeDb>["config"],
  n: number,
  to = (i: number) => `r${i}@example.com`,
) {
  for (let i = 0; i < n; i++)
    enqueue(db, config, { to: to(i), subject: `Message ${i}`, body: `Body ${i}`, kind: "test" });
}

describe("the outbox against a slow SMTP server", () => {
  it("delivers each message once, though passes start every 50 ms while the server takes 300 ms a message", async () => {
    const smtp = await smtpForTest({ delayMs: () => 300 });
    const { db, config } = makeDb({ SMTP_URL: smtp.url });
    queue(db, config, 16);
    const sender = new OutboxSender(db, createMailer(config), config);
    // A second process's sender on the same database, ticking too.
    const other = new OutboxSender(db, createMailer(config), config);
    const passes: Promise<unknown>[] = [];
    const started = Date.now();
    while (
      Date.now() - started < 4000 &&
      (db.prepare("SELECT count(*) FROM email_outbox WHERE status = 'sent'").pluck().get() as number) < 16
    ) {
      passes.push(sender.tick(), other.tick());
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(passes);
    const subjects = smtp.messages.map((m) => /Subject: (.*)/.exec(m.raw)![1]).sort();
    expect(subjects).toHaveLength(16);
    expect(new Set(subjects).size).toBe(16);
    expect(
      db
        .prepare("SELECT count(*) FROM email_outbox WHERE status = 'sent' AND attempts = 1 AND claimed_until IS NULL")
        .pluck()
        .get(),
    ).toBe(16);
  }, 20_000);

  it("does not let one slow delivery hold up the other mail", async () => {
    const smtp = await smtpForTest({ delayMs: (to) => (to.includes("slow@example.com") ? 3000 : 20) });
    const { db, config } = makeDb({ SMTP_URL: smtp.url });
    queue(db, config, 9, (i) => (i === 0 ? "slow@example.com" : `r${i}@example.com`));
    const sender = new OutboxSender(db, createMailer(config), config, undefined, 4, true);
    const started = Date.now();
    void sender.tick();
    while (
      (db.prepare("SELECT count(*) FROM email_outbox WHERE status = 'sent'").pluck().get() as number) < 8 &&
      Date.now() - started < 2500
    )
      await new Promise((r) => setTimeout(r, 20));
    const othersDone = Date.now() - started;
    expect(db.prepare("SELECT to_addr FROM email_outbox WHERE status <> 'sent'").pluck().all()).toEqual([
      "slow@example.com",
    ]);
    expect(othersDone).toBeLessThan(2000);
    while ((db.prepare("SELECT count(*) FROM email_outbox WHERE status = 'sent'").pluck().get() as number) < 9)
      await new Promise((r) => setTimeout(r, 50));
    sender.stop();
    expect(smtp.messages).toHaveLength(9);
  }, 20_000);

  it("never hands a claimed message to a second pass", async () => {
    const smtp = await smtpForTest({ delayMs: () => 200 });
    const { db, config } = makeDb({ SMTP_URL: smtp.url });
    queue(db, config, 3);
    const results = await Promise.all([
      processOutbox(db, createMailer(config), config),
      processOutbox(db, createMailer(config), config),
      processOutbox(db, createMailer(config), config),
    ]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(3);
    expect(smtp.messages).toHaveLength(3);
  });
});
