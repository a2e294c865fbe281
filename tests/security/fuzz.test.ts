// Malformed, oversized and hostile input at every external route (issue 15): the webhook door on a real
// socket and the Remix webhook routes, the app proxy routes, Twilio's and SendGrid's callbacks, and the
// admin routes without a session token or with a forged one. fast-check with a fixed seed and bounded
// runs generates the input (tests/security/fuzz-support.ts). For every answer: no 5xx but a 503 with
// Retry-After (overload), no crash or unhandled rejection, no request to the outside, a 4xx that says
// what is wrong without repeating the input; unauthenticated input stores nothing (row counts of every
// table it could reach); signed input with a hostile payload may be stored (persist first) but never
// 5xx. The last block keeps, as plain tests, each case the fuzzing found.
import {
  outbound,
  answerOf,
  deliveryState,
  expectSafeAnswer,
  headerSafe,
  HOSTILE,
  hostile,
  hostileBody,
  hostileHeader,
  hostileQuery,
  rawHttp,
  request,
  rowCounts,
  runs,
  SCRIPT,
  seen,
  type Body,
  type Counts,
  type RawRequest,
  type Seen,
} from "./fuzz-support";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { EventWebhookHeader } from "@sendgrid/eventwebhook";
import fc from "fast-check";
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Db } from "~/db.server";
import {
  createWebhookIngest,
  MAX_WEBHOOK_KEY_LENGTH,
  WEBHOOK_PATHS,
  webhookPath,
  type WebhookIngest,
} from "~/ingest/door.server";
import { BODY_LIMITS } from "~/lib/body.server";
import { signAppProxyQuery, webhookHeaders, type WebhookDelivery } from "~/lib/shopify-signing.server";
import { NOTIFICATION_ARG, SHOP_ARG } from "~/notifications/providers/sendgrid.server";
import { PAGE_ASSETS } from "~/storefront/page.server";
import type * as StorefrontModule from "~/storefront/handlers.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fakeSid } from "../support/fake-twilio";
import { SECRET, TEST_SHOP } from "../support/shopify-webhooks";

// The app's own Twilio and SendGrid accounts (env() reads them on first use).
const APP_SID = fakeSid("AC");
const APP_TOKEN = "fuzz-app-auth-token-0123456789";
const APP_FROM = "+15005550006";
const CUSTOMER = "+14155552671";
const SENDGRID = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const OTHER_KEY = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
process.env.TWILIO_ACCOUNT_SID = APP_SID;
process.env.TWILIO_AUTH_TOKEN = APP_TOKEN;
process.env.TWILIO_FROM = APP_FROM;
process.env.SENDGRID_WEBHOOK_VERIFICATION_KEY = SENDGRID.publicKey
  .export({ type: "spki", format: "der" })
  .toString("base64");
const APP_URL = process.env.SHOPIFY_APP_URL!; // https://waypoint.test
const API_KEY = process.env.SHOPIFY_API_KEY!;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (args: LoaderFunctionArgs) => any;
interface RouteModule {
  loader?: Handler;
  action?: Handler;
}
/** The handler Remix would call for this method, or undefined when Remix itself answers 405. */
function handlerFor(mod: RouteModule, method: string): Handler | undefined {
  return method === "GET" || method === "HEAD" ? mod.loader : mod.action;
}

let t: TestDb; // the app's database (SQLite): the routes use it through app/db.server
let seeded: { shopId: string; smsSid: string; emailId: string };
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onRejection);
  t = await freshDb("sqlite");
  globalThis.__waypointDb = t.db;
  process.env.DATABASE_URL = t.url;
  const shop = await t.db.shop.create({ data: { domain: TEST_SHOP } });
  const order = await t.db.order.create({
    data: {
      shopId: shop.id,
      shopifyId: "fuzz-1",
      name: "#1001",
      orderNumber: 1001,
      email: "maya@example.com",
      phone: CUSTOMER,
      processedAt: new Date(),
      factsAt: new Date(),
    },
  });
  const smsSid = fakeSid("SM");
  await t.db.notification.create({
    data: {
      shopId: shop.id,
      orderId: order.id,
      channel: "sms",
      milestone: "shipped",
      idempotencyKey: "fuzz:sms",
      status: "sent",
      recipient: CUSTOMER,
      provider: "twilio",
      providerMessageId: smsSid,
    },
  });
  const email = await t.db.notification.create({
    data: {
      shopId: shop.id,
      orderId: order.id,
      channel: "email",
      milestone: "shipped",
      idempotencyKey: "fuzz:email",
      status: "sent",
      recipient: "maya@example.com",
      provider: "sendgrid",
      providerMessageId: "sg-fuzz-1",
    },
  });
  seeded = { shopId: shop.id, smsSid, emailId: email.id };
});
afterAll(async () => {
  process.off("unhandledRejection", onRejection);
  const { webhookIngest } = await import("~/runtime.server");
  await webhookIngest.close();
  globalThis.__waypointDb = undefined;
  await t.drop();
});
afterEach(() => {
  expect(rejections).toEqual([]);
  expect(outbound).toEqual([]);
});

/** Row counts may move only where `moved` says; every other table is as it was. */
function expectUnchanged(before: Counts, after: Counts, moved: Partial<Counts> = {}): void {
  for (const table of Object.keys(before) as (keyof Counts)[])
    expect(after[table] - before[table], table).toBe(moved[table] ?? 0);
}

// ---------------------------------------------------------------------------------------------------
// Shopify webhooks
// ---------------------------------------------------------------------------------------------------

const WEBHOOK_SPELLINGS = [
  "/webhooks/tracking",
  "/webhooks/app",
  "/webhooks/compliance",
  "/webhooks/tracking/",
  "/WEBHOOKS/Tracking",
  "/webhooks/%74racking",
  "//webhooks//app",
  "/webhooks/app/../tracking",
  "/webhooks/./compliance",
  "/webhooks/tracking?x=1&x=2",
  "http://waypoint.test/webhooks/tracking",
];
const OTHER_TARGETS = [
  "/webhooks/tracking%3Fx",
  "/webhooks/%2e%2e/webhooks/tracking",
  "/webhooks/tracking%00",
  "/webhooks/%zz",
  "/webhooks/trackingX",
  "/webhooks/tracking/x",
  "/webhooks",
  "/",
  "*",
  `/webhooks/${"a".repeat(3000)}`,
  "/apps/track/../../webhooks/tracking",
  "/webhooks\\tracking",
  "/webhooks/tracking#frag",
];

const delivery: fc.Arbitrary<WebhookDelivery> = fc.record({
  topic: fc.oneof(
    fc.constantFrom("orders/create", "fulfillments/create", "customers/redact", "shop/redact", "app/uninstalled"),
    hostileHeader,
  ),
  shop: fc.oneof(
    fc.constant(TEST_SHOP),
    fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/).map((h) => `${h}.myshopify.com`),
    hostileHeader,
  ),
  apiVersion: fc.oneof(fc.constant("2026-07"), hostileHeader),
  webhookId: fc.oneof(fc.uuid(), hostileHeader),
  triggeredAt: fc.oneof(
    fc.constant("2026-12-01T10:00:00.000Z"),
    fc.constantFrom(
      "-200000-01-01T00:00:00Z",
      "+275760-09-13T00:00:00Z",
      "0000-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999Z",
      "garbage",
    ),
    hostileHeader,
  ),
  eventId: fc.oneof(fc.uuid(), hostileHeader),
});

/** How an unauthenticated delivery gets its HMAC wrong. */
const FORGERIES = ["missing", "other-secret", "flipped", "garbage", "duplicated", "other-body", "empty"] as const;
type Forgery = (typeof FORGERIES)[number];

interface WebhookCase {
  signed: boolean;
  forgery: Forgery;
  delivery: WebhookDelivery;
  omit: string[];
  extra: [string, string][];
  body: Body;
}

const webhookCase: fc.Arbitrary<WebhookCase> = fc.record({
  signed: fc.boolean(),
  forgery: fc.constantFrom(...FORGERIES),
  delivery,
  omit: fc.subarray([
    "X-Shopify-Topic",
    "X-Shopify-Shop-Domain",
    "X-Shopify-Webhook-Id",
    "X-Shopify-API-Version",
    "Content-Type",
  ]),
  extra: fc.array(
    fc.tuple(
      fc.constantFrom(
        "X-Shopify-Topic",
        "X-Shopify-Shop-Domain",
        "X-Shopify-Webhook-Id",
        "X-Shopify-Hmac-Sha256",
        "X-Forwarded-For",
        "User-Agent",
        "X-Shopify-Event-Id",
      ),
      hostileHeader,
    ),
    { maxLength: 2 },
  ),
  body: hostileBody(BODY_LIMITS.webhook, 100_000),
});

/** The case's headers, in order (a repeated name is a repeated header). Signed cases keep the HMAC intact. */
function webhookHeaderList(c: WebhookCase): [string, string][] {
  const signed = webhookHeaders(c.delivery, c.body.bytes, SECRET);
  const list: [string, string][] = Object.entries(signed).filter(([name]) => !c.omit.includes(name));
  if (c.signed)
    return [
      ...list,
      ...c.extra.filter(([name]) => name !== "X-Shopify-Hmac-Sha256" && name !== "X-Shopify-Webhook-Id"),
    ];
  const i = list.findIndex(([name]) => name === "X-Shopify-Hmac-Sha256");
  const hmac = signed["X-Shopify-Hmac-Sha256"]!;
  const forged: Record<Exclude<Forgery, "missing" | "duplicated">, string> = {
    "other-secret": webhookHeaders(c.delivery, c.body.bytes, "not-the-secret")["X-Shopify-Hmac-Sha256"]!,
    flipped: (hmac[0] === "A" ? "B" : "A") + hmac.slice(1),
    garbage: headerSafe(c.extra[0]?.[1] ?? SCRIPT) || "garbage",
    "other-body": webhookHeaders(c.delivery, Buffer.concat([c.body.bytes, Buffer.from(" ")]), SECRET)[
      "X-Shopify-Hmac-Sha256"
    ]!,
    empty: "",
  };
  if (c.forgery === "missing") list.splice(i, 1);
  else if (c.forgery === "duplicated") list.splice(i + 1, 0, ["X-Shopify-Hmac-Sha256", hmac]);
  else list[i] = ["X-Shopify-Hmac-Sha256", forged[c.forgery]];
  return [...list, ...c.extra.filter(([name]) => name !== "X-Shopify-Hmac-Sha256")];
}

/** A refused delivery says why; Node's own parser refusals (malformed HTTP, headers over 16 KB) are empty. */
const webhookRules = { emptyOk: (a: Seen) => "fromParser" in a && (a as { fromParser: boolean }).fromParser };

/** Stored once exactly when answered 200 OK (never unsigned); nothing else moves. */
async function expectWebhookRows(db: Db, c: WebhookCase, a: Seen, before: Counts): Promise<void> {
  const stored = a.status === 200 && a.body === "OK";
  // An empty body has no signature to check (the library's verdict too): unauthenticated, 401.
  if (!c.signed || c.body.bytes.length === 0)
    expect([400, 401, 405, 413, 431], `${a.status} ${a.body}`).toContain(a.status);
  else expect([200, 400, 405, 413, 431], `${a.status} ${a.body}`).toContain(a.status);
  expectUnchanged(before, await rowCounts(db), stored ? { WebhookReceipt: 1, Job: 1 } : {});
}

const inputsOf = (c: WebhookCase) => [
  ...Object.values(c.delivery),
  ...c.extra.map(([, v]) => v),
  c.body.bytes.length < 10_000 ? c.body.bytes.toString("utf8") : "",
];

describe.each(providers)("the webhook door in front of Remix, on a socket (%s)", (provider) => {
  let d: TestDb;
  let ingest: WebhookIngest;
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    d = await freshDb(provider);
    ingest = createWebhookIngest({ db: d.db, secret: SECRET });
    server = http.createServer((req, res) => {
      if (ingest.handleNodeRequest(req, res)) return;
      // What server.mjs hands to Express and Remix; marked so the test can tell.
      res
        .writeHead(404, { "Content-Type": "text/plain", "Content-Length": "18", "X-Fell-Through": "1" })
        .end("Left to Remix here");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await ingest.close();
    await d.drop();
  });

  it("hostile deliveries, signed and not, at every spelling of the paths: stored only when signed, never a 5xx", async () => {
    const target = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...WEBHOOK_SPELLINGS) },
      { weight: 1, arbitrary: fc.constantFrom(...OTHER_TARGETS) },
    );
    const method = fc.constantFrom("POST", "POST", "POST", "POST", "GET", "PUT", "DELETE", "OPTIONS");
    await fc.assert(
      fc.asyncProperty(webhookCase, target, method, fc.boolean(), async (c, path, verb, declaredOver) => {
        const before = await rowCounts(d.db);
        const raw: RawRequest = {
          method: verb,
          target: path,
          headers: webhookHeaderList(c),
          body: c.body.bytes,
          chunked: c.body.chunked,
        };
        if (declaredOver && !c.body.chunked) raw.declaredLength = BODY_LIMITS.webhook + 1; // refused unread
        const a = await rawHttp(port, raw);
        expect(a, "the server answered").not.toBeNull();
        if (a!.headers.has("x-fell-through")) {
          expect(verb !== "POST" || webhookPath(path) === null, `${verb} ${path} fell through`).toBe(true);
          expectUnchanged(before, await rowCounts(d.db));
          return;
        }
        expectSafeAnswer(a!, inputsOf(c), webhookRules);
        if (a!.fromParser) return expectUnchanged(before, await rowCounts(d.db));
        expect(verb === "POST" && webhookPath(path) !== null, `${verb} ${path} took the door`).toBe(true);
        await expectWebhookRows(d.db, raw.declaredLength ? { ...c, signed: false } : c, a!, before);
      }),
      runs(60),
    );
  });

  it("HTTP framing tricks (smuggling, lying or repeated lengths, bad chunks, raw NUL) are refused and store nothing", async () => {
    const body = Buffer.from(JSON.stringify({ id: 1 }));
    const headers = Object.entries(
      webhookHeaders(
        { topic: "orders/create", shop: TEST_SHOP, apiVersion: "2026-07", webhookId: crypto.randomUUID() },
        body,
        SECRET,
      ),
    );
    const before = await rowCounts(d.db);
    const tricks: RawRequest[] = [
      {
        method: "POST",
        target: "/webhooks/tracking",
        headers,
        body,
        framing: [`Content-Length: ${body.length}`, "Transfer-Encoding: chunked"],
      },
      {
        method: "POST",
        target: "/webhooks/tracking",
        headers,
        body,
        framing: [`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`],
      },
      {
        method: "POST",
        target: "/webhooks/tracking",
        headers,
        body: Buffer.from("zz\r\n{}\r\n0\r\n\r\n"),
        framing: ["Transfer-Encoding: chunked"],
      },
      { method: "POST", target: "/webhooks/tracking", headers, body, framing: ["Transfer-Encoding: gzip, chunked"] },
      { method: "POST", target: "/webhooks/tracking", headers, body, framing: ["Content-Length: -1"] },
      {
        method: "POST",
        target: "/webhooks/tracking",
        headers: [...headers, ["X-Shopify-Topic", Buffer.from([0x61, 0x00, 0x62])]],
        body,
      },
      { method: "POST", target: "/webhooks/tracking", headers: [...headers, ["X-Folded", "a\r\n b"]], body },
      { method: "POST", target: "/webhooks/tracking", headers, body, declaredLength: 2 ** 53 },
      {
        method: "POST",
        target: "/webhooks/tracking",
        headers,
        body: Buffer.alloc(BODY_LIMITS.webhook + 1, "{"),
        chunked: true,
      },
    ];
    for (const raw of tricks) {
      const a = await rawHttp(port, raw);
      expect(a, raw.framing?.join(" ") ?? "answered").not.toBeNull();
      expectSafeAnswer(a!, [], webhookRules);
      expect([400, 413], `${a!.status} ${a!.body}`).toContain(a!.status);
    }
    expectUnchanged(before, await rowCounts(d.db));
  });
});

describe("the webhook routes (webhooks.tracking, webhooks.app, webhooks.compliance)", () => {
  let routes: RouteModule[];
  beforeAll(async () => {
    routes = [
      await import("~/routes/webhooks.tracking"),
      await import("~/routes/webhooks.app"),
      await import("~/routes/webhooks.compliance"),
    ];
  });

  it("the production entry's door is the routes' ingest, on the paths shopify.app.toml names", async () => {
    const { handleWebhookRequest } = await import("~/entry.server");
    const { webhookIngest } = await import("~/runtime.server");
    expect(handleWebhookRequest).toBe(webhookIngest.handleNodeRequest);
    expect([...WEBHOOK_PATHS].sort()).toEqual(["/webhooks/app", "/webhooks/compliance", "/webhooks/tracking"]);
  });

  it("hostile requests, signed and not: stored only when signed, never a 5xx", async () => {
    const method = fc.constantFrom("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH");
    await fc.assert(
      fc.asyncProperty(webhookCase, fc.nat(2), method, async (c, r, verb) => {
        const before = await rowCounts(t.db);
        const headers = new Headers();
        for (const [name, value] of webhookHeaderList(c)) headers.append(name, value);
        const req = request(`${APP_URL}${[...WEBHOOK_PATHS][r]}`, { method: verb, headers, body: c.body });
        const a = await seen(await answerOf(() => routes[r]!.action!({ request: req, params: {}, context: {} })));
        expectSafeAnswer(a, inputsOf(c));
        if (verb !== "POST") expect(a.status).toBe(405);
        await expectWebhookRows(t.db, c, a, before);
      }),
      runs(50),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// The app proxy
// ---------------------------------------------------------------------------------------------------

describe("the app proxy routes (proxy._index, proxy.api.lookup, proxy.api.token.$token, proxy.api.events, proxy.assets.$file, proxy.$)", () => {
  type Route = "page" | "lookup" | "token" | "events" | "assets" | "splat";
  let routes: Record<Route, RouteModule>;
  let sf: StorefrontModule.Storefront;

  beforeAll(async () => {
    routes = {
      page: await import("~/routes/proxy._index"),
      lookup: await import("~/routes/proxy.api.lookup"),
      token: await import("~/routes/proxy.api.token.$token"),
      events: await import("~/routes/proxy.api.events"),
      assets: await import("~/routes/proxy.assets.$file"),
      splat: await import("~/routes/proxy.$"),
    };
    const { configureStorefront } = await import("~/storefront/handlers.server");
    // Limits high enough that the runs reach parsing and lookups (the limits have their own tests).
    const lots = { points: 1_000_000, duration: 60 };
    sf = configureStorefront({
      analytics: { flushMs: 600_000 },
      limits: { lookupPerIp: lots, lookupMissesPerShop: lots, eventsPerIp: lots },
    });
  });

  const PROXY_FORGERIES = [
    "missing",
    "stale",
    "future",
    "other-secret",
    "tampered",
    "duplicated",
    "bad-shop",
    "unsigned-query",
  ] as const;
  const proxyCase = fc.record({
    route: fc.constantFrom<Route>("page", "lookup", "token", "events", "assets", "splat"),
    method: fc.constantFrom("GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE"),
    signed: fc.boolean(),
    forgery: fc.constantFrom(...PROXY_FORGERIES),
    query: hostileQuery,
    param: fc.oneof(
      fc.constantFrom(
        ...PAGE_ASSETS,
        "tracking.js%00",
        "..%2F..%2Fpackage.json",
        "TRACKING.JS",
        ".env",
        "tracking.js/..",
        "",
      ),
      hostile,
    ),
    body: hostileBody(BODY_LIMITS.storefront, 4000),
    contentType: fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
      ),
      hostileHeader,
    ),
    ip: fc.oneof(fc.ipV4(), fc.ipV6(), hostileHeader),
    language: hostileHeader,
  });
  type ProxyCase = typeof proxyCase extends fc.Arbitrary<infer T> ? T : never;

  /** Path segments as a browser would send them (lone surrogates made well-formed first). */
  const segment = (s: string) => encodeURIComponent(Buffer.from(s).toString());

  function proxyUrl(c: ProxyCase): { url: string; params: Record<string, string> } {
    const [path, params]: [string, Record<string, string>] = {
      page: ["", {}],
      lookup: ["/api/lookup", {}],
      token: [`/api/token/${segment(c.param)}`, { token: c.param }],
      events: ["/api/events", {}],
      assets: [`/assets/${segment(c.param)}`, { file: c.param }],
      splat: [`/${segment(c.param)}`, { "*": c.param }],
    }[c.route] as [string, Record<string, string>];
    const base = `${APP_URL}/proxy${path}?`;
    if (c.signed)
      return { url: base + signAppProxyQuery(c.query, { shop: TEST_SHOP, secret: SECRET }).toString(), params };
    const now = Date.now();
    const sign = (opts: { shop?: string; secret?: string; now?: number }) =>
      signAppProxyQuery(c.query, {
        shop: opts.shop ?? TEST_SHOP,
        secret: opts.secret ?? SECRET,
        now: new Date(opts.now ?? now),
      });
    const q: Record<(typeof PROXY_FORGERIES)[number], () => string> = {
      missing: () => {
        const p = sign({});
        p.delete("signature");
        return p.toString();
      },
      stale: () => sign({ now: now - 91_000 }).toString(),
      future: () => sign({ now: now + 91_000 }).toString(),
      "other-secret": () => sign({ secret: "not-the-secret" }).toString(),
      tampered: () => `${sign({}).toString()}&order=%231001`,
      duplicated: () => {
        const p = sign({});
        return `${p.toString()}&signature=${p.get("signature")}`;
      },
      "bad-shop": () => sign({ shop: headerSafe(c.param) || "evil.example" }).toString(),
      "unsigned-query": () => c.query,
    };
    return { url: base + q[c.forgery](), params };
  }

  /**
   * Empty 4xx answers the storefront gives today (storefront/handlers.server.ts, reported on issue 15):
   * a 405 names the methods in Allow; an asset that is not one of the block's three files is 404;
   * analytics beacons get 400 or 429, which the block's script never reads.
   */
  const proxyRules = (route: Route) => ({
    emptyOk: (a: Seen) =>
      (a.status === 405 && a.headers.has("allow")) ||
      (route === "assets" && a.status === 404) ||
      (route === "events" && (a.status === 400 || a.status === 429)),
  });

  it("an unsigned, stale, tampered or re-shopped request gets an empty 400 and nothing happens (ADR 007)", async () => {
    await fc.assert(
      fc.asyncProperty(proxyCase, async (c0) => {
        const c = { ...c0, signed: false };
        const handler = handlerFor(routes[c.route], c.method);
        if (!handler) return; // Remix answers 405 before any of our code
        const before = await rowCounts(t.db);
        const { url, params } = proxyUrl(c);
        const req = request(url, {
          method: c.method,
          headers: { "X-Forwarded-For": c.ip, "Content-Type": c.contentType, "Accept-Language": c.language },
          body: c.body,
        });
        const a = await seen(await answerOf(() => handler({ request: req, params, context: {} })));
        expect(a.status, `${c.forgery} ${a.body}`).toBe(400);
        expect(a.body).toBe("");
        expect(a.headers.get("cache-control")).toBe("no-store");
        await sf.analytics.flush();
        expectUnchanged(before, await rowCounts(t.db));
      }),
      runs(60),
    );
  });

  it("a signed request with hostile query, path, headers and body: never a 5xx, nothing echoed, no stray files", async () => {
    await fc.assert(
      fc.asyncProperty(proxyCase, async (c0) => {
        const c = { ...c0, signed: true };
        const handler = handlerFor(routes[c.route], c.method);
        if (!handler) return;
        const before = await rowCounts(t.db);
        const { url, params } = proxyUrl(c);
        const req = request(url, {
          method: c.method,
          headers: { "X-Forwarded-For": c.ip, "Content-Type": c.contentType, "Accept-Language": c.language },
          body: c.body,
        });
        const a = await seen(await answerOf(() => handler({ request: req, params, context: {} })));
        expectSafeAnswer(a, [c.query, c.param, c.body.bytes.toString("utf8")], proxyRules(c.route));
        if (c.route === "assets" && a.status === 200) expect(PAGE_ASSETS).toContain(c.param);
        const location = a.headers.get("location");
        if (location) expect(location).toMatch(/^\/(?![/\\])/); // only ever back onto the shop's own proxy path
        await sf.analytics.flush();
        const after = await rowCounts(t.db);
        expectUnchanged(before, after, { AnalyticsEvent: after.AnalyticsEvent - before.AnalyticsEvent });
      }),
      runs(60),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Twilio and SendGrid
// ---------------------------------------------------------------------------------------------------

describe("Twilio's callbacks (webhooks.twilio, webhooks.twilio.status)", () => {
  let routes: Record<"inbound" | "status", RouteModule>;
  beforeAll(async () => {
    routes = {
      inbound: await import("~/routes/webhooks.twilio"),
      status: await import("~/routes/webhooks.twilio.status"),
    };
  });

  const wellFormed = (s: string) => Buffer.from(s).toString(); // what survives form encoding
  const twilioCase = fc.record({
    route: fc.constantFrom<"inbound" | "status">("inbound", "status"),
    method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT"),
    signed: fc.boolean(),
    forgery: fc.constantFrom("missing", "empty", "other-token", "other-params", "other-url", "garbage"),
    params: fc.record(
      {
        Body: fc.oneof(fc.constantFrom("STOP", "START", "stop.", "UNSUBSCRIBE"), hostile),
        From: fc.oneof(fc.constant(CUSTOMER), hostile),
        To: fc.oneof(fc.constant(APP_FROM), hostile),
        AccountSid: fc.oneof(fc.constant(APP_SID), hostile),
        MessageSid: fc.oneof(fc.constant("seeded"), hostile),
        MessageStatus: fc.oneof(fc.constantFrom("delivered", "undelivered", "failed"), hostile),
        ErrorCode: fc.oneof(fc.constant("30003"), hostile),
      },
      { requiredKeys: [] },
    ),
    extra: fc.array(fc.tuple(hostile, hostile), { maxLength: 3 }),
    query: hostileQuery,
    rawBody: fc.option(hostileBody(BODY_LIMITS.twilio, 20_000), { freq: 3 }),
    garbage: hostileHeader,
  });

  it("hostile callbacks, signed and not: an unsigned one changes nothing, none is a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(twilioCase, async (c) => {
        const handler = handlerFor(routes[c.route], c.method)!;
        const params: Record<string, string> = {};
        for (const [k, v] of [...Object.entries(c.params), ...c.extra])
          params[wellFormed(k)] = wellFormed(v === "seeded" ? seeded.smsSid : v);
        const path = c.route === "inbound" ? "/webhooks/twilio" : "/webhooks/twilio/status";
        const internal = new URL(`http://localhost:3000${path}?${c.query}`); // behind the tunnel; Twilio signed the public URL
        const publicUrl = `${APP_URL}${internal.pathname}${internal.search}`;
        const sign = (token: string, url: string, p: Record<string, string>) =>
          twilio.getExpectedTwilioSignature(token, url, p);
        const signature = c.signed
          ? sign(APP_TOKEN, publicUrl, params)
          : {
              missing: null,
              empty: "",
              "other-token": sign("not-the-token", publicUrl, params),
              "other-params": sign(APP_TOKEN, publicUrl, { ...params, Body: "STOP!" }),
              "other-url": sign(APP_TOKEN, "https://evil.example/webhooks/twilio", params),
              garbage: c.garbage,
            }[c.forgery];
        const body: Body =
          c.rawBody && !c.signed
            ? c.rawBody
            : { bytes: Buffer.from(new URLSearchParams(params).toString()), chunked: false };
        const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
        if (signature !== null) headers["X-Twilio-Signature"] = signature;
        const before = { rows: await rowCounts(t.db), delivery: await deliveryState(t.db) };
        const a = await seen(
          await answerOf(() =>
            handler({ request: request(internal.href, { method: c.method, headers, body }), params: {}, context: {} }),
          ),
        );
        expectSafeAnswer(a, [...Object.values(params), c.garbage, c.query]);
        if (c.method !== "POST") expect(a.status).toBe(405);
        if (!c.signed) {
          expect([403, 405, 413], `${a.status} ${a.body}`).toContain(a.status);
          expectUnchanged(before.rows, await rowCounts(t.db));
          expect(await deliveryState(t.db)).toBe(before.delivery);
        } else {
          const after = await rowCounts(t.db);
          expectUnchanged(before.rows, after, { SmsOptOut: after.SmsOptOut - before.rows.SmsOptOut });
        }
      }),
      runs(80),
    );
  });
});

describe("SendGrid's Event Webhook (webhooks.sendgrid)", () => {
  let route: RouteModule;
  beforeAll(async () => {
    route = await import("~/routes/webhooks.sendgrid");
  });

  const event = fc.record(
    {
      event: fc.oneof(fc.constantFrom("delivered", "bounce", "open", "dropped", "deferred"), hostile),
      [NOTIFICATION_ARG]: fc.oneof(fc.constant("seeded"), hostile),
      [SHOP_ARG]: fc.oneof(fc.constant(TEST_SHOP), hostile),
      sg_message_id: fc.oneof(fc.constant("sg-fuzz-1.filter0001"), hostile),
      timestamp: fc.oneof(fc.integer(), fc.double(), hostile),
      reason: hostile,
      nested: fc.integer({ min: 1, max: 2000 }).map((n) => JSON.parse("[".repeat(n) + "]".repeat(n)) as unknown),
    },
    { requiredKeys: [] },
  );
  const events = fc.oneof(
    fc.array(event, { maxLength: 6 }),
    fc.array(fc.oneof(hostile, fc.integer(), fc.constant(null)), { maxLength: 4 }),
    event,
  );

  const sendgridCase = fc.record({
    method: fc.constantFrom("POST", "POST", "POST", "GET", "PUT"),
    signed: fc.boolean(),
    forgery: fc.constantFrom("missing", "no-timestamp", "other-key", "other-body", "garbage"),
    payload: fc.oneof(
      events.map((e) => ({
        bytes: Buffer.from(JSON.stringify(e).replaceAll('"seeded"', JSON.stringify(seeded.emailId))),
        chunked: false,
      })),
      hostileBody(BODY_LIMITS.sendgrid, 200_000),
    ),
    garbage: hostileHeader,
  });

  it("hostile event batches, signed and not: an unsigned one changes nothing, none is a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(sendgridCase, async (c) => {
        const handler = handlerFor(route, c.method)!;
        const body = c.payload.bytes.toString("utf8"); // SendGrid signs the text it sends
        const ts = String(Math.floor(Date.now() / 1000));
        const sign = (key: crypto.KeyObject, text: string) =>
          crypto.sign("sha256", Buffer.from(ts + text), key).toString("base64");
        const headers: Record<string, string> = { "Content-Type": "application/json" };
        if (c.signed || c.forgery !== "missing") {
          headers[EventWebhookHeader.SIGNATURE()] = c.signed
            ? sign(SENDGRID.privateKey, body)
            : {
                "no-timestamp": sign(SENDGRID.privateKey, body),
                "other-key": sign(OTHER_KEY.privateKey, body),
                "other-body": sign(SENDGRID.privateKey, `${body} `),
                garbage: c.garbage,
                missing: "",
              }[c.forgery];
          if (c.signed || c.forgery !== "no-timestamp") headers[EventWebhookHeader.TIMESTAMP()] = ts;
        }
        const before = { rows: await rowCounts(t.db), delivery: await deliveryState(t.db) };
        const req = request("http://localhost:3000/webhooks/sendgrid", { method: c.method, headers, body: c.payload });
        const a = await seen(await answerOf(() => handler({ request: req, params: {}, context: {} })));
        expectSafeAnswer(a, [c.payload.bytes.length < 10_000 ? body : "", c.garbage]);
        if (c.method !== "POST") expect(a.status).toBe(405);
        if (!c.signed) {
          expect([403, 405, 413], `${a.status} ${a.body}`).toContain(a.status);
          expect(await deliveryState(t.db)).toBe(before.delivery);
        } else expect([200, 400, 403, 405, 413], `${a.status} ${a.body}`).toContain(a.status); // 403: bytes that are not UTF-8 are not the text signed
        expectUnchanged(before.rows, await rowCounts(t.db));
      }),
      runs(50),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// The admin
// ---------------------------------------------------------------------------------------------------

/** A session token as App Bridge makes one (HS256 over the app's secret), here never a valid one. */
function sessionToken(secret: string, claims: Record<string, unknown>, alg = "HS256"): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const head = `${part({ alg, typ: "JWT" })}.${part(claims)}`;
  return alg === "none"
    ? `${head}.`
    : `${head}.${crypto.createHmac("sha256", secret).update(head).digest("base64url")}`;
}

describe("the admin routes without a session token or with a forged one", () => {
  type AdminRoute = {
    name: string;
    mod: RouteModule;
    path: (p: string) => string;
    params: (p: string) => Record<string, string>;
    open?: boolean;
  };
  let routes: AdminRoute[];
  beforeAll(async () => {
    const at = (path: string) => () => path;
    const none = () => ({});
    routes = [
      { name: "app", mod: await import("~/routes/app"), path: at("/app"), params: none },
      { name: "app._index", mod: await import("~/routes/app._index"), path: at("/app"), params: none },
      { name: "app.shipments", mod: await import("~/routes/app.shipments"), path: at("/app/shipments"), params: none },
      {
        name: "app.shipments.$id",
        mod: await import("~/routes/app.shipments.$id"),
        path: (p) => `/app/shipments/${encodeURIComponent(Buffer.from(p).toString())}`,
        params: (p) => ({ id: p }),
      },
      { name: "app.review", mod: await import("~/routes/app.review"), path: at("/app/review"), params: none },
      {
        name: "app.bottlenecks",
        mod: await import("~/routes/app.bottlenecks"),
        path: at("/app/bottlenecks"),
        params: none,
      },
      { name: "app.failures", mod: await import("~/routes/app.failures"), path: at("/app/failures"), params: none },
      { name: "app.settings", mod: await import("~/routes/app.settings"), path: at("/app/settings"), params: none },
      {
        name: "api.order-tracking.$orderId",
        mod: await import("~/routes/api.order-tracking.$orderId"),
        path: (p) => `/api/order-tracking/${encodeURIComponent(Buffer.from(p).toString())}`,
        params: (p) => ({ orderId: p }),
      },
      {
        name: "auth.$",
        mod: await import("~/routes/auth.$"),
        path: (p) => `/auth/${p}`,
        params: (p) => ({ "*": p }),
        open: true,
      },
      { name: "_index", mod: await import("~/routes/_index"), path: at("/"), params: none, open: true },
      { name: "healthz", mod: await import("~/routes/healthz"), path: at("/healthz"), params: none, open: true },
    ];
    vi.spyOn(console, "log").mockImplementation(() => {}); // the library logs every authentication attempt at info
  });
  afterAll(() => vi.restoreAllMocks());

  const now = Math.floor(Date.now() / 1000);
  const claims = (shop: string, over: Record<string, unknown> = {}) => ({
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: API_KEY,
    sub: "1",
    exp: now + 60,
    nbf: now - 60,
    iat: now - 60,
    jti: crypto.randomUUID(),
    sid: "s",
    ...over,
  });
  /** Every way a token here is not Shopify's: the wrong key, expired, not yet valid, for another app, unsigned, not a token. */
  const token = fc.oneof(
    fc.constant(null),
    fc
      .tuple(
        fc.constantFrom("wrong-key", "expired", "future", "other-app", "alg-none", "tampered"),
        fc.oneof(fc.constant(TEST_SHOP), hostileHeader),
      )
      .map(([how, shop]) =>
        ({
          "wrong-key": () => sessionToken("not-the-secret", claims(shop)),
          expired: () => sessionToken(SECRET, claims(shop, { exp: now - 3600, nbf: now - 7200, iat: now - 7200 })),
          future: () => sessionToken(SECRET, claims(shop, { nbf: now + 3600, iat: now + 3600, exp: now + 7200 })),
          "other-app": () => sessionToken(SECRET, claims(shop, { aud: "another-app" })),
          "alg-none": () => sessionToken("", claims(shop), "none"),
          tampered: () => {
            const [head, , sig] = sessionToken(SECRET, claims(TEST_SHOP)).split(".");
            return `${head}.${Buffer.from(JSON.stringify(claims(shop, { sub: "2" }))).toString("base64url")}.${sig}`;
          },
        })[how](),
      ),
    hostileHeader,
  );
  const EXITS = [
    "https://evil.example/x",
    "javascript:alert(1)",
    "//evil.example",
    "https:///admin.shopify.com",
    "/app",
    "https://admin.shopify.com/store/x",
    `https://${TEST_SHOP}/admin`,
    "https://waypoint.test//x",
    " https://admin.shopify.com",
  ];
  const adminCase = fc.record({
    route: fc.nat(11),
    method: fc.constantFrom("GET", "GET", "POST", "OPTIONS", "PUT", "DELETE"),
    bearer: token,
    idToken: token,
    shop: fc.oneof(fc.constant(TEST_SHOP), hostile),
    host: fc.oneof(
      fc.constant(Buffer.from(`admin.shopify.com/store/${TEST_SHOP.split(".")[0]}`).toString("base64url")),
      hostile,
    ),
    embedded: fc.constantFrom("1", "0", null),
    param: fc.oneof(
      fc.constantFrom("login", "session-token", "exit-iframe", "callback", "", "login/", "LOGIN"),
      hostile,
    ),
    exit: fc.oneof(fc.constantFrom(...EXITS), hostile),
    query: hostileQuery,
    form: fc.array(
      fc.tuple(fc.constantFrom("intent", "ids", "brandPrimaryColor", "sendgridApiKey", "note", "to"), hostile),
      { maxLength: 4 },
    ),
  });

  /** Where a redirect or the exit-iframe page may send the browser: this app, Shopify admin, a shop. */
  function expectSafeDestination(url: string): void {
    if (url.startsWith("/")) return expect(url, url).toMatch(/^\/(?![/\\])/);
    const u = new URL(url);
    expect(u.protocol, url).toBe("https:");
    expect(
      u.host === new URL(APP_URL).host || u.host === "admin.shopify.com" || u.host.endsWith(".myshopify.com"),
      url,
    ).toBe(true);
  }

  it("nothing is served, stored or fetched; redirects stay on Shopify or this app; never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(adminCase, async (c) => {
        const route = routes[c.route]!;
        const handler = handlerFor(route.mod, c.method);
        if (!handler) return;
        const url = new URL(`${APP_URL}${route.path(c.param)}?${c.query}`);
        for (const [k, v] of [
          ["shop", c.shop],
          ["host", c.host],
          ["embedded", c.embedded],
          ["id_token", c.idToken],
          ["exitIframe", c.exit],
        ] as const)
          if (v !== null) url.searchParams.set(k, Buffer.from(v).toString());
        const headers: Record<string, string> = { Origin: "https://admin.shopify.com" };
        if (c.bearer !== null) headers.Authorization = `Bearer ${c.bearer}`;
        let body: Body | undefined;
        if (c.method !== "GET" && c.method !== "OPTIONS") {
          headers["Content-Type"] = "application/x-www-form-urlencoded";
          body = {
            bytes: Buffer.from(new URLSearchParams(c.form.map(([k, v]) => [k, Buffer.from(v).toString()])).toString()),
            chunked: false,
          };
        }
        const before = await rowCounts(t.db);
        const a = await seen(
          await answerOf(() =>
            handler({
              request: request(url.href, { method: c.method, headers, body }),
              params: route.params(c.param),
              context: {},
            }),
          ),
        );
        // The library's 401 for fetches is empty by design: App Bridge retries with a fresh token when it sees the header.
        expectSafeAnswer(
          a,
          [c.shop, c.host, c.param, c.exit, c.bearer ?? "", c.idToken ?? "", ...c.form.map(([, v]) => v)],
          { emptyOk: (x) => x.status === 401 && x.headers.get("x-shopify-retry-invalid-session-request") === "1" },
        );
        // Only the CORS preflight succeeds: 204, empty, before any authentication.
        const preflight = c.method === "OPTIONS" && a.status === 204 && a.body === "";
        if (!route.open && !preflight)
          expect(a.status < 300, `${route.name} served ${a.status} unauthenticated`).toBe(false);
        const csp = a.headers.get("content-security-policy");
        if (csp) expect(csp).toMatch(/^frame-ancestors( https:\/\/[\w.*-]+)+;$/); // the shop parameter never writes the policy
        const location = a.headers.get("location");
        if (location) expectSafeDestination(location);
        for (const m of a.body.matchAll(/window\.open\(("[^"]*")/g)) expectSafeDestination(JSON.parse(m[1]!) as string);
        expectUnchanged(before, await rowCounts(t.db));
      }),
      runs(120),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// What the fuzzing found, kept as plain tests
// ---------------------------------------------------------------------------------------------------

describe.each(providers)("found by fuzzing: signed deliveries that failed the whole commit (%s)", (provider) => {
  let d: TestDb;
  let ingest: WebhookIngest;
  beforeAll(async () => {
    d = await freshDb(provider);
    ingest = createWebhookIngest({ db: d.db, secret: SECRET });
  });
  afterAll(async () => {
    await ingest.close();
    await d.drop();
  });

  const deliver = (body: Buffer | string, over: Partial<WebhookDelivery> = {}) => {
    const h = webhookHeaders(
      { topic: "orders/create", shop: TEST_SHOP, apiVersion: "2026-07", webhookId: crypto.randomUUID(), ...over },
      body,
      SECRET,
    );
    const headers = new Headers(h);
    return ingest.accept({
      rawBody: body,
      header: (name) => headers.get(name),
      headerEntries: () => headers.entries(),
    });
  };

  it("a webhook id or topic of kilobytes is refused 400 naming the header (PostgreSQL's index refused it: 503 for the batch)", async () => {
    const long = crypto.randomBytes(6000).toString("base64");
    expect(await deliver("{}", { webhookId: long })).toEqual({
      status: 400,
      body: `X-Shopify-Webhook-Id is longer than ${MAX_WEBHOOK_KEY_LENGTH} characters`,
    });
    expect(await deliver("{}", { topic: long })).toEqual({
      status: 400,
      body: `X-Shopify-Topic is longer than ${MAX_WEBHOOK_KEY_LENGTH} characters`,
    });
    expect(await d.db.webhookReceipt.count()).toBe(0);
    expect((await deliver("{}", { webhookId: "w".repeat(MAX_WEBHOOK_KEY_LENGTH) })).status).toBe(200);
  });

  it("a body with NUL or bytes that are not UTF-8 is kept (NUL replaced), and fails in the worker, not the commit", async () => {
    const id = crypto.randomUUID();
    expect(await deliver(Buffer.from([0x7b, 0x00, 0xff, 0xc0, 0x80, 0x7d]), { webhookId: id })).toEqual({
      status: 200,
      body: "OK",
    });
    expect((await d.db.webhookReceipt.findUniqueOrThrow({ where: { webhookId: id } })).rawBody).toBe(
      "{\ufffd\ufffd\ufffd\ufffd}",
    );
  });

  it("an X-Shopify-Triggered-At outside four-digit years is stored as unknown (PostgreSQL refused the timestamp)", async () => {
    for (const triggeredAt of [
      "-200000-01-01T00:00:00Z",
      "+275760-09-13T00:00:00Z",
      "0000-01-01T00:00:00Z",
      "1969-12-31T23:59:59Z",
    ]) {
      const id = crypto.randomUUID();
      expect(await deliver("{}", { webhookId: id, triggeredAt })).toEqual({ status: 200, body: "OK" });
      expect((await d.db.webhookReceipt.findUniqueOrThrow({ where: { webhookId: id } })).triggeredAt).toBeNull();
    }
  });
});

describe("found by fuzzing: routes", () => {
  it("Twilio and SendGrid say why they refuse a callback (the 403s were empty)", async () => {
    const { action: inbound } = await import("~/routes/webhooks.twilio");
    const { action: status } = await import("~/routes/webhooks.twilio.status");
    const { action: events } = await import("~/routes/webhooks.sendgrid");
    const form = () => ({
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "forged" },
      body: "Body=STOP",
    });
    for (const [handler, url] of [
      [inbound, "/webhooks/twilio"],
      [status, "/webhooks/twilio/status"],
    ] as const) {
      const res = await handler({
        request: new Request(`http://localhost:3000${url}`, form()),
        params: {},
        context: {},
      });
      expect([res.status, await res.text()]).toEqual([403, "Missing or invalid X-Twilio-Signature"]);
    }
    const res = await events({
      request: new Request("http://localhost:3000/webhooks/sendgrid", { method: "POST", body: "[]" }),
      params: {},
      context: {},
    });
    expect([res.status, await res.text()]).toEqual([
      403,
      `Missing or invalid signature (${EventWebhookHeader.SIGNATURE()})`,
    ]);
  });

  it("/auth/login answers instead of a 500, and a ?shop= goes to Shopify's install page", async () => {
    const { loader } = await import("~/routes/auth.$");
    const page = await answerOf(() =>
      loader({ request: new Request(`${APP_URL}/auth/login`), params: { "*": "login" }, context: {} }),
    );
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Shopify admin/);
    const bad = await answerOf(() =>
      loader({
        request: new Request(`${APP_URL}/auth/login?shop=${encodeURIComponent(SCRIPT)}`),
        params: {},
        context: {},
      }),
    );
    expect([bad.status, await bad.text()]).toEqual([400, "shop must be a shop domain (<shop>.myshopify.com)"]);
    const install = await answerOf(() =>
      loader({ request: new Request(`${APP_URL}/auth/login?shop=${TEST_SHOP}`), params: {}, context: {} }),
    );
    expect(install.status).toBe(302);
    expect(install.headers.get("location")).toBe(
      `https://admin.shopify.com/store/waypoint-demo/oauth/install?client_id=${API_KEY}`,
    );
  });

  it("the auth pages refuse a shop that is not a shop domain (the bounce page copied it into a header: a 500 for non-Latin-1)", async () => {
    const { loader } = await import("~/routes/auth.$");
    for (const path of ["session-token", "exit-iframe", "anything"]) {
      const url = `${APP_URL}/auth/${path}?shop=${encodeURIComponent("🦆.myshopify.com")}&shopify-reload=%2Fapp`;
      const a = await seen(await answerOf(() => loader({ request: new Request(url), params: {}, context: {} })));
      expect([a.status, a.body], path).toEqual([400, "shop must be a shop domain (<shop>.myshopify.com)"]);
    }
  });

  it("/auth/exit-iframe sends the top window only to this app, Shopify admin or the shop (it opened any https URL, and a 500 for a bad one)", async () => {
    const { loader } = await import("~/routes/auth.$");
    const exit = async (to: string) => {
      const url = `${APP_URL}/auth/exit-iframe?shop=${TEST_SHOP}&exitIframe=${encodeURIComponent(to)}`;
      return seen(await answerOf(() => loader({ request: new Request(url), params: {}, context: {} })));
    };
    for (const to of [
      "https://evil.example/x",
      "javascript:alert(1)",
      "//evil.example/x",
      "https:///admin.shopify.com",
      "https://waypoint.test//x",
      "https://other.myshopify.com/admin",
      " /app",
      HOSTILE[1]!,
    ]) {
      const a = await exit(to);
      expect([a.status, a.body], to).toEqual([
        400,
        "exitIframe must be an https address of this app, of Shopify admin or of the shop",
      ]);
    }
    for (const to of [
      "/app",
      `${APP_URL}/app?x=1`,
      "https://admin.shopify.com/store/waypoint-demo/apps",
      `https://${TEST_SHOP}/admin/apps`,
    ]) {
      const a = await exit(to);
      expect(a.status, to).toBe(200);
      expect(a.body).toContain(`window.open(${JSON.stringify(new URL(to, APP_URL).href)}, "_top")`);
    }
  });
});
