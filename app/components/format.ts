// Formatting shared by the admin pages. Dates are formatted in an explicit time zone (the shop's) so
// the server's HTML and the browser's hydration agree.
import { daysText } from "../lib/time";

export function formatNumber(n: number): string {
  return new Intl.NumberFormat("en-US").format(n);
}

export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function formatPercent(ratio: number | null, digits = 1): string {
  return ratio === null ? "—" : `${(ratio * 100).toFixed(digits)}%`;
}

/** "36 h" under three days, else "4.5 days". */
/** A duration in days with one decimal, or a dash when unknown (lib/time's daysText). */
export function formatDays(hours: number | null): string {
  return hours === null || !Number.isFinite(hours) ? "—" : daysText(hours);
}

export function formatDateTime(iso: string | null, timeZone = "UTC"): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

export function formatDate(iso: string | null, timeZone = "UTC"): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeZone }).format(new Date(iso));
}

/** "YYYY-MM-DD" of a Date in UTC. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** "Nov 25, 1:54 PM": for dense tables, where the year is obvious. */
export function formatShortDateTime(iso: string | null, timeZone = "UTC"): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat("en-US", {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone,
  }).format(new Date(iso));
}
