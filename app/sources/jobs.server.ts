// The sources' jobs and receipt topics, as the job registry and the receipt processor take them.
import type { Db } from "../db.server";
import type { HandlerMap } from "../jobs/worker.server";
import { logger } from "../lib/logger.server";
import { cleanTrackingNumber } from "../pipeline/rules/carriers";
import type { FulfillmentEventRecord } from "../pipeline/payloads";
import { applyFulfillmentEvent } from "../pipeline/fulfillments.server";
import { applySnapshot, UNREGISTER, WRITE_BACK } from "./apply.server";
import { connectionFor } from "./connection.server";
import {
  pollRegistration,
  POLL,
  REGISTER,
  registerShipment,
  scanSources,
  scheduleSourceScan,
  SOURCES_SCAN,
  SOURCES_SCAN_INTERVAL_MS,
  unregister,
} from "./registration.server";
import { snapshotsFromEasyPostEvent } from "./rules/easypost";
import { snapshotsFrom17TrackPush } from "./rules/seventeen-track";
import type { SourceProvider, SourceSnapshot } from "./rules/types";
import { isOwnEcho, scanKnownFromSource, writeBackShipment } from "./write-back.server";

export const sourceJobHandlers: HandlerMap = {
  [SOURCES_SCAN]: async (_payload, { db, now }) => {
    const result = await scanSources(db, now());
    logger.info(result, "carrier tracking sources scanned");
    await scheduleSourceScan(db, new Date(now().getTime() + SOURCES_SCAN_INTERVAL_MS));
  },
  [REGISTER]: async (payload, { db, now }) => {
    const { shipmentId, reason } = payload as { shipmentId: string; reason: string };
    await registerShipment(db, shipmentId, reason, now());
  },
  [POLL]: async (payload, { db, now }) => {
    await pollRegistration(db, (payload as { registrationId: string }).registrationId, now());
  },
  [UNREGISTER]: async (payload, { db }) => {
    await unregister(db, (payload as { registrationId: string }).registrationId);
  },
  [WRITE_BACK]: async (payload, { db }) => {
    const result = await writeBackShipment(db, (payload as { shipmentId: string }).shipmentId);
    if (result.failed > 0) logger.warn(result, "some carrier events were refused by Shopify");
  },
};

interface TopicCtx {
  db: Db;
  shopDomain: string;
  webhookId: string;
  payload: unknown;
  now: Date;
}

function pushTopic(provider: SourceProvider, read: (payload: unknown) => SourceSnapshot[]) {
  return async (ctx: TopicCtx): Promise<void> => {
    const shop = await ctx.db.shop.findUnique({ where: { domain: ctx.shopDomain }, select: { id: true } });
    if (!shop) return;
    const connection = await connectionFor(ctx.db, shop.id);
    for (const snapshot of read(ctx.payload)) {
      const number = cleanTrackingNumber(snapshot.trackingNumber);
      const reg = await ctx.db.sourceRegistration.findFirst({
        where: { shopId: shop.id, provider, trackingNumber: number },
        orderBy: { registeredAt: "desc" },
      });
      if (!reg) {
        // Registered outside Waypoint (or long forgotten): not ours to count, and not billed to us.
        logger.info({ provider, shopId: shop.id }, "carrier push for a number Waypoint did not register: ignored");
        continue;
      }
      await applySnapshot(ctx.db, reg, snapshot, {
        writeBack: connection?.writeBack ?? false,
        receiptId: ctx.webhookId,
        now: ctx.now,
      });
    }
  };
}

/** Receipt topics of the sources' pushes (WebhookReceipt.topic "carrier/<provider>"). */
export const SOURCE_TOPIC_HANDLERS: Record<string, (ctx: TopicCtx) => Promise<void>> = {
  "carrier/easypost": pushTopic("easypost", snapshotsFromEasyPostEvent),
  "carrier/17track": pushTopic("17track", snapshotsFrom17TrackPush),
};

/**
 * fulfillment_events/create with the sources in mind: the echo of an event Waypoint wrote back, and
 * a scan a source already gave us, change nothing; any other event is Shopify's fact as before.
 */
export async function applyShopifyFulfillmentEvent(
  db: Db,
  shopId: string,
  rec: FulfillmentEventRecord,
  webhookId: string | null,
): Promise<void> {
  if (await isOwnEcho(db, shopId, rec)) return;
  if (await scanKnownFromSource(db, shopId, rec)) return;
  await applyFulfillmentEvent(db, shopId, rec, webhookId);
}

export { scheduleSourceScan };
