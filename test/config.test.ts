import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { tempDir } from "./helpers.js";

describe("configuration", () => {
  it("serves a single machine by default", () => {
    const dir = tempDir();
    const c = loadConfig({ DATA_DIR: dir });
    expect(c.PORT).toBe(3000);
    expect(c.baseUrl).toBe("http://localhost:3000");
    expect(c.SMTP_URL).toBeUndefined();
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["BASE_URL", "not a url"],
    ["SMTP_URL", "http://mail.example"],
    ["LOG_LEVEL", "loud"],
    ["SESSION_SECRET", "short"],
    ["REMINDER_DAYS", "seven"],
  ])("refuses %s=%s with a message naming the key", (key, value) => {
    expect(() => loadConfig({ DATA_DIR: tempDir(), [key]: value })).toThrow(ConfigError);
    try {
      loadConfig({ DATA_DIR: tempDir(), [key]: value });
    } catch (err) {
      expect((err as Error).message).toContain(`${key}=`);
    }
  });

  it("generates the session secret once, keeps it private and reuses it", () => {
    const dir = tempDir();
    const first = loadConfig({ DATA_DIR: dir }).sessionSecret;
    const file = join(dir, "session-secret");
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dir }).sessionSecret).toBe(first);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
  });

  it("stops the CLI with the key in the message and no stack trace", () => {
    const { BASE_URL: _setByVitest, ...env } = process.env;
    const res = spawnSync(process.execPath, ["--import", "tsx", "src/cli/index.ts", "migrate"], {
      env: { ...env, PORT: "not-a-port", DATA_DIR: tempDir() },
      encoding: "utf8",
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('PORT="not-a-port"');
    expect(res.stderr).not.toContain("BASE_URL");
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  describe("single sign-on keys", () => {
    const sso = {
      OIDC_ISSUER: "https://login.acme.example/tenant/v2.0",
      OIDC_CLIENT_ID: "truecost",
      OIDC_ROLE_MAP: "tc-admins=admin, tc buyers=buyer; tc-cfo=committee:cfo",
    };
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig({ DATA_DIR: tempDir(), ...env });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error("accepted");
    };

    it("reads a complete set, with the role map in the order written", () => {
      const c = loadConfig({ DATA_DIR: tempDir(), ...sso, SSO_ONLY: "yes" });
      expect(c.OIDC_ROLE_MAP).toEqual([
        { group: "tc-admins", grant: { role: "admin", committeeRole: null } },
        { group: "tc buyers", grant: { role: "buyer", committeeRole: null } },
        { group: "tc-cfo", grant: { role: "committee", committeeRole: "cfo" } },
      ]);
      expect(c.SSO_ONLY).toBe(true);
      expect(c.OIDC_SCOPES).toBe("openid email profile");
      expect(c.OIDC_GROUPS_CLAIM).toBe("groups");
    });

    it.each([
      [{ OIDC_ISSUER: "http://login.acme.example" }, "OIDC_ISSUER=", "must use https"],
      [
        { OIDC_ROLE_MAP: "tc-admins=owner" },
        "OIDC_ROLE_MAP=",
        "the role must be admin, buyer or committee:cto|cfo|product|procurement",
      ],
      [{ OIDC_ROLE_MAP: "tc-cfo=committee:ceo" }, "OIDC_ROLE_MAP=", "the role must be"],
      [{ OIDC_ROLE_MAP: "a=admin,a=buyer" }, "OIDC_ROLE_MAP=", 'the group "a" is mapped twice'],
      [{ OIDC_ROLE_MAP: "admin" }, "OIDC_ROLE_MAP=", "is not group=role"],
      [{ OIDC_SCOPES: "email profile" }, "OIDC_SCOPES=", "must include openid"],
      [{ SSO_ONLY: "maybe" }, "SSO_ONLY=", ""],
    ])("refuses %o with the key named", (bad, key, reason) => {
      const message = refusal({ ...sso, ...bad });
      expect(message).toContain(key);
      expect(message).toContain(reason);
    });

    it("refuses a partial set, naming what is missing", () => {
      expect(refusal({ OIDC_ISSUER: sso.OIDC_ISSUER })).toContain(
        "OIDC_ISSUER is set but OIDC_CLIENT_ID and OIDC_ROLE_MAP are not",
      );
      expect(refusal({ OIDC_CLIENT_ID: "truecost", SSO_ONLY: "true" })).toContain(
        "OIDC_CLIENT_ID, SSO_ONLY are set but OIDC_ISSUER is not",
      );
    });

    it("accepts plain http for a provider on this machine only", () => {
      expect(loadConfig({ DATA_DIR: tempDir(), ...sso, OIDC_ISSUER: "http://127.0.0.1:9000" }).OIDC_ISSUER).toBe(
        "http://127.0.0.1:9000",
      );
      expect(refusal({ ...sso, OIDC_ISSUER: "http://10.0.0.5:9000" })).toContain("must use https");
    });
  });
});
