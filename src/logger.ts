import { pino, type Logger } from "pino";

export type { Logger };

/** The app's structured logger; tests pass level "silent". */
export function createLogger(level: string): Logger {
  return pino({ level, redact: ["req.headers.cookie", "req.headers.authorization", "res.headers['set-cookie']"] });
}
