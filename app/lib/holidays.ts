// Public holidays per country from date-holidays (maintained rules for ~200 countries, computed
// locally: no network). Only "public" days count: banks and carriers close on those, not on
// observances. The result is local "YYYY-MM-DD" days for business-day arithmetic (business-hours.ts).
import Holidays from "date-holidays";

const cache = new Map<string, readonly string[]>();

/** Local dates of the public holidays of `country` (ISO 3166 alpha-2) in [fromYear, toYear]; [] when unknown. */
export function publicHolidays(
  country: string | null | undefined,
  fromYear: number,
  toYear: number,
): readonly string[] {
  const code = (country ?? "").trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) return [];
  const key = `${code}|${fromYear}|${toYear}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const days: string[] = [];
  // The constructor's country argument is typed; init() returns nothing, so check the country list.
  const hd = new Holidays();
  if (code in hd.getCountries()) {
    hd.init(code);
    for (let year = fromYear; year <= toYear; year++) {
      for (const h of hd.getHolidays(year)) if (h.type === "public") days.push(h.date.slice(0, 10));
    }
  }
  const out = [...new Set(days)].sort();
  cache.set(key, out);
  return out;
}
