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
import { applyFulfillment } from "./fulfillments.server";
import { applyShopifyFulfillmentEvent, SOURCE_TOPIC_HANDLERS } from "../sources/jobs.server";
import { errorMessage } from "../lib/logger.server";
import { upsertOrder } from "./orders.server";
import { enqueue } from "../jobs/queue.server";
import { PermanentJobError } from "../jobs/worker.server";
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

async function shopId(ctx: Ctx): Promise<string> {
  return (await shopFor(ctx.db, ctx.shopDomain)).id;
}

const orderTopic: TopicHandler = async (ctx) => {
  const rec = parseOrder(ctx.payload, ctx.topic);
  const id = await shopId(ctx);
  await upsertOrder(ctx.db, id, rec);
  // Orders payloads embed their fulfillments: each is a fact source like fulfillments/update.
  for (const f of rec.fulfillments) await applyFulfillment(ctx.db, id, f, ctx.webhookId);
};

export const TOPIC_HANDLERS: Record<string, TopicHandler> = {
  "orders/create": orderTopic,
  "orders/updated": orderTopic,
  "orders/cancelled": orderTopic,
  "orders/fulfilled": orderTopic,
  "orders/paid": orderTopic,
  "fulfillments/create": async (ctx) => {
    await applyFulfillment(ctx.db, await shopId(ctx), parseFulfillment(ctx.payload, ctx.topic), ctx.webhookId);
  },
  "fulfillments/update": async (ctx) => {
    await applyFulfillment(ctx.db, await shopId(ctx), parseFulfillment(ctx.payload, ctx.topic), ctx.webhookId);
  },
  "fulfillment_events/create": async (ctx) => {
    // Our own write-backs echoed by Shopify, and scans a source already gave, change nothing (app/sources).
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

export async function processReceipt(db: Db, receiptId: string, now: Date): Promise<void> {
  const receipt = await db.webhookReceipt.findUnique({ where: { id: receiptId } });
  if (!receipt || receipt.status === "processed") return; // pruned, or already done by an earlier attempt
  try {
    const handler = TOPIC_HANDLERS[receipt.topic];
    if (!handler) throw new PayloadError(receipt.topic, "topic", "has no handler in Waypoint");
    // Keeps ids beyond 2^53 exact; throws PayloadError for a body that is not JSON.
    const payload = parseWebhookJson(receipt.rawBody, receipt.topic);
    await handler({
      db,
      topic: receipt.topic,
      shopDomain: receipt.shopDomain,
      webhookId: receipt.webhookId,
      triggeredAt: receipt.triggeredAt,
      payload,
      now,
    });
    await db.webhookReceipt.updateMany({
      where: { id: receiptId },
      data: { status: "processed", processedAt: now, error: null, attempts: { increment: 1 } },
    });
  } catch (error) {
    await db.webhookReceipt.updateMany({
      where: { id: receiptId },
      data: { status: "failed", error: errorMessage(error), attempts: { increment: 1 } },
    });
    if (error instanceof PayloadError) throw new PermanentJobError(errorMessage(error), { cause: error });
    throw error;
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
