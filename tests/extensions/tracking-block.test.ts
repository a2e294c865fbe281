// The tracking app block rendered the way the storefront renders it (tests/support/liquid.ts), its schema,
// and its locale files.
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ASSET_CDN,
  BLOCK_PATH,
  EXTENSION_ROOT,
  LOCALES,
  SNIPPET_PATH,
  contrastRatio,
  flattenKeys,
  lookup,
  readBlockSchema,
  readLocale,
  renderBlock,
  translationKeysIn,
  type Locale,
  type SchemaSetting,
} from "../support/liquid";
import { validateBlockSettings } from "../support/theme-check";

interface Tag {
  name: string;
  attrs: Record<string, string>;
  index: number;
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decode = (s: string): string =>
  s.replace(/&(#\d+|[a-z]+);/g, (m, e: string) =>
    e.startsWith("#") ? String.fromCodePoint(Number(e.slice(1))) : (NAMED[e] ?? m),
  );

/** Start tags with their attributes; enough for the block's own, well-formed markup. */
function tags(html: string): Tag[] {
  const out: Tag[] = [];
  for (const m of html.matchAll(/<([a-z][\w-]*)((?:\s+[^\s=>]+(?:="[^"]*"|='[^']*')?)*)\s*\/?>/gi)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[2] ?? "").matchAll(/([^\s=>]+)(?:="([^"]*)"|='([^']*)')?/g)) {
      attrs[a[1] as string] = decode(a[2] ?? a[3] ?? "");
    }
    out.push({ name: (m[1] as string).toLowerCase(), attrs, index: m.index ?? 0 });
  }
  return out;
}

/** The text between <tag ...id...> and its closing tag (no nesting of the same tag assumed). */
function textOf(html: string, tag: string, attr: string, value: string): string | undefined {
  const re = new RegExp(`<${tag}\\b[^>]*\\b${attr}="${value}"[^>]*>([\\s\\S]*?)</${tag}>`);
  const m = html.match(re);
  return m?.[1] === undefined ? undefined : decode(m[1].replace(/<[^>]+>/g, "").trim());
}

const t = (locale: Locale, key: string): string => {
  const v = lookup(readLocale(locale), key);
  if (typeof v !== "string") throw new Error(`no ${key} in ${locale}`);
  return v;
};

const FIXTURE = {
  heading: "",
  logo: {
    src: "https://cdn.shopify.test/s/files/logo.png",
    alt: "Acme logo",
    aspect_ratio: 2,
    width: 640,
    height: 320,
  },
  primary_color: "#123456",
  accent_color: "#0b6e4f",
  layout: "stacked" as const,
  show_recommendations: true,
  recommendation_source: "collection" as const,
  recommendation_collection: { handle: "summer-sale", title: "Summer sale" },
  recommendations_heading: "",
};

describe("order-tracking block: rendered markup", () => {
  it.each(["en", "fr"] as const)(
    "renders the lookup forms with labels, the proxy URL and the settings (%s)",
    async (locale) => {
      const html = await renderBlock({ locale, settings: FIXTURE });
      const all = tags(html);
      const proxy = locale === "en" ? "/apps/track" : "/fr/apps/track";

      const root = all.find((x) => "data-waypoint-tracking" in x.attrs);
      expect(root).toBeDefined();
      expect(root?.attrs["data-proxy"]).toBe(proxy);
      expect(root?.attrs["data-locale"]).toBe(locale);
      expect(root?.attrs["data-cart-add"]).toBe(locale === "en" ? "/cart/add" : "/fr/cart/add");
      expect(root?.attrs["data-recs"]).toBe("collection");
      expect(root?.attrs["data-recs-collection"]).toBe("summer-sale");
      expect(root?.attrs.class).toContain("wpt--stacked");
      // Block settings become CSS custom properties.
      expect(root?.attrs.style).toContain("--wpt-primary: #123456;");
      expect(root?.attrs.style).toContain("--wpt-accent: #0b6e4f;");
      expect(root?.attrs.style).toMatch(/--wpt-on-primary: #ffffff;/);

      // Two forms, both posting to the app proxy on the store's own domain, without JavaScript too.
      const forms = all.filter((x) => x.name === "form");
      expect(forms.map((f) => f.attrs["data-wpt-form"])).toEqual(["order", "tracking"]);
      for (const f of forms) expect(f.attrs.action).toBe(proxy);
      expect(forms[0]?.attrs.method).toBe("post"); // email and phone stay out of URLs and logs

      // Every input has a <label for> with the translated text, and is required.
      const labels: Record<string, string> = {
        order: t(locale, "tracking.form.order_label"),
        contact: t(locale, "tracking.form.contact_label"),
        tracking: t(locale, "tracking.form.tracking_label"),
      };
      const inputs = all.filter((x) => x.name === "input");
      expect(inputs.map((i) => i.attrs.name)).toEqual(["order", "contact", "tracking"]);
      for (const input of inputs) {
        const id = input.attrs.id as string;
        expect(id).toMatch(/^wpt-AbC123-/);
        expect(textOf(html, "label", "for", id)).toBe(labels[input.attrs.name as string]);
        expect("required" in input.attrs).toBe(true);
        for (const ref of (input.attrs["aria-describedby"] ?? "").split(/\s+/).filter(Boolean)) {
          expect(all.some((x) => x.attrs.id === ref)).toBe(true);
        }
      }
      for (const f of forms) {
        const legend = f.attrs["aria-labelledby"] as string;
        expect(textOf(html, "p", "id", legend)).toBeTruthy();
      }

      // The heading falls back to the translated default; the live region is there before any result.
      expect(textOf(html, "h2", "id", "wpt-AbC123-title")).toBe(t(locale, "tracking.heading"));
      const live = all.find((x) => "data-wpt-status" in x.attrs);
      expect(live?.attrs.role).toBe("status");
      expect(live?.attrs["aria-live"]).toBe("polite");

      // Scripts: the extension's assets, deferred; nothing parser-blocking.
      const scripts = all.filter((x) => x.name === "script" && x.attrs.src);
      expect(scripts.map((s) => s.attrs.src)).toEqual([
        `${ASSET_CDN}tracking-core.js?v=1`,
        `${ASSET_CDN}tracking.js?v=1`,
      ]);
      for (const s of scripts) expect("defer" in s.attrs).toBe(true);
      expect(html).not.toMatch(/<script(?![^>]*\bdefer\b)[^>]*\bsrc=/);

      // The logo has alt text and intrinsic dimensions (no layout shift).
      const logo = all.find((x) => x.name === "img" && x.attrs.class === "wpt__logo");
      expect(logo?.attrs).toMatchObject({ alt: "Acme logo", width: "160", height: "80" });
      expect(logo?.attrs.src).toBe("https://cdn.shopify.test/s/files/logo.png?width=320");

      // The theme editor's attributes wrap the block.
      expect(all.find((x) => x.attrs.class === "wpt-block")?.attrs["data-shopify-editor-block"]).toBe(
        `{"id":"AbC123","type":"@app"}`,
      );
    },
  );

  it.each(["en", "fr", "de", "es"] as const)(
    "hands tracking.js every message, decoded exactly as translated (%s)",
    async (locale) => {
      const html = await renderBlock({ locale, settings: FIXTURE });
      const strings = tags(html).find((x) => "data-wpt-strings" in x.attrs);
      expect(strings).toBeDefined();
      const expected: Record<string, string> = {
        "data-progress": "tracking.result.progress",
        "data-not_found": "tracking.status.not_found",
        "data-rate_limited": "tracking.status.rate_limited",
        "data-invalid": "tracking.status.invalid",
        "data-network": "tracking.status.network",
        "data-carrier-link": "tracking.result.carrier_link",
        "data-add-failed": "tracking.recs.add_failed",
      };
      for (const [attr, key] of Object.entries(expected)) expect(strings?.attrs[attr]).toBe(t(locale, key));
      // Each error reason the app can answer has a message (tracking.js looks them up by reason).
      for (const reason of ["not_found", "rate_limited", "invalid"])
        expect(strings?.attrs[`data-${reason}`]).toBeTruthy();
    },
  );

  it("escapes merchant text and uses the merchant's recommendations heading", async () => {
    const html = await renderBlock({
      locale: "en",
      settings: { ...FIXTURE, heading: `Where's my <b>parcel</b>?`, recommendations_heading: `Picks "for" you` },
    });
    expect(textOf(html, "h2", "id", "wpt-AbC123-title")).toBe("Where's my <b>parcel</b>?");
    expect(html).not.toContain("<b>parcel</b>");
    expect(textOf(html, "h3", "id", "wpt-AbC123-recs")).toBe(`Picks "for" you`);
  });

  it("passes the recommendation settings on to the script, and turns them off", async () => {
    const off = tags(await renderBlock({ locale: "en", settings: { ...FIXTURE, show_recommendations: false } }));
    expect(off.find((x) => "data-waypoint-tracking" in x.attrs)?.attrs["data-recs"]).toBe("off");

    const related = tags(
      await renderBlock({ locale: "en", settings: { ...FIXTURE, recommendation_source: "related" } }),
    );
    const root = related.find((x) => "data-waypoint-tracking" in x.attrs);
    expect(root?.attrs["data-recs"]).toBe("related");
    expect(root?.attrs["data-recs-collection"]).toBe(""); // the collection only counts for "collection"
  });

  it("switches to the compact layout, with the history collapsed", async () => {
    const stacked = await renderBlock({ locale: "en", settings: FIXTURE });
    const compact = await renderBlock({ locale: "en", settings: { ...FIXTURE, layout: "compact" } });
    expect(tags(stacked).find((x) => x.name === "details")?.attrs).toHaveProperty("open");
    expect(tags(compact).find((x) => x.name === "details")?.attrs).not.toHaveProperty("open");
    expect(tags(compact).find((x) => "data-waypoint-tracking" in x.attrs)?.attrs.class).toContain("wpt--compact");
  });

  it("keeps the templates tracking-core.js fills: progressbar with five named stages, fields and slots", async () => {
    const html = await renderBlock({ locale: "en", settings: FIXTURE });
    const all = tags(html);
    const tpls = all.filter((x) => x.name === "template").map((x) => x.attrs["data-wpt-tpl"]);
    expect(tpls).toEqual(["order", "shipment", "return", "event", "item", "rec"]);
    const bars = all.filter((x) => x.attrs.role === "progressbar");
    expect(bars).toHaveLength(3);
    for (const b of bars.slice(0, 2))
      expect(b.attrs).toMatchObject({ "aria-valuemin": "1", "aria-label": "Delivery progress" });
    // A return's own journey: six steps of its own, never the delivery's.
    expect(bars[2]!.attrs).toMatchObject({
      "aria-valuemin": "1",
      "aria-valuemax": "6",
      "aria-label": "Return progress",
    });
    const stages = [...html.matchAll(/<li class="wpt__step">([^<]+)<\/li>/g)].map((m) => m[1]);
    expect(stages.slice(0, 5)).toEqual(["Confirmed", "Packed", "On its way", "Delivery", "Return"]);
    expect(stages.slice(10, 16)).toEqual(["Requested", "Approved", "Label", "On its way back", "Received", "Refunded"]);
    const fields = new Set(all.map((x) => x.attrs["data-f"]).filter(Boolean));
    for (const f of [
      "title",
      "placed",
      "status",
      "cancelled",
      "waiting",
      "recs",
      "delay",
      "attention",
      "estimate",
      "carrier",
      "tracking",
      "destination",
      "link",
      "linkText",
      "noEvents",
      "time",
      "label",
      "place",
      "image",
      "qty",
      "url",
      "price",
      "returns",
      "journey",
      "note",
      "refund",
      "print",
      "detail",
    ]) {
      expect(fields.has(f), f).toBe(true);
    }
    const delay = all.find((x) => x.attrs["data-f"] === "delay");
    expect(delay?.attrs.role).toBe("status");
    const carrier = all.find((x) => x.attrs["data-f"] === "link");
    expect(carrier?.attrs).toMatchObject({ target: "_blank", rel: "noopener noreferrer" });
    // Images the script fills in never load from the template and keep their size.
    for (const img of all.filter((x) => x.name === "img" && x.attrs["data-f"])) {
      expect(img.attrs.width && img.attrs.height).toBeTruthy();
      expect(img.attrs.alt).toBe("");
    }
  });

  it("derives readable text colours from any colour settings (WCAG AA)", async () => {
    const hex = fc
      .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }))
      .map((rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`);
    await fc.assert(
      fc.asyncProperty(hex, hex, async (primary, accent) => {
        const html = await renderBlock({
          locale: "en",
          settings: { ...FIXTURE, primary_color: primary, accent_color: accent },
        });
        const style = tags(html).find((x) => "data-waypoint-tracking" in x.attrs)?.attrs.style ?? "";
        const v = (name: string): string => {
          const m = style.match(new RegExp(`--wpt-${name}: (#[0-9a-f]{6});`, "i"));
          if (!m?.[1]) throw new Error(`--wpt-${name} missing in ${style}`);
          return m[1];
        };
        expect(v("primary")).toBe(primary);
        expect(contrastRatio(v("primary"), v("on-primary"))).toBeGreaterThanOrEqual(4.5); // button text
        expect(contrastRatio(v("accent"), v("on-accent"))).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(v("primary-ink"), "#ffffff")).toBeGreaterThanOrEqual(4.5); // links, headings
        expect(contrastRatio(v("accent-ink"), "#ffffff")).toBeGreaterThanOrEqual(3); // bar, focus ring
      }),
      { numRuns: 40 },
    );
    // The two ends, spelled out: a pale yellow gets black text and a dark ink; navy keeps itself.
    const pale = await renderBlock({ locale: "en", settings: { ...FIXTURE, primary_color: "#ffe066" } });
    expect(pale).toContain("--wpt-on-primary: #000000; --wpt-primary-ink: #1a1a1a;");
    const navy = await renderBlock({ locale: "en", settings: { ...FIXTURE, primary_color: "#1f3a5f" } });
    expect(navy).toContain("--wpt-on-primary: #ffffff; --wpt-primary-ink: #1f3a5f;");
  });
});

describe("order-tracking block: schema", () => {
  const schema = readBlockSchema();
  const schemaLocales = Object.fromEntries(LOCALES.map((l) => [l, readLocale(l, "schema")]));

  /** Every "t:" key the schema refers to, with where it is used. */
  const refs = (): { where: string; key: string }[] => {
    const out: { where: string; key: string }[] = [{ where: "name", key: schema.name }];
    for (const s of schema.settings) {
      for (const prop of ["label", "info", "content"] as const) {
        const v = s[prop];
        if (v !== undefined) out.push({ where: `${s.id ?? s.type}.${prop}`, key: v });
      }
      for (const o of s.options ?? []) out.push({ where: `${s.id}.options.${o.value}`, key: o.label });
    }
    return out;
  };

  it("is an app block for sections that loads the stylesheet through the schema", () => {
    expect(schema.target).toBe("section");
    expect(schema.stylesheet).toBe("tracking.css");
    expect(fs.existsSync(path.join(EXTENSION_ROOT, "assets", schema.stylesheet as string))).toBe(true);
    // Scripts are <script defer> tags in the snippet, which the app proxy page shares; not schema "javascript".
    expect(schema.javascript).toBeUndefined();
  });

  it("declares the settings merchants need, with unique ids", () => {
    const byId: Record<string, SchemaSetting> = Object.fromEntries(
      schema.settings.filter((s) => s.id).map((s) => [s.id, s]),
    );
    expect(Object.keys(byId)).toEqual([
      "heading",
      "logo",
      "primary_color",
      "accent_color",
      "layout",
      "show_recommendations",
      "recommendation_source",
      "recommendation_collection",
      "recommendations_heading",
    ]);
    expect(byId.logo?.type).toBe("image_picker");
    expect(byId.primary_color?.type).toBe("color");
    expect(byId.accent_color?.type).toBe("color");
    expect(byId.layout?.options?.map((o) => o.value)).toEqual(["stacked", "compact"]);
    expect(byId.show_recommendations?.type).toBe("checkbox");
    expect(byId.recommendation_source?.options?.map((o) => o.value)).toEqual([
      "related",
      "complementary",
      "collection",
    ]);
    expect(byId.recommendation_collection?.type).toBe("collection");
    for (const s of schema.settings) {
      if (s.type === "select") expect(s.options?.map((o) => o.value)).toContain(s.default);
    }
  });

  it("passes Shopify's JSON schema for settings (which theme-check leaves out for app blocks)", async () => {
    expect(await validateBlockSettings(schema.settings)).toEqual([]);
    const bad = await validateBlockSettings([
      { type: "colour", id: "x", label: "X" },
      { type: "select", id: "y", label: "Y" },
    ]);
    expect(bad.length).toBeGreaterThanOrEqual(2);
  });

  it("labels every setting with a translation key present in every schema locale", () => {
    const all = refs();
    expect(all.length).toBeGreaterThan(15);
    for (const { where, key } of all) {
      expect(key, where).toMatch(/^t:[\w.]+$/);
      for (const locale of LOCALES) {
        const value = lookup(schemaLocales[locale] as never, key.slice(2));
        expect(typeof value === "string" && value.trim().length > 0, `${locale}: ${key} (${where})`).toBe(true);
      }
    }
    for (const s of schema.settings) if (s.type !== "header") expect(s.label, s.id).toBeDefined();
  });

  it("has the same keys in every schema locale, and a block name of at most 25 characters", () => {
    const en = flattenKeys(schemaLocales.en as never).sort();
    for (const locale of LOCALES) {
      expect(flattenKeys(schemaLocales[locale] as never).sort(), locale).toEqual(en);
      const name = lookup(schemaLocales[locale] as never, schema.name.slice(2));
      expect(String(name).length, locale).toBeLessThanOrEqual(25);
    }
  });
});

describe("order-tracking block: storefront locales", () => {
  const sources = [BLOCK_PATH, SNIPPET_PATH].map((f) => fs.readFileSync(f, "utf8"));
  const used = translationKeysIn(sources.join("\n"));
  const storefront = Object.fromEntries(LOCALES.map((l) => [l, readLocale(l)]));
  const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

  it("has every key the Liquid uses with | t, in all four locales", () => {
    expect(used.length).toBeGreaterThan(30);
    for (const key of used) {
      for (const locale of LOCALES) {
        const v = lookup(storefront[locale] as never, key);
        expect(typeof v === "string" && v.length > 0, `${locale}: ${key}`).toBe(true);
      }
    }
  });

  it("carries no unused keys and the same keys everywhere", () => {
    const en = flattenKeys(storefront.en as never).sort();
    expect(en).toEqual(used);
    for (const locale of LOCALES) expect(flattenKeys(storefront[locale] as never).sort(), locale).toEqual(en);
  });

  it("keeps the {placeholders} tracking.js fills, and no markup characters", () => {
    for (const key of flattenKeys(storefront.en as never)) {
      const en = String(lookup(storefront.en as never, key));
      for (const locale of LOCALES) {
        const v = String(lookup(storefront[locale] as never, key));
        expect(placeholders(v), `${locale}: ${key}`).toEqual(placeholders(en));
        expect(v, `${locale}: ${key}`).not.toMatch(/[<>"]|\{\{/);
      }
    }
  });
});
