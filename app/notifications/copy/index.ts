// Language of customer messages: the order's customer locale ("fr-CA") reduced to a supported
// language ("fr"), English otherwise. Dates and amounts are still formatted with the full locale.
import { de } from "./de";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { LOCALES, type Locale, type Messages } from "./types";

export { LOCALES, type Locale, type Messages, type CopyParams, type EmailCopy, type SmsParams } from "./types";

const CATALOG: Record<Locale, Messages> = { en, fr, de, es };

/** "fr-CA" → "fr", "de_AT" → "de", "pt-BR" → "en", null → "en". */
export function resolveLocale(raw: string | null | undefined): Locale {
  const lang = (raw ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return (LOCALES as readonly string[]).includes(lang) ? (lang as Locale) : "en";
}

/**
 * The BCP 47 tag for Intl formatting: the customer's own tag when it is valid and in a supported
 * language (so "fr-CA" formats dates the Canadian way), else the bare language.
 */
export function formattingLocale(raw: string | null | undefined): string {
  const locale = resolveLocale(raw);
  const tag = (raw ?? "").trim().replace(/_/g, "-");
  if (tag && tag.toLowerCase().split("-")[0] === locale) {
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical) return canonical;
    } catch (_e) {
      // invalid tag: fall through
    }
  }
  return locale;
}

export function messagesFor(raw: string | null | undefined): Messages {
  return CATALOG[resolveLocale(raw)];
}
