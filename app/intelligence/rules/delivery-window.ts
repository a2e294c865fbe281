// Predicted delivery window at order time, carrier estimates, "shipped early" and accuracy reporting.
//
// Model (see docs/decisions/004-delivery-window-model.md):
//   order → delivered  =  processing (order → first fulfillment, learned per shop)
//                       + transit    (first fulfillment → delivered, learned per lane)
// The two are treated as independent; the window is a pair of quantiles of their sum, computed by a
// discrete convolution of the two histograms (histogram.sumQuantiles). Default-table components are
// business-day ranges, added with business-day arithmetic on the shop's calendar (lib/time's
// addBusinessDays: calendar days in the shop's zone, so the local time of day survives a DST change).
// Transit is looked up along a fallback chain, stopping at the first level with at least
// MIN_TRANSIT_SAMPLES samples:
//   carrier+service+region → carrier+region → carrier+country → carrier → shop → default table.
// Processing uses the shop's histogram when it has MIN_PROCESSING_SAMPLES, else the default table.

import { normalizeCarrierName } from "../../pipeline/rules/carriers";
import { type Histogram, count, merge, quantile, sumQuantiles } from "./histogram";
import { DAY_MS, HOUR_MS, addBusinessDays } from "../../lib/time";

// --- Parameters ------------------------------------------------------------------------------------

/**
 * Lower and upper quantiles of processing + transit that bound the window. The nominal coverage is
 * 85 %, a margin above the 80 % promise so that estimation error at MIN_TRANSIT_SAMPLES samples and
 * bucket discretisation do not pull held-out coverage under 80 % (measured in the tests).
 */
export const WINDOW_LOW_QUANTILE = 0.075;
export const WINDOW_HIGH_QUANTILE = 0.925;

/**
 * Samples a transit level needs before it is trusted. With 30 samples the 7.5 % / 92.5 % quantiles
 * rest on ≈ 2 observations each side: noisy, but held-out coverage stays ≥ 80 % (tests), and a
 * sparser level is worse than a broader one.
 */
export const MIN_TRANSIT_SAMPLES = 30;
/** Orders the shop's processing histogram needs before it replaces the default. */
export const MIN_PROCESSING_SAMPLES = 20;

/** Trailing window of daily LaneStat rows to merge for transit (transit_hours), in days. */
export const TRANSIT_WINDOW_DAYS = 90;
/** Trailing window of daily LaneStat rows to merge for processing (processing_hours), in days. */
export const PROCESSING_WINDOW_DAYS = 60;

/** A range of business days: treated as the whole plausible range (≈ p0–p100) of a component. */
export interface BusinessDayRange {
  low: number;
  high: number;
}

/** Default processing time: most shops fulfil within one or two business days. */
export const DEFAULT_PROCESSING_BUSINESS_DAYS: BusinessDayRange = { low: 1, high: 2 };

/**
 * Default transit time by destination relative to the shop's origin country. Domestic: ground service
 * in a large country (US/CA/AU) takes 2–5 business days; international economy/standard: 6–15.
 * A destination whose country is unknown is treated as domestic (most orders are).
 */
export const DEFAULT_TRANSIT_BUSINESS_DAYS: Record<"domestic" | "international", BusinessDayRange> = {
  domestic: { low: 2, high: 5 },
  international: { low: 6, high: 15 },
};

/**
 * "Shipped earlier than expected": the first fulfillment came at least this share of the shop's
 * median processing time sooner than the median …
 */
export const SHIPPED_EARLY_RELATIVE_MARGIN = 0.25;
/** … and at least this many hours sooner (so same-day shippers are never "early" by noise). */
export const SHIPPED_EARLY_MIN_MARGIN_HOURS = 4;

// --- Types -----------------------------------------------------------------------------------------

/** Fallback levels, most specific first. */
export type TransitSource =
  "carrier_service_region" | "carrier_region" | "carrier_country" | "carrier" | "shop" | "default";

export const TRANSIT_LEVELS: readonly TransitSource[] = [
  "carrier_service_region",
  "carrier_region",
  "carrier_country",
  "carrier",
  "shop",
  "default",
];

export type WindowSource = TransitSource | "carrier_edd";
export type ProcessingSource = "shop" | "default" | "fulfilled";

/** A delivery window. `source` is the transit level used (or the carrier's estimate). */
export interface DeliveryWindow {
  start: Date;
  end: Date;
  source: WindowSource;
  /** Samples behind the transit level used (0 for the default table and carrier estimates). */
  sampleSize: number;
}

/** A predicted window, with the processing side of the story too. */
export interface PredictedWindow extends DeliveryWindow {
  source: TransitSource;
  /** "fulfilled" when the order had already shipped, so processing was known rather than predicted. */
  processingSource: ProcessingSource;
  processingSampleSize: number;
}

/** One lane's transit histogram (already merged over the trailing window, or one daily row). */
export interface LaneHistogram {
  carrier: string;
  /** "" when unknown. */
  service: string;
  /** "US-OH" style, a bare country "US", or "" when unknown. */
  region: string;
  histogram: Histogram;
}

export interface DeliveryModelInput {
  /** The shop's ship-from country ("US"), to tell domestic from international defaults. */
  originCountry: string | null;
  /** The shop's IANA time zone: business days are counted on its calendar. UTC when absent. */
  originTimeZone?: string | null;
  /** The shop's processing_hours histogram over the trailing window, or null. */
  processing: Histogram | null;
  /** The shop's transit_hours lanes over the trailing window; rows with the same key are merged. */
  transit: readonly LaneHistogram[];
}

/** Pre-merged histograms for every fallback level: build once per shop, predict many times. */
export interface DeliveryModel {
  originCountry: string | null;
  originTimeZone: string;
  processing: Histogram | null;
  levels: Map<string, Histogram>;
}

export interface OrderForWindow {
  orderPlacedAt: Date;
  /** When the order's first fulfillment happened, if it already has; processing is then known. */
  firstFulfilledAt?: Date | null;
  carrier?: string | null;
  service?: string | null;
  /** "US-OH" or "US". */
  destRegion?: string | null;
  /** "US"; derived from destRegion when absent. */
  destCountry?: string | null;
}

// --- Keys ------------------------------------------------------------------------------------------

function norm(s: string | null | undefined): string {
  return (s ?? "").trim().toLowerCase();
}

/**
 * The key a carrier is grouped by: our carrier code when the name or code is known ("UPS", "ups",
 * "United Parcel Service" → "ups"), otherwise the name in lower case; "" when absent.
 */
export function carrierKey(carrier: string | null | undefined): string {
  if (!carrier || !carrier.trim()) return "";
  return normalizeCarrierName(carrier) ?? norm(carrier);
}

function normRegion(s: string | null | undefined): string {
  return (s ?? "").trim().toUpperCase();
}

/** "US" from "US-OH" or "US"; "" when not a recognisable ISO 3166 code. */
export function countryOf(region: string | null | undefined): string {
  const m = /^([A-Z]{2})(?:-|$)/.exec(normRegion(region));
  return m ? m[1]! : "";
}

function levelKey(
  level: TransitSource,
  carrier: string,
  service: string,
  region: string,
  country: string,
): string | null {
  switch (level) {
    case "carrier_service_region":
      return carrier && service && region ? `csr|${carrier}|${service}|${region}` : null;
    case "carrier_region":
      return carrier && region ? `cr|${carrier}|${region}` : null;
    case "carrier_country":
      return carrier && country ? `cc|${carrier}|${country}` : null;
    case "carrier":
      return carrier ? `c|${carrier}` : null;
    case "shop":
      return "shop";
    case "default":
      return null;
  }
}

/** Merges lanes into one histogram per key at every fallback level. */
export function buildDeliveryModel(input: DeliveryModelInput): DeliveryModel {
  const parts = new Map<string, Histogram[]>();
  for (const lane of input.transit) {
    const carrier = carrierKey(lane.carrier);
    const service = norm(lane.service);
    const region = normRegion(lane.region);
    const country = countryOf(region);
    for (const level of TRANSIT_LEVELS) {
      const key = levelKey(level, carrier, service, region, country);
      if (key === null) continue;
      const list = parts.get(key);
      if (list) list.push(lane.histogram);
      else parts.set(key, [lane.histogram]);
    }
  }
  const levels = new Map<string, Histogram>();
  for (const [key, hs] of parts) levels.set(key, merge(...hs));
  return {
    originCountry: input.originCountry ? normRegion(input.originCountry) : null,
    originTimeZone: input.originTimeZone || "UTC",
    processing: input.processing,
    levels,
  };
}

/** The most specific trusted transit level for an order, or the default. */
export function resolveTransit(
  model: DeliveryModel,
  order: Pick<OrderForWindow, "carrier" | "service" | "destRegion" | "destCountry">,
): { source: TransitSource; histogram: Histogram | null; sampleSize: number } {
  const carrier = carrierKey(order.carrier);
  const service = norm(order.service);
  const region = normRegion(order.destRegion) || normRegion(order.destCountry);
  const country = normRegion(order.destCountry) || countryOf(region);
  for (const level of TRANSIT_LEVELS) {
    if (level === "default") break;
    const key = levelKey(level, carrier, service, region, country);
    if (key === null) continue;
    const h = model.levels.get(key);
    if (h && count(h) >= MIN_TRANSIT_SAMPLES) return { source: level, histogram: h, sampleSize: Math.round(count(h)) };
  }
  return { source: "default", histogram: null, sampleSize: 0 };
}

/** Domestic unless both countries are known and differ. */
export function isDomestic(originCountry: string | null, destCountry: string | null | undefined): boolean {
  const o = normRegion(originCountry);
  const d = normRegion(destCountry);
  return !o || !d || o === d;
}

// --- Prediction ------------------------------------------------------------------------------------

function plusHours(at: Date, hours: number): Date {
  return new Date(at.getTime() + hours * HOUR_MS);
}

/**
 * The predicted delivery window for an order.
 *  - Both components learned: the [WINDOW_LOW_QUANTILE, WINDOW_HIGH_QUANTILE] quantiles of
 *    processing + transit (convolution), added to the order time.
 *  - A component from the default table is a business-day range (≈ its whole plausible range) and is
 *    added with business-day arithmetic; the learned component adds its low/high quantile in calendar
 *    hours. So: default processing + learned transit → [order + low bd + T(q_low), order + high bd +
 *    T(q_high)]; learned processing + default transit → [(order + P(q_low)) + low bd, (order +
 *    P(q_high)) + high bd]; both default → [order + (low + low) bd, order + (high + high) bd].
 *  - Once `firstFulfilledAt` is known, processing is no longer predicted: the window is the transit
 *    quantiles (or the default transit business days) from the fulfillment.
 */
export function predictDeliveryWindow(model: DeliveryModel, order: OrderForWindow): PredictedWindow {
  const transit = resolveTransit(model, order);
  const destCountry = normRegion(order.destCountry) || countryOf(order.destRegion);
  const transitRange =
    DEFAULT_TRANSIT_BUSINESS_DAYS[isDomestic(model.originCountry, destCountry) ? "domestic" : "international"];
  const base = { source: transit.source, sampleSize: transit.sampleSize };
  const th = transit.histogram;
  /** Adds the transit component (learned quantile, or default business days) to a departure time. */
  const plusTransit = (from: Date, side: "low" | "high"): Date =>
    th
      ? plusHours(from, quantile(th, side === "low" ? WINDOW_LOW_QUANTILE : WINDOW_HIGH_QUANTILE) ?? 0)
      : addBusinessDays(from, transitRange[side], model.originTimeZone);

  if (order.firstFulfilledAt) {
    const from = order.firstFulfilledAt;
    return {
      ...base,
      processingSource: "fulfilled",
      processingSampleSize: 0,
      start: plusTransit(from, "low"),
      end: plusTransit(from, "high"),
    };
  }

  const from = order.orderPlacedAt;
  const ph = model.processing !== null && count(model.processing) >= MIN_PROCESSING_SAMPLES ? model.processing : null;
  if (!ph) {
    const p = DEFAULT_PROCESSING_BUSINESS_DAYS;
    const shipped = (side: "low" | "high") => addBusinessDays(from, p[side], model.originTimeZone);
    return {
      ...base,
      processingSource: "default",
      processingSampleSize: 0,
      start: plusTransit(shipped("low"), "low"),
      end: plusTransit(shipped("high"), "high"),
    };
  }
  const processing = { processingSource: "shop" as const, processingSampleSize: Math.round(count(ph)) };
  if (!th) {
    const lo = quantile(ph, WINDOW_LOW_QUANTILE) ?? 0;
    const hi = quantile(ph, WINDOW_HIGH_QUANTILE) ?? lo;
    return {
      ...base,
      ...processing,
      start: plusTransit(plusHours(from, lo), "low"),
      end: plusTransit(plusHours(from, hi), "high"),
    };
  }
  const [lo, hi] = sumQuantiles(ph, th, [WINDOW_LOW_QUANTILE, WINDOW_HIGH_QUANTILE]);
  const start = lo ?? 0;
  return { ...base, ...processing, start: plusHours(from, start), end: plusHours(from, hi ?? start) };
}

/** Whether an instant is exactly midnight UTC: how a date-only carrier estimate arrives. */
export function isDateOnly(at: Date): boolean {
  return at.getTime() % DAY_MS === 0;
}

/**
 * The window to show: the carrier's estimate wins once there is one (a date-only estimate covers its
 * whole UTC day, a timed one is a point); otherwise the prediction. The prediction itself stays stored
 * (Shipment.predictedStart/End) for accuracy reporting; this only chooses what to display.
 */
export function windowFromCarrierEdd(
  carrierEdd: Date | null | undefined,
  predicted: DeliveryWindow | null,
): DeliveryWindow | null {
  if (carrierEdd) {
    const end = isDateOnly(carrierEdd) ? new Date(carrierEdd.getTime() + DAY_MS - 1) : carrierEdd;
    return { start: carrierEdd, end, source: "carrier_edd", sampleSize: 0 };
  }
  return predicted;
}

// --- Samples (the definitions the services record into LaneStat) -----------------------------------

/** processing_hours sample: order placed → first fulfillment. Null when not fulfilled yet. */
export function processingHours(orderPlacedAt: Date, firstFulfilledAt: Date | null | undefined): number | null {
  if (!firstFulfilledAt) return null;
  return Math.max(0, (firstFulfilledAt.getTime() - orderPlacedAt.getTime()) / HOUR_MS);
}

/**
 * transit_hours sample: first fulfillment → delivered, or first carrier scan → delivered when the
 * fulfillment time is unknown. Anchoring at the fulfillment makes processing + transit add up to
 * order → delivered exactly (the label-to-first-scan lag stays inside transit, where it belongs to the
 * carrier lane). Null when not delivered.
 */
export function transitHours(s: {
  fulfilledAt?: Date | null;
  inTransitAt?: Date | null;
  deliveredAt: Date | null;
}): number | null {
  const from = s.fulfilledAt ?? s.inTransitAt ?? null;
  if (!from || !s.deliveredAt) return null;
  return Math.max(0, (s.deliveredAt.getTime() - from.getTime()) / HOUR_MS);
}

// --- Shipped early ---------------------------------------------------------------------------------

/**
 * True when the first fulfillment beat the shop's learned processing time: the shop has at least
 * MIN_PROCESSING_SAMPLES orders and the order shipped at least
 * max(SHIPPED_EARLY_MIN_MARGIN_HOURS, SHIPPED_EARLY_RELATIVE_MARGIN × median) sooner than the median.
 * E.g. median 48 h → early when shipped within 36 h; median 10 h → within 6 h; median 3 h → never.
 */
export function shippedEarly(
  orderPlacedAt: Date,
  firstFulfilledAt: Date | null | undefined,
  processingHistogram: Histogram | null,
): boolean {
  const actual = processingHours(orderPlacedAt, firstFulfilledAt);
  if (actual === null || !processingHistogram || count(processingHistogram) < MIN_PROCESSING_SAMPLES) return false;
  const median = quantile(processingHistogram, 0.5);
  if (median === null) return false;
  const margin = Math.max(SHIPPED_EARLY_MIN_MARGIN_HOURS, SHIPPED_EARLY_RELATIVE_MARGIN * median);
  return actual <= median - margin;
}

// --- Accuracy --------------------------------------------------------------------------------------

export interface DeliveryOutcome {
  carrier: string | null;
  promisedStart: Date;
  promisedEnd: Date;
  deliveredAt: Date;
}

export interface AccuracyRow {
  /** Carrier as first seen (grouping ignores case); "unknown" when null; "all" for the overall row. */
  carrier: string;
  deliveries: number;
  /** Share delivered inside [promisedStart, promisedEnd] (inclusive). */
  insideShare: number;
  earlyShare: number;
  lateShare: number;
  /** Mean |deliveredAt − window midpoint|, in days: the error of the window as a point estimate. */
  meanAbsErrorDays: number;
  /** Mean distance outside the window (0 when inside), in days: how badly a miss misses. */
  meanMissDays: number;
}

function accuracyRow(carrier: string, rows: readonly DeliveryOutcome[]): AccuracyRow {
  let inside = 0;
  let early = 0;
  let late = 0;
  let abs = 0;
  let miss = 0;
  for (const r of rows) {
    const s = r.promisedStart.getTime();
    const e = r.promisedEnd.getTime();
    const d = r.deliveredAt.getTime();
    if (d < s) {
      early++;
      miss += (s - d) / DAY_MS;
    } else if (d > e) {
      late++;
      miss += (d - e) / DAY_MS;
    } else inside++;
    abs += Math.abs(d - (s + e) / 2) / DAY_MS;
  }
  const n = rows.length;
  const share = (x: number) => (n ? x / n : 0);
  return {
    carrier,
    deliveries: n,
    insideShare: share(inside),
    earlyShare: share(early),
    lateShare: share(late),
    meanAbsErrorDays: share(abs),
    meanMissDays: share(miss),
  };
}

/** Per-carrier (most deliveries first) and overall accuracy of promised windows against deliveries. */
export function accuracyReport(deliveries: readonly DeliveryOutcome[]): {
  overall: AccuracyRow;
  byCarrier: AccuracyRow[];
} {
  const groups = new Map<string, { name: string; rows: DeliveryOutcome[] }>();
  for (const d of deliveries) {
    const key = carrierKey(d.carrier) || "unknown";
    const g = groups.get(key);
    if (g) g.rows.push(d);
    else groups.set(key, { name: d.carrier?.trim() || "unknown", rows: [d] });
  }
  const byCarrier = [...groups.values()]
    .map((g) => accuracyRow(g.name, g.rows))
    .sort((a, b) => b.deliveries - a.deliveries || a.carrier.localeCompare(b.carrier));
  return { overall: accuracyRow("all", deliveries), byCarrier };
}
