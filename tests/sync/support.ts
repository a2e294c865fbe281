// A simulated shop with history for the sync tests and the bench: the generator's stories, the Admin
// GraphQL simulator answering from them at a controlled clock, and the helpers that deliver the
// stories' webhooks (signed, through the app's door) and read a database's final state.
import { createGenerator, triggeredAt, type SimWebhook } from "../../scripts/simulator";
import { startAdminApi, type AdminApi } from "../../scripts/simulator/admin-api/server";
import { simulatedShop, type SimulatedShop } from "../../scripts/simulator/admin-api/shop";
import { syncHandlers } from "../../scripts/simulator/admin-api/sync";
import type { Db } from "~/db.server";
import { jobHandlers } from "~/jobs/registry.server";
import { useAdminApiOrigin } from "~/lib/admin-api-origin.server";
import { SYNC_BACKFILL, SYNC_RECONCILE } from "~/sync/sync.server";
import { receiverFor, signedWebhook } from "../support/shopify-webhooks";

export const SHOP = "waypoint-demo.myshopify.com";
export const TOKEN = "shpat_sync_test";
export const DAY = 86_400_000;
/**
 * The install: 20 days of history before it, orders still arriving after it. A month ahead of the
 * wall clock, on the hour: the door stamps the jobs it enqueues with the wall clock, and the workers
 * here run on the story's clock, which must be past it for those jobs to be due.
 */
export const INSTALL = Math.ceil((Date.now() + 30 * DAY) / 3_600_000) * 3_600_000;
export const END = INSTALL + 21 * DAY;

/** 12 orders of history and 3 live ones; this seed's stories hold every stage, a pickup, a cancelled
 * order, a failed delivery, a delay, a refunded and a declined return. */
export function storyShop(seedOrders = 12, liveOrders = 3): SimulatedShop {
  const generator = createGenerator({ seed: "sync-e", now: new Date(INSTALL), spanDays: 20, seedOrders });
  return simulatedShop(generator, seedOrders + liveOrders);
}

export interface Simulator {
  api: AdminApi;
  clock: { now: number };
  close: () => Promise<void>;
}

/** The Admin API simulator for `shop`, with its own clock, reached by the real client. */
export async function simulator(
  shop: SimulatedShop,
  bucket?: { maximumAvailable: number; restoreRate: number },
): Promise<Simulator> {
  const clock = { now: INSTALL };
  const api = await startAdminApi({
    tokens: { [SHOP]: TOKEN },
    handlers: syncHandlers(shop, () => clock.now),
    now: () => clock.now,
    ...(bucket ? { bucket } : {}),
  });
  useAdminApiOrigin(api.origin);
  return {
    api,
    clock,
    close: async () => {
      useAdminApiOrigin(null);
      await api.close();
    },
  };
}

/** The shop installed: its row and offline session, as afterAuth and the session storage leave them. */
export async function install(db: Db): Promise<void> {
  await db.shop.upsert({ where: { domain: SHOP }, create: { domain: SHOP }, update: {} });
  await db.session.upsert({
    where: { id: `offline_${SHOP}` },
    create: { id: `offline_${SHOP}`, shop: SHOP, state: "installed", isOnline: false, accessToken: TOKEN },
    update: {},
  });
}

export function webhooks(shop: SimulatedShop, from = -Infinity, to = END): SimWebhook[] {
  return shop.stories
    .flatMap((s) => s.webhooks)
    .filter((w) => w.at.getTime() > from && w.at.getTime() <= to)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** One webhook through the app's door, signed as Shopify signs it. */
export async function deliver(db: Db, w: SimWebhook): Promise<void> {
  const res = await receiverFor(db)(
    signedWebhook(w.topic, null, { shop: SHOP, webhookId: w.webhookId, triggeredAt: triggeredAt(w), rawBody: w.body }),
  );
  if (res.status !== 200) throw new Error(`webhook ${w.topic} answered ${res.status}`);
}

/** Every kind the app runs except the sync jobs (run by their own workers in these tests). */
export const NON_SYNC_KINDS = Object.keys(jobHandlers).filter((k) => k !== SYNC_BACKFILL && k !== SYNC_RECONCILE);

const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * What the merchant and the shopper see: each order's stage, its shipments' stages and milestones,
 * its returns' status. Return shipments' times are left out: the Admin API gives a disposal no time
 * (decision 009), so an imported "received" is dated by the return's refund.
 */
export async function finalState(db: Db) {
  const orders = await db.order.findMany({ orderBy: { shopifyId: "asc" }, include: { returnCases: true } });
  const shipments = await db.shipment.findMany({ include: { returnCase: true } });
  return orders.map((o) => ({
    order: o.shopifyId,
    stage: [o.stage, o.subStatus, o.fulfillmentStatus, iso(o.cancelledAt)],
    shipments: shipments
      .filter((s) => s.orderShopifyId === o.shopifyId)
      .map((s) =>
        s.kind === "outbound"
          ? [
              s.shopifyFulfillmentId,
              s.stage,
              s.subStatus,
              s.primaryTracking,
              s.delayed,
              iso(s.labelCreatedAt),
              iso(s.inTransitAt),
              iso(s.outForDeliveryAt),
              iso(s.attemptedAt),
              iso(s.deliveredAt),
              iso(s.failedAt),
            ]
          : [`return ${s.returnCase?.shopifyReturnId}`, s.stage, s.subStatus, s.primaryTracking],
      )
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    returns: o.returnCases.map((c) => c.status).sort(),
  }));
}

/** Carrier scans held: each once (a duplicate would be a second key for one event). */
export async function scanKeys(db: Db): Promise<string[]> {
  const rows = await db.trackingEvent.findMany({ where: { source: "fulfillment_event" }, select: { dedupeKey: true } });
  return rows.map((r) => r.dedupeKey).sort();
}
