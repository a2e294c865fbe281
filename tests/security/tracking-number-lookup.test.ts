// A tracking number is printed on the parcel and shared freely: alone, it opens only what the carrier's
// own tracking page shows (issue 15 item 8). The shop's data comes in through signed webhooks and the
// worker, on each provider; the shopper's requests go through the app-proxy handlers signed as Shopify
// signs them: the block's JSON and the no-JavaScript page. The same parcel looked up with its order
// number and email shows the order, so every value looked for here is one the app really holds.
import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { dayKey } from "~/lib/time";
import { Storefront } from "~/storefront/handlers.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { EXTENSION_ROOT } from "../support/liquid";
import { fixture, receiverFor, signedWebhook } from "../support/shopify-webhooks";
import { demoCatalog, proxyRequest, startFakeStorefront, type FakeStorefront } from "../support/storefront";

const UPS = "1Z999AA10123456784";
const UPS_SECOND = "1Z999AA10123456793"; // the same fulfillment's other number: another parcel
const EMAIL = "Maya.Chen@Example.com";
// The simulator's #1001, renamed: "#1001" is also the block's example of an order number.
const NAME = "#4821";
const renamed = (name: string): Record<string, unknown> => {
  const payload = fixture(name);
  if (name.startsWith("orders-create")) return { ...payload, name: NAME, order_number: 4821 };
  return typeof payload.name === "string" ? { ...payload, name: payload.name.replace("#1001", NAME) } : payload;
};

/** What a tracking number alone may answer: the carrier's view of one parcel, and the hint. */
const PARCEL_KEYS = new Set([
  "found",
  "scope",
  "parcel",
  "hint",
  "locale",
  "stage",
  "subStatus",
  "statusLabel",
  "carrier",
  "trackingNumber",
  "carrierUrl",
  "estimate",
  "start",
  "end",
  "source",
  "events",
  "at",
  "status",
  "label",
  "location",
]);

function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysOf(v, out);
    }
  }
  return out;
}

const hintIn = (locale: string): string => {
  const file = path.join(EXTENSION_ROOT, "locales", `${locale === "en" ? "en.default" : locale}.json`);
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { tracking: { result: { parcel_hint: string } } }).tracking
    .result.parcel_hint;
};

let fake: FakeStorefront;
beforeAll(async () => {
  fake = await startFakeStorefront(demoCatalog());
});
afterAll(async () => fake.close());

describe.each(providers)("a tracking number alone, on %s", (provider) => {
  let t: TestDb;
  let sf: Storefront;
  /** The order's own values, as stored, that a tracking number must not reveal. */
  let secrets: Record<string, string>;

  beforeEach(async () => {
    t = await freshDb(provider);
    const receive = receiverFor(t.db);
    for (const [topic, name] of [
      ["orders/create", "orders-create.1001"],
      ["fulfillments/create", "fulfillments-create.1001.1-ups"],
      ["fulfillments/create", "fulfillments-create.1001.2-usps"],
      ["fulfillment_events/create", "fulfillment_events-create.1001.1-in_transit"],
      ["returns/request", "returns-request.1001-R1"],
      ["returns/approve", "returns-approve.1001-R1"],
      ["reverse_deliveries/attach_deliverable", "reverse_deliveries-attach_deliverable.1001-R1"],
    ] as const) {
      expect((await receive(signedWebhook(topic, renamed(name)))).status).toBe(200);
    }
    await new Worker(t.db, jobHandlers, {
      now: () => new Date(Date.now() + 60_000),
      id: "tracking-number-test",
    }).drain();
    sf = new Storefront({
      db: t.db,
      recommendations: { origin: () => fake.origin, waitMs: 2000 },
      analytics: { flushMs: 60_000 },
    });

    const order = await t.db.order.findFirstOrThrow({ where: { orderNumber: 4821 } });
    const shipments = await t.db.shipment.findMany({
      where: { orderId: order.id },
      select: { kind: true, name: true, primaryTracking: true },
    });
    const other = shipments.find((s) => s.kind === "outbound" && s.primaryTracking !== UPS);
    const ret = shipments.find((s) => s.kind === "return");
    const items = (order.lineItems as { title: string; productId: string }[]).map((i) => i.title);
    expect(items).toHaveLength(2);
    secrets = {
      "order name": order.name,
      "parcel name": shipments.find((s) => s.primaryTracking === UPS)!.name!,
      "placed at": order.processedAt.toISOString(),
      "placed on": dayKey(order.processedAt),
      city: order.shipCity!,
      postcode: order.shipZip!,
      region: "Massachusetts",
      street: "Hampshire",
      "first item": items[0]!,
      "second item": items[1]!,
      "product id": "9012345678901",
      "other parcel": other!.primaryTracking!,
      "the fulfillment's other number": UPS_SECOND,
      "return parcel": ret!.primaryTracking!,
      email: order.email!,
      "first name": order.customerFirstName!,
      "last name": "Chen",
      phone: "555-0142",
      "phone, E.164": order.phone!,
      recommendation: "Ridge Rain Cover",
    };
    for (const [what, value] of Object.entries(secrets)) expect(value, what).toBeTruthy();
    expect(secrets["parcel name"]).toBe(`${NAME}.1`);
  });
  afterEach(async () => {
    await sf.limiter.close();
    await t.drop();
  });

  const lookupJson = async (request: Request) => {
    const res = await sf.lookup(request);
    expect(res.status).toBe(200);
    return { text: await res.text() };
  };
  const revealed = (text: string) =>
    Object.entries(secrets)
      .filter(([, v]) => text.toLowerCase().includes(v.toLowerCase()))
      .map(([k]) => k);

  it("answers the block's JSON with the parcel as its carrier shows it, and nothing of the order", async () => {
    const { text } = await lookupJson(proxyRequest("/api/lookup", { query: `tracking=${UPS}&locale=en&recs=related` }));
    const body = JSON.parse(text) as { scope: string; hint: string; parcel: Record<string, unknown> };
    expect(revealed(text)).toEqual([]);
    expect([...keysOf(body)].filter((k) => !PARCEL_KEYS.has(k))).toEqual([]); // no destination, items, order, token...
    expect(body).toMatchObject({
      found: true,
      scope: "parcel",
      hint: hintIn("en"),
      parcel: {
        carrier: "UPS",
        trackingNumber: UPS,
        subStatus: "in_transit",
        carrierUrl: `https://www.ups.com/track?tracknum=${UPS}`,
        estimate: { source: "carrier" },
      },
    });
    expect(body.parcel.events).toContainEqual(
      expect.objectContaining({ status: "in_transit", location: "Hodgkins, IL, US" }),
    );

    // The same parcel with its order number and email: the order, as before.
    const order = await lookupJson(
      proxyRequest("/api/lookup", { body: { order: NAME, email: EMAIL }, query: "locale=en&recs=related" }),
    );
    const shown = revealed(order.text);
    for (const what of [
      "order name",
      "placed at",
      "city",
      "first item",
      "second item",
      "other parcel",
      "return parcel",
      "recommendation",
    ])
      expect(shown).toContain(what);
    expect(JSON.parse(order.text)).toMatchObject({
      found: true,
      scope: "order",
      order: { name: NAME },
      shipments: expect.arrayContaining([
        expect.objectContaining({
          trackingNumber: UPS,
          destination: { city: "Cambridge", region: "MA", country: "US" },
        }),
      ]),
    });
  });

  it("shows only that parcel for the fulfillment's other number, and for a return's", async () => {
    for (const number of [UPS_SECOND, secrets["return parcel"]!]) {
      const { text } = await lookupJson(proxyRequest("/api/lookup", { query: `tracking=${number}` }));
      const mine = Object.entries(secrets).find(([, v]) => v === number)![0];
      expect(revealed(text)).toEqual([mine]);
      expect([...keysOf(JSON.parse(text))].filter((k) => !PARCEL_KEYS.has(k))).toEqual([]);
    }
  });

  it("says in the shopper's language (en, fr, de, es) that the whole order opens with its number and contact", async () => {
    for (const locale of ["en", "fr", "de", "es"]) {
      const { text } = await lookupJson(proxyRequest("/api/lookup", { query: `tracking=${UPS}&locale=${locale}` }));
      expect(JSON.parse(text)).toMatchObject({ locale, hint: hintIn(locale) });
      if (locale !== "en") expect(hintIn(locale), locale).not.toBe(hintIn("en"));
    }
  });

  it("renders the no-JavaScript page with the parcel, the hint and the order form, and nothing of the order", async () => {
    const res = await sf.page(proxyRequest("", { query: `tracking=${UPS}&locale=en` }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(revealed(html)).toEqual([]);
    expect(html).toContain(`Package ${UPS}`);
    expect(html).toContain("In transit");
    expect(html).toContain(hintIn("en").replace(/'/g, "&#39;"));
    expect(html).toMatch(/<form[^>]*data-wpt-form="order"/);

    const order = await sf.page(
      proxyRequest("", {
        body: `order=${encodeURIComponent(NAME)}&contact=${encodeURIComponent(EMAIL)}`,
        contentType: "application/x-www-form-urlencoded",
      }),
    );
    const shown = revealed(await order.text());
    for (const what of ["order name", "other parcel"]) expect(shown).toContain(what);
  });
});
