// Signing exactly as Shopify signs: webhooks (base64 HMAC-SHA256 of the raw body with the app
// secret, and the X-Shopify-* headers), app proxy requests (hex HMAC-SHA256 of the sorted query
// without separators, the `signature` parameter) and admin session tokens (HS256 JWTs that App
// Bridge hands the embedded app). Verified against @shopify/shopify-api in tests/scripts/simulator.test.ts.
import { createHmac, randomUUID } from "node:crypto";
import { API_VERSION, triggeredAt, type SimWebhook } from "./generator";

/** Base64 HMAC-SHA256 of the raw body with the app secret (X-Shopify-Hmac-Sha256). */
export function webhookHmac(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** The route a topic is delivered to (shopify.app.toml). */
export function webhookPath(topic: string): string {
  if (topic.startsWith("app/")) return "/webhooks/app";
  if (topic.startsWith("customers/") || topic === "shop/redact") return "/webhooks/compliance";
  return "/webhooks/tracking";
}

/** The headers of one delivery of a webhook. */
export function webhookHeaders(w: SimWebhook, secret: string): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "User-Agent": "Shopify-Captain-Hook",
    "X-Shopify-Topic": w.topic,
    "X-Shopify-Hmac-Sha256": webhookHmac(w.body, secret),
    "X-Shopify-Shop-Domain": w.shop,
    "X-Shopify-API-Version": API_VERSION,
    "X-Shopify-Webhook-Id": w.webhookId,
    "X-Shopify-Triggered-At": triggeredAt(w),
    "X-Shopify-Event-Id": w.eventId,
  };
}

/** A ready-to-send Request for one delivery. */
export function webhookRequest(w: SimWebhook, baseUrl: string, secret: string): Request {
  return new Request(new URL(webhookPath(w.topic), baseUrl), { method: "POST", headers: webhookHeaders(w, secret), body: w.body });
}

/**
 * Signs an app proxy request the way Shopify's proxy does: adds shop, logged_in_customer_id,
 * path_prefix and timestamp, then `signature` = hex HMAC-SHA256 over the parameters sorted by name,
 * each as `name=value` (several values of one name joined with ","), concatenated without separators.
 */
export function signAppProxyQuery(
  query: URLSearchParams,
  opts: { shop: string; secret: string; pathPrefix?: string; customerId?: string; timestamp?: number },
): URLSearchParams {
  const params = new URLSearchParams(query);
  params.delete("signature");
  params.set("shop", opts.shop);
  params.set("logged_in_customer_id", opts.customerId ?? "");
  params.set("path_prefix", opts.pathPrefix ?? "/apps/track");
  params.set("timestamp", String(opts.timestamp ?? Math.floor(Date.now() / 1000)));
  const grouped = new Map<string, string[]>();
  for (const [k, v] of params) grouped.set(k, [...(grouped.get(k) ?? []), v]);
  const message = [...grouped.entries()]
    .map(([k, vs]) => `${k}=${vs.join(",")}`)
    .sort()
    .join("");
  params.set("signature", createHmac("sha256", opts.secret).update(message).digest("hex"));
  return params;
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

/** An admin session token (what App Bridge's idToken() returns), valid for `ttlSeconds`. */
export function sessionToken(opts: { shop: string; apiKey: string; secret: string; userId?: string; ttlSeconds?: number; now?: number }): string {
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  const header = b64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = b64url(
    JSON.stringify({
      iss: `https://${opts.shop}/admin`,
      dest: `https://${opts.shop}`,
      aud: opts.apiKey,
      sub: opts.userId ?? "1",
      exp: now + (opts.ttlSeconds ?? 60),
      nbf: now - 5,
      iat: now - 5,
      jti: randomUUID(),
      sid: randomUUID(),
    }),
  );
  const signature = createHmac("sha256", opts.secret).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}
