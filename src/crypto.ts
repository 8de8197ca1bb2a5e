import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** A random URL-safe token of `bytes` bytes (default 24: 192 bits). */
export function newToken(bytes = 24): string {
  return randomBytes(bytes).toString("base64url");
}

/** The stored form of a token: its SHA-256, hex (one-shot: every request with a session hashes its cookie). */
export function hashToken(token: string): string {
  return hash("sha256", token, "hex");
}

const keys = new Map<string, Buffer>();
function key(secret: string, purpose: string): Buffer {
  const id = `${purpose}\0${secret}`;
  let k = keys.get(id);
  if (!k) keys.set(id, (k = Buffer.from(hkdfSync("sha256", secret, "truecost", purpose, 32))));
  return k;
}

/** Encrypts a short secret (a link) with AES-256-GCM under a key derived from the app secret. */
export function seal(plain: string, secret: string, purpose = "links"): string {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key(secret, purpose), iv);
  const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return [iv, c.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

/** Decrypts what seal() made; undefined when it cannot (another secret, or tampered). */
export function unseal(sealed: string, secret: string, purpose = "links"): string | undefined {
  try {
    const [iv, tag, body] = sealed.split(".").map((p) => Buffer.from(p, "base64url"));
    const d = createDecipheriv("aes-256-gcm", key(secret, purpose), iv!);
    d.setAuthTag(tag!);
    return Buffer.concat([d.update(body!), d.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keylen: 64, maxmem: 64 * 1024 * 1024 };

function scryptAsync(
  password: string,
  salt: Buffer,
  p: { N: number; r: number; p: number; keylen: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, p.keylen, { N: p.N, r: p.r, p: p.p, maxmem: SCRYPT.maxmem }, (err, dk) =>
      err ? reject(err) : resolve(dk),
    ),
  );
}

/** Hashes a password with scrypt (N=2^15, r=8, p=1): "scrypt$N$r$p$salt$hash". */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const dk = await scryptAsync(password, salt, SCRYPT);
  return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("base64url"), dk.toString("base64url")].join("$");
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, N, r, p, salt, hash] = stored.split("$");
  if (alg !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const dk = await scryptAsync(password, Buffer.from(salt, "base64url"), {
    N: Number(N),
    r: Number(r),
    p: Number(p),
    keylen: expected.length,
  });
  return timingSafeEqual(dk, expected);
}

/** A hash computed for unknown accounts, so a wrong email costs as long as a wrong password. */
export const DUMMY_PASSWORD_HASH = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$" + "A".repeat(86);
