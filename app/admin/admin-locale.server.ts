// The language of an admin page, chosen on the server for the app's root loader: the staff member's
// Shopify admin language, which Shopify adds as `locale` to the URL it opens the app with (and an
// online session carries as the user's locale), else the store's locale, else English. Polaris's own
// translations for that language go with the app's strings (Polaris ships en, fr, de and es).
import type { AppProviderProps } from "@shopify/polaris";
import polarisDe from "@shopify/polaris/locales/de.json";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisEs from "@shopify/polaris/locales/es.json";
import polarisFr from "@shopify/polaris/locales/fr.json";
import { type AdminLocale, type AdminMessages, adminMessages, resolveAdminLocale } from "./i18n";

type TranslationDictionary = AppProviderProps["i18n"];

const POLARIS: Record<AdminLocale, TranslationDictionary> = {
  en: polarisEn,
  fr: polarisFr,
  de: polarisDe,
  es: polarisEs,
};

export interface AdminLanguage {
  locale: AdminLocale;
  messages: AdminMessages;
  polaris: TranslationDictionary;
}

export function adminLanguage(
  request: Request,
  sessionLocale: string | null | undefined,
  shopLocale: string | null | undefined,
): AdminLanguage {
  const locale = resolveAdminLocale(new URL(request.url).searchParams.get("locale"), sessionLocale, shopLocale);
  return { locale, messages: adminMessages(locale), polaris: POLARIS[locale] };
}
