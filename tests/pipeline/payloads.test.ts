import { describe, expect, it } from "vitest";
import {
  FULFILLMENT_CREATED_STATUS,
  PayloadError,
  SUPPORTED_TOPICS,
  deliveryMethodOf,
  factFromFulfillmentEvent,
  factFromRefund,
  factFromReverseDelivery,
  factsFromFulfillment,
  factsFromReturn,
  factsFromReverseFulfillmentOrderDispose,
  moneyToCents,
  numericId,
  parseAppScopesUpdate,
  parseAppUninstalled,
  parseCustomersDataRequest,
  parseCustomersRedact,
  parseFulfillment,
  parseFulfillmentEvent,
  parseOrder,
  parseRefund,
  parseReturn,
  parseReverseDelivery,
  parseReverseFulfillmentOrderDispose,
  parseShopRedact,
  parseShopifyTime,
  parseTriggeredAt,
  parseWebhookJson,
  parseWebhookPayload,
  type ReturnTopic,
} from "../../app/pipeline/payloads";
import {
  FIXTURES,
  FIXTURE_NAMES,
  IDS,
  SHOP_DOMAIN,
  TRACKING,
  customersDataRequestPayload,
  fixtureText,
  fixtureTriggeredAt,
  fulfillmentEventPayload,
  fulfillmentPayload,
  lineItemPayload,
  loadFixture,
  orderPayload,
  pickupOrderPayload,
  refundPayload,
  returnPayload,
  reverseDeliveryPayload,
  reverseFulfillmentOrderDisposePayload,
  shopRedactPayload,
} from "../../scripts/simulator/payloads";
import { webhookHmac } from "~/lib/shopify-signing.server";

/** The PayloadError a call throws (fails the test when it throws nothing or something else). */
function payloadError(fn: () => unknown): PayloadError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PayloadError);
    return error as PayloadError;
  }
  throw new Error("expected a PayloadError, but nothing was thrown");
}


describe("fixtures", () => {
  it("cover every topic Waypoint subscribes to", () => {
    const covered = new Set(FIXTURE_NAMES.map((n) => FIXTURES[n].topic));
    expect([...SUPPORTED_TOPICS].filter((t) => !covered.has(t))).toEqual([]);
  });

  it.each(FIXTURE_NAMES)("%s parses by its topic, from text and from JSON", (name) => {
    const { topic } = FIXTURES[name];
    const triggeredAt = fixtureTriggeredAt(name);
    const fromText = parseWebhookPayload(topic, fixtureText(name), triggeredAt);
    const fromJson = parseWebhookPayload(topic, loadFixture(name), triggeredAt);
    expect(fromText.topic).toBe(topic);
    expect(fromJson).toEqual(fromText);
  });

  it("all belong to the demo shop and use offset times", () => {
    for (const name of FIXTURE_NAMES) {
      const text = fixtureText(name);
      for (const m of text.matchAll(/"(\w+_at)": "([^"]+)"/g)) {
        expect(parseShopifyTime(m[2] ?? ""), `${name} ${m[1]}`).not.toBeNull();
      }
      const domains = [...text.matchAll(/([a-z0-9-]+\.myshopify\.com)/g)].map((m) => m[1]);
      expect(domains.every((d) => d === SHOP_DOMAIN), name).toBe(true);
    }
  });

  it("builders keep the gid in step with an overridden id", () => {
    const body = orderPayload({ id: 777, customer: { id: 888 } });
    expect(body["admin_graphql_api_id"]).toBe("gid://shopify/Order/777");
    expect(parseOrder(body).customerShopifyId).toBe("888");
  });
});

describe("parseOrder", () => {
  const order = parseOrder(loadFixture("orders-create.1001"), "orders/create");

  it("reads #1001's identity, contact and consent", () => {
    expect(order.shopifyId).toBe(IDS.order1001);
    expect(order.name).toBe("#1001");
    expect(order.orderNumber).toBe(1001);
    expect(order.email).toBe("maya.chen@example.com"); // payload has "Maya.Chen@Example.com"
    expect(order.phone).toBe("+1 (617) 555-0142"); // order phone is null → shipping address, raw
    expect(order.customerShopifyId).toBe(IDS.customerMaya);
    expect(order.customerFirstName).toBe("Maya");
    expect(order.customerLocale).toBe("en-US");
    expect(order.smsConsent).toBe(true);
    expect(order.financialStatus).toBe("pending");
    expect(order.fulfillmentStatus).toBeNull();
  });

  it("reads money, items, destination and times", () => {
    expect(order.totalCents).toBe(32021);
    expect(order.currency).toBe("USD");
    expect(order.deliveryMethod).toBe("shipping");
    expect(order.lineItems).toEqual([
      { id: IDS.lineItemBackpack, productId: "9012345678901", variantId: "47123456789012", title: "Trailhead 40L Backpack", quantity: 2, sku: "WP-BKP-40-SLT", requiresShipping: true, properties: {} },
      { id: IDS.lineItemBottle, productId: "9012345679902", variantId: "47123456790015", title: "Summit Insulated Bottle 1L", quantity: 1, sku: "WP-BTL-1L-GLC", requiresShipping: true, properties: {} },
    ]);
    expect(order.ship).toEqual({ city: "Cambridge", region: "MA", country: "US", zip: "02139" });
    // "2026-11-16T09:12:40-05:00" is 14:12:40 UTC
    expect(order.processedAt.toISOString()).toBe("2026-11-16T14:12:40.000Z");
    expect(order.updatedAt.toISOString()).toBe("2026-11-16T14:12:41.000Z");
    expect(order.cancelledAt).toBeNull();
    expect(order.cancelReason).toBeNull();
    expect(order.attributedFromOrder).toBeNull();
    expect(order.fulfillments).toEqual([]);
  });

  it("reads the embedded fulfillments of orders/fulfilled: two carriers, UPS with two numbers", () => {
    const fulfilled = parseOrder(loadFixture("orders-fulfilled.1001"), "orders/fulfilled");
    expect(fulfilled.fulfillmentStatus).toBe("fulfilled");
    expect(fulfilled.financialStatus).toBe("paid");
    expect(fulfilled.fulfillments.map((f) => [f.name, f.trackingCompany, f.trackingNumbers])).toEqual([
      ["#1001.1", "UPS", [...TRACKING.ups]],
      ["#1001.2", "USPS", [TRACKING.usps]],
    ]);
    expect(fulfilled.fulfillments.map((f) => f.lineItemIds)).toEqual([[IDS.lineItemBackpack], [IDS.lineItemBottle]]);
    expect(fulfilled.fulfillments.every((f) => f.orderShopifyId === IDS.order1001)).toBe(true);
  });

  it("gives an embedded fulfillment the same facts as the fulfillments/create webhook", () => {
    const embedded = parseOrder(loadFixture("orders-fulfilled.1001")).fulfillments[0];
    const webhook = parseFulfillment(loadFixture("fulfillments-create.1001.1-ups"), "fulfillments/create");
    expect(embedded).toEqual(webhook);
    expect(factsFromFulfillment(embedded!).map((f) => f.key)).toEqual(factsFromFulfillment(webhook).map((f) => f.key));
  });

  it("reads #1002 as a local pickup attributed to #1001's tracking page", () => {
    const pickup = parseOrder(loadFixture("orders-create.1002"), "orders/create");
    expect(pickup.shopifyId).toBe(IDS.order1002);
    expect(pickup.deliveryMethod).toBe("local_pickup");
    expect(pickup.attributedFromOrder).toBe("#1001");
    expect(pickup.lineItems[0]?.properties).toEqual({ _waypoint_source: "tracking_page", _waypoint_order: "#1001" });
    expect(pickup.ship).toEqual({ city: null, region: null, country: null, zip: null });
    expect(pickup.phone).toBe("617-555-0142"); // no order or shipping phone → billing address
    expect(pickup.totalCents).toBe(1913);
    // The same order with a shipping address and a non-pickup line title is a shipped order.
    const withAddress = pickupOrderPayload({ shipping_address: loadFixture("orders-create.1001")["shipping_address"] ?? null });
    expect(parseOrder(withAddress).deliveryMethod).toBe("shipping");
  });

  it("reads #1003's cancellation", () => {
    const cancelled = parseOrder(loadFixture("orders-cancelled.1003"), "orders/cancelled");
    expect(cancelled.cancelledAt?.toISOString()).toBe("2026-11-18T15:02:19.000Z");
    expect(cancelled.cancelReason).toBe("customer");
    expect(cancelled.smsConsent).toBe(false); // sms_marketing_consent: null
    expect(cancelled.email).toBe("leo.park@example.net");
    expect(cancelled.phone).toBeNull();
  });

  it("attributes only when _waypoint_source is tracking_page", () => {
    const props = (source: string) => [
      { name: "_waypoint_source", value: source },
      { name: "_waypoint_order", value: "#0999" },
    ];
    const from = (source: string) =>
      parseOrder(orderPayload({ line_items: [lineItemPayload({ properties: props(source) }), lineItemPayload({}, 1)] })).attributedFromOrder;
    expect(from("tracking_page")).toBe("#0999");
    expect(from("email")).toBeNull();
    const second = orderPayload({ line_items: [lineItemPayload(), lineItemPayload({ properties: props("tracking_page") }, 1)] });
    expect(parseOrder(second).attributedFromOrder).toBe("#0999");
  });

  it("falls back through the phone sources in order", () => {
    const noPhones = { phone: null, shipping_address: { phone: null }, billing_address: { phone: null } };
    expect(parseOrder(orderPayload({ ...noPhones, phone: "+1 555 000 1111" })).phone).toBe("+1 555 000 1111");
    expect(parseOrder(orderPayload({ ...noPhones, billing_address: { phone: "617 555 0199" } })).phone).toBe("617 555 0199");
    expect(parseOrder(orderPayload(noPhones)).phone).toBe("+16175550142"); // customer's phone last
    expect(parseOrder(orderPayload({ ...noPhones, customer: { phone: null } })).phone).toBeNull();
  });

  it("reads SMS consent from the customer, or buyer_accepts_sms_marketing when present", () => {
    expect(parseOrder(orderPayload({ customer: { sms_marketing_consent: { state: "not_subscribed" } } })).smsConsent).toBe(false);
    expect(parseOrder(orderPayload({ customer: { sms_marketing_consent: null } })).smsConsent).toBe(false);
    expect(parseOrder(orderPayload({ customer: null })).smsConsent).toBe(false);
    expect(parseOrder(orderPayload({ customer: null, buyer_accepts_sms_marketing: true })).smsConsent).toBe(true);
  });

  it("uses contact_email, then the customer's email, when email is empty", () => {
    expect(parseOrder(orderPayload({ email: "", contact_email: "Contact@X.example" })).email).toBe("contact@x.example");
    expect(parseOrder(orderPayload({ email: null, contact_email: null })).email).toBe("maya.chen@example.com");
    expect(parseOrder(orderPayload({ email: null, contact_email: null, customer: null })).email).toBeNull();
  });

  it("prefers admin_graphql_api_id over a lossy numeric id (Shopify's own example ids exceed 2^53)", () => {
    // JSON.parse turns 820982911946154508 into 820982911946154500; the gid keeps every digit.
    const docExample = orderPayload({ id: 820982911946154500, admin_graphql_api_id: "gid://shopify/Order/820982911946154508" });
    expect(parseOrder(docExample).shopifyId).toBe("820982911946154508");
    const noGid = orderPayload({ id: 820982911946154500, admin_graphql_api_id: null });
    expect(payloadError(() => parseOrder(noGid, "orders/create")).message).toMatch(/orders\/create payload: id is beyond 2\^53/);
    // Read from the raw text with parseWebhookJson, the big id survives even without a gid.
    const text = JSON.stringify(orderPayload({ admin_graphql_api_id: null })).replace(`"id":${IDS.order1001}`, `"id":820982911946154508`);
    expect(parseOrder(parseWebhookJson(text)).shopifyId).toBe("820982911946154508");
  });
});

describe("deliveryMethodOf (the rule for REST payloads, which carry no delivery method)", () => {
  const physical = [{ requires_shipping: true }];
  it("is none when nothing needs shipping", () => {
    expect(deliveryMethodOf({ line_items: [{ requires_shipping: false }], shipping_lines: [], shipping_address: null })).toBe("none");
    expect(parseOrder(orderPayload({ line_items: [lineItemPayload({ requires_shipping: false })] })).deliveryMethod).toBe("none");
  });
  it("reads local delivery and pickup from the shipping line's title or code", () => {
    expect(deliveryMethodOf({ line_items: physical, shipping_lines: [{ title: "Local Delivery", code: "Local Delivery" }], shipping_address: {} })).toBe("local_delivery");
    expect(deliveryMethodOf({ line_items: physical, shipping_lines: [{ title: "Store", code: "Pick-up in store" }], shipping_address: {} })).toBe("local_pickup");
    expect(deliveryMethodOf({ line_items: physical, shipping_lines: [{ title: "Click & Collect", code: null }], shipping_address: {} })).toBe("local_pickup");
  });
  it("takes a physical order with a shipping line but no address as a pickup", () => {
    expect(deliveryMethodOf({ line_items: physical, shipping_lines: [{ title: "Boston store", code: "Boston store" }], shipping_address: null })).toBe("local_pickup");
    expect(deliveryMethodOf({ line_items: physical, shipping_lines: [{ title: "Boston store", code: "Boston store", is_removed: true }], shipping_address: null })).toBe("shipping");
  });
  it("is shipping otherwise", () => {
    expect(deliveryMethodOf({ line_items: physical, shipping_lines: [{ title: "Standard", code: "Standard" }], shipping_address: {} })).toBe("shipping");
    expect(deliveryMethodOf({ line_items: physical, shipping_lines: [], shipping_address: {} })).toBe("shipping");
  });
});

describe("fulfillments", () => {
  const ups = parseFulfillment(loadFixture("fulfillments-create.1001.1-ups"), "fulfillments/create");

  it("reads #1001.1", () => {
    expect(ups).toEqual({
      shopifyId: IDS.fulfillmentUps,
      orderShopifyId: IDS.order1001,
      name: "#1001.1",
      status: "success",
      shipmentStatus: null,
      trackingCompany: "UPS",
      trackingNumbers: [...TRACKING.ups],
      trackingUrls: TRACKING.ups.map((n) => `https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=${n}`),
      service: "manual",
      createdAt: new Date("2026-11-17T19:03:11.000Z"),
      updatedAt: new Date("2026-11-17T19:03:11.000Z"),
      lineItemIds: [IDS.lineItemBackpack],
      lineItems: [{ id: IDS.lineItemBackpack, quantity: 2 }],
      locationId: IDS.warehouseLocation,
    });
  });

  it("uses tracking_number when tracking_numbers is empty, and drops blanks and repeats", () => {
    const rec = parseFulfillment(fulfillmentPayload({ tracking_numbers: [], tracking_number: "1Z999AA10123456819", tracking_urls: [], tracking_url: null }));
    expect(rec.trackingNumbers).toEqual(["1Z999AA10123456819"]);
    expect(rec.trackingUrls).toEqual([]);
    const repeats = parseFulfillment(fulfillmentPayload({ tracking_numbers: ["A1", " A1 ", "", "B2"] }));
    expect(repeats.trackingNumbers).toEqual(["A1", "B2"]);
  });

  it("makes a label fact at created_at, a status fact and a shipment-status fact at updated_at", () => {
    const delivered = parseFulfillment(loadFixture("fulfillments-update.1001.1-ups-delivered"), "fulfillments/update");
    expect(delivered.shipmentStatus).toBe("delivered");
    expect(factsFromFulfillment(delivered)).toEqual([
      { key: `f:${IDS.fulfillmentUps}:created`, source: "fulfillment", status: FULFILLMENT_CREATED_STATUS, at: new Date("2026-11-17T19:03:11.000Z") },
      { key: `f:${IDS.fulfillmentUps}:success:2026-11-20T15:15:27.000Z`, source: "fulfillment", status: "fulfillment_success", at: new Date("2026-11-20T15:15:27.000Z") },
      { key: `f:${IDS.fulfillmentUps}:shipment:delivered:2026-11-20T15:15:27.000Z`, source: "fulfillment", status: "delivered", at: new Date("2026-11-20T15:15:27.000Z") },
    ]);
    expect(factsFromFulfillment(ups).map((f) => f.status)).toEqual([FULFILLMENT_CREATED_STATUS, "fulfillment_success"]);
  });

  it("gives stable keys: the same payload twice → the same keys; a newer updated_at → new ones", () => {
    const keys = (body: unknown) => factsFromFulfillment(parseFulfillment(body)).map((f) => f.key);
    const body = loadFixture("fulfillments-update.1001.1-ups-delivered");
    expect(keys(body)).toEqual(keys(structuredClone(body)));
    const later = keys(fulfillmentPayload({ updated_at: "2026-11-20T11:02:00-05:00" }, "ups-delivered"));
    const first = keys(body);
    expect(later[0]).toBe(first[0]); // created_at never changes
    expect(later[1]).not.toBe(first[1]);
    expect(later[2]).not.toBe(first[2]);
    const cancelled = keys(fulfillmentPayload({ status: "cancelled", updated_at: "2026-11-18T09:00:00-05:00" }));
    expect(cancelled[1]).toBe(`f:${IDS.fulfillmentUps}:cancelled:2026-11-18T14:00:00.000Z`);
  });

  it("requires order_id on the fulfillments/* topics", () => {
    const err = payloadError(() => parseFulfillment(fulfillmentPayload({ order_id: undefined }), "fulfillments/create"));
    expect(err.message).toBe("fulfillments/create payload: order_id is missing");
  });
});

describe("fulfillment events", () => {
  it("reads the in-transit scan and turns it into a fact keyed by the event id", () => {
    const rec = parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-in_transit"));
    expect(rec).toEqual({
      shopifyId: IDS.eventInTransit,
      fulfillmentShopifyId: IDS.fulfillmentUps,
      orderShopifyId: IDS.order1001,
      status: "in_transit",
      happenedAt: new Date("2026-11-18T11:20:00.000Z"),
      city: "Hodgkins",
      province: "IL",
      country: "US",
      zip: "60525",
      message: "Departed from facility",
      estimatedDeliveryAt: new Date("2026-11-21T01:00:00.000Z"),
      latitude: 41.7689,
      longitude: -87.8573,
    });
    expect(factFromFulfillmentEvent(rec)).toEqual({
      key: `fe:${IDS.eventInTransit}`,
      source: "fulfillment_event",
      status: "in_transit",
      at: rec.happenedAt,
      estimatedDeliveryAt: rec.estimatedDeliveryAt,
      message: "Departed from facility",
      city: "Hodgkins",
      province: "IL",
      country: "US",
      zip: "60525",
    });
  });

  it("converts any offset to the instant it names", () => {
    const rec = parseFulfillmentEvent(fulfillmentEventPayload({ happened_at: "2026-11-18T05:20:00-06:00", estimated_delivery_at: "2026-11-20T20:00:00+05:30" }));
    expect(rec.happenedAt.toISOString()).toBe("2026-11-18T11:20:00.000Z");
    expect(rec.estimatedDeliveryAt?.toISOString()).toBe("2026-11-20T14:30:00.000Z");
  });

  it("lower-cases the status and falls back to created_at", () => {
    const rec = parseFulfillmentEvent(fulfillmentEventPayload({ status: "OUT_FOR_DELIVERY", happened_at: null }));
    expect(rec.status).toBe("out_for_delivery");
    expect(rec.happenedAt.toISOString()).toBe("2026-11-18T11:21:04.000Z");
  });

  it("keys by event id only: two parses agree, another event differs", () => {
    const a = factFromFulfillmentEvent(parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-delivered")));
    const b = factFromFulfillmentEvent(parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-delivered")));
    const c = factFromFulfillmentEvent(parseFulfillmentEvent(fulfillmentEventPayload({ id: 44556678000 }, "delivered")));
    expect(a.key).toBe(b.key);
    expect(c.key).toBe("fe:44556678000");
  });
});

describe("returns", () => {
  const triggered = new Date("2026-11-23T16:02:00.482Z");

  it("reads a request with its line items; the time is X-Shopify-Triggered-At", () => {
    const rec = parseReturn(loadFixture("returns-request.1001-R1"), "returns/request", triggered);
    expect(rec).toEqual({
      shopifyReturnId: IDS.return1001R1,
      orderShopifyId: IDS.order1001,
      name: "#1001-R1",
      status: "requested",
      declineReason: null,
      declineNote: null,
      lineItems: [
        {
          id: "6200524949",
          fulfillmentLineItemId: "12345678901234",
          lineItemId: IDS.lineItemBackpack,
          quantity: 1,
          reason: "unwanted",
          reasonNote: null,
          customerNote: "Ordered two by mistake — only need one.",
        },
      ],
      at: triggered,
      topic: "returns/request",
    });
    expect(factsFromReturn(rec)).toEqual([{ key: `r:${IDS.return1001R1}:return_requested`, source: "return", status: "return_requested", at: triggered, message: null }]);
  });

  it("reads a decline, which names no order", () => {
    const rec = parseReturn(loadFixture("returns-decline.1001-R2"), "returns/decline", triggered);
    expect(rec.orderShopifyId).toBeNull();
    expect(rec.declineReason).toBe("final_sale");
    expect(rec.declineNote).toMatch(/can't be returned once used/);
    expect(factsFromReturn(rec)[0]).toMatchObject({ key: `r:${IDS.return1001R2}:return_declined`, status: "return_declined", message: rec.declineNote });
  });

  it.each([
    ["returns/approve", IDS.return1001R1, IDS.order1001, "open", "return_approved"],
    ["returns/cancel", IDS.return1002R1, IDS.order1002, "canceled", "return_cancelled"],
    ["returns/close", IDS.return1001R1, IDS.order1001, "closed", "return_closed"],
  ] as const)("reads %s", (topic, returnId, orderId, status, factStatus) => {
    const rec = parseReturn(returnPayload(topic), topic, triggered);
    expect([rec.shopifyReturnId, rec.orderShopifyId, rec.status]).toEqual([returnId, orderId, status]);
    expect(factsFromReturn(rec).map((f) => [f.key, f.status])).toEqual([[`r:${returnId}:${factStatus}`, factStatus]]);
  });

  it("prefers a time the payload carries itself", () => {
    const rec = parseReturn(returnPayload("returns/close", { updated_at: "2026-11-28T10:05:35-05:00" }), "returns/close", triggered);
    expect(rec.at.toISOString()).toBe("2026-11-28T15:05:35.000Z");
  });

  it("refuses a return with no time at all, and a topic that is not a return", () => {
    expect(payloadError(() => parseReturn(returnPayload("returns/close"), "returns/close", null)).message).toMatch(/returns\/close payload: body carries no time/);
    expect(payloadError(() => parseReturn(returnPayload("returns/close"), "returns/update" as ReturnTopic, triggered)).field).toBe("topic");
  });

  it("keeps the same key for the same return and topic", () => {
    const key = (topic: ReturnTopic) => factsFromReturn(parseReturn(returnPayload(topic), topic, triggered))[0]?.key;
    expect(key("returns/approve")).toBe(key("returns/approve"));
    expect(key("returns/approve")).not.toBe(key("returns/request"));
  });
});

describe("reverse deliveries and dispositions", () => {
  const triggered = fixtureTriggeredAt("reverse_deliveries-attach_deliverable.1001-R1");

  it("reads the return label: carrier, tracking, label URL, label time", () => {
    const rec = parseReverseDelivery(loadFixture("reverse_deliveries-attach_deliverable.1001-R1"), triggered);
    expect(rec).toMatchObject({
      reverseDeliveryId: IDS.reverseDelivery1001R1,
      returnShopifyId: IDS.return1001R1,
      orderShopifyId: null,
      carrier: "UPS",
      trackingNumber: TRACKING.returnUps,
      at: new Date("2026-11-23T20:41:12.000Z"),
    });
    expect(rec.labelUrl).toMatch(/^https:\/\/cdn\.shopify\.com\/.+return-label-1001-R1\.pdf/);
    expect(factFromReverseDelivery(rec)).toEqual({
      key: `rd:${IDS.reverseDelivery1001R1}:${TRACKING.returnUps}`,
      source: "reverse_delivery",
      status: "return_label_created",
      at: rec.at,
      message: `UPS ${TRACKING.returnUps}`,
    });
  });

  it("falls back to the trigger time when the label has none (Shopify's example has created_at: null)", () => {
    const rec = parseReverseDelivery(reverseDeliveryPayload({ shipping_deliverable: { label: { created_at: null, public_file_url: null } } }), triggered);
    expect(rec.at).toEqual(triggered);
    expect(rec.labelUrl).toBeNull();
  });

  it("reads dispositions into received + disposed facts", () => {
    const at = fixtureTriggeredAt("reverse_fulfillment_orders-dispose.1001-R1");
    const rec = parseReverseFulfillmentOrderDispose(loadFixture("reverse_fulfillment_orders-dispose.1001-R1"), at, { returnShopifyId: `gid://shopify/Return/${IDS.return1001R1}` });
    expect(rec.reverseFulfillmentOrderId).toBe(IDS.reverseFulfillmentOrder1001R1);
    expect(rec.returnShopifyId).toBe(IDS.return1001R1);
    expect(rec.dispositions).toEqual([
      { type: "restocked", quantity: 1, locationId: IDS.warehouseLocation, reverseFulfillmentOrderLineItemId: "2233445566", reverseDeliveryLineItemId: "3344556677" },
    ]);
    const facts = factsFromReverseFulfillmentOrderDispose(rec);
    expect(facts.map((f) => f.status)).toEqual(["return_received", "return_disposed"]);
    expect(facts[0]?.key).toBe(`rfo:${IDS.reverseFulfillmentOrder1001R1}:received`);
    expect(facts[1]?.key).toMatch(new RegExp(`^rfo:${IDS.reverseFulfillmentOrder1001R1}:disposed:[0-9a-f]{8}$`));
    expect(facts.every((f) => f.at.getTime() === at.getTime())).toBe(true);
    // Stable for the same payload, different for other dispositions.
    const again = factsFromReverseFulfillmentOrderDispose(parseReverseFulfillmentOrderDispose(loadFixture("reverse_fulfillment_orders-dispose.1001-R1"), at));
    expect(again.map((f) => f.key)).toEqual(facts.map((f) => f.key));
    expect(again.length).toBe(2);
  });

  it("records no receipt when every item is missing, and leaves the return unknown without a hint", () => {
    const body = reverseFulfillmentOrderDisposePayload({
      dispositions: [{ type: "missing", quantity: 1, location: null, reverse_delivery_line_item: null, reverse_fulfillment_order_line_item: { id: 2233445566 } }],
    });
    const rec = parseReverseFulfillmentOrderDispose(body, new Date("2026-12-01T00:00:00Z"));
    expect(rec.returnShopifyId).toBeNull();
    const facts = factsFromReverseFulfillmentOrderDispose(rec);
    expect(facts.map((f) => f.status)).toEqual(["return_disposed"]);
    const original = factsFromReverseFulfillmentOrderDispose(parseReverseFulfillmentOrderDispose(loadFixture("reverse_fulfillment_orders-dispose.1001-R1"), new Date()));
    expect(facts[0]?.key).not.toBe(original[1]?.key);
  });
});

describe("refunds", () => {
  it("reads #1001-R1's refund and its fact", () => {
    const rec = parseRefund(loadFixture("refunds-create.1001-R1"));
    expect(rec).toEqual({
      shopifyId: IDS.refund1001R1,
      orderShopifyId: IDS.order1001,
      returnShopifyId: IDS.return1001R1,
      amountCents: 13706,
      currency: "USD",
      createdAt: new Date("2026-11-28T15:05:33.000Z"),
    });
    expect(factFromRefund(rec)).toEqual({ key: `rf:${IDS.refund1001R1}`, source: "refund", status: "refund_issued", at: rec.createdAt });
  });

  it("sums refund transactions that did not fail, and takes the currency from the lines when transactions have none", () => {
    const tx = (amount: string, status: string, kind = "refund") => ({ amount, status, kind, currency: null });
    const rec = parseRefund(refundPayload({ return: null, transactions: [tx("10.00", "success"), tx("5.50", "pending"), tx("99.99", "failure"), tx("1.00", "success", "sale")] }));
    expect(rec.amountCents).toBe(1550);
    expect(rec.currency).toBe("USD");
    expect(rec.returnShopifyId).toBeNull();
  });
});

describe("compliance and app topics", () => {
  it("reads customers/data_request", () => {
    expect(parseCustomersDataRequest(loadFixture("customers-data_request"))).toEqual({
      shopId: IDS.shop,
      shopDomain: SHOP_DOMAIN,
      customer: { id: IDS.customerMaya, email: "maya.chen@example.com", phone: "+16175550142" },
      ordersRequested: [IDS.order1001, IDS.order1002],
      dataRequestId: "4455",
    });
    const guest = parseCustomersDataRequest(customersDataRequestPayload({ customer: { id: null, email: "Guest@Example.com", phone: null } }));
    expect(guest.customer).toEqual({ id: null, email: "guest@example.com", phone: null });
  });

  it("reads customers/redact and shop/redact", () => {
    expect(parseCustomersRedact(loadFixture("customers-redact"))).toEqual({
      shopId: IDS.shop,
      shopDomain: SHOP_DOMAIN,
      customer: { id: IDS.customerMaya, email: "maya.chen@example.com", phone: "+16175550142" },
      ordersToRedact: [IDS.order1001, IDS.order1002],
    });
    expect(parseShopRedact(loadFixture("shop-redact"))).toEqual({ shopId: IDS.shop, shopDomain: SHOP_DOMAIN });
    expect(payloadError(() => parseShopRedact(shopRedactPayload({ shop_domain: undefined }))).message).toBe("shop/redact payload: shop_domain is missing");
  });

  it("reads app/uninstalled and app/scopes_update", () => {
    expect(parseAppUninstalled(loadFixture("app-uninstalled"))).toEqual({ shopId: IDS.shop, shopDomain: SHOP_DOMAIN, shopName: "Waypoint Demo" });
    const scopes = parseAppScopesUpdate(loadFixture("app-scopes_update"));
    expect(scopes.current).toContain("read_returns");
    expect(scopes.previous).not.toContain("read_returns");
    expect(scopes.updatedAt?.toISOString()).toBe("2026-11-15T17:30:00.000Z");
  });
});

describe("invalid payloads throw PayloadError naming the topic and field", () => {
  it.each([
    ["a missing id", orderPayload({ id: undefined, admin_graphql_api_id: undefined }), "orders/create payload: id is missing"],
    ["a null name", orderPayload({ name: null }), "orders/create payload: name must not be null"],
    ["a string order_number", orderPayload({ order_number: "1001" }), 'orders/create payload: order_number must be a number, got string "1001"'],
    ["a bad total_price", orderPayload({ total_price: "12,50" }), 'orders/create payload: total_price must be a decimal amount, got string "12,50"'],
    ["a time without offset", orderPayload({ created_at: "2026-11-16T09:12:40" }), "orders/create payload: created_at must be an ISO-8601 time with an offset"],
    ["a bad line item quantity", orderPayload({ line_items: [lineItemPayload({ quantity: "two" })] }), "orders/create payload: line_items[0].quantity must be a number"],
    ["line_items not a list", orderPayload({ line_items: { id: 1 } }), "orders/create payload: line_items must be an array, got an object"],
    ["a non-numeric id", orderPayload({ id: "abc", admin_graphql_api_id: null }), "orders/create payload: id must be a numeric id"],
    ["a malformed gid", orderPayload({ admin_graphql_api_id: "gid://shopify/Order/" }), "orders/create payload: admin_graphql_api_id must be a numeric id"],
  ])("orders/create with %s", (_label, body, message) => {
    const err = payloadError(() => parseOrder(body, "orders/create"));
    expect(err.message.startsWith(message)).toBe(true);
    expect(err.topic).toBe("orders/create");
  });

  it.each([
    ["null", null],
    ["an array", [loadFixture("orders-create.1001")]],
    ["a string", "{\"id\":1}"],
    ["a number", 42],
  ])("refuses a body that is %s", (label, body) => {
    const err = payloadError(() => parseOrder(body, "orders/paid"));
    expect(err.message).toBe(`orders/paid payload: body must be a JSON object, got ${label === "a string" ? 'string "{\\"id\\":1}"' : label === "a number" ? "number 42" : label}`);
    expect(err.field).toBe("body");
  });

  it("names nested fields in every parser", () => {
    expect(payloadError(() => parseFulfillment(fulfillmentPayload({ line_items: [{ id: null }] }), "fulfillments/update")).message).toBe(
      "fulfillments/update payload: line_items[0].id must not be null",
    );
    expect(payloadError(() => parseFulfillmentEvent(fulfillmentEventPayload({ fulfillment_id: undefined }))).message).toBe(
      "fulfillment_events/create payload: fulfillment_id is missing",
    );
    expect(payloadError(() => parseFulfillmentEvent(fulfillmentEventPayload({ latitude: "41.7" }))).field).toBe("latitude");
    expect(payloadError(() => parseReturn(returnPayload("returns/request", { id: undefined }), "returns/request", new Date())).message).toBe(
      "returns/request payload: id is missing",
    );
    expect(payloadError(() => parseReturn(returnPayload("returns/request", { return_line_items: [{ id: 1, quantity: "1" }] }), "returns/request", new Date())).field).toBe(
      "return_line_items[0].quantity",
    );
    expect(payloadError(() => parseReverseDelivery(reverseDeliveryPayload({ return: undefined }), new Date())).message).toBe(
      "reverse_deliveries/attach_deliverable payload: return is missing",
    );
    expect(payloadError(() => parseReverseFulfillmentOrderDispose(reverseFulfillmentOrderDisposePayload({ dispositions: [{ quantity: 1 }] }), new Date())).message).toBe(
      "reverse_fulfillment_orders/dispose payload: dispositions[0].type is missing",
    );
    expect(payloadError(() => parseRefund(refundPayload({ created_at: undefined }))).message).toBe("refunds/create payload: created_at is missing");
    expect(payloadError(() => parseRefund(refundPayload({ order_id: "gid://nope" }))).field).toBe("order_id");
    expect(payloadError(() => parseCustomersRedact(customersDataRequestPayload({ shop_id: true }))).message).toMatch(/^customers\/redact payload: shop_id has the wrong type/);
  });

  it("refuses text that is not JSON, and unknown topics", () => {
    expect(payloadError(() => parseWebhookJson("{\"id\": 1,", "orders/create")).message).toMatch(/^orders\/create payload: body is not valid JSON/);
    expect(payloadError(() => parseWebhookPayload("orders/create", "<html>502</html>")).field).toBe("body");
    expect(payloadError(() => parseWebhookPayload("products/update", {})).field).toBe("topic");
  });
});

describe("values", () => {
  it("numericId reduces ids and gids to the numeric string", () => {
    expect(numericId(6301542301987)).toBe("6301542301987");
    expect(numericId("6301542301987")).toBe("6301542301987");
    expect(numericId("gid://shopify/Order/6301542301987")).toBe("6301542301987");
    expect(numericId("gid://shopify/LineItem/15732040991011?foo=bar")).toBe("15732040991011");
    expect(numericId("820982911946154508")).toBe("820982911946154508");
    for (const bad of ["abc", "", "gid://shopify/Order/abc", "12.5", 12.5, -3, 0, 820982911946154500]) {
      expect(() => numericId(bad)).toThrow(PayloadError);
    }
  });

  it("moneyToCents is exact", () => {
    expect(moneyToCents("320.21")).toBe(32021);
    expect(moneyToCents("19.99")).toBe(1999);
    expect(moneyToCents("10.0")).toBe(1000);
    expect(moneyToCents("199")).toBe(19900);
    expect(moneyToCents(199)).toBe(19900);
    expect(moneyToCents(8.06)).toBe(806);
    expect(moneyToCents("0.015")).toBe(2);
    expect(moneyToCents("-5.00")).toBe(-500);
    expect(moneyToCents("1.1.1")).toBeNull();
    expect(moneyToCents("$5")).toBeNull();
  });

  it("parseShopifyTime reads offsets, Z and nanoseconds, and refuses local times", () => {
    expect(parseShopifyTime("2026-11-20T10:15:00-05:00")?.toISOString()).toBe("2026-11-20T15:15:00.000Z");
    expect(parseShopifyTime("2026-11-20T10:15:00+0100")?.toISOString()).toBe("2026-11-20T09:15:00.000Z");
    expect(parseTriggeredAt("2023-03-29T18:00:27.877041743Z")?.toISOString()).toBe("2023-03-29T18:00:27.877Z");
    expect(parseShopifyTime("2026-11-20T10:15:00")).toBeNull();
    expect(parseShopifyTime("2026-11-20")).toBeNull();
    expect(parseShopifyTime("tomorrow")).toBeNull();
    expect(parseTriggeredAt(null)).toBeNull();
  });

  it("parseWebhookJson keeps big integers exact and leaves everything else alone", () => {
    const parsed = parseWebhookJson('{"id":820982911946154508,"n":-12,"x":1.5e3,"s":"820982911946154508 \\"q\\"","a":[9007199254740993]}');
    expect(parsed).toEqual({ id: "820982911946154508", n: -12, x: 1500, s: '820982911946154508 "q"', a: ["9007199254740993"] });
  });

  it("the simulator signs bodies the way Shopify does", () => {
    // base64(HMAC-SHA256("hush", "{}")), computed with `openssl dgst -sha256 -hmac hush -binary | base64`
    expect(webhookHmac("{}", "hush")).toBe("UFwgrGBPZilFtmKh8TqcovA78LGYb1BdWu9I4Q2oyRg=");
  });
});

describe("fact keys across the story are unique", () => {
  it("no two different facts share a key", () => {
    const facts = [
      ...parseOrder(loadFixture("orders-fulfilled.1001")).fulfillments.flatMap(factsFromFulfillment),
      ...factsFromFulfillment(parseFulfillment(loadFixture("fulfillments-update.1001.1-ups-delivered"))),
      factFromFulfillmentEvent(parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-in_transit"))),
      factFromFulfillmentEvent(parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-delivered"))),
      ...(["returns/request", "returns/approve", "returns/close"] as const).flatMap((t) => factsFromReturn(parseReturn(returnPayload(t), t, new Date()))),
      factFromReverseDelivery(parseReverseDelivery(loadFixture("reverse_deliveries-attach_deliverable.1001-R1"), null)),
      factFromRefund(parseRefund(loadFixture("refunds-create.1001-R1"))),
    ];
    const byKey = new Map<string, string>();
    for (const f of facts) {
      const content = JSON.stringify({ ...f, at: f.at.toISOString() });
      const seen = byKey.get(f.key);
      if (seen !== undefined) expect(seen, f.key).toBe(content);
      byKey.set(f.key, content);
    }
    expect(byKey.size).toBe(facts.length - 1); // the UPS created fact appears twice, identically
  });
});
