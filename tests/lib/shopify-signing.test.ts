// The one Shopify signing module (app/lib/shopify-signing.server.ts). Webhooks: the ingest hot path
// verifies with node:crypto; every case here is also put to @shopify/shopify-api's own
// `webhooks.validate`, and the two verdicts must be identical: valid or not, the reason, the missing
// headers, and every field of a valid one. Signing is held to the library's own test helper first, so
// signing and verifying with the same module cannot hide a shared mistake. App proxy: Shopify's
// documented example, tampering, staleness, repeated keys and the byte order of the sort.
import crypto from "node:crypto";
import { getHmac } from "@shopify/shopify-api/test-helpers";
import { describe, expect, it } from "vitest";
import {
  appProxyMessage,
  appProxySignature,
  hmacSha256,
  signAppProxyQuery,
  verifyAppProxyQuery,
  verifyWebhook,
  webhookHeaders,
  webhookHmac,
} from "~/lib/shopify-signing.server";
import { library, SECRET } from "../support/shopify-webhooks";

type Headers = Record<string, string>;

function signed(body: string, secret = SECRET): Headers {
  return {
    "Content-Type": "application/json",
    "X-Shopify-Topic": "fulfillment_events/create",
    "X-Shopify-Shop-Domain": "waypoint-demo.myshopify.com",
    "X-Shopify-Hmac-Sha256": webhookHmac(body, secret),
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
  [
    "one with the optional sub-topic and name",
    body,
    { ...signed(body), "X-Shopify-Sub-Topic": "sub", "X-Shopify-Name": "tracking" },
  ],
  ["a body changed after signing", `${body} `, signed(body)],
  ["a signature with another secret", body, signed(body, "someone-else")],
  [
    "a signature in hex instead of base64",
    body,
    { ...signed(body), "X-Shopify-Hmac-Sha256": hmacSha256(SECRET, body, "hex") },
  ],
  [
    "a signature without its base64 padding",
    body,
    { ...signed(body), "X-Shopify-Hmac-Sha256": signed(body)["X-Shopify-Hmac-Sha256"]!.replace(/=+$/, "") },
  ],
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
  [
    "an Events-API delivery without its event id",
    body,
    { "shopify-hmac-sha256": signed(body)["X-Shopify-Hmac-Sha256"]!, "shopify-topic": "orders/create" },
  ],
];

const GENUINE = new Set([
  "a genuine webhook",
  "one with the optional sub-topic and name",
  "no optional headers at all",
  "an Events-API delivery (shopify-* headers)",
]);

describe("webhook signing", () => {
  it("signs as the library's own test helper does, and as a fixed vector says", () => {
    for (const raw of [body, "{}", "", "Ünïcødé 🚚"]) expect(webhookHmac(raw, SECRET)).toBe(getHmac(raw, SECRET));
    expect(webhookHmac("{}", "hush")).toBe("UFwgrGBPZilFtmKh8TqcovA78LGYb1BdWu9I4Q2oyRg=");
    expect(webhookHmac(Buffer.from(body, "utf8"), SECRET)).toBe(webhookHmac(body, SECRET));
  });

  it("builds the headers of a delivery that the library accepts, with every field", async () => {
    const delivery = {
      topic: "orders/create",
      shop: "waypoint-demo.myshopify.com",
      apiVersion: "2026-07",
      webhookId: "w-1",
      triggeredAt: "2026-11-25T10:00:00.000Z",
      eventId: "e-1",
    };
    const headers = webhookHeaders(delivery, body, SECRET);
    const check = await library.webhooks.validate({
      rawBody: body,
      rawRequest: new Request("https://waypoint.test/webhooks/tracking", { method: "POST", headers, body }),
    });
    expect(check).toMatchObject({
      valid: true,
      topic: "ORDERS_CREATE",
      domain: delivery.shop,
      apiVersion: "2026-07",
      webhookId: "w-1",
      triggeredAt: delivery.triggeredAt,
      eventId: "e-1",
    });
    expect(
      Object.keys(webhookHeaders({ ...delivery, triggeredAt: undefined, eventId: undefined }, body, SECRET)),
    ).not.toContain("X-Shopify-Event-Id");
  });
});

describe("verifyWebhook gives the library's verdict", () => {
  it.each(cases)("%s", async (name, rawBody, headers) => {
    const request = new Request("https://waypoint.test/webhooks/tracking", {
      method: "POST",
      headers,
      body: rawBody || undefined,
    });
    const theirs = await library.webhooks.validate({ rawBody, rawRequest: request });
    const h = new Headers(headers);
    const ours = verifyWebhook(SECRET, Buffer.from(rawBody, "utf8"), (name) => h.get(name));
    expect(ours).toEqual(theirs);
    // A signer broken like the verifier would still agree with the library; the genuine ones must pass.
    if (GENUINE.has(name)) expect(theirs.valid).toBe(true);
    // The same verdict from a string body (the Remix door reads text in development).
    expect(verifyWebhook(SECRET, rawBody, (name) => h.get(name))).toEqual(theirs);
  });

  it("signs the bytes as sent: a body that is not valid UTF-8 verifies against its own bytes", () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d]);
    const h = new Headers({ ...signed(""), "X-Shopify-Hmac-Sha256": webhookHmac(bytes, SECRET) });
    expect(verifyWebhook(SECRET, bytes, (name) => h.get(name)).valid).toBe(true);
    expect(verifyWebhook(SECRET, Buffer.concat([bytes, Buffer.from(" ")]), (name) => h.get(name)).valid).toBe(false);
  });
});

// shopify.dev, "Authenticate app proxies": shared secret "hush", and the request Shopify forwards for
// GET /apps/awesome_reviews/extra/path/components?extra=1&extra=2 (note the repeated key).
const DOC_SECRET = "hush";
const DOC_QUERY =
  "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb";
const DOC_TIME = new Date(1317327555 * 1000);

const params = (q: string) => new URLSearchParams(q);

describe("app proxy: Shopify's documented example", () => {
  it("signs exactly the documented string", () => {
    expect(appProxyMessage(params(DOC_QUERY))).toBe(
      "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555",
    );
    expect(appProxySignature(params(DOC_QUERY), DOC_SECRET)).toBe(
      "4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb",
    );
  });

  it("verifies at the time it was signed", () => {
    const verdict = verifyAppProxyQuery(params(DOC_QUERY), DOC_SECRET, DOC_TIME);
    expect(verdict).toEqual({
      ok: true,
      context: {
        shop: "shop-name.myshopify.com",
        loggedInCustomerId: "1",
        pathPrefix: "/apps/awesome_reviews",
        timestamp: 1317327555,
      },
    });
  });

  it("is independent of parameter order, but not of the order of a repeated key's values", () => {
    const shuffled =
      "signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb&timestamp=1317327555&path_prefix=%2Fapps%2Fawesome_reviews&extra=1&logged_in_customer_id=1&shop=shop-name.myshopify.com&extra=2";
    expect(verifyAppProxyQuery(params(shuffled), DOC_SECRET, DOC_TIME).ok).toBe(true);
    const swapped = DOC_QUERY.replace("extra=1&extra=2", "extra=2&extra=1");
    expect(verifyAppProxyQuery(params(swapped), DOC_SECRET, DOC_TIME)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["a changed value", DOC_QUERY.replace("extra=2", "extra=3")],
    ["another shop", DOC_QUERY.replace("shop=shop-name", "shop=other-shop")],
    ["a changed customer", DOC_QUERY.replace("logged_in_customer_id=1", "logged_in_customer_id=2")],
    ["a repeated key collapsed to one value", DOC_QUERY.replace("extra=1&", "")],
    ["an added parameter", `${DOC_QUERY}&admin=1`],
    ["a removed parameter", DOC_QUERY.replace("&logged_in_customer_id=1", "")],
    ["a shifted timestamp", DOC_QUERY.replace("timestamp=1317327555", "timestamp=1317327556")],
    ["one flipped signature digit", DOC_QUERY.replace("signature=4c68", "signature=4c69")],
    ["the wrong secret", DOC_QUERY],
  ])("rejects %s", (name, q) => {
    const secret = name === "the wrong secret" ? "not-hush" : DOC_SECRET;
    expect(verifyAppProxyQuery(params(q), secret, DOC_TIME)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects it 91 seconds later (either way) and accepts it at 90", () => {
    const at = (s: number) => new Date(DOC_TIME.getTime() + s * 1000);
    expect(verifyAppProxyQuery(params(DOC_QUERY), DOC_SECRET, at(90)).ok).toBe(true);
    expect(verifyAppProxyQuery(params(DOC_QUERY), DOC_SECRET, at(-90)).ok).toBe(true);
    expect(verifyAppProxyQuery(params(DOC_QUERY), DOC_SECRET, at(91))).toEqual({ ok: false, reason: "stale" });
    expect(verifyAppProxyQuery(params(DOC_QUERY), DOC_SECRET, at(-91))).toEqual({ ok: false, reason: "stale" });
    expect(verifyAppProxyQuery(params(DOC_QUERY), DOC_SECRET, new Date())).toEqual({ ok: false, reason: "stale" });
  });

  it.each([
    ["no signature", DOC_QUERY.replace(/&signature=[0-9a-f]+/, ""), "missing"],
    ["no timestamp", DOC_QUERY.replace("&timestamp=1317327555", ""), "missing"],
    ["no shop", DOC_QUERY.replace("&shop=shop-name.myshopify.com", ""), "missing"],
    [
      "two signatures",
      `${DOC_QUERY}&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb`,
      "malformed",
    ],
    ["a non-hex signature", DOC_QUERY.replace("signature=4c68", "signature=zz68"), "malformed"],
    ["an empty query", "", "missing"],
  ])("rejects %s as %s", (_name, q, reason) => {
    expect(verifyAppProxyQuery(params(q), DOC_SECRET, DOC_TIME)).toEqual({ ok: false, reason });
  });

  it("refuses a signed shop that is not a myshopify domain", () => {
    const signed = signAppProxyQuery("", { shop: "evil.example.com", secret: DOC_SECRET, now: DOC_TIME });
    expect(verifyAppProxyQuery(signed, DOC_SECRET, DOC_TIME)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("app proxy: the sort is by UTF-8 bytes, as Shopify's Ruby reference sorts", () => {
  it("sorts key=value strings bytewise, not by locale", () => {
    // "a-b=..." sorts before "a=..." bytewise ('-' 0x2D < '=' 0x3D); localeCompare puts "a" first.
    const q = new URLSearchParams("a=1&a-b=2&B=3");
    expect(appProxyMessage(q)).toBe("B=3a-b=2a=1");
  });

  it("sorts by bytes, not UTF-16 code units: U+FF21 (EF BC A1) before U+1F600 (F0 9F 98 80)", () => {
    // In UTF-16, U+1F600 is the surrogate pair D83D DE00, which a plain .sort() puts before FF21.
    const q = new URLSearchParams("\u{1F600}=x&\uFF21=y");
    expect(appProxyMessage(q)).toBe("\uFF21=y\u{1F600}=x");
    expect(["\u{1F600}=x", "\uFF21=y"].sort().join("")).not.toBe(appProxyMessage(q)); // the drift it guards against
  });
});
