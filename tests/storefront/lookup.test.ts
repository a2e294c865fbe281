// Storefront lookups on a real database (SQLite and PostgreSQL), with data built the way production
// builds it: signed webhooks through the receiver, the queue and the worker.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { MAX_EVENTS, type LookupFound, type LookupParcelFound } from "~/storefront/contract";
import { LookupService, parseOrderNumber, typedTrackingNumber, type LookupResult } from "~/storefront/lookup.server";
import { Recommender } from "~/storefront/recommendations.server";
import { subStatusText } from "~/storefront/rules/status-labels";
import { recordAnalytics } from "~/storefront/analytics.server";
import { ensureTrackingCode, signTrackingToken } from "~/storefront/tracking-links.server";
import { Worker } from "~/jobs/worker.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook, TEST_SHOP } from "../support/shopify-webhooks";
import { demoCatalog, startFakeStorefront, type FakeStorefront } from "../support/storefront";

const OTHER_SHOP = "other-outfitters.myshopify.com";
const EMAIL = "maya.chen@example.com";

let fake: FakeStorefront;
beforeAll(async () => {
  fake = await startFakeStorefront(demoCatalog());
});
afterAll(async () => fake.close());

function found(r: LookupResult): LookupFound {
  expect(r.status).toBe(200);
  expect(r.body.found).toBe(true);
  return r.body as LookupFound;
}

/** A tracking-number answer: that parcel only. */
function parcelOf(r: LookupResult): LookupParcelFound["parcel"] {
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ found: true, scope: "parcel" });
  return (r.body as LookupParcelFound).parcel;
}

describe("parseOrderNumber", () => {
  it.each([
    ["#1001", 1001],
    ["1001", 1001],
    ["  #1001 ", 1001],
    ["W1001-EU", 1001],
    ["order", null],
    ["", null],
    ["#0", null],
  ])("%j → %j", (raw, n) => expect(parseOrderNumber(raw)).toBe(n));
});

describe("typedTrackingNumber", () => {
  it.each([
    ["1z999aa1 0123-4567 84", "1Z999AA10123456784"],
    ["\t1Z999AA10123456784\n", "1Z999AA10123456784"],
    ["１Ｚ９９９ＡＡ１－０１２３", "1Z999AA10123"],
    ["AB-12", "AB12"],
    ["A-B-C", null], // fewer than 4 letters or digits
    ["<script>", null],
    ["1Z999/AA1", null], // only spaces and dashes are separators a shopper types
    ["1".repeat(65), null],
    ["", null],
  ])("%j → %j", (raw, number) => expect(typedTrackingNumber(raw)).toBe(number));
});

/** The ways a number reaches us: as printed, and as merchants and shoppers type it. */
const TYPED_FORMS: [string, (n: string) => string][] = [
  ["as printed", (n) => n],
  ["in lower case", (n) => n.toLowerCase()],
  ["in groups of four", (n) => n.match(/.{1,4}/g)!.join(" ")],
  ["with dashes", (n) => n.match(/.{1,4}/g)!.join("-")],
  ["in full-width characters", (n) => String.fromCharCode(...[...n].map((c) => c.charCodeAt(0) + 0xfee0))],
  ["padded, lower case, tab-separated", (n) => `  ${n.slice(0, 8).toLowerCase()}\t${n.slice(8)} `],
];

describe.each(providers)("storefront lookups on %s", (provider) => {
  let t: TestDb;
  let worker: Worker;
  let lookups: LookupService;

  async function post(topic: string, payload: unknown, shop = TEST_SHOP) {
    const res = await receiverFor(t.db)(signedWebhook(topic, payload, { shop }));
    expect(res.status).toBe(200);
  }

  beforeEach(async () => {
    t = await freshDb(provider);
    worker = new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "lookup-test" });
    lookups = new LookupService(t.db, { recommender: new Recommender({ origin: () => fake.origin, waitMs: 2000 }) });
    // Shop A: #1001 split in two parcels, one in transit; shop B: only #1002.
    await post("orders/create", fixture("orders-create.1001"));
    await post("fulfillments/create", fixture("fulfillments-create.1001.1-ups"));
    await post("fulfillments/create", fixture("fulfillments-create.1001.2-usps"));
    await post("fulfillment_events/create", fixture("fulfillment_events-create.1001.1-in_transit"));
    await post("orders/create", fixture("orders-create.1002"), OTHER_SHOP);
    await worker.drain();
    fake.failWith = 0;
  });
  afterEach(async () => t.drop());

  const shopA = () => t.db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
  const order1001 = async () =>
    t.db.order.findFirstOrThrow({ where: { shopId: (await shopA()).id, orderNumber: 1001 } });

  describe("by order number and contact", () => {
    it("shows the order, both parcels, their timeline, carrier links and a masked destination", async () => {
      const body = found(
        await lookups.byOrder(TEST_SHOP, { order: "#1001", email: "Maya.Chen@Example.com" }, { locale: "en" }),
      );
      expect(body.order).toMatchObject({
        name: "#1001",
        stage: 3,
        status: "in_transit",
        statusLabel: "In transit",
        cancelled: false,
      });
      expect(new Date(body.order.placedAt).toISOString()).toBe(body.order.placedAt);
      expect(body.locale).toBe("en");
      expect(body.shipments).toHaveLength(2);
      const [ups, usps] = body.shipments as [LookupFound["shipments"][0], LookupFound["shipments"][0]];
      expect(ups).toMatchObject({
        kind: "outbound",
        stage: 3,
        subStatus: "in_transit",
        statusLabel: "In transit",
        delayed: false,
        needsAttention: false,
        carrier: "UPS",
        trackingNumber: "1Z999AA10123456784",
        destination: { city: "Cambridge", region: "MA", country: "US" },
        estimate: { source: "carrier", start: "2026-11-21T01:00:00.000Z", end: "2026-11-21T01:00:00.000Z" },
      });
      expect(ups.carrierUrl).toMatch(/^https:\/\/www\.ups\.com\//);
      const scan = ups.events.find((e) => e.status === "in_transit");
      expect(scan).toMatchObject({ label: "On its way", location: "Hodgkins, IL, US" });
      expect(usps).toMatchObject({ carrier: "USPS", trackingNumber: "9400111899223197428497", stage: 2 });
      // Each parcel lists what its fulfillment carries.
      expect(ups.items).toEqual([{ title: "Trailhead 40L Backpack", quantity: 2, image: null }]);
      expect(usps.items).toEqual([{ title: "Summit Insulated Bottle 1L", quantity: 1, image: null }]);
      // Nothing beyond city / region / country of the address, and no contact details, leaves the app.
      const text = JSON.stringify(body);
      for (const secret of ["Hampshire", "02139", "Maya", "555-0142", "617", EMAIL]) expect(text).not.toContain(secret);
    });

    it("accepts the number without # and the phone in national or international form", async () => {
      for (const phone of ["(617) 555-0142", "+1 617 555 0142", "617.555.0142"]) {
        const body = found(await lookups.byOrder(TEST_SHOP, { order: "1001", phone }));
        expect(body.order.name).toBe("#1001");
      }
    });

    it("gives an unknown order number and a wrong contact exactly the same answer", async () => {
      const wrongEmail = await lookups.byOrder(TEST_SHOP, { order: "#1001", email: "someone@example.com" });
      const wrongPhone = await lookups.byOrder(TEST_SHOP, { order: "#1001", phone: "+1 617 555 0199" });
      const unknown = await lookups.byOrder(TEST_SHOP, { order: "#99999", email: EMAIL });
      const noShop = await lookups.byOrder("never-installed.myshopify.com", { order: "#1001", email: EMAIL });
      for (const r of [wrongEmail, wrongPhone, unknown, noShop]) {
        expect(r.status).toBe(404);
        expect(r.body).toEqual(unknown.body);
        expect(r.orderId).toBeNull();
      }
      expect(unknown.body).toEqual({ found: false, reason: "not_found", message: expect.any(String) });
    });

    it("does the same database work whether the order exists or not", async () => {
      const queries: string[] = [];
      const counted = new LookupService(t.db, { recommender: new Recommender({ origin: () => fake.origin }) });
      await counted.shop(TEST_SHOP); // warm the shop cache, as a running process has it
      const spy = new Proxy(t.db, {
        get(target, prop) {
          const v = Reflect.get(target, prop);
          if (prop === "order" || prop === "shipment" || prop === "trackingEvent" || prop === "$queryRaw")
            queries.push(String(prop));
          return v;
        },
      });
      // Swap the client the service reads through (the same database).
      (counted as unknown as { db: unknown }).db = spy;
      await counted.byOrder(TEST_SHOP, { order: "#1001", email: "wrong@example.com" });
      const wrong = [...queries];
      queries.length = 0;
      await counted.byOrder(TEST_SHOP, { order: "#424242", email: "wrong@example.com" });
      expect(queries).toEqual(wrong);
      expect(wrong).toEqual(["$queryRaw"]); // one statement on [shopId, orderNumber], nothing more
    });

    it("answers invalid input with 400 and nothing else", async () => {
      for (const input of [
        { order: "", email: EMAIL },
        { order: "#1001" },
        { order: "#1001", email: "not-an-email" },
        { order: "#1001", phone: "call me" },
        { order: "x".repeat(41), email: EMAIL },
      ]) {
        const r = await lookups.byOrder(TEST_SHOP, input);
        expect(r.status).toBe(400);
        expect(r.body).toEqual({ found: false, reason: "invalid", message: expect.any(String) });
      }
    });

    it("never finds another shop's order, even with its exact number and contact", async () => {
      const r = await lookups.byOrder(OTHER_SHOP, { order: "#1001", email: EMAIL });
      expect(r.status).toBe(404);
      // Shop B's own order is found in shop B, and not in shop A under the same contact.
      expect(found(await lookups.byOrder(OTHER_SHOP, { order: "#1002", email: EMAIL })).order.name).toBe("#1002");
      expect((await lookups.byOrder(TEST_SHOP, { order: "#1002", email: EMAIL })).status).toBe(404);
    });

    it("lists parcels by their Shopify name, whatever order their webhooks arrived in", async () => {
      // As if #1001.2's webhook had been processed first.
      const usps = await t.db.shipment.findFirstOrThrow({ where: { name: "#1001.2" } });
      await t.db.shipment.update({ where: { id: usps.id }, data: { createdAt: new Date("2020-01-01T00:00:00Z") } });
      const body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }));
      expect(body.shipments.map((s) => s.trackingNumber)).toEqual(["1Z999AA10123456784", "9400111899223197428497"]);
    });

    it("speaks the shopper's language", async () => {
      const fr = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { locale: "fr-CA" }));
      expect(fr.locale).toBe("fr");
      expect(fr.order.statusLabel).toBe("En transit");
      expect(fr.shipments[0]!.events.find((e) => e.status === "in_transit")!.label).toBe("En route");
      const de = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { locale: "de" }));
      expect(de.order.statusLabel).toBe("Unterwegs");
      const other = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { locale: "pt-BR" }));
      expect(other.locale).toBe("en");
    });
  });

  describe("by tracking number and token", () => {
    it("shows just that parcel for its tracking number, in any spacing or case, and the hint", async () => {
      const r = await lookups.byTracking(TEST_SHOP, " 1z999aa1 0123456793 ", { locale: "de" });
      // Every column read through the join comes back typed on this database (dates, JSON).
      expect(parcelOf(r)).toMatchObject({
        carrier: "UPS",
        trackingNumber: "1Z999AA10123456793",
        subStatus: "in_transit",
        statusLabel: "Unterwegs",
        carrierUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456793",
        estimate: { source: "carrier", start: "2026-11-21T01:00:00.000Z", end: "2026-11-21T01:00:00.000Z" },
      });
      expect(parcelOf(r).events.find((e) => e.status === "in_transit")).toMatchObject({
        at: "2026-11-18T11:20:00.000Z",
        location: "Hodgkins, IL, US",
      });
      expect(r.body).toMatchObject({ locale: "de", hint: expect.stringContaining("Bestellnummer") });
      expect(r.orderId).toBe((await order1001()).id); // for analytics only, never in the answer
      expect((await lookups.byTracking(TEST_SHOP, "1Z999AA10000000000")).status).toBe(404);
      expect((await lookups.byTracking(OTHER_SHOP, "1Z999AA10123456784")).status).toBe(404);
      expect((await lookups.byTracking(TEST_SHOP, "<script>")).status).toBe(400);
    });

    it("finds a number stored from a payload in any form when it is typed in any form", async () => {
      // One parcel per form, its number written that way in the fulfillment payload (as a merchant
      // might type it into Shopify); then every form of every number is looked up.
      const numbers = TYPED_FORMS.map((_, i) => `1Z999AA1012345691${i}`);
      const usps = fixture("fulfillments-create.1001.2-usps");
      for (const [i, [, form]] of TYPED_FORMS.entries()) {
        const id = 5_550_000 + i;
        const typed = form(numbers[i]!);
        await post("fulfillments/create", {
          ...usps,
          id,
          admin_graphql_api_id: `gid://shopify/Fulfillment/${id}`,
          name: `#1001.${3 + i}`,
          tracking_number: typed,
          tracking_numbers: [typed],
        });
      }
      await worker.drain();
      const stored = await t.db.trackingNumber.findMany({
        where: { number: { in: numbers } },
        select: { number: true },
      });
      expect(stored.map((r) => r.number).sort()).toEqual(numbers); // one form in storage, whatever came in
      for (const [i, [, storedForm]] of TYPED_FORMS.entries()) {
        for (const [label, typedForm] of TYPED_FORMS) {
          const parcel = parcelOf(await lookups.byTracking(TEST_SHOP, typedForm(numbers[i]!)));
          expect(parcel.trackingNumber, label).toBe(storedForm(numbers[i]!).trim()); // shown as the merchant wrote it
        }
      }
      // A return label's number is stored the same way.
      await post("returns/request", fixture("returns-request.1001-R1"));
      const label = fixture<{ shipping_deliverable: { tracking: Record<string, unknown> } }>(
        "reverse_deliveries-attach_deliverable.1001-R1",
      );
      label.shipping_deliverable.tracking.tracking_number = "1z 999aa1-0123 4569 99";
      await post("reverse_deliveries/attach_deliverable", label);
      await worker.drain();
      for (const [, form] of TYPED_FORMS) {
        expect(parcelOf(await lookups.byTracking(TEST_SHOP, form("1Z999AA10123456999")))).toMatchObject({
          stage: 5,
          subStatus: "return_label_created",
        });
      }
    });

    it("reads a parcel in two statements and asks for no recommendations", async () => {
      const queries: string[] = [];
      const counted = new LookupService(t.db, { recommender: new Recommender({ origin: () => fake.origin }) });
      await counted.shop(TEST_SHOP);
      (counted as unknown as { db: unknown }).db = new Proxy(t.db, {
        get(target, prop) {
          // Statements and model calls (order, shipment, ...), not the client's internals they go through.
          if (
            typeof prop === "string" &&
            (["$queryRaw", "$queryRawUnsafe", "$transaction"].includes(prop) || /^[a-z]/.test(prop))
          )
            queries.push(prop);
          return Reflect.get(target, prop);
        },
      });
      const hits = fake.hits.length;
      parcelOf(await counted.byTracking(TEST_SHOP, "1Z999AA10123456784", { recs: "related" }));
      expect(queries).toEqual(["$queryRaw", "$queryRaw"]); // the parcel with its order's id and postcode, then its scans
      expect(fake.hits.length).toBe(hits);
    });

    it("opens nothing for a parcel whose order was redacted or has not arrived", async () => {
      const o = await order1001();
      await t.db.order.update({ where: { id: o.id }, data: { redactedAt: new Date() } });
      expect((await lookups.byTracking(TEST_SHOP, "1Z999AA10123456784")).status).toBe(404);
      await t.db.order.update({ where: { id: o.id }, data: { redactedAt: null } });
      await t.db.shipment.updateMany({ where: { orderId: o.id }, data: { orderId: null } });
      expect((await lookups.byTracking(TEST_SHOP, "1Z999AA10123456784")).status).toBe(404);
    });

    it("opens the order from a valid token of this shop only", async () => {
      const o = await order1001();
      const token = signTrackingToken(TEST_SHOP, o.id, new Date());
      expect(found(await lookups.byToken(TEST_SHOP, token)).order.name).toBe("#1001");
      expect((await lookups.byToken(OTHER_SHOP, token)).status).toBe(404);
      const forged = signTrackingToken(TEST_SHOP, o.id, new Date(), { secret: "another-secret-of-16+chars" });
      expect((await lookups.byToken(TEST_SHOP, forged)).status).toBe(404);
      const expired = signTrackingToken(TEST_SHOP, o.id, new Date(Date.now() - 200 * 86_400_000));
      expect((await lookups.byToken(TEST_SHOP, expired)).status).toBe(404);
      // A token naming shop A's order but signed for shop B opens nothing in either.
      const crossed = signTrackingToken(OTHER_SHOP, o.id, new Date());
      expect((await lookups.byToken(OTHER_SHOP, crossed)).status).toBe(404);
      expect((await lookups.byToken(TEST_SHOP, crossed)).status).toBe(404);
      expect((await lookups.byToken(TEST_SHOP, "")).status).toBe(400);
    });
  });

  it("exchanges an SMS short code for a token only in its shop and while it is valid", async () => {
    const o = await order1001();
    const code = await ensureTrackingCode(t.db, o.id);
    const token = await lookups.tokenForCode(TEST_SHOP, code);
    expect(found(await lookups.byToken(TEST_SHOP, token)).order.name).toBe("#1001");
    expect(await lookups.tokenForCode(OTHER_SHOP, code)).toBeNull();
    expect(
      await lookups.tokenForCode(TEST_SHOP, code.toLowerCase() === code ? code.toUpperCase() : code.toLowerCase()),
    ).toBeNull();
    expect(await lookups.tokenForCode(TEST_SHOP, "not a code")).toBeNull();
    const later = new LookupService(t.db, { now: () => new Date(o.processedAt.getTime() + 121 * 86_400_000) });
    expect(await later.tokenForCode(TEST_SHOP, code)).toBeNull();
  });

  describe("what the shopper sees", () => {
    it("lists a single parcel's items, a delay notice and a bounded, newest-first timeline", async () => {
      const o = await order1001();
      const [ups, usps] = await t.db.shipment.findMany({ where: { orderId: o.id }, orderBy: { createdAt: "asc" } });
      await t.db.shipment.delete({ where: { id: usps!.id } });
      // A parcel whose carried items are unknown, alone on its order, lists the order's items.
      await t.db.shipment.update({
        where: { id: ups!.id },
        data: { delayed: true, delayReason: "no_scan", lineItems: [] },
      });
      const base = Date.parse("2026-11-10T00:00:00Z");
      await t.db.trackingEvent.createMany({
        data: Array.from({ length: 40 }, (_, i) => ({
          shopId: o.shopId,
          shipmentId: ups!.id,
          dedupeKey: `bulk:${i}`,
          source: "fulfillment_event",
          status: "in_transit",
          happenedAt: new Date(base + i * 3_600_000),
          city: `Town ${i}`,
        })),
      });
      const body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }));
      const s = body.shipments[0]!;
      expect(s.delayed).toBe(true);
      expect(s.delayNotice).toBe("Your package hasn't been scanned for a few days.");
      expect(s.events).toHaveLength(MAX_EVENTS);
      const times = s.events.map((e) => Date.parse(e.at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      expect(s.items).toEqual([
        { title: "Trailhead 40L Backpack", quantity: 2, image: null },
        { title: "Summit Insulated Bottle 1L", quantity: 1, image: null },
      ]);
    });

    it("reads every column it shows on this database: predicted windows, cancellation, flags", async () => {
      const o = await order1001();
      const start = new Date("2026-11-24T00:00:00Z");
      const end = new Date("2026-11-26T00:00:00Z");
      const own = { start: new Date("2026-11-21T00:00:00Z"), end: new Date("2026-11-23T00:00:00Z") };
      await t.db.order.update({ where: { id: o.id }, data: { predictedStart: start, predictedEnd: end } });
      const flags = { carrierEdd: null, needsAttention: true, trackingUrls: ["javascript:alert(1)"] };
      await t.db.shipment.updateMany({
        where: { orderId: o.id },
        data: { ...flags, predictedStart: null, predictedEnd: null },
      });
      // #1001.1 has a window of its own; #1001.2 falls back to the order's.
      await t.db.shipment.updateMany({
        where: { orderId: o.id, name: "#1001.1" },
        data: { predictedStart: own.start, predictedEnd: own.end },
      });
      const body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }));
      expect(body.shipments.map((s) => s.estimate)).toEqual([
        { start: own.start.toISOString(), end: own.end.toISOString(), source: "predicted" },
        { start: start.toISOString(), end: end.toISOString(), source: "predicted" },
      ]);
      for (const s of body.shipments) {
        expect(s.needsAttention).toBe(true);
        expect(s.carrierUrl).toMatch(/^https:\/\//); // not the stored javascript: URL: built from the carrier and number
      }
      await t.db.order.update({ where: { id: o.id }, data: { cancelledAt: new Date("2026-11-18T00:00:00Z") } });
      const cancelled = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }));
      expect(cancelled.order).toMatchObject({ cancelled: true, statusLabel: subStatusText("cancelled", "en") });
      expect(cancelled.order.statusLabel).not.toBe(body.order.statusLabel);
      expect(new Date(cancelled.order.placedAt).getTime()).toBe(o.processedAt.getTime());
    });

    it("shows no echoes: fulfillment updates restating their status add no timeline entries", async () => {
      const usps = fixture("fulfillments-create.1001.2-usps");
      for (const hour of ["10", "11", "12"])
        await post("fulfillments/update", { ...usps, updated_at: `2026-11-19T${hour}:00:00-05:00` });
      await worker.drain();
      const body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }));
      const parcel = body.shipments.find((s) => s.carrier === "USPS")!;
      expect(parcel.events.map((e) => e.status)).toEqual(["label_purchased"]);
    });

    it("shows a return as its own journey: never a parcel, its label to print, then its refund", async () => {
      await post("returns/request", fixture("returns-request.1001-R1"));
      await worker.drain();
      // Requested, no reverse delivery yet: the order's return case, not a parcel, not counted among them.
      let body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }));
      expect(body.shipments.map((s) => s.kind)).toEqual(["outbound", "outbound"]);
      expect(body.returns).toHaveLength(1);
      expect(body.returns[0]).toMatchObject({
        name: "#1001-R1",
        status: "return_requested",
        statusLabel: "Return requested",
        steps: ["done", "current", "todo", "todo", "todo", "todo"],
        step: 2,
        labelUrl: null,
        carrier: null,
        trackingNumber: null,
        carrierUrl: null,
        refund: null,
      });
      // The items coming back, from the order's items (titles, never the shopper's reasons or notes).
      expect(body.returns[0]!.items).toEqual([{ title: expect.any(String), quantity: 1, image: null }]);
      expect(JSON.stringify(body.returns[0])).not.toContain("mistake");

      await post("returns/approve", fixture("returns-approve.1001-R1"));
      await post("reverse_deliveries/attach_deliverable", fixture("reverse_deliveries-attach_deliverable.1001-R1"));
      await worker.drain();
      body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { locale: "fr" }));
      expect(body.shipments).toHaveLength(2);
      expect(body.returns[0]).toMatchObject({
        status: "return_label_created",
        statusLabel: "Étiquette de retour créée",
        steps: ["done", "done", "done", "current", "todo", "todo"],
        step: 4,
        labelUrl: expect.stringMatching(/^https:\/\/cdn\.shopify\.com\/.+return-label-1001-R1\.pdf/),
        carrier: "UPS",
        trackingNumber: "1Z999AA10123456800",
        carrierUrl: expect.stringMatching(/^https:\/\/www\.ups\.com\//),
      });

      await post("refunds/create", fixture("refunds-create.1001-R1"));
      await worker.drain();
      body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { locale: "en" }));
      expect(body.returns[0]!.status).toBe("refunded");
      expect(body.returns[0]!.steps.at(-1)).toBe("done");
      // $137.06 on 28 November in the shop's time zone (UTC here), in the shopper's words.
      expect(body.returns[0]!.refund).toEqual({ amount: "$137.06", date: "Nov 28, 2026" });
    });

    it("shows a return declined before any label as the order's return case, with the merchant's note", async () => {
      const request = fixture("returns-request.1001-R1");
      await post("returns/request", {
        ...request,
        id: 3547300001,
        admin_graphql_api_id: "gid://shopify/Return/3547300001",
        name: "#1001-R2",
      });
      await post("returns/decline", fixture("returns-decline.1001-R2"));
      await worker.drain();
      const body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }));
      expect(body.shipments).toHaveLength(2);
      expect(body.returns).toEqual([
        expect.objectContaining({
          name: "#1001-R2",
          status: "declined",
          statusLabel: "Return declined",
          steps: [],
          labelUrl: null,
          carrier: null,
          trackingNumber: null,
          note: "Insulated bottles can't be returned once used, as noted on the product page.",
        }),
      ]);
    });
  });

  describe("recommendations", () => {
    it("recommends related products for the order's products, never the ones bought or sold out", async () => {
      const body = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { recs: "related" }));
      // Interleaved across the order's products, the order's own products and sold-out ones left out.
      expect(body.recommendations.map((r) => r.title)).toEqual(["Bottle Sling", "Ridge Rain Cover", "Trail Socks"]);
      expect(body.recommendations.find((r) => r.productId === "7001")).toEqual({
        productId: "7001",
        variantId: "80001",
        title: "Ridge Rain Cover",
        url: expect.stringMatching(/^\/products\/ridge-rain-cover\?/),
        image: "https://cdn.shopify.test/s/files/1/ridge-rain-cover.jpg",
        price: "24.00",
        currency: "USD",
      });
      expect(
        fake.hits.some(
          (h) => h.includes("intent=related") && h.includes("product_id=9012345678901") && h.includes("limit=4"),
        ),
      ).toBe(true);
    });

    it("follows the merchant's choice: complementary, a collection, the collection as fallback, or off", async () => {
      const comp = found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { recs: "complementary" }));
      expect(comp.recommendations.map((r) => r.title)).toEqual(["Hip Belt Pouch"]);
      const col = found(
        await lookups.byOrder(
          TEST_SHOP,
          { order: "#1001", email: EMAIL },
          { recs: "collection", collection: "best-sellers" },
        ),
      );
      expect(col.recommendations.map((r) => [r.title, r.price])).toEqual([
        ["Camp Mug", "14.50"],
        ["Headlamp", "29.00"],
      ]);
      // The shop's settings apply when the block says nothing; "off" in the app wins over the block.
      const shop = await shopA();
      await t.db.shop.update({ where: { id: shop.id }, data: { recommendationSource: "off" } });
      lookups.forgetShop();
      expect(
        found(await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { recs: "related" })).recommendations,
      ).toEqual([]);
      // Shop B's #1002 has products with no related ones: the merchant's collection fills in.
      const b = await t.db.shop.findUniqueOrThrow({ where: { domain: OTHER_SHOP } });
      await t.db.shop.update({
        where: { id: b.id },
        data: { recommendationSource: "related", recommendationCollection: "best-sellers" },
      });
      lookups.forgetShop();
      expect(
        found(await lookups.byOrder(OTHER_SHOP, { order: "#1002", email: EMAIL })).recommendations.map((r) => r.title),
      ).toEqual(["Camp Mug", "Headlamp"]);
    });

    it("caches per shop and product, and a failing storefront never fails the lookup", async () => {
      const before = fake.hits.length;
      await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { recs: "related" });
      const first = fake.hits.length - before;
      await lookups.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { recs: "related" });
      expect(fake.hits.length - before).toBe(first);

      const cold = new LookupService(t.db, { recommender: new Recommender({ origin: () => fake.origin }) });
      fake.failWith = 500;
      const body = found(await cold.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL }, { recs: "related" }));
      expect(body.recommendations).toEqual([]);
      const unreachable = new LookupService(t.db, {
        recommender: new Recommender({ origin: () => "http://127.0.0.1:1" }),
      });
      expect(found(await unreachable.byOrder(TEST_SHOP, { order: "#1001", email: EMAIL })).recommendations).toEqual([]);
    });
  });

  describe("analytics roll-ups", () => {
    it("stores each event and increments totals and dimensions with upserts", async () => {
      const shop = await shopA();
      const at = new Date("2026-11-20T12:00:00Z");
      await recordAnalytics(t.db, [
        { shopId: shop.id, kind: "lookup", outcome: "found", at },
        { shopId: shop.id, kind: "lookup", outcome: "not_found", at },
        { shopId: shop.id, kind: "rec_click", action: "add_to_cart", productId: "7001", at },
      ]);
      await recordAnalytics(t.db, [{ shopId: shop.id, kind: "lookup", outcome: "found", at }]);
      const stats = await t.db.dailyStat.findMany({
        where: { shopId: shop.id },
        orderBy: [{ metric: "asc" }, { dimension: "asc" }],
      });
      expect(stats.map((s) => [s.day, s.metric, s.dimension, s.count])).toEqual([
        ["2026-11-20", "lookup", "", 3],
        ["2026-11-20", "lookup", "found", 2],
        ["2026-11-20", "lookup", "not_found", 1],
        ["2026-11-20", "rec_click", "", 1],
        ["2026-11-20", "rec_click", "add_to_cart", 1],
      ]);
      expect(await t.db.analyticsEvent.count({ where: { shopId: shop.id } })).toBe(4);
    });
  });
});
