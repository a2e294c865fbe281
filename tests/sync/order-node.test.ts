// The pure reading of Admin API answers (app/sync/rules/order-node.ts): statuses back to the REST
// words the parsers know, the wait a cost extension asks for, and the search the jobs send.
import { describe, expect, it } from "vitest";
import { fulfillmentStatusOf, ordersSearch, restoreWaitMs, shipmentStatusOf } from "~/sync/rules/order-node";

describe("order node", () => {
  it("maps display statuses to the REST payloads' words", () => {
    expect(fulfillmentStatusOf("UNFULFILLED")).toBeNull();
    expect(fulfillmentStatusOf("PARTIALLY_FULFILLED")).toBe("partial");
    expect(fulfillmentStatusOf("FULFILLED")).toBe("fulfilled");
    expect(fulfillmentStatusOf("ON_HOLD")).toBe("on_hold");
    expect(fulfillmentStatusOf(null)).toBeNull();
    expect(shipmentStatusOf("IN_TRANSIT")).toBe("in_transit");
    expect(shipmentStatusOf("FULFILLED")).toBeNull(); // says nothing about the carrier
  });

  it("waits until the bucket holds the request's cost", () => {
    const s = { maximumAvailable: 2000, currentlyAvailable: 100, restoreRate: 100 };
    expect(restoreWaitMs(s, 902)).toBe(8020);
    expect(restoreWaitMs(s, 50)).toBe(0);
    // A request dearer than the bucket waits for a full bucket, not forever.
    expect(restoreWaitMs({ ...s, maximumAvailable: 1000 }, 5000)).toBe(9000);
  });

  it("asks for orders updated since a moment, in Shopify's search syntax", () => {
    expect(ordersSearch(new Date("2026-10-04T00:00:00Z"))).toBe("updated_at:>='2026-10-04T00:00:00.000Z'");
  });
});
