// App proxy requests (https://{shop}/apps/track/... forwarded to /proxy/...): the signature check
// every proxy route runs before it reads anything, and the small response helpers they share.
//
// Shopify's algorithm (shopify.dev, "Authenticate app proxies"): take the query parameters except
// `signature`, decoded; join the values of a repeated key with "," (`a=1&a=2` is signed as `a=1,2`);
// build "key=value" strings, sort them, concatenate with no separator; HMAC-SHA256 with the app's
// secret, hex. We compare in constant time and refuse timestamps more than 90 s away from now.
//
// Why not `authenticate.public.appProxy`: in @shopify/shopify-app-remix 4.2.1 it reads the query
// with Object.fromEntries(searchParams), which keeps only the LAST value of a repeated key, so a
// genuine request such as `?extra=1&extra=2` fails with 400 (tests/storefront/app-proxy.test.ts
// proves it against the real library). It also sorts keys with localeCompare, where Shopify sorts
// the "key=value" strings bytewise. This module implements the documented algorithm instead; we need
// no Admin API session on the storefront, so nothing else of the library's context is lost.
import crypto from "node:crypto";
import { env } from "../env.server";

/** Shopify accepts (and the library allows) this much clock difference either way. */
export const MAX_SKEW_SECONDS = 90;

export type ProxyRejection = "missing" | "malformed" | "stale" | "bad_signature";

export interface ProxyContext {
  /** The shop that signed the request: the only shop this request may read. */
  shop: string;
  loggedInCustomerId: string | null;
  pathPrefix: string | null;
  timestamp: number;
}

export type ProxyVerdict = { ok: true; context: ProxyContext } | { ok: false; reason: ProxyRejection };

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,99}\.myshopify\.com$/;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** The string Shopify signs: sorted "key=value" pairs (repeated keys joined by ","), no separator. */
export function appProxyMessage(params: URLSearchParams): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "signature") continue;
    const list = values.get(key);
    if (list) list.push(value);
    else values.set(key, [value]);
  }
  const pairs = [...values].map(([key, list]) => `${key}=${list.join(",")}`);
  // Ruby's String#sort (Shopify's reference) compares bytes: compare UTF-8, not UTF-16 or locale.
  return pairs.map((p) => Buffer.from(p, "utf8")).sort(Buffer.compare).map((b) => b.toString("utf8")).join("");
}

export function appProxySignature(params: URLSearchParams, secret: string): string {
  return crypto.createHmac("sha256", secret).update(appProxyMessage(params)).digest("hex");
}

/**
 * Signs a query the way Shopify's proxy does (tests, the end-to-end harness, the demo): adds shop,
 * logged_in_customer_id, path_prefix and timestamp unless present, then signature.
 */
export function signAppProxyQuery(
  query: URLSearchParams | string,
  opts: { shop: string; secret: string; now?: Date; pathPrefix?: string; loggedInCustomerId?: string },
): URLSearchParams {
  const params = new URLSearchParams(query);
  params.delete("signature");
  if (!params.has("shop")) params.set("shop", opts.shop);
  if (!params.has("logged_in_customer_id")) params.set("logged_in_customer_id", opts.loggedInCustomerId ?? "");
  if (!params.has("path_prefix")) params.set("path_prefix", opts.pathPrefix ?? "/apps/track");
  if (!params.has("timestamp")) params.set("timestamp", String(Math.floor((opts.now ?? new Date()).getTime() / 1000)));
  params.set("signature", appProxySignature(params, opts.secret));
  return params;
}

/** The verdict on a proxied request's query. Pure apart from the HMAC; `now` is injectable. */
export function verifyAppProxyQuery(params: URLSearchParams, secret: string, now: Date = new Date()): ProxyVerdict {
  const signatures = params.getAll("signature");
  const timestamps = params.getAll("timestamp");
  const shops = params.getAll("shop");
  if (signatures.length === 0 || timestamps.length === 0 || shops.length === 0) return { ok: false, reason: "missing" };
  if (signatures.length > 1 || timestamps.length > 1 || shops.length > 1) return { ok: false, reason: "malformed" };
  const [signature, timestamp, shop] = [signatures[0]!, timestamps[0]!, shops[0]!];
  if (!HEX_SHA256.test(signature) || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed" };

  // The HMAC is computed and compared before anything else is judged, so every well-formed request
  // costs the same whatever is wrong with it.
  const expected = Buffer.from(appProxySignature(params, secret), "hex");
  const given = Buffer.from(signature, "hex");
  const valid = given.length === expected.length && crypto.timingSafeEqual(given, expected);
  if (!valid) return { ok: false, reason: "bad_signature" };
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > MAX_SKEW_SECONDS) return { ok: false, reason: "stale" };
  if (!SHOP_DOMAIN.test(shop)) return { ok: false, reason: "malformed" };
  return {
    ok: true,
    context: {
      shop,
      loggedInCustomerId: params.get("logged_in_customer_id") || null,
      pathPrefix: params.get("path_prefix") || null,
      timestamp: Number(timestamp),
    },
  };
}

export interface ProxyAuthOptions {
  secret?: string;
  now?: () => Date;
}

/**
 * The signed context of a proxied request, or a thrown 400 with an empty body (what the library
 * answers too): a missing, stale or bad signature learns nothing else.
 */
export function requireAppProxy(request: Request, options: ProxyAuthOptions = {}): ProxyContext {
  const url = new URL(request.url);
  const verdict = verifyAppProxyQuery(url.searchParams, options.secret ?? env().SHOPIFY_API_SECRET, options.now?.() ?? new Date());
  if (!verdict.ok) {
    throw new Response(null, { status: 400, statusText: "Bad Request", headers: { "Cache-Control": "no-store" } });
  }
  return verdict.context;
}

/** The shopper's IP: Shopify's proxy sends it in X-Forwarded-For (see clientIp for the hop rule). */
export function clientIp(request: Request, trustedHops = Number(process.env.PROXY_TRUSTED_HOPS ?? 0)): string {
  // Each proxy appends the address it saw, so only entries added by proxies we trust are reliable:
  // counting from the right skips our own `trustedHops` proxies (a load balancer in front of the app)
  // and never reads the left, client-supplied part of the header.
  const chain = (request.headers.get("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const hops = Number.isInteger(trustedHops) && trustedHops > 0 ? trustedHops : 0;
  return chain[Math.max(0, chain.length - 1 - hops)] ?? "unknown";
}

/** A Liquid response Shopify renders inside the shop's theme (layout and all). */
export function liquidResponse(body: string, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/liquid; charset=utf-8");
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  return new Response(body, { ...init, headers });
}

/** JSON for the block's script; never cached (answers depend on who asks). */
export function proxyJson(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(JSON.stringify(data), { ...init, headers });
}
