// Orders repository: an order's own fields follow its newest payload (updated_at), never an older
// one; its stage is the summary of its shipments. A new order announces "order confirmed".
import type { Db } from "../db.server";
import { summarizeOrder } from "./rules/fold";
import type { OrderRecord } from "./payloads";
import { normalizePhone } from "../lib/phone";
import { timezoneForAddress } from "../lib/timezones";
import { adoptOrphansSql, inTransaction, refreshOrderSummarySql, upsertOrderSql } from "./outbound.server";
import { type AfterFold, stateFromRow, type Tx } from "./shipments.server";

export const ORDER_CONFIRMED = "tracking.order_confirmed";

export interface OrderConfirmedEvent {
  shopId: string;
  orderId: string;
}

/** An order's own fields, as its payload gives them. */
export function orderFields(rec: OrderRecord) {
  return {
    name: rec.name,
    orderNumber: rec.orderNumber,
    email: rec.email,
    phone: rec.phone ? normalizePhone(rec.phone, rec.ship.country ?? undefined) : null,
    customerShopifyId: rec.customerShopifyId,
    customerFirstName: rec.customerFirstName,
    customerLocale: rec.customerLocale,
    customerTimezone: timezoneForAddress(rec.ship.country, rec.ship.region),
    smsConsent: rec.smsConsent,
    financialStatus: rec.financialStatus,
    fulfillmentStatus: rec.fulfillmentStatus,
    deliveryMethod: rec.deliveryMethod,
    totalCents: rec.totalCents,
    currency: rec.currency,
    lineItems: rec.lineItems.map((li) => ({ ...li })),
    shipCity: rec.ship.city,
    shipRegion: rec.ship.region,
    shipCountry: rec.ship.country,
    shipZip: rec.ship.zip,
    processedAt: rec.processedAt,
    cancelledAt: rec.cancelledAt,
    cancelReason: rec.cancelReason,
    factsAt: rec.updatedAt,
  };
}

/** Creates or updates an order from a payload, in a transaction of its own; returns the order's id. */
export async function upsertOrder(db: Db, shopId: string, rec: OrderRecord): Promise<string> {
  // Two workers can take two topics of one new order at the same moment (orders/create and
  // orders/paid arrive within milliseconds): the later insert fails on the unique [shopId, shopifyId]
  // and inTransaction runs it again, when it finds the other's row and applies the newer-payload rule.
  return inTransaction(db, (tx) => upsertOrderSql(tx, shopId, rec));
}

/**
 * The safety net for a race between workers on PostgreSQL: a fulfillment processed while another
 * worker creates its order can miss it (its lookup ran before the order committed, the order's
 * search for orphans before the shipment did) and stay without an order. Adopts such shipments
 * whose order now exists; those younger than `graceMs` are left to the pipeline.
 */
export async function adoptStrayShipments(db: Db, now: Date, graceMs = 60_000): Promise<number> {
  const strays = await db.shipment.findMany({
    where: { orderId: null, orderShopifyId: { not: null }, createdAt: { lt: new Date(now.getTime() - graceMs) } },
    select: { shopId: true, orderShopifyId: true },
    distinct: ["shopId", "orderShopifyId"],
    take: 500,
  });
  let adopted = 0;
  for (const s of strays) {
    const order = await db.order.findUnique({
      where: { shopId_shopifyId: { shopId: s.shopId, shopifyId: s.orderShopifyId! } },
      select: { id: true, shopifyId: true, shipCountry: true, shipRegion: true },
    });
    if (!order) continue; // its order has not arrived (yet)
    adopted += await inTransaction(db, async (tx) => {
      const n = await adoptOrphansSql(tx, s.shopId, order);
      if (n > 0) await refreshOrderSummarySql(tx, order.id);
      return n;
    });
  }
  return adopted;
}

/**
 * Recomputes an order's stage and sub-status from its shipments, in a Prisma transaction (returns;
 * the driver's twin, refreshOrderSummarySql, serves orders and fulfillments).
 */
export async function refreshOrderSummary(tx: Tx, orderId: string): Promise<void> {
  // Take the order's row lock before reading its shipments: two workers moving two shipments of one
  // order would otherwise each read the other's shipment as it was, and the later write would lose
  // the earlier move (PostgreSQL, READ COMMITTED). A no-op UPDATE locks the row on both databases.
  await tx.$executeRaw`UPDATE "Order" SET "stage" = "stage" WHERE "id" = ${orderId}`;
  const order = await tx.order.findUnique({
    where: { id: orderId },
    select: { cancelledAt: true, fulfillmentStatus: true, firstFulfilledAt: true },
  });
  if (!order) return;
  const shipments = await tx.shipment.findMany({ where: { orderId } });
  const states = shipments.map(stateFromRow).filter((s) => s !== null);
  const summary = summarizeOrder(states, {
    cancelled: order.cancelledAt !== null,
    hasUnfulfilledItems: order.fulfillmentStatus === "partial",
  });
  const firstLabel = shipments
    .filter((s) => s.kind === "outbound" && s.labelCreatedAt)
    .map((s) => s.labelCreatedAt!.getTime())
    .sort((a, b) => a - b)[0];
  await tx.order.update({
    where: { id: orderId },
    data: {
      stage: summary.stage,
      subStatus: summary.subStatus,
      firstFulfilledAt: firstLabel ? new Date(firstLabel) : order.firstFulfilledAt,
    },
  });
}

/** For applyFacts (the Prisma path: carrier sources): the order's stage follows its shipments', refreshed when one moved. */
export const refreshSummaryAfterMove: AfterFold = async (tx, shipment, _state, transitions) => {
  if (transitions.length > 0 && shipment.orderId) await refreshOrderSummary(tx, shipment.orderId);
};
