// A message's tracking link opens the page in the message's language (issue 20: a French shopper's
// link opened the page in English when the browser preferred English), for email and SMS alike; an
// English message's link stays as it was (an SMS keeps its one segment).
import type { Shop } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { renderFor } from "~/notifications/render.server";
import type { MessageContext } from "~/notifications/templates";

const shop = {
  brandLogoUrl: null,
  brandPrimaryColor: null,
  brandAccentColor: null,
  brandFont: null,
} as unknown as Shop;
const ctx: MessageContext = {
  shopName: "Maison Test",
  customerFirstName: "Camille",
  orderName: "#1001",
  trackingUrl: "https://shop.example/apps/track?token=abc.def",
  timeZone: "Europe/Paris",
  personalNote: null,
  helpEmail: null,
  carrierName: "La Poste",
  trackingNumber: "6A12345678901",
};
const links = (text: string) => [...text.matchAll(/https:\/\/shop\.example\/apps\/track\?[^\s)"<]+/g)].map((m) => m[0]);

describe("tracking links in messages", () => {
  it.each(["fr", "de", "es"])("carry the message's language (%s) in email and SMS", (locale) => {
    const email = renderFor("shipped", "email", ctx, shop, locale, false);
    expect(links(email.text).length).toBeGreaterThan(0);
    for (const url of [...links(email.text), ...links(email.html ?? "")]) {
      expect(new URL(url.replaceAll("&amp;", "&")).searchParams.get("locale"), url).toBe(locale);
    }
    const sms = renderFor(
      "shipped",
      "sms",
      { ...ctx, trackingUrl: "https://shop.example/apps/track?c=Ab3dE9" },
      shop,
      locale,
      false,
    );
    expect(links(sms.text)).toEqual([`https://shop.example/apps/track?c=Ab3dE9&locale=${locale}`]);
  });

  it("a regional tag uses its language, and English adds nothing", () => {
    const fr = renderFor("shipped", "email", ctx, shop, "fr-CA", false);
    expect(links(fr.text).every((u) => new URL(u).searchParams.get("locale") === "fr")).toBe(true);
    const en = renderFor("shipped", "email", ctx, shop, "en", false);
    expect(links(en.text)).toContain("https://shop.example/apps/track?token=abc.def");
    expect(links(en.text).some((u) => u.includes("locale="))).toBe(false);
  });
});
