// Rate limits on the storefront's order lookups (and a looser one on analytics beacons), per shopper IP
// and per shop, with rate-limiter-flexible. An IP limit stops one client guessing order numbers and
// contacts; the shop limit caps a distributed guess against one store.
//
// The limiters here are in-process (RateLimiterMemory): right for one web process (the default
// deployment). With several instances, give each limiter a shared store instead: the same options plus
// `storeClient`, e.g.
//   new RateLimiterPostgres({ storeClient: pgPool, tableName: "rate_limits", points, duration, keyPrefix })
//   new RateLimiterRedis({ storeClient: redis, points, duration, keyPrefix })
// (pass `insuranceLimiter: new RateLimiterMemory(...)` so an unreachable store degrades to per-process
// limits instead of failing the lookup). Nothing else changes: callers only see `check`.
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

export interface Limit {
  points: number;
  /** Seconds. */
  duration: number;
}

export interface RateLimitOptions {
  /** Lookups per shopper IP (across shops). Default 20 a minute. */
  lookupPerIp?: Limit;
  /**
   * Lookups per shop (all IPs together). Default 30,000 a minute (500/s): 2.5x the 200/s the lookup
   * path is designed and benchmarked for, and far above any real shop's traffic.
   */
  lookupPerShop?: Limit;
  /** Analytics beacons per shopper IP. Default 120 a minute. */
  eventsPerIp?: Limit;
}

export type RateLimitVerdict = { ok: true } | { ok: false; scope: "ip" | "shop"; retryAfterSeconds: number };

export const DEFAULT_LIMITS: Required<RateLimitOptions> = {
  lookupPerIp: { points: 20, duration: 60 },
  lookupPerShop: { points: 30_000, duration: 60 },
  eventsPerIp: { points: 120, duration: 60 },
};

function memory(prefix: string, limit: Limit): RateLimiterMemory {
  return new RateLimiterMemory({ keyPrefix: prefix, points: limit.points, duration: limit.duration });
}

async function take(limiter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await limiter.consume(key, 1);
    return null;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    throw rejection; // a store error (only possible with a shared store), not a verdict
  }
}

export class StorefrontRateLimiter {
  private readonly lookupIp: RateLimiterAbstract;
  private readonly lookupShop: RateLimiterAbstract;
  private readonly eventsIp: RateLimiterAbstract;

  constructor(options: RateLimitOptions = {}) {
    const o = { ...DEFAULT_LIMITS, ...options };
    this.lookupIp = memory("wpt-lookup-ip", o.lookupPerIp);
    this.lookupShop = memory("wpt-lookup-shop", o.lookupPerShop);
    this.eventsIp = memory("wpt-events-ip", o.eventsPerIp);
  }

  /** One lookup by `ip` on `shop`: the IP's budget first, then the shop's. */
  async lookup(shop: string, ip: string): Promise<RateLimitVerdict> {
    const ipWait = await take(this.lookupIp, ip);
    if (ipWait !== null) return { ok: false, scope: "ip", retryAfterSeconds: ipWait };
    const shopWait = await take(this.lookupShop, shop);
    if (shopWait !== null) return { ok: false, scope: "shop", retryAfterSeconds: shopWait };
    return { ok: true };
  }

  /** One analytics beacon from `ip`. */
  async event(ip: string): Promise<RateLimitVerdict> {
    const wait = await take(this.eventsIp, ip);
    return wait === null ? { ok: true } : { ok: false, scope: "ip", retryAfterSeconds: wait };
  }
}
