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
    const res = spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", "migrate"], {
      env: { ...env, PORT: "not-a-port", DATA_DIR: tempDir() },
      encoding: "utf8",
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('PORT="not-a-port"');
    expect(res.stderr).not.toContain("BASE_URL");
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
