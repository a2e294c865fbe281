// Product recommendations under the tracker, from Shopify's own storefront endpoints on the shop's
// domain (public, no token):
//   /recommendations/products.json?product_id=<id>&limit=4&intent=related|complementary
//   /collections/<handle>/products.json?limit=<n>            (the merchant's fallback collection)
// Results are cached per shop + product (+ intent) for a few minutes, concurrent misses share one
// fetch, failures are cached briefly as "nothing", and a lookup waits at most `waitMs` for a cold
// entry: after that it answers without recommendations while the fetch finishes and warms the cache.
// Recommendations never fail a lookup. The fetch function is injected (tests serve Shopify-shaped JSON
// from a local HTTP server).
import { z } from "zod";
import { errorMessage, logger } from "../lib/logger.server";

export interface Recommendation {
  productId: string;
  variantId: string;
  title: string;
  /** Storefront-relative product URL (or absolute https). */
  url: string;
  image: string | null;
  /** Decimal amount in major units, e.g. "24.00". */
  price: string;
  currency: string;
}

export const RECOMMENDATION_SOURCES = ["related", "complementary", "collection", "off"] as const;
export type RecommendationSource = (typeof RECOMMENDATION_SOURCES)[number];

export interface RecommendationRequest {
  /** The storefront host to ask (primary domain, else the myshopify domain). */
  storefrontHost: string;
  /** Products of the order: what to recommend for, and what not to recommend again. */
  productIds: string[];
  source: RecommendationSource;
  /** Collection handle: the source when source is "collection", the fallback otherwise. */
  collection: string | null;
  currency: string;
  limit?: number;
}

export type FetchLike = (
  url: string,
  init?: { signal?: AbortSignal; headers?: Record<string, string> },
) => Promise<Response>;

export interface RecommenderOptions {
  fetch?: FetchLike;
  /** The origin for a storefront host; tests point it at 127.0.0.1. */
  origin?: (host: string) => string;
  ttlMs?: number;
  failureTtlMs?: number;
  /** Per fetch. */
  timeoutMs?: number;
  /** How long a lookup waits for recommendations that are not cached yet. */
  waitMs?: number;
  maxEntries?: number;
  now?: () => number;
}

const Price = z.union([z.number(), z.string()]);
const Variant = z
  .object({ id: z.union([z.number(), z.string()]), price: Price.nullish(), available: z.boolean().nullish() })
  .passthrough();
const ImageRef = z.union([
  z.string(),
  z.object({ src: z.string().nullish(), url: z.string().nullish() }).passthrough(),
]);
const Product = z
  .object({
    id: z.union([z.number(), z.string()]),
    title: z.string(),
    handle: z.string().nullish(),
    url: z.string().nullish(),
    available: z.boolean().nullish(),
    price: Price.nullish(),
    featured_image: ImageRef.nullish(),
    images: z.array(ImageRef).nullish(),
    variants: z.array(Variant).nullish(),
  })
  .passthrough();
const ProductList = z.object({ products: z.array(z.unknown()) }).passthrough();

type ProductJson = z.infer<typeof Product>;

const HANDLE = /^[a-z0-9][a-z0-9_-]{0,254}$/i;
const NUMERIC_ID = /^\d{1,20}$/;

function imageUrl(ref: z.infer<typeof ImageRef> | null | undefined): string | null {
  const raw = typeof ref === "string" ? ref : (ref?.src ?? ref?.url ?? null);
  if (!raw) return null;
  const url = raw.startsWith("//") ? `https:${raw}` : raw;
  return /^https?:\/\//i.test(url) ? url : null;
}

/**
 * A product from either endpoint as a recommendation. The recommendations endpoint (Ajax product
 * format) gives prices as integer cents; collection products.json gives decimal strings.
 */
export function toRecommendation(raw: unknown, currency: string): Recommendation | null {
  const parsed = Product.safeParse(raw);
  if (!parsed.success) return null;
  const p: ProductJson = parsed.data;
  if (p.available === false) return null;
  const variants = p.variants ?? [];
  const variant = variants.find((v) => v.available !== false);
  if (!variant) return null;
  const rawPrice = variant.price ?? p.price;
  let price: string;
  if (typeof rawPrice === "number") price = (rawPrice / 100).toFixed(2);
  else if (typeof rawPrice === "string" && /^\d+(\.\d+)?$/.test(rawPrice.trim())) price = Number(rawPrice).toFixed(2);
  else return null;
  const handle = p.handle && HANDLE.test(p.handle) ? p.handle : null;
  const url =
    p.url && (p.url.startsWith("/") && !p.url.startsWith("//") ? p.url : /^https:\/\//i.test(p.url) ? p.url : null);
  const productUrl = url ?? (handle ? `/products/${handle}` : null);
  if (!productUrl) return null;
  return {
    productId: String(p.id),
    variantId: String(variant.id),
    title: p.title,
    url: productUrl,
    image: imageUrl(p.featured_image) ?? imageUrl(p.images?.[0]),
    price,
    currency,
  };
}

interface Entry {
  value: unknown[];
  expires: number;
}

export class Recommender {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<unknown[]>>();
  private readonly fetchFn: FetchLike;
  private readonly origin: (host: string) => string;
  private readonly o: Required<Omit<RecommenderOptions, "fetch" | "origin">>;

  constructor(options: RecommenderOptions = {}) {
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.origin = options.origin ?? ((host) => `https://${host}`);
    this.o = {
      ttlMs: options.ttlMs ?? 5 * 60_000,
      failureTtlMs: options.failureTtlMs ?? 60_000,
      timeoutMs: options.timeoutMs ?? 2_000,
      waitMs: options.waitMs ?? 250,
      maxEntries: options.maxEntries ?? 20_000,
      now: options.now ?? Date.now,
    };
  }

  /** Up to `limit` products to show; [] when the source is off or nothing could be fetched in time. */
  async recommend(req: RecommendationRequest): Promise<Recommendation[]> {
    const limit = Math.max(1, Math.min(req.limit ?? 4, 8));
    if (req.source === "off") return [];
    try {
      const own = new Set(req.productIds);
      const collection = req.collection && HANDLE.test(req.collection) ? req.collection : null;
      let picked: Recommendation[] = [];
      if (req.source === "related" || req.source === "complementary") {
        const ids = [...new Set(req.productIds.filter((id) => NUMERIC_ID.test(id)))].slice(0, 3);
        const lists = await Promise.all(
          ids.map((id) =>
            this.cached(
              req.storefrontHost,
              `rec:${req.source}:${id}`,
              `/recommendations/products.json?product_id=${id}&limit=${limit}&intent=${req.source}`,
            ),
          ),
        );
        picked = pick(roundRobin(lists), req.currency, own, limit);
      }
      if (picked.length === 0 && collection) {
        const list = await this.cached(
          req.storefrontHost,
          `col:${collection}`,
          `/collections/${encodeURIComponent(collection)}/products.json?limit=${limit + 8}`,
        );
        picked = pick(list, req.currency, own, limit);
      }
      return picked;
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, "recommendations unavailable");
      return [];
    }
  }

  /** Drops every cached answer (tests; after a merchant changes the source). */
  clear(): void {
    this.cache.clear();
  }

  private async cached(host: string, what: string, path: string): Promise<unknown[]> {
    const key = `${host}|${what}`;
    const now = this.o.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return hit.value;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.load(`${this.origin(host)}${path}`).then(
        (value) => this.store(key, value, this.o.ttlMs),
        (error: unknown) => {
          logger.info({ host, what, err: errorMessage(error) }, "storefront recommendations fetch failed");
          return this.store(key, [], this.o.failureTtlMs);
        },
      );
      pending.finally(() => this.inflight.delete(key)).catch(() => {});
      this.inflight.set(key, pending);
    }
    // A stale entry is served at once while it refreshes; a cold one gets `waitMs` at most.
    if (hit) return hit.value;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<unknown[]>((resolve) => {
      timer = setTimeout(() => resolve([]), this.o.waitMs);
    });
    try {
      return await Promise.race([pending, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private store(key: string, value: unknown[], ttl: number): unknown[] {
    if (this.cache.size >= this.o.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.delete(key);
    this.cache.set(key, { value, expires: this.o.now() + ttl });
    return value;
  }

  private async load(url: string): Promise<unknown[]> {
    const res = await this.fetchFn(url, {
      signal: AbortSignal.timeout(this.o.timeoutMs),
      headers: { Accept: "application/json" },
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} from ${new URL(url).pathname}`);
    const body = ProductList.safeParse(await res.json());
    if (!body.success) throw new Error(`unexpected JSON from ${new URL(url).pathname}`);
    return body.data.products.slice(0, 50);
  }
}

function roundRobin(lists: unknown[][]): unknown[] {
  const out: unknown[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) for (const l of lists) if (i < l.length) out.push(l[i]);
  return out;
}

function pick(raw: unknown[], currency: string, exclude: Set<string>, limit: number): Recommendation[] {
  const out: Recommendation[] = [];
  const seen = new Set<string>();
  for (const r of raw) {
    const rec = toRecommendation(r, currency);
    if (!rec || exclude.has(rec.productId) || seen.has(rec.productId)) continue;
    seen.add(rec.productId);
    out.push(rec);
    if (out.length >= limit) break;
  }
  return out;
}
