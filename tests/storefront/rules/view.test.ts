// The storefront view without a database: rows in, the tracking block's answer out.
import { describe, expect, it } from "vitest";
import {
  foundView,
  orderItems,
  parcelView,
  visibleShipments,
  type EventColumns,
  type FoundInput,
  type OrderColumns,
  type ParcelInput,
  type ShipmentColumns,
} from "~/storefront/rules/view";
import type { ReturnCaseColumns } from "~/storefront/rules/returns";

const ORDER: OrderColumns = {
  name: "#1001",
  shipCity: "Cambridge",
  shipRegion: "MA",
  shipCountry: "US",
  processedAt: new Date("2026-11-16T14:12:40Z"),
  stage: 3,
  subStatus: "in_transit",
  cancelledAt: null,
  lineItems: [
    { id: "11", productId: "901", title: "Backpack", quantity: 2, requiresShipping: true },
    { id: "12", productId: 902, title: "Bottle", quantity: 1 },
    { id: "13", title: "Gift card", quantity: 1, requiresShipping: false },
  ],
  predictedStart: new Date("2026-11-20T00:00:00Z"),
  predictedEnd: new Date("2026-11-22T00:00:00Z"),
};

function parcel(over: Partial<ShipmentColumns> = {}): ShipmentColumns {
  return {
    id: "s1",
    kind: "outbound",
    stage: 3,
    subStatus: "in_transit",
    delayed: false,
    delayReason: null,
    needsAttention: false,
    carrier: null,
    carrierCode: "ups",
    trackingUrls: null,
    primaryTracking: "1Z999AA10123456784",
    carrierEdd: null,
    predictedStart: null,
    predictedEnd: null,
    lineItems: null,
    ...over,
  };
}

function view(over: Partial<FoundInput> = {}) {
  const input: FoundInput = {
    order: ORDER,
    items: orderItems(ORDER.lineItems),
    shipments: [parcel()],
    events: new Map(),
    recommendations: [],
    locale: "en",
    ...over,
  };
  return foundView(input);
}

describe("orderItems", () => {
  it("reads the stored items, skipping entries without a title and defaulting what is unreadable", () => {
    expect(
      orderItems([
        ...(ORDER.lineItems as unknown[]),
        null,
        [1],
        { id: "14", title: "" },
        { id: {}, title: "Socks", quantity: "3", requiresShipping: "no" },
      ]),
    ).toEqual([
      { id: "11", productId: "901", title: "Backpack", quantity: 2, requiresShipping: true },
      { id: "12", productId: "902", title: "Bottle", quantity: 1, requiresShipping: true },
      { id: "13", productId: null, title: "Gift card", quantity: 1, requiresShipping: false },
      { id: null, productId: null, title: "Socks", quantity: 1, requiresShipping: true },
    ]);
    expect(orderItems(null)).toEqual([]);
    expect(orderItems({ title: "not a list" })).toEqual([]);
    expect(orderItems(Array.from({ length: 150 }, (_, i) => ({ title: `Item ${i}` })))).toHaveLength(100);
  });
});

describe("foundView", () => {
  it("shows the order and a parcel with a masked destination and the carrier's page", () => {
    const body = view();
    expect(body.scope).toBe("order");
    expect(body.order).toEqual({
      name: "#1001",
      placedAt: "2026-11-16T14:12:40.000Z",
      stage: 3,
      status: "in_transit",
      statusLabel: "In transit",
      cancelled: false,
    });
    const [s] = body.shipments;
    expect(s).toMatchObject({
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456784",
      destination: { city: "Cambridge", region: "MA", country: "US" },
    });
    expect(s!.carrierUrl).toBe("https://www.ups.com/track?tracknum=1Z999AA10123456784");
    expect(s!.estimate).toEqual({
      start: "2026-11-20T00:00:00.000Z",
      end: "2026-11-22T00:00:00.000Z",
      source: "predicted",
    });
  });

  it("lists a lone parcel's shippable items, or what its fulfillment carries", () => {
    expect(view().shipments[0]!.items).toEqual([
      { title: "Backpack", quantity: 2, image: null },
      { title: "Bottle", quantity: 1, image: null },
    ]);
    const carried = view({
      shipments: [
        parcel({
          lineItems: [
            { id: "12", quantity: 1 },
            { id: "99", quantity: 1 },
          ],
        }),
        parcel({ id: "s2" }),
      ],
    });
    expect(carried.shipments.map((s) => s.items)).toEqual([[{ title: "Bottle", quantity: 1, image: null }], []]);
  });

  it("lists returns apart from the parcels, which are numbered among themselves", () => {
    const caseCols: ReturnCaseColumns = {
      returnLabelUrl: null,
      reverseDeliveryId: null,
      labelCreatedAt: null,
      inTransitAt: null,
      deliveredAt: null,
      caseName: "#1001-R1",
      caseStatus: "requested",
      declineNote: null,
      caseLineItems: [{ lineItemId: "12", quantity: 1, reason: "unwanted", customerNote: "secret" }],
      requestedAt: new Date("2026-11-23T00:00:00Z"),
      approvedAt: null,
      receivedAt: null,
      refundedAt: null,
      refundCents: null,
    };
    const body = view({
      shipments: [parcel({ id: "s1" })],
      returns: [
        {
          ...parcel({ id: "r1", kind: "return", subStatus: "return_requested", stage: 5, primaryTracking: null }),
          ...caseCols,
        },
      ],
    });
    expect(body.shipments.map((s) => s.id)).toEqual(["s1"]);
    expect(body.returns).toEqual([
      expect.objectContaining({
        id: "r1",
        name: "#1001-R1",
        steps: ["done", "current", "todo", "todo", "todo", "todo"],
        // The order's case: no carrier, number or link before a reverse delivery exists.
        carrier: null,
        trackingNumber: null,
        carrierUrl: null,
        items: [{ title: "Bottle", quantity: 1, image: null }],
      }),
    ]);
    // Return rows handed in among the parcels are not parcels either.
    expect(view({ shipments: [parcel({ id: "r1", kind: "return", stage: 5 }), parcel()] }).shipments).toHaveLength(1);
  });

  it("shows the carrier's own words on a delivery scan: left with a neighbour, where to pick it up", () => {
    const events = (message: string | null, source = "fulfillment_event", status = "delivered"): EventColumns[] => [
      {
        status,
        happenedAt: new Date("2026-11-21T15:00:00Z"),
        city: null,
        province: null,
        country: null,
        source,
        message,
      },
    ];
    const delivered = (ev: EventColumns[], subStatus = "delivered") =>
      view({ shipments: [parcel({ subStatus, stage: 4 })], events: new Map([["s1", ev]]) }).shipments[0]!;
    const s = delivered(events("Delivered,   left with neighbour"));
    expect(s.statusDetail).toBe("Delivered, left with neighbour");
    expect(s.events[0]).toMatchObject({ label: "Delivered", detail: "Delivered, left with neighbour" });
    // Words that only repeat the label, a synthetic fact's message and an in-transit scan's words add nothing.
    expect(delivered(events("DELIVERED.")).statusDetail).toBeUndefined();
    expect(delivered(events("Left with neighbour", "fulfillment")).statusDetail).toBeUndefined();
    const transit = delivered(events("Departed facility", "fulfillment_event", "in_transit"), "in_transit");
    expect(transit.statusDetail).toBeUndefined();
    expect(transit.events[0]!.detail).toBeUndefined();
    const pickup = delivered(
      events("Ready at Post Office, 12 Main St", "fulfillment_event", "ready_for_pickup"),
      "ready_for_pickup",
    );
    expect(pickup.statusDetail).toBe("Ready at Post Office, 12 Main St");
    expect(delivered(events("x".repeat(400))).statusDetail).toHaveLength(160);
  });

  it("gives a date-only carrier estimate as bare dates, and none once delivered", () => {
    const edd = new Date("2026-11-21T00:00:00Z");
    expect(view({ shipments: [parcel({ carrierEdd: edd })] }).shipments[0]!.estimate).toEqual({
      start: "2026-11-21",
      end: "2026-11-21",
      source: "carrier",
    });
    expect(
      view({ shipments: [parcel({ carrierEdd: edd, subStatus: "delivered" })] }).shipments[0]!.estimate,
    ).toBeNull();
  });

  it("shows the one current estimate: the announced delay date while delayed, and none for a pickup order", () => {
    const announced = new Date("2026-11-25T17:00:00Z");
    expect(
      view({ shipments: [parcel({ delayed: true, delayAnnouncedEdd: announced })] }).shipments[0]!.estimate,
    ).toEqual({ start: announced.toISOString(), end: announced.toISOString(), source: "predicted" });
    expect(view().shipments[0]!.estimate).toMatchObject({ start: ORDER.predictedStart!.toISOString() });
    const pickup = { ...ORDER, deliveryMethod: "local_pickup" };
    expect(view({ order: pickup }).shipments[0]!.estimate).toBeNull();
  });

  it("prefers an https tracking URL Shopify gave, and never another scheme", () => {
    expect(
      view({ shipments: [parcel({ trackingUrls: ["http://x.example/1", "https://track.example/1"] })] }).shipments[0]!
        .carrierUrl,
    ).toBe("https://track.example/1");
    expect(
      view({ shipments: [parcel({ trackingUrls: ["javascript:alert(1)"], carrierCode: null })] }).shipments[0]!
        .carrierUrl,
    ).toBeNull();
  });

  it("drops timeline entries that only repeat the older one's status without a place", () => {
    const at = (h: number) => new Date(Date.UTC(2026, 10, 18, h));
    const events: EventColumns[] = [
      { status: "in_transit", happenedAt: at(12), city: null, province: null, country: null },
      { status: "in_transit", happenedAt: at(11), city: "Hodgkins", province: "IL", country: "US" },
      { status: "label_purchased", happenedAt: at(10), city: null, province: null, country: null },
    ];
    const shown = view({ events: new Map([["s1", events]]) }).shipments[0]!.events;
    expect(shown).toEqual([
      { at: at(11).toISOString(), status: "in_transit", label: "On its way", location: "Hodgkins, IL, US" },
      { at: at(10).toISOString(), status: "label_purchased", label: expect.any(String), location: null },
    ]);
  });

  it("shows a delay notice only for a delayed parcel with a known reason, in the shopper's language", () => {
    expect(view({ shipments: [parcel({ delayed: true, delayReason: "no_scan" })] }).shipments[0]!.delayNotice).toBe(
      "Your package hasn't been scanned for a few days.",
    );
    expect(view({ shipments: [parcel({ delayed: false, delayReason: "no_scan" })] }).shipments[0]).not.toHaveProperty(
      "delayNotice",
    );
    const fr = view({ shipments: [parcel({ delayed: true, delayReason: "no_scan" })], locale: "fr" });
    expect(fr.shipments[0]!.delayNotice).not.toBe("Your package hasn't been scanned for a few days.");
    expect(fr.order.statusLabel).toBe("En transit");
  });

  it("labels a cancelled order as cancelled whatever its sub-status, and clamps stages", () => {
    const body = view({ order: { ...ORDER, cancelledAt: new Date("2026-11-18T00:00:00Z"), stage: 9 } });
    expect(body.order).toMatchObject({ cancelled: true, status: "in_transit", stage: 1 });
    expect(body.order.statusLabel).toBe(view({ order: { ...ORDER, subStatus: "cancelled" } }).order.statusLabel);
  });
});

describe("parcelView (a tracking number alone)", () => {
  const at = (h: number) => new Date(Date.UTC(2026, 10, 18, h));
  const EVENTS: EventColumns[] = [
    { status: "in_transit", happenedAt: at(11), city: "Hodgkins", province: "IL", country: "US" },
    { status: "label_purchased", happenedAt: at(10), city: null, province: null, country: null },
  ];
  function answer(over: Partial<ShipmentColumns> = {}, input: Partial<ParcelInput> = {}) {
    return parcelView({
      shipment: parcel(over),
      number: "1Z999AA10123456784",
      postcode: "02139",
      events: EVENTS,
      hint: "Enter your order number",
      locale: "en",
      ...input,
    });
  }

  it("answers what the carrier's page shows, and no field of the order", () => {
    const body = answer({
      carrierEdd: new Date("2026-11-21T00:00:00Z"),
      delayed: true,
      delayReason: "no_scan",
      needsAttention: true,
      lineItems: [{ id: "11", quantity: 2 }],
    });
    expect(body).toEqual({
      found: true,
      scope: "parcel",
      parcel: {
        stage: 3,
        subStatus: "in_transit",
        statusLabel: "In transit",
        carrier: "UPS",
        trackingNumber: "1Z999AA10123456784",
        carrierUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        estimate: { start: "2026-11-21", end: "2026-11-21", source: "carrier" },
        events: [
          { at: at(11).toISOString(), status: "in_transit", label: "On its way", location: "Hodgkins, IL, US" },
          { at: at(10).toISOString(), status: "label_purchased", label: expect.any(String), location: null },
        ],
      },
      hint: "Enter your order number",
      locale: "en",
    });
  });

  it("gives the carrier's estimate only: never ours, which is made from the order", () => {
    expect(
      answer({ predictedStart: ORDER.predictedStart, predictedEnd: ORDER.predictedEnd }).parcel.estimate,
    ).toBeNull();
    const timed = new Date("2026-11-21T01:00:00Z");
    expect(answer({ carrierEdd: timed }).parcel.estimate).toEqual({
      start: timed.toISOString(),
      end: timed.toISOString(),
      source: "carrier",
    });
    expect(answer({ carrierEdd: timed, subStatus: "delivered" }).parcel.estimate).toBeNull();
  });

  it("shows the number looked up, as the merchant wrote it when it is the parcel's first", () => {
    expect(answer({ primaryTracking: "1z999aa1 0123 4567 84" }).parcel.trackingNumber).toBe("1z999aa1 0123 4567 84");
    // The fulfillment's other number is another parcel: its number and link stay out of the answer.
    const second = answer({}, { number: "1Z999AA10123456793" }).parcel;
    expect(second.trackingNumber).toBe("1Z999AA10123456793");
    expect(second.carrierUrl).toBe("https://www.ups.com/track?tracknum=1Z999AA10123456793");
  });

  it("links a carrier without a template by Shopify's URL for that number, never one carrying the postcode", () => {
    const other = { carrierCode: null, carrier: "Local Couriers" };
    const mine = "https://track.example/p?n=1Z999AA10123456784";
    const sibling = "https://track.example/p?n=1Z999AA10123456793";
    expect(answer({ ...other, trackingUrls: [sibling, mine] }).parcel.carrierUrl).toBe(mine);
    for (const postcode of ["02139", "021 39"]) {
      for (const url of [`${mine}&zip=02139`, `${mine}&zip=021%2039`, `${mine}&zip=021%20 39`]) {
        expect(
          answer({ ...other, trackingUrls: [url] }, { postcode }).parcel.carrierUrl,
          `${url} / ${postcode}`,
        ).toBeNull();
      }
    }
    expect(answer({ ...other, trackingUrls: [`${mine}&zip=02139`] }, { postcode: null }).parcel.carrierUrl).toBe(
      `${mine}&zip=02139`,
    );
    expect(answer({ ...other, trackingUrls: [sibling] }).parcel.carrierUrl).toBeNull();
    expect(answer({ ...other, trackingUrls: ["javascript:alert('1Z999AA10123456784')"] }).parcel.carrierUrl).toBeNull();
    // A known carrier's own page holds the number only, whatever Shopify gave.
    expect(answer({ trackingUrls: [`${mine}&zip=02139`] }).parcel.carrierUrl).toBe(
      "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    );
  });

  it("labels a return's scans as a return's, in the shopper's language", () => {
    const ret = answer({ kind: "return", stage: 5, subStatus: "return_in_transit" }, { locale: "fr" }).parcel;
    expect(ret).toMatchObject({ stage: 5, statusLabel: "Retour en chemin", estimate: null });
    expect(ret.events[0]!.label).not.toBe(answer({}, { locale: "fr" }).parcel.events[0]!.label);
  });
});

describe("visibleShipments", () => {
  it("hides a cancelled parcel that another parcel replaced, but keeps it when it is all there is", () => {
    const cancelled = parcel({ id: "c", subStatus: "cancelled" });
    const live = parcel({ id: "l" });
    const ret = parcel({ id: "r", kind: "return", subStatus: "cancelled" });
    expect(visibleShipments([cancelled, live, ret]).map((s) => s.id)).toEqual(["l", "r"]);
    expect(visibleShipments([cancelled, ret]).map((s) => s.id)).toEqual(["c", "r"]);
  });
});
