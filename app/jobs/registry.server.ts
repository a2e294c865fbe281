// Every kind of background job and its handler. The worker runs them; each is idempotent.
import type { Db } from "../db.server";
import { PROCESS_RECEIPT } from "../ingest/receipt-store.server";
import {
  INTELLIGENCE_SCAN,
  learnFromStageChange,
  predictForOrder,
  scanInTransit,
  scheduleScan,
  SCAN_INTERVAL_MS,
} from "../intelligence/lanes.server";
import { integrationHandlers } from "../integrations/handlers.server";
import { sweepOverdueDeliveries } from "../integrations/outbox.server";
import { logger } from "../lib/logger.server";
import { notificationHandlers, sweepOverdueNotifications } from "../notifications/handlers.server";
import { adoptStrayShipments, ORDER_CONFIRMED, type OrderConfirmedEvent } from "../pipeline/orders.server";
import { enqueue } from "./queue.server";
import { processReceipt, processReceipts } from "../pipeline/receipts.server";
import { pruneIngestion } from "../pipeline/retention.server";
import { STAGE_CHANGED, type StageChangedEvent } from "../pipeline/shipments.server";
import { scheduleSourceScan, sourceJobHandlers } from "../sources/jobs.server";
import { createSyncHandlers } from "../sync/sync.server";
import type { BatchHandler, HandlerMap, JobContext, JobHandler } from "./worker.server";

export const PRUNE = "maintenance.prune";
const PRUNE_EVERY_MS = 60 * 60_000;

function required(kind: string): JobHandler {
  const handler = notificationHandlers[kind];
  if (!handler) throw new Error(`No notification handler registered for domain event ${kind}`);
  return handler;
}
const notifyStageChanged = required(STAGE_CHANGED);
const notifyOrderConfirmed = required(ORDER_CONFIRMED);

export const jobHandlers: HandlerMap = {
  ...notificationHandlers,
  ...integrationHandlers,
  ...sourceJobHandlers,
  ...createSyncHandlers(), // Admin API import and reconciliation (decision 009)
  [PROCESS_RECEIPT]: Object.assign(
    async (payload: unknown, { db, now }: JobContext) => {
      const { receiptId } = payload as { receiptId: string };
      await processReceipt(db, receiptId, now());
    },
    // A claimed batch of receipts in one transaction (decision 014); the handler above for the rest.
    { batch: ((jobs, { db, now }) => processReceipts(db, jobs, now())) satisfies BatchHandler },
  ),
  // Domain events: learn first (so a shipment's window is known), then tell the customer.
  [STAGE_CHANGED]: async (payload, ctx) => {
    await learnFromStageChange(ctx.db, payload as StageChangedEvent, ctx.now());
    await notifyStageChanged(payload, ctx);
  },
  [ORDER_CONFIRMED]: async (payload, ctx) => {
    await predictForOrder(ctx.db, (payload as OrderConfirmedEvent).orderId, ctx.now());
    await notifyOrderConfirmed(payload, ctx);
  },
  [INTELLIGENCE_SCAN]: async (_payload, { db, now }) => {
    const adopted = await adoptStrayShipments(db, now());
    const result = await scanInTransit(db, now());
    logger.info({ ...result, adopted }, "scanned in-transit shipments for delays");
    await scheduleScan(db, new Date(now().getTime() + SCAN_INTERVAL_MS));
  },
  [PRUNE]: async (_payload, { db, now }) => {
    const result = await pruneIngestion(db, now());
    // Notifications whose wake-up job was lost (dead-lettered, pruned) get a new one.
    const rescheduled = await sweepOverdueNotifications(db, now());
    const deliveries = await sweepOverdueDeliveries(db, now()); // Flow triggers and Klaviyo events
    logger.info({ ...result, rescheduled, deliveries }, "hourly maintenance");
    await schedulePrune(db, new Date(now().getTime() + PRUNE_EVERY_MS));
  },
};

/**
 * The queue's priority lane: customer messages (notify.*, and integrations.deliver: Klaviyo may send the
 * email), and the domain events that plan them
 * (every kind the notifications handle), are claimed
 * before any backlog of webhooks (a Black Friday storm never delays a "delivered" email). Every worker
 * (thread, standalone, inline loop) claims with it.
 */
export const PRIORITY_KINDS: string[] = [...Object.keys(notificationHandlers), ...Object.keys(integrationHandlers)];

/** One prune per hour however many workers start or reschedule it: the key names the hour. */
async function schedulePrune(db: Db, runAfter: Date): Promise<void> {
  const hour = Math.floor(runAfter.getTime() / PRUNE_EVERY_MS);
  await enqueue(db, { kind: PRUNE, payload: {}, runAfter, singletonKey: `${PRUNE}:${hour}` });
}

/** Starts the recurring work (pruning, delay scans); each then reschedules itself. */
export async function scheduleMaintenance(db: Db, runAfter: Date = new Date()): Promise<void> {
  await schedulePrune(db, runAfter);
  await scheduleScan(db, runAfter);
  await scheduleSourceScan(db, runAfter);
}
