// Carrier events written back to Shopify with fulfillmentEventCreate (Admin GraphQL, write_fulfillments),
// so the order status page, the Shop app and Shopify's own notifications agree with Waypoint. Each
// event gets a SourceWriteBack row before the call; Shopify then sends fulfillment_events/create for
// the event it made, and that echo is recognised by the row (its event id, or its status and minute)
// and changes nothing. Through the real @shopify/shopify-api client with the shop's offline session.
// The adapter shopify-app-remix itself loads: one evaluation, so it never resets an origin set before.
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, GraphqlQueryError, Session, shopifyApi, type Shopify } from "@shopify/shopify-api";
import type { Db } from "../db.server";
import { env } from "../env.server";
import { useAdminApiOrigin } from "../lib/admin-api-origin.server";
import { errorMessage, logger } from "../lib/logger.server";
import type { FulfillmentEventRecord } from "../pipeline/payloads";
import { scanIdentity } from "./rules/facts";
import { SOURCE_PROVIDERS } from "./rules/types";

export const FULFILLMENT_EVENT_CREATE = `#graphql
  mutation WaypointFulfillmentEventCreate($fulfillmentEvent: FulfillmentEventInput!) {
    fulfillmentEventCreate(fulfillmentEvent: $fulfillmentEvent) {
      fulfillmentEvent { id status happenedAt }
      userErrors { field message }
    }
  }`;

let library: Shopify | null = null;
function shopifyLibrary(): Shopify {
  if (library) return library;
  const e = env();
  library = shopifyApi({
    apiKey: e.SHOPIFY_API_KEY,
    apiSecretKey: e.SHOPIFY_API_SECRET,
    apiVersion: ApiVersion.July26,
    hostName: new URL(e.SHOPIFY_APP_URL).host,
    isEmbeddedApp: true,
    logger: { level: 0, log: async () => {} },
  });
  // The worker thread never loads shopify.server, which applies the simulator's origin in the web process.
  if (e.SHOPIFY_ADMIN_API_ORIGIN) useAdminApiOrigin(e.SHOPIFY_ADMIN_API_ORIGIN);
  return library;
}

interface CreateAnswer {
  fulfillmentEventCreate?: {
    fulfillmentEvent?: { id: string } | null;
    userErrors?: { field?: string[] | null; message: string }[];
  } | null;
}

export interface WriteBackResult {
  posted: number;
  failed: number;
  skipped: "off" | "no_fulfillment" | "no_session" | null;
}

/**
 * Posts every source event of a shipment not yet posted (and retries pending ones). A user error
 * (Shopify refused the input) fails that event for good; a network error or throttle throws, and the
 * job retries with backoff. Idempotent: posted events are never posted again.
 */
export async function writeBackShipment(db: Db, shipmentId: string): Promise<WriteBackResult> {
  const shipment = await db.shipment.findUnique({
    where: { id: shipmentId },
    select: { id: true, shopId: true, shopifyFulfillmentId: true, shop: { select: { domain: true } } },
  });
  if (!shipment?.shopifyFulfillmentId) return { posted: 0, failed: 0, skipped: "no_fulfillment" };
  const source = await db.trackingSource.findUnique({ where: { shopId: shipment.shopId } });
  if (!source?.writeBack) return { posted: 0, failed: 0, skipped: "off" };
  const row = await db.session.findFirst({ where: { shop: shipment.shop.domain, isOnline: false } });
  if (!row) {
    logger.warn({ shop: shipment.shop.domain }, "no offline session: carrier events not written back to Shopify");
    return { posted: 0, failed: 0, skipped: "no_session" };
  }
  const session = new Session({
    id: row.id,
    shop: row.shop,
    state: row.state,
    isOnline: false,
    accessToken: row.accessToken,
    scope: row.scope ?? undefined,
  });
  const client = new (shopifyLibrary().clients.Graphql)({ session });

  const events = await db.trackingEvent.findMany({
    where: { shipmentId, source: { in: [...SOURCE_PROVIDERS] } },
    orderBy: { happenedAt: "asc" },
  });
  const done = new Set(
    (
      await db.sourceWriteBack.findMany({
        where: { shipmentId, state: { in: ["done", "failed"] } },
        select: { factKey: true },
      })
    ).map((w) => w.factKey),
  );
  let posted = 0;
  let failed = 0;
  for (const e of events) {
    if (done.has(e.dedupeKey)) continue;
    // Recorded before the call: the echo may arrive before the answer does.
    await db.sourceWriteBack.upsert({
      where: { factKey: e.dedupeKey },
      create: {
        shopId: shipment.shopId,
        shipmentId,
        factKey: e.dedupeKey,
        status: e.status,
        happenedAt: e.happenedAt,
      },
      update: {},
    });
    const input = {
      fulfillmentId: `gid://shopify/Fulfillment/${shipment.shopifyFulfillmentId}`,
      status: e.status.toUpperCase(),
      happenedAt: e.happenedAt.toISOString(),
      ...(e.message ? { message: e.message } : {}),
      ...(e.city ? { city: e.city } : {}),
      ...(e.province ? { province: e.province } : {}),
      ...(e.country ? { country: e.country } : {}),
      ...(e.zip ? { zip: e.zip } : {}),
      ...(e.estimatedDeliveryAt ? { estimatedDeliveryAt: e.estimatedDeliveryAt.toISOString() } : {}),
    };
    let answer: CreateAnswer;
    try {
      const res = await client.request<CreateAnswer>(FULFILLMENT_EVENT_CREATE, {
        variables: { fulfillmentEvent: input },
      });
      answer = res.data ?? {};
    } catch (error) {
      if (error instanceof GraphqlQueryError && !isThrottled(error)) {
        await markFailed(db, e.dedupeKey, errorMessage(error));
        failed++;
        continue;
      }
      throw error; // network, 5xx, throttled: the job retries with backoff
    }
    const payload = answer.fulfillmentEventCreate;
    const userErrors = payload?.userErrors ?? [];
    const gid = payload?.fulfillmentEvent?.id;
    if (userErrors.length > 0 || !gid) {
      const why = userErrors.map((u) => `${(u.field ?? []).join(".")}: ${u.message}`).join("; ") || "no event returned";
      await markFailed(db, e.dedupeKey, why);
      failed++;
      continue;
    }
    await db.sourceWriteBack.update({
      where: { factKey: e.dedupeKey },
      data: { state: "done", shopifyEventId: gid.split("/").pop() ?? gid, error: null },
    });
    posted++;
  }
  return { posted, failed, skipped: null };
}

function isThrottled(error: GraphqlQueryError): boolean {
  return JSON.stringify(error.body ?? "").includes("THROTTLED");
}

async function markFailed(db: Db, factKey: string, error: string): Promise<void> {
  logger.warn({ factKey, err: error }, "Shopify refused a carrier event written back");
  await db.sourceWriteBack.update({ where: { factKey }, data: { state: "failed", error: error.slice(0, 500) } });
}

/**
 * Whether a fulfillment_events/create from Shopify is the echo of an event Waypoint wrote back: its
 * event id is one Shopify gave us, or (the echo outran the answer) a write-back of the same shipment
 * has its status and minute.
 */
export async function isOwnEcho(db: Db, shopId: string, rec: FulfillmentEventRecord): Promise<boolean> {
  const byId = await db.sourceWriteBack.findFirst({
    where: { shopId, shopifyEventId: rec.shopifyId },
    select: { id: true },
  });
  if (byId) return true;
  const shipment = await db.shipment.findUnique({
    where: { shopId_shopifyFulfillmentId: { shopId, shopifyFulfillmentId: rec.fulfillmentShopifyId } },
    select: { id: true },
  });
  if (!shipment) return false;
  const minute = Math.floor(rec.happenedAt.getTime() / 60_000) * 60_000;
  const same = await db.sourceWriteBack.findFirst({
    where: {
      shipmentId: shipment.id,
      status: rec.status,
      happenedAt: { gte: new Date(minute), lt: new Date(minute + 60_000) },
    },
    select: { id: true },
  });
  return same !== null;
}

/** Whether a source already reported this scan (same status, same minute) on the shipment. */
export async function scanKnownFromSource(db: Db, shopId: string, rec: FulfillmentEventRecord): Promise<boolean> {
  const shipment = await db.shipment.findUnique({
    where: { shopId_shopifyFulfillmentId: { shopId, shopifyFulfillmentId: rec.fulfillmentShopifyId } },
    select: { id: true },
  });
  if (!shipment) return false;
  const minute = Math.floor(rec.happenedAt.getTime() / 60_000) * 60_000;
  const rows = await db.trackingEvent.findMany({
    where: {
      shipmentId: shipment.id,
      source: { in: [...SOURCE_PROVIDERS] },
      happenedAt: { gte: new Date(minute), lt: new Date(minute + 60_000) },
    },
    select: { status: true, happenedAt: true },
  });
  const id = scanIdentity({ status: rec.status, at: rec.happenedAt });
  return rows.some((r) => scanIdentity({ status: r.status, at: r.happenedAt }) === id);
}
