// Signed, expiring links to an order's tracking page on the store's own domain (the app proxy).
// Token: "<payload>.<mac>", payload = base64url(JSON {s: shop domain, o: Order.id, exp: unix seconds}),
// mac = base64url(first 16 bytes of HMAC-SHA256(TRACKING_LINK_SECRET, payload)). A 128-bit tag is the
// RFC 2104 minimum for SHA-256 truncation and keeps the link (and so the SMS) shorter.
import crypto from "node:crypto";
import { z } from "zod";
import { env } from "../env.server";

/** How long a link in a message keeps working. */
export const TRACKING_LINK_TTL_MS = 120 * 86_400_000;
const MAC_BYTES = 16;
const MAX_TOKEN_LENGTH = 1024;

export interface TrackingLinkShop {
  domain: string;
  primaryDomain?: string | null;
}

export interface TrackingTokenClaims {
  shopDomain: string;
  orderId: string;
}

export interface TrackingLinkOptions {
  /** Defaults to TRACKING_LINK_SECRET. */
  secret?: string;
  ttlMs?: number;
}

const payloadSchema = z.object({ s: z.string().min(1).max(255), o: z.string().min(1).max(100), exp: z.number().int().positive() }).strict();

function secretOf(options: TrackingLinkOptions): string {
  const secret = options.secret ?? env().TRACKING_LINK_SECRET;
  if (!secret || secret.length < 16) throw new Error("TRACKING_LINK_SECRET must be at least 16 characters");
  return secret;
}

function mac(secret: string, payload: string): Buffer {
  return crypto.createHmac("sha256", secret).update(payload).digest().subarray(0, MAC_BYTES);
}

/** A token for one order of one shop, valid until now + ttl. */
export function signTrackingToken(shopDomain: string, orderId: string, now: Date, options: TrackingLinkOptions = {}): string {
  const exp = Math.floor((now.getTime() + (options.ttlMs ?? TRACKING_LINK_TTL_MS)) / 1000);
  const payload = Buffer.from(JSON.stringify({ s: shopDomain, o: orderId, exp }), "utf8").toString("base64url");
  return `${payload}.${mac(secretOf(options), payload).toString("base64url")}`;
}

/** The shop's storefront host: its primary domain when known, else the myshopify domain. */
export function storefrontHost(shop: TrackingLinkShop): string {
  const raw = (shop.primaryDomain?.trim() || shop.domain).replace(/^https?:\/\//i, "");
  return raw.replace(/[/?#].*$/, "").toLowerCase();
}

/** `https://<store domain>/apps/track?token=...`: the app proxy page on the store's own domain. */
export function trackingUrl(shop: TrackingLinkShop, orderId: string, now: Date, options: TrackingLinkOptions = {}): string {
  const url = new URL(`https://${storefrontHost(shop)}/apps/track`);
  url.searchParams.set("token", signTrackingToken(shop.domain, orderId, now, options));
  return url.toString();
}

/**
 * The shop and order a token names, or null when it is malformed, forged or expired. The MAC is
 * compared in constant time before the payload is even parsed.
 */
export function verifyTrackingToken(token: string | null | undefined, now: Date, options: TrackingLinkOptions = {}): TrackingTokenClaims | null {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split(".");
  if (parts.length !== 2) return null;
  const [payload, tag] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(payload) || !/^[A-Za-z0-9_-]+$/.test(tag)) return null;
  const expected = mac(secretOf(options), payload);
  const given = Buffer.from(tag, "base64url");
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch (_e) {
    return null;
  }
  const claims = payloadSchema.safeParse(parsed);
  if (!claims.success) return null;
  if (claims.data.exp * 1000 <= now.getTime()) return null;
  return { shopDomain: claims.data.s, orderId: claims.data.o };
}
