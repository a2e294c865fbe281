// Business time on a shop's calendar: the hours that elapse on days the parcel can move (not the
// weekend, not a public holiday of the shop's country, not a day the merchant closed). Durations are
// learned and predicted in these hours (see window-model.ts), so a Friday order and a Monday order
// share one distribution instead of the weekend widening both windows.
//
// A calendar is a precomputed table of local day starts over a range (Luxon for the zone rules, so a
// 23- or 25-hour DST day counts as it is) plus prefix sums of business time: conversion both ways is a
// binary search, cheap enough for the bench's tens of thousands of predictions.
import { DateTime, FixedOffsetZone, IANAZone } from "luxon";
import { DAY_MS, HOUR_MS, isValidTimeZone } from "../../lib/time";

export interface CalendarSpec {
  /** IANA zone whose calendar days count (the shop's); UTC when unknown. */
  timeZone: string | null | undefined;
  /** Local "YYYY-MM-DD" days off: public holidays (lib/holidays) and the merchant's closure days. */
  daysOff?: readonly string[];
  /** ISO weekdays that are not business days (1 = Monday … 7 = Sunday); Saturday and Sunday by default. */
  weekend?: readonly number[];
}

export interface BusinessCalendar {
  /** Local day starts (ms), one more than the days covered: day i is [starts[i], starts[i + 1]). */
  starts: Float64Array;
  /** Business ms elapsed before day i, from the first day covered. */
  cumulative: Float64Array;
  business: Uint8Array;
}

/** Days covered before and after the instant a calendar is built around. */
const BEFORE_DAYS = 120;
const AFTER_DAYS = 240;

/** A calendar covering [from − 120 days, to + 240 days]: enough for any window and trailing history. */
export function buildCalendar(spec: CalendarSpec, from: Date, to: Date = from): BusinessCalendar {
  const zone =
    spec.timeZone && spec.timeZone !== "UTC" && isValidTimeZone(spec.timeZone)
      ? IANAZone.create(spec.timeZone)
      : FixedOffsetZone.utcInstance;
  const off = new Set(spec.daysOff ?? []);
  const weekend = new Set(spec.weekend ?? [6, 7]);
  let day = DateTime.fromMillis(from.getTime() - BEFORE_DAYS * DAY_MS, { zone }).startOf("day");
  const last = to.getTime() + AFTER_DAYS * DAY_MS;
  const starts: number[] = [];
  const business: number[] = [];
  while (day.toMillis() <= last) {
    starts.push(day.toMillis());
    business.push(weekend.has(day.weekday) || off.has(day.toISODate() ?? "") ? 0 : 1);
    day = day.plus({ days: 1 });
  }
  starts.push(day.toMillis());
  const cumulative = new Float64Array(starts.length);
  for (let i = 0; i < business.length; i++)
    cumulative[i + 1] = cumulative[i]! + (business[i] ? starts[i + 1]! - starts[i]! : 0);
  return { starts: Float64Array.from(starts), cumulative, business: Uint8Array.from(business) };
}

/** Index of the day holding t (clamped to the table). */
function dayIndex(cal: BusinessCalendar, t: number): number {
  let lo = 0;
  let hi = cal.business.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cal.starts[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Business ms from the table's start to t; outside the table, time counts as calendar time. */
function businessClock(cal: BusinessCalendar, t: number): number {
  const first = cal.starts[0]!;
  const end = cal.starts[cal.starts.length - 1]!;
  if (t <= first) return t - first;
  if (t >= end) return cal.cumulative[cal.cumulative.length - 1]! + (t - end);
  const i = dayIndex(cal, t);
  return cal.cumulative[i]! + (cal.business[i] ? t - cal.starts[i]! : 0);
}

/** Business hours elapsed from a to b (0 when b ≤ a). */
export function businessHoursBetween(cal: BusinessCalendar, a: Date, b: Date): number {
  return Math.max(0, (businessClock(cal, b.getTime()) - businessClock(cal, a.getTime())) / HOUR_MS);
}

/**
 * The instant at which `hours` business hours have elapsed after `from`. Zero hours from a day off is
 * `from` itself; any positive amount lands on a business day (the next one's start plus the rest).
 */
export function addBusinessHours(cal: BusinessCalendar, from: Date, hours: number): Date {
  if (!(hours > 0)) return from;
  const target = businessClock(cal, from.getTime()) + hours * HOUR_MS;
  const total = cal.cumulative[cal.cumulative.length - 1]!;
  const end = cal.starts[cal.starts.length - 1]!;
  if (target >= total) return new Date(end + (target - total));
  // The first business day whose cumulative end passes the target.
  let lo = 0;
  let hi = cal.business.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cal.cumulative[mid + 1]! > target) hi = mid;
    else lo = mid + 1;
  }
  return new Date(cal.starts[lo]! + (target - cal.cumulative[lo]!));
}
