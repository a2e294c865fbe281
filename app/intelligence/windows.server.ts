// Delivery windows, the IO half (issue 19): records processing and transit in business hours on the
// shop's calendar, reads the recency-weighted model with the parcels still out, and stores the window
// an order (at confirmation: by its destination) and a shipment (at fulfillment: by its carrier and
// service) are promised. The rules are pure: rules/window-model.ts, rules/business-hours.ts.
import type { Db } from "../db.server";
import type { Tx } from "../pipeline/shipments.server";
import { type BusinessCalendar, buildCalendar, businessHoursBetween } from "./rules/business-hours";
import { fromJSON } from "./rules/histogram";
import {
  CONFIDENCE_LEVELS,
  DEFAULT_CONFIDENCE,
  HISTORY_DAYS,
  MAX_IN_FLIGHT_HOURS,
  type WindowModel,
  type WindowPrediction,
  buildWindowModel,
  predictWindow,
} from "./rules/window-model";
import { carrierKey } from "./rules/delivery-window";
import { publicHolidays } from "../lib/holidays";
import { DAY_MS, dayKey } from "../lib/time";
import { addLaneSamples } from "./lanes.server";

export const WINDOW_METRICS = { processing: "processing_bhours", transit: "transit_bhours" } as const;

/** Parcels and orders older than this are not read as "still out" (lost, or never to be shipped). */
const IN_FLIGHT_DAYS = 42;
/** Bounds on the in-flight reads: enough for a large shop's few weeks, never a scan of history. */
const IN_FLIGHT_LIMIT = 5000;

export interface ShopPromise {
  timezone: string;
  originCountry: string | null;
  closureDays: unknown;
  deliveryConfidence: number;
}

const SHOP_PROMISE = { timezone: true, originCountry: true, closureDays: true, deliveryConfidence: true } as const;

/** The merchant's closure days as stored (Shop.closureDays), keeping only well-formed dates. */
export function closureDaysOf(json: unknown): string[] {
  return Array.isArray(json)
    ? json.filter((d): d is string => typeof d === "string" && /^\d{4}-\d{2}-\d{2}$/.test(d))
    : [];
}

/** A stored confidence, or the default when it is not one of the offered levels. */
export function confidenceOf(value: number | null | undefined): number {
  return CONFIDENCE_LEVELS.find((c) => Math.abs(c - (value ?? 0)) < 1e-9) ?? DEFAULT_CONFIDENCE;
}

/** The shop's calendar around an instant: its zone's weekends, its country's public holidays, its closures. */
export function shopCalendar(shop: ShopPromise, around: Date): BusinessCalendar {
  const year = around.getUTCFullYear();
  return buildCalendar(
    {
      timeZone: shop.timezone,
      daysOff: [...publicHolidays(shop.originCountry, year - 1, year + 1), ...closureDaysOf(shop.closureDays)],
    },
    around,
  );
}

/** Records a processing (order → first fulfillment) sample in business hours, in the caller's transaction. */
export async function recordProcessingBusinessHours(
  tx: Tx,
  shopId: string,
  orderPlacedAt: Date,
  firstFulfilledAt: Date,
): Promise<void> {
  const shop = await tx.shop.findUniqueOrThrow({ where: { id: shopId }, select: SHOP_PROMISE });
  const hours = businessHoursBetween(shopCalendar(shop, firstFulfilledAt), orderPlacedAt, firstFulfilledAt);
  await addLaneSamples(tx, { shopId, metric: WINDOW_METRICS.processing, day: dayKey(firstFulfilledAt) }, [hours]);
}

/** Records a transit (fulfillment → delivered) sample in business hours for its lane. */
export async function recordTransitBusinessHours(
  tx: Tx,
  lane: { shopId: string; carrier: string; service: string; region: string },
  from: Date,
  deliveredAt: Date,
): Promise<void> {
  const shop = await tx.shop.findUniqueOrThrow({ where: { id: lane.shopId }, select: SHOP_PROMISE });
  const hours = businessHoursBetween(shopCalendar(shop, deliveredAt), from, deliveredAt);
  await addLaneSamples(tx, { ...lane, metric: WINDOW_METRICS.transit, day: dayKey(deliveredAt) }, [hours]);
}

/** The shop's model now: trailing daily rows, parcels still out, orders not shipped yet (bounded reads). */
export async function windowModelFor(
  db: Db,
  shopId: string,
  now: Date,
): Promise<{ model: WindowModel; calendar: BusinessCalendar; confidence: number }> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: SHOP_PROMISE });
  const calendar = shopCalendar(shop, now);
  const since = dayKey(new Date(now.getTime() - HISTORY_DAYS * DAY_MS));
  const recent = new Date(now.getTime() - IN_FLIGHT_DAYS * DAY_MS);
  const [processing, transit, inFlight, unfulfilled] = await Promise.all([
    db.laneStat.findMany({
      where: { shopId, metric: WINDOW_METRICS.processing, day: { gte: since } },
      select: { day: true, histogram: true },
    }),
    db.laneStat.findMany({
      where: { shopId, metric: WINDOW_METRICS.transit, day: { gte: since } },
      select: { day: true, carrier: true, service: true, region: true, histogram: true },
    }),
    db.shipment.findMany({
      where: {
        shopId,
        kind: "outbound",
        deliveredAt: null,
        cancelledAt: null,
        failedAt: null,
        labelCreatedAt: { gte: recent, lte: now },
      },
      select: {
        carrier: true,
        carrierCode: true,
        service: true,
        destRegion: true,
        destCountry: true,
        labelCreatedAt: true,
      },
      orderBy: { labelCreatedAt: "desc" },
      take: IN_FLIGHT_LIMIT,
    }),
    db.order.findMany({
      where: {
        shopId,
        firstFulfilledAt: null,
        cancelledAt: null,
        deliveryMethod: "shipping",
        processedAt: { gte: recent, lte: now },
      },
      select: { processedAt: true },
      orderBy: { processedAt: "desc" },
      take: IN_FLIGHT_LIMIT,
    }),
  ]);
  const model = buildWindowModel({
    now,
    originCountry: shop.originCountry,
    processing: processing.map((r) => ({ day: r.day, histogram: fromJSON(r.histogram) })),
    transit: transit.map((r) => ({ ...r, histogram: fromJSON(r.histogram) })),
    inFlight: inFlight.map((s) => ({
      carrier: carrierKey(s.carrierCode ?? s.carrier),
      service: (s.service ?? "").toLowerCase(),
      region: s.destRegion ?? s.destCountry ?? "",
      hours: businessHoursBetween(calendar, s.labelCreatedAt!, now),
    })),
    unfulfilledHours: unfulfilled
      .map((o) => businessHoursBetween(calendar, o.processedAt, now))
      .filter((h) => h <= MAX_IN_FLIGHT_HOURS),
  });
  return { model, calendar, confidence: confidenceOf(shop.deliveryConfidence) };
}

/** "US-OH" from an order's address, or the bare country. */
function regionOf(country: string | null, region: string | null): string | null {
  return country && region ? `${country}-${region}` : country;
}

/**
 * Predicts and stores an order's window at confirmation, by its shipping address. Pickup orders get
 * none: they are collected, not delivered (the storefront shows the pickup instead).
 */
export async function predictOrderWindow(db: Db, orderId: string, now: Date): Promise<WindowPrediction | null> {
  const order = await db.order.findUnique({ where: { id: orderId } });
  if (!order || order.predictedStart || order.deliveryMethod === "local_pickup") return null;
  const { model, calendar, confidence } = await windowModelFor(db, order.shopId, now);
  const w = predictWindow(
    model,
    calendar,
    {
      orderPlacedAt: order.processedAt,
      destRegion: regionOf(order.shipCountry, order.shipRegion),
      destCountry: order.shipCountry,
    },
    confidence,
  );
  await db.order.update({ where: { id: orderId }, data: { predictedStart: w.start, predictedEnd: w.end } });
  return w;
}

/** Once a shipment has its carrier, its own window from the fulfillment (tighter than the order's). */
export async function predictShipmentWindow(db: Db, shipmentId: string, now: Date): Promise<WindowPrediction | null> {
  const s = await db.shipment.findUnique({
    where: { id: shipmentId },
    include: { order: { select: { processedAt: true, shipCountry: true, shipRegion: true, deliveryMethod: true } } },
  });
  if (!s || !s.order || s.kind !== "outbound" || s.order.deliveryMethod === "local_pickup") return null;
  const { model, calendar, confidence } = await windowModelFor(db, s.shopId, now);
  const w = predictWindow(
    model,
    calendar,
    {
      orderPlacedAt: s.order.processedAt,
      firstFulfilledAt: s.labelCreatedAt,
      carrier: carrierKey(s.carrierCode ?? s.carrier),
      service: s.service,
      destRegion: s.destRegion ?? regionOf(s.order.shipCountry, s.order.shipRegion),
      destCountry: s.destCountry ?? s.order.shipCountry,
    },
    confidence,
  );
  await db.shipment.update({ where: { id: shipmentId }, data: { predictedStart: w.start, predictedEnd: w.end } });
  return w;
}
