import { createHmac, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { newToken } from "../crypto.js";
import type { Db } from "../db/index.js";
import { findUserByEmail } from "./users.js";

/**
 * Device cookies (OWASP's answer to account lockout): a browser that signed in to an account
 * before carries a signed cookie naming that account, and its sign-ins are counted apart from
 * everyone else's. Failures from unknown devices can lock out unknown devices only, so someone
 * who knows an address cannot lock its owner out of the browser the owner uses; a device cookie
 * that keeps failing is locked out on its own.
 */

const MAX_ACCOUNTS = 5;
const MAX_AGE_DAYS = 180;

function deviceCookieName(secure: boolean): string {
  return secure ? "__Host-tc_device" : "tc_device";
}

function mac(secret: string, userId: number, nonce: string): string {
  return createHmac("sha256", secret).update(`truecost-device\n${userId}\n${nonce}`).digest("base64url").slice(0, 32);
}

interface Entry {
  userId: number;
  nonce: string;
  mac: string;
}

function entriesOf(cookie: unknown): Entry[] {
  if (typeof cookie !== "string" || cookie.length > 1000) return [];
  return cookie.split("~").flatMap((part) => {
    const m = /^(\d{1,12})\.([\w-]{16,64})\.([\w-]{32})$/.exec(part);
    return m ? [{ userId: Number(m[1]), nonce: m[2]!, mac: m[3]! }] : [];
  });
}

function valid(secret: string, e: Entry): boolean {
  const expected = Buffer.from(mac(secret, e.userId, e.nonce));
  const given = Buffer.from(e.mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** For a sign-in: the device cookie's id when it is valid for the account being signed in to. */
      trustedDevice?: string | null;
    }
  }
}

/** Reads the device cookie of a sign-in and tells whether it is one of the account's devices. */
export function recogniseDevice(db: Db, secret: string, secure: boolean) {
  const name = deviceCookieName(secure);
  return (req: Request, _res: Response, next: NextFunction) => {
    req.trustedDevice = null;
    const email = typeof req.body?.email === "string" ? req.body.email : "";
    const user = email ? findUserByEmail(db, email) : undefined;
    if (user) {
      const entry = entriesOf(req.cookies?.[name]).find((e) => e.userId === user.id && valid(secret, e));
      if (entry) req.trustedDevice = entry.nonce;
    }
    next();
  };
}

/** After a successful sign-in: the browser becomes one of the account's devices (kept with up to four others). */
export function rememberDevice(req: Request, res: Response, secret: string, secure: boolean, userId: number): void {
  const name = deviceCookieName(secure);
  const others = entriesOf(req.cookies?.[name])
    .filter((e) => e.userId !== userId && valid(secret, e))
    .slice(0, MAX_ACCOUNTS - 1);
  const nonce = req.trustedDevice ?? newToken(18);
  const value = [{ userId, nonce, mac: mac(secret, userId, nonce) }, ...others]
    .map((e) => `${e.userId}.${e.nonce}.${e.mac}`)
    .join("~");
  res.cookie(name, value, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: MAX_AGE_DAYS * 86_400_000 });
}
