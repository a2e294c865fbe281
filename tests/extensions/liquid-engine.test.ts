// The stand-in for Shopify's renderer (tests/support/liquid.ts) has to be strict where Shopify is, or the
// block tests would pass on markup Shopify renders differently.
import { describe, expect, it } from "vitest";
import { ASSET_CDN, createEngine } from "../support/liquid";

describe("test Liquid engine", () => {
  const en = createEngine({ locale: "en" });
  const fr = createEngine({ locale: "fr" });

  it("translates with the extension's locale files and escapes like Shopify", async () => {
    expect(await en.parseAndRender("{{ 'tracking.form.order_label' | t }}")).toBe("Order number");
    expect(await fr.parseAndRender("{{ 'tracking.form.order_label' | t }}")).toBe("Numéro de commande");
    // Not an _html key: the apostrophe comes out escaped, as Shopify's t does.
    expect(await fr.parseAndRender("{{ 'tracking.recs.add_failed' | t }}")).toContain("impossible d&#39;ajouter");
  });

  it("fails on a missing translation and on an unknown filter", async () => {
    await expect(en.parseAndRender("{{ 'tracking.nope' | t }}")).rejects.toThrow(
      /translation missing: en.tracking.nope/,
    );
    await expect(en.parseAndRender("{{ 'x' | no_such_filter }}")).rejects.toThrow(/no_such_filter/);
    await expect(en.parseAndRender("{{ 'missing.js' | asset_url }}")).rejects.toThrow(/no assets\/missing.js/);
  });

  it("renders Shopify's asset, image and colour filters", async () => {
    expect(await en.parseAndRender("{{ 'tracking.js' | asset_url | script_tag }}")).toBe(
      `<script src="${ASSET_CDN}tracking.js?v=1" type="text/javascript"></script>`,
    );
    expect(await en.parseAndRender("{{ 'tracking.css' | asset_url | stylesheet_tag }}")).toContain('rel="stylesheet"');
    expect(
      await en.parseAndRender("{{ img | image_url: width: 320 }}", { img: { src: "https://cdn.test/a.png" } }),
    ).toBe("https://cdn.test/a.png?width=320");
    expect(await en.parseAndRender("{{ '#000000' | color_contrast: '#ffffff' }}")).toBe("21");
    expect(await en.parseAndRender("{{ '#777777' | color_contrast: '#ffffff' }}")).toBe("4.5");
  });

  it("skips {% schema %} and {% doc %}, and wraps {% style %} like Shopify", async () => {
    const out = await en.parseAndRender(
      '{% doc %}@param {string} x{% enddoc %}a{% schema %}{"x": "{{ y }}"}{% endschema %}b{% style %}.x{color:{{ c }}}{% endstyle %}',
      { c: "red" },
    );
    expect(out).toBe("ab<style data-shopify>.x{color:red}</style>");
  });
});
