import { describe, expect, it } from "vitest";
import {
  FULFILLMENT_CREATED_STATUS,
  factsFromFulfillment,
  parseFulfillment,
} from "../../../app/pipeline/payloads/fulfillments";
import { IDS, TRACKING, fulfillmentPayload, loadFixture } from "../../../scripts/simulator/payloads";
import { payloadError } from "./helpers";

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
    const rec = parseFulfillment(
      fulfillmentPayload({
        tracking_numbers: [],
        tracking_number: "1Z999AA10123456819",
        tracking_urls: [],
        tracking_url: null,
      }),
    );
    expect(rec.trackingNumbers).toEqual(["1Z999AA10123456819"]);
    expect(rec.trackingUrls).toEqual([]);
    const repeats = parseFulfillment(fulfillmentPayload({ tracking_numbers: ["A1", " A1 ", "", "B2"] }));
    expect(repeats.trackingNumbers).toEqual(["A1", "B2"]);
  });

  it("makes a label fact at created_at, a status fact and a shipment-status fact at updated_at", () => {
    const delivered = parseFulfillment(loadFixture("fulfillments-update.1001.1-ups-delivered"), "fulfillments/update");
    expect(delivered.shipmentStatus).toBe("delivered");
    expect(factsFromFulfillment(delivered)).toEqual([
      {
        key: `f:${IDS.fulfillmentUps}:created`,
        source: "fulfillment",
        status: FULFILLMENT_CREATED_STATUS,
        at: new Date("2026-11-17T19:03:11.000Z"),
      },
      {
        key: `f:${IDS.fulfillmentUps}:success:2026-11-20T15:15:27.000Z`,
        source: "fulfillment",
        status: "fulfillment_success",
        at: new Date("2026-11-20T15:15:27.000Z"),
      },
      {
        key: `f:${IDS.fulfillmentUps}:shipment:delivered:2026-11-20T15:15:27.000Z`,
        source: "fulfillment",
        status: "delivered",
        at: new Date("2026-11-20T15:15:27.000Z"),
      },
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
    const err = payloadError(() =>
      parseFulfillment(fulfillmentPayload({ order_id: undefined }), "fulfillments/create"),
    );
    expect(err.message).toBe("fulfillments/create payload: order_id is missing");
  });

  it("names nested fields", () => {
    expect(
      payloadError(() => parseFulfillment(fulfillmentPayload({ line_items: [{ id: null }] }), "fulfillments/update"))
        .message,
    ).toBe("fulfillments/update payload: line_items[0].id must not be null");
  });
});
