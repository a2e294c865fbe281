// Install import and reconciliation end to end, on SQLite and PostgreSQL: a simulated shop with 20
// days of history and orders still arriving, its webhooks delivered signed through the app's door,
// the Admin API asked through the real @shopify/shopify-api client against the local simulator.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimJobs } from "~/jobs/queue.server";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { appClientFactory } from "~/sync/client.server";
import {
  createSyncHandlers,
  runReconcile,
  startBackfill,
  SYNC_BACKFILL,
  SYNC_RECONCILE,
  type SyncDeps,
} from "~/sync/sync.server";
import { freshDb, providers, type TestDb } from "../support/db";
import {
  deliver,
  END,
  finalState,
  INSTALL,
  install,
  NON_SYNC_KINDS,
  scanKeys,
  simulator,
  storyShop,
  webhooks,
  SHOP,
  type Simulator,
} from "./support";

const shop = storyShop();
const handlers = (deps: SyncDeps) => ({ ...jobHandlers, ...createSyncHandlers(deps) });

/** A stable 10% of the webhooks after the install: the ones the simulator "loses". */
function dropped(webhookId: string): boolean {
  let h = 0;
  for (const c of webhookId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 10 === 0;
}

describe.each(providers)("Admin API sync on %s", (provider) => {
  let deps: SyncDeps;
  let reference: Awaited<ReturnType<typeof finalState>>;
  let referenceScans: string[];
  let referenceNotified: number;
  const dbs: TestDb[] = [];
  const fresh = async () => {
    const t = await freshDb(provider);
    dbs.push(t);
    await install(t.db);
    return t.db;
  };

  beforeAll(async () => {
    deps = { clientFor: await appClientFactory() };
    // The reference: the same shop told by webhooks alone, from its first order (installed before it).
    const sim = await simulator(shop);
    try {
      const db = await fresh();
      const worker = new Worker(db, handlers(deps), { id: "ref", now: () => new Date(sim.clock.now) });
      for (const [i, w] of webhooks(shop).entries()) {
        sim.clock.now = Math.max(sim.clock.now, w.at.getTime());
        await deliver(db, w);
        if (i % 5 === 4) await worker.drain(); // a few at a time, as a busy worker meets them
      }
      await worker.drain();
      reference = await finalState(db);
      referenceScans = await scanKeys(db);
      referenceNotified = await db.notification.count();
    } finally {
      await sim.close();
    }
  }, 600_000);
  afterAll(async () => {
    for (const t of dbs) await t.drop();
  });

  /**
   * Installs at INSTALL and imports, one page at a time, with webhooks of the live shop arriving
   * between the pages; then the rest of the webhooks (those `drop` keeps), without reconciliation.
   */
  async function installAndReplay(sim: Simulator, drop: (id: string) => boolean = () => false) {
    const db = await fresh();
    const now = () => new Date(sim.clock.now);
    const all = handlers(deps);
    const pages = new Worker(db, all, { id: "pages", kinds: [SYNC_BACKFILL], batchSize: 1, now });
    const rest = new Worker(db, all, { id: "rest", kinds: NON_SYNC_KINDS, now });
    expect(await startBackfill(db, SHOP, new Date(INSTALL))).toBe(true);
    const live = webhooks(shop, INSTALL).filter((w) => !drop(w.webhookId));
    let i = 0;
    let duringImport = 0;
    for (;;) {
      const ran = await pages.runOnce();
      await rest.drain();
      const sync = await db.shopSync.findUniqueOrThrow({ where: { shopId: (await shopRow(db)).id } });
      if (sync.backfillStatus !== "running") break;
      if (ran === 0) sim.clock.now += 1_000; // waiting for the bucket to refill
      for (const w of live.slice(i, i + 3)) {
        sim.clock.now = Math.max(sim.clock.now, w.at.getTime());
        await deliver(db, w);
        duringImport++;
      }
      i += 3;
      await rest.drain();
    }
    for (const [k, w] of live.slice(i).entries()) {
      sim.clock.now = Math.max(sim.clock.now, w.at.getTime());
      await deliver(db, w);
      if (k % 5 === 4) await rest.drain();
    }
    sim.clock.now = END;
    await rest.drain();
    return { db, duringImport, pages: sim.api.requests.filter((r) => r.operationName === "WaypointSyncOrders") };
  }

  const shopRow = (db: TestDb["db"]) => db.shop.findUniqueOrThrow({ where: { domain: SHOP } });

  it("imports the history on install, webhooks arriving during the import, into the webhooks' own end state", async () => {
    const sim = await simulator(shop);
    try {
      const { db, duringImport, pages } = await installAndReplay(sim);
      expect(duringImport).toBeGreaterThan(0);
      expect(pages.length).toBeGreaterThan(2);
      expect(pages.every((r) => r.version === "2026-07" && r.status === 200)).toBe(true);
      expect(await finalState(db)).toEqual(reference);
      expect(await scanKeys(db)).toEqual(referenceScans); // every carrier scan once: none doubled, none lost
      const sync = await db.shopSync.findUniqueOrThrow({ where: { shopId: (await shopRow(db)).id } });
      expect(sync).toMatchObject({ backfillStatus: "done", historyBefore: new Date(INSTALL) });
      expect(sync.backfillDone).toBeGreaterThanOrEqual(sync.backfillTotal ?? Infinity);
      // The story has every stage, returns included.
      const stages = new Set(reference.map((o) => o.stage[0]));
      expect([...stages].sort()).toEqual(expect.arrayContaining([4, 5]));
      expect(reference.some((o) => o.returns.length > 0)).toBe(true);
    } finally {
      await sim.close();
    }
  }, 600_000);

  it("tells nobody about what happened before the import, and plans messages for what happens after", async () => {
    const sim = await simulator(shop);
    try {
      const db = await fresh();
      const worker = new Worker(db, handlers(deps), { id: "history", now: () => new Date(sim.clock.now) });
      await startBackfill(db, SHOP, new Date(INSTALL));
      for (let k = 0; k < 300; k++) {
        await worker.drain();
        if ((await db.shopSync.findFirstOrThrow()).backfillStatus !== "running") break;
        sim.clock.now += 1_000;
      }
      await worker.drain();
      expect(await db.order.count()).toBe(shop.stories.filter((s) => s.placedAt.getTime() <= INSTALL).length);
      expect(await db.stageTransition.count()).toBeGreaterThan(0); // the history is there, for predictions and the dashboard
      expect(await db.notification.count()).toBe(0);
      expect(referenceNotified).toBeGreaterThan(0); // the same shop by webhooks does message its customers

      // An order placed after the install is news.
      const next = webhooks(shop, INSTALL).find((w) => w.topic === "orders/create")!;
      sim.clock.now = next.at.getTime();
      await deliver(db, next);
      await worker.drain();
      const planned = await db.notification.findMany({ select: { milestone: true } });
      expect(planned.map((n) => n.milestone)).toContain("order_confirmed");
    } finally {
      await sim.close();
    }
  }, 600_000);

  it("recovers every dropped webhook's effect in one reconciliation pass, and counts it", async () => {
    const sim = await simulator(shop);
    try {
      const { db } = await installAndReplay(sim, dropped);
      const lost = webhooks(shop, INSTALL).filter((w) => dropped(w.webhookId)).length;
      expect(lost).toBeGreaterThan(3);
      expect(await finalState(db)).not.toEqual(reference);

      // The app was "down" for reconciliation all along: its first run at END covers the whole gap
      // (its pages wait for the bucket like the import's).
      sim.clock.now = END;
      const before = sim.api.requests.length;
      const now = () => new Date(sim.clock.now);
      const worker = new Worker(db, handlers(deps), { id: "reconcile", kinds: [SYNC_RECONCILE], now });
      const rest = new Worker(db, handlers(deps), { id: "rest2", kinds: NON_SYNC_KINDS, now });
      const shopId = (await shopRow(db)).id;
      for (let k = 0; k < 600; k++) {
        await worker.drain();
        await rest.drain();
        if ((await db.shopSync.findUniqueOrThrow({ where: { shopId } })).reconcileLastRunAt) break;
        sim.clock.now += 1_000;
      }
      expect(await finalState(db)).toEqual(reference);
      expect(await scanKeys(db)).toEqual(referenceScans);
      const sync = await db.shopSync.findUniqueOrThrow({ where: { shopId: (await shopRow(db)).id } });
      expect(sync.reconcileLastRecovered).toBeGreaterThan(0);
      expect(sync.reconcileRecovered).toBe(sync.reconcileLastRecovered);
      expect(sync.reconcileLastRunAt!.getTime()).toBeGreaterThanOrEqual(END);
      expect(sync.reconcileNextRunAt!.getTime()).toBe(sync.reconcileLastRunAt!.getTime() + 15 * 60_000);
      expect(sim.api.requests.slice(before).every((r) => r.operationName === "WaypointSyncOrders")).toBe(true);
      // Nothing new: a second pass recovers nothing.
      sim.clock.now = sync.reconcileNextRunAt!.getTime();
      const again = await runReconcile(
        db,
        { shopDomain: SHOP, due: sync.reconcileNextRunAt!.toISOString() },
        now(),
        deps,
      );
      expect(again).toMatchObject({ recovered: 0 });
    } finally {
      await sim.close();
    }
  }, 600_000);

  it("waits for the bucket when Shopify throttles, reading the cost extension", async () => {
    const sim = await simulator(shop, { maximumAvailable: 1000, restoreRate: 50 });
    try {
      const db = await fresh();
      const worker = new Worker(db, handlers(deps), {
        id: "throttle",
        kinds: [SYNC_BACKFILL],
        now: () => new Date(sim.clock.now),
      });
      await startBackfill(db, SHOP, new Date(INSTALL));
      sim.api.setAvailable(SHOP, 0);
      await worker.drain();
      const throttled = sim.api.requests.filter((r) => r.throttled);
      expect(throttled.map((r) => r.operationName)).toEqual(["WaypointSyncOrdersCount"]);
      const waiting = await db.job.findFirstOrThrow({ where: { kind: SYNC_BACKFILL, status: "queued" } });
      // The count costs 1 point: at 50 points a second it is affordable 20 ms later.
      expect(waiting.runAfter.getTime()).toBe(INSTALL + 20);
      for (let k = 0; k < 500; k++) {
        sim.clock.now += 1_000;
        await worker.drain();
        const sync = await db.shopSync.findFirstOrThrow();
        if (sync.backfillStatus === "done") break;
      }
      expect((await db.shopSync.findFirstOrThrow()).backfillStatus).toBe("done");
      // After the count, the first page found the bucket short too; from then on each page waited for
      // its own cost, so Shopify refused none.
      expect(sim.api.requests.filter((r) => r.throttled).length).toBeLessThanOrEqual(2);
    } finally {
      await sim.close();
    }
  }, 600_000);

  it("records a revoked token on the shop and pauses, and never asks for an uninstalled shop", async () => {
    const sim = await simulator(shop);
    try {
      const db = await fresh();
      const worker = new Worker(db, handlers(deps), { id: "revoked", now: () => new Date(sim.clock.now) });
      await startBackfill(db, SHOP, new Date(INSTALL));
      sim.api.setToken(SHOP, null);
      await worker.drain();
      const sync = await db.shopSync.findFirstOrThrow();
      expect(sync).toMatchObject({ backfillStatus: "paused", authError: "401 Unauthorized" });
      expect(await db.job.count({ where: { kind: { in: [SYNC_BACKFILL, SYNC_RECONCILE] }, status: "queued" } })).toBe(
        0,
      );
      expect(await runReconcile(db, { shopDomain: SHOP, due: "x" }, new Date(INSTALL), deps)).toBeNull();

      // Uninstalled: no request at all, even with a job still queued.
      sim.api.setToken(SHOP, "shpat_sync_test");
      await startBackfill(db, SHOP, new Date(INSTALL + 1_000));
      await db.shop.update({ where: { domain: SHOP }, data: { status: "uninstalled" } });
      const before = sim.api.requests.length;
      await worker.drain();
      expect(sim.api.requests.length).toBe(before);
    } finally {
      await sim.close();
    }
  }, 600_000);

  it("resumes an import interrupted by a crash and finishes it", async () => {
    const sim = await simulator(shop);
    try {
      const db = await fresh();
      const now = () => new Date(sim.clock.now);
      await startBackfill(db, SHOP, new Date(INSTALL));
      // Two pages done, then a worker claims the third and dies with it (its lease runs out).
      const first = new Worker(db, handlers(deps), { id: "first", kinds: [SYNC_BACKFILL], batchSize: 1, now });
      await first.runOnce();
      await first.runOnce();
      const claimed = await claimJobs(db, {
        workerId: "crashed",
        limit: 1,
        leaseMs: 30_000,
        now: now(),
        kinds: [SYNC_BACKFILL],
      });
      expect(claimed).toHaveLength(1);
      const mid = await db.shopSync.findFirstOrThrow();
      expect(mid).toMatchObject({ backfillStatus: "running", backfillPage: 2 });

      sim.clock.now += 60_000; // the lease has expired
      const second = new Worker(db, handlers(deps), { id: "second", now });
      for (let k = 0; k < 300; k++) {
        await second.drain();
        if ((await db.shopSync.findFirstOrThrow()).backfillStatus !== "running") break;
        sim.clock.now += 1_000;
      }
      const done = await db.shopSync.findFirstOrThrow();
      expect(done.backfillStatus).toBe("done");
      expect(done.backfillDone).toBe(done.backfillTotal);
      expect(await db.order.count()).toBe(done.backfillTotal);
    } finally {
      await sim.close();
    }
  }, 600_000);
});
