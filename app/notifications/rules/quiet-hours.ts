// Quiet hours: SMS is never sent at night in the *customer's* time zone. A message planned inside the
// window is deferred to the window's end; it is never dropped.
import { addLocalDays, instantOf, pickTimeZone, wallTimeAt } from "../../lib/time";

function normaliseHour(h: number): number | null {
  if (!Number.isFinite(h)) return null;
  const n = Math.trunc(h);
  return ((n % 24) + 24) % 24;
}

/** Whether a local hour lies in the window [start, end), which may cross midnight (21 → 8). */
export function isQuietHour(hour: number, start: number, end: number): boolean {
  const s = normaliseHour(start);
  const e = normaliseHour(end);
  if (s === null || e === null || s === e) return false; // an empty window: no quiet hours
  return s < e ? hour >= s && hour < e : hour >= s || hour < e;
}

/**
 * The earliest instant at or after `sendAfter` that is outside quiet hours [start, end) in `timeZone`
 * (local hours; start inclusive, end exclusive; start > end crosses midnight; start === end disables).
 * DST-correct: the window's end is the local wall time end:00 of the right local day, resolved through
 * the zone's rules (a skipped hour resolves to the first instant after the gap). An unknown zone falls
 * back to UTC rather than dropping or sending at an arbitrary time.
 */
export function applyQuietHours(
  sendAfter: Date,
  timeZone: string | null | undefined,
  start: number,
  end: number,
): Date {
  const tz = pickTimeZone(timeZone);
  const s = normaliseHour(start);
  const e = normaliseHour(end);
  if (s === null || e === null || s === e) return new Date(sendAfter.getTime());
  const local = wallTimeAt(sendAfter, tz);
  if (!isQuietHour(local.hour, s, e)) return new Date(sendAfter.getTime());
  // Crossing midnight and already past the start: the window ends tomorrow (local calendar).
  const endsTomorrow = s > e && local.hour >= s;
  const day = endsTomorrow ? addLocalDays(local, 1) : local;
  const resume = instantOf({ ...day, hour: e, minute: 0, second: 0 }, tz);
  // Defensive: never earlier than asked (cannot happen with consistent zone data).
  return resume.getTime() >= sendAfter.getTime() ? resume : new Date(sendAfter.getTime());
}
