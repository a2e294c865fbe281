// Rate limits on the storefront's order lookups (and a looser one on analytics beacons), per shopper IP
// and per shop, with rate-limiter-flexible. An IP limit stops one client guessing order numbers and
// contacts; the shop limit caps a distributed guess against one store. The shop's budget counts only
// lookups that matched nothing (guesses), and only those are refused once it is spent: many IPs
// together cannot lock a shop's real shoppers out, because a shopper who finds their order, or opens
// a link from one of our messages, never spends it (the handlers decide what is a miss).
//
// Where the budgets live follows the database the storefront is given:
// - SQLite (one instance by design), or no database: in this process's memory (RateLimiterMemory).
// - PostgreSQL (several stateless instances behind a load balancer): in the app's own database, in the
//   table `waypoint_rate_limits`, so N instances give a guesser one budget, not N. A small pool of its
//   own (not Prisma's) runs rate-limiter-flexible's single-statement upserts (RateLimiterPostgres).
//   The table is the library's (its columns, its queries), so it is created here on first use rather
//   than by a Prisma migration; `prisma migrate deploy` ignores it. Until it exists, or
//   whenever the database does not answer, each limiter falls back to its insuranceLimiter, a
//   RateLimiterMemory with the same budget: limits become per process and no lookup fails. That is
//   logged once per outage. The library deletes rows expired for an hour every 5 minutes
//   (clearExpiredByTimeout, on one limiter: the three share the table).
// Callers only see `lookupByIp`, `lookupMissed` and `event`.
import { createHmac } from "node:crypto";
import pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { type Db, dbTarget } from "../db.server";
import { env } from "../env.server";
import { errorMessage, logger } from "../lib/logger.server";

export interface Limit {
  points: number;
  /** Seconds. */
  duration: number;
}

export interface RateLimitOptions {
  /** Lookups per shopper IP (across shops). Default 20 a minute. */
  lookupPerIp?: Limit;
  /**
   * Lookups per shop (all IPs together) that matched nothing: not found or invalid. Default 3,000 a
   * minute (50/s), far above a real shop's typos; a distributed guess spends it in seconds, and
   * from then on its misses are refused while lookups that match are still answered.
   */
  lookupMissesPerShop?: Limit;
  /** Analytics beacons per shopper IP. Default 120 a minute. */
  eventsPerIp?: Limit;
}

export type RateLimitVerdict = { ok: true } | { ok: false; scope: "ip" | "shop"; retryAfterSeconds: number };

export const DEFAULT_LIMITS: Required<RateLimitOptions> = {
  lookupPerIp: { points: 20, duration: 60 },
  lookupMissesPerShop: { points: 3_000, duration: 60 },
  eventsPerIp: { points: 120, duration: 60 },
};

/** The shared limits' table on PostgreSQL (not a Prisma model). */
export const RATE_LIMIT_TABLE = "waypoint_rate_limits";
// The columns RateLimiterPostgres reads and writes (its INSERT is positional), as it would create them.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "${RATE_LIMIT_TABLE}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`;
// The library's cleanup deletes by expiry every 5 minutes; without an index that scans every live key.
const CREATE_EXPIRE_INDEX = `CREATE INDEX IF NOT EXISTS "${RATE_LIMIT_TABLE}_expire_idx" ON "${RATE_LIMIT_TABLE}" (expire)`;
/** After a failed CREATE TABLE (database down at startup), how long limits stay per process before trying again. */
const RETRY_TABLE_MS = 30_000;

/** A per-process limiter that tells its owner when it is used: the shared store has just failed. */
class Insurance extends RateLimiterMemory {
  constructor(
    opts: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onUse: () => void,
  ) {
    super(opts);
  }

  override consume(
    key: string | number,
    points?: number,
    options?: { [key: string]: unknown },
  ): Promise<RateLimiterRes> {
    this.onUse();
    return super.consume(key, points, options);
  }
}

interface Budget {
  /** The shared budget (PostgreSQL), or null in memory mode. */
  shared: RateLimiterPostgres | null;
  /** This process's budget: the whole limit in memory mode, the insurance of `shared` otherwise. */
  local: RateLimiterMemory;
}

/**
 * A shopper's IP is personal data, and the shared store keeps keys for an hour past their window:
 * store a keyed hash instead (the same on every instance, meaningless without the app's secret).
 */
function storedKey(key: string): string {
  return createHmac("sha256", env().SHOPIFY_API_SECRET).update(key).digest("base64url").slice(0, 22);
}

export class StorefrontRateLimiter {
  /** Where the budgets are kept: this process's memory, or the app's PostgreSQL database (all instances). */
  readonly store: "memory" | "postgresql";
  private readonly pool: pg.Pool | null = null;
  private readonly lookupIp: Budget;
  private readonly missesShop: Budget;
  private readonly eventsIp: Budget;
  private tableCreated = false;
  private creating: Promise<boolean> | null = null;
  private retryAt = 0;
  /** Limits are per process because the store failed (logged once until it answers again). */
  private degraded = false;
  private insuranceUses = 0;
  private closed = false;

  /** `db`: the app's database; on PostgreSQL the limits are kept there, shared by every instance. */
  constructor(options: RateLimitOptions = {}, db?: Db) {
    const o = { ...DEFAULT_LIMITS, ...options };
    const target = db ? dbTarget(db) : null;
    if (target?.provider === "postgresql") {
      // Two upserts per lookup of well under a millisecond each: a few connections are plenty. Short
      // timeouts, so a database that does not answer sends lookups to the insurance limiter promptly.
      this.pool = new pg.Pool({
        connectionString: target.url,
        max: 3,
        connectionTimeoutMillis: 2_000,
        query_timeout: 2_000,
        allowExitOnIdle: true,
        application_name: "waypoint-rate-limits",
      });
      // An idle connection dropped by the server must not crash the process; the next query reconnects.
      this.pool.on("error", (error) =>
        logger.warn({ err: errorMessage(error) }, "rate limits: idle database connection lost"),
      );
    }
    this.store = this.pool ? "postgresql" : "memory";
    this.lookupIp = this.budget("wpt-lookup-ip", o.lookupPerIp, true);
    this.missesShop = this.budget("wpt-misses-shop", o.lookupMissesPerShop, false);
    this.eventsIp = this.budget("wpt-events-ip", o.eventsPerIp, false);
  }

  /** One lookup (or short-code visit) by `ip`, on any shop, before it runs: the IP's budget. */
  async lookupByIp(ip: string): Promise<RateLimitVerdict> {
    const wait = await this.take(this.lookupIp, ip);
    return wait === null ? { ok: true } : { ok: false, scope: "ip", retryAfterSeconds: wait };
  }

  /** A lookup on `shop` that matched nothing, after it ran: the shop's budget of misses. */
  async lookupMissed(shop: string): Promise<RateLimitVerdict> {
    const wait = await this.take(this.missesShop, shop);
    return wait === null ? { ok: true } : { ok: false, scope: "shop", retryAfterSeconds: wait };
  }

  /** One analytics beacon from `ip`. */
  async event(ip: string): Promise<RateLimitVerdict> {
    const wait = await this.take(this.eventsIp, ip);
    return wait === null ? { ok: true } : { ok: false, scope: "ip", retryAfterSeconds: wait };
  }

  /** Closes the shared store's connections (shutdown); afterwards limits are per process. */
  async close(): Promise<void> {
    if (this.closed || !this.pool) return;
    this.closed = true;
    await this.pool.end();
  }

  private budget(keyPrefix: string, limit: Limit, clearsExpired: boolean): Budget {
    const opts = { keyPrefix, points: limit.points, duration: limit.duration };
    if (!this.pool) return { shared: null, local: new RateLimiterMemory(opts) };
    const local = new Insurance(opts, () => {
      this.insuranceUses += 1;
      this.storeFailed(null);
    });
    const shared = new RateLimiterPostgres({
      ...opts,
      storeClient: this.pool,
      storeType: "pool",
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true, // created by ensureTable before the first use (the library's own attempt is fire-and-forget)
      clearExpiredByTimeout: clearsExpired, // its DELETE is not per prefix: one limiter cleans the table for all three
      inMemoryBlockOnConsumed: limit.points + 1, // a key over its budget is refused from memory for the rest of its window
      insuranceLimiter: local,
    });
    return { shared, local };
  }

  /** Seconds to wait, or null when the request may go ahead. Never throws for a store failure. */
  private async take(budget: Budget, key: string): Promise<number | null> {
    const limiter = budget.shared && (await this.ensureTable()) ? budget.shared : budget.local;
    const uses = this.insuranceUses;
    let wait: number | null = null;
    try {
      // Only keys that leave the process are hashed; the memory store forgets them with it.
      await limiter.consume(budget.shared ? storedKey(key) : key, 1);
    } catch (rejection) {
      // Only a verdict can come out: a store error goes to the insurance limiter, which only gives verdicts.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      wait = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    }
    // Recovered when the store itself let one through (a refusal may come from its in-memory block).
    if (wait === null && limiter === budget.shared && this.degraded && this.insuranceUses === uses) {
      this.degraded = false;
      logger.info("rate limits: the database answers again; limits are shared across instances");
    }
    return wait;
  }

  /** True once the table exists; false (limits per process) while the database cannot create it. */
  private ensureTable(): boolean | Promise<boolean> {
    if (this.tableCreated) return true;
    if (this.closed || !this.pool) return false;
    if (!this.creating) {
      if (Date.now() < this.retryAt) return false;
      this.creating = this.createTable().finally(() => {
        this.creating = null;
      });
    }
    // Only the first attempt is waited for; a retry runs in the background, so lookups during an outage
    // do not wait out a connection timeout each time.
    return this.retryAt === 0 ? this.creating : false;
  }

  private async createTable(): Promise<boolean> {
    try {
      await this.pool?.query(CREATE_TABLE);
    } catch (error) {
      // Two instances creating it at once: IF NOT EXISTS does not cover the race, and the loser gets a
      // duplicate in the catalogue (23505 on pg_type, 42710 type or 42P07 table exists); it exists.
      const code = (error as { code?: string }).code;
      if (code !== "23505" && code !== "42710" && code !== "42P07") {
        this.retryAt = Date.now() + RETRY_TABLE_MS;
        this.storeFailed(error);
        return false;
      }
    }
    this.tableCreated = true;
    // Best effort: a concurrent creation by another instance, or a failure, only costs cleanup speed.
    await this.pool
      ?.query(CREATE_EXPIRE_INDEX)
      .catch((error: unknown) => logger.debug({ err: errorMessage(error) }, "rate limits: expiry index not created"));
    return true;
  }

  private storeFailed(error: unknown): void {
    if (this.degraded || this.closed) return;
    this.degraded = true;
    logger.warn(
      error === null ? {} : { err: errorMessage(error) },
      "rate limits: the database does not answer; limiting per process until it does",
    );
  }
}
