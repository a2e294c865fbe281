import { describe, expect, it } from "vitest";
import { CRITICAL_SMS, isSmsCapable, MILESTONES } from "~/notifications/rules/policy";
import {
  countSegments,
  isGsm7,
  previewContext,
  renderSms,
  toGsm7,
  type MessageContext,
} from "~/notifications/templates";
import { LOCALES } from "~/notifications/copy";

const NOW = new Date("2026-11-25T12:00:00Z");
/** A realistic signed app-proxy link: 60 characters. */
const LINK = "https://maple-thread.myshopify.com/apps/waypoint/t/k3Fq9ZpXw";

describe("countSegments: GSM-7", () => {
  it.each([
    [1, 1],
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
    [459, 3],
    [460, 4],
  ])("%i basic characters → %i segment(s)", (n, segments) => {
    expect(countSegments("a".repeat(n))).toEqual({ encoding: "GSM-7", segments, units: n });
  });

  it("counts extension-table characters as two septets", () => {
    expect(countSegments("€")).toMatchObject({ encoding: "GSM-7", units: 2 });
    expect(countSegments("[]{}\\~^|€").units).toBe(18);
    expect(countSegments(`${"a".repeat(158)}€`)).toMatchObject({ segments: 1, units: 160 });
    expect(countSegments(`${"a".repeat(159)}€`)).toMatchObject({ segments: 2, units: 161 });
    expect(countSegments("{".repeat(80))).toMatchObject({ segments: 1, units: 160 });
    expect(countSegments("{".repeat(81))).toMatchObject({ segments: 2, units: 162 });
  });

  it("never splits an escape sequence across segments", () => {
    // 152 + 2 + 152 = 306 septets would fit 2×153, but the € cannot straddle the boundary.
    expect(countSegments(`${"a".repeat(152)}€${"a".repeat(152)}`)).toMatchObject({
      encoding: "GSM-7",
      segments: 3,
      units: 306,
    });
    expect(countSegments(`${"a".repeat(151)}€${"a".repeat(153)}`)).toMatchObject({ segments: 2, units: 306 });
  });

  it("knows the GSM-7 basic set, accents included", () => {
    expect(isGsm7("Zustellung Nächste Schritte: ÄÖÜäöüß é è à ù ì ò ñ Ñ ¿¡ @£$¥")).toBe(true);
    expect(isGsm7("ê")).toBe(false);
    expect(isGsm7("’")).toBe(false);
  });
});

describe("countSegments: UCS-2", () => {
  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
  ])("%i non-GSM characters → %i segment(s)", (n, segments) => {
    expect(countSegments("你".repeat(n))).toEqual({ encoding: "UCS-2", segments, units: n });
  });

  it("switches the whole message to UCS-2 for one non-GSM character", () => {
    expect(countSegments(`${"a".repeat(69)}ê`)).toMatchObject({ encoding: "UCS-2", segments: 1, units: 70 });
    expect(countSegments(`${"a".repeat(70)}ê`)).toMatchObject({ encoding: "UCS-2", segments: 2, units: 71 });
  });

  it("counts emoji as two code units and never splits a surrogate pair", () => {
    expect(countSegments("😀".repeat(35))).toMatchObject({ encoding: "UCS-2", segments: 1, units: 70 });
    expect(countSegments("😀".repeat(36))).toMatchObject({ segments: 2, units: 72 });
    // 66 + 2 + 66 = 134 units would fit 2×67, but the pair cannot straddle the boundary.
    expect(countSegments(`${"你".repeat(66)}😀${"你".repeat(66)}`)).toMatchObject({ segments: 3, units: 134 });
  });
});

describe("toGsm7", () => {
  it("replaces typographic characters with GSM-7 equivalents", () => {
    expect(toGsm7("It’s “here” – now…")).toBe(`It's "here" - now...`);
    expect(toGsm7("1\u00a0234,50\u202f€")).toBe("1 234,50 €");
    expect(toGsm7("«\u00a0Bonjour\u00a0»")).toBe('" Bonjour "');
  });

  it("drops accents GSM-7 lacks and keeps the ones it has", () => {
    expect(toGsm7("fenêtre, reçu, Málaga, Zoë, cœur")).toBe("fenetre, recu, Malaga, Zoe, coeur");
    expect(toGsm7("été à Göttingen, señor")).toBe("été à Göttingen, señor");
  });

  it("keeps the original when some character has no GSM-7 form", () => {
    const text = "Thanks 😀 “quoted”";
    expect(toGsm7(text)).toBe(text);
    expect(toGsm7("東京の店")).toBe("東京の店");
  });
});

function ctx(extra: Partial<MessageContext> = {}): MessageContext {
  return {
    ...previewContext({ name: "Maple & Thread Co.", domain: "maple-thread.myshopify.com" }, "delayed", NOW),
    trackingUrl: LINK,
    orderName: "#10234",
    ...extra,
  };
}

describe("renderSms", () => {
  it("has SMS copy exactly for the SMS-capable milestones", () => {
    expect(MILESTONES.filter(isSmsCapable)).toHaveLength(CRITICAL_SMS.length);
  });

  it(`keeps every SMS in ${LOCALES.join("/")} to one GSM-7 segment with a ${LINK.length}-character link`, () => {
    expect(LINK.length).toBe(60);
    for (const locale of LOCALES) {
      for (const milestone of CRITICAL_SMS) {
        const sms = renderSms(milestone, ctx(), locale);
        expect(sms.body, `${milestone}/${locale}`).toContain(LINK);
        expect(sms.body).toContain("Maple & Thread Co.");
        expect(sms.body).toContain("#10234");
        expect({ milestone, locale, encoding: sms.encoding, segments: sms.segments }).toEqual({
          milestone,
          locale,
          encoding: "GSM-7",
          segments: 1,
        });
        expect(sms.body.length).toBeLessThanOrEqual(160);
        expect(countSegments(sms.body)).toMatchObject({ segments: sms.segments, encoding: sms.encoding });
      }
    }
  });

  it("gives the new estimate in a delay SMS without a doubled full stop", () => {
    const window = { start: new Date("2026-12-01T12:00:00Z"), end: new Date("2026-12-02T12:00:00Z") };
    expect(renderSms("delayed", ctx({ newEstimate: window }), "en").body).toContain("New estimate: Dec 2. Details:");
    expect(renderSms("delayed", ctx({ newEstimate: window }), "fr").body).toContain(
      "Nouvelle estimation : 2 déc. Détails",
    );
    expect(renderSms("delayed", ctx({ newEstimate: window }), "de").body).toContain("Neue Schätzung: 2. Dez. Details");
    expect(renderSms("delayed", ctx({ newEstimate: null }), "en").body).not.toContain("estimate");
  });

  it("shortens a long shop name to stay in one segment, never the link", () => {
    const long = "The Extraordinarily Long Artisanal Coffee Roasting Company of Portland";
    for (const locale of LOCALES) {
      for (const milestone of CRITICAL_SMS) {
        const sms = renderSms(milestone, ctx({ shopName: long }), locale);
        expect(sms.body).toContain(LINK);
        expect(sms.segments).toBe(1);
        expect(sms.body.startsWith("The Extra")).toBe(true); // shortened, still recognisable
      }
    }
  });

  it("spells French copy and names in GSM-7 rather than paying for UCS-2", () => {
    const sms = renderSms("shipped", ctx({ shopName: "La Fenêtre “Chic”" }), "fr");
    expect(sms.encoding).toBe("GSM-7");
    expect(sms.body.startsWith(`La Fenetre "Chic" : votre commande #10234 a été expédiée !`)).toBe(true);
  });

  it("falls back to UCS-2 (and counts it) when the shop name needs it", () => {
    const sms = renderSms("out_for_delivery", ctx({ shopName: "東京の店" }), "en");
    expect(sms.encoding).toBe("UCS-2");
    expect(sms.segments).toBe(2);
    expect(sms.body).toContain("東京の店");
    expect(sms.body).toContain(LINK);
  });

  it("can append the opt-out hint", () => {
    const sms = renderSms("shipped", ctx(), "en", { optOutHint: true });
    expect(sms.body.endsWith("Reply STOP to opt out.")).toBe(true);
    expect(renderSms("shipped", ctx(), "es", { optOutHint: true }).body).toContain("STOP");
  });

  it("uses English for unsupported locales and requires an http(s) link", () => {
    expect(renderSms("shipped", ctx(), "ja-JP").body).toContain("has shipped");
    expect(() => renderSms("shipped", ctx({ trackingUrl: "ftp://x" }), "en")).toThrow(/trackingUrl/);
  });
});
