import { describe, expect, it } from "vitest";
import {
  factsFromReverseFulfillmentOrderDispose,
  parseReverseFulfillmentOrderDispose,
} from "../../../app/pipeline/payloads/reverse-fulfillment-orders";
import {
  IDS,
  fixtureTriggeredAt,
  loadFixture,
  reverseFulfillmentOrderDisposePayload,
} from "../../../scripts/simulator/payloads";
import { payloadError } from "./helpers";

describe("reverse fulfillment order dispositions", () => {
  it("reads dispositions into received + disposed facts", () => {
    const at = fixtureTriggeredAt("reverse_fulfillment_orders-dispose.1001-R1");
    const rec = parseReverseFulfillmentOrderDispose(loadFixture("reverse_fulfillment_orders-dispose.1001-R1"), at, {
      returnShopifyId: `gid://shopify/Return/${IDS.return1001R1}`,
    });
    expect(rec.reverseFulfillmentOrderId).toBe(IDS.reverseFulfillmentOrder1001R1);
    expect(rec.returnShopifyId).toBe(IDS.return1001R1);
    expect(rec.dispositions).toEqual([
      {
        type: "restocked",
        quantity: 1,
        locationId: IDS.warehouseLocation,
        reverseFulfillmentOrderLineItemId: "2233445566",
        reverseDeliveryLineItemId: "3344556677",
      },
    ]);
    const facts = factsFromReverseFulfillmentOrderDispose(rec);
    expect(facts.map((f) => f.status)).toEqual(["return_received", "return_disposed"]);
    expect(facts[0]?.key).toBe(`rfo:${IDS.reverseFulfillmentOrder1001R1}:received`);
    expect(facts[1]?.key).toMatch(new RegExp(`^rfo:${IDS.reverseFulfillmentOrder1001R1}:disposed:[0-9a-f]{8}$`));
    expect(facts.every((f) => f.at.getTime() === at.getTime())).toBe(true);
    // Stable for the same payload, different for other dispositions.
    const again = factsFromReverseFulfillmentOrderDispose(
      parseReverseFulfillmentOrderDispose(loadFixture("reverse_fulfillment_orders-dispose.1001-R1"), at),
    );
    expect(again.map((f) => f.key)).toEqual(facts.map((f) => f.key));
    expect(again.length).toBe(2);
  });

  it("records no receipt when every item is missing, and leaves the return unknown without a hint", () => {
    const body = reverseFulfillmentOrderDisposePayload({
      dispositions: [
        {
          type: "missing",
          quantity: 1,
          location: null,
          reverse_delivery_line_item: null,
          reverse_fulfillment_order_line_item: { id: 2233445566 },
        },
      ],
    });
    const rec = parseReverseFulfillmentOrderDispose(body, new Date("2026-12-01T00:00:00Z"));
    expect(rec.returnShopifyId).toBeNull();
    const facts = factsFromReverseFulfillmentOrderDispose(rec);
    expect(facts.map((f) => f.status)).toEqual(["return_disposed"]);
    const original = factsFromReverseFulfillmentOrderDispose(
      parseReverseFulfillmentOrderDispose(loadFixture("reverse_fulfillment_orders-dispose.1001-R1"), new Date()),
    );
    expect(facts[0]?.key).not.toBe(original[1]?.key);
  });

  it("names the missing field", () => {
    expect(
      payloadError(() =>
        parseReverseFulfillmentOrderDispose(
          reverseFulfillmentOrderDisposePayload({ dispositions: [{ quantity: 1 }] }),
          new Date(),
        ),
      ).message,
    ).toBe("reverse_fulfillment_orders/dispose payload: dispositions[0].type is missing");
  });
});
