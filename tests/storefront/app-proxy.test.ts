// App proxy signatures: Shopify's documented example, tampering, staleness, repeated query keys, and
// the real @shopify/shopify-app-remix 4.2.1 check beside ours (which it replaces, and why).
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { describe, expect, it } from "vitest";
import {
  appProxyMessage,
  appProxySignature,
  clientIp,
  requireAppProxy,
  signAppProxyQuery,
  verifyAppProxyQuery,
} from "~/storefront/app-proxy.server";

// shopify.dev, "Authenticate app proxies": shared secret "hush", and the request Shopify forwards for
// GET /apps/awesome_reviews/extra/path/components?extra=1&extra=2 (note the repeated key).
const DOC_SECRET = "hush";
const DOC_QUERY =
  "extra=1&extra=2&shop=shop-name.myshopify.com&logged_in_customer_id=1&path_prefix=%2Fapps%2Fawesome_reviews&timestamp=1317327555&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb";
const DOC_TIME = new Date(1317327555 * 1000);

const params = (q: string) => new URLSearchParams(q);

describe("Shopify's documented example", () => {
  it("signs exactly the documented string", () => {
    expect(appProxyMessage(params(DOC_QUERY))).toBe(
      "extra=1,2logged_in_customer_id=1path_prefix=/apps/awesome_reviewsshop=shop-name.myshopify.comtimestamp=1317327555",
    );
    expect(appProxySignature(params(DOC_QUERY), DOC_SECRET)).toBe("4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb");
  });

  it("verifies at the time it was signed", () => {
    const verdict = verifyAppProxyQuery(params(DOC_QUERY), DOC_SECRET, DOC_TIME);
    expect(verdict).toEqual({
      ok: true,
      context: { shop: "shop-name.myshopify.com", loggedInCustomerId: "1", pathPrefix: "/apps/awesome_reviews", timestamp: 1317327555 },
    });
  });

  it("is independent of parameter order, but not of the order of a repeated key's values", () => {
    const shuffled = "signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb&timestamp=1317327555&path_prefix=%2Fapps%2Fawesome_reviews&extra=1&logged_in_customer_id=1&shop=shop-name.myshopify.com&extra=2";
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
    ["two signatures", `${DOC_QUERY}&signature=4c68c8624d737112c91818c11017d24d334b524cb5c2b8ba08daa056f7395ddb`, "malformed"],
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

describe("requireAppProxy and the library's authenticate.public.appProxy", () => {
  const SECRET = "test-proxy-secret";
  const shopify = shopifyApp({ ...testConfig({ logger: { level: LogSeverity.Error } }), apiSecretKey: SECRET, apiVersion: ApiVersion.July26 });
  const SHOP = "waypoint-demo.myshopify.com";

  const request = (q: URLSearchParams | string) => new Request(`https://waypoint.test/proxy/api/lookup?${q}`);
  const library = async (r: Request): Promise<number> => {
    try {
      await shopify.authenticate.public.appProxy(r);
      return 200;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown.status;
      throw thrown;
    }
  };
  const ours = (r: Request): number => {
    try {
      requireAppProxy(r, { secret: SECRET });
      return 200;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown.status;
      throw thrown;
    }
  };

  it("both accept a genuine request without repeated keys", async () => {
    const q = signAppProxyQuery("tracking=1Z999AA10123456784&locale=fr", { shop: SHOP, secret: SECRET });
    expect(await library(request(q))).toBe(200);
    expect(ours(request(q))).toBe(200);
  });

  it("the library REJECTS a genuine request with a repeated key (signed as a=1,2); ours accepts it", async () => {
    const q = signAppProxyQuery("a=1&a=2&locale=en", { shop: SHOP, secret: SECRET });
    expect(appProxyMessage(q)).toContain("a=1,2");
    expect(await library(request(q))).toBe(400); // the 4.2.1 bug: Object.fromEntries keeps only a=2
    expect(ours(request(q))).toBe(200);
  });

  it("both reject the repeated-key request once tampered with", async () => {
    const q = signAppProxyQuery("a=1&a=2", { shop: SHOP, secret: SECRET });
    const tampered = q.toString().replace("a=2", "a=3");
    expect(await library(request(tampered))).toBe(400);
    expect(ours(request(tampered))).toBe(400);
  });

  it.each([
    ["a bad signature", (q: URLSearchParams) => q.set("signature", "0".repeat(64))],
    ["a stale timestamp", (q: URLSearchParams) => q.set("timestamp", String(Math.floor(Date.now() / 1000) - 120))],
    ["no signature", (q: URLSearchParams) => q.delete("signature")],
    ["a changed shop", (q: URLSearchParams) => q.set("shop", "other.myshopify.com")],
  ])("both answer %s with 400, and ours with an empty body", async (_name, spoil) => {
    const q = signAppProxyQuery("order=1001", { shop: SHOP, secret: SECRET });
    spoil(q);
    expect(await library(request(q))).toBe(400);
    try {
      requireAppProxy(request(q), { secret: SECRET });
      expect.unreachable();
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(Response);
      expect((thrown as Response).status).toBe(400);
      expect(await (thrown as Response).text()).toBe("");
    }
  });

  it("sorts key=value strings bytewise as Shopify does, not by locale", () => {
    // "a-b=..." sorts before "a=..." bytewise ('-' 0x2D < '=' 0x3D); localeCompare puts "a" first.
    const q = new URLSearchParams("a=1&a-b=2&B=3");
    expect(appProxyMessage(q)).toBe("B=3a-b=2a=1");
  });
});

describe("clientIp", () => {
  const req = (xff?: string) => new Request("https://waypoint.test/proxy", { headers: xff ? { "X-Forwarded-For": xff } : {} });
  it("reads the address Shopify forwards, ignoring what a client put before it", () => {
    expect(clientIp(req("203.0.113.9"))).toBe("203.0.113.9");
    expect(clientIp(req("6.6.6.6, 203.0.113.9"))).toBe("203.0.113.9");
    expect(clientIp(req("6.6.6.6, 203.0.113.9, 10.0.0.2"), 1)).toBe("203.0.113.9");
    expect(clientIp(req())).toBe("unknown");
  });
});
