// Delivery intelligence, the IO half: it feeds the learned distributions (LaneStat daily histograms,
// written incrementally as shipments ship and deliver, never recomputed from history), predicts
// delivery windows from them, and scans in-transit shipments for silent delays. The rules
// themselves are pure (app/intelligence/rules/delivery-window.ts, delays.ts, histogram.ts).
import { CARRIER_SCAN_SOURCES } from "../pipeline/rules/types";
import type { Db } from "../db.server";
import { prismaErrorCode } from "../db.server";
import { detectDelay } from "./rules/delays";
import {
  carrierKey,
  PROCESSING_WINDOW_DAYS,
  processingHours,
  shippedEarly,
  transitHours,
} from "./rules/delivery-window";
import {
  predictOrderWindow,
  predictShipmentWindow,
  recordProcessingBusinessHours,
  recordTransitBusinessHours,
} from "./windows.server";
import { add, empty, fromJSON, merge, type Histogram } from "./rules/histogram";
import { currentDwellHours } from "./rules/bottlenecks";
import { enqueue } from "../jobs/queue.server";
import { STAGE_CHANGED, type StageChangedEvent, type Tx } from "../pipeline/shipments.server";
import { DAY_MS, HOUR_MS, dayKey } from "../lib/time";

export const METRICS = {
  processing: "processing_hours",
  transit: "transit_hours",
  scanGap: "scan_gap_hours",
  dwell: "dwell_hours",
} as const;
export const INTELLIGENCE_SCAN = "intelligence.scan";
const SCAN_EVERY_MS = 30 * 60_000;

interface LaneKey {
  shopId: string;
  metric: string;
  carrier?: string;
  service?: string;
  region?: string;
  day: string;
}

/** Adds samples to one daily lane histogram; safe against concurrent writers (compare-and-set on count). */
export async function addLaneSamples(db: Db | Tx, key: LaneKey, hours: number[]): Promise<void> {
  const values = hours.filter((h) => Number.isFinite(h) && h >= 0);
  if (values.length === 0) return;
  const where = {
    shopId: key.shopId,
    metric: key.metric,
    carrier: key.carrier ?? "",
    service: key.service ?? "",
    region: key.region ?? "",
    day: key.day,
  };
  for (let attempt = 0; attempt < 10; attempt++) {
    const row = await db.laneStat.findUnique({ where: { shopId_metric_carrier_service_region_day: where } });
    const base = row ? fromJSON(row.histogram) : empty();
    const next = values.reduce<Histogram>((h, v) => add(h, v), base);
    const sum = values.reduce((a, b) => a + b, 0);
    if (!row) {
      try {
        await db.laneStat.create({ data: { ...where, count: values.length, sum, histogram: { ...next } } });
        return;
      } catch (error) {
        if (prismaErrorCode(error) !== "P2002") throw error; // someone created it first: merge into theirs
        continue;
      }
    }
    const r = await db.laneStat.updateMany({
      where: { id: row.id, count: row.count },
      data: { count: row.count + values.length, sum: row.sum + sum, histogram: { ...next } },
    });
    if (r.count === 1) return;
  }
  throw new Error(`could not update lane statistics for ${key.metric}`);
}

/**
 * Predicts and stores an order's delivery window (shown at confirmation, kept for accuracy): by its
 * shipping address, from the business-hour model (windows.server.ts).
 */
export async function predictForOrder(db: Db, orderId: string, now: Date): Promise<void> {
  await predictOrderWindow(db, orderId, now);
}

/**
 * Learns from a stage change, once per fact: processing time when an order first ships, transit time
 * and scan gaps when a shipment is delivered. The learned-at marks and the samples commit together.
 */
export async function learnFromStageChange(db: Db, event: StageChangedEvent, now: Date): Promise<void> {
  const t = event.transition;
  if (!t || event.kind !== "outbound") return;
  if (t.toStage === 2 || (t.fromStage === null && t.toStage >= 2)) {
    await db.$transaction(async (tx) => {
      const s = await tx.shipment.findUnique({
        where: { id: event.shipmentId },
        select: { orderId: true, labelCreatedAt: true },
      });
      if (!s?.orderId || !s.labelCreatedAt) return;
      const claimed = await tx.order.updateMany({
        where: { id: s.orderId, processingLearnedAt: null },
        data: { processingLearnedAt: now },
      });
      if (claimed.count !== 1) return;
      const order = await tx.order.findUniqueOrThrow({ where: { id: s.orderId }, select: { processedAt: true } });
      const hours = processingHours(order.processedAt, s.labelCreatedAt);
      if (hours !== null) {
        await addLaneSamples(tx, { shopId: event.shopId, metric: METRICS.processing, day: dayKey(s.labelCreatedAt) }, [
          hours,
        ]);
        await recordProcessingBusinessHours(tx, event.shopId, order.processedAt, s.labelCreatedAt);
      }
    });
    await predictShipmentWindow(db, event.shipmentId, now);
  }
  if (t.toStatus === "delivered" || t.toStatus === "picked_up") {
    await db.$transaction(async (tx) => {
      const claimed = await tx.shipment.updateMany({
        where: { id: event.shipmentId, learnedAt: null },
        data: { learnedAt: now },
      });
      if (claimed.count !== 1) return;
      const s = await tx.shipment.findUniqueOrThrow({ where: { id: event.shipmentId } });
      if (!s.deliveredAt) return;
      const lane = {
        shopId: s.shopId,
        carrier: carrierKey(s.carrierCode ?? s.carrier),
        service: (s.service ?? "").toLowerCase(),
        region: s.destRegion ?? s.destCountry ?? "",
        day: dayKey(s.deliveredAt),
      };
      const transit = transitHours({
        fulfilledAt: s.labelCreatedAt,
        inTransitAt: s.inTransitAt,
        deliveredAt: s.deliveredAt,
      });
      if (transit !== null) {
        await addLaneSamples(tx, { ...lane, metric: METRICS.transit }, [transit]);
        const from = s.labelCreatedAt ?? s.inTransitAt;
        if (from) await recordTransitBusinessHours(tx, lane, from, s.deliveredAt);
      }
      const scans = await tx.trackingEvent.findMany({
        where: { shipmentId: s.id, source: { in: [...CARRIER_SCAN_SOURCES] } },
        orderBy: { happenedAt: "asc" },
        select: { happenedAt: true },
        take: 200,
      });
      const gaps = scans.slice(1).map((e, i) => (e.happenedAt.getTime() - scans[i]!.happenedAt.getTime()) / HOUR_MS);
      await addLaneSamples(tx, { ...lane, service: "", metric: METRICS.scanGap }, gaps);
      // The dashboard's on-time rate reads these daily roll-ups instead of counting shipments.
      const metrics = ["delivered"];
      if (s.predictedEnd) metrics.push("delivered_with_window");
      if (s.predictedEnd && s.deliveredAt.getTime() <= s.predictedEnd.getTime()) metrics.push("delivered_on_time");
      for (const metric of metrics) {
        const key = { shopId: s.shopId, day: dayKey(s.deliveredAt), metric, dimension: "" };
        await tx.dailyStat.upsert({
          where: { shopId_day_metric_dimension: key },
          create: { ...key, count: 1 },
          update: { count: { increment: 1 } },
        });
      }
    });
  }
}

/**
 * The periodic scan: silent in-transit shipments become delayed (announced through the same domain
 * event as carrier delays), and once a day each lane's current dwell is snapshotted as the
 * bottleneck baseline. Works in pages of in-transit shipments only (an indexed range), never history.
 */
export async function scanInTransit(
  db: Db,
  now: Date,
  pageSize = 500,
): Promise<{ scanned: number; newlyDelayed: number }> {
  let cursor: string | undefined;
  let scanned = 0;
  let newlyDelayed = 0;
  const today = dayKey(now);
  const gapCache = new Map<string, Histogram | null>();
  const dwell = new Map<string, { shopId: string; carrier: string; region: string; hours: number[] }>();
  const snapshotDue = (await db.laneStat.count({ where: { metric: METRICS.dwell, day: today } })) === 0;
  for (;;) {
    const page = await db.shipment.findMany({
      // Label created (2) as well as in transit (3): a parcel never scanned can pass its window too.
      where: { kind: "outbound", stage: { in: [2, 3] }, deliveredAt: null, cancelledAt: null },
      orderBy: { id: "asc" },
      take: pageSize,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
    });
    if (page.length === 0) break;
    cursor = page.at(-1)!.id;
    for (const s of page) {
      scanned++;
      const carrier = carrierKey(s.carrierCode ?? s.carrier);
      const region = s.destRegion ?? s.destCountry ?? "";
      const laneId = `${s.shopId}|${carrier}|${region}`;
      if (!gapCache.has(laneId)) {
        const rows = await db.laneStat.findMany({
          where: {
            shopId: s.shopId,
            metric: METRICS.scanGap,
            carrier,
            region,
            day: { gte: dayKey(new Date(now.getTime() - 90 * DAY_MS)) },
          },
          select: { histogram: true },
        });
        gapCache.set(laneId, rows.length ? merge(...rows.map((r) => fromJSON(r.histogram))) : null);
      }
      const verdict = detectDelay(
        { ...s, carrierDelayed: s.delayed && s.delayReason === "carrier" },
        gapCache.get(laneId) ?? null,
        now,
      );
      if (verdict.delayed && !s.delayed) {
        const updated = await db.$transaction(async (tx) => {
          const r = await tx.shipment.updateMany({
            where: { id: s.id, version: s.version },
            data: { delayed: true, delayReason: verdict.reason, version: { increment: 1 } },
          });
          if (r.count !== 1) return false; // a new fact just arrived: the next scan decides
          const event: StageChangedEvent = {
            shopId: s.shopId,
            shipmentId: s.id,
            orderId: s.orderId,
            kind: "outbound",
            transition: null,
            delayed: true,
            delayStarted: true,
          };
          await enqueue(tx, {
            kind: STAGE_CHANGED,
            payload: { ...event },
            singletonKey: `delay:${s.id}:${verdict.reason}:${today}`,
          });
          return true;
        });
        if (updated) newlyDelayed++;
      } else if (!verdict.delayed && s.delayed && s.delayReason !== "carrier") {
        await db.shipment.updateMany({
          where: { id: s.id, version: s.version },
          data: { delayed: false, delayReason: null, version: { increment: 1 } },
        });
      }
      if (snapshotDue && s.stage === 3) {
        const h = currentDwellHours(s, now);
        if (h !== null) {
          const lane = dwell.get(laneId) ?? { shopId: s.shopId, carrier, region, hours: [] };
          lane.hours.push(h);
          dwell.set(laneId, lane);
        }
      }
    }
  }
  for (const lane of dwell.values()) {
    await addLaneSamples(
      db,
      { shopId: lane.shopId, metric: METRICS.dwell, carrier: lane.carrier, region: lane.region, day: today },
      lane.hours,
    );
  }
  return { scanned, newlyDelayed };
}

/** One scan per half hour however many workers reschedule it. */
export async function scheduleScan(db: Db, runAfter: Date = new Date()): Promise<void> {
  const slot = Math.floor(runAfter.getTime() / SCAN_EVERY_MS);
  await enqueue(db, { kind: INTELLIGENCE_SCAN, payload: {}, runAfter, singletonKey: `${INTELLIGENCE_SCAN}:${slot}` });
}

export const SCAN_INTERVAL_MS = SCAN_EVERY_MS;

/** Whether an order's first shipment beat the shop's usual processing time ("shipped early" notice). */
export async function wasShippedEarly(
  db: Db,
  shopId: string,
  orderPlacedAt: Date,
  firstFulfilledAt: Date | null,
  now: Date,
): Promise<boolean> {
  if (!firstFulfilledAt) return false;
  const rows = await db.laneStat.findMany({
    where: {
      shopId,
      metric: METRICS.processing,
      day: { gte: dayKey(new Date(now.getTime() - PROCESSING_WINDOW_DAYS * DAY_MS)) },
    },
    select: { histogram: true },
  });
  if (rows.length === 0) return false;
  return shippedEarly(orderPlacedAt, firstFulfilledAt, merge(...rows.map((r) => fromJSON(r.histogram))));
}
