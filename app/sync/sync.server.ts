// Install import (backfill) and reconciliation through the Admin GraphQL API (decision 009).
//
// Both page the WaypointSyncOrders query, one page per job: the page's orders become the webhook
// bodies Shopify would have sent (rules/order-node) and go through the pipeline's own parsers and
// apply functions, so they give the same facts with the same keys as their webhooks and the fold
// deduplicates the two paths. The cursor and the next page's job are written in one transaction, so
// a crash re-runs one page (harmless: facts are deduplicated) and resumes. A THROTTLED answer or a
// low bucket puts the next job after the restore time the cost extension gives; 401/403 (a revoked
// token) or no offline session records the problem on the shop and pauses its sync; other failures
// are thrown, and the queue retries them with backoff. Uninstalled shops are never asked.
import type { Prisma } from "@prisma/client";
import type { Db } from "../db.server";
import { enqueue } from "../jobs/queue.server";
import type { HandlerMap } from "../jobs/worker.server";
import { logger } from "../lib/logger.server";
import { applyFulfillment, applyFulfillmentEvent } from "../pipeline/fulfillments.server";
import { upsertOrder } from "../pipeline/orders.server";
import {
  parseFulfillmentEvent,
  parseOrder,
  parseRefund,
  parseReturn,
  parseReverseDelivery,
  parseReverseFulfillmentOrderDispose,
  type ReturnTopic,
} from "../pipeline/payloads";
import { applyDisposal, applyRefund, applyReturn, applyReverseDelivery } from "../pipeline/returns.server";
import { appClientFactory, ask, offlineSession, type SyncClientFactory, type SyncOutcome } from "./client.server";
import { ordersSearch, restoreWaitMs, webhookPayloadsForOrder, type OrderNode } from "./rules/order-node";

export const SYNC_BACKFILL = "sync.backfill";
export const SYNC_RECONCILE = "sync.reconcile";
export const RECONCILE_EVERY_MS = 15 * 60_000;
/** Reconciliation asks again for this much before its watermark (clock skew, late index updates). */
export const RECONCILE_OVERLAP_MS = 5 * 60_000;
/**
 * Orders per page. Shopify refuses a query whose requested cost exceeds 1,000 points, and the
 * nested connections below (line items, fulfillments × events, returns) make one order cost about
 * 180: five fit. Large shops take the bulk operation instead.
 */
export const PAGE_SIZE = 5;
export const DEFAULT_BACKFILL_DAYS = 60;

const DAY_MS = 86_400_000;

export const ORDERS_QUERY = `#graphql
  query WaypointSyncOrders($first: Int!, $after: String, $query: String!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id legacyResourceId name email phone createdAt processedAt updatedAt cancelledAt cancelReason
        customerLocale displayFinancialStatus displayFulfillmentStatus currencyCode
        totalPriceSet { shopMoney { amount currencyCode } }
        customer { id firstName email phone smsMarketingConsent { marketingState } }
        shippingAddress { firstName phone city provinceCode countryCodeV2 zip }
        billingAddress { firstName phone city provinceCode countryCodeV2 zip }
        lineItems(first: 20) {
          nodes { id title quantity sku requiresShipping product { id } variant { id } customAttributes { key value } }
        }
        shippingLines(first: 3) { nodes { title code source } }
        fulfillments(first: 5) {
          id legacyResourceId name status displayStatus createdAt updatedAt
          trackingInfo(first: 5) { company number url }
          location { legacyResourceId }
          fulfillmentLineItems(first: 20) { nodes { quantity lineItem { id } } }
          events(first: 25, sortKey: HAPPENED_AT) {
            nodes { id status happenedAt createdAt estimatedDeliveryAt city province country zip message latitude longitude }
          }
        }
        returns(first: 3) {
          nodes {
            id name status createdAt requestApprovedAt closedAt decline { reason note }
            returnLineItems(first: 10) {
              nodes {
                ... on ReturnLineItem {
                  id quantity returnReason returnReasonNote customerNote fulfillmentLineItem { id lineItem { id } }
                }
              }
            }
            reverseFulfillmentOrders(first: 2) {
              nodes {
                id
                lineItems(first: 10) { nodes { id dispositions { type quantity location { id } } } }
                reverseDeliveries(first: 2) {
                  nodes {
                    id
                    deliverable {
                      ... on ReverseDeliveryShippingDeliverable {
                        label { createdAt publicFileUrl }
                        tracking { carrierName number url }
                      }
                    }
                    reverseDeliveryLineItems(first: 10) { nodes { id reverseFulfillmentOrderLineItem { id } } }
                  }
                }
              }
            }
          }
        }
        refunds(first: 5) {
          id createdAt return { id }
          transactions(first: 3) { nodes { kind status amountSet { shopMoney { amount currencyCode } } } }
        }
      }
    }
  }`;

export const ORDERS_COUNT_QUERY = `#graphql
  query WaypointSyncOrdersCount($query: String!) { ordersCount(query: $query, limit: null) { count precision } }`;

interface OrdersPage {
  orders: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: OrderNode[] };
}

export interface SyncDeps {
  clientFor: SyncClientFactory;
}

/**
 * One order from the Admin API through the pipeline. Returns the updates that were new to Waypoint:
 * facts it did not hold, plus one when the order itself was unknown.
 */
export async function applyOrderNode(db: Db, shopId: string, node: OrderNode): Promise<number> {
  const shaped = webhookPayloadsForOrder(node);
  const rec = parseOrder(shaped.order, "orders/updated");
  const known = await db.order.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: rec.shopifyId } },
    select: { id: true },
  });
  await upsertOrder(db, shopId, rec);
  let fresh = known ? 0 : 1;
  for (const f of rec.fulfillments) fresh += (await applyFulfillment(db, shopId, f, null)).inserted;
  for (const e of shaped.fulfillmentEvents)
    fresh += (await applyFulfillmentEvent(db, shopId, parseFulfillmentEvent(e), null)).inserted;
  for (const r of shaped.returns)
    fresh += (await applyReturn(db, shopId, parseReturn(r.body, r.topic as ReturnTopic, r.at), null)).inserted;
  for (const d of shaped.reverseDeliveries)
    fresh += (await applyReverseDelivery(db, shopId, parseReverseDelivery(d.body, d.at), null)).inserted;
  for (const d of shaped.disposals)
    fresh += (await applyDisposal(db, shopId, parseReverseFulfillmentOrderDispose(d.body, d.at), null))?.inserted ?? 0;
  for (const r of shaped.refunds) fresh += (await applyRefund(db, shopId, parseRefund(r), null))?.inserted ?? 0;
  return fresh;
}

/** Starts (or restarts, from the admin) the import of the last `days` days; history ends at the first import. */
export async function startBackfill(db: Db, shopDomain: string, now: Date, days?: number): Promise<boolean> {
  const shop = await db.shop.findUnique({ where: { domain: shopDomain }, include: { sync: true } });
  if (!shop || shop.status !== "active") return false;
  const d = Math.max(1, Math.min(365, Math.round(days ?? shop.sync?.backfillDays ?? DEFAULT_BACKFILL_DAYS)));
  const state = {
    backfillDays: d,
    backfillStatus: "running",
    backfillMode: "paged",
    backfillSince: new Date(now.getTime() - d * DAY_MS),
    backfillCursor: null,
    backfillPage: 0,
    backfillTotal: null,
    backfillDone: 0,
    backfillStartedAt: now,
    backfillFinishedAt: null,
    bulkOperationId: null,
    authError: null,
    authErrorAt: null,
  };
  await db.$transaction(async (tx) => {
    await tx.shopSync.upsert({
      where: { shopId: shop.id },
      // The first import draws the line between history and news; a re-import keeps it.
      create: { shopId: shop.id, historyBefore: now, ...state },
      update: { historyBefore: shop.sync?.historyBefore ?? now, ...state },
    });
    await enqueue(tx, backfillJob(shop.id, shopDomain, now, 0, now));
  });
  return true;
}

/**
 * Runs `install` (recordInstall after auth) and starts the import when the shop is new to sync or
 * comes back after an uninstall (or after its token was refused): what happened meanwhile is imported.
 */
export async function importOnInstall(db: Db, shopDomain: string, now: Date, install: () => Promise<void>) {
  const before = await db.shop.findUnique({ where: { domain: shopDomain }, include: { sync: true } });
  await install();
  const returning = !before || before.status !== "active" || !before.sync || !!before.sync.authError;
  if (returning) await startBackfill(db, shopDomain, now);
}

function backfillJob(shopId: string, shopDomain: string, run: Date, page: number, runAfter: Date, retry = 0) {
  return {
    kind: SYNC_BACKFILL,
    payload: { shopDomain, run: run.toISOString(), page, retry } as Prisma.InputJsonValue,
    shopDomain,
    runAfter,
    singletonKey: `${SYNC_BACKFILL}:${shopId}:${run.getTime()}:${page}:${retry}`,
  };
}

async function pause(db: Db, shopId: string, message: string, now: Date): Promise<void> {
  logger.warn({ shopId, problem: message }, "Admin API refused the shop's token: sync paused");
  await db.shopSync.update({
    where: { shopId },
    data: { authError: message, authErrorAt: now, backfillStatus: "paused", reconcileNextRunAt: null },
  });
}

async function askWith<T>(
  db: Db,
  shopDomain: string,
  deps: SyncDeps,
  query: string,
  variables: Record<string, unknown>,
): Promise<SyncOutcome<T>> {
  const session = await offlineSession(db, shopDomain);
  if (!session) return { kind: "unauthorized", message: "no offline session" };
  return ask<T>(deps.clientFor(session), query, variables);
}

/** When the next request may go: after the bucket holds this request's cost again. */
function nextAt(now: Date, outcome: SyncOutcome<unknown>): Date {
  if (outcome.kind === "unauthorized") return now;
  if (!outcome.throttle) return new Date(now.getTime() + (outcome.kind === "throttled" ? 1_000 : 0));
  return new Date(now.getTime() + restoreWaitMs(outcome.throttle, outcome.requestedCost || 1));
}

export interface BackfillPayload {
  shopDomain: string;
  run: string;
  page: number;
  retry?: number;
}

/** One page of the import (the sync.backfill job). */
export async function runBackfillPage(db: Db, payload: BackfillPayload, now: Date, deps: SyncDeps): Promise<void> {
  const shop = await db.shop.findUnique({ where: { domain: payload.shopDomain }, include: { sync: true } });
  const sync = shop?.sync;
  if (!shop || !sync || shop.status !== "active") return; // uninstalled: never asked
  // A job of an earlier run, or a page already done (a duplicate after a crash), does nothing.
  if (sync.backfillStatus !== "running" || sync.backfillStartedAt?.toISOString() !== payload.run) return;
  if (sync.backfillPage !== payload.page) return;
  const run = new Date(payload.run);
  const query = ordersSearch(sync.backfillSince ?? new Date(run.getTime() - sync.backfillDays * DAY_MS));
  const retry = (outcome: SyncOutcome<unknown>) =>
    enqueue(db, backfillJob(shop.id, shop.domain, run, payload.page, nextAt(now, outcome), (payload.retry ?? 0) + 1));

  if (sync.backfillTotal === null) {
    const counted = await askWith<{ ordersCount: { count: number } }>(db, shop.domain, deps, ORDERS_COUNT_QUERY, {
      query,
    });
    if (counted.kind === "unauthorized") return pause(db, shop.id, counted.message, now);
    if (counted.kind === "throttled") return retry(counted);
    await db.shopSync.update({ where: { shopId: shop.id }, data: { backfillTotal: counted.data.ordersCount.count } });
  }

  const outcome = await askWith<OrdersPage>(db, shop.domain, deps, ORDERS_QUERY, {
    first: PAGE_SIZE,
    after: sync.backfillCursor,
    query,
  });
  if (outcome.kind === "unauthorized") return pause(db, shop.id, outcome.message, now);
  if (outcome.kind === "throttled") return retry(outcome);
  const { nodes, pageInfo } = outcome.data.orders;
  for (const node of nodes) await applyOrderNode(db, shop.id, node);
  const more = pageInfo.hasNextPage && !!pageInfo.endCursor;
  await db.$transaction(async (tx) => {
    await tx.shopSync.update({
      where: { shopId: shop.id },
      data: {
        backfillCursor: pageInfo.endCursor,
        backfillPage: payload.page + 1,
        backfillDone: { increment: nodes.length },
        // Done: reconciliation takes over from the moment the import began.
        ...(more ? {} : { backfillStatus: "done", backfillFinishedAt: now, reconcileWatermark: run }),
      },
    });
    if (more) await enqueue(tx, backfillJob(shop.id, shop.domain, run, payload.page + 1, nextAt(now, outcome)));
  });
  if (!more) {
    logger.info({ shop: shop.domain, orders: sync.backfillDone + nodes.length }, "Admin API import finished");
    await scheduleReconcile(db, shop.id, shop.domain, new Date(now.getTime() + RECONCILE_EVERY_MS));
  }
}

export interface ReconcilePayload {
  shopDomain: string;
  due: string;
  /** Set on the pages after the first: the run's start (its new watermark), cursor and count so far. */
  run?: string;
  after?: string | null;
  recovered?: number;
  page?: number;
}

function reconcileJob(shopId: string, p: ReconcilePayload, runAfter: Date) {
  return {
    kind: SYNC_RECONCILE,
    payload: { ...p } as Prisma.InputJsonValue,
    shopDomain: p.shopDomain,
    runAfter,
    singletonKey: `${SYNC_RECONCILE}:${shopId}:${p.due}:${p.page ?? 0}:${runAfter.getTime()}`,
  };
}

/** Puts the shop's next reconciliation run in the queue (one per shop and due time). */
export async function scheduleReconcile(db: Db, shopId: string, shopDomain: string, runAfter: Date): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.shopSync.update({ where: { shopId }, data: { reconcileNextRunAt: runAfter } });
    await enqueue(tx, reconcileJob(shopId, { shopDomain, due: runAfter.toISOString() }, runAfter));
  });
}

/**
 * One page of a reconciliation run (the sync.reconcile job): orders updated since the watermark
 * minus the overlap, through the same apply; updates that were new are what webhooks never
 * delivered. The watermark moves to the run's start only when the last page was read, so after an
 * outage of the app (or a run cut short) the next run covers the whole gap.
 */
export async function runReconcile(
  db: Db,
  payload: ReconcilePayload,
  now: Date,
  deps: SyncDeps,
): Promise<{ recovered: number; done: boolean } | null> {
  const shop = await db.shop.findUnique({ where: { domain: payload.shopDomain }, include: { sync: true } });
  const sync = shop?.sync;
  if (!shop || !sync || shop.status !== "active" || sync.authError) return null;
  if (sync.backfillStatus === "running") return null; // the import reschedules reconciliation when done
  // A run already superseded (another run finished after this one was scheduled) does nothing.
  if (!payload.run && sync.reconcileNextRunAt && sync.reconcileNextRunAt.toISOString() !== payload.due) return null;
  const run = payload.run ? new Date(payload.run) : now;
  const since = new Date((sync.reconcileWatermark ?? sync.backfillStartedAt ?? now).getTime() - RECONCILE_OVERLAP_MS);
  const outcome = await askWith<OrdersPage>(db, shop.domain, deps, ORDERS_QUERY, {
    first: PAGE_SIZE,
    after: payload.after ?? null,
    query: ordersSearch(since),
  });
  if (outcome.kind === "unauthorized") {
    await pause(db, shop.id, outcome.message, now);
    return null;
  }
  const cont = { ...payload, run: run.toISOString() };
  if (outcome.kind === "throttled") {
    await enqueue(db, reconcileJob(shop.id, cont, nextAt(now, outcome)));
    return { recovered: payload.recovered ?? 0, done: false };
  }
  let recovered = payload.recovered ?? 0;
  for (const node of outcome.data.orders.nodes) recovered += await applyOrderNode(db, shop.id, node);
  const { hasNextPage, endCursor } = outcome.data.orders.pageInfo;
  if (hasNextPage && endCursor) {
    const next = { ...cont, after: endCursor, recovered, page: (payload.page ?? 0) + 1 };
    await enqueue(db, reconcileJob(shop.id, next, nextAt(now, outcome)));
    return { recovered, done: false };
  }
  const nextRun = new Date(now.getTime() + RECONCILE_EVERY_MS);
  await db.$transaction(async (tx) => {
    await tx.shopSync.update({
      where: { shopId: shop.id },
      data: {
        reconcileWatermark: run,
        reconcileLastRunAt: now,
        reconcileLastRecovered: recovered,
        reconcileRecovered: { increment: recovered },
        reconcileNextRunAt: nextRun,
      },
    });
    await enqueue(tx, reconcileJob(shop.id, { shopDomain: shop.domain, due: nextRun.toISOString() }, nextRun));
  });
  if (recovered > 0) logger.info({ shop: shop.domain, recovered }, "reconciliation recovered missed updates");
  return { recovered, done: true };
}

/** The sync jobs' handlers; the app's use the shopifyApp() instance's client, tests and the bench their own. */
export function createSyncHandlers(deps?: SyncDeps): HandlerMap {
  let resolved: Promise<SyncDeps> | null = deps ? Promise.resolve(deps) : null;
  const get = () => (resolved ??= appClientFactory().then((clientFor) => ({ clientFor })));
  return {
    [SYNC_BACKFILL]: async (payload, { db, now }) => {
      await runBackfillPage(db, payload as BackfillPayload, now(), await get());
    },
    [SYNC_RECONCILE]: async (payload, { db, now }) => {
      await runReconcile(db, payload as ReconcilePayload, now(), await get());
    },
  };
}
