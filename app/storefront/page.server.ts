// The full tracking page on the shop's own domain (GET /apps/track): the tracking block's own snippet
// (extensions/tracking-block/snippets/waypoint-tracking.liquid) rendered here with liquidjs and the
// extension's locale files behind `t`, as CONTRACT.md describes, and answered as application/liquid
// so Shopify wraps it in the theme's layout (header, logo, navigation). The scripts and stylesheet are
// served through the proxy too (/apps/track/assets/<file>), so the page needs nothing from the theme.
//
// Without JavaScript the block's forms post to /apps/track; the page then shows the lookup's result as
// plain server-rendered HTML above the block (every value escaped).
//
// Everything here reaches shoppers on the store's own domain, so every value is checked again at
// render (settings may predate validation): URLs must be plain https (plainHttpsUrl), colours hex, the
// proxy root a plain path; the snippet escapes what it prints as well.
import fs from "node:fs";
import path from "node:path";
import type { Liquid, TagToken, TopLevelToken, Context, Emitter, Template, Parser } from "liquidjs";
import { env } from "../env.server";
import { escapeHtml, plainHttpsUrl, safeColor } from "../lib/html";
import type { Locale } from "../notifications/copy";
import type { LookupParcel, LookupResponse } from "./contract";

export const EXTENSION_ROOT = path.resolve(env().WAYPOINT_EXTENSION_ROOT);
export const PAGE_ASSETS = ["tracking.css", "tracking-core.js", "tracking.js"] as const;
export type PageAsset = (typeof PAGE_ASSETS)[number];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const localeCache = new Map<Locale, Json>();
function strings(locale: Locale): Json {
  let tree = localeCache.get(locale);
  if (!tree) {
    const file = path.join(EXTENSION_ROOT, "locales", `${locale === "en" ? "en.default" : locale}.json`);
    const fallback = path.join(EXTENSION_ROOT, "locales", "en.default.json");
    tree = JSON.parse(fs.readFileSync(fs.existsSync(file) ? file : fallback, "utf8")) as Json;
    localeCache.set(locale, tree);
  }
  return tree;
}

function lookupKey(tree: Json, key: string): Json | undefined {
  let node: Json | undefined = tree;
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** A storefront string of the extension ("tracking.result.order"), English when missing. */
export function storefrontString(locale: Locale, key: string): string {
  const value = lookupKey(strings(locale), key) ?? lookupKey(strings("en"), key);
  return typeof value === "string" ? value : key;
}

/** WCAG 2 contrast ratio of two #rgb / #rrggbb colours (Shopify's color_contrast filter). */
function contrastRatio(a: string, b: string): number {
  const lum = (hex: string): number => {
    let h = hex.trim().replace(/^#/, "");
    if (h.length === 3) h = h.replace(/./g, "$&$&");
    if (!/^[0-9a-f]{6}$/i.test(h)) return 0;
    const [r, g, bl] = [0, 2, 4].map((i) => {
      const c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function keywordArgs(args: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) if (Array.isArray(a) && a.length === 2 && typeof a[0] === "string") out[a[0]] = a[1];
  return out;
}

const engines = new Map<Locale, Promise<Liquid>>();

/** A liquidjs engine standing in for Shopify's renderer, for the snippet's filters and tags. */
function engineFor(locale: Locale): Promise<Liquid> {
  let engine = engines.get(locale);
  if (!engine) {
    engine = import("liquidjs").then(({ Liquid: LiquidCtor, Tag }) => {
      const e = new LiquidCtor({
        root: [path.join(EXTENSION_ROOT, "snippets")],
        extname: ".liquid",
        strictFilters: true,
        jsTruthy: false,
        cache: true,
      });
      const silent = (end: string) =>
        class extends Tag {
          constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid) {
            super(token, remain, liquid);
            for (;;) {
              const t = remain.shift();
              if (!t) throw new Error(`{% ${token.name} %} is not closed`);
              if ("name" in t && t.name === end) return;
            }
          }
          render(): void {}
        };
      class StyleTag extends Tag {
        private body: Template[] = [];
        constructor(token: TagToken, remain: TopLevelToken[], liquid: Liquid, parser: Parser) {
          super(token, remain, liquid);
          const stream = parser.parseStream(remain);
          stream
            .on("tag:endstyle", () => stream.stop())
            .on("template", (tpl: Template) => this.body.push(tpl))
            .on("end", () => {
              throw new Error("{% style %} is not closed");
            });
          stream.start();
        }
        *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
          emitter.write("<style>");
          yield this.liquid.renderer.renderTemplates(this.body, ctx, emitter);
          emitter.write("</style>");
        }
      }
      e.registerTag("doc", silent("enddoc"));
      e.registerTag("schema", silent("endschema"));
      e.registerTag("style", StyleTag);
      e.registerFilter("t", (key: unknown, ...args: unknown[]) => {
        const k = String(key);
        const vars = keywordArgs(args);
        const text = storefrontString(locale, k).replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) =>
          String(vars[name] ?? ""),
        );
        return k.endsWith("_html") ? text : escapeHtml(text);
      });
      e.registerFilter("asset_url", (name: unknown) => String(name));
      e.registerFilter("script_tag", (url: unknown) => `<script src="${escapeHtml(String(url))}" defer></script>`);
      e.registerFilter("stylesheet_tag", (url: unknown) => `<link href="${escapeHtml(String(url))}" rel="stylesheet">`);
      // Only a plain https URL comes out (else ""), normalised by URL, so `src="{{ logo | image_url }}"`
      // holds even before the template's escape.
      e.registerFilter("image_url", (image: unknown, ...args: unknown[]) => {
        const src = plainHttpsUrl(typeof image === "string" ? image : (image as { src?: unknown } | null)?.src);
        if (!src) return "";
        const url = new URL(src);
        const width = Number(keywordArgs(args).width);
        if (!url.search && Number.isInteger(width) && width > 0) url.searchParams.set("width", String(width));
        return url.href;
      });
      e.registerFilter(
        "color_contrast",
        (a: unknown, b: unknown) => Math.round(contrastRatio(String(a), String(b)) * 10) / 10,
      );
      e.registerFilter("json", (v: unknown) => JSON.stringify(v ?? null));
      return e;
    });
    engines.set(locale, engine);
  }
  return engine;
}

export interface PageSettings {
  locale: Locale;
  shopName: string;
  heading: string | null;
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
  recommendationSource: string;
  recommendationCollection: string | null;
  /** The proxy root as the shopper sees it ("/apps/track"). */
  proxyUrl: string;
  /** The result of a no-JavaScript lookup, shown above the block. */
  result?: LookupResponse | null;
}

/**
 * The proxy root the shopper's browser is sent to (forms, scripts, redirects): a same-site path such
 * as "/apps/track" or "/fr/apps/track", else the default; "//host" would be another site.
 */
export function proxyRoot(prefix: string | null | undefined): string {
  const root = prefix && /^\/(?!\/)[\w/-]*$/.test(prefix) ? prefix.replace(/\/+$/, "") : "";
  return root || "/apps/track";
}

/** The page body: an optional server-rendered result, then the block's markup. */
export async function renderTrackingPage(s: PageSettings): Promise<string> {
  const engine = await engineFor(s.locale);
  const source = ["related", "complementary", "collection"].includes(s.recommendationSource)
    ? s.recommendationSource
    : "related";
  const proxy = proxyRoot(s.proxyUrl);
  const html = await engine.renderFile(
    "waypoint-tracking",
    {
      id: "page",
      heading: s.heading ?? "",
      logo: plainHttpsUrl(s.logoUrl) ? { src: s.logoUrl, alt: s.shopName, aspect_ratio: 1 } : null,
      // Hex only: the snippet prints the colours into a style attribute.
      primary_color: safeColor(s.primaryColor, "#1f3a5f"),
      accent_color: safeColor(s.accentColor, "#0b6e4f"),
      layout: "stacked",
      show_recommendations: s.recommendationSource !== "off",
      recommendation_source: source,
      recommendation_collection: s.recommendationSource === "collection" ? (s.recommendationCollection ?? "") : "",
      recommendations_heading: "",
      proxy_url: proxy,
      asset_base: `${proxy}/assets/`,
    },
    {
      globals: {
        routes: { root_url: "/", cart_url: "/cart", cart_add_url: "/cart/add" },
        request: { locale: { iso_code: s.locale }, design_mode: false },
        shop: { name: s.shopName },
      },
    },
  );
  // Shopify renders the body as Liquid once more: our output holds no Liquid, but make sure no value
  // (a shop name, a heading) can open a tag or an output there.
  const safe = (x: string) => x.replace(/\{(?=[{%])/g, "&#123;");
  const result = s.result ? resultHtml(s.result, s.locale) : "";
  return safe(`<div class="waypoint-page">${result}${html}</div>`);
}

/** A lookup's result as plain HTML, for shoppers without JavaScript. */
export function resultHtml(r: LookupResponse, locale: Locale): string {
  const t = (k: string, vars: Record<string, string | number> = {}) =>
    escapeHtml(storefrontString(locale, k).replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? "")));
  if (!r.found) {
    return `<section class="wpt-nojs" role="status"><p>${t(`tracking.status.${r.reason}`)}</p></section>`;
  }
  const e = (s: string | null | undefined) => escapeHtml(s ?? "");
  /** One parcel: status, delay, carrier and number, the carrier's link, the scans. */
  const parcel = (
    s: Pick<LookupParcel, "statusLabel" | "statusDetail" | "carrier" | "trackingNumber" | "carrierUrl" | "events"> & {
      delayed?: boolean;
      delayNotice?: string;
    },
  ): string[] => {
    const out = [`<p>${e(s.statusLabel)}</p>`];
    if (s.statusDetail) out.push(`<p>${e(s.statusDetail)}</p>`);
    if (s.delayed) out.push(`<p>${s.delayNotice ? e(s.delayNotice) : t("tracking.result.delayed")}</p>`);
    if (s.carrier)
      out.push(
        `<p>${t("tracking.result.carrier")}: ${e(s.carrier)}${s.trackingNumber ? ` · ${e(s.trackingNumber)}` : ""}</p>`,
      );
    const carrierUrl = plainHttpsUrl(s.carrierUrl);
    if (carrierUrl) {
      out.push(
        `<p><a href="${e(carrierUrl)}" rel="noopener noreferrer">${t("tracking.result.carrier_link", { carrier: s.carrier ?? "" })}</a></p>`,
      );
    }
    if (s.events.length > 0) {
      out.push("<ol>");
      for (const ev of s.events)
        out.push(
          `<li><time datetime="${e(ev.at)}">${e(ev.at.slice(0, 16).replace("T", " "))}</time> ${e(ev.label)}${ev.detail ? `: ${e(ev.detail)}` : ""}${ev.location ? ` (${e(ev.location)})` : ""}</li>`,
        );
      out.push("</ol>");
    }
    return out;
  };
  // A tracking number alone: that parcel, and how to open the whole order (the block's form below).
  if (r.scope === "parcel") {
    const title = t("tracking.result.parcel", { tracking: r.parcel.trackingNumber ?? "" });
    return [
      `<section class="wpt-nojs" aria-labelledby="wpt-nojs-title">`,
      `<h2 id="wpt-nojs-title">${title}</h2>`,
      ...parcel(r.parcel),
      `<p>${e(r.hint)}</p>`,
      "</section>",
    ].join("");
  }
  const parts = [
    `<section class="wpt-nojs" aria-labelledby="wpt-nojs-title">`,
    `<h2 id="wpt-nojs-title">${t("tracking.result.order", { order: r.order.name })}</h2>`,
    `<p>${e(r.order.statusLabel)}</p>`,
  ];
  if (r.order.cancelled) parts.push(`<p>${t("tracking.result.cancelled")}</p>`);
  r.shipments.forEach((s, i) => {
    const title =
      s.kind === "return"
        ? t("tracking.result.return_package")
        : t("tracking.result.package", { n: i + 1, total: r.shipments.length });
    parts.push(`<article><h3>${title}</h3>`, ...parcel(s), "</article>");
  });
  // Returns: a journey of their own, never counted among the parcels.
  for (const ret of r.returns ?? []) {
    parts.push(`<article><h3>${t("tracking.returns.title", { name: ret.name ?? "" }).trim()}</h3>`);
    if (ret.note) parts.push(`<p>${e(ret.note)}</p>`);
    if (ret.refund) parts.push(`<p>${t("tracking.returns.refunded", ret.refund)}</p>`);
    const label = plainHttpsUrl(ret.labelUrl);
    if (label)
      parts.push(`<p><a href="${e(label)}" rel="noopener noreferrer">${t("tracking.returns.print_label")}</a></p>`);
    parts.push(...parcel(ret), "</article>");
  }
  parts.push("</section>");
  return parts.join("");
}

const assetCache = new Map<PageAsset, string>();

/** A block asset's text, or null for anything but the three page assets. */
export function pageAsset(name: string): { body: string; type: string } | null {
  if (!(PAGE_ASSETS as readonly string[]).includes(name)) return null;
  const file = name as PageAsset;
  let body = assetCache.get(file);
  if (body === undefined) {
    body = fs.readFileSync(path.join(EXTENSION_ROOT, "assets", file), "utf8");
    if (env().NODE_ENV === "production") assetCache.set(file, body);
  }
  return { body, type: file.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8" };
}
