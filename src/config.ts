import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { resolveFromCwd } from "./paths.js";
import { setCustomFont, validateFont } from "./report/fonts.js";
import { issuerSchema, roleMapSchema, scopesSchema } from "./auth/sso-config.js";

const boolish = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

/** Every setting Truecost reads from the environment, with its default and one line of help. */
const CONFIG_KEYS = {
  PORT: {
    schema: z.coerce.number().int().min(1).max(65535).default(3000),
    help: "TCP port the web server listens on.",
  },
  HOST: {
    schema: z.string().min(1).default("127.0.0.1"),
    help: "Address the web server binds to (0.0.0.0 to accept remote connections).",
  },
  DATA_DIR: {
    schema: z.string().min(1).default("./data"),
    help: "Folder for the SQLite database, uploaded evidence, reports and the generated session secret.",
  },
  BASE_URL: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    help: "Public address of the app, used in emailed links; defaults to http://localhost:PORT.",
  },
  SMTP_URL: {
    schema: z.url({ protocol: /^smtps?$/ }).optional(),
    help: "SMTP server for outgoing mail (smtp://user:pass@host:587); unset keeps messages in the in-app outbox.",
  },
  MAIL_FROM: {
    schema: z.string().min(3).default("Truecost <truecost@localhost>"),
    help: "Sender address of outgoing mail.",
  },
  LOG_LEVEL: {
    schema: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    help: "pino log level.",
  },
  TRUST_PROXY: {
    schema: z.union([boolish, z.coerce.number().int().min(0)]).default(false),
    help: "Express 'trust proxy': true, false or the number of proxies in front of the app.",
  },
  SESSION_SECRET: {
    schema: z.string().min(32, "must be at least 32 characters").optional(),
    help: "Secret for signing cookies and CSRF tokens; generated once under DATA_DIR when unset.",
  },
  SESSION_IDLE_MINUTES: {
    schema: z.coerce.number().int().min(1).max(10080).default(120),
    help: "A signed-in session ends after this many minutes without a request.",
  },
  SESSION_MAX_HOURS: {
    schema: z.coerce.number().int().min(1).max(720).default(12),
    help: "A signed-in session ends this many hours after sign-in, whatever the activity.",
  },
  DB_SYNCHRONOUS: {
    schema: z.enum(["full", "normal"]).default("full"),
    help: "full: an acknowledged save survives a power loss (fsync at each commit); normal: it survives a crash of the process but not of the machine.",
  },
  UPLOAD_MAX_MB: {
    schema: z.coerce.number().min(0.1).max(100).default(10),
    help: "Largest evidence file a vendor may upload, in MiB.",
  },
  VENDOR_QUOTA_MB: {
    schema: z.coerce.number().min(1).max(2000).default(100),
    help: "Total evidence a vendor may upload for one evaluation, in MiB.",
  },
  LINK_FAILURES_PER_10_MIN: {
    schema: z.coerce.number().int().min(1).max(100000).default(20),
    help: "Unknown or dead vendor links one address may try in ten minutes before it is refused.",
  },
  REPORT_FONT: {
    schema: z.string().min(1).optional(),
    help: "A font file (TTF, OTF, WOFF or a .ttc collection) tried for characters DejaVu lacks, before the bundled fonts; checked at start-up.",
  },
  REPORT_FONT_FACE: {
    schema: z.string().min(1).optional(),
    help: "The face (PostScript name) to use when REPORT_FONT is a collection (.ttc).",
  },
  AUDIT_KEY: {
    schema: z.string().min(32, "must be at least 32 characters").optional(),
    help: "Key of the audit log's anchor (an HMAC of its newest entry). Keep it outside the database's folder and backups; unset reads AUDIT_KEY_FILE.",
  },
  AUDIT_KEY_FILE: {
    schema: z.string().min(1).optional(),
    help: "File holding the audit key when AUDIT_KEY is unset; created once (mode 600) when missing. Default DATA_DIR/audit-key; better on another volume.",
  },
  AUDIT_CHECKPOINT_MINUTES: {
    schema: z.coerce.number().int().min(1).max(10080).default(60),
    help: "Minutes between keyed checkpoints of the audit log's head (written only when the log moved).",
  },
  AUDIT_ANCHOR_EMAIL: {
    schema: z.email("must be an email address").optional(),
    help: "Address (an auditor's) to which each checkpoint's head line is mailed, kept where the database's users cannot change it.",
  },
  OIDC_ISSUER: {
    schema: issuerSchema.optional(),
    help: "Single sign-on: the OpenID Connect issuer URL of the identity provider (https); unset turns SSO off.",
  },
  OIDC_CLIENT_ID: {
    schema: z.string().min(1).max(500).optional(),
    help: "Single sign-on: the client id registered for Truecost at the provider.",
  },
  OIDC_CLIENT_SECRET: {
    schema: z.string().min(1).max(2000).optional(),
    help: "Single sign-on: the client secret (sent with HTTP Basic); unset makes Truecost a public client that relies on PKCE alone.",
  },
  OIDC_ROLE_MAP: {
    schema: roleMapSchema.optional(),
    help: "Single sign-on: groups to Truecost roles, e.g. tc-admins=admin,tc-buyers=buyer,tc-finance=committee:cfo; a user in no mapped group is refused.",
  },
  OIDC_GROUPS_CLAIM: {
    schema: z
      .string()
      .regex(/^[\w.:/-]{1,200}$/, "must be a claim name such as groups or roles")
      .default("groups"),
    help: "Single sign-on: the claim (ID token or userinfo) that lists the user's groups or app roles.",
  },
  OIDC_SCOPES: {
    schema: scopesSchema.default("openid email profile"),
    help: "Single sign-on: the scopes asked for; must include openid (add groups if the provider needs it).",
  },
  OIDC_BUTTON_LABEL: {
    schema: z.string().trim().min(1).max(80).default("Sign in with single sign-on"),
    help: "Single sign-on: the sign-in button's text, e.g. Sign in with Okta.",
  },
  OIDC_CLOCK_TOLERANCE_SECONDS: {
    schema: z.coerce.number().int().min(0).max(600).default(30),
    help: "Single sign-on: seconds of clock difference allowed when checking the ID token's times.",
  },
  SSO_ONLY: {
    schema: boolish.default(false),
    help: "Single sign-on only: password sign-in is refused for everyone but break-glass administrators (npx truecost admin break-glass).",
  },
  REMINDER_DAYS: {
    schema: z
      .string()
      .regex(/^\d+(,\d+)*$/, "must be a comma-separated list of whole days, e.g. 7,1")
      .default("7,1"),
    help: "Days before the due date on which automatic reminders go out (one also goes out on the due date).",
  },
} as const;

type Keys = typeof CONFIG_KEYS;
export type Config = { [K in keyof Keys]: z.output<Keys[K]["schema"]> } & {
  sessionSecret: string;
  auditKey: string;
  baseUrl: string;
  dataDir: string;
};

export class ConfigError extends Error {}

const envSchema = z.object(
  Object.fromEntries(Object.entries(CONFIG_KEYS).map(([k, v]) => [k, v.schema])) as {
    [K in keyof Keys]: Keys[K]["schema"];
  },
);

/** Parses the environment; a bad value throws a ConfigError naming the key and what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.keys(CONFIG_KEYS).map((k) => [k, env[k] === "" ? undefined : env[k]]));
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `  ${key}=${JSON.stringify(env[key] ?? "")}: ${i.message}`;
    });
    throw new ConfigError(
      `Invalid configuration:\n${lines.join("\n")}\nSee .env.example for every key and its meaning.`,
    );
  }
  const c = parsed.data;
  if (c.REPORT_FONT) {
    const problem = validateFont(resolveFromCwd(c.REPORT_FONT), c.REPORT_FONT_FACE);
    if (problem)
      throw new ConfigError(
        `Invalid configuration:\n  REPORT_FONT=${JSON.stringify(c.REPORT_FONT)}: ${problem}\nSee .env.example for every key and its meaning.`,
      );
  } else if (c.REPORT_FONT_FACE)
    throw new ConfigError(
      "Invalid configuration:\n  REPORT_FONT_FACE is set but REPORT_FONT is not: set both, or neither.",
    );
  const sso = ssoProblem(input);
  if (sso) throw new ConfigError(`Invalid configuration:\n  ${sso}\nSee .env.example and docs/sso.md.`);
  const dataDir = resolveFromCwd(c.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const baseUrl = (c.BASE_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, "");
  const sessionSecret = c.SESSION_SECRET ?? readOrCreateSecret(join(dataDir, "session-secret"));
  const auditKey =
    c.AUDIT_KEY ?? readOrCreateSecret(c.AUDIT_KEY_FILE ? resolveFromCwd(c.AUDIT_KEY_FILE) : join(dataDir, "audit-key"));
  return { ...c, dataDir, baseUrl, sessionSecret, auditKey } as Config;
}

/** Single sign-on needs its issuer, client id and role map together; its other keys mean nothing without them. */
function ssoProblem(input: Record<string, unknown>): string | undefined {
  const set = (k: string) => input[k] !== undefined;
  const required = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_ROLE_MAP"];
  if (set("OIDC_ISSUER")) {
    const missing = required.filter((k) => !set(k));
    return missing.length
      ? `OIDC_ISSUER is set but ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not: single sign-on needs all three.`
      : undefined;
  }
  const orphan = Object.keys(CONFIG_KEYS).filter((k) => (k.startsWith("OIDC_") || k === "SSO_ONLY") && set(k));
  return orphan.length
    ? `${orphan.join(", ")} ${orphan.length > 1 ? "are" : "is"} set but OIDC_ISSUER is not: set the issuer, or remove ${orphan.length > 1 ? "them" : "it"}.`
    : undefined;
}

/** Reads a generated secret, creating it once (mode 600); it is never printed. */
function readOrCreateSecret(file: string): string {
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length < 32)
      throw new ConfigError(
        `Invalid configuration:\n  ${file} holds fewer than 32 characters: restore the file, or remove it to have a new one made.`,
      );
    return secret;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(48).toString("base64url");
  try {
    writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    // Another process (the CLI beside the server) made it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readOrCreateSecret(file);
    throw err;
  }
  return secret;
}

/** Uses the operator's report font (already validated by loadConfig) in this process's PDFs. */
export function applyReportFont(config: Pick<Config, "REPORT_FONT" | "REPORT_FONT_FACE">): void {
  setCustomFont(
    config.REPORT_FONT ? { path: resolveFromCwd(config.REPORT_FONT), face: config.REPORT_FONT_FACE } : null,
  );
}
