// Returns (stage 5): a ReturnCase per Shopify return and one return Shipment for it, whose facts
// (requested, approved, label with its own tracking, received/disposed, refunded, declined,
// cancelled) fold like any shipment's. The case's status follows its newest payload only.
import type { Db } from "../db.server";
import { detectCarrier } from "./rules/carriers";
import {
  factFromRefund,
  factFromReverseDelivery,
  factsFromReturn,
  factsFromReverseFulfillmentOrderDispose,
  type RefundRecord,
  type ReturnRecord,
  type ReverseDeliveryRecord,
  type ReverseFulfillmentOrderDisposeRecord,
} from "./payloads";
import { refreshOrderSummary } from "./orders.server";
import { type AfterFold, applyFacts, setTrackingNumbers, type ApplyResult } from "./shipments.server";

/** The return case and its return shipment, created on first sight of either. */
async function returnShipmentFor(
  db: Db,
  shopId: string,
  returnId: string,
  orderShopifyId: string | null,
): Promise<{ caseId: string; shipmentId: string }> {
  const order = orderShopifyId
    ? await db.order.findUnique({
        where: { shopId_shopifyId: { shopId, shopifyId: orderShopifyId } },
        select: { id: true, shipCountry: true, shipRegion: true },
      })
    : null;
  const rc = await db.returnCase.upsert({
    where: { shopId_shopifyReturnId: { shopId, shopifyReturnId: returnId } },
    create: { shopId, shopifyReturnId: returnId, orderShopifyId: orderShopifyId ?? "", orderId: order?.id ?? null },
    update: orderShopifyId ? { orderShopifyId, ...(order ? { orderId: order.id } : {}) } : {},
    select: { id: true, orderId: true, orderShopifyId: true },
  });
  const shipment = await db.shipment.upsert({
    where: { shopId_returnCaseId: { shopId, returnCaseId: rc.id } },
    create: {
      shopId,
      kind: "return",
      returnCaseId: rc.id,
      orderId: rc.orderId,
      orderShopifyId: rc.orderShopifyId || null,
      stage: 5,
      subStatus: "return_requested",
    },
    // The case may learn its order's id before the order itself arrives (a reverse delivery names no
    // order): keep the shipment's copy current, or upsertOrder could not find it as an orphan.
    update: {
      ...(rc.orderShopifyId ? { orderShopifyId: rc.orderShopifyId } : {}),
      ...(rc.orderId ? { orderId: rc.orderId } : {}),
    },
    select: { id: true },
  });
  return { caseId: rc.id, shipmentId: shipment.id };
}

const CASE_STATUS: Record<string, string> = {
  "returns/request": "requested",
  "returns/approve": "approved",
  "returns/decline": "declined",
  "returns/cancel": "cancelled",
  "returns/close": "closed",
};

export async function applyReturn(
  db: Db,
  shopId: string,
  rec: ReturnRecord,
  webhookId: string | null,
): Promise<ApplyResult> {
  const { caseId, shipmentId } = await returnShipmentFor(db, shopId, rec.shopifyReturnId, rec.orderShopifyId);
  const status = CASE_STATUS[rec.topic] ?? rec.status ?? "requested";
  const stamp: Record<string, Date> = {};
  if (status === "requested") stamp.requestedAt = rec.at;
  if (status === "approved") stamp.approvedAt = rec.at;
  if (status === "declined") stamp.declinedAt = rec.at;
  if (status === "cancelled") stamp.cancelledAt = rec.at;
  if (status === "closed") stamp.closedAt = rec.at;
  const result = await applyFacts(db, shipmentId, factsFromReturn(rec), {
    webhookId,
    afterFold: syncCase(caseId),
    extra: async (tx) => {
      const rc = await tx.returnCase.findUniqueOrThrow({ where: { id: caseId } });
      const newer = !rc.factsAt || rc.factsAt.getTime() <= rec.at.getTime();
      await tx.returnCase.update({
        where: { id: caseId },
        data: {
          ...stamp,
          ...(newer ? { status, factsAt: rec.at } : {}),
          ...(rec.name ? { name: rec.name } : {}),
          ...(rec.declineReason ? { declineReason: rec.declineReason, declineNote: rec.declineNote } : {}),
          ...(rec.lineItems.length ? { lineItems: rec.lineItems.map((li) => ({ ...li })) } : {}),
        },
      });
    },
  });
  return result;
}

export async function applyReverseDelivery(
  db: Db,
  shopId: string,
  rec: ReverseDeliveryRecord,
  webhookId: string | null,
): Promise<ApplyResult> {
  const { caseId, shipmentId } = await returnShipmentFor(db, shopId, rec.returnShopifyId, rec.orderShopifyId);
  const numbers = rec.trackingNumber ? [rec.trackingNumber] : [];
  const detected = rec.trackingNumber && !rec.carrier ? detectCarrier(rec.trackingNumber) : null;
  const result = await applyFacts(db, shipmentId, [factFromReverseDelivery(rec)], {
    webhookId,
    afterFold: syncCase(caseId),
    extra: async (tx, shipment) => {
      await tx.shipment.update({
        where: { id: shipment.id },
        data: {
          reverseDeliveryId: rec.reverseDeliveryId,
          carrier: rec.carrier ?? detected?.name ?? null,
          carrierCode: detected?.code ?? null,
          trackingNumbers: numbers,
          trackingUrls: rec.trackingUrl ? [rec.trackingUrl] : detected ? [detected.trackingUrl] : [],
          primaryTracking: rec.trackingNumber ?? null,
          returnLabelUrl: rec.labelUrl ?? shipment.returnLabelUrl,
        },
      });
      await setTrackingNumbers(tx, shopId, shipment.id, numbers);
    },
  });
  return result;
}

/**
 * Shopify's dispose payload names the reverse fulfillment order, not its return; it moves a return
 * shipment only when the return is known (the payload or the caller resolved it).
 */
export async function applyDisposal(
  db: Db,
  shopId: string,
  rec: ReverseFulfillmentOrderDisposeRecord,
  webhookId: string | null,
): Promise<ApplyResult | null> {
  if (!rec.returnShopifyId) return null;
  const { caseId, shipmentId } = await returnShipmentFor(db, shopId, rec.returnShopifyId, null);
  const result = await applyFacts(db, shipmentId, factsFromReverseFulfillmentOrderDispose(rec), {
    webhookId,
    afterFold: syncCase(caseId),
  });
  return result;
}

export async function applyRefund(
  db: Db,
  shopId: string,
  rec: RefundRecord,
  webhookId: string | null,
): Promise<ApplyResult | null> {
  if (!rec.returnShopifyId) return null; // refunds without a return do not move a shipment
  const { caseId, shipmentId } = await returnShipmentFor(db, shopId, rec.returnShopifyId, rec.orderShopifyId);
  const result = await applyFacts(db, shipmentId, [factFromRefund(rec)], {
    webhookId,
    afterFold: syncCase(caseId),
    extra: async (tx) => {
      await tx.returnCase.update({
        where: { id: caseId },
        data: { refundedAt: rec.createdAt, refundCents: rec.amountCents },
      });
    },
  });
  return result;
}

/**
 * For applyFacts: mirrors the return shipment's received milestone onto its case, and refreshes the
 * order on every new fact, moved or not: the shipment may have just been linked to its order
 * (returnShipmentFor), which changes the order's summary without changing the shipment's status.
 */
function syncCase(caseId: string): AfterFold {
  return async (tx, shipment, state) => {
    if (state.milestones.deliveredAt)
      await tx.returnCase.update({ where: { id: caseId }, data: { receivedAt: state.milestones.deliveredAt } });
    if (shipment.orderId) await refreshOrderSummary(tx, shipment.orderId);
  };
}
