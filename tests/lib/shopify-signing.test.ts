// The ingest hot path verifies webhooks with node:crypto (webhook-signature.server.ts). Every case
// here is also put to @shopify/shopify-api's own `webhooks.validate`, and the two verdicts must be
// identical: valid or not, the reason, the missing headers, and every field of a valid one.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyWebhook } from "~/lib/shopify-signing.server";
import { library, SECRET } from "../support/shopify-webhooks";

type Headers = Record<string, string>;

function signed(body: string, secret = SECRET): Headers {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": "fulfillment_events/create",
    "X-Shopify-Shop-Domain": "waypoint-demo.myshopify.com",
    "X-Shopify-Hmac-Sha256": crypto.createHmac("sha256", secret).update(body, "utf8").digest("base64"),
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": crypto.randomUUID(),
    "X-Shopify-Triggered-At": "2026-11-25T10:00:00.000Z",
    "X-Shopify-Event-Id": crypto.randomUUID(),
  };
}

function without(h: Headers, ...names: string[]): Headers {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !names.includes(k)));
}

const body = JSON.stringify({ id: 4242, status: "in_transit", message: "Départ de l'installation — 🚚" });

const cases: [string, string, Headers][] = [
  ["a genuine webhook", body, signed(body)],
  ["one with the optional sub-topic and name", body, { ...signed(body), "X-Shopify-Sub-Topic": "sub", "X-Shopify-Name": "tracking" }],
  ["a body changed after signing", `${body} `, signed(body)],
  ["a signature with another secret", body, signed(body, "someone-else")],
  ["a signature in hex instead of base64", body, { ...signed(body), "X-Shopify-Hmac-Sha256": crypto.createHmac("sha256", SECRET).update(body).digest("hex") }],
  ["a signature without its base64 padding", body, { ...signed(body), "X-Shopify-Hmac-Sha256": signed(body)["X-Shopify-Hmac-Sha256"]!.replace(/=+$/, "") }],
  ["an empty body", "", signed("")],
  ["no signature", body, without(signed(body), "X-Shopify-Hmac-Sha256")],
  ["no topic", body, without(signed(body), "X-Shopify-Topic")],
  ["no shop domain or webhook id", body, without(signed(body), "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id")],
  ["no API version", body, without(signed(body), "X-Shopify-API-Version")],
  ["no optional headers at all", body, without(signed(body), "X-Shopify-Triggered-At", "X-Shopify-Event-Id")],
  [
    "an Events-API delivery (shopify-* headers)",
    body,
    {
      "shopify-hmac-sha256": signed(body)["X-Shopify-Hmac-Sha256"]!,
      "shopify-topic": "orders/create",
      "shopify-shop-domain": "waypoint-demo.myshopify.com",
      "shopify-api-version": "2026-07",
      "shopify-webhook-id": "w-1",
      "shopify-event-id": "e-1",
      "shopify-handle": "h",
      "shopify-action": "create",
      "shopify-resource-id": "gid://shopify/Order/1",
    },
  ],
  ["an Events-API delivery without its event id", body, { "shopify-hmac-sha256": signed(body)["X-Shopify-Hmac-Sha256"]!, "shopify-topic": "orders/create" }],
];

describe("verifyWebhook gives the library's verdict", () => {
  it.each(cases)("%s", async (_name, rawBody, headers) => {
    const request = new Request("https://waypoint.test/webhooks/tracking", { method: "POST", headers, body: rawBody || undefined });
    const theirs = await library.webhooks.validate({ rawBody, rawRequest: request });
    const h = new Headers(headers);
    const ours = verifyWebhook(SECRET, Buffer.from(rawBody, "utf8"), (name) => h.get(name));
    expect(ours).toEqual(theirs);
    // The same verdict from a string body (the Remix door reads text in development).
    expect(verifyWebhook(SECRET, rawBody, (name) => h.get(name))).toEqual(theirs);
  });

  it("signs the bytes as sent: a body that is not valid UTF-8 verifies against its own bytes", () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d]);
    const h = new Headers({ ...signed(""), "X-Shopify-Hmac-Sha256": crypto.createHmac("sha256", SECRET).update(bytes).digest("base64") });
    expect(verifyWebhook(SECRET, bytes, (name) => h.get(name)).valid).toBe(true);
    expect(verifyWebhook(SECRET, Buffer.concat([bytes, Buffer.from(" ")]), (name) => h.get(name)).valid).toBe(false);
  });
});
