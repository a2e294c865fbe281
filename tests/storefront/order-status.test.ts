// The order-status block (extensions/order-status-block) and its backend (app/routes/api.order-status.tsx):
// the real route module as Remix calls it, with session tokens signed like Shopify's (HS256, the app's
// secret) and verified by authenticate.public.customerAccount, on a fresh SQLite database (the app's own
// client, from DATABASE_URL); and the real extension module rendered through @shopify/ui-extensions'
// registration into a @remote-ui receiver (what Shopify's host does), its fetch answered by that route.
// The block must show the stages and the estimate the tracking page shows: the tracking page's lookup
// (by signed token) run through the tracking page's own script is the reference.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { createRemoteReceiver, KIND_TEXT, type RemoteReceiver } from "@remote-ui/core";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LookupFound } from "~/storefront/contract";
import { signTrackingToken } from "~/storefront/tracking-links.server";
import type { OrderStatusFound } from "../../extensions/order-status-block/src/contract";
import { freshDb, type TestDb } from "../support/db";

const SHOP = "acme.myshopify.com";
const CUSTOMER = "777";
const SECRET = process.env.SHOPIFY_API_SECRET!;
const T0 = new Date("2026-11-24T15:00:00Z");
const TRACKING_ROOT = path.resolve("extensions/tracking-block");

let t: TestDb;
let loader: (args: LoaderFunctionArgs) => Promise<Response>;
let orderId: string;

async function token(claims: Record<string, unknown> = {}, secret = SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: `https://${SHOP}/admin`,
    dest: SHOP,
    aud: process.env.SHOPIFY_API_KEY,
    sub: `gid://shopify/Customer/${CUSTOMER}`,
    jti: "jti-1",
    sid: "sid-1",
    ...claims,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt(now)
    .setNotBefore(now - 5)
    .setExpirationTime(now + 60)
    .sign(new TextEncoder().encode(secret));
}

async function call(query: string, headers: Record<string, string> = {}, method = "GET"): Promise<Response> {
  const request = new Request(`https://waypoint.test/api/order-status?${query}`, {
    method,
    headers: { Origin: "https://extensions.shopifycdn.com", ...headers },
  });
  try {
    return await loader({ request, params: {}, context: {} });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown; // Remix answers a thrown Response as is
    throw thrown;
  }
}

// The tracking page's own script and words, as the page runs them.
interface Core {
  fill(t: string, v: Record<string, unknown>): string;
  progress(
    stage: number,
    kind: string,
    sub: string,
    label: string,
    names: string[],
    tpl: string,
  ): { steps: string[]; text: string };
  formatWindow(e: { start: string; end: string } | null, locale?: string): string;
}
function trackingPage(locale: string) {
  const sandbox = { module: { exports: {} as unknown } };
  vm.runInNewContext(fs.readFileSync(path.join(TRACKING_ROOT, "assets", "tracking-core.js"), "utf8"), sandbox);
  const file = locale === "en" ? "en.default.json" : `${locale}.json`;
  const strings = JSON.parse(fs.readFileSync(path.join(TRACKING_ROOT, "locales", file), "utf8")) as {
    tracking: { stages: Record<string, string>; result: Record<string, string> };
  };
  return { core: sandbox.module.exports as Core, s: strings.tracking };
}

beforeAll(async () => {
  t = await freshDb("sqlite");
  process.env.DATABASE_URL = t.url;
  loader = (await import("~/routes/api.order-status")).loader;
  const shop = await t.db.shop.create({ data: { domain: SHOP, name: "Acme", primaryDomain: "shop.acme.test" } });
  const order = await t.db.order.create({
    data: {
      shopId: shop.id,
      shopifyId: "5550001",
      name: "#1001",
      orderNumber: 1001,
      email: "alex@example.com",
      customerShopifyId: CUSTOMER,
      customerLocale: "fr",
      stage: 3,
      subStatus: "in_transit",
      processedAt: new Date(T0.getTime() - 48 * 3_600_000),
      factsAt: T0,
    },
  });
  orderId = order.id;
  const s = await t.db.shipment.create({
    data: {
      shopId: shop.id,
      orderId: order.id,
      kind: "outbound",
      name: "#1001.1",
      carrier: "UPS",
      carrierCode: "ups",
      trackingNumbers: ["1Z999AA10123456784"],
      trackingUrls: ["https://www.ups.com/track?tracknum=1Z999AA10123456784"],
      primaryTracking: "1Z999AA10123456784",
      stage: 3,
      subStatus: "in_transit",
      delayed: true,
      delayReason: "carrier",
      carrierEdd: new Date("2026-11-27T20:00:00Z"),
      inTransitAt: T0,
      lastEventAt: T0,
      factsAt: T0,
    },
  });
  await t.db.trackingEvent.create({
    data: {
      shopId: shop.id,
      shipmentId: s.id,
      dedupeKey: "fe:1",
      source: "fulfillment_event",
      status: "in_transit",
      happenedAt: T0,
      city: "Columbus",
      province: "OH",
      country: "US",
    },
  });
  // Another customer's order in the same shop.
  await t.db.order.create({
    data: {
      shopId: shop.id,
      shopifyId: "5550002",
      name: "#1002",
      orderNumber: 1002,
      customerShopifyId: "888",
      processedAt: T0,
      factsAt: T0,
    },
  });
});
afterAll(async () => {
  await t.drop();
});

describe("order-status backend", () => {
  it("answers the signed-in customer's order with the tracking page's stages and estimate, in their language", async () => {
    for (const locale of ["en", "fr", "de", "es"]) {
      const res = await call(`order=gid://shopify/Order/5550001&locale=${locale}`, {
        Authorization: `Bearer ${await token()}`,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("cache-control")).toBe("private, no-store");
      const view = (await res.json()) as OrderStatusFound;

      // The tracking page's answer for the same order (its signed-link lookup), through its own script.
      const { storefront } = await import("~/storefront/handlers.server");
      const page = (await storefront().lookups.byToken(SHOP, signTrackingToken(SHOP, orderId, new Date()), { locale }))
        .body as LookupFound;
      const { core, s } = trackingPage(locale);
      const names = ["confirmed", "label_created", "in_transit", "delivery", "returns"].map((k) => s.stages[k]!);
      const ship = page.shipments[0]!;
      const p = core.progress(ship.stage, ship.kind, ship.subStatus, ship.statusLabel, names, s.result.progress!);
      const estimate = `${core.formatWindow(ship.estimate, locale)} (${s.result.carrier_estimate})`;

      expect(view.locale).toBe(locale);
      expect(view.heading).toBe(core.fill(s.result.order!, { order: "#1001" }));
      expect(view.shipments).toHaveLength(1);
      const v = view.shipments[0]!;
      expect(v.stages.steps).toEqual(p.steps.map((state, i) => ({ label: names[i], state })));
      expect(v.stages.steps.map((x) => x.state)).toEqual(["done", "done", "current", "todo"]);
      expect(v.stages.text).toBe(p.text);
      expect(v.statusLabel).toBe(ship.statusLabel);
      expect(v.estimate).toEqual({ label: s.result.estimate, text: estimate });
      expect(v.notice).toBe(ship.delayNotice ?? s.result.delayed);
      expect(v.carrierLink).toEqual({
        url: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        text: core.fill(s.result.carrier_link!, { carrier: "UPS" }),
      });
    }
  });

  it("refuses a missing or forged token (401), and answers the CORS preflight", async () => {
    expect((await call("order=5550001")).status).toBe(401);
    expect((await call("order=5550001", { Authorization: `Bearer ${await token({}, "another-secret")}` })).status).toBe(
      401,
    );
    const expired = await new SignJWT({ dest: SHOP, aud: process.env.SHOPIFY_API_KEY, sub: "777" })
      .setProtectedHeader({ alg: "HS256" })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    expect((await call("order=5550001", { Authorization: `Bearer ${expired}` })).status).toBe(401);
    const preflight = await call("order=5550001", { "Access-Control-Request-Method": "GET" }, "OPTIONS");
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("Authorization");
  });

  it("another customer's order, an unknown one and a guest token get the same 404; a malformed id 400", async () => {
    const auth = { Authorization: `Bearer ${await token()}` };
    const other = await call("order=5550002", auth);
    const unknown = await call("order=9999999", auth);
    const guest = await call("order=5550001", { Authorization: `Bearer ${await token({ sub: undefined })}` });
    expect([other.status, unknown.status]).toEqual([404, 404]);
    expect(await other.json()).toEqual(await unknown.json());
    expect(guest.status).toBe(400);
    const otherShop = await call("order=5550001", {
      Authorization: `Bearer ${await token({ dest: "other.myshopify.com" })}`,
    });
    expect(otherShop.status).toBe(404);
    expect((await call("order=1;DROP", auth)).status).toBe(400);
  });
});

// --- The extension, rendered -------------------------------------------------------------------------

type Node = {
  kind: number;
  type?: string;
  props?: Record<string, unknown>;
  text?: string;
  children?: Node[];
  id: unknown;
};

function subscribable<T>(current: T) {
  return { current, subscribe: () => () => {} };
}

function tree(receiver: RemoteReceiver, node: Node = receiver.attached.root as unknown as Node): Node {
  const fresh = (receiver.attached.get(node as never) as Node | null) ?? node;
  return { ...fresh, children: (fresh.children ?? []).map((c) => tree(receiver, c)) };
}
function texts(node: Node): string[] {
  if (node.kind === KIND_TEXT) return [node.text ?? ""];
  return (node.children ?? []).flatMap(texts);
}
function find(node: Node, type: string): Node[] {
  return [...(node.type === type ? [node] : []), ...(node.children ?? []).flatMap((c) => find(c, type))];
}

async function renderBlock(locale: string, sub: string = `gid://shopify/Customer/${CUSTOMER}`) {
  let registered: ((...args: unknown[]) => Promise<unknown>) | null = null;
  (globalThis as { shopify?: unknown }).shopify = {
    extend: (_target: string, fn: (...args: unknown[]) => Promise<unknown>) => (registered = fn),
  };
  const realFetch = globalThis.fetch;
  const requests: Request[] = [];
  // The block's fetch to the app goes to the real route module.
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    requests.push(request);
    const url = new URL(request.url);
    return call(url.search.slice(1), Object.fromEntries(request.headers));
  }) as typeof fetch;
  try {
    const { vi } = await import("vitest");
    vi.resetModules(); // a fresh registration per render
    await import("../../extensions/order-status-block/src/OrderStatusBlock");
    expect(registered).not.toBeNull();
    const strings = JSON.parse(
      fs.readFileSync(`extensions/order-status-block/locales/${locale === "en" ? "en.default" : locale}.json`, "utf8"),
    ) as Record<string, string>;
    const signed = await token({ sub });
    const api = {
      extension: { target: "customer-account.order-status.block.render" },
      order: subscribable({ id: "gid://shopify/Order/5550001", name: "#1001" }),
      localization: { language: subscribable({ isoCode: locale }) },
      i18n: { translate: (key: string) => strings[key] ?? key },
      sessionToken: { get: async () => signed },
    };
    const receiver = createRemoteReceiver();
    const components = [
      "Banner",
      "BlockStack",
      "Heading",
      "InlineStack",
      "Link",
      "Progress",
      "SkeletonTextBlock",
      "Text",
      "TextBlock",
    ];
    await registered!({ channel: receiver.receive, components }, api);
    // Rendered once loading; then the answer arrives. Wait for the re-render (bounded, no timers).
    for (let i = 0; i < 500 && !texts(tree(receiver)).some((x) => x !== strings.title && x !== ""); i++)
      await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    return { root: tree(receiver), requests, strings };
  } finally {
    globalThis.fetch = realFetch;
    delete (globalThis as { shopify?: unknown }).shopify;
  }
}

describe("order-status block (rendered)", () => {
  it("shows the stages, the estimate and the carrier link the tracking page shows, in en, fr, de, es", async () => {
    for (const locale of ["en", "fr", "de", "es"]) {
      const { root, requests, strings } = await renderBlock(locale);
      expect(requests).toHaveLength(1);
      expect(requests[0]!.headers.get("authorization")).toMatch(/^Bearer ey/);
      expect(new URL(requests[0]!.url).searchParams.get("order")).toBe("gid://shopify/Order/5550001");

      const res = await call(`order=5550001&locale=${locale}`, { Authorization: `Bearer ${await token()}` });
      const view = (await res.json()) as OrderStatusFound;
      const shown = texts(root).join("|");
      expect(shown).toContain(strings.title);
      const v = view.shipments[0]!;
      for (const step of v.stages.steps) expect(shown).toContain(step.label);
      expect(shown).toContain(v.estimate!.text);
      expect(shown).toContain(v.statusLabel);
      expect(shown).toContain(v.notice!);
      const [bar] = find(root, "Progress");
      expect(bar!.props).toMatchObject({ value: 2.5, max: 4, accessibilityLabel: v.stages.text });
      const [link] = find(root, "Link");
      expect(link!.props).toMatchObject({ to: v.carrierLink!.url, external: true });
      expect(texts(link!).join("")).toBe(v.carrierLink!.text);
      const current = find(root, "Text").find((n) => n.props?.emphasis === "bold" && n.props?.appearance === "accent");
      expect(texts(current!).join("")).toContain(v.stages.steps[2]!.label);
    }
  });

  it("says tracking is unavailable for an order that is not this customer's", async () => {
    const { root, strings } = await renderBlock("en", "gid://shopify/Customer/888");
    expect(texts(root)).toContain(strings.unavailable);
    expect(find(root, "Progress")).toHaveLength(0);
  });
});
