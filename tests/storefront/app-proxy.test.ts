// App proxy requests: requireAppProxy beside the real @shopify/shopify-app-remix 4.2.1 check (which it
// replaces, and why), and clientIp. The signature itself (Shopify's documented example, tampering,
// staleness, byte order) is tested with its module in tests/lib/shopify-signing.test.ts.
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { testConfig } from "@shopify/shopify-app-remix/test-helpers";
import { describe, expect, it } from "vitest";
import { appProxyMessage, signAppProxyQuery } from "~/lib/shopify-signing.server";
import { clientIp, requireAppProxy } from "~/storefront/app-proxy.server";

describe("requireAppProxy and the library's authenticate.public.appProxy", () => {
  const SECRET = "test-proxy-secret";
  const shopify = shopifyApp({
    ...testConfig({ logger: { level: LogSeverity.Error } }),
    apiSecretKey: SECRET,
    apiVersion: ApiVersion.July26,
  });
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
});

describe("clientIp", () => {
  const req = (xff?: string) =>
    new Request("https://waypoint.test/proxy", { headers: xff ? { "X-Forwarded-For": xff } : {} });
  it("reads the address Shopify forwards, ignoring what a client put before it", () => {
    expect(clientIp(req("203.0.113.9"))).toBe("203.0.113.9");
    expect(clientIp(req("6.6.6.6, 203.0.113.9"))).toBe("203.0.113.9");
    expect(clientIp(req("6.6.6.6, 203.0.113.9, 10.0.0.2"), 1)).toBe("203.0.113.9");
    expect(clientIp(req())).toBe("unknown");
  });
});
