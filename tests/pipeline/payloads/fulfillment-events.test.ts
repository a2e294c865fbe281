import { describe, expect, it } from "vitest";
import { factFromFulfillmentEvent, parseFulfillmentEvent } from "../../../app/pipeline/payloads/fulfillment-events";
import { IDS, fulfillmentEventPayload, loadFixture } from "../../../scripts/simulator/payloads";
import { payloadError } from "./helpers";

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
    const rec = parseFulfillmentEvent(
      fulfillmentEventPayload({
        happened_at: "2026-11-18T05:20:00-06:00",
        estimated_delivery_at: "2026-11-20T20:00:00+05:30",
      }),
    );
    expect(rec.happenedAt.toISOString()).toBe("2026-11-18T11:20:00.000Z");
    expect(rec.estimatedDeliveryAt?.toISOString()).toBe("2026-11-20T14:30:00.000Z");
  });

  it("lower-cases the status and falls back to created_at", () => {
    const rec = parseFulfillmentEvent(fulfillmentEventPayload({ status: "OUT_FOR_DELIVERY", happened_at: null }));
    expect(rec.status).toBe("out_for_delivery");
    expect(rec.happenedAt.toISOString()).toBe("2026-11-18T11:21:04.000Z");
  });

  it("keys by event id only: two parses agree, another event differs", () => {
    const a = factFromFulfillmentEvent(
      parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-delivered")),
    );
    const b = factFromFulfillmentEvent(
      parseFulfillmentEvent(loadFixture("fulfillment_events-create.1001.1-delivered")),
    );
    const c = factFromFulfillmentEvent(
      parseFulfillmentEvent(fulfillmentEventPayload({ id: 44556678000 }, "delivered")),
    );
    expect(a.key).toBe(b.key);
    expect(c.key).toBe("fe:44556678000");
  });

  it("names the missing or wrong field", () => {
    expect(
      payloadError(() => parseFulfillmentEvent(fulfillmentEventPayload({ fulfillment_id: undefined }))).message,
    ).toBe("fulfillment_events/create payload: fulfillment_id is missing");
    expect(payloadError(() => parseFulfillmentEvent(fulfillmentEventPayload({ latitude: "41.7" }))).field).toBe(
      "latitude",
    );
  });
});
