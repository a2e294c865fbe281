// The real proxy.* route modules, as Remix calls them, on a fresh SQLite database (the app's own
// client, from DATABASE_URL) with data ingested through signed webhooks and the worker.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { ensureTrackingCode, signTrackingToken } from "~/storefront/tracking-links.server";
import type * as StorefrontModule from "~/storefront/handlers.server";
import { freshDb, type TestDb } from "../support/db";
import { signAppProxyQuery } from "~/lib/shopify-signing.server";
import { fixture, receiverFor, SECRET, signedWebhook, TEST_SHOP } from "../support/shopify-webhooks";
import { demoCatalog, proxyRequest, startFakeStorefront, type FakeStorefront } from "../support/storefront";

type Handler = (args: LoaderFunctionArgs) => Promise<Response>;
interface RouteModule {
  loader?: Handler;
  action?: Handler;
}

let t: TestDb;
let fake: FakeStorefront;
let routes: Record<"page" | "lookup" | "token" | "events" | "assets" | "splat", RouteModule>;
let sf: typeof StorefrontModule;
const OTHER_SHOP = "other-outfitters.myshopify.com";
const EMAIL = "maya.chen@example.com";

async function call(
  route: keyof typeof routes,
  request: Request,
  params: Record<string, string> = {},
): Promise<Response> {
  const mod = routes[route];
  const fn = request.method === "GET" || request.method === "HEAD" ? mod.loader : mod.action;
  if (!fn) throw new Error(`${route} has no handler for ${request.method}`);
  return fn({ request, params, context: {} });
}

beforeAll(async () => {
  t = await freshDb("sqlite");
  fake = await startFakeStorefront(demoCatalog());
  process.env.DATABASE_URL = t.url;
  process.env.WAYPOINT_STOREFRONT_ORIGIN = fake.origin;
  routes = {
    page: await import("~/routes/proxy._index"),
    lookup: await import("~/routes/proxy.api.lookup"),
    token: await import("~/routes/proxy.api.token.$token"),
    events: await import("~/routes/proxy.api.events"),
    assets: await import("~/routes/proxy.assets.$file"),
    splat: await import("~/routes/proxy.$"),
  };
  sf = await import("~/storefront/handlers.server");
  const receive = receiverFor(t.db);
  for (const [topic, name, shop] of [
    ["orders/create", "orders-create.1001", TEST_SHOP],
    ["fulfillments/create", "fulfillments-create.1001.1-ups", TEST_SHOP],
    ["fulfillment_events/create", "fulfillment_events-create.1001.1-in_transit", TEST_SHOP],
    ["orders/create", "orders-create.1002", OTHER_SHOP],
  ] as const) {
    expect((await receive(signedWebhook(topic, fixture(name), { shop }))).status).toBe(200);
  }
  await new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "proxy-route-test" }).drain();
});
afterAll(async () => {
  const { default: db } = await import("~/db.server");
  await db.$disconnect();
  await fake.close();
  await t.drop();
  delete process.env.WAYPOINT_STOREFRONT_ORIGIN;
});
beforeEach(() => {
  sf.configureStorefront({ analytics: { flushMs: 10_000 } }); // fresh limits and caches per test
});

const lookup = (body: unknown, opts: Parameters<typeof proxyRequest>[1] = {}) =>
  call("lookup", proxyRequest("/api/lookup", { body, ...opts }));

describe("every proxy route checks the signature first", () => {
  const cases: [keyof typeof routes, string, Record<string, string>, string?][] = [
    ["page", "", {}],
    ["lookup", "/api/lookup", {}, "POST"],
    ["token", "/api/token/abc", { token: "abc" }],
    ["events", "/api/events", {}, "POST"],
    ["assets", "/assets/tracking.js", { file: "tracking.js" }],
    ["splat", "/anything", { "*": "anything" }],
  ];
  const spoilers: [string, (u: URL) => void][] = [
    ["missing", (u) => u.searchParams.delete("signature")],
    ["stale", (u) => u.searchParams.set("timestamp", String(Math.floor(Date.now() / 1000) - 91))],
    ["bad", (u) => u.searchParams.set("signature", "f".repeat(64))],
    ["tampered", (u) => u.searchParams.set("shop", OTHER_SHOP)],
  ];
  for (const [route, path, params, method] of cases) {
    for (const [name, spoil] of spoilers) {
      it(`${route}: ${name} signature → 400 and an empty body`, async () => {
        const good = proxyRequest(path, {
          method: method ?? "GET",
          body: method === "POST" ? { order: "#1001", email: EMAIL } : undefined,
        });
        const url = new URL(good.url);
        spoil(url);
        const res = await call(
          route,
          new Request(url, {
            method: good.method,
            headers: good.headers,
            body: method === "POST" ? JSON.stringify({ order: "#1001", email: EMAIL }) : undefined,
          }),
          params,
        );
        expect(res.status).toBe(400);
        expect(await res.text()).toBe("");
      });
    }
  }

  it("accepts a genuine request whose query repeats a key (signed as a=1,2)", async () => {
    const res = await lookup({ order: "#1001", email: EMAIL }, { query: "locale=en&utm=a&utm=b" });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { found: boolean }).found).toBe(true);
  });
});

describe("api/lookup", () => {
  it("answers the block's JSON for order number + email, never cached", async () => {
    const res = await lookup({ order: "#1001", email: "Maya.Chen@example.com" }, { query: "locale=fr&recs=related" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as {
      found: true;
      order: { name: string; statusLabel: string };
      shipments: unknown[];
      recommendations: { title: string }[];
      locale: string;
    };
    expect(body.order).toMatchObject({ name: "#1001", statusLabel: "En transit" });
    expect(body.locale).toBe("fr");
    expect(body.shipments).toHaveLength(1);
    expect(body.recommendations.length).toBeGreaterThan(0);
  });

  it("answers an unknown number, a wrong contact and another shop's order with the same bytes", async () => {
    const answers = await Promise.all([
      lookup({ order: "#1001", email: "wrong@example.com" }),
      lookup({ order: "#5555", email: EMAIL }),
      lookup({ order: "#1001", phone: "+1 202 555 0100" }),
      lookup({ order: "#1001", email: EMAIL }, { shop: OTHER_SHOP }),
    ]);
    const texts = await Promise.all(answers.map((r) => r.text()));
    expect(answers.map((r) => r.status)).toEqual([404, 404, 404, 404]);
    expect(new Set(texts).size).toBe(1);
    expect(JSON.parse(texts[0]!)).toEqual({ found: false, reason: "not_found", message: expect.any(String) });
  });

  it("finds by tracking number (GET: that parcel only) and by the no-JS form's contact field", async () => {
    const byNumber = await call(
      "lookup",
      proxyRequest("/api/lookup", { query: "tracking=1Z999AA10123456784&locale=fr" }),
    );
    expect(byNumber.status).toBe(200);
    const parcel = (await byNumber.json()) as Record<string, unknown>;
    expect(parcel).toMatchObject({
      found: true,
      scope: "parcel",
      locale: "fr",
      parcel: { trackingNumber: "1Z999AA10123456784", statusLabel: "En transit" },
    });
    expect(Object.keys(parcel).sort()).toEqual(["found", "hint", "locale", "parcel", "scope"]);
    const form = await lookup("order=1001&contact=%2B1+617+555+0142", {
      contentType: "application/x-www-form-urlencoded",
    });
    expect(form.status).toBe(200);
  });

  it("answers malformed input with 400 invalid, and a body over 8 KB with 413", async () => {
    for (const body of ["{not json", JSON.stringify({ order: 1001, email: 5 }), JSON.stringify([1, 2])]) {
      const res = await lookup(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ found: false, reason: "invalid" });
    }
    const big = await lookup("x".repeat(9000));
    expect(big.status).toBe(413);
    expect(await big.text()).toBe("Request body over 8192 bytes");
  });

  it("rate limits per IP with 429 and the contract's answer, records it, and leaves other IPs alone", async () => {
    const s = sf.configureStorefront({
      limits: { lookupPerIp: { points: 3, duration: 60 } },
      analytics: { flushMs: 10_000 },
    });
    for (let i = 0; i < 3; i++)
      expect((await lookup({ order: `#${2000 + i}`, email: EMAIL }, { ip: "203.0.113.50" })).status).toBe(404);
    const limited = await lookup({ order: "#1001", email: EMAIL }, { ip: "203.0.113.50" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toEqual({ found: false, reason: "rate_limited", message: expect.any(String) });
    // A client cannot dodge the limit by sending its own X-Forwarded-For before Shopify's.
    expect((await lookup({ order: "#1001", email: EMAIL }, { ip: "10.9.9.9, 203.0.113.50" })).status).toBe(429);
    expect((await lookup({ order: "#1001", email: EMAIL }, { ip: "203.0.113.51" })).status).toBe(200);
    await s.analytics.flush();
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const outcomes = (await t.db.analyticsEvent.findMany({ where: { shopId: shop.id, kind: "lookup" } })).map(
      (e) => e.outcome,
    );
    expect(outcomes.filter((o) => o === "rate_limited")).toHaveLength(2);
    expect(outcomes).toContain("not_found");
    expect(outcomes).toContain("found");
    const day = new Date().toISOString().slice(0, 10);
    const stat = await t.db.dailyStat.findUnique({
      where: { shopId_day_metric_dimension: { shopId: shop.id, day, metric: "lookup", dimension: "rate_limited" } },
    });
    expect(stat?.count).toBe(2);
  });

  it("rate limits a shop's misses across IPs, and still answers the lookups that match", async () => {
    sf.configureStorefront({ limits: { lookupMissesPerShop: { points: 2, duration: 60 } } });
    // Shoppers who find their order spend none of the shop's budget, however many they are.
    for (let i = 0; i < 5; i++)
      expect((await lookup({ order: "#1001", email: EMAIL }, { ip: `192.0.2.${10 + i}` })).status).toBe(200);
    // Guesses from many IPs spend it: two misses answered, then misses refused.
    expect((await lookup({ order: "#7001", email: EMAIL }, { ip: "192.0.2.1" })).status).toBe(404);
    expect((await lookup({ order: "#1001", email: "guess@example.com" }, { ip: "192.0.2.2" })).status).toBe(404);
    const refused = await lookup({ order: "#7002", email: EMAIL }, { ip: "192.0.2.3" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Spent, it refuses only misses: a shopper whose details match is answered, from any IP.
    expect((await lookup({ order: "#1001", email: EMAIL }, { ip: "192.0.2.3" })).status).toBe(200);
    expect((await lookup({ order: "#1001", email: EMAIL }, { ip: "192.0.2.4" })).status).toBe(200);
    expect((await lookup({ order: "#7003", email: EMAIL }, { ip: "192.0.2.4" })).status).toBe(429);
    // Another shop's budget is its own.
    expect((await lookup({ order: "#1002", email: EMAIL }, { ip: "192.0.2.5", shop: OTHER_SHOP })).status).toBe(200);
    expect((await lookup({ order: "#7004", email: EMAIL }, { ip: "192.0.2.5", shop: OTHER_SHOP })).status).toBe(404);
  });
});

describe("api/token/<token>", () => {
  it("opens the order of a valid token for the signed shop only", async () => {
    const order = await t.db.order.findFirstOrThrow({ where: { orderNumber: 1001 } });
    const token = signTrackingToken(TEST_SHOP, order.id, new Date());
    const ok = await call("token", proxyRequest(`/api/token/${encodeURIComponent(token)}`), { token });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { order: { name: string } }).order.name).toBe("#1001");
    const elsewhere = await call(
      "token",
      proxyRequest(`/api/token/${encodeURIComponent(token)}`, { shop: OTHER_SHOP }),
      { token },
    );
    expect(elsewhere.status).toBe(404);
    const forged = await call("token", proxyRequest("/api/token/abc.def"), { token: "abc.def" });
    expect(forged.status).toBe(404);
    // The one that opened counts as a click-through from a message; the others do not.
    await sf.storefront().analytics.flush();
    const clicks = await t.db.analyticsEvent.findMany({ where: { kind: "message_click" } });
    expect(clicks.map((c) => c.orderId)).toEqual([order.id]);
  });
});

describe("short SMS links (/apps/track?c=<code>)", () => {
  it("exchange a valid code of the signed shop for a signed token the block opens", async () => {
    const order = await t.db.order.findFirstOrThrow({ where: { orderNumber: 1001 } });
    const code = await ensureTrackingCode(t.db, order.id);
    const res = await call("page", proxyRequest("", { query: `c=${code}&locale=fr` }));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("location")!, "https://shop.test");
    expect(location.pathname).toBe("/apps/track");
    expect(location.searchParams.get("locale")).toBe("fr");
    const token = location.searchParams.get("token")!;
    const opened = await call("token", proxyRequest(`/api/token/${encodeURIComponent(token)}`), { token });
    expect(((await opened.json()) as { order: { name: string } }).order.name).toBe("#1001");
  });

  it("redirect to the signed proxy root, or to /apps/track when it is not a plain same-site path", async () => {
    const order = await t.db.order.findFirstOrThrow({ where: { orderNumber: 1001 } });
    const code = await ensureTrackingCode(t.db, order.id);
    const visit = (pathPrefix: string) => {
      const q = signAppProxyQuery(`c=${code}`, { shop: TEST_SHOP, secret: SECRET, pathPrefix });
      return call(
        "page",
        new Request(`https://waypoint.test/proxy?${q}`, { headers: { "X-Forwarded-For": "198.51.100.8" } }),
      );
    };
    for (const [prefix, root] of [
      ["/fr/apps/track/", "/fr/apps/track"],
      ["//evil.example/apps/track", "/apps/track"],
      ["/apps/track?x=1", "/apps/track"],
      ["/", "/apps/track"],
    ]) {
      const res = await visit(prefix!);
      expect(res.status, prefix).toBe(302);
      expect(res.headers.get("location")!.split("?")[0], prefix).toBe(root);
    }
  });

  it("answer an unknown, malformed or other shop's code with the page and a not-found notice", async () => {
    const order = await t.db.order.findFirstOrThrow({ where: { orderNumber: 1001 } });
    const code = await ensureTrackingCode(t.db, order.id);
    for (const [c, shop] of [
      ["ZZZZZZZZZZ", TEST_SHOP],
      ["short", TEST_SHOP],
      [code, OTHER_SHOP],
    ] as const) {
      const res = await call("page", proxyRequest("", { query: `c=${c}`, shop }));
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toMatch(/^application\/liquid/);
      const html = await res.text();
      expect(html).toContain("couldn");
      expect(html).toContain("data-waypoint-tracking");
    }
  });

  it("from real messages (codes, signed tokens) never spend the shop's budget of misses; guesses do", async () => {
    sf.configureStorefront({ limits: { lookupMissesPerShop: { points: 1, duration: 60 } } });
    const order = await t.db.order.findFirstOrThrow({ where: { orderNumber: 1001 } });
    const code = await ensureTrackingCode(t.db, order.id);
    const token = signTrackingToken(TEST_SHOP, order.id, new Date());
    const gone = signTrackingToken(TEST_SHOP, "erased-order", new Date()); // signed by us, its order no longer there
    const open = (tk: string, ip: string) =>
      call("token", proxyRequest(`/api/token/${encodeURIComponent(tk)}`, { ip }), { token: tk });
    const visit = (c: string, ip: string) => call("page", proxyRequest("", { query: `c=${c}`, ip }));
    for (let i = 0; i < 3; i++) {
      expect((await visit(code, `198.18.0.${i}`)).status).toBe(302);
      expect((await open(token, `198.18.1.${i}`)).status).toBe(200);
      expect((await open(gone, `198.18.2.${i}`)).status).toBe(404);
    }
    expect((await visit("ZZZZZZZZZZ", "198.18.3.1")).status).toBe(404); // a guess: spends the one miss
    expect((await visit("YYYYYYYYYY", "198.18.3.2")).status).toBe(429);
    expect((await open("forged.token", "198.18.3.3")).status).toBe(429);
    // Spent by guesses, the budget still lets every real link through.
    expect((await visit(code, "198.18.3.4")).status).toBe(302);
    expect((await open(token, "198.18.3.5")).status).toBe(200);
    expect((await open(gone, "198.18.3.6")).status).toBe(404);
  });

  it("count code guesses against the lookup rate limit", async () => {
    sf.configureStorefront({ limits: { lookupPerIp: { points: 2, duration: 60 } } });
    for (let i = 0; i < 2; i++)
      expect((await call("page", proxyRequest("", { query: `c=AAAAAAAAA${i}`, ip: "203.0.113.77" }))).status).toBe(404);
    expect((await call("page", proxyRequest("", { query: "c=AAAAAAAAA9", ip: "203.0.113.77" }))).status).toBe(429);
  });
});

describe("api/events", () => {
  it("records beacons sent as text/plain, one row per product, and answers 204", async () => {
    const s = sf.configureStorefront({ analytics: { flushMs: 10_000 } });
    const beacon = (body: unknown) =>
      call("events", proxyRequest("/api/events", { body, contentType: "text/plain;charset=UTF-8" }));
    expect(
      (
        await beacon({
          kind: "rec_impression",
          order: "#1001",
          productIds: ["7001", "7002"],
          source: "tracking_page",
          visitorId: "k3j9x0a1lz",
        })
      ).status,
    ).toBe(204);
    expect(
      (
        await beacon({
          kind: "rec_click",
          order: "#1001",
          productIds: ["7001"],
          source: "tracking_page",
          action: "add_to_cart",
        })
      ).status,
    ).toBe(204);
    expect((await beacon({ kind: "rec_click", productIds: ["<script>"] })).status).toBe(400);
    expect((await beacon({ kind: "purchase" })).status).toBe(400);
    expect((await beacon("not json")).status).toBe(400);
    await s.analytics.flush();
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    const rows = await t.db.analyticsEvent.findMany({
      where: { shopId: shop.id, kind: { in: ["rec_impression", "rec_click"] } },
      orderBy: { productId: "asc" },
    });
    expect(rows.map((r) => [r.kind, r.productId, r.visitorId])).toEqual(
      expect.arrayContaining([
        ["rec_impression", "7001", "k3j9x0a1lz"],
        ["rec_impression", "7002", "k3j9x0a1lz"],
        ["rec_click", "7001", null],
      ]),
    );
    const day = new Date().toISOString().slice(0, 10);
    const clicks = await t.db.dailyStat.findUnique({
      where: { shopId_day_metric_dimension: { shopId: shop.id, day, metric: "rec_click", dimension: "add_to_cart" } },
    });
    expect(clicks?.count).toBe(1);
  });

  it("answers GET with 405 after the signature check", async () => {
    expect((await call("events", proxyRequest("/api/events"))).status).toBe(405);
  });
});

describe("the tracking page", () => {
  it("answers Liquid with the block's markup, its assets through the proxy, and counts a page view", async () => {
    const s = sf.configureStorefront({ analytics: { flushMs: 10_000 } });
    const res = await call("page", proxyRequest("", { query: "token=abc&locale=de" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/liquid/);
    const html = await res.text();
    expect(html).toContain("data-waypoint-tracking");
    expect(html).toContain('data-proxy="/apps/track"');
    expect(html).toContain('src="/apps/track/assets/tracking.js"');
    expect(html).toContain('href="/apps/track/assets/tracking.css"');
    expect(html).toContain('data-locale="de"');
    expect(html).not.toMatch(/\{\{|\{%/); // nothing left for Shopify's Liquid to evaluate
    await s.analytics.flush();
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    expect(await t.db.analyticsEvent.count({ where: { shopId: shop.id, kind: "page_view" } })).toBeGreaterThan(0);
  });

  it("renders a no-JavaScript lookup's result on the page", async () => {
    const res = await call(
      "page",
      proxyRequest("", {
        body: "order=%231001&contact=maya.chen%40example.com",
        contentType: "application/x-www-form-urlencoded",
      }),
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Order #1001");
    expect(html).toContain("In transit");
    const miss = await call("page", proxyRequest("", { query: "tracking=1Z999AA19999999999" }));
    expect(miss.status).toBe(404);
    expect(await miss.text()).toContain("couldn");
  });

  it("serves the block's scripts and stylesheet, and nothing else", async () => {
    const js = await call("assets", proxyRequest("/assets/tracking.js"), { file: "tracking.js" });
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    expect(await js.text()).toContain("lookupRequest");
    expect(
      (await call("assets", proxyRequest("/assets/..%2Fshopify.extension.toml"), { file: "../shopify.extension.toml" }))
        .status,
    ).toBe(404);
    expect((await call("splat", proxyRequest("/wp-admin"), { "*": "wp-admin" })).status).toBe(404);
  });
});
