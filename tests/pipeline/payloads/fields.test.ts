import { describe, expect, it } from "vitest";
import { parseCustomersRedact } from "../../../app/pipeline/payloads/compliance";
import {
  PayloadError,
  jsonShape,
  moneyToCents,
  numericId,
  parseShopifyTime,
  parseTriggeredAt,
} from "../../../app/pipeline/payloads/fields";
import { parseFulfillmentEvent } from "../../../app/pipeline/payloads/fulfillment-events";
import { parseFulfillment } from "../../../app/pipeline/payloads/fulfillments";
import { parseOrder } from "../../../app/pipeline/payloads/orders";
import { parseRefund } from "../../../app/pipeline/payloads/refunds";
import { parseReturn } from "../../../app/pipeline/payloads/returns";
import { parseWebhookJson, parseWebhookPayload } from "../../../app/pipeline/payloads/webhook";
import {
  customersRedactPayload,
  fulfillmentEventPayload,
  fulfillmentPayload,
  lineItemPayload,
  loadFixture,
  orderPayload,
  refundPayload,
  returnPayload,
} from "../../../scripts/simulator/payloads";
import { expectNoEcho, payloadError } from "./helpers";

describe("bodies that are not objects", () => {
  it.each([
    ["null", null, "null"],
    ["an array", [loadFixture("orders-create.1001")], "an array of 1 item"],
    ["a string", '{"id":1}', "a string of 8 characters"],
    ["a number", 42, "a number"],
  ])("refuses a body that is %s, naming its type only", (_label, body, shape) => {
    const err = payloadError(() => parseOrder(body, "orders/paid"));
    expect(err.message).toBe(`orders/paid payload: body must be a JSON object, got ${shape}`);
    expect(err.field).toBe("body");
  });
});

// Issue 15, item 4: an email ended up in log lines, WebhookReceipt.error and Job.lastError because
// an error quoted the value it refused. These put customer data where it does not belong.
describe("errors name the field and the problem, never the value", () => {
  const EMAIL = "maya.chen@example.com";
  const PHONE = "+1 (617) 555-0142";
  const STREET = "1200 Hampshire Street, Apt 4B";
  const tx = (amount: string) => [{ kind: "refund", status: "success", amount, currency: "USD" }];

  it.each([
    [
      "an email as the order id",
      () => parseOrder(orderPayload({ id: EMAIL, admin_graphql_api_id: null }), "orders/create"),
      "id",
      EMAIL,
      "must be a numeric id",
    ],
    [
      "an email as the order gid",
      () => parseOrder(orderPayload({ admin_graphql_api_id: EMAIL })),
      "admin_graphql_api_id",
      EMAIL,
      "must be a numeric id",
    ],
    [
      "a phone as the order number",
      () => parseOrder(orderPayload({ order_number: PHONE })),
      "order_number",
      PHONE,
      "must be a number, got a string of 17 characters",
    ],
    [
      "a street address as the total",
      () => parseOrder(orderPayload({ total_price: STREET })),
      "total_price",
      STREET,
      "must be a decimal amount, got a string",
    ],
    [
      "a street address as a time",
      () => parseOrder(orderPayload({ created_at: STREET })),
      "created_at",
      STREET,
      "must be an ISO-8601 time",
    ],
    [
      "a street address as the line items",
      () => parseOrder(orderPayload({ line_items: STREET })),
      "line_items",
      STREET,
      "must be an array, got a string",
    ],
    [
      "a phone as a line item's quantity",
      () => parseOrder(orderPayload({ line_items: [lineItemPayload({ quantity: PHONE })] })),
      "line_items[0].quantity",
      PHONE,
      "must be a number",
    ],
    [
      "an email as the shipping address",
      () => parseOrder(orderPayload({ shipping_address: EMAIL })),
      "shipping_address",
      EMAIL,
      "must be an object, got a string",
    ],
    [
      "a phone as the customer's id",
      () => parseOrder(orderPayload({ customer: { id: PHONE, admin_graphql_api_id: null } })),
      "customer.id",
      PHONE,
      "must be a numeric id",
    ],
    [
      "a phone as a fulfillment's order_id",
      () => parseFulfillment(fulfillmentPayload({ order_id: PHONE })),
      "order_id",
      PHONE,
      "must be a numeric id",
    ],
    [
      "an email as a tracking number list",
      () => parseFulfillment(fulfillmentPayload({ tracking_numbers: EMAIL })),
      "tracking_numbers",
      EMAIL,
      "must be an array",
    ],
    [
      "a street address as a scan's latitude",
      () => parseFulfillmentEvent(fulfillmentEventPayload({ latitude: STREET })),
      "latitude",
      STREET,
      "must be a number",
    ],
    [
      "a street address as a return quantity",
      () =>
        parseReturn(
          returnPayload("returns/request", { return_line_items: [{ id: 1, quantity: STREET }] }),
          "returns/request",
          new Date(),
        ),
      "return_line_items[0].quantity",
      STREET,
      "must be a number",
    ],
    [
      "a phone as a refund amount",
      () => parseRefund(refundPayload({ transactions: tx(PHONE) })),
      "transactions[0].amount",
      PHONE,
      "must be a decimal amount",
    ],
    [
      "an email as the shop id",
      () => parseCustomersRedact(customersRedactPayload({ shop_id: EMAIL })),
      "shop_id",
      EMAIL,
      "must be a numeric id",
    ],
    [
      "an email as an order to redact",
      () => parseCustomersRedact(customersRedactPayload({ orders_to_redact: [EMAIL] })),
      "orders_to_redact[0]",
      EMAIL,
      "must be a numeric id",
    ],
    [
      "a phone as a JSON number in a text field",
      () => parseCustomersRedact(customersRedactPayload({ customer: { phone: 16175550142 } })),
      "customer.phone",
      "16175550142",
      "must be a string, got a number",
    ],
    [
      "an email as the whole body",
      () => parseOrder(EMAIL, "orders/create"),
      "body",
      EMAIL,
      "must be a JSON object, got a string of 21 characters",
    ],
  ] as const)("%s", (_label, parse, field, value, problem) => {
    const err = payloadError(parse);
    expect(err.field).toBe(field);
    expect(err.reason).toContain(problem);
    expectNoEcho(err.message, field, value);
  });

  it("a body that is not JSON is refused without quoting it (V8's own message quotes its start)", () => {
    for (const body of [
      `${EMAIL} ${PHONE}`,
      `<html>${STREET}</html>`,
      `{"email": "${EMAIL}" "phone": "${PHONE}"}`,
      `{"address": "${STREET}"`,
    ]) {
      const err = payloadError(() => parseWebhookJson(body, "orders/create"));
      for (const value of [EMAIL, PHONE, STREET]) expectNoEcho(err.message, "body", value);
      expect(err.message).toMatch(/^orders\/create payload: body is not valid JSON/);
      expect(payloadError(() => parseWebhookPayload("orders/create", body)).message).toBe(err.message);
    }
    expect(payloadError(() => parseWebhookJson(`{"email":`)).reason).toBe("is not valid JSON (it ends too soon)");
    expect(payloadError(() => parseWebhookJson(`{"email": "${EMAIL}" x}`)).reason).toMatch(
      /^is not valid JSON \(near character \d+\)$/,
    );
  });

  it("states a bound without the number refused", () => {
    const err = payloadError(() =>
      parseFulfillment(fulfillmentPayload({ line_items: [{ id: 1, quantity: -16175550142 }] })),
    );
    expect(err.message).toBe(
      "fulfillments/update payload: line_items[0].quantity is out of range (Number must be greater than or equal to 0)",
    );
  });

  it("describes a value by its JSON type and length only", () => {
    expect([null, undefined, [], [EMAIL], [1, 2], "", "x", EMAIL, 42, true, { email: EMAIL }].map(jsonShape)).toEqual([
      "null",
      "nothing",
      "an empty array",
      "an array of 1 item",
      "an array of 2 items",
      "an empty string",
      "a string of 1 character",
      "a string of 21 characters",
      "a number",
      "a boolean",
      "an object",
    ]);
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
});
