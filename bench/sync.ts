// Install import (issue 16, decision 009): orders per second through the pipeline when they come
// from the Admin API (the paged import against the local simulator, through the real
// @shopify/shopify-api client), against the same orders told by their webhooks through the door, in
// the same run, each on a fresh migrated SQLite file, in this process. The time to import 50,000
// orders is derived from the measured rate, and from the cost bucket Shopify paces it with.
import fs from "node:fs";
import { ensureResultsDir, log, row, type Row, verdict } from "./lib";
import { freshSqlite, type BenchSecrets } from "./servers";

/** Orders per profile: the full run's figure for 50,000 is derived from 2,000 measured. */
export const SYNC_ORDERS: Record<string, number> = { full: 2000, quick: 300, smoke: 20 };

export interface SyncBenchOptions {
  orders: number;
  secrets: BenchSecrets;
}

const SHOP = "waypoint-demo.myshopify.com";
const TOKEN = "shpat_bench";

export async function benchSync(o: SyncBenchOptions): Promise<Row[]> {
  // The app's modules read their environment when loaded: this run's secrets, no logs.
  for (const [k, v] of Object.entries({
    ...o.secrets,
    SHOPIFY_APP_URL: "https://waypoint.bench",
    LOG_LEVEL: "silent",
    WORKER: "off",
  }))
    process.env[k] ??= v;
  const { createDb } = await import("../app/db.server");
  const { createWebhookIngest } = await import("../app/ingest/door.server");
  const { jobHandlers } = await import("../app/jobs/registry.server");
  const { Worker } = await import("../app/jobs/worker.server");
  const { webhookHeaders } = await import("../app/lib/shopify-signing.server");
  const { useAdminApiOrigin } = await import("../app/lib/admin-api-origin.server");
  const { appClientFactory } = await import("../app/sync/client.server");
  const { createSyncHandlers, startBackfill, PAGE_SIZE } = await import("../app/sync/sync.server");
  const { createGenerator, triggeredAt } = await import("../scripts/simulator");
  const { startAdminApi } = await import("../scripts/simulator/admin-api/server");
  const { simulatedShop } = await import("../scripts/simulator/admin-api/shop");
  const { syncHandlers } = await import("../scripts/simulator/admin-api/sync");

  const now = Date.now();
  const generator = createGenerator({ seed: "bench-sync", now: new Date(now), spanDays: 60, seedOrders: o.orders });
  const shop = simulatedShop(generator, o.orders);
  const hooks = shop.stories.flatMap((s) => s.webhooks).sort((a, b) => a.at.getTime() - b.at.getTime());
  const files: string[] = [];
  ensureResultsDir();
  const open = (name: string) => {
    const url = freshSqlite(name);
    files.push(url.replace(/^file:/, ""));
    return createDb(url);
  };
  const install = async (db: ReturnType<typeof createDb>) => {
    await db.shop.create({ data: { domain: SHOP } });
    await db.session.create({
      data: { id: `offline_${SHOP}`, shop: SHOP, state: "bench", isOnline: false, accessToken: TOKEN },
    });
  };
  // Standard-plan bucket for the rate Shopify would allow; the run itself is not paced by it.
  const api = await startAdminApi({
    tokens: { [SHOP]: TOKEN },
    handlers: syncHandlers(shop, () => Date.now()),
    bucket: { maximumAvailable: 1e12, restoreRate: 1e12 },
  });
  useAdminApiOrigin(api.origin);
  const rows: Row[] = [];
  try {
    // The webhook path: every webhook of the same orders, signed, through the door, then the worker.
    const a = open("sync-webhooks");
    await install(a);
    const ingest = createWebhookIngest({ db: a, secret: o.secrets.SHOPIFY_API_SECRET });
    const deps = { clientFor: await appClientFactory() };
    const handlers = { ...jobHandlers, ...createSyncHandlers(deps) };
    const wa = new Worker(a, handlers, { id: "bench-webhooks", batchSize: 50 });
    log(`sync: ${o.orders} orders, ${hooks.length} webhooks through the door...`);
    const t0 = performance.now();
    for (let i = 0; i < hooks.length; i += 200) {
      await Promise.all(
        hooks.slice(i, i + 200).map(async (w) => {
          const delivery = {
            topic: w.topic,
            shop: SHOP,
            apiVersion: "2026-07",
            webhookId: w.webhookId,
            triggeredAt: triggeredAt(w),
          };
          const headers = webhookHeaders(delivery, w.body, o.secrets.SHOPIFY_API_SECRET);
          const res = await ingest.receiveWebhook(
            new Request("https://waypoint.bench/webhooks/tracking", { method: "POST", headers, body: w.body }),
          );
          if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
        }),
      );
      await wa.drain();
    }
    await wa.drain();
    const webhookS = (performance.now() - t0) / 1000;
    const webhookRate = o.orders / webhookS;

    // The import: the same orders from the Admin API, page after page, and what their facts plan.
    const b = open("sync-import");
    await install(b);
    const wb = new Worker(b, handlers, { id: "bench-import", batchSize: 50 });
    log(`sync: importing the same ${o.orders} orders through the Admin API simulator...`);
    const t1 = performance.now();
    await startBackfill(b, SHOP, new Date());
    for (let k = 0; k < 1_000_000; k++) {
      await wb.drain();
      const s = await b.shopSync.findFirstOrThrow();
      if (s.backfillStatus !== "running") break;
    }
    const importS = (performance.now() - t1) / 1000;
    const sync = await b.shopSync.findFirstOrThrow();
    if (sync.backfillStatus !== "done") throw new Error(`import ended ${sync.backfillStatus}`);
    const importRate = o.orders / importS;
    const pages = api.requests.filter((r) => r.operationName === "WaypointSyncOrders").length;
    // What Shopify's bucket allows (2,000 points restored at 100 a second on the standard plan): the
    // simulator's actual cost of a page of PAGE_SIZE orders, 2 + 8 per order.
    const pointsPerOrder = (2 + PAGE_SIZE * 8) / PAGE_SIZE;
    const bucketRate = 100 / pointsPerOrder;
    const for50k = 50_000 / Math.min(importRate, bucketRate);
    rows.push(
      row({
        id: "sync.import.rate",
        metric: `Install import: orders per second through the pipeline (${o.orders} orders, ${pages} pages of ${PAGE_SIZE})`,
        value: importRate,
        unit: "orders/s",
        baseline: webhookRate,
        baselineLabel: `the same orders by webhooks (${hooks.length} webhooks)`,
        target: "INFO",
        verdict: "INFO",
        note: `import ${importS.toFixed(1)} s, webhooks ${webhookS.toFixed(1)} s; SQLite, one worker in this process`,
      }),
      row({
        id: "sync.import.50k",
        metric: "Install import of 50,000 orders (from the measured rate, paced by Shopify's standard bucket)",
        value: for50k / 60,
        unit: "min",
        baseline: 50_000 / importRate / 60,
        baselineLabel: "pipeline alone (no bucket)",
        target: "< 120 min",
        verdict: verdict(for50k / 60 < 120),
        note: `bucket allows ${bucketRate.toFixed(1)} orders/s at ${pointsPerOrder.toFixed(1)} points an order; a bulk operation would not be paced by it`,
      }),
    );
    await a.$disconnect();
    await b.$disconnect();
  } finally {
    useAdminApiOrigin(null);
    await api.close();
    for (const f of files) for (const s of ["", "-wal", "-shm"]) fs.rmSync(f + s, { force: true });
  }
  return rows;
}
