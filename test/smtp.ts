import { SMTPServer } from "smtp-server";
import { afterEach } from "vitest";

const running: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (running.length) await running.pop()!();
});

/** A real SMTP server for one test, stopped after it. */
export async function smtpForTest(opts: Parameters<typeof startSmtp>[0] = {}) {
  const smtp = await startSmtp(opts);
  running.push(smtp.close);
  return smtp;
}

export interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 with a random port, collecting what it receives; `failNext` makes it refuse messages. */
export async function startSmtp(
  opts: { delayMs?: (to: string[]) => number } = {},
): Promise<{ url: string; messages: Received[]; failNext: (n: number) => void; close: () => Promise<void> }> {
  const messages: Received[] = [];
  let failures = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, done) {
      let raw = "";
      stream.on("data", (c: Buffer) => (raw += c.toString("utf8")));
      stream.on(
        "end",
        () =>
          void (async () => {
            const delay = opts.delayMs?.(session.envelope.rcptTo.map((r) => r.address)) ?? 0;
            if (delay) await new Promise((r) => setTimeout(r, delay));
            if (failures > 0) {
              failures--;
              return done(Object.assign(new Error("451 try again later"), { responseCode: 451 }));
            }
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
            });
            done();
          })(),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext: (n) => (failures = n),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** The decoded text body of a raw message (quoted-printable soft breaks undone). */
export function bodyOf(raw: string): string {
  const body = raw
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join("\n\n");
  return body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}
