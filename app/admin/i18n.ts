// The admin's own strings in en, fr, de and es (app/admin/locales/*.json, flat keys such as
// "settings.branding.title"), one t() over them, and the choice of language: the staff member's Shopify
// admin language (the `locale` parameter Shopify adds when it opens the app, else an online session's
// user locale), else the store's, else English. A key missing in a language shows the English text,
// so a page can adopt t() before its translations exist. Pure: the server picks, the page renders.
import de from "./locales/de.json";
import en from "./locales/en.json";
import es from "./locales/es.json";
import fr from "./locales/fr.json";
import type { Milestone } from "../notifications/rules/policy";

export const ADMIN_LOCALES = ["en", "fr", "de", "es"] as const;
export type AdminLocale = (typeof ADMIN_LOCALES)[number];
export type AdminKey = keyof typeof en;
export type AdminMessages = Record<string, string>;
export type TParams = Record<string, string | number>;
export type T = (key: AdminKey, params?: TParams) => string;

const CATALOG: Record<AdminLocale, AdminMessages> = { en, fr, de, es };

/** "fr-CA" → "fr"; the first of several candidates that is a supported language, else English. */
export function resolveAdminLocale(...candidates: Array<string | null | undefined>): AdminLocale {
  for (const raw of candidates) {
    const lang = (raw ?? "").trim().toLowerCase().split(/[-_]/)[0] ?? "";
    if ((ADMIN_LOCALES as readonly string[]).includes(lang)) return lang as AdminLocale;
  }
  return "en";
}

/** The messages a page needs in one language, English filling any gap (sent once by the app's root loader). */
export function adminMessages(locale: AdminLocale): AdminMessages {
  return locale === "en" ? en : { ...en, ...CATALOG[locale] };
}

/** t("key", { count: 3 }) with {name} placeholders; an unknown key shows itself, so it is noticed. */
export function translator(messages: AdminMessages): T {
  return (key, params) => {
    const text = messages[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => String(params[name] ?? m)) : text;
  };
}

/** A milestone's name: t(milestoneKey("shipped")). */
export const milestoneKey = (m: Milestone) => `milestone.${m}` as AdminKey;

/** The English translator, for server code and tests that have no page context. */
export const tEn: T = translator(en);
