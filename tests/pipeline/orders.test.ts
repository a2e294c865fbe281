// The orders repository under concurrency: two workers (two clients with their own connections)
// writing two payloads of one new order at the same moment, as orders/create and orders/paid arrive,
// or moving two shipments of one order at the same moment.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyFulfillment, applyFulfillmentEvent } from "~/pipeline/fulfillments.server";
import { adoptStrayShipments, ORDER_CONFIRMED, upsertOrder } from "~/pipeline/orders.server";
import { STAGE_CHANGED } from "~/pipeline/shipments.server";
import { parseFulfillment, parseFulfillmentEvent, parseOrder } from "~/pipeline/payloads";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload } from "../../scripts/simulator/payloads";
import { freshDb, providers, type TestDb } from "../support/db";

describe.each(providers)("the orders repository on %s", (provider) => {
  let t: TestDb;
  let shopId: string;

  beforeEach(async () => {
    t = await freshDb(provider);
    shopId = (await t.db.shop.create({ data: { domain: "waypoint-demo.myshopify.com" } })).id;
  });
  afterEach(async () => t.drop());

  it("two workers creating the same new order at once both succeed, on one row, announced once, newest payload kept", async () => {
    // PostgreSQL: two workers with their own pools. SQLite runs one process with one Prisma
    // connection (its transactions queue on it), so both writers share it there.
    const [a, b] = provider === "postgresql" ? [t.connect({ max: 2 }), t.connect({ max: 2 })] : [t.db, t.db];
    for (let i = 0; i < 12; i++) {
      const id = 900_000 + i;
      const created = parseOrder(
        orderPayload({ id, updated_at: "2026-11-16T09:12:40-05:00", financial_status: "pending" }),
        "orders/create",
      );
      const paid = parseOrder(
        orderPayload({ id, updated_at: "2026-11-16T09:12:44-05:00", financial_status: "paid" }),
        "orders/paid",
      );
      const ids = await Promise.all([upsertOrder(a, shopId, created), upsertOrder(b, shopId, paid)]);
      expect(ids[0]).toBe(ids[1]);
      const rows = await t.db.order.findMany({ where: { shopId, shopifyId: String(id) } });
      expect(rows).toHaveLength(1);
      expect(rows[0]?.financialStatus).toBe("paid"); // whichever committed first, the newer payload wins
      expect(
        await t.db.job.count({ where: { kind: ORDER_CONFIRMED, payload: { equals: { shopId, orderId: ids[0] } } } }),
      ).toBe(1);
    }
  });

  it("two shipments of one order delivered at the same moment by two workers leave the order delivered, not half", async () => {
    const [a, b] = provider === "postgresql" ? [t.connect({ max: 2 }), t.connect({ max: 2 })] : [t.db, t.db];
    for (let i = 0; i < 10; i++) {
      const orderId = 700_000 + i;
      const [ups, usps] = [810_000 + 2 * i, 810_001 + 2 * i];
      const id = await upsertOrder(t.db, shopId, parseOrder(orderPayload({ id: orderId }), "orders/create"));
      await applyFulfillment(
        t.db,
        shopId,
        parseFulfillment(fulfillmentPayload({ id: ups, order_id: orderId }, "ups"), "fulfillments/create"),
        null,
      );
      await applyFulfillment(
        t.db,
        shopId,
        parseFulfillment(fulfillmentPayload({ id: usps, order_id: orderId }, "usps"), "fulfillments/create"),
        null,
      );
      const delivered = (fulfillmentId: number, eventId: number) =>
        parseFulfillmentEvent(
          fulfillmentEventPayload({ id: eventId, fulfillment_id: fulfillmentId, order_id: orderId }, "delivered"),
        );
      await Promise.all([
        applyFulfillmentEvent(a, shopId, delivered(ups, 9_000_000 + 2 * i), null),
        applyFulfillmentEvent(b, shopId, delivered(usps, 9_000_001 + 2 * i), null),
      ]);
      const order = await t.db.order.findUniqueOrThrow({ where: { id } });
      expect({ stage: order.stage, subStatus: order.subStatus }).toEqual({ stage: 4, subStatus: "delivered" });
    }
  });

  it("adopts a shipment that missed its order in a race between workers, once the order exists", async () => {
    // The race's outcome, made directly: the fulfillment is processed while no order exists, and the
    // order is then written without finding it (its search for orphans ran before the shipment committed).
    await applyFulfillment(t.db, shopId, parseFulfillment(fulfillmentPayload({}, "ups"), "fulfillments/create"), null);
    const rec = parseOrder(orderPayload(), "orders/create");
    const order = await t.db.order.create({
      data: {
        shopId,
        shopifyId: rec.shopifyId,
        name: rec.name,
        orderNumber: rec.orderNumber,
        processedAt: rec.processedAt,
        factsAt: rec.updatedAt,
        shipCountry: "US",
        shipRegion: "MA",
        lineItems: [],
      },
    });
    const stray = await t.db.shipment.findFirstOrThrow({ where: { shopId } });
    expect(stray.orderId).toBeNull();
    const now = new Date(stray.createdAt.getTime() + 5 * 60_000);

    // A shipment younger than the grace period is left to the pipeline.
    expect(await adoptStrayShipments(t.db, new Date(stray.createdAt.getTime() + 1000))).toBe(0);
    expect(await adoptStrayShipments(t.db, now)).toBe(1);
    const adopted = await t.db.shipment.findUniqueOrThrow({ where: { id: stray.id } });
    expect([adopted.orderId, adopted.destRegion]).toEqual([order.id, "US-MA"]);
    // The order shows the parcel's stage, and the customer hears about it once.
    expect((await t.db.order.findUniqueOrThrow({ where: { id: order.id } })).stage).toBe(adopted.stage);
    expect(
      await t.db.job.count({ where: { kind: STAGE_CHANGED, singletonKey: `stage:${stray.id}:order_arrived` } }),
    ).toBe(1);
    expect(await adoptStrayShipments(t.db, now)).toBe(0);
  });
});
