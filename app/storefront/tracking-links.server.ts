// Signed, expiring links to an order's tracking page on the store's own domain (the app proxy).
// Token: "<payload>.<mac>", payload = base64url(JSON {s: shop domain, o: Order.id, exp: unix seconds}),
// mac = base64url(first 16 bytes of HMAC-SHA256(TRACKING_LINK_SECRET, payload)). A 128-bit tag is the
// RFC 2104 minimum for SHA-256 truncation and keeps the link (and so the SMS) shorter.
import crypto from "node:crypto";
import { z } from "zod";
import { env } from "../env.server";
import { DAY_MS } from "../lib/time";

/** How long a link in a message keeps working. */
export const TRACKING_LINK_TTL_MS = 120 * DAY_MS;
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

const payloadSchema = z
  .object({ s: z.string().min(1).max(255), o: z.string().min(1).max(100), exp: z.number().int().positive() })
  .strict();

function secretOf(options: TrackingLinkOptions): string {
  const secret = options.secret ?? env().TRACKING_LINK_SECRET;
  if (!secret || secret.length < 16) throw new Error("TRACKING_LINK_SECRET must be at least 16 characters");
  return secret;
}

function mac(secret: string, payload: string): Buffer {
  return crypto.createHmac("sha256", secret).update(payload).digest().subarray(0, MAC_BYTES);
}

/** A token for one order of one shop, valid until now + ttl. */
export function signTrackingToken(
  shopDomain: string,
  orderId: string,
  now: Date,
  options: TrackingLinkOptions = {},
): string {
  const exp = Math.floor((now.getTime() + (options.ttlMs ?? TRACKING_LINK_TTL_MS)) / 1000);
  const payload = Buffer.from(JSON.stringify({ s: shopDomain, o: orderId, exp }), "utf8").toString("base64url");
  return `${payload}.${mac(secretOf(options), payload).toString("base64url")}`;
}

/** The shop's storefront host: its primary domain when known, else the myshopify domain. */
export function storefrontHost(shop: TrackingLinkShop): string {
  const raw = (shop.primaryDomain?.trim() || shop.domain).replace(/^https?:\/\//i, "");
  return raw.replace(/[/?#].*$/, "").toLowerCase();
}

/**
 * `https://<store host>`; WAYPOINT_STOREFRONT_ORIGIN instead when set (the demo's local storefront
 * serves plain http on its own port: links in its messages must open there).
 */
export function storefrontOrigin(shop: TrackingLinkShop): string {
  return env().WAYPOINT_STOREFRONT_ORIGIN?.replace(/\/+$/, "") ?? `https://${storefrontHost(shop)}`;
}

/** `https://<store domain>/apps/track?token=...`: the app proxy page on the store's own domain. */
export function trackingUrl(
  shop: TrackingLinkShop,
  orderId: string,
  now: Date,
  options: TrackingLinkOptions = {},
): string {
  const url = new URL(`${storefrontOrigin(shop)}/apps/track`);
  url.searchParams.set("token", signTrackingToken(shop.domain, orderId, now, options));
  return url.toString();
}

/**
 * The shop and order a token names, or null when it is malformed, forged or expired. The MAC is
 * compared in constant time before the payload is even parsed.
 */
export function verifyTrackingToken(
  token: string | null | undefined,
  now: Date,
  options: TrackingLinkOptions = {},
): TrackingTokenClaims | null {
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

// ---------------------------------------------------------------------------------------------------
// Short links for SMS. A signed token makes a link of ~150 characters, which alone costs a second
// SMS segment. SMS links carry instead a random 10-character code stored on the order (59 bits,
// unguessable under the storefront's rate limits), unique per shop, honoured for the same
// TRACKING_LINK_TTL_MS after the order was placed. Emails keep the signed token.
// ---------------------------------------------------------------------------------------------------
const CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const TRACKING_CODE_LENGTH = 10;

export function newTrackingCode(): string {
  const bytes = crypto.randomBytes(TRACKING_CODE_LENGTH * 2);
  let out = "";
  // Rejection sampling keeps every character equally likely (256 is not a multiple of 62).
  for (const b of bytes) {
    if (b < 248) out += CODE_ALPHABET[b % 62];
    if (out.length === TRACKING_CODE_LENGTH) return out;
  }
  return out + newTrackingCode().slice(out.length);
}

interface CodeDb {
  order: {
    findUnique(args: {
      where: { id: string };
      select: { trackingCode: true };
    }): Promise<{ trackingCode: string | null } | null>;
    updateMany(args: {
      where: { id: string; trackingCode: null };
      data: { trackingCode: string };
    }): Promise<{ count: number }>;
  };
}

/** The order's short code, created on first use (concurrent callers converge on one code). */
export async function ensureTrackingCode(db: CodeDb, orderId: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await db.order.findUnique({ where: { id: orderId }, select: { trackingCode: true } });
    if (!current) throw new Error(`No order ${orderId}`);
    if (current.trackingCode) return current.trackingCode;
    try {
      await db.order.updateMany({
        where: { id: orderId, trackingCode: null },
        data: { trackingCode: newTrackingCode() },
      });
    } catch (_collision) {
      // A code already used in this shop (vanishingly rare): draw again.
    }
  }
  throw new Error(`Could not assign a tracking code to order ${orderId}`);
}

/** `https://<store domain>/apps/track?c=<code>`: short enough to keep an SMS in one segment. */
export function shortTrackingUrl(shop: TrackingLinkShop, code: string): string {
  return `${storefrontOrigin(shop)}/apps/track?c=${code}`;
}

/**
 * A message's tracking link, opening the page in the message's language: the shopper's browser may
 * prefer another (a French shopper on an English phone read the French email, then an English page).
 * English is the page's default and adds nothing (an SMS keeps its one segment).
 */
export function withLocale(url: string, locale: string): string {
  if (locale === "en") return url;
  const u = new URL(url);
  u.searchParams.set("locale", locale);
  return u.toString();
}

export function isTrackingCode(value: string | null | undefined): value is string {
  return typeof value === "string" && value.length === TRACKING_CODE_LENGTH && /^[0-9A-Za-z]+$/.test(value);
}

/** Whether a code found on an order is still honoured at `now`. */
export function trackingCodeValid(orderPlacedAt: Date, now: Date, ttlMs = TRACKING_LINK_TTL_MS): boolean {
  return now.getTime() - orderPlacedAt.getTime() < ttlMs;
}
