// The app proxy's request handlers (routes/proxy.*.tsx are one line each): verify the signature, rate
// limit, parse with zod, call the lookup service, record analytics, answer. One instance per process
// (`storefront()`); tests and the demo build their own with `createStorefront` or swap the process's
// with `configureStorefront` (e.g. to point recommendations at a local server).
//
// Overload and guessing: at most `maxInFlight` lookups and pages are worked on at once per process
// (STOREFRONT_MAX_IN_FLIGHT; past it 429 with Retry-After, not a queue), bodies are read capped
// (lib/body.server.ts), every lookup spends its IP's budget, and only lookups that match nothing
// spend the shop's (rate-limit.server.ts); a valid token from one of our messages never does.
import { z } from "zod";
import appDb, { type Db } from "../db.server";
import { env } from "../env.server";
import { resolveLocale } from "../notifications/copy";
import { AnalyticsBuffer, type AnalyticsInput, type LookupOutcome } from "./analytics.server";
import { clientIp, liquidResponse, proxyJson, requireAppProxy, type ProxyContext } from "./app-proxy.server";
import { BODY_LIMITS, readText } from "../lib/body.server";
import { errorMessage, logger } from "../lib/logger.server";
import { failure, FAILURE_STATUS } from "./contract";
import { LookupService, type LookupOptions, type LookupResult } from "./lookup.server";
import { pageAsset, proxyRoot, renderTrackingPage } from "./page.server";
import { StorefrontRateLimiter, type RateLimitOptions } from "./rate-limit.server";
import { Recommender, type RecommenderOptions } from "./recommendations.server";
import { verifyTrackingToken } from "./tracking-links.server";

export interface StorefrontOptions {
  db?: Db;
  /** The app's API secret (signs proxy requests); SHOPIFY_API_SECRET by default. */
  secret?: string;
  now?: () => Date;
  limits?: RateLimitOptions;
  recommendations?: RecommenderOptions;
  analytics?: { flushMs?: number; maxBatch?: number };
  /** Lookups and pages worked on at once before 429; STOREFRONT_MAX_IN_FLIGHT by default. */
  maxInFlight?: number;
}

/** Seconds an overloaded instance asks the shopper's browser to wait. */
const BUSY_RETRY_AFTER_SECONDS = 2;

const LookupBody = z
  .object({
    order: z.union([z.string().max(40), z.number().int().positive()]).optional(),
    email: z.string().max(254).optional(),
    phone: z.string().max(40).optional(),
    contact: z.string().max(254).optional(),
    tracking: z.string().max(64).optional(),
    token: z.string().max(1024).optional(),
  })
  .strip();
type LookupInput = z.infer<typeof LookupBody>;

const ProductId = z.string().regex(/^(gid:\/\/shopify\/Product\/)?\d{1,20}$/);
const EventBody = z.object({
  kind: z.enum(["page_view", "rec_impression", "rec_click"]),
  order: z.string().max(40).nullish(),
  productIds: z.array(ProductId).max(12).default([]),
  source: z.string().max(40).nullish(),
  action: z.enum(["open", "add_to_cart"]).nullish(),
  visitorId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .nullish(),
});

const numericId = (id: string) => id.replace(/^gid:\/\/shopify\/Product\//, "");

/** A request body as text; over the cap, a thrown 413 (answer() returns it). */
const readBody = (request: Request) => readText(request, BODY_LIMITS.storefront);

type RunResult = LookupResult & { retryAfter?: number };

export class Storefront {
  readonly db: Db;
  readonly lookups: LookupService;
  readonly limiter: StorefrontRateLimiter;
  readonly analytics: AnalyticsBuffer;
  private readonly secret: string | undefined;
  private readonly now: () => Date;
  private readonly maxInFlight: number;
  private inFlight = 0;

  constructor(options: StorefrontOptions = {}) {
    this.db = options.db ?? appDb;
    this.now = options.now ?? (() => new Date());
    this.secret = options.secret;
    this.limiter = new StorefrontRateLimiter(options.limits, this.db); // on PostgreSQL, shared by all instances
    const origin = env().WAYPOINT_STOREFRONT_ORIGIN; // demo/tests: a local stand-in for the storefront
    const recommendations: RecommenderOptions = {
      ...(origin ? { origin: () => origin.replace(/\/+$/, "") } : {}),
      ...options.recommendations,
    };
    this.lookups = new LookupService(this.db, { recommender: new Recommender(recommendations), now: this.now });
    this.analytics = new AnalyticsBuffer(this.db, options.analytics);
    this.maxInFlight = options.maxInFlight ?? env().STOREFRONT_MAX_IN_FLIGHT;
  }

  /** `work`, unless `maxInFlight` requests are already being worked on: then `busy()` at once. */
  private async bounded(busy: () => Response, work: () => Promise<Response>): Promise<Response> {
    if (this.inFlight >= this.maxInFlight) return busy();
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
    }
  }

  /** The signed context, or a thrown empty 400. */
  verify(request: Request): ProxyContext {
    return requireAppProxy(request, { secret: this.secret, now: this.now });
  }

  private record(shopId: string | null, e: Omit<AnalyticsInput, "shopId" | "at">): void {
    if (shopId) this.analytics.add({ ...e, shopId, at: this.now() });
  }

  /** GET|POST /apps/track/api/lookup and GET /apps/track/api/token/<token>. */
  async lookup(request: Request, token?: string): Promise<Response> {
    const ctx = this.verify(request);
    if (request.method !== "GET" && request.method !== "POST")
      return new Response(null, { status: 405, headers: { Allow: "GET, POST" } });
    const busy = () =>
      proxyJson(failure("rate_limited"), { status: 429, headers: { "Retry-After": String(BUSY_RETRY_AFTER_SECONDS) } });
    return this.bounded(busy, () => this.lookupBounded(request, ctx, token));
  }

  private async lookupBounded(request: Request, ctx: ProxyContext, token: string | undefined): Promise<Response> {
    const url = new URL(request.url);
    const options = lookupOptions(url);
    let input: LookupInput | null;
    if (token !== undefined) input = { token };
    else input = await this.parseLookup(request, url);
    const result = await this.run(request, ctx, input, options);
    const headers: Record<string, string> = {};
    if (result.status === 429) headers["Retry-After"] = String(result.retryAfter ?? 60);
    return proxyJson(result.body, { status: result.status, headers });
  }

  /** GET|POST /apps/track: the tracking page as Liquid, with a no-JavaScript result when asked. */
  async page(request: Request): Promise<Response> {
    const ctx = this.verify(request);
    if (request.method !== "GET" && request.method !== "POST")
      return new Response(null, { status: 405, headers: { Allow: "GET, POST" } });
    const busy = () =>
      liquidResponse("<p>Order tracking is busy right now. Please try again in a moment.</p>", {
        status: 429,
        headers: { "Retry-After": String(BUSY_RETRY_AFTER_SECONDS) },
      });
    return this.bounded(busy, () => this.pageBounded(request, ctx));
  }

  private async pageBounded(request: Request, ctx: ProxyContext): Promise<Response> {
    const url = new URL(request.url);
    const shop = await this.lookups.shop(ctx.shop);
    const locale = resolveLocale(url.searchParams.get("locale") ?? request.headers.get("accept-language") ?? null);
    let result: RunResult | null = null;
    // SMS links carry a short code (/apps/track?c=...): exchanged, under the lookup rate limit, for a
    // signed token the block opens (/apps/track?token=...), so the block needs no second link format.
    const code = url.searchParams.get("c");
    if (code !== null && request.method === "GET") {
      const limited = await this.limiter.lookupByIp(clientIp(request));
      const token = limited.ok ? await this.lookups.tokenForCode(ctx.shop, code) : null;
      if (token) {
        const target = new URLSearchParams({ token });
        const keep = url.searchParams.get("locale");
        if (keep) target.set("locale", keep);
        return new Response(null, {
          status: 302,
          headers: { Location: `${proxyRoot(ctx.pathPrefix)}?${target}`, "Cache-Control": "no-store" },
        });
      }
      // A code that opens nothing is a guess: it spends the shop's budget of misses.
      const refused = limited.ok ? await this.limiter.lookupMissed(ctx.shop) : limited;
      const reason = refused.ok ? "not_found" : "rate_limited";
      this.record(shop?.id ?? null, { kind: "lookup", outcome: reason });
      result = {
        status: FAILURE_STATUS[reason],
        body: failure(reason),
        shopId: shop?.id ?? null,
        orderId: null,
        outcome: "not_found",
        ...(refused.ok ? {} : { retryAfter: refused.retryAfterSeconds }),
      };
    }
    // The block's forms without JavaScript (POST order+contact, GET ?tracking=) get their answer rendered
    // on the page. ?token= links are opened by the block's script, so the lookup is not done twice.
    const wantsLookup = !result && (request.method === "POST" || url.searchParams.has("tracking"));
    if (wantsLookup)
      result = await this.run(request, ctx, await this.parseLookup(request, url), { locale, recs: "off" });
    this.record(shop?.id ?? null, { kind: "page_view" });
    const full = shop
      ? await this.db.shop.findUnique({
          where: { id: shop.id },
          select: {
            name: true,
            trackingHeading: true,
            brandLogoUrl: true,
            brandPrimaryColor: true,
            brandAccentColor: true,
          },
        })
      : null;
    try {
      const body = await renderTrackingPage({
        locale,
        shopName: full?.name ?? ctx.shop.replace(/\.myshopify\.com$/, ""),
        heading: full?.trackingHeading ?? null,
        logoUrl: full?.brandLogoUrl ?? null,
        primaryColor: full?.brandPrimaryColor ?? "#1f3a5f",
        accentColor: full?.brandAccentColor ?? "#0b6e4f",
        recommendationSource: shop?.recommendationSource ?? "related",
        recommendationCollection: shop?.recommendationCollection ?? null,
        proxyUrl: ctx.pathPrefix ?? "/apps/track",
        result: result?.body ?? null,
      });
      return liquidResponse(body, {
        status: result ? result.status : 200,
        headers: result?.status === 429 ? { "Retry-After": String(result.retryAfter ?? 60) } : {},
      });
    } catch (error) {
      logger.error({ shop: ctx.shop, err: errorMessage(error) }, "tracking page could not be rendered");
      return liquidResponse("<p>Order tracking is unavailable right now. Please try again later.</p>", { status: 500 });
    }
  }

  /** POST /apps/track/api/events: analytics beacons; 204 whatever happens after the signature. */
  async events(request: Request): Promise<Response> {
    const ctx = this.verify(request);
    if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
    const limited = await this.limiter.event(clientIp(request));
    if (!limited.ok)
      return new Response(null, { status: 429, headers: { "Retry-After": String(limited.retryAfterSeconds) } });
    const text = await readBody(request);
    let parsed: z.infer<typeof EventBody> | null = null;
    try {
      const r = text ? EventBody.safeParse(JSON.parse(text)) : null;
      parsed = r?.success ? r.data : null;
    } catch (_e) {
      parsed = null;
    }
    if (!parsed) return new Response(null, { status: 400 });
    const shop = await this.lookups.shop(ctx.shop);
    if (shop) {
      const base = {
        kind: parsed.kind,
        visitorId: parsed.visitorId ?? null,
        action: parsed.kind === "rec_click" ? (parsed.action ?? "open") : null,
      };
      if (parsed.kind === "page_view" || parsed.productIds.length === 0) this.record(shop.id, base);
      else for (const id of parsed.productIds) this.record(shop.id, { ...base, productId: numericId(id) });
    }
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  }

  /** GET /apps/track/assets/<file>: the block's script and stylesheet for the proxy page. */
  asset(request: Request, file: string): Response {
    this.verify(request);
    const asset = pageAsset(file);
    if (!asset) return new Response(null, { status: 404 });
    return new Response(asset.body, {
      headers: {
        "Content-Type": asset.type,
        "Cache-Control": "public, max-age=300",
        "X-Content-Type-Options": "nosniff",
      },
    });
  }

  /** Anything else under /apps/track: verified first (unsigned requests learn nothing), then 404. */
  notFound(request: Request): Response {
    this.verify(request);
    return proxyJson({ error: "not_found" }, { status: 404 });
  }

  private async parseLookup(request: Request, url: URL): Promise<LookupInput | null> {
    const q = url.searchParams;
    const fromQuery = {
      order: q.get("order") ?? undefined,
      email: q.get("email") ?? undefined,
      phone: q.get("phone") ?? undefined,
      contact: q.get("contact") ?? undefined,
      tracking: q.get("tracking") ?? undefined,
      token: q.get("token") ?? undefined,
    };
    let raw: Record<string, unknown> = Object.fromEntries(Object.entries(fromQuery).filter(([, v]) => v !== undefined));
    if (request.method === "POST") {
      const text = await readBody(request);
      const type = request.headers.get("content-type") ?? "";
      try {
        if (type.includes("application/x-www-form-urlencoded"))
          raw = { ...raw, ...Object.fromEntries(new URLSearchParams(text)) };
        else if (text.trim()) raw = { ...raw, ...(JSON.parse(text) as Record<string, unknown>) };
      } catch (_e) {
        return null;
      }
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
    }
    const parsed = LookupBody.safeParse(raw);
    if (!parsed.success) return null;
    const input = parsed.data;
    if (input.contact && !input.email && !input.phone) {
      const c = input.contact.trim();
      if (c.includes("@")) input.email = c;
      else input.phone = c;
    }
    return input;
  }

  private async run(
    request: Request,
    ctx: ProxyContext,
    input: LookupInput | null,
    options: LookupOptions,
  ): Promise<RunResult> {
    const limited = await this.limiter.lookupByIp(clientIp(request));
    if (!limited.ok) return this.rateLimited(ctx, limited.retryAfterSeconds);
    let result: LookupResult;
    if (!input) result = await this.lookups.byOrder(ctx.shop, {}, options);
    else if (input.token !== undefined) result = await this.lookups.byToken(ctx.shop, input.token, options);
    else if (input.tracking !== undefined && input.order === undefined)
      result = await this.lookups.byTracking(ctx.shop, input.tracking, options);
    else result = await this.lookups.byOrder(ctx.shop, input, options);
    // A miss spends the shop's budget and is refused once it is spent; a match never is. A token we
    // signed came from one of our messages, not a guess, even if its order is gone.
    const fromMessage = input?.token !== undefined && verifyTrackingToken(input.token, this.now()) !== null;
    if (result.outcome !== "found" && !fromMessage) {
      const spent = await this.limiter.lookupMissed(ctx.shop);
      if (!spent.ok) return this.rateLimited(ctx, spent.retryAfterSeconds);
    }
    this.record(result.shopId, { kind: "lookup", outcome: result.outcome as LookupOutcome, orderId: result.orderId });
    // A valid token only comes from our emails and SMS: the shopper clicked through (WISMO deflection).
    if (input?.token !== undefined && result.outcome === "found")
      this.record(result.shopId, { kind: "message_click", orderId: result.orderId });
    return result;
  }

  private async rateLimited(ctx: ProxyContext, retryAfter: number): Promise<RunResult> {
    const shop = await this.lookups.shop(ctx.shop);
    this.record(shop?.id ?? null, { kind: "lookup", outcome: "rate_limited" });
    return {
      status: FAILURE_STATUS.rate_limited,
      body: failure("rate_limited"),
      shopId: shop?.id ?? null,
      orderId: null,
      outcome: "invalid",
      retryAfter,
    };
  }
}

function lookupOptions(url: URL): LookupOptions {
  const q = url.searchParams;
  return { locale: q.get("locale"), recs: q.get("recs"), collection: q.get("collection") };
}

let current: Storefront | null = null;

/** The process's storefront handlers (built on first use). */
export function storefront(): Storefront {
  current ??= new Storefront();
  return current;
}

/** Graceful shutdown: writes the analytics still buffered and closes the rate limiter's connections. */
export async function flushStorefront(): Promise<void> {
  await current?.analytics.flush();
  await current?.limiter.close();
}

/** Replaces the process's handlers (tests, the demo); returns the new instance. */
export function configureStorefront(options: StorefrontOptions): Storefront {
  current = new Storefront(options);
  return current;
}

/** Remix route helper: a thrown Response (the 400 of a bad signature) becomes the answer. */
export async function answer(fn: () => Promise<Response> | Response): Promise<Response> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof Response) return error;
    logger.error({ err: errorMessage(error) }, "app proxy request failed");
    return proxyJson(failure("invalid"), { status: 500 });
  }
}
