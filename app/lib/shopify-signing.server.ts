// Shopify's signatures, one copy for the app, the tests, the simulator, the demo and the bench:
// webhooks (sign + verify), app proxy queries (sign + verify) and the HMAC they share. Whoever signs
// here signs exactly what the app verifies, so a simulator can never drift from the app again.
//
// Webhooks on the ingest hot path: the same verdicts as @shopify/shopify-api's `webhooks.validate`
// (same header names, same order of checks, same result shape), computed with node:crypto. The
// library's validator goes through WebCrypto (a key import per call), its request abstraction and its
// logger: about 0.23 ms per webhook on this machine, more than a bare server spends on the whole
// request, so it alone would cap ingest below half the bare-HMAC ceiling.
// tests/lib/shopify-signing.test.ts holds this module to the library's verdicts case by case.
//
// App proxy (shopify.dev, "Authenticate app proxies"): take the query parameters except `signature`,
// decoded; join the values of a repeated key with "," (`a=1&a=2` is signed as `a=1,2`); build
// "key=value" strings, sort them, concatenate with no separator; HMAC-SHA256 with the app's secret,
// hex. We compare in constant time and refuse timestamps more than 90 s away from now. Why the app
// does not use the library's `authenticate.public.appProxy`: docs/decisions/007-app-proxy-signature.md.
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  WEBHOOK_HEADER_NAMES,
  WebhookType,
  WebhookValidationErrorReason,
  type WebhookValidation,
} from "@shopify/shopify-api";
import { isShopDomain } from "./shop-domain";

/** HMAC-SHA256 of `message` with `secret`: the one primitive behind every Shopify signature. */
export function hmacSha256(secret: string, message: Buffer | string, encoding: "base64" | "base64url" | "hex"): string {
  return createHmac("sha256", secret).update(message).digest(encoding);
}

// ───────────────────────────────────────────── webhooks ─────────────────────────────────────────────

/** X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body bytes (a string is signed as UTF-8). */
export function webhookHmac(rawBody: Buffer | string, secret: string): string {
  return hmacSha256(secret, rawBody, "base64");
}

/** What a webhook delivery says about itself, besides its body. */
export interface WebhookDelivery {
  topic: string;
  shop: string;
  apiVersion: string;
  webhookId: string;
  triggeredAt?: string;
  eventId?: string;
}

/** The headers Shopify sends with a webhook (classic X-Shopify-* names), signed over `rawBody`. */
export function webhookHeaders(
  delivery: WebhookDelivery,
  rawBody: Buffer | string,
  secret: string,
): Record<string, string> {
  const names = WEBHOOK_HEADER_NAMES[WebhookType.Webhooks];
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    [names.topic]: delivery.topic,
    [names.hmac]: webhookHmac(rawBody, secret),
    [names.domain]: delivery.shop,
    [names.apiVersion]: delivery.apiVersion,
    [names.webhookId]: delivery.webhookId,
  };
  if (delivery.triggeredAt) headers[names.triggeredAt] = delivery.triggeredAt;
  if (delivery.eventId) headers[names.eventId] = delivery.eventId;
  return headers;
}

/** Reads one request header by its (case-insensitive) name. */
export type HeaderReader = (name: string) => string | null | undefined;

type Fields = Record<string, string>;

export function verifyWebhook(secret: string, rawBody: Buffer | string, header: HeaderReader): WebhookValidation {
  const webhookType = header(WEBHOOK_HEADER_NAMES[WebhookType.Events].hmac) ? WebhookType.Events : WebhookType.Webhooks;
  const names = WEBHOOK_HEADER_NAMES[webhookType];

  if (rawBody.length === 0) return { valid: false, reason: WebhookValidationErrorReason.MissingBody };
  const given = header(names.hmac);
  if (!given) return { valid: false, reason: WebhookValidationErrorReason.MissingHmac };
  if (!signatureMatches(secret, rawBody, given))
    return { valid: false, reason: WebhookValidationErrorReason.InvalidHmac };

  const required = [
    "hmac",
    "topic",
    "domain",
    "apiVersion",
    "webhookId",
    ...(webhookType === WebhookType.Events ? ["eventId"] : []),
  ] as const;
  const optional =
    webhookType === WebhookType.Events
      ? (["handle", "action", "resourceId", "triggeredAt"] as const)
      : (["subTopic", "name", "triggeredAt", "eventId"] as const);
  const fields: Fields = {};
  const missingHeaders: string[] = [];
  for (const key of required) {
    const headerName = (names as Record<string, string>)[key] as string;
    const value = header(headerName);
    if (value) fields[key] = value;
    else missingHeaders.push(headerName);
  }
  if (missingHeaders.length > 0)
    return { valid: false, reason: WebhookValidationErrorReason.MissingHeaders, missingHeaders };
  for (const key of optional) {
    const value = header((names as Record<string, string>)[key] as string);
    if (value) fields[key] = value;
  }
  // The library stores topics in its registry's form (orders/create → ORDERS_CREATE).
  fields.topic = (fields.topic as string).toUpperCase().replace(/\/|\./g, "_");
  return { valid: true, webhookType, ...fields } as unknown as WebhookValidation;
}

/** Base64 HMAC-SHA256 of the raw bytes with the app secret, compared as strings in constant time (as the library does). */
function signatureMatches(secret: string, rawBody: Buffer | string, given: string): boolean {
  const expected = Buffer.from(webhookHmac(rawBody, secret));
  const received = Buffer.from(given);
  return received.length === expected.length && timingSafeEqual(received, expected);
}

// ───────────────────────────────────────────── app proxy ─────────────────────────────────────────────

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
  // Ruby's String#sort (Shopify's reference) compares bytes: compare UTF-8, not UTF-16 (a plain
  // .sort() puts U+1F600 before U+FF21, bytes put it after) and not locale.
  return pairs
    .map((p) => Buffer.from(p, "utf8"))
    .sort(Buffer.compare)
    .map((b) => b.toString("utf8"))
    .join("");
}

export function appProxySignature(params: URLSearchParams, secret: string): string {
  return hmacSha256(secret, appProxyMessage(params), "hex");
}

export interface AppProxySignOptions {
  shop: string;
  secret: string;
  /** The signing time (timestamp); default the real clock. */
  now?: Date;
  pathPrefix?: string;
  loggedInCustomerId?: string;
}

/**
 * Signs a query the way Shopify's proxy does (tests, the simulator, the demo, the bench): sets shop,
 * logged_in_customer_id, path_prefix and timestamp (Shopify's own values replace any the shopper
 * sent), then signature.
 */
export function signAppProxyQuery(query: URLSearchParams | string, opts: AppProxySignOptions): URLSearchParams {
  const params = new URLSearchParams(query);
  params.delete("signature");
  params.set("shop", opts.shop);
  params.set("logged_in_customer_id", opts.loggedInCustomerId ?? "");
  params.set("path_prefix", opts.pathPrefix ?? "/apps/track");
  params.set("timestamp", String(Math.floor((opts.now ?? new Date()).getTime() / 1000)));
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
  const valid = given.length === expected.length && timingSafeEqual(given, expected);
  if (!valid) return { ok: false, reason: "bad_signature" };
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > MAX_SKEW_SECONDS)
    return { ok: false, reason: "stale" };
  if (!isShopDomain(shop)) return { ok: false, reason: "malformed" };
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
