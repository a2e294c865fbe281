// The storefront end to end in headless Chromium: a local "shop" serves a page with the tracking block
// rendered by liquidjs (tests/support/liquid.ts), forwards /apps/track/* to the real proxy route
// modules with Shopify's signature (as the app proxy does), and fakes /cart/add.js. A shopper looks an
// order up, sees stages, timeline and recommendations, adds one to the cart (tagged for attribution),
// opens an emailed ?token= link, and uses the app's own Liquid page. Screenshot: test-results/storefront.png.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { signAppProxyQuery } from "~/lib/shopify-signing.server";
import { signTrackingToken } from "~/storefront/tracking-links.server";
import { Worker } from "~/jobs/worker.server";
import type * as StorefrontModule from "~/storefront/handlers.server";
import { freshDb, type TestDb } from "../support/db";
import { ASSET_CDN, EXTENSION_ROOT, renderBlock } from "../support/liquid";
import { fixture, receiverFor, SECRET, signedWebhook, TEST_SHOP } from "../support/shopify-webhooks";
import { demoCatalog, startFakeStorefront, type FakeStorefront } from "../support/storefront";

const CHROMIUM = "/usr/bin/chromium";
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI)
  console.warn(`[e2e] ${CHROMIUM} is missing: apt-get install -y chromium to run the browser test`);

type Handler = (args: LoaderFunctionArgs) => Promise<Response>;
interface RouteModule {
  loader?: Handler;
  action?: Handler;
}

// A 1×1 PNG for the CDN images recommendations point at.
const PIXEL = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAEhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

describe.skipIf(!haveChromium && !process.env.CI)("storefront in Chromium", () => {
  let t: TestDb;
  let fake: FakeStorefront;
  let shop: http.Server;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  let sf: typeof StorefrontModule;
  let routes: Record<string, RouteModule>;
  const cartPosts: { items: { id: number; quantity: number; properties: Record<string, string> }[] }[] = [];
  const proxied: string[] = [];

  /** /apps/track/<rest> → the route module Remix would pick for /proxy/<rest>, and its params. */
  function route(rest: string): [RouteModule, Record<string, string>] {
    if (rest === "" || rest === "/") return [routes.page!, {}];
    if (rest === "/api/lookup") return [routes.lookup!, {}];
    if (rest === "/api/events") return [routes.events!, {}];
    let m = rest.match(/^\/api\/token\/([^/]+)$/);
    if (m) return [routes.token!, { token: decodeURIComponent(m[1]!) }];
    m = rest.match(/^\/assets\/([^/]+)$/);
    if (m) return [routes.assets!, { file: decodeURIComponent(m[1]!) }];
    return [routes.splat!, { "*": rest.slice(1) }];
  }

  async function readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** What Shopify's app proxy does: sign the query (shop, timestamp, ...) and forward to /proxy. */
  async function forward(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const rest = url.pathname.replace(/^\/apps\/track/, "");
    const signed = signAppProxyQuery(url.search.slice(1), { shop: TEST_SHOP, secret: SECRET });
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
    const headers = new Headers({ "X-Forwarded-For": "127.0.0.1", "X-Forwarded-Host": TEST_SHOP });
    for (const h of ["content-type", "accept", "accept-language"])
      if (req.headers[h]) headers.set(h, String(req.headers[h]));
    const request = new Request(`https://waypoint.test/proxy${rest}?${signed}`, {
      method: req.method,
      headers,
      body: body?.toString("utf8"),
    });
    proxied.push(`${req.method} ${url.pathname}`);
    const [mod, params] = route(rest);
    const fn = req.method === "GET" || req.method === "HEAD" ? mod.loader : mod.action;
    const answer = fn ? await fn({ request, params, context: {} }) : new Response(null, { status: 405 });
    let text = await answer.text();
    const type = answer.headers.get("content-type") ?? "text/plain";
    // Shopify renders an application/liquid answer inside the theme's layout.
    if (type.startsWith("application/liquid")) text = layout("Track your order", text);
    res.writeHead(answer.status, {
      "Content-Type": type.startsWith("application/liquid") ? "text/html; charset=utf-8" : type,
    });
    res.end(text);
  }

  function layout(title: string, body: string, head = ""): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title>${head}
<style>body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f4}header{background:#1f5199;color:#fff;padding:16px 24px;font-weight:700}main{max-width:760px;margin:24px auto;padding:0 16px}</style></head>
<body><header>Waypoint Demo Outfitters</header><main>${body}</main></body></html>`;
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
    sf.configureStorefront({ analytics: { flushMs: 60_000 } });

    const receive = receiverFor(t.db);
    for (const [topic, name] of [
      ["orders/create", "orders-create.1001"],
      ["fulfillments/create", "fulfillments-create.1001.1-ups"],
      ["fulfillment_events/create", "fulfillment_events-create.1001.1-in_transit"],
    ] as const) {
      expect((await receive(signedWebhook(topic, fixture(name)))).status).toBe(200);
    }
    await new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "e2e" }).drain();

    const block = (
      await renderBlock({ locale: "en", settings: { heading: "Where's my order?", recommendation_source: "related" } })
    ).replaceAll(ASSET_CDN, "/cdn/");
    const themePage = layout("Track your order", block, `<link rel="stylesheet" href="/cdn/tracking.css">`);
    shop = http.createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      void (async () => {
        try {
          if (url.pathname.startsWith("/apps/track")) return await forward(req, res, url);
          if (url.pathname === "/pages/track") {
            res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
            return res.end(themePage);
          }
          if (url.pathname.startsWith("/cdn/")) {
            const file = path.basename(url.pathname);
            const full = path.join(EXTENSION_ROOT, "assets", file);
            if (!fs.existsSync(full)) return res.writeHead(404).end();
            res.writeHead(200, { "Content-Type": file.endsWith(".css") ? "text/css" : "text/javascript" });
            return res.end(fs.readFileSync(full));
          }
          if (url.pathname === "/cart/add.js" && req.method === "POST") {
            const posted = JSON.parse((await readBody(req)).toString("utf8")) as (typeof cartPosts)[number];
            cartPosts.push(posted);
            res.writeHead(200, { "Content-Type": "application/json" });
            return res.end(
              JSON.stringify({ items: posted.items.map((i) => ({ ...i, variant_id: i.id, key: `${i.id}:x` })) }),
            );
          }
          res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        } catch (error) {
          res.writeHead(500, { "Content-Type": "text/plain" }).end(String(error));
        }
      })();
    });
    await new Promise<void>((resolve) => shop.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;

    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "waypoint-chromium-"));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: false, // the flags below make it headless, exactly as documented
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
      viewport: { width: 1100, height: 900 },
      locale: "en-US",
      timezoneId: "America/New_York",
    });
    await context.route("https://cdn.shopify.test/**", (r) =>
      r.fulfill({ status: 200, contentType: "image/png", body: PIXEL }),
    );
    page = context.pages()[0] ?? (await context.newPage());
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    await new Promise<void>((resolve) => (shop ? shop.close(() => resolve()) : resolve()));
    const { default: db } = await import("~/db.server");
    await db.$disconnect();
    await fake?.close();
    await t?.drop();
    delete process.env.WAYPOINT_STOREFRONT_ORIGIN;
  });

  it("looks an order up, shows stages, timeline and recommendations, and adds one to the cart", async () => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/pages/track`);
    await page.getByLabel("Order number").fill("#1001");
    await page.getByLabel("Email or phone number").fill("Maya.Chen@Example.com");
    await page.getByRole("button", { name: "Track order" }).click();

    const result = page.locator("[data-wpt-result]");
    await expect.poll(() => result.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => result.locator("h3").first().textContent()).toContain("#1001");
    // Stages: the parcel's progress bar is at step 3 of 4, in transit.
    const bar = result.locator(".wpt__shipment [role=progressbar]").first();
    expect(await bar.getAttribute("aria-valuenow")).toBe("3");
    expect(await bar.getAttribute("aria-valuemax")).toBe("4");
    expect(await bar.getAttribute("aria-valuetext")).toMatch(/Step 3 of 4/);
    expect(await result.locator(".wpt__shipment .wpt__now").first().textContent()).toContain("In transit");
    // Timeline with places and times, and the carrier link.
    const events = result.locator(".wpt__events li");
    expect(await events.count()).toBeGreaterThan(0);
    expect(await result.locator(".wpt__events").first().textContent()).toContain("Hodgkins, IL, US");
    expect(await result.locator(".wpt__events time").first().getAttribute("datetime")).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await result.locator("a.wpt__carrier").first().getAttribute("href")).toMatch(/^https:\/\/www\.ups\.com\//);
    // Recommendations for the order's products.
    const recs = result.locator(".wpt__rec");
    expect(await recs.count()).toBe(3);
    expect(await result.locator(".wpt__recs").textContent()).toContain("Ridge Rain Cover");

    await page.screenshot({ path: "test-results/storefront.png", fullPage: true });

    const rainCover = recs.filter({ hasText: "Ridge Rain Cover" });
    await rainCover.getByRole("button", { name: "Add to cart" }).click();
    await expect.poll(() => cartPosts.length, { timeout: 10_000 }).toBe(1);
    expect(cartPosts[0]!.items).toEqual([
      { id: 80001, quantity: 1, properties: { _waypoint_source: "tracking_page", _waypoint_order: "#1001" } },
    ]);
    await expect.poll(() => rainCover.locator("[data-add]").textContent()).toContain("Added");

    // The beacons reached the app: an impression per product shown and the add-to-cart click.
    await expect
      .poll(() => proxied.filter((p) => p === "POST /apps/track/api/events").length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    await sf.storefront().analytics.flush();
    const kinds = (await t.db.analyticsEvent.findMany({ select: { kind: true, outcome: true, productId: true } })).map(
      (e) => `${e.kind}:${e.outcome ?? e.productId ?? ""}`,
    );
    expect(kinds).toContain("lookup:found");
    expect(kinds).toContain("rec_impression:7001");
    expect(kinds).toContain("rec_click:7001");
    expect(errors).toEqual([]);
  }, 90_000);

  it("says the same thing for a wrong contact as for an unknown order", async () => {
    const message = async (order: string, contact: string) => {
      await page.goto(`${base}/pages/track`);
      await page.getByLabel("Order number").fill(order);
      await page.getByLabel("Email or phone number").fill(contact);
      await page.getByRole("button", { name: "Track order" }).click();
      const status = page.locator("[data-wpt-status]");
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/couldn't find/);
      expect(await page.locator("[data-wpt-result]").isVisible()).toBe(false);
      return status.textContent();
    };
    expect(await message("#1001", "someone@example.com")).toBe(await message("#777777", "maya.chen@example.com"));
  }, 60_000);

  it("opens the order straight from an emailed ?token= link", async () => {
    const order = await t.db.order.findFirstOrThrow({ where: { orderNumber: 1001 } });
    const token = signTrackingToken(TEST_SHOP, order.id, new Date());
    await page.goto(`${base}/pages/track?token=${encodeURIComponent(token)}`);
    const result = page.locator("[data-wpt-result]");
    await expect.poll(() => result.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await result.locator("h3").first().textContent()).toContain("#1001");
  }, 60_000);

  it("serves the app's own Liquid page with working scripts; a tracking number there shows the parcel only", async () => {
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/apps/track?locale=en`);
    await page.getByRole("textbox", { name: "Tracking number" }).fill("1Z999AA10123456784");
    await page.getByRole("button", { name: "Track package" }).click();
    const result = page.locator("[data-wpt-result]");
    await expect.poll(() => result.isVisible(), { timeout: 15_000 }).toBe(true);
    expect(await result.locator(".wpt__shipment").count()).toBe(1);
    expect(proxied).toContain("GET /apps/track/assets/tracking.js");
    // The parcel as its carrier shows it, under its number: status, bar, scans, the carrier's link.
    expect(await result.locator("h3").first().textContent()).toBe("Package 1Z999AA10123456784");
    expect(await result.locator(".wpt__shipment .wpt__now").textContent()).toContain("In transit");
    expect(await result.locator(".wpt__shipment [role=progressbar]").getAttribute("aria-valuenow")).toBe("3");
    expect(await result.locator(".wpt__events").textContent()).toContain("Hodgkins, IL, US");
    expect(await result.locator("a.wpt__carrier").getAttribute("href")).toBe(
      "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    );
    // Nothing of the order: no name or date, destination, items or recommendations on screen.
    const visible = await result.innerText();
    for (const secret of ["#1001", "Cambridge", "Trailhead", "Summit", "Ridge Rain Cover", "Placed"])
      expect(visible).not.toContain(secret);
    expect(await result.locator(".wpt__recs").isHidden()).toBe(true);
    // The order form stays, with how to see the whole order.
    const hint = page.locator("[data-wpt-parcel-hint]");
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.textContent()).toContain("To see your whole order, enter your order number");
    await page.screenshot({ path: "test-results/storefront-proxy-page.png", fullPage: true });

    await page.getByLabel("Order number").fill("#1001");
    await page.getByLabel("Email or phone number").fill("maya.chen@example.com");
    await page.getByRole("button", { name: "Track order" }).click();
    await expect.poll(() => result.locator("h3").first().textContent(), { timeout: 15_000 }).toContain("#1001");
    expect(await result.locator(".wpt__shipment").first().innerText()).toContain("Cambridge");
    expect(await hint.isHidden()).toBe(true);
    expect(await page.locator("[data-wpt-forms]").isHidden()).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);

  it("shows a return as its own journey and the carrier's delivery words, on a phone", async () => {
    const receive = receiverFor(t.db);
    const delivered = fixture("fulfillment_events-create.1001.1-delivered");
    for (const [topic, payload] of [
      ["fulfillment_events/create", { ...delivered, message: "Delivered, left with neighbour" }],
      ["returns/request", fixture("returns-request.1001-R1")],
      ["returns/approve", fixture("returns-approve.1001-R1")],
      ["reverse_deliveries/attach_deliverable", fixture("reverse_deliveries-attach_deliverable.1001-R1")],
    ] as const) {
      expect((await receive(signedWebhook(topic, payload))).status).toBe(200);
    }
    await new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "e2e-returns" }).drain();

    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.setViewportSize({ width: 390, height: 844 });
    const order = await t.db.order.findFirstOrThrow({ where: { orderNumber: 1001 } });
    await page.goto(
      `${base}/pages/track?token=${encodeURIComponent(signTrackingToken(TEST_SHOP, order.id, new Date()))}`,
    );
    const result = page.locator("[data-wpt-result]");
    await expect.poll(() => result.isVisible(), { timeout: 15_000 }).toBe(true);
    // One parcel, not "Package 1 of 2": the return is no parcel of the order.
    const parcels = result.locator(".wpt__shipment:not(.wpt__return)");
    expect(await parcels.count()).toBe(1);
    expect(await parcels.locator("h4").isHidden()).toBe(true);
    // Delivered, with the carrier's own words, in the status and the history.
    expect(await parcels.locator("[data-f=detail]").first().textContent()).toBe("Delivered, left with neighbour");
    expect(await parcels.locator(".wpt__events").textContent()).toContain("left with neighbour");
    // The return: its own six steps, at "on its way back" once the label exists, and the label to print.
    const ret = result.locator(".wpt__return");
    expect(await ret.locator("h4").textContent()).toBe("Return #1001-R1");
    const bar = ret.locator("[role=progressbar]");
    expect(await bar.getAttribute("aria-valuemax")).toBe("6");
    expect(await bar.getAttribute("aria-valuenow")).toBe("4");
    expect(await bar.getAttribute("aria-valuetext")).toMatch(/^Step 4 of 6: On its way back\. Return label created$/);
    const print = ret.getByRole("link", { name: /Print your return label/ });
    expect(await print.getAttribute("href")).toMatch(/^https:\/\/cdn\.shopify\.com\/.+return-label-1001-R1\.pdf/);
    expect(await ret.locator("[data-f=tracking]").textContent()).toBe("1Z999AA10123456800");
    // Nothing overflows the phone's width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: "test-results/storefront-return-390.png", fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);
});
