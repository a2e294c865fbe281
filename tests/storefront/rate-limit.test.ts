// The storefront's rate limits on real databases: on PostgreSQL two limiters with their own pools (two
// app instances) spend one budget; on SQLite budgets stay in process memory; and a PostgreSQL that does
// not answer leaves lookups answered and limited per process, logged once. Which lookups spend the
// shop's budget of misses is the handlers' decision (tests/routes/proxy.test.ts, tests/security/).
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { createDb, type Db } from "~/db.server";
import { logger } from "~/lib/logger.server";
import {
  RATE_LIMIT_TABLE,
  StorefrontRateLimiter,
  type RateLimitOptions,
  type RateLimitVerdict,
} from "~/storefront/rate-limit.server";
import { freshDb, postgresReady, type TestDb } from "../support/db";

const SHOP = "demo-outfitters.myshopify.com";
const OTHER_SHOP = "other-outfitters.myshopify.com";
const UNREACHABLE = "postgresql://nobody:nothing@127.0.0.1:1/none";
const STORE_DOWN = "rate limits: the database does not answer; limiting per process until it does";
const STORE_BACK = "rate limits: the database answers again; limits are shared across instances";

const limiters: StorefrontRateLimiter[] = [];
function limiter(limits: RateLimitOptions, db?: Db): StorefrontRateLimiter {
  const l = new StorefrontRateLimiter(limits, db);
  limiters.push(l);
  return l;
}
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(limiters.splice(0).map((l) => l.close()));
});

function expectRefused(verdict: RateLimitVerdict, scope: "ip" | "shop", duration = 60) {
  expect(verdict).toMatchObject({ ok: false, scope });
  const wait = verdict.ok ? 0 : verdict.retryAfterSeconds;
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(duration);
}

const messages = (spy: { mock: { calls: unknown[][] } }, text: string) =>
  spy.mock.calls.filter((args) => args.includes(text)).length;

describe("in memory", () => {
  it("limits each IP on every shop, and a shop's misses apart from its IPs, and says when to retry", async () => {
    const l = limiter({ lookupPerIp: { points: 3, duration: 60 }, lookupMissesPerShop: { points: 2, duration: 60 } });
    for (let i = 0; i < 3; i++) expect(await l.lookupByIp("1.1.1.1")).toEqual({ ok: true });
    expectRefused(await l.lookupByIp("1.1.1.1"), "ip");
    expect(await l.lookupByIp("2.2.2.2")).toEqual({ ok: true });
    expect(await l.lookupMissed(SHOP)).toEqual({ ok: true });
    expect(await l.lookupMissed(SHOP)).toEqual({ ok: true });
    expectRefused(await l.lookupMissed(SHOP), "shop");
    expect(await l.lookupMissed(OTHER_SHOP)).toEqual({ ok: true });
    // A spent shop budget spends no IP's: a new shopper is still let in to look up their order.
    expect(await l.lookupByIp("3.3.3.3")).toEqual({ ok: true });
  });
});

describe("on SQLite", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb("sqlite");
  });
  afterAll(async () => t.drop());

  it("keeps budgets in this process's memory (one instance by design)", async () => {
    const a = limiter({ lookupPerIp: { points: 5, duration: 60 } }, t.db);
    expect(a.store).toBe("memory");
    for (let i = 0; i < 5; i++) expect(await a.lookupByIp("203.0.113.7")).toEqual({ ok: true });
    expectRefused(await a.lookupByIp("203.0.113.7"), "ip");
    expect(await a.lookupByIp("203.0.113.8")).toEqual({ ok: true });
    // A second limiter on the same file has a budget of its own: nothing is shared through SQLite.
    const b = limiter({ lookupPerIp: { points: 5, duration: 60 } }, t.db);
    expect(await b.lookupByIp("203.0.113.7")).toEqual({ ok: true });
  });
});

describe.skipIf(!postgresReady)("on PostgreSQL, shared by every instance", () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb("postgresql");
  });
  afterAll(async () => t.drop());
  // Budgets outlive the limiters (that is the point): each test starts from no table at all.
  beforeEach(async () => {
    await sql(`DROP TABLE IF EXISTS "${RATE_LIMIT_TABLE}"`);
  });

  async function sql<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
    const c = new pg.Client({ connectionString: t.url });
    await c.connect();
    try {
      return (await c.query<T>(text)).rows;
    } finally {
      await c.end();
    }
  }

  /** Two app instances: each its own Prisma client and its own limiter pool, on the one database. */
  function instances(limits: RateLimitOptions): [StorefrontRateLimiter, StorefrontRateLimiter] {
    return [limiter(limits, t.db), limiter(limits, t.connect({ max: 1 }))];
  }

  it("spends one per-IP budget across two instances, from the first lookup on", async () => {
    const [a, b] = instances({ lookupPerIp: { points: 5, duration: 60 } });
    expect([a.store, b.store]).toEqual(["postgresql", "postgresql"]);
    // The first lookups of both, at once: the table is created (once) before either is counted.
    expect(await Promise.all([a.lookupByIp("198.51.100.1"), b.lookupByIp("198.51.100.1")])).toEqual([
      { ok: true },
      { ok: true },
    ]);
    expect(await a.lookupByIp("198.51.100.1")).toEqual({ ok: true });
    expect(await a.lookupByIp("198.51.100.1")).toEqual({ ok: true });
    expect(await b.lookupByIp("198.51.100.1")).toEqual({ ok: true }); // one budget whatever the shop
    expectRefused(await a.lookupByIp("198.51.100.1"), "ip");
    expectRefused(await b.lookupByIp("198.51.100.1"), "ip");
    // Another shopper has a budget of their own.
    expect(await b.lookupByIp("198.51.100.2")).toEqual({ ok: true });
    expect(await a.lookupByIp("198.51.100.2")).toEqual({ ok: true });
    const rows = await sql<{ key: string; points: number }>(
      `SELECT key, points FROM "${RATE_LIMIT_TABLE}" WHERE key LIKE 'wpt-lookup-ip:%' ORDER BY key`,
    );
    // Two keys, one per shopper, and no IP stored: a keyed hash stands for each.
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => /^wpt-lookup-ip:[\w-]{22}$/.test(r.key))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain("198.51.100");
    // The library's periodic cleanup deletes by expiry: indexed.
    const indexes = await sql<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = '${RATE_LIMIT_TABLE}'`,
    );
    expect(indexes.some((i) => /\(expire\)/.test(i.indexdef))).toBe(true);
  });

  it("spends one per-shop budget of misses across two instances", async () => {
    const [a, b] = instances({ lookupMissesPerShop: { points: 4, duration: 60 } });
    expect(await a.lookupMissed(SHOP)).toEqual({ ok: true });
    expect(await b.lookupMissed(SHOP)).toEqual({ ok: true });
    expect(await a.lookupMissed(SHOP)).toEqual({ ok: true });
    expect(await b.lookupMissed(SHOP)).toEqual({ ok: true });
    expectRefused(await b.lookupMissed(SHOP), "shop");
    expectRefused(await a.lookupMissed(SHOP), "shop");
    expect(await a.lookupMissed(OTHER_SHOP)).toEqual({ ok: true });
    // The shop's budget is not the IPs': a spent shop leaves every shopper's own budget whole.
    expect(await a.lookupByIp("198.51.100.15")).toEqual({ ok: true });
    const rows = await sql<{ key: string }>(`SELECT key FROM "${RATE_LIMIT_TABLE}" WHERE key LIKE 'wpt-misses-shop:%'`);
    expect(rows).toHaveLength(2);
  });

  it("spends one analytics beacon budget across two instances", async () => {
    const [a, b] = instances({ eventsPerIp: { points: 3, duration: 60 } });
    expect(await a.event("198.51.100.21")).toEqual({ ok: true });
    expect(await b.event("198.51.100.21")).toEqual({ ok: true });
    expect(await a.event("198.51.100.21")).toEqual({ ok: true });
    expectRefused(await b.event("198.51.100.21"), "ip");
    expect(await b.event("198.51.100.22")).toEqual({ ok: true });
    // Beacons and lookups are separate budgets.
    expect(await a.lookupByIp("198.51.100.21")).toEqual({ ok: true });
  });

  it("falls back to per-process limits when the store fails mid-run, logs it once, and shares again when it answers", async () => {
    const [a, b] = instances({ lookupPerIp: { points: 2, duration: 60 } });
    expect(await a.lookupByIp("198.51.100.31")).toEqual({ ok: true });
    expect(await b.lookupByIp("198.51.100.31")).toEqual({ ok: true });
    expectRefused(await a.lookupByIp("198.51.100.31"), "ip");

    const warn = vi.spyOn(logger, "warn");
    const info = vi.spyOn(logger, "info");
    await sql(`DROP TABLE "${RATE_LIMIT_TABLE}"`); // every query of the limiters now fails
    // Each instance counts on its own: 2 through a, then refused; b still has its own 2.
    expect(await a.lookupByIp("198.51.100.32")).toEqual({ ok: true });
    expect(await a.lookupByIp("198.51.100.32")).toEqual({ ok: true });
    expectRefused(await a.lookupByIp("198.51.100.32"), "ip");
    expect(await b.lookupByIp("198.51.100.32")).toEqual({ ok: true });
    expect(await b.lookupByIp("198.51.100.32")).toEqual({ ok: true });
    expectRefused(await b.lookupByIp("198.51.100.32"), "ip");
    expect(await Promise.all([a.event("198.51.100.32"), a.event("198.51.100.33")])).toEqual([
      { ok: true },
      { ok: true },
    ]);
    // Refused from a's memory (over budget before the outage): no query, so no sign the store is back.
    expectRefused(await a.lookupByIp("198.51.100.31"), "ip");
    expect(messages(warn, STORE_DOWN)).toBe(2); // once per instance, not per request
    expect(messages(info, STORE_BACK)).toBe(0);

    await sql(
      `CREATE TABLE "${RATE_LIMIT_TABLE}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
    );
    expect(await a.lookupByIp("198.51.100.34")).toEqual({ ok: true });
    expect(await b.lookupByIp("198.51.100.34")).toEqual({ ok: true });
    expectRefused(await a.lookupByIp("198.51.100.34"), "ip");
    expectRefused(await b.lookupByIp("198.51.100.34"), "ip");
    expect(messages(info, STORE_BACK)).toBe(2);
    expect(messages(warn, STORE_DOWN)).toBe(2);
  });

  it("starts per process when the database is not there yet, and shares once it is", async () => {
    const admin = inject("pgAdminUrl") as string;
    const late = new URL(t.url);
    late.pathname = `/${late.pathname.slice(1)}_late`;
    const lateDb = createDb(late.toString(), { max: 1 });
    const warn = vi.spyOn(logger, "warn");
    const info = vi.spyOn(logger, "info");
    const limits = { lookupPerIp: { points: 2, duration: 60 } };
    try {
      const a = limiter(limits, lateDb);
      expect(await a.lookupByIp("198.51.100.41")).toEqual({ ok: true });
      expect(await a.lookupByIp("198.51.100.41")).toEqual({ ok: true });
      expectRefused(await a.lookupByIp("198.51.100.41"), "ip");
      expect(messages(warn, STORE_DOWN)).toBe(1);
      const queries = vi.spyOn(pg.Pool.prototype, "query");

      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`CREATE DATABASE "${late.pathname.slice(1)}" TEMPLATE "${inject("pgTemplate")}"`);
      await c.end();
      // Before the retry interval, nothing is tried; after it, the table is created in the background
      // and the next lookups are counted in the database, where a second instance sees them.
      expect(await a.lookupByIp("198.51.100.43")).toEqual({ ok: true });
      expect(queries).not.toHaveBeenCalled();
      const real = Date.now.bind(Date);
      vi.spyOn(Date, "now").mockImplementation(() => real() + 31_000);
      let n = 0;
      await vi.waitFor(async () => {
        expect(await a.lookupByIp(`198.51.100.${50 + (n++ % 100)}`)).toEqual({ ok: true });
        expect(messages(info, STORE_BACK)).toBe(1);
      });
      expect(queries).toHaveBeenCalled();
      const b = limiter(limits, lateDb);
      expect(await a.lookupByIp("198.51.100.42")).toEqual({ ok: true });
      expect(await b.lookupByIp("198.51.100.42")).toEqual({ ok: true });
      expectRefused(await a.lookupByIp("198.51.100.42"), "ip");
      expect(messages(warn, STORE_DOWN)).toBe(1);
    } finally {
      await Promise.all(limiters.splice(0).map((l) => l.close()));
      await lateDb.$disconnect();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${late.pathname.slice(1)}" WITH (FORCE)`);
      await c.end();
    }
  });
});

describe("with a PostgreSQL that does not answer", () => {
  it("answers every lookup, limits per process with the insurance limiter, and logs once", async () => {
    const db = createDb(UNREACHABLE, { max: 1 });
    const warn = vi.spyOn(logger, "warn");
    try {
      const a = limiter(
        {
          lookupPerIp: { points: 3, duration: 60 },
          lookupMissesPerShop: { points: 2, duration: 60 },
          eventsPerIp: { points: 2, duration: 60 },
        },
        db,
      );
      expect(a.store).toBe("postgresql");
      // The first lookups, at once, while the table cannot be created.
      expect(await Promise.all([a.lookupByIp("192.0.2.1"), a.lookupByIp("192.0.2.1")])).toEqual([
        { ok: true },
        { ok: true },
      ]);
      expect(await a.lookupByIp("192.0.2.1")).toEqual({ ok: true });
      expectRefused(await a.lookupByIp("192.0.2.1"), "ip");
      expect(await a.lookupMissed(SHOP)).toEqual({ ok: true });
      expect(await a.lookupMissed(SHOP)).toEqual({ ok: true });
      expectRefused(await a.lookupMissed(SHOP), "shop");
      expect(await a.lookupByIp("192.0.2.4")).toEqual({ ok: true });
      expect(await a.event("192.0.2.5")).toEqual({ ok: true });
      expect(await a.event("192.0.2.5")).toEqual({ ok: true });
      expectRefused(await a.event("192.0.2.5"), "ip");
      expect(messages(warn, STORE_DOWN)).toBe(1);
      // The reason is logged (the driver's message), never the shopper's address.
      expect(JSON.stringify(warn.mock.calls)).not.toContain("192.0.2.");
    } finally {
      await db.$disconnect();
    }
  });
});
