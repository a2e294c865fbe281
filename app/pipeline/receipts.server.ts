// Processing a stored webhook receipt: parse it, route it by topic, mark it processed. Any failure
// marks the receipt failed with the reason (visible in admin) and rethrows, so the job is retried
// with backoff and finally dead-lettered; a payload error (a body that is not JSON or breaks its
// topic's schema, a topic nothing handles) fails identically on every try, so its job is
// dead-lettered at once. Replay puts a receipt back in the queue. Nothing is lost.
import type { Db } from "../db.server";
import {
  PayloadError,
  parseAppScopesUpdate,
  parseCustomersDataRequest,
  parseCustomersRedact,
  parseFulfillment,
  parseFulfillmentEvent,
  parseOrder,
  parseRefund,
  parseReturn,
  parseReverseDelivery,
  parseReverseFulfillmentOrderDispose,
  parseShopRedact,
  parseWebhookJson,
  type ReturnTopic,
} from "./payloads";
import { customerDataRequest, customerRedact, shopRedact } from "./compliance.server";
import { applyShopifyFulfillmentEvent, SOURCE_TOPIC_HANDLERS } from "../sources/jobs.server";
import { errorMessage } from "../lib/logger.server";
import { inList, isConflict, isUniqueViolation, savepoint, sqlFor, type Sql } from "../lib/sql.server";
import { applyFulfillmentSql, ConcurrentUpdate, inTransaction, upsertOrderSql } from "./outbound.server";
import { type ClaimedJob, completeJobSql, enqueue } from "../jobs/queue.server";
import { type BatchOutcome, PermanentJobError } from "../jobs/worker.server";
import { applyDisposal, applyRefund, applyReturn, applyReverseDelivery } from "./returns.server";
import { markUninstalled, shopFor, updateScopes } from "./shops.server";
import { returnOfReverseFulfillmentOrder } from "../sync/admin-api.server";
import { PROCESS_RECEIPT } from "../ingest/receipt-store.server";

interface Ctx {
  db: Db;
  topic: string;
  shopDomain: string;
  webhookId: string;
  triggeredAt: Date | null;
  payload: unknown;
  now: Date;
}

type TopicHandler = (ctx: Ctx) => Promise<void>;

/** A receipt's handler context (the single and the batched paths). */
function ctxFor(
  db: Db,
  r: Pick<Ctx, "topic" | "shopDomain" | "webhookId" | "triggeredAt">,
  payload: unknown,
  now: Date,
): Ctx {
  return {
    db,
    topic: r.topic,
    shopDomain: r.shopDomain,
    webhookId: r.webhookId,
    triggeredAt: r.triggeredAt,
    payload,
    now,
  };
}

async function shopId(ctx: Ctx): Promise<string> {
  return (await shopFor(ctx.db, ctx.shopDomain)).id;
}

/** A topic written on the database driver, in the transaction that marks its receipt processed. */
type DriverHandler = (tx: Sql, shopId: string, ctx: Ctx) => Promise<void>;

const orderTopic: DriverHandler = async (tx, id, ctx) => {
  const rec = parseOrder(ctx.payload, ctx.topic);
  await upsertOrderSql(tx, id, rec);
  // Orders payloads embed their fulfillments: each is a fact source like fulfillments/update.
  for (const f of rec.fulfillments) await applyFulfillmentSql(tx, id, f, ctx.webhookId, ctx.now);
};
const fulfillmentTopic: DriverHandler = async (tx, id, ctx) => {
  await applyFulfillmentSql(tx, id, parseFulfillment(ctx.payload, ctx.topic), ctx.webhookId, ctx.now);
};

/**
 * Nearly all of a storm: one short driver transaction per receipt (outbound.server.ts, decision
 * 014). The payload is parsed before the transaction, so the writer lock is held only for writing.
 */
export const DRIVER_TOPIC_HANDLERS: Record<string, DriverHandler> = {
  "orders/create": orderTopic,
  "orders/updated": orderTopic,
  "orders/cancelled": orderTopic,
  "orders/fulfilled": orderTopic,
  "orders/paid": orderTopic,
  "fulfillments/create": fulfillmentTopic,
  "fulfillments/update": fulfillmentTopic,
};

/** The other topics, through Prisma (returns, refunds, compliance, the app's own). */
export const TOPIC_HANDLERS: Record<string, TopicHandler> = {
  // Through Prisma, not the driver: our own write-backs echoed by Shopify, and scans a carrier source
  // already gave, must change nothing (app/sources, decision 010), which the driver path does not check.
  "fulfillment_events/create": async (ctx) => {
    await applyShopifyFulfillmentEvent(ctx.db, await shopId(ctx), parseFulfillmentEvent(ctx.payload), ctx.webhookId);
  },
  "returns/request": returnTopic("returns/request"),
  "returns/approve": returnTopic("returns/approve"),
  "returns/decline": returnTopic("returns/decline"),
  "returns/cancel": returnTopic("returns/cancel"),
  "returns/close": returnTopic("returns/close"),
  "reverse_deliveries/attach_deliverable": async (ctx) => {
    await applyReverseDelivery(
      ctx.db,
      await shopId(ctx),
      parseReverseDelivery(ctx.payload, ctx.triggeredAt),
      ctx.webhookId,
    );
  },
  "reverse_fulfillment_orders/dispose": async (ctx) => {
    const first = parseReverseFulfillmentOrderDispose(ctx.payload, ctx.triggeredAt);
    // The payload names the reverse fulfillment order only; ask the Admin API for its return.
    const returnShopifyId =
      first.returnShopifyId ??
      (await returnOfReverseFulfillmentOrder(ctx.db, ctx.shopDomain, first.reverseFulfillmentOrderId));
    const rec = parseReverseFulfillmentOrderDispose(ctx.payload, ctx.triggeredAt, { returnShopifyId });
    await applyDisposal(ctx.db, await shopId(ctx), rec, ctx.webhookId);
  },
  "refunds/create": async (ctx) => {
    await applyRefund(ctx.db, await shopId(ctx), parseRefund(ctx.payload), ctx.webhookId);
  },
  "app/uninstalled": async (ctx) => {
    await markUninstalled(ctx.db, ctx.shopDomain, ctx.triggeredAt ?? ctx.now);
  },
  "app/scopes_update": async (ctx) => {
    await updateScopes(ctx.db, ctx.shopDomain, parseAppScopesUpdate(ctx.payload).current);
  },
  "customers/data_request": async (ctx) => {
    const r = parseCustomersDataRequest(ctx.payload);
    await customerDataRequest(ctx.db, {
      shopDomain: ctx.shopDomain,
      webhookId: ctx.webhookId,
      customer: r.customer,
      orderIds: r.ordersRequested,
    });
  },
  "customers/redact": async (ctx) => {
    const r = parseCustomersRedact(ctx.payload);
    await customerRedact(ctx.db, {
      shopDomain: ctx.shopDomain,
      webhookId: ctx.webhookId,
      customer: r.customer,
      orderIds: r.ordersToRedact,
    });
  },
  "shop/redact": async (ctx) => {
    parseShopRedact(ctx.payload);
    await shopRedact(ctx.db, { shopDomain: ctx.shopDomain, webhookId: ctx.webhookId });
  },
  ...SOURCE_TOPIC_HANDLERS,
};

function returnTopic(topic: ReturnTopic): TopicHandler {
  return async (ctx) => {
    await applyReturn(ctx.db, await shopId(ctx), parseReturn(ctx.payload, topic, ctx.triggeredAt), ctx.webhookId);
  };
}

interface ReceiptHead {
  id: string;
  status: string;
  topic: string;
  shopDomain: string;
  webhookId: string;
  triggeredAt: Date | null;
  rawBody: string;
}
const READ_RECEIPT = `SELECT "id", "status", "topic", "shopDomain", "webhookId", "triggeredAt", "rawBody" FROM "WebhookReceipt" WHERE "id" = ?`;
const MARK_PROCESSED = `UPDATE "WebhookReceipt" SET "status" = 'processed', "processedAt" = ?, "error" = NULL, "attempts" = "attempts" + 1 WHERE "id" = ?`;
const MARK_FAILED = `UPDATE "WebhookReceipt" SET "status" = 'failed', "error" = ?, "attempts" = "attempts" + 1 WHERE "id" = ?`;
const SHOP_ID = `SELECT "id" FROM "Shop" WHERE "domain" = ?`;

export async function processReceipt(db: Db, receiptId: string, now: Date): Promise<void> {
  const sql = sqlFor(db);
  const receipt = (await sql.all<ReceiptHead>(READ_RECEIPT, [receiptId], "WebhookReceipt"))[0];
  if (!receipt || receipt.status === "processed") return; // pruned, or already done by an earlier attempt
  try {
    const onDriver = DRIVER_TOPIC_HANDLERS[receipt.topic];
    const handler = TOPIC_HANDLERS[receipt.topic];
    if (!onDriver && !handler) throw new PayloadError(receipt.topic, "topic", "has no handler in Waypoint");
    // Keeps ids beyond 2^53 exact; throws PayloadError for a body that is not JSON.
    const payload = parseWebhookJson(receipt.rawBody, receipt.topic);
    const ctx = ctxFor(db, receipt, payload, now);
    if (onDriver) {
      // Every processed webhook needs its shop: read on the driver, created through Prisma on first sight.
      const known = (await sql.all<{ id: string }>(SHOP_ID, [receipt.shopDomain]))[0]?.id;
      const id = known ?? (await shopId(ctx));
      // The receipt is marked processed in the transaction that wrote what it says.
      await inTransaction(db, async (tx) => {
        await onDriver(tx, id, ctx);
        await tx.run(MARK_PROCESSED, [now, receiptId]);
      });
    } else {
      await handler!(ctx);
      await sql.run(MARK_PROCESSED, [now, receiptId]);
    }
  } catch (error) {
    await sql.run(MARK_FAILED, [errorMessage(error), receiptId]);
    if (error instanceof PayloadError) throw new PermanentJobError(errorMessage(error), { cause: error });
    throw error;
  }
}

/**
 * How long one batch transaction may hold SQLite's writer lock before it commits and the next one
 * begins: the webhook door takes the lock in between (decision 008's p99 at 300/s).
 */
const BATCH_LOCK_MS = 15;

interface Ready {
  index: number;
  job: ClaimedJob;
  receiptId: string;
  ctx: Ctx;
  handler: DriverHandler;
}

/**
 * The worker's batch path for `webhook.process` jobs: the receipts of the driver's topics in one
 * transaction (or a few, BATCH_LOCK_MS each), each in a savepoint with its receipt marked processed
 * and its job marked done, so the commit that stores a receipt's rows also says it ran, and one
 * commit serves many receipts. Everything else (other topics, a receipt gone or already processed,
 * a body that does not parse) is left to the single path, which says why.
 */
export async function processReceipts(db: Db, jobs: ClaimedJob[], now: Date): Promise<BatchOutcome[]> {
  const sql = sqlFor(db);
  const outcomes: BatchOutcome[] = jobs.map(() => ({ single: true }));
  const ids = jobs.map((j) => (j.payload as { receiptId?: unknown } | null)?.receiptId);
  const wanted = ids.filter((id): id is string => typeof id === "string");
  if (wanted.length === 0) return outcomes;
  const receipts = new Map(
    (
      await sql.all<ReceiptHead>(
        `SELECT "id", "status", "topic", "shopDomain", "webhookId", "triggeredAt", "rawBody" FROM "WebhookReceipt" WHERE "id" IN ${inList(wanted.length)}`,
        wanted,
        "WebhookReceipt",
      )
    ).map((r) => [r.id, r]),
  );
  const ready: Ready[] = [];
  for (const [index, job] of jobs.entries()) {
    const receipt = receipts.get(ids[index] as string);
    const handler = receipt && DRIVER_TOPIC_HANDLERS[receipt.topic];
    if (!receipt || !handler || receipt.status === "processed") continue;
    let payload: unknown;
    try {
      payload = parseWebhookJson(receipt.rawBody, receipt.topic);
    } catch {
      continue; // the single path marks it failed and dead-letters it
    }
    const ctx = ctxFor(db, receipt, payload, now);
    ready.push({ index, job, receiptId: receipt.id, ctx, handler });
  }
  if (ready.length === 0) return outcomes;
  const domains = [...new Set(ready.map((r) => r.ctx.shopDomain))];
  const shops = new Map(
    (
      await sql.all<{ id: string; domain: string }>(
        `SELECT "id", "domain" FROM "Shop" WHERE "domain" IN ${inList(domains.length)}`,
        domains,
      )
    ).map((s) => [s.domain, s.id]),
  );
  for (const domain of domains) if (!shops.has(domain)) shops.set(domain, (await shopFor(db, domain)).id);

  let next = 0;
  while (next < ready.length) {
    await sql.transaction(async (tx) => {
      const started = Date.now();
      do {
        const r = ready[next]!;
        outcomes[r.index] = await receiptInBatch(tx, r, shops.get(r.ctx.shopDomain)!);
        next++;
      } while (next < ready.length && Date.now() - started < BATCH_LOCK_MS);
    });
  }
  return outcomes;
}

async function receiptInBatch(tx: Sql, r: Ready, shopId: string): Promise<BatchOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      await savepoint(tx, async () => {
        await r.handler(tx, shopId, r.ctx);
        await tx.run(MARK_PROCESSED, [r.ctx.now, r.receiptId]);
        await completeJobSql(tx, r.job, r.ctx.now);
      });
      return { done: true };
    } catch (error) {
      // Another worker got in between (PostgreSQL): the savepoint undid this receipt's writes; again.
      const retryable = error instanceof ConcurrentUpdate || isUniqueViolation(error) || isConflict(error);
      if (retryable && attempt < 8) continue;
      await tx.run(MARK_FAILED, [errorMessage(error), r.receiptId]);
      return {
        error: error instanceof PayloadError ? new PermanentJobError(errorMessage(error), { cause: error }) : error,
      };
    }
  }
}

/** Admin replay of a failed receipt: a new processing job, due now. */
export async function replayReceipt(db: Db, receiptId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const r = await tx.webhookReceipt.updateMany({
      where: { id: receiptId, status: "failed" },
      data: { status: "received" },
    });
    if (r.count === 0) return false;
    const receipt = await tx.webhookReceipt.findUniqueOrThrow({
      where: { id: receiptId },
      select: { shopDomain: true },
    });
    await enqueue(tx, { kind: PROCESS_RECEIPT, payload: { receiptId }, shopDomain: receipt.shopDomain });
    return true;
  });
}
