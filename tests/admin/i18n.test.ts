// The admin's translations (issue 20 item 4): every language has exactly the English keys with the same
// placeholders; the language comes from Shopify's `locale` parameter, else the staff member's online
// session, else the store; Polaris's own strings come with it; a gap shows English, never a raw key.
import { describe, expect, it } from "vitest";
import de from "~/admin/locales/de.json";
import en from "~/admin/locales/en.json";
import es from "~/admin/locales/es.json";
import fr from "~/admin/locales/fr.json";
import { adminLanguage } from "~/admin/admin-locale.server";
import { adminMessages, resolveAdminLocale, translator } from "~/admin/i18n";
import { MILESTONES } from "~/notifications/rules/policy";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("admin translations", () => {
  it.each([
    ["fr", fr],
    ["de", de],
    ["es", es],
  ] as const)("%s has every English key, translated, with the same placeholders", (_locale, messages) => {
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const translated = (messages as Record<string, string>)[key]!;
      expect(placeholders(translated), key).toEqual(placeholders(text));
      expect(translated.trim(), key).not.toBe("");
    }
    // Most strings differ from English (some, like "SMS" or "Variables: {list}", are the same word).
    const same = Object.entries(en).filter(([k, v]) => (messages as Record<string, string>)[k] === v);
    expect(same.length).toBeLessThan(Object.keys(en).length / 10);
  });

  it("names every milestone", () => {
    for (const m of MILESTONES) expect(en).toHaveProperty(`milestone.${m}`);
  });

  it("t() fills placeholders and falls back to English for a key a language lacks", () => {
    const t = translator({ ...adminMessages("fr"), "settings.title": undefined as unknown as string });
    expect(t("settings.channels.byEmail", { milestone: "Expédiée" })).toBe("Expédiée par e-mail");
    const partial = translator({ ...en, ...{ "nav.overview": "Vue d’ensemble" } });
    expect(partial("nav.overview")).toBe("Vue d’ensemble");
    expect(translator(adminMessages("de"))("nav.settings")).toBe("Einstellungen");
    expect(adminMessages("fr")["settings.title"]).toBe("Paramètres");
  });

  it("takes the first supported of Shopify's locale parameter, the session's user locale and the store's", () => {
    expect(resolveAdminLocale("fr-CA", "de", "es")).toBe("fr");
    expect(resolveAdminLocale("pt-BR", "de", "en")).toBe("de");
    expect(resolveAdminLocale(null, undefined, "es-MX")).toBe("es");
    expect(resolveAdminLocale("ja", null, "zh-CN")).toBe("en");
    const req = (q: string) => new Request(`https://app.example/app/settings${q}`);
    expect(adminLanguage(req("?locale=de&shop=x.myshopify.com"), null, "fr").locale).toBe("de");
    expect(adminLanguage(req(""), "es", "fr").locale).toBe("es");
    expect(adminLanguage(req(""), null, "fr").locale).toBe("fr");
  });

  it("brings Polaris's own translations for the language", () => {
    const fr = adminLanguage(new Request("https://app.example/app?locale=fr"), null, null).polaris as {
      Polaris: { Common: { cancel: string } };
    };
    expect(fr.Polaris.Common.cancel).toBe("Annuler");
    const de = adminLanguage(new Request("https://app.example/app?locale=de"), null, null).polaris as typeof fr;
    expect(de.Polaris.Common.cancel).toBe("Abbrechen");
  });
});
