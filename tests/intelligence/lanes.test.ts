// Delivery intelligence on a real database: deliveries feed the lane histograms once each, new
// orders get a window learned from them, and silent shipments are found delayed by the scan.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { learnFromStageChange, METRICS, predictForOrder, scanInTransit } from "~/intelligence/lanes.server";
import { jobHandlers } from "~/jobs/registry.server";
import type { StageChangedEvent } from "~/pipeline/shipments.server";
import { Worker } from "~/jobs/worker.server";
import { count, fromJSON, merge, quantile } from "~/intelligence/rules/histogram";
import { predictWindow } from "~/intelligence/rules/window-model";
import { WINDOW_METRICS, windowModelFor } from "~/intelligence/windows.server";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload } from "../../scripts/simulator/payloads";
import { freshDb, providers, type TestDb } from "../support/db";
import { receiverFor, signedWebhook } from "../support/shopify-webhooks";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(providers)("delivery intelligence on %s", (provider) => {
  let t: TestDb;
  let now: Date;
  beforeEach(async () => {
    t = await freshDb(provider);
    now = new Date(Date.now() + 60_000);
    // Messages are not what this file tests; rendering dozens of emails would only slow it down.
    await t.db.shop.create({ data: { domain: "waypoint-demo.myshopify.com", notificationMode: "off" } });
  });
  afterEach(async () => t.drop());

  /**
   * Runs every queued job. The door stamps jobs with the real time, so the worker's clock is taken
   * now, not when the test began: posting the stories may take a minute on a busy machine.
   */
  async function drain() {
    now = new Date(Date.now() + 60_000);
    await new Worker(t.db, jobHandlers, { now: () => now }).drain();
  }

  /** One order shipped by UPS to Ohio: placed, fulfilled after `ship` hours, delivered `transit` hours later. */
  async function story(i: number, placed: number, ship: number, transit: number | null) {
    const receive = receiverFor(t.db);
    const orderId = String(7_000_000_000_000 + i);
    const fulfillmentId = String(9_000_000_000_000 + i);
    const shipped = placed + ship * HOUR;
    const post = async (topic: string, body: unknown) =>
      expect((await receive(signedWebhook(topic, body))).status).toBe(200);
    await post(
      "orders/create",
      orderPayload({
        id: orderId,
        name: `#${3000 + i}`,
        order_number: 3000 + i,
        created_at: iso(placed),
        processed_at: iso(placed),
        updated_at: iso(placed),
        shipping_address: { province_code: "OH", country_code: "US", city: "Columbus" },
      }),
    );
    await post(
      "fulfillments/create",
      fulfillmentPayload({
        id: fulfillmentId,
        order_id: orderId,
        created_at: iso(shipped),
        updated_at: iso(shipped),
        status: "success",
        shipment_status: null,
      }),
    );
    await post(
      "fulfillment_events/create",
      fulfillmentEventPayload({
        id: String(5_000_000_000 + i * 2),
        fulfillment_id: fulfillmentId,
        order_id: orderId,
        status: "in_transit",
        happened_at: iso(shipped + 6 * HOUR),
        created_at: iso(shipped + 6 * HOUR),
        updated_at: iso(shipped + 6 * HOUR),
        estimated_delivery_at: null,
      }),
    );
    if (transit !== null) {
      const at = shipped + transit * HOUR;
      await post(
        "fulfillment_events/create",
        fulfillmentEventPayload(
          {
            id: String(5_000_000_001 + i * 2),
            fulfillment_id: fulfillmentId,
            order_id: orderId,
            status: "delivered",
            happened_at: iso(at),
            created_at: iso(at),
            updated_at: iso(at),
            estimated_delivery_at: null,
          },
          "delivered",
        ),
      );
    }
    return { orderId };
  }

  it(
    "learns processing and transit per lane, once per shipment, and predicts windows from them",
    { timeout: 120_000 },
    async () => {
      const start = Date.now() - 20 * 24 * HOUR;
      for (let i = 0; i < 36; i++) await story(i, start + i * 6 * HOUR, 20 + (i % 5), 48 + (i % 9) * 3);
      await drain();

      const transit = await t.db.laneStat.findMany({ where: { metric: METRICS.transit } });
      const h = merge(...transit.map((r) => fromJSON(r.histogram)));
      expect(count(h)).toBe(36);
      expect(transit.every((r) => r.carrier === "ups" && r.region === "US-OH")).toBe(true);
      expect(quantile(h, 0.5)).toBeGreaterThan(48);
      expect(quantile(h, 0.5)).toBeLessThan(78);
      const rollup = await t.db.dailyStat.groupBy({
        by: ["metric"],
        where: { metric: { startsWith: "delivered" } },
        _sum: { count: true },
      });
      expect(Object.fromEntries(rollup.map((r) => [r.metric, r._sum.count]))).toMatchObject({ delivered: 36 });
      const processing = await t.db.laneStat.findMany({ where: { metric: METRICS.processing } });
      expect(processing.reduce((n, r) => n + r.count, 0)).toBe(36);

      // Replaying a delivered shipment's event does not count it twice.
      const s = await t.db.shipment.findFirstOrThrow({ where: { deliveredAt: { not: null } } });
      const event: StageChangedEvent = {
        shopId: s.shopId,
        shipmentId: s.id,
        orderId: s.orderId,
        kind: "outbound",
        delayed: false,
        delayStarted: false,
        transition: {
          fromStage: 3,
          toStage: 4,
          fromStatus: "in_transit",
          toStatus: "delivered",
          at: s.deliveredAt!.toISOString(),
          cause: "test",
        },
      };
      await learnFromStageChange(t.db, event, now);
      const again = await t.db.laneStat.findMany({ where: { metric: METRICS.transit } });
      expect(again.reduce((n, r) => n + r.count, 0)).toBe(36);

      // The same samples in business hours on the shop's calendar, for the windows (windows.server.ts).
      const bTransit = await t.db.laneStat.findMany({ where: { metric: WINDOW_METRICS.transit } });
      expect(bTransit.reduce((n, r) => n + r.count, 0)).toBe(36);
      expect(bTransit.every((r) => r.carrier === "ups" && r.region === "US-OH")).toBe(true);
      const bProcessing = await t.db.laneStat.findMany({ where: { metric: WINDOW_METRICS.processing } });
      expect(bProcessing.reduce((n, r) => n + r.count, 0)).toBe(36);

      // A new order to the same lane gets the window of its destination, from the stored model: the
      // same one the pure rule gives (the rule itself is tested in tests/intelligence/rules/).
      const placed = Date.now();
      const { orderId } = await story(100, placed, 20, null);
      await drain();
      const order = await t.db.order.findFirstOrThrow({ where: { shopifyId: orderId } });
      await t.db.order.update({ where: { id: order.id }, data: { predictedStart: null, predictedEnd: null } });
      await predictForOrder(t.db, order.id, now);
      const predicted = await t.db.order.findUniqueOrThrow({ where: { id: order.id } });
      const { model, calendar, confidence } = await windowModelFor(t.db, order.shopId, now);
      const expected = predictWindow(
        model,
        calendar,
        { orderPlacedAt: order.processedAt, destRegion: "US-OH", destCountry: "US" },
        confidence,
      );
      expect(expected.source).toBe("region");
      expect(predicted.predictedStart).toEqual(expected.start);
      expect(predicted.predictedEnd).toEqual(expected.end);
      // Processing (~1 day) plus transit (2-3 days), give or take a weekend.
      const highDays = (predicted.predictedEnd!.getTime() - placed) / (24 * HOUR);
      expect(predicted.predictedStart!.getTime()).toBeGreaterThan(placed);
      expect(highDays).toBeGreaterThan(2);
      expect(highDays).toBeLessThan(9);
    },
  );

  it("flags a silent in-transit shipment as delayed once, and snapshots lane dwell for bottlenecks", async () => {
    await story(1, Date.now() - 9 * 24 * HOUR, 20, null); // last scan ~8 days ago, never delivered
    await story(2, Date.now() - 30 * HOUR, 20, null); // scanned a few hours ago
    await drain();
    const eventsBefore = await t.db.job.count({ where: { kind: "tracking.stage_changed" } });

    const first = await scanInTransit(t.db, now);
    expect(first).toEqual({ scanned: 2, newlyDelayed: 1 });
    const delayed = await t.db.shipment.findMany({ where: { delayed: true } });
    expect(delayed).toHaveLength(1);
    // Silent for a week: past both its lane's scan-gap threshold and its predicted delivery.
    expect(["no_scan", "estimate_passed"]).toContain(delayed[0]!.delayReason);
    const announced = await t.db.job.findMany({
      where: { kind: "tracking.stage_changed" },
      orderBy: { createdAt: "asc" },
    });
    expect(announced.length).toBe(eventsBefore + 1);
    expect(announced.at(-1)!.payload).toMatchObject({
      shipmentId: delayed[0]!.id,
      delayStarted: true,
      transition: null,
    });

    const second = await scanInTransit(t.db, new Date(now.getTime() + HOUR));
    expect(second.newlyDelayed).toBe(0);
    const dwell = await t.db.laneStat.findMany({ where: { metric: METRICS.dwell } });
    expect(dwell.reduce((n, r) => n + r.count, 0)).toBe(2); // one snapshot per day, not per scan
  });

  it("flags a shipment still at label created once its window has passed, with no scan at all", async () => {
    const { orderId } = await story(3, Date.now() - 10 * 24 * HOUR, 20, null);
    await drain();
    const order = await t.db.order.findFirstOrThrow({ where: { shopifyId: orderId } });
    const s = await t.db.shipment.findFirstOrThrow({ where: { orderId: order.id } });
    // Back to label created, as if the carrier never scanned it, with a window that ended two days ago.
    await t.db.shipment.update({
      where: { id: s.id },
      data: {
        stage: 2,
        subStatus: "label_created",
        inTransitAt: null,
        lastEventAt: null,
        predictedStart: new Date(now.getTime() - 96 * HOUR),
        predictedEnd: new Date(now.getTime() - 48 * HOUR),
      },
    });
    const result = await scanInTransit(t.db, now);
    expect(result.newlyDelayed).toBe(1);
    const flagged = await t.db.shipment.findUniqueOrThrow({ where: { id: s.id } });
    expect([flagged.delayed, flagged.delayReason]).toEqual([true, "estimate_passed"]);
    // Label-created parcels are not in-transit dwell: no bottleneck snapshot for them.
    expect(await t.db.laneStat.count({ where: { metric: METRICS.dwell } })).toBe(0);
  });
});
