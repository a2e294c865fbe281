// Provider credentials at rest: AES-256-GCM with a random 96-bit IV per value and the key from
// ENCRYPTION_KEY. Stored as "v1:<iv>:<tag>:<ciphertext>" (base64url), so the scheme can evolve.
import crypto from "node:crypto";
import { env } from "../env.server";

function key(raw: string | undefined = env().ENCRYPTION_KEY): Buffer {
  const buf = Buffer.from(raw ?? "", "base64");
  if (buf.length !== 32) throw new Error("ENCRYPTION_KEY must be 32 random bytes, base64-encoded");
  return buf;
}

export function encryptSecret(plain: string, rawKey?: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key(rawKey), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(":");
}

export function decryptSecret(stored: string, rawKey?: string): string {
  const [version, iv, tag, data] = stored.split(":");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("Unrecognised encrypted value");
  const decipher = crypto.createDecipheriv("aes-256-gcm", key(rawKey), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

/** A value safe to show in a form: whether a secret is set, and its last 4 characters at most. */
export function maskSecret(stored: string | null | undefined, rawKey?: string): string | null {
  if (!stored) return null;
  try {
    const plain = decryptSecret(stored, rawKey);
    return plain.length > 8 ? `••••${plain.slice(-4)}` : "••••";
  } catch {
    return "•••• (unreadable: re-enter it)";
  }
}

/** Constant-time string comparison (lookups, tokens). */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb) && a.length === b.length;
}
