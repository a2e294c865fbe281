import { describe, expect, it } from "vitest";
import { deliveryMethodOf, parseOrder } from "../../../app/pipeline/payloads/orders";
import { factsFromFulfillment, parseFulfillment } from "../../../app/pipeline/payloads/fulfillments";
import { parseWebhookJson } from "../../../app/pipeline/payloads/webhook";
import {
  IDS,
  TRACKING,
  lineItemPayload,
  loadFixture,
  orderPayload,
  pickupOrderPayload,
} from "../../../scripts/simulator/payloads";
import { payloadError } from "./helpers";

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
      {
        id: IDS.lineItemBackpack,
        productId: "9012345678901",
        variantId: "47123456789012",
        title: "Trailhead 40L Backpack",
        quantity: 2,
        sku: "WP-BKP-40-SLT",
        requiresShipping: true,
        properties: {},
      },
      {
        id: IDS.lineItemBottle,
        productId: "9012345679902",
        variantId: "47123456790015",
        title: "Summit Insulated Bottle 1L",
        quantity: 1,
        sku: "WP-BTL-1L-GLC",
        requiresShipping: true,
        properties: {},
      },
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
    const withAddress = pickupOrderPayload({
      shipping_address: loadFixture("orders-create.1001")["shipping_address"] ?? null,
    });
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
      parseOrder(orderPayload({ line_items: [lineItemPayload({ properties: props(source) }), lineItemPayload({}, 1)] }))
        .attributedFromOrder;
    expect(from("tracking_page")).toBe("#0999");
    expect(from("email")).toBeNull();
    const second = orderPayload({
      line_items: [lineItemPayload(), lineItemPayload({ properties: props("tracking_page") }, 1)],
    });
    expect(parseOrder(second).attributedFromOrder).toBe("#0999");
  });

  it("falls back through the phone sources in order", () => {
    const noPhones = { phone: null, shipping_address: { phone: null }, billing_address: { phone: null } };
    expect(parseOrder(orderPayload({ ...noPhones, phone: "+1 555 000 1111" })).phone).toBe("+1 555 000 1111");
    expect(parseOrder(orderPayload({ ...noPhones, billing_address: { phone: "617 555 0199" } })).phone).toBe(
      "617 555 0199",
    );
    expect(parseOrder(orderPayload(noPhones)).phone).toBe("+16175550142"); // customer's phone last
    expect(parseOrder(orderPayload({ ...noPhones, customer: { phone: null } })).phone).toBeNull();
  });

  it("reads SMS consent from the customer, or buyer_accepts_sms_marketing when present", () => {
    expect(
      parseOrder(orderPayload({ customer: { sms_marketing_consent: { state: "not_subscribed" } } })).smsConsent,
    ).toBe(false);
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
    const docExample = orderPayload({
      id: 820982911946154500,
      admin_graphql_api_id: "gid://shopify/Order/820982911946154508",
    });
    expect(parseOrder(docExample).shopifyId).toBe("820982911946154508");
    const noGid = orderPayload({ id: 820982911946154500, admin_graphql_api_id: null });
    expect(payloadError(() => parseOrder(noGid, "orders/create")).message).toMatch(
      /orders\/create payload: id is beyond 2\^53/,
    );
    // Read from the raw text with parseWebhookJson, the big id survives even without a gid.
    const text = JSON.stringify(orderPayload({ admin_graphql_api_id: null })).replace(
      `"id":${IDS.order1001}`,
      `"id":820982911946154508`,
    );
    expect(parseOrder(parseWebhookJson(text)).shopifyId).toBe("820982911946154508");
  });
});

describe("deliveryMethodOf (the rule for REST payloads, which carry no delivery method)", () => {
  const physical = [{ requires_shipping: true }];
  it("is none when nothing needs shipping", () => {
    expect(
      deliveryMethodOf({ line_items: [{ requires_shipping: false }], shipping_lines: [], shipping_address: null }),
    ).toBe("none");
    expect(
      parseOrder(orderPayload({ line_items: [lineItemPayload({ requires_shipping: false })] })).deliveryMethod,
    ).toBe("none");
  });
  it("reads local delivery and pickup from the shipping line's title or code", () => {
    expect(
      deliveryMethodOf({
        line_items: physical,
        shipping_lines: [{ title: "Local Delivery", code: "Local Delivery" }],
        shipping_address: {},
      }),
    ).toBe("local_delivery");
    expect(
      deliveryMethodOf({
        line_items: physical,
        shipping_lines: [{ title: "Store", code: "Pick-up in store" }],
        shipping_address: {},
      }),
    ).toBe("local_pickup");
    expect(
      deliveryMethodOf({
        line_items: physical,
        shipping_lines: [{ title: "Click & Collect", code: null }],
        shipping_address: {},
      }),
    ).toBe("local_pickup");
  });
  it("takes a physical order with a shipping line but no address as a pickup", () => {
    expect(
      deliveryMethodOf({
        line_items: physical,
        shipping_lines: [{ title: "Boston store", code: "Boston store" }],
        shipping_address: null,
      }),
    ).toBe("local_pickup");
    expect(
      deliveryMethodOf({
        line_items: physical,
        shipping_lines: [{ title: "Boston store", code: "Boston store", is_removed: true }],
        shipping_address: null,
      }),
    ).toBe("shipping");
  });
  it("is shipping otherwise", () => {
    expect(
      deliveryMethodOf({
        line_items: physical,
        shipping_lines: [{ title: "Standard", code: "Standard" }],
        shipping_address: {},
      }),
    ).toBe("shipping");
    expect(deliveryMethodOf({ line_items: physical, shipping_lines: [], shipping_address: {} })).toBe("shipping");
  });
});

describe("invalid orders throw PayloadError naming the topic and field", () => {
  it.each([
    [
      "a missing id",
      orderPayload({ id: undefined, admin_graphql_api_id: undefined }),
      "orders/create payload: id is missing",
    ],
    ["a null name", orderPayload({ name: null }), "orders/create payload: name must not be null"],
    [
      "a string order_number",
      orderPayload({ order_number: "1001" }),
      "orders/create payload: order_number must be a number, got a string of 4 characters",
    ],
    [
      "a bad total_price",
      orderPayload({ total_price: "12,50" }),
      "orders/create payload: total_price must be a decimal amount, got a string of 5 characters",
    ],
    [
      "a time without offset",
      orderPayload({ created_at: "2026-11-16T09:12:40" }),
      "orders/create payload: created_at must be an ISO-8601 time with an offset",
    ],
    [
      "a bad line item quantity",
      orderPayload({ line_items: [lineItemPayload({ quantity: "two" })] }),
      "orders/create payload: line_items[0].quantity must be a number",
    ],
    [
      "line_items not a list",
      orderPayload({ line_items: { id: 1 } }),
      "orders/create payload: line_items must be an array, got an object",
    ],
    [
      "a non-numeric id",
      orderPayload({ id: "abc", admin_graphql_api_id: null }),
      "orders/create payload: id must be a numeric id",
    ],
    [
      "a malformed gid",
      orderPayload({ admin_graphql_api_id: "gid://shopify/Order/" }),
      "orders/create payload: admin_graphql_api_id must be a numeric id",
    ],
  ])("orders/create with %s", (_label, body, message) => {
    const err = payloadError(() => parseOrder(body, "orders/create"));
    expect(err.message.startsWith(message)).toBe(true);
    expect(err.topic).toBe("orders/create");
  });
});
