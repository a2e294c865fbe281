// Carrier estimates, the sample definitions the services record, "shipped early" and accuracy
// reporting. The predicted window itself is window-model.ts (business hours, shrinkage, recency,
// per-tail quantiles; decision 004 as revised for issue 19); its keys use carrierKey from here.

import { normalizeCarrierName } from "../../pipeline/rules/carriers";
import { type Histogram, count, quantile } from "./histogram";
import { DAY_MS, HOUR_MS } from "../../lib/time";

// --- Parameters ------------------------------------------------------------------------------------

/** Orders the shop's processing histogram needs before it replaces the default. */
export const MIN_PROCESSING_SAMPLES = 20;

/** Trailing window of daily LaneStat rows to merge for processing (processing_hours), in days. */
export const PROCESSING_WINDOW_DAYS = 60;

/**
 * "Shipped earlier than expected": the first fulfillment came at least this share of the shop's
 * median processing time sooner than the median …
 */
export const SHIPPED_EARLY_RELATIVE_MARGIN = 0.25;
/** … and at least this many hours sooner (so same-day shippers are never "early" by noise). */
export const SHIPPED_EARLY_MIN_MARGIN_HOURS = 4;

// --- Types -----------------------------------------------------------------------------------------

export type WindowSource = "predicted" | "carrier_edd";

/** A delivery window: predicted (window-model.ts) or the carrier's estimate. */
export interface DeliveryWindow {
  start: Date;
  end: Date;
  source: WindowSource;
  /** Samples behind the prediction (0 for carrier estimates). */
  sampleSize: number;
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
