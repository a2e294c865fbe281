// Delay detection and "announce once" for delay notices.
//
// A shipment that is neither delivered, cancelled nor failed is delayed when, in this order:
//   1. "carrier":         the carrier says so (newest raw status "delayed", or the fold's carrier flag);
//   2. "estimate_passed": its estimate (carrier EDD, else the predicted window's end) has passed by
//                         more than ESTIMATE_GRACE_HOURS (date-only estimates count to the end of the day);
//   3. "no_scan":         it has been scanned at least once and has had no scan for longer than its
//                         lane's usual gap: max(NO_SCAN_FLOOR_HOURS, the lane's NO_SCAN_QUANTILE of
//                         scan_gap_hours), or NO_SCAN_DEFAULT_HOURS when the lane has too few samples.
// A shipment that only has a label is never "no_scan" delayed: the label-to-pickup lag is the
// merchant's, and the estimate rule covers it.
//
// The new estimate is stable in time: the carrier's own (future) EDD when it gave one, otherwise the
// old estimate pushed forward in whole steps of DELAY_STEP_HOURS until it lies at least
// DELAY_MIN_LEAD_HOURS ahead of now. It changes only when a step is crossed, so announcing "only when
// the estimate slips" sends a notice at most once per step while a parcel stays stuck.

import { type Histogram, count, quantile } from "./histogram";
import { isDateOnly } from "./delivery-window";
import { DAY_MS, HOUR_MS } from "../../lib/time";

// --- Parameters ------------------------------------------------------------------------------------

/**
 * Quantile of the lane's scan-gap histogram that counts as "longer than usual". A shipment has several
 * gaps in its life, so its chance of ever being falsely flagged is ≈ gaps × (1 − q): with q = 0.9 a
 * lane with weekend gaps flagged ≈ 40 % of normal shipments at some point, with q = 0.99 ≈ 3–4 %
 * (measured in tests/intelligence/rules/delays.test.ts).
 */
export const NO_SCAN_QUANTILE = 0.99;
/** Never call a shipment silent before this many hours (a weekend between scans is normal). */
export const NO_SCAN_FLOOR_HOURS = 48;
/** Silence threshold when the lane has fewer than MIN_GAP_SAMPLES scan gaps: four days. */
export const NO_SCAN_DEFAULT_HOURS = 96;
/** Scan gaps a lane needs before its own quantile is trusted (a 99th percentile needs a few hundred). */
export const MIN_GAP_SAMPLES = 200;
/** Hours past an estimate before it counts as missed (deliveries late in the day are not delays). */
export const ESTIMATE_GRACE_HOURS = 12;
/** Step by which a missed or doubtful estimate is pushed forward. */
export const DELAY_STEP_HOURS = 48;
/** A new estimate lies at least this far ahead of now, so we never announce a date about to pass. */
export const DELAY_MIN_LEAD_HOURS = 24;
/** A delay is announced again only when the estimate slips by more than this past the announced one. */
export const ANNOUNCE_MIN_SLIP_HOURS = 12;

// --- Types -----------------------------------------------------------------------------------------

export type DelayReason = "carrier" | "no_scan" | "estimate_passed";

/** What delay detection reads; a Shipment row satisfies it (extra columns are ignored). */
export interface DelaySnapshot {
  /** Newest raw status; "delayed" means the carrier reported a delay. */
  lastStatus?: string | null;
  /**
   * The fold's carrier-delay flag (ShipmentState.delayed from fold.ts), if the caller has it. Never pass
   * the stored Shipment.delayed column when it holds this module's own previous verdict: a no_scan or
   * estimate_passed delay would then feed back as "carrier" and never clear.
   */
  carrierDelayed?: boolean | null;
  /** Newest carrier scan. */
  lastEventAt: Date | null;
  /** First carrier scan (in transit); no_scan applies only after it. */
  inTransitAt: Date | null;
  labelCreatedAt?: Date | null;
  deliveredAt: Date | null;
  cancelledAt?: Date | null;
  failedAt?: Date | null;
  carrierEdd: Date | null;
  predictedEnd?: Date | null;
}

export interface DelayVerdict {
  delayed: boolean;
  reason: DelayReason | null;
  /** The estimate to communicate when delayed (null when not delayed or nothing is known). */
  newEstimate: Date | null;
  /** Hours of silence that count as no_scan for this lane (for display and debugging). */
  noScanThresholdHours: number;
  /** Hours since the newest scan, or null before the first scan. */
  hoursSinceScan: number | null;
}

// --- Rules -----------------------------------------------------------------------------------------

/** The silence (hours) after which a shipment on this lane counts as no_scan delayed. */
export function noScanThresholdHours(laneGapHistogram: Histogram | null): number {
  if (!laneGapHistogram || count(laneGapHistogram) < MIN_GAP_SAMPLES) return NO_SCAN_DEFAULT_HOURS;
  const q = quantile(laneGapHistogram, NO_SCAN_QUANTILE) ?? NO_SCAN_DEFAULT_HOURS;
  return Math.max(NO_SCAN_FLOOR_HOURS, q);
}

/**
 * When an estimate counts as missed: a date-only estimate (midnight UTC) lasts its whole day, then
 * ESTIMATE_GRACE_HOURS more (which also covers the day's end in the Americas).
 */
export function estimateDeadline(estimate: Date): Date {
  const end = isDateOnly(estimate) ? estimate.getTime() + DAY_MS : estimate.getTime();
  return new Date(end + ESTIMATE_GRACE_HOURS * HOUR_MS);
}

/** base + n·DELAY_STEP_HOURS for the smallest n ≥ 1 that lands at least DELAY_MIN_LEAD_HOURS after now. */
export function pushEstimate(base: Date, now: Date): Date {
  const step = DELAY_STEP_HOURS * HOUR_MS;
  const target = now.getTime() + DELAY_MIN_LEAD_HOURS * HOUR_MS;
  const n = Math.max(1, Math.ceil((target - base.getTime()) / step));
  return new Date(base.getTime() + n * step);
}

/** Whether a shipment is delayed now, why, and the estimate to tell the customer. */
export function detectDelay(s: DelaySnapshot, laneGapHistogram: Histogram | null, now: Date): DelayVerdict {
  const threshold = noScanThresholdHours(laneGapHistogram);
  const lastScan = s.lastEventAt ?? s.inTransitAt;
  const hoursSinceScan = s.inTransitAt && lastScan ? Math.max(0, (now.getTime() - lastScan.getTime()) / HOUR_MS) : null;
  const verdict = (reason: DelayReason | null, newEstimate: Date | null): DelayVerdict => ({
    delayed: reason !== null,
    reason,
    newEstimate,
    noScanThresholdHours: threshold,
    hoursSinceScan,
  });
  if (s.deliveredAt || s.cancelledAt || s.failedAt) return verdict(null, null);

  const estimate = s.carrierEdd ?? s.predictedEnd ?? null;
  const anchor = estimate ?? lastScan ?? s.labelCreatedAt ?? now;

  if (s.carrierDelayed === true || (s.lastStatus ?? "").trim().toLowerCase() === "delayed") {
    // The carrier's own revised date wins while it is still ahead.
    if (s.carrierEdd && s.carrierEdd.getTime() > now.getTime()) return verdict("carrier", s.carrierEdd);
    return verdict("carrier", pushEstimate(anchor, now));
  }
  if (estimate && now.getTime() > estimateDeadline(estimate).getTime()) {
    return verdict("estimate_passed", pushEstimate(estimate, now));
  }
  if (hoursSinceScan !== null && hoursSinceScan > threshold) {
    return verdict("no_scan", pushEstimate(anchor, now));
  }
  return verdict(null, null);
}

/**
 * Announce a delay only the first time, and again only when the estimate slips more than
 * ANNOUNCE_MIN_SLIP_HOURS past the one announced. An earlier or unchanged estimate is never
 * re-announced. The caller stores the announced estimate (Shipment.delayAnnouncedEdd) and does not
 * clear it when the delay clears, so a flapping delay is not announced twice.
 * A null new estimate is announced only when nothing was announced before.
 */
export function shouldAnnounceDelay(previouslyAnnouncedEstimate: Date | null, newEstimate: Date | null): boolean {
  if (!previouslyAnnouncedEstimate) return true;
  if (!newEstimate) return false;
  return newEstimate.getTime() - previouslyAnnouncedEstimate.getTime() > ANNOUNCE_MIN_SLIP_HOURS * HOUR_MS;
}
