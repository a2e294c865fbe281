// Every kind of background job and its handler. The worker runs them; each is idempotent.
import type { Db } from "../db.server";
import { logger } from "./logger.server";
import { enqueue } from "./queue.server";
import { processReceipt } from "./receipts.server";
import { pruneIngestion } from "./retention.server";
import { ORDER_CONFIRMED } from "./orders.server";
import { STAGE_CHANGED } from "./shipments.server";
import { PROCESS_RECEIPT } from "./ingest.server";
import type { HandlerMap } from "./worker.server";
import { notificationHandlers } from "./notifications.server";

export const PRUNE = "maintenance.prune";
const PRUNE_EVERY_MS = 60 * 60_000;

export const jobHandlers: HandlerMap = {
  [PROCESS_RECEIPT]: async (payload, { db, now }) => {
    const { receiptId } = payload as { receiptId: string };
    await processReceipt(db, receiptId, now());
  },
  [PRUNE]: async (_payload, { db, now }) => {
    const result = await pruneIngestion(db, now());
    logger.info(result, "pruned ingestion tables");
    await scheduleMaintenance(db, new Date(now().getTime() + PRUNE_EVERY_MS));
  },
  ...notificationHandlers,
};

// Domain events must have a consumer even when notifications are off for every shop.
for (const kind of [STAGE_CHANGED, ORDER_CONFIRMED]) {
  if (!jobHandlers[kind]) throw new Error(`No handler registered for domain event ${kind}`);
}

/** One prune per hour however many workers start or reschedule it: the key names the hour. */
export async function scheduleMaintenance(db: Db, runAfter: Date = new Date()): Promise<void> {
  const hour = Math.floor(runAfter.getTime() / PRUNE_EVERY_MS);
  await enqueue(db, { kind: PRUNE, payload: {}, runAfter, singletonKey: `${PRUNE}:${hour}` });
}
