// Phone numbers to E.164 with libphonenumber-js (full metadata, so validation checks real number ranges).
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

/**
 * A phone number as E.164 ("+14155552671"), or null when it is missing or not a valid number.
 * `defaultCountry` (ISO 3166-1 alpha-2, e.g. the shipping country) interprets national formats;
 * "00" and "+" international forms need none. Extensions are dropped (SMS cannot use them).
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry?: string | null): string | null {
  if (typeof raw !== "string") return null;
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 64) return null;
  const country = defaultCountry?.trim().toUpperCase();
  const parsed = parsePhoneNumberFromString(
    trimmed,
    country && isSupportedCountry(country) ? { defaultCountry: country as CountryCode } : undefined,
  );
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}
