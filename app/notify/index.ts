// app/notify: the pure notification rules (policy) and customer message templates.
export * from "./policy";
export * from "./templates";
export { resolveLocale, formattingLocale, LOCALES, type Locale } from "./i18n";
