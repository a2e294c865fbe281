// The one current delivery estimate of a parcel (issue 19): the email, the SMS, the tracking page and
// the admin all read it from here, so an order never shows two different dates. And the delay notice
// rule built on it: a notice only ever moves the date the shopper last saw later, and says the new date.
import { isDateOnly } from "./delivery-window";
import { pushEstimate } from "./delays";
import { DAY_MS } from "../../lib/time";

export type EstimateSource = "carrier" | "delay" | "shipment" | "order";

export interface EstimateInput {
  /** The carrier's own estimate (a date-only one arrives as midnight UTC and covers its day). */
  carrierEdd?: Date | null;
  /** The date announced in the last delay notice (Shipment.delayAnnouncedEdd). */
  delayAnnouncedEdd?: Date | null;
  /** Whether the parcel is delayed now. An announced date is shown only while it is. */
  delayed?: boolean;
  shipmentStart?: Date | null;
  shipmentEnd?: Date | null;
  orderStart?: Date | null;
  orderEnd?: Date | null;
}

export interface CurrentEstimate {
  start: Date;
  end: Date;
  source: EstimateSource;
}

/**
 * What every channel shows, in this order: the carrier's estimate; while delayed, the date the
 * delay notice announced (never earlier than the window it replaced); the parcel's own window (set
 * at fulfillment, with the carrier known); the order's window (set at confirmation). Null when
 * there is none (for example a pickup order, which is collected, not delivered).
 */
export function currentEstimate(e: EstimateInput): CurrentEstimate | null {
  if (e.carrierEdd) {
    const end = isDateOnly(e.carrierEdd) ? new Date(e.carrierEdd.getTime() + DAY_MS - 1) : e.carrierEdd;
    return { start: e.carrierEdd, end, source: "carrier" };
  }
  const window = windowOf(e.shipmentStart, e.shipmentEnd, "shipment") ?? windowOf(e.orderStart, e.orderEnd, "order");
  if (e.delayed && e.delayAnnouncedEdd && (!window || e.delayAnnouncedEdd.getTime() > window.end.getTime())) {
    return { start: e.delayAnnouncedEdd, end: e.delayAnnouncedEdd, source: "delay" };
  }
  return window;
}

function windowOf(
  start: Date | null | undefined,
  end: Date | null | undefined,
  source: EstimateSource,
): CurrentEstimate | null {
  return start && end ? { start, end, source } : null;
}

/**
 * The date a delay notice announces, or null when no notice is due. `seen` are the ends of what the
 * shopper was shown (the order's promise, currentEstimate before this notice); a notice goes out only
 * with a date later than the latest of them and of the last notice's: the
 * candidate (a carrier's revised date, or detectDelay's) when it is later, else, once the shown date
 * has passed, that date pushed in whole steps past now (pushEstimate). While the shown date still
 * stands and nothing later is known, there is no news. After a notice (`announced`), a new one needs
 * the date to move more than `minSlipMs` later again, so an estimate wobbling by hours is not news.
 */
export function delayNoticeEstimate(
  seen: ReadonlyArray<Date | null | undefined>,
  candidate: Date | null,
  announced: Date | null,
  now: Date,
  minSlipMs: number,
): Date | null {
  const ends = [...seen, announced].filter((d): d is Date => d instanceof Date);
  const lastSeen = ends.length ? new Date(Math.max(...ends.map((d) => d.getTime()))) : null;
  let next: Date | null = null;
  if (candidate && (!lastSeen || candidate.getTime() > lastSeen.getTime())) next = candidate;
  else if (lastSeen && lastSeen.getTime() < now.getTime()) next = pushEstimate(lastSeen, now);
  if (!next) return null;
  if (announced && next.getTime() - announced.getTime() <= minSlipMs) return null;
  return next;
}
