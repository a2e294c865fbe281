// Orders repository: an order's own fields follow its newest payload (updated_at), never an older
// one; its stage is the summary of its shipments. A new order announces "order confirmed".
import { prismaErrorCode, type Db } from "../db.server";
import { summarizeOrder } from "./rules/fold";
import type { OrderRecord } from "./payloads";
import { normalizePhone } from "../lib/phone";
import { timezoneForAddress } from "../lib/timezones";
import { enqueue } from "../jobs/queue.server";
import { type AfterFold, STAGE_CHANGED, stateFromRow, type StageChangedEvent, type Tx } from "./shipments.server";

export const ORDER_CONFIRMED = "tracking.order_confirmed";

export interface OrderConfirmedEvent {
  shopId: string;
  orderId: string;
}

/** An order's own fields, as its payload gives them. */
function orderFields(rec: OrderRecord) {
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

type OrderFields = ReturnType<typeof orderFields>;

/** Creates or updates an order from a payload; returns the order's id. */
export async function upsertOrder(db: Db, shopId: string, rec: OrderRecord): Promise<string> {
  const fields = orderFields(rec);
  // Two workers can take two topics of one new order at the same moment (orders/create and
  // orders/paid arrive within milliseconds): both find no row, and the later create fails on the
  // unique [shopId, shopifyId] when the first commits. Its transaction is rolled back whole, so run it
  // again at once: it now finds the other's row and applies the newer-payload rule, instead of
  // failing the job into a retry backoff (seen in the scale-out bench).
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeOrder(db, shopId, rec, fields);
    } catch (error) {
      if (attempt >= 3 || prismaErrorCode(error) !== "P2002") throw error;
    }
  }
}

async function writeOrder(db: Db, shopId: string, rec: OrderRecord, fields: OrderFields): Promise<string> {
  return db.$transaction(async (tx) => {
    const existing = await tx.order.findUnique({ where: { shopId_shopifyId: { shopId, shopifyId: rec.shopifyId } } });
    if (existing) {
      if (existing.redactedAt) return existing.id; // customers/redact already ran: keep it redacted
      // An older payload (Shopify retries, reordering) never overwrites a newer one.
      if (rec.updatedAt.getTime() >= existing.factsAt.getTime()) {
        await tx.order.update({ where: { id: existing.id }, data: fields });
        await refreshOrderSummary(tx, existing.id);
      }
      return existing.id;
    }
    const order = await tx.order.create({
      data: { shopId, shopifyId: rec.shopifyId, ...fields },
      select: { id: true },
    });
    await adoptOrphans(tx, shopId, {
      id: order.id,
      shopifyId: rec.shopifyId,
      shipCountry: rec.ship.country,
      shipRegion: rec.ship.region,
    });
    if (rec.attributedFromOrder) {
      await tx.attributedOrder.upsert({
        where: { shopId_orderId: { shopId, orderId: order.id } },
        create: {
          shopId,
          orderId: order.id,
          sourceOrder: rec.attributedFromOrder,
          revenueCents: rec.totalCents,
          currency: rec.currency,
        },
        update: {},
      });
      await tx.order.update({ where: { id: order.id }, data: { attributedSource: "tracking_page" } });
    }
    if (!rec.cancelledAt) {
      const event: OrderConfirmedEvent = { shopId, orderId: order.id };
      await enqueue(tx, { kind: ORDER_CONFIRMED, payload: { ...event }, singletonKey: `confirmed:${order.id}` });
    }
    await refreshOrderSummary(tx, order.id);
    return order.id;
  });
}

interface AdoptingOrder {
  id: string;
  shopifyId: string;
  shipCountry: string | null;
  shipRegion: string | null;
}

/**
 * Shipments and return cases that arrived before their order (fulfillment events can) now find it,
 * and each shipment's current state is announced: it could not be while there was no order to write
 * to. Returns how many shipments it adopted.
 */
async function adoptOrphans(tx: Tx, shopId: string, order: AdoptingOrder): Promise<number> {
  const orphans = await tx.shipment.findMany({ where: { shopId, orderShopifyId: order.shopifyId, orderId: null } });
  await tx.shipment.updateMany({
    where: { id: { in: orphans.map((s) => s.id) } },
    data: {
      orderId: order.id,
      destCountry: order.shipCountry,
      destRegion:
        order.shipCountry && order.shipRegion ? `${order.shipCountry}-${order.shipRegion}` : order.shipCountry,
    },
  });
  for (const s of orphans) {
    if (!s.factsAt) continue;
    const event: StageChangedEvent = {
      shopId,
      shipmentId: s.id,
      orderId: order.id,
      kind: s.kind as StageChangedEvent["kind"],
      delayed: s.delayed,
      delayStarted: s.delayed,
      transition: {
        fromStage: null,
        toStage: s.stage,
        fromStatus: null,
        toStatus: s.subStatus,
        at: s.factsAt.toISOString(),
        cause: "order_arrived",
      },
    };
    await enqueue(tx, { kind: STAGE_CHANGED, payload: { ...event }, singletonKey: `stage:${s.id}:order_arrived` });
  }
  await tx.returnCase.updateMany({
    where: { shopId, orderShopifyId: order.shopifyId, orderId: null },
    data: { orderId: order.id },
  });
  return orphans.length;
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
    adopted += await db.$transaction(async (tx) => {
      const n = await adoptOrphans(tx, s.shopId, order);
      if (n > 0) await refreshOrderSummary(tx, order.id);
      return n;
    });
  }
  return adopted;
}

/** For applyFacts: the order's stage follows its shipments', refreshed when one of them moved. */
export const refreshSummaryAfterMove: AfterFold = async (tx, shipment, _state, transitions) => {
  if (transitions.length > 0 && shipment.orderId) await refreshOrderSummary(tx, shipment.orderId);
};

/** Recomputes an order's stage and sub-status from its shipments. */
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
