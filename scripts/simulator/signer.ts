// Deliveries as Shopify makes them: webhook requests (X-Shopify-* headers, signed) and admin session
// tokens (HS256 JWTs that App Bridge hands the embedded app). Every signature comes from
// app/lib/shopify-signing.server.ts, the module the app verifies with (app proxy queries too: use its
// signAppProxyQuery), so the simulator cannot drift from the app. Verified against
// @shopify/shopify-api in tests/scripts/simulator.test.ts.
import { randomUUID } from "node:crypto";
import { hmacSha256, webhookHeaders as signedHeaders } from "../../app/lib/shopify-signing.server";
import { API_VERSION, triggeredAt, type SimWebhook } from "./generator";

/** The route a topic is delivered to (shopify.app.toml). */
export function webhookPath(topic: string): string {
  if (topic.startsWith("app/")) return "/webhooks/app";
  if (topic.startsWith("customers/") || topic === "shop/redact") return "/webhooks/compliance";
  return "/webhooks/tracking";
}

/** The headers of one delivery of a webhook. */
export function webhookHeaders(w: SimWebhook, secret: string): Record<string, string> {
  const delivery = {
    topic: w.topic,
    shop: w.shop,
    apiVersion: API_VERSION,
    webhookId: w.webhookId,
    triggeredAt: triggeredAt(w),
    eventId: w.eventId,
  };
  return { "User-Agent": "Shopify-Captain-Hook", ...signedHeaders(delivery, w.body, secret) };
}

/** A ready-to-send Request for one delivery. */
export function webhookRequest(w: SimWebhook, baseUrl: string, secret: string): Request {
  return new Request(new URL(webhookPath(w.topic), baseUrl), {
    method: "POST",
    headers: webhookHeaders(w, secret),
    body: w.body,
  });
}

const b64url = (s: string | Buffer) => Buffer.from(s).toString("base64url");

/** An admin session token (what App Bridge's idToken() returns), valid for `ttlSeconds`. */
export function sessionToken(opts: {
  shop: string;
  apiKey: string;
  secret: string;
  userId?: string;
  ttlSeconds?: number;
  now?: number;
}): string {
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
  return `${header}.${payload}.${hmacSha256(opts.secret, `${header}.${payload}`, "base64url")}`;
}
