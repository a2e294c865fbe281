// Locale-aware formatting of dates and amounts with Intl.
import { pickTimeZone } from "../../lib/time";
import type { DateWindow } from "./context";

function validDate(d: Date | null | undefined): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

/** "Wed, Nov 25 – Fri, Nov 27" (en-US); one day when start and end fall on the same local day. */
export function formatWindow(
  window: DateWindow | null | undefined,
  locale: string,
  timeZone?: string | null,
): string | undefined {
  if (!window || !validDate(window.start) || !validDate(window.end)) return undefined;
  const [start, end] =
    window.start.getTime() <= window.end.getTime() ? [window.start, window.end] : [window.end, window.start];
  const fmt = new Intl.DateTimeFormat(locale, {
    weekday: "short",
    month: "short",
    day: "numeric",
    timeZone: pickTimeZone(timeZone),
  });
  const a = fmt.format(start);
  const b = fmt.format(end);
  return a === b ? a : fmt.formatRange(start, end);
}

/** "Nov 27" / "27 nov." / "27. Nov.": the short date an SMS can afford. */
export function formatShortDate(
  date: Date | null | undefined,
  locale: string,
  timeZone?: string | null,
): string | undefined {
  if (!validDate(date)) return undefined;
  return new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", timeZone: pickTimeZone(timeZone) }).format(
    date,
  );
}

/** "Nov 24, 3:42 PM" for a scan line. */
export function formatScanTime(date: Date, locale: string, timeZone?: string | null): string {
  if (!validDate(date)) return "";
  return new Intl.DateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: pickTimeZone(timeZone),
  }).format(date);
}

/** An amount in minor units ("1250", "EUR") → "€12.50" / "12,50 €"; JPY and friends have no minor unit. */
export function formatMoney(amountMinor: number, currency: string, locale: string): string | undefined {
  if (!Number.isFinite(amountMinor)) return undefined;
  let fmt: Intl.NumberFormat;
  try {
    fmt = new Intl.NumberFormat(locale, { style: "currency", currency: currency.trim().toUpperCase() });
  } catch (_e) {
    return undefined;
  }
  const digits = fmt.resolvedOptions().maximumFractionDigits ?? 2;
  return fmt.format(amountMinor / 10 ** digits);
}
