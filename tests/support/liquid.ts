// A liquidjs engine that stands in for Shopify's storefront renderer, enough to render the tracking block
// from fixture settings: the Shopify filters and tags the extension uses, its locale files behind `t`,
// and the `routes`, `request`, `shop` and `block` objects. Unknown filters fail (strictFilters), and so do
// missing translation keys, so a typo breaks the test instead of printing "translation missing".
import fs from "node:fs";
import path from "node:path";
import {
  Liquid,
  Tag,
  type Context,
  type Emitter,
  type Liquid as LiquidEngine,
  type Parser,
  type TagToken,
  type Template,
  type TopLevelToken,
} from "liquidjs";
import { escapeHtml } from "../../app/lib/html";

export const EXTENSION_ROOT = path.resolve("extensions/tracking-block");
export const LOCALES = ["en", "fr", "de", "es"] as const;
export type Locale = (typeof LOCALES)[number];
export const ASSET_CDN = "https://cdn.shopify.test/extensions/waypoint/assets/";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

function localeFile(locale: Locale, kind: "storefront" | "schema"): string {
  const base = locale === "en" ? "en.default" : locale;
  return path.join(EXTENSION_ROOT, "locales", `${base}${kind === "schema" ? ".schema" : ""}.json`);
}

export function readLocale(locale: Locale, kind: "storefront" | "schema" = "storefront"): JsonObject {
  return JSON.parse(fs.readFileSync(localeFile(locale, kind), "utf8")) as JsonObject;
}

/** The value at a dotted key ("tracking.form.order_label"), or undefined. */
export function lookup(tree: Json, key: string): Json | undefined {
  let node: Json | undefined = tree;
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    node = node[part];
  }
  return node;
}

/** Every dotted key of a translation tree that holds a string. */
export function flattenKeys(tree: Json, prefix = ""): string[] {
  if (tree === null || typeof tree !== "object" || Array.isArray(tree)) return prefix ? [prefix] : [];
  return Object.entries(tree).flatMap(([k, v]) => flattenKeys(v, prefix ? `${prefix}.${k}` : k));
}

/** WCAG 2 contrast ratio of two #rgb / #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const lum = (hex: string): number => {
    let h = hex.trim().replace(/^#/, "");
    if (h.length === 3) h = h.replace(/./g, "$&$&");
    if (!/^[0-9a-f]{6}$/i.test(h)) throw new Error(`not a colour: ${hex}`);
    const [r, g, bl] = [0, 2, 4].map((i) => {
      const c = parseInt(h.slice(i, i + 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** A tag whose body is skipped and that renders nothing: {% schema %}, {% doc %}. */
function silentBlock(end: string) {
  return class extends Tag {
    constructor(token: TagToken, remain: TopLevelToken[], liquid: LiquidEngine) {
      super(token, remain, liquid);
      for (;;) {
        const t = remain.shift();
        if (!t) throw new Error(`{% ${token.name} %} is not closed`);
        if ("name" in t && t.name === end) return;
      }
    }
    render(): void {}
  };
}

/** {% style %} ... {% endstyle %} renders <style data-shopify>, as Shopify does. */
class StyleTag extends Tag {
  private body: Template[] = [];
  constructor(token: TagToken, remain: TopLevelToken[], liquid: LiquidEngine, parser: Parser) {
    super(token, remain, liquid);
    const stream = parser.parseStream(remain);
    stream
      .on("tag:endstyle", () => stream.stop())
      .on<Template>("template", (tpl) => this.body.push(tpl))
      .on("end", () => {
        throw new Error("{% style %} is not closed");
      });
    stream.start();
  }
  *render(ctx: Context, emitter: Emitter): Generator<unknown, void, unknown> {
    emitter.write("<style data-shopify>");
    yield this.liquid.renderer.renderTemplates(this.body, ctx, emitter);
    emitter.write("</style>");
  }
}

interface ImageFixture {
  src: string;
  alt?: string;
  width?: number;
  height?: number;
  aspect_ratio?: number;
}

type FilterArg = unknown;
/** liquidjs hands keyword arguments (`width: 320`) to filters as [name, value] pairs. */
function keywordArgs(args: FilterArg[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) if (Array.isArray(a) && a.length === 2 && typeof a[0] === "string") out[a[0]] = a[1];
  return out;
}

export interface EngineOptions {
  locale: Locale;
}

/**
 * The engine. `t` reads the extension's storefront locale for `locale`, interpolates {{ name }} keyword
 * arguments and escapes HTML unless the key ends in _html (Shopify's rule); a missing key throws.
 */
export function createEngine({ locale }: EngineOptions): Liquid {
  const strings = readLocale(locale);
  const engine = new Liquid({
    root: [path.join(EXTENSION_ROOT, "snippets")],
    extname: ".liquid",
    strictFilters: true,
    jsTruthy: false,
  });

  engine.registerTag("schema", silentBlock("endschema"));
  engine.registerTag("doc", silentBlock("enddoc"));
  engine.registerTag("style", StyleTag);

  engine.registerFilter("t", (key: unknown, ...args: FilterArg[]) => {
    const k = String(key);
    const value = lookup(strings, k);
    if (typeof value !== "string") throw new Error(`translation missing: ${locale}.${k}`);
    const vars = keywordArgs(args);
    const text = value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => String(vars[name] ?? ""));
    return k.endsWith("_html") ? text : escapeHtml(text);
  });
  engine.registerFilter("asset_url", (name: unknown) => {
    const file = String(name);
    if (!fs.existsSync(path.join(EXTENSION_ROOT, "assets", file))) throw new Error(`asset_url: no assets/${file}`);
    return `${ASSET_CDN}${file}?v=1`;
  });
  engine.registerFilter(
    "script_tag",
    (url: unknown) => `<script src="${String(url)}" type="text/javascript"></script>`,
  );
  engine.registerFilter(
    "stylesheet_tag",
    (url: unknown) => `<link href="${String(url)}" rel="stylesheet" type="text/css" media="all" />`,
  );
  engine.registerFilter("image_url", (image: unknown, ...args: FilterArg[]) => {
    const src = typeof image === "string" ? image : (image as ImageFixture | null)?.src;
    if (!src) throw new Error("image_url: no image");
    const { width, height } = keywordArgs(args);
    const q = new URLSearchParams();
    if (width) q.set("width", String(width));
    if (height) q.set("height", String(height));
    return q.size ? `${src}?${q}` : src;
  });
  engine.registerFilter(
    "color_contrast",
    (a: unknown, b: unknown) => Math.round(contrastRatio(String(a), String(b)) * 10) / 10,
  );
  engine.registerFilter("json", (v: unknown) => JSON.stringify(v ?? null));
  return engine;
}

export interface BlockSettings {
  heading?: string;
  logo?: ImageFixture | null;
  primary_color?: string;
  accent_color?: string;
  layout?: "stacked" | "compact";
  show_recommendations?: boolean;
  recommendation_source?: "related" | "complementary" | "collection";
  recommendation_collection?: { handle: string; title?: string } | null;
  recommendations_heading?: string;
}

export interface RenderBlockOptions {
  locale: Locale;
  settings: BlockSettings;
  blockId?: string;
  /** Shopify's routes.root_url: "/" for the primary locale, "/fr" (no trailing slash) for others. */
  rootUrl?: string;
}

export const BLOCK_PATH = path.join(EXTENSION_ROOT, "blocks", "order-tracking.liquid");
export const SNIPPET_PATH = path.join(EXTENSION_ROOT, "snippets", "waypoint-tracking.liquid");

/** The block's settings with its schema defaults, overridden by `settings`. */
export function settingsWithDefaults(settings: BlockSettings): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const s of readBlockSchema().settings) if (s.id) defaults[s.id] = s.default ?? null;
  return { ...defaults, ...settings };
}

/** Renders blocks/order-tracking.liquid as the storefront would, for one locale. */
export async function renderBlock({
  locale,
  settings,
  blockId = "AbC123",
  rootUrl,
}: RenderBlockOptions): Promise<string> {
  const engine = createEngine({ locale });
  const root = rootUrl ?? (locale === "en" ? "/" : `/${locale}`);
  const prefix = root === "/" ? "" : root;
  // Global objects are visible inside {% render %}ed snippets; the block object is not (it is passed).
  const globals = {
    routes: { root_url: root, cart_url: `${prefix}/cart`, cart_add_url: `${prefix}/cart/add` },
    request: { locale: { iso_code: locale }, design_mode: false },
    shop: { name: "Acme Outfitters" },
  };
  const block = {
    id: blockId,
    type: "@app",
    settings: settingsWithDefaults(settings),
    // Shopify's own markup: JSON in a double-quoted, escaped attribute.
    shopify_attributes: `data-shopify-editor-block="${escapeHtml(JSON.stringify({ id: blockId, type: "@app" }))}"`,
  };
  return engine.parseAndRender(fs.readFileSync(BLOCK_PATH, "utf8"), { block }, { globals });
}

export interface SchemaSetting {
  type: string;
  id?: string;
  label?: string;
  info?: string;
  content?: string;
  default?: unknown;
  options?: { value: string; label: string }[];
  visible_if?: string;
}
export interface BlockSchema {
  name: string;
  target: string;
  stylesheet?: string;
  javascript?: string;
  settings: SchemaSetting[];
}

/** The JSON inside the block's {% schema %} tag. */
export function readBlockSchema(file = BLOCK_PATH): BlockSchema {
  const m = fs.readFileSync(file, "utf8").match(/\{%-?\s*schema\s*-?%\}([\s\S]*?)\{%-?\s*endschema\s*-?%\}/);
  if (!m?.[1]) throw new Error(`no {% schema %} in ${file}`);
  return JSON.parse(m[1]) as BlockSchema;
}

/** Every translation key a Liquid source passes to `t` as a string literal: {{ 'a.b' | t }}. */
export function translationKeysIn(source: string): string[] {
  return [...new Set([...source.matchAll(/['"]([\w.-]+)['"]\s*\|\s*t\b/g)].map((m) => m[1] as string))].sort();
}
