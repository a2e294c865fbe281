// The two facts of a webhook delivery every sender shares (the simulator, the demo, the bench and
// the test fixtures): Shopify's signature and the route shopify.app.toml delivers a topic to.
// A leaf module, so test fixtures can use it without importing the simulator.
import { createHmac } from "node:crypto";

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
