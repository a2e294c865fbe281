// Time in one module: fixed durations, wall-clock time in IANA zones (what a zone's clocks show at an
// instant, which instant shows a given wall time), calendar and business days on a zone's calendar,
// and the UTC day keys of the daily statistics rows. Zone rules come from Luxon (over Intl's tz data),
// so DST is handled by a maintained library rather than by offset arithmetic of our own.
import { DateTime, type Zone, IANAZone, FixedOffsetZone } from "luxon";

/** Fixed durations, for UTC arithmetic and elapsed time (calendar days in a zone: addLocalDays, addBusinessDays). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A duration in days with one decimal ("0.8 days", "1.0 day"): how every page and message says a duration. */
export function daysText(hours: number): string {
  const days = (hours / 24).toFixed(1);
  return `${days} ${days === "1.0" ? "day" : "days"}`;
}

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number; // 0-23
  minute: number;
  second: number;
}

// --- Zones -----------------------------------------------------------------------------------------

/** True when the zone is one Intl knows (IANA names and links such as "US/Eastern", and "UTC"). */
export function isValidTimeZone(timeZone: string | null | undefined): timeZone is string {
  // IANAZone.create caches the zone and its validity; isValidZone would build an Intl formatter per call.
  return typeof timeZone === "string" && timeZone !== "" && IANAZone.create(timeZone).isValid;
}

/** The first valid zone of the candidates, else "UTC". */
export function pickTimeZone(...candidates: (string | null | undefined)[]): string {
  for (const c of candidates) if (isValidTimeZone(c)) return c;
  return "UTC";
}

function zoneOf(timeZone: string): Zone {
  if (timeZone === "UTC") return FixedOffsetZone.utcInstance;
  // Validate first: Luxon would otherwise return an invalid DateTime full of NaNs.
  if (!isValidTimeZone(timeZone))
    throw new RangeError("timeZone: not a time zone Intl knows (use pickTimeZone to fall back)");
  return IANAZone.create(timeZone);
}

function inZone(instant: Date, timeZone: string): DateTime {
  return DateTime.fromMillis(instant.getTime(), { zone: zoneOf(timeZone) });
}

// --- Wall time -------------------------------------------------------------------------------------

function wallOf(d: DateTime): WallTime {
  return { year: d.year, month: d.month, day: d.day, hour: d.hour, minute: d.minute, second: d.second };
}

/** The local wall time of an instant in a zone (seconds truncated). */
export function wallTimeAt(instant: Date, timeZone: string): WallTime {
  return wallOf(inZone(instant, timeZone));
}

/** The wall time with out-of-range fields rolled over on the calendar (day 32 → the next month), as Date.UTC does. */
function normalised(w: WallTime): WallTime {
  return wallOf(
    DateTime.utc(w.year, 1, 1).plus({
      months: w.month - 1,
      days: w.day - 1,
      hours: w.hour,
      minutes: w.minute,
      seconds: w.second,
    }),
  );
}

/**
 * The instant at which a zone's clocks show a given wall time. A time that occurs twice (clocks go back)
 * gives the earlier instant; a time that never occurs (clocks go forward) gives the instant shifted by
 * the gap, e.g. 02:30 on a 02:00→03:00 night gives 03:30 (Temporal's "compatible" disambiguation).
 * Fields out of range roll over (day 32 → next month).
 */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const local = DateTime.fromObject(normalised(wall), { zone: zoneOf(timeZone) });
  // Luxon resolves a repeated time to the later instant; the earlier one is the "compatible" choice.
  const instants = local.getPossibleOffsets().map((d) => d.toMillis());
  return new Date(Math.min(...instants));
}

/** The wall time `days` calendar days after the given one (hour/minute/second kept). */
export function addLocalDays(w: WallTime, days: number): WallTime {
  const d = DateTime.utc(w.year, 1, 1).plus({ months: w.month - 1, days: w.day - 1 + days });
  return { year: d.year, month: d.month, day: d.day, hour: w.hour, minute: w.minute, second: w.second };
}

// --- Days ------------------------------------------------------------------------------------------

/** Local calendar date "YYYY-MM-DD" of an instant in a zone. */
export function localDateKey(instant: Date, timeZone: string): string {
  return inZone(instant, timeZone).toFormat("yyyy-MM-dd");
}

/** The UTC calendar day of an instant, "YYYY-MM-DD": the `day` of LaneStat and DailyStat rows. */
export function dayKey(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** The first instant (00:00 UTC) of a "YYYY-MM-DD" day key; null when it is not a calendar day. */
export function dayStart(day: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const d = new Date(`${day}T00:00:00.000Z`);
  // Date.parse rolls "2025-02-30" over to March 2: the day of the month then differs. (Plain Date:
  // this runs once per daily row when trailing windows are merged.)
  return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(day.slice(8)) ? d : null;
}

/** The first instant (00:00 UTC) of an instant's UTC day. */
export function utcDayStart(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
}

/**
 * Adds whole business days (Mon–Fri on the calendar of `timeZone`, the shop's) keeping the local time
 * of day: each day steps to the next weekday, so Friday + 1 and Saturday + 1 are both Monday. Days are
 * calendar days in the zone, so 18:00 stays 18:00 across a DST change (a day is then 23 or 25 hours).
 * The zone matters near midnight too: 8 pm on a Friday in New York is already Saturday in UTC. An
 * unknown or missing zone counts on UTC's calendar rather than failing. Holidays are not modelled.
 */
export function addBusinessDays(from: Date, days: number, timeZone?: string | null): Date {
  const start = inZone(from, pickTimeZone(timeZone));
  let weekday = start.weekday; // 1 = Monday … 7 = Sunday
  let calendarDays = 0;
  for (let i = 0; i < Math.max(0, Math.round(days)); i++) {
    do {
      calendarDays++;
      weekday = (weekday % 7) + 1;
    } while (weekday >= 6);
  }
  // One step of all the days: stepping through a night with a DST gap would carry the gap's shift
  // (02:30 → 03:30) into every later day.
  return start.plus({ days: calendarDays }).toJSDate();
}
