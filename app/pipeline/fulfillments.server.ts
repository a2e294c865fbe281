// Outbound shipments from fulfillments and their carrier events. A shipment is keyed by its
// fulfillment id, so an event that arrives before its fulfillment creates the shipment and the
// fulfillment later fills in carrier and tracking. Carrier and tracking follow the newest payload.
import type { Db } from "../db.server";
import { resolveCarrier, trackingUrlFor } from "./rules/carriers";
import {
  factFromFulfillmentEvent,
  factsFromFulfillment,
  type FulfillmentEventRecord,
  type FulfillmentRecord,
} from "./payloads";
import { refreshSummaryAfterMove } from "./orders.server";
import { applyFacts, setTrackingNumbers, type ApplyResult } from "./shipments.server";

/** Finds or creates the shipment of a fulfillment; links it to its order when the order is known. */
async function shipmentFor(db: Db, shopId: string, fulfillmentId: string, orderShopifyId: string): Promise<string> {
  const order = await db.order.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: orderShopifyId } },
    select: { id: true, shipCountry: true, shipRegion: true },
  });
  const shipment = await db.shipment.upsert({
    where: { shopId_shopifyFulfillmentId: { shopId, shopifyFulfillmentId: fulfillmentId } },
    create: {
      shopId,
      shopifyFulfillmentId: fulfillmentId,
      orderShopifyId,
      orderId: order?.id ?? null,
      destCountry: order?.shipCountry ?? null,
      destRegion: order?.shipCountry && order.shipRegion ? `${order.shipCountry}-${order.shipRegion}` : null,
    },
    update: {},
    select: { id: true },
  });
  return shipment.id;
}

export interface CarrierInfo {
  carrier: string | null;
  carrierCode: string | null;
  trackingNumbers: string[];
  trackingUrls: string[];
}

/** Shopify's carrier when it names one, else the one the tracking number's format reveals. */
export function carrierInfo(
  rec: Pick<FulfillmentRecord, "trackingCompany" | "trackingNumbers" | "trackingUrls">,
): CarrierInfo {
  const numbers = rec.trackingNumbers;
  const resolved = resolveCarrier(rec.trackingCompany, numbers[0]);
  const code = resolved?.code ?? null;
  // Shopify's own tracking URL first; else the carrier's page for the number.
  const urls = numbers
    .map((n, i) => rec.trackingUrls[i] ?? (code ? trackingUrlFor(code, n) : null) ?? "")
    .filter(Boolean);
  return {
    carrier: rec.trackingCompany ?? resolved?.name ?? null,
    carrierCode: code,
    trackingNumbers: numbers,
    trackingUrls: urls,
  };
}

export async function applyFulfillment(
  db: Db,
  shopId: string,
  rec: FulfillmentRecord,
  webhookId: string | null,
): Promise<ApplyResult> {
  const shipmentId = await shipmentFor(db, shopId, rec.shopifyId, rec.orderShopifyId);
  const info = carrierInfo(rec);
  const result = await applyFacts(db, shipmentId, factsFromFulfillment(rec), {
    webhookId,
    afterFold: refreshSummaryAfterMove,
    extra: async (tx, shipment) => {
      // Carrier or tracking number changes in fulfillments/update: only a newer payload wins.
      if (shipment.fulfillmentUpdatedAt && shipment.fulfillmentUpdatedAt.getTime() > rec.updatedAt.getTime()) return;
      await tx.shipment.update({
        where: { id: shipment.id },
        data: {
          name: rec.name,
          fulfillmentStatus: rec.status,
          carrier: info.carrier,
          carrierCode: info.carrierCode,
          service: rec.service,
          trackingNumbers: info.trackingNumbers,
          trackingUrls: info.trackingUrls,
          primaryTracking: info.trackingNumbers[0] ?? null,
          lineItems: rec.lineItems,
          fulfillmentUpdatedAt: rec.updatedAt,
        },
      });
      await setTrackingNumbers(tx, shopId, shipment.id, info.trackingNumbers);
    },
  });
  return result;
}

export async function applyFulfillmentEvent(
  db: Db,
  shopId: string,
  rec: FulfillmentEventRecord,
  webhookId: string | null,
): Promise<ApplyResult> {
  const shipmentId = await shipmentFor(db, shopId, rec.fulfillmentShopifyId, rec.orderShopifyId);
  return applyFacts(db, shipmentId, [factFromFulfillmentEvent(rec)], { webhookId, afterFold: refreshSummaryAfterMove });
}
