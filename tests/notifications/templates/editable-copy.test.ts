// Merchant-edited copy (issue 20 item 5): the default copy as Liquid renders exactly what the code's
// copy says, for every milestone and language and every combination of optional values; templates
// that could break, reach outside their variables or do more than branch are refused with a message
// naming the field; merchant text reaches the email escaped; a template failing at send time falls back.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LOCALES, messagesFor, type CopyParams } from "~/notifications/copy";
import { MILESTONES } from "~/notifications/rules/policy";
import { renderEmail, type MessageContext } from "~/notifications/templates";
import {
  checkCopy,
  copyVariables,
  COPY_VARIABLES,
  defaultCopy,
  renderCopy,
  type CopyVariables,
} from "~/notifications/templates/editable-copy";

const LINK = "https://shop.example/apps/track?token=abc.def";
const SAMPLE: CopyVariables = {
  shop_name: "Maison Test",
  order_name: "#1001",
  first_name: "Camille",
  carrier: "UPS",
  tracking_link: LINK,
  window: "Mon, Dec 7 – Wed, Dec 9",
  new_estimate: "Thu, Dec 10",
  location: "Lyon, FR",
  refund_amount: "€12.50",
};

describe("the default copy as Liquid", () => {
  it("renders what the code's copy says, for every milestone, language and set of optional values", () => {
    const optional = fc.record(
      {
        firstName: fc.constantFrom("Camille", "Zoë"),
        carrier: fc.constantFrom("UPS", "La Poste"),
        window: fc.constant("7–9 déc."),
        newEstimate: fc.constant("10 déc."),
        location: fc.constant("Lyon, FR"),
        amount: fc.constant("12,50 €"),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.constantFrom(...LOCALES), fc.constantFrom(...MILESTONES), optional, (locale, milestone, extra) => {
        const m = messagesFor(locale);
        const params: CopyParams = { shop: "Maison Test", order: "#1001", ...extra };
        const rendered = renderCopy(defaultCopy(m, milestone), copyVariables(params, LINK));
        const code = m.email[milestone];
        expect(rendered).toEqual({
          subject: code.subject(params),
          heading: code.heading(params),
          body: code.body(params),
        });
      }),
      { numRuns: 300 },
    );
  });

  it("passes its own checks in every language", () => {
    for (const l of LOCALES)
      for (const milestone of MILESTONES) expect(checkCopy(defaultCopy(messagesFor(l), milestone), SAMPLE)).toEqual({});
  });
});

describe("checking a merchant's copy", () => {
  const ok = { subject: "Order {{ order_name }} shipped", heading: "On its way", body: "Hi {{ first_name }}" };
  const errorOf = (change: Partial<typeof ok>) => checkCopy({ ...ok, ...change }, SAMPLE);

  it("accepts the safe variables, branching and text filters", () => {
    expect(
      errorOf({
        body: `{% if carrier %}With {{ carrier | upcase }}{% else %}Shipped{% endif %}\n\nTrack: {{ tracking_link }}\n\n{{ first_name | default: "there" }} {{ window }}`,
      }),
    ).toEqual({});
    expect(COPY_VARIABLES).toEqual(
      expect.arrayContaining(["order_name", "first_name", "carrier", "tracking_link", "window"]),
    );
  });

  it.each([
    [
      { subject: "Order {{ order_nme }}" },
      "subject",
      /Subject: unknown variable "order_nme"; use shop_name, order_name/,
    ],
    [{ body: "{% if carrier %}no end" }, "body", /^Body: tag \{% if carrier %\} not closed/],
    [{ heading: "{{ order_name | bogus }}" }, "heading", /^Heading: the filter "bogus" is not available/],
    [{ body: "{% include 'secrets' %}" }, "body", /^Body: the tag "include" is not available/],
    [{ body: "{% render 'x' %}" }, "body", /the tag "render" is not available/],
    [{ body: "{% assign x = 1 %}{{ x }}" }, "body", /the tag "assign" is not available/],
    [{ body: "{% for c in order_name %}{{ c }}{% endfor %}" }, "body", /the tag "for" is not available/],
    [{ body: "{{ order_name.constructor }}" }, "body", /^Body: unknown variable "order_name.constructor"/],
    [{ subject: "   " }, "subject", /^Subject: enter a subject/],
    [{ subject: "{% if carrier %}{% endif %}" }, "subject", /^Subject: it renders empty/],
    [{ body: "x".repeat(5001) }, "body", /^Body must be at most 5000 characters/],
    [{ subject: "{{ order_name" }, "subject", /^Subject: output "\{\{ order_name" not closed/],
  ])("refuses %o with a message naming the field", (change, field, message) => {
    const errors = errorOf(change);
    expect(Object.keys(errors)).toEqual([field]);
    expect(errors[field as keyof typeof errors]).toMatch(message);
  });

  it("a template that needs an optional value fails when it is missing only if it would break", () => {
    // Missing values render empty (they are nil, falsy in {% if %}); no error, as a real message without a carrier.
    expect(errorOf({ body: "With {{ carrier }}" })).toEqual({});
    expect(
      renderCopy({ ...ok, body: "[{{ carrier }}]{% if carrier %}x{% endif %}" }, { ...SAMPLE, carrier: null }).body,
    ).toEqual(["[]"]);
  });
});

describe("an email with the shop's own copy", () => {
  const ctx: MessageContext = {
    shopName: "Maison Test",
    customerFirstName: "Camille",
    orderName: "#1001",
    trackingUrl: LINK,
    carrierName: "UPS",
    trackingNumber: "1Z999",
  };
  const custom = {
    subject: "{{ order_name }} est parti <b>!</b>",
    heading: "Bonne nouvelle, {{ first_name }}",
    body: "Colis confié à {{ carrier }}.\nSuivi : {{ tracking_link }}\n\n<script>alert(1)</script>",
  };

  it("uses it in its language, escaped, with the tracking link clickable; other languages keep the default", () => {
    const fr = renderEmail("shipped", { ...ctx, customCopy: { fr: custom } }, {}, "fr-FR");
    expect(fr.subject).toBe("#1001 est parti <b>!</b>");
    expect(fr.copyError).toBeUndefined();
    expect(fr.html).toContain("Bonne nouvelle, Camille");
    expect(fr.html).toContain("Colis confié à UPS.<br />Suivi : <a href=");
    expect(fr.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(fr.html).not.toContain("<script>alert");
    expect(fr.text).toContain("Colis confié à UPS.\nSuivi : https://shop.example/apps/track?token=abc.def");
    const en = renderEmail("shipped", { ...ctx, customCopy: { fr: custom } }, {}, "en");
    expect(en.subject).toBe(messagesFor("en").email.shipped.subject({ shop: "Maison Test", order: "#1001" }));
  });

  it("falls back to the default copy when the stored copy cannot render (never a broken email)", () => {
    const broken = { ...custom, body: "{% if carrier %}" };
    const r = renderEmail("shipped", { ...ctx, customCopy: { en: broken } }, {}, "en");
    expect(r.copyError).toMatch(/not closed/);
    expect(r.subject).toBe("Your order #1001 is on its way");
    expect(r.text).toContain("Good news: your order #1001 has shipped with UPS.");
  });
});
