// The admin's translations for components: app.tsx provides the messages its loader chose, and any
// component calls `const t = useT()` then `t("some.key")`. Keys live in app/admin/locales/en.json.
import { createContext, type ReactNode, useContext, useMemo } from "react";
import { type AdminLocale, type AdminMessages, translator, type T, tEn } from "../admin/i18n";

const Ctx = createContext<{ t: T; locale: AdminLocale }>({ t: tEn, locale: "en" });

export function I18nProvider({
  locale,
  messages,
  children,
}: {
  locale: AdminLocale;
  messages: AdminMessages;
  children: ReactNode;
}) {
  const value = useMemo(() => ({ t: translator(messages), locale }), [messages, locale]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** The page's t(). */
export function useT(): T {
  return useContext(Ctx).t;
}

/** The admin's language ("fr"), for Intl formatting. */
export function useAdminLocale(): AdminLocale {
  return useContext(Ctx).locale;
}
