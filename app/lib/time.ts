// Wall-clock arithmetic in IANA time zones with nothing but Intl: what local time is it at an instant,
// and which instant is a given local time (DST-correct, Temporal's "compatible" disambiguation).

/** Fixed durations, for UTC arithmetic and elapsed time (calendar days in a zone: addLocalDays). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number; // 0-23
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (IANA names and links such as "US/Eastern"). */
export function isValidTimeZone(timeZone: string | null | undefined): timeZone is string {
  if (!timeZone || typeof timeZone !== "string") return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch (_e) {
    return false;
  }
}

/** The first valid zone of the candidates, else "UTC". */
export function pickTimeZone(...candidates: (string | null | undefined)[]): string {
  for (const c of candidates) if (isValidTimeZone(c)) return c;
  return "UTC";
}

/** The local wall time of an instant in a zone. */
export function wallTimeAt(instant: Date, timeZone: string): WallTime {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: Intl.DateTimeFormatPartTypes): number => {
    const p = parts.find((x) => x.type === type);
    return p ? Number(p.value) : 0;
  };
  const era = parts.find((x) => x.type === "era")?.value;
  const y = get("year");
  return {
    year: era === "BC" || era === "B" ? 1 - y : y,
    month: get("month"),
    day: get("day"),
    hour: get("hour") % 24,
    minute: get("minute"),
    second: get("second"),
  };
}

function wallAsUtcMs(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, 0);
  return d.getTime();
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetMs(instant: Date, timeZone: string): number {
  const ms = Math.floor(instant.getTime() / 1000) * 1000;
  return wallAsUtcMs(wallTimeAt(new Date(ms), timeZone)) - ms;
}


/**
 * The instant at which a zone's clocks show a given wall time. A time that occurs twice (clocks go back)
 * gives the earlier instant; a time that never occurs (clocks go forward) gives the instant shifted by
 * the gap, e.g. 02:30 on a 02:00→03:00 night gives 03:30. Fields out of range roll over (day 32 → next month).
 */
export function instantOf(wall: WallTime, timeZone: string): Date {
  const asUtc = wallAsUtcMs(wall);
  const before = offsetMs(new Date(asUtc - DAY_MS), timeZone);
  const after = offsetMs(new Date(asUtc + DAY_MS), timeZone);
  const candidates = [...new Set([before, after])]
    .map((off) => asUtc - off)
    .filter((t) => offsetMs(new Date(t), timeZone) === asUtc - t)
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return new Date(first);
  // In the gap: read the wall time with the offset in force before the transition.
  return new Date(asUtc - before);
}

/** Local calendar date "YYYY-MM-DD" of an instant in a zone. */
export function localDateKey(instant: Date, timeZone: string): string {
  const w = wallTimeAt(instant, timeZone);
  return `${String(w.year).padStart(4, "0")}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/** The wall time `days` calendar days after the given one (hour/minute kept). */
export function addLocalDays(w: WallTime, days: number): WallTime {
  const d = new Date(wallAsUtcMs({ ...w, day: w.day + days }));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: w.hour,
    minute: w.minute,
    second: w.second,
  };
}
