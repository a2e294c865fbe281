import mjml2htmlUntyped from "mjml";
import { parse, type DefaultTreeAdapterMap } from "parse5";
import { describe, expect, it } from "vitest";
import { MILESTONES, type Milestone } from "~/notifications/rules/policy";
import {
  composeEmail,
  previewContext,
  renderEmail,
  type Branding,
  type MessageContext,
} from "~/notifications/templates";
import { formattingLocale, LOCALES, messagesFor, resolveLocale } from "~/notifications/copy";

const mjml2html = mjml2htmlUntyped as unknown as (
  input: string,
  options?: object,
) => { html: string; errors: unknown[] };

const NOW = new Date("2026-11-25T12:00:00Z");
const SHOP = {
  name: "Maple & Thread",
  domain: "maple-thread.myshopify.com",
  primaryDomain: "maplethread.example",
  currency: "EUR",
  contactEmail: "help@maplethread.example",
  timezone: "Europe/Paris",
};
const BRANDING: Branding = {
  logoUrl: "https://cdn.example/logo.png",
  primaryColor: "#5b2a86",
  accentColor: "#f4b400",
  font: "Georgia, serif",
};
const TRACKING_NUMBER = "1Z999AA10123456784";

function ctx(milestone: Milestone, extra: Partial<MessageContext> = {}): MessageContext {
  return { ...previewContext(SHOP, milestone, NOW), ...extra };
}

/** The delivered email carries a staff note (hybrid mode), so one snapshot per language shows it. */
function noteFor(milestone: Milestone): Partial<MessageContext> {
  return milestone === "delivered" ? { personalNote: "Thanks for shopping small!\nSee you soon." } : {};
}

// Snapshots a reviewer can open: the text part of every milestone in every language (the copy), and the
// compiled HTML once per milestone, in English (the layout). Compiled MJML changes with every MJML
// upgrade; the other languages' HTML is held by the content assertions below instead.
describe("renderEmail snapshots", () => {
  for (const milestone of MILESTONES) {
    for (const locale of LOCALES) {
      it(`${milestone} in ${locale}`, async () => {
        const email = renderEmail(milestone, ctx(milestone, noteFor(milestone)), BRANDING, locale);
        if (locale === "en")
          await expect(email.html).toMatchFileSnapshot(`./__snapshots__/email/${milestone}.${locale}.html`);
        await expect(`Subject: ${email.subject}\n\n${email.text}`).toMatchFileSnapshot(
          `./__snapshots__/email/${milestone}.${locale}.txt`,
        );
      });
    }
  }
});

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

/** The email as its reader gets it, parsed: the title, the inbox preview line, the body's text and the links. */
function readHtml(html: string) {
  const elements: Element[] = [];
  const body: string[] = [];
  const walk = (node: Node, inBody: boolean) => {
    if (node.nodeName === "#text" && inBody) body.push((node as DefaultTreeAdapterMap["textNode"]).value);
    if (!("childNodes" in node)) return; // text and comments (MSO conditionals) have no children
    if ("tagName" in node) {
      elements.push(node);
      if (node.tagName === "style" || node.tagName === "script") return;
    }
    for (const child of node.childNodes) walk(child, inBody || node.nodeName === "body");
  };
  walk(parse(html), false);
  const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value ?? "";
  const text = (el: Element | undefined) =>
    (el?.childNodes ?? [])
      .map((c) => ("value" in c ? c.value : ""))
      .join("")
      .trim();
  return {
    title: text(elements.find((el) => el.tagName === "title")),
    // MJML's preheader: the hidden first div of the body.
    preheader: text(elements.find((el) => el.tagName === "div" && attr(el, "style").startsWith("display:none"))),
    // ASCII whitespace only: Intl's thin and no-break spaces are part of the copy.
    text: body.join(" ").replace(/[ \t\r\n]+/g, " "),
    links: elements.filter((el) => el.tagName === "a").map((el) => attr(el, "href")),
  };
}

/**
 * What the plain-text part tells the reader, in pieces the HTML must also show: each line split at the
 * language's label separator ("Order: #1001" → "Order", "#1001"), without list dashes, the footer rule
 * and the trailing separator of headings ("Latest updates:").
 */
function textPieces(text: string, separator: string): string[] {
  const trailing = separator.trimEnd();
  return text
    .split("\n")
    .filter((line) => line.trim() !== "" && line !== "--")
    .flatMap((line) => line.replace(/^- /, "").split(separator))
    .map((piece) => (piece.endsWith(trailing) ? piece.slice(0, -trailing.length) : piece).trim())
    .filter(Boolean);
}

const isUrl = (piece: string) => /^https?:\/\//.test(piece);
/** `piece` as whole words of `text` ("Order" is not found in "Orders"). */
const shows = (text: string, piece: string) =>
  new RegExp(`(^|[^\\p{L}])${piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^\\p{L}])`, "u").test(text);

describe("renderEmail HTML in every language", () => {
  it.each(MILESTONES.flatMap((m) => LOCALES.map((l) => [m, l] as const)))(
    "%s/%s: the HTML shows the text part's copy and links, escaped",
    (milestone, locale) => {
      const c = ctx(milestone, noteFor(milestone));
      const email = renderEmail(milestone, c, BRANDING, locale);
      const m = messagesFor(locale);
      const html = readHtml(email.html);

      expect(html.title).toBe(email.subject);
      expect(html.text).toContain(m.email[milestone].heading({ shop: SHOP.name, order: "#1001" }));
      expect(html.preheader).not.toBe("");
      // Copy, labels and values as text; links as links (the tracking page, the carrier's page, the
      // return label, unsubscribe).
      const pieces = textPieces(email.text, m.labelSeparator);
      for (const piece of pieces.filter((p) => !isUrl(p))) expect(shows(html.text, piece), piece).toBe(true);
      for (const url of pieces.filter(isUrl)) expect(html.links, url).toContain(url);
      expect(pieces.filter(isUrl)).toContain(c.trackingUrl);

      // Escaped: the shop's "&" reaches the reader as "&", never as markup; no unfilled placeholder.
      expect(email.html).not.toContain("Maple & Thread");
      expect(email.html).toContain("Maple &amp; Thread");
      expect(html.text).toContain("Maple & Thread");
      expect(`${html.title} ${html.preheader} ${html.text}`).not.toMatch(/undefined|null|NaN|\[object|\$\{|\{\{/);

      if (locale === "en") return;
      // Nothing left in English: no piece of the English email that this language words differently
      // (values such as the order number, carrier, places and the carrier's scan messages are shared).
      const english = renderEmail(milestone, c, BRANDING, "en");
      const englishHtml = readHtml(english.html);
      const ownPieces = new Set(pieces);
      const englishOnly = [
        messagesFor("en").email[milestone].heading({ shop: SHOP.name, order: "#1001" }),
        englishHtml.preheader,
        ...textPieces(english.text, messagesFor("en").labelSeparator),
      ].filter((piece) => !isUrl(piece) && !ownPieces.has(piece));
      expect(englishOnly.length).toBeGreaterThan(3);
      for (const piece of englishOnly) expect(shows(html.text, piece), `English left: ${piece}`).toBe(false);
      expect(html.title).not.toBe(english.subject);
      expect(html.preheader).not.toBe(englishHtml.preheader);
    },
  );
});

describe("renderEmail content", () => {
  it.each(MILESTONES.flatMap((m) => LOCALES.map((l) => [m, l] as const)))(
    "%s/%s: valid MJML, tracking link in html and text",
    (milestone, locale) => {
      const c = ctx(milestone);
      const { mjml } = composeEmail(milestone, c, BRANDING, locale);
      const strict = mjml2html(mjml, { validationLevel: "strict" });
      expect(strict.errors).toEqual([]);
      const email = renderEmail(milestone, c, BRANDING, locale);
      expect(email.text).toContain(c.trackingUrl);
      expect(email.html).toContain(`href="${c.trackingUrl}"`);
      expect(email.subject).toContain("#1001");
      expect(email.html).toContain(`lang="${locale}"`);
      expect(email.subject).not.toMatch(/undefined|null|NaN/);
      expect(email.text).not.toMatch(/undefined|null|NaN/);
    },
  );

  it("never puts a tracking number in order_confirmed, whatever the context holds", () => {
    for (const locale of LOCALES) {
      const c = ctx("order_confirmed", {
        trackingNumber: TRACKING_NUMBER,
        carrierName: "UPS",
        carrierUrl: `https://www.ups.com/track?tracknum=${TRACKING_NUMBER}`,
      });
      const email = renderEmail("order_confirmed", c, BRANDING, locale);
      for (const part of [email.subject, email.html, email.text]) expect(part).not.toContain(TRACKING_NUMBER);
    }
  });

  it("shows the tracking number and the carrier link once shipped", () => {
    const email = renderEmail("shipped", ctx("shipped"), BRANDING, "en");
    expect(email.text).toContain(TRACKING_NUMBER);
    expect(email.html).toContain(TRACKING_NUMBER);
    expect(email.text).toContain("View on the UPS website: https://www.ups.com/track?tracknum=1Z999AA10123456784");
  });

  it("escapes the staff note (hybrid) and every other user-supplied text", () => {
    const hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
    const email = renderEmail(
      "delivered",
      ctx("delivered", {
        personalNote: hostile,
        shopName: 'Evil <b>"Shop"</b>',
        customerFirstName: "<i>Ann</i>",
        carrierName: "<u>UPS</u>",
        orderName: "#1001<br>",
      }),
      BRANDING,
      "en",
    );
    expect(email.html).not.toMatch(/<script|<img src=x|<b>"Shop"|<i>Ann|<u>UPS|#1001<br>/);
    expect(email.html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;",
    );
    expect(email.html).toContain("Evil &lt;b&gt;&quot;Shop&quot;&lt;/b&gt;");
    // The plain-text part is not HTML: it carries the note verbatim.
    expect(email.text).toContain(hostile);
  });

  it("keeps line breaks of the staff note", () => {
    const email = renderEmail("delivered", ctx("delivered", { personalNote: "Line one\nLine <two>" }), BRANDING, "en");
    expect(email.html).toContain("Line one<br />Line &lt;two&gt;");
  });

  it("refuses dangerous URLs and falls back on bad branding", () => {
    const email = renderEmail(
      "shipped",
      ctx("shipped", { carrierUrl: "javascript:alert(1)", unsubscribeUrl: "data:text/html,hi" }),
      {
        logoUrl: "javascript:alert(1)",
        primaryColor: "red;background:url(x)",
        accentColor: "#zzz",
        font: '"/><script>',
      },
      "en",
    );
    expect(email.html).not.toContain("javascript:");
    expect(email.html).not.toContain("data:text");
    expect(email.html).not.toContain("url(x)");
    expect(email.html).not.toContain("<script");
    expect(email.html).toContain("#1f5199"); // default primary colour
    expect(email.text).not.toContain("View on the UPS website");
  });

  it("brands with the shop's logo, colours and font", () => {
    const email = renderEmail("shipped", ctx("shipped"), BRANDING, "en");
    expect(email.html).toContain('src="https://cdn.example/logo.png"');
    expect(email.html).toContain("#5b2a86");
    expect(email.html).toContain("Georgia, serif");
    const light = renderEmail("shipped", ctx("shipped"), { primaryColor: "#ffe066" }, "en");
    expect(light.html).toMatch(/background:#ffe066;color:#111111/); // dark text on a light button
    const dark = renderEmail("shipped", ctx("shipped"), { primaryColor: "#1a237e" }, "en");
    expect(dark.html).toMatch(/background:#1a237e;color:#ffffff/);
  });

  it("shows the shop name when there is no logo", () => {
    const email = renderEmail("shipped", ctx("shipped"), {}, "en");
    expect(email.html).not.toContain("<img");
    expect(email.html).toContain("Maple &amp; Thread");
  });

  it("formats the estimated window in the customer's locale and zone", () => {
    const window = { start: new Date("2026-11-27T23:30:00Z"), end: new Date("2026-11-29T23:30:00Z") };
    const en = renderEmail(
      "shipped",
      ctx("shipped", { estimatedWindow: window, timeZone: "America/Los_Angeles" }),
      BRANDING,
      "en-US",
    );
    expect(en.text).toMatch(/Estimated delivery: Fri, Nov 27\s–\sSun, Nov 29/); // Intl puts thin spaces around the dash
    const fr = renderEmail(
      "shipped",
      ctx("shipped", { estimatedWindow: window, timeZone: "Europe/Paris" }),
      BRANDING,
      "fr-CA",
    );
    expect(fr.text).toMatch(/Livraison estimée : sam\. 28 nov\.\s–\slun\. 30 nov\./);
  });

  it("formats refunds with the currency's own minor units", () => {
    const eur = renderEmail(
      "refund_issued",
      ctx("refund_issued", { refund: { amountMinor: 123_450, currency: "EUR" } }),
      BRANDING,
      "de",
    );
    expect(eur.text).toMatch(/Erstattung: 1\.234,50\s€/);
    const jpy = renderEmail(
      "refund_issued",
      ctx("refund_issued", { refund: { amountMinor: 5_000, currency: "JPY" } }),
      BRANDING,
      "en",
    );
    expect(jpy.text).toContain("¥5,000");
    const usd = renderEmail(
      "refund_issued",
      ctx("refund_issued", { refund: { amountMinor: 4_999, currency: "USD" } }),
      BRANDING,
      "es",
    );
    expect(usd.text).toMatch(/49,99\sUS\$/);
  });

  it("lists the digest's scans and last location", () => {
    const email = renderEmail("in_transit_digest", ctx("in_transit_digest"), BRANDING, "en");
    expect(email.text).toContain("Latest updates:");
    expect(email.text).toContain("Departed facility (Columbus, OH, US)");
    expect(email.text).toContain("Last location: Louisville, KY, US");
  });

  it("gives the delay reason and the new estimate", () => {
    const email = renderEmail("delayed", ctx("delayed"), BRANDING, "en");
    expect(email.text).toContain("The carrier reported a delay.");
    expect(email.text).toMatch(/New estimate: Mon, Nov 30\s–\sWed, Dec 2/);
  });

  it("offers the return label and return tracking", () => {
    const email = renderEmail("return_approved", ctx("return_approved"), BRANDING, "en");
    expect(email.text).toContain(
      "Print your return label: https://maplethread.example/apps/waypoint/returns/preview-label.pdf",
    );
    expect(email.text).toContain("Return tracking: 1Z999AA10123456785");
    expect(email.html).toContain("#f4b400"); // accent-coloured label button
  });

  it("falls back to English for unsupported locales and keeps regional formatting for supported ones", () => {
    expect(resolveLocale("fr-CA")).toBe("fr");
    expect(resolveLocale("de_AT")).toBe("de");
    expect(resolveLocale("pt-BR")).toBe("en");
    expect(resolveLocale(null)).toBe("en");
    expect(formattingLocale("fr-CA")).toBe("fr-CA");
    expect(formattingLocale("pt-BR")).toBe("en");
    expect(formattingLocale("es_MX")).toBe("es-MX");
    expect(renderEmail("shipped", ctx("shipped"), BRANDING, "pt-BR").subject).toBe("Your order #1001 is on its way");
    expect(renderEmail("shipped", ctx("shipped"), BRANDING, "es-MX").subject).toBe("Su pedido #1001 está en camino");
  });

  it("greets by first name when known", () => {
    expect(renderEmail("shipped", ctx("shipped"), BRANDING, "en").text.startsWith("Hi Alex,")).toBe(true);
    expect(
      renderEmail("shipped", ctx("shipped", { customerFirstName: null }), BRANDING, "de").text.startsWith("Hallo,"),
    ).toBe(true);
  });

  it("requires an http(s) tracking link", () => {
    expect(() =>
      renderEmail("shipped", ctx("shipped", { trackingUrl: "javascript:alert(1)" }), BRANDING, "en"),
    ).toThrow(/trackingUrl/);
  });
});
