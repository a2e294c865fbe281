// Orders, fulfillments and fulfillment events on the database driver (lib/sql, decision 014): the
// topics that make up nearly all of a webhook storm. The same rules as every other fact source (the
// fold, the order summary, carrier detection, the event payloads: rules/ and shipments.server.ts),
// written with prepared statements in the caller's transaction, so one receipt is one short
// transaction: its order, shipments, events, transitions, outbox jobs and the order's summary.
// Returns and refunds (a few per cent of a storm) still go through Prisma (returns.server.ts).
import type { Db, Prisma } from "../db.server";
import { enqueueSql } from "../jobs/queue.server";
import {
  inList,
  insertRow,
  isConflict,
  isUniqueViolation,
  newId,
  type Sql,
  sqlFor,
  updateRows,
} from "../lib/sql.server";
import { carrierInfo } from "./fulfillments.server";
import {
  factFromFulfillmentEvent,
  factsFromFulfillment,
  type FulfillmentEventRecord,
  type FulfillmentRecord,
  type OrderRecord,
} from "./payloads";
import { cleanTrackingNumber } from "./rules/carriers";
import { foldShipment, summarizeOrder, transitionsBetween } from "./rules/fold";
import { withoutPersonalData } from "./rules/redaction";
import type { ShipmentFact, ShipmentKind, ShipmentState, Transition } from "./rules/types";
import {
  type ApplyResult,
  columnsFromState,
  dedupe,
  eventRow,
  factFromRow,
  STAGE_CHANGED,
  type StageChangedEvent,
  stageChangedJobs,
  stateFromRow,
  transitionRows,
} from "./shipments.server";
import { ORDER_CONFIRMED, type OrderConfirmedEvent, orderFields } from "./orders.server";

type ShipmentRow = Prisma.ShipmentGetPayload<object>;

/**
 * createdAt and updatedAt are the real time of the write, as Prisma's @default(now()) and @updatedAt
 * set them; `now` (the pipeline's clock, simulated in tests) is for what the facts say.
 */
const stamp = () => new Date();
type EventRow = Prisma.TrackingEventGetPayload<object>;

/** Another worker moved the shipment between our read and our write: the transaction is run again. */
export class ConcurrentUpdate extends Error {}

const EVENTS_OF = `SELECT * FROM "TrackingEvent" WHERE "shipmentId" = ?`;
const ORDER_KEYS = `SELECT "id", "shipCountry", "shipRegion" FROM "Order" WHERE "shopId" = ? AND "shopifyId" = ?`;

/**
 * Runs `fn` in one driver transaction, again from the start when another worker got in between (a
 * unique key it inserted first, a shipment it moved, a PostgreSQL serialization failure): the
 * transaction was rolled back whole, so the rerun sees their rows and applies the same rules.
 */
export async function inTransaction<T>(db: Db, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const sql = sqlFor(db);
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.transaction(fn);
    } catch (error) {
      const retryable = error instanceof ConcurrentUpdate || isUniqueViolation(error) || isConflict(error);
      if (!retryable || attempt >= 8) throw error;
    }
  }
}

async function one<T>(tx: Sql, text: string, params: unknown[], model: string): Promise<T | undefined> {
  return (await tx.all<T>(text, params, model))[0];
}

/** Finds or creates the shipment of a fulfillment, linked to its order when the order is known. */
export async function shipmentForSql(
  tx: Sql,
  shopId: string,
  fulfillmentId: string,
  orderShopifyId: string,
): Promise<ShipmentRow> {
  const find = `SELECT * FROM "Shipment" WHERE "shopId" = ? AND "shopifyFulfillmentId" = ?`;
  const found = await one<ShipmentRow>(tx, find, [shopId, fulfillmentId], "Shipment");
  if (found) return found;
  const order = await one<{ id: string; shipCountry: string | null; shipRegion: string | null }>(
    tx,
    ORDER_KEYS,
    [shopId, orderShopifyId],
    "Order",
  );
  await insertRow(
    tx,
    "Shipment",
    {
      id: newId(),
      shopId,
      shopifyFulfillmentId: fulfillmentId,
      orderShopifyId,
      orderId: order?.id ?? null,
      destCountry: order?.shipCountry ?? null,
      destRegion: order?.shipCountry && order.shipRegion ? `${order.shipCountry}-${order.shipRegion}` : null,
      createdAt: stamp(),
      updatedAt: stamp(),
    },
    // Another worker created it first: read theirs (the unique key is the fulfillment's id).
    `ON CONFLICT ("shopId", "shopifyFulfillmentId") DO NOTHING`,
  );
  const row = await one<ShipmentRow>(tx, find, [shopId, fulfillmentId], "Shipment");
  if (!row) throw new ConcurrentUpdate(); // PostgreSQL: theirs is not committed yet
  return row;
}

export interface ApplySqlOptions {
  webhookId: string | null;
  now: Date;
  /** Runs after the facts are stored, before the fold, whether or not any fact was new. */
  extra?: (tx: Sql, shipment: ShipmentRow) => Promise<void>;
}

/**
 * applyFacts (shipments.server.ts) on the driver: stores the new facts (a known key is skipped by
 * the unique [shopId, dedupeKey]), refolds, writes the state with a version check, its transitions
 * and domain events, and refreshes the order's summary when the shipment moved.
 */
export async function applyFactsSql(
  tx: Sql,
  shipment: ShipmentRow,
  facts: ShipmentFact[],
  opts: ApplySqlOptions,
): Promise<ApplyResult> {
  const kind = shipment.kind as ShipmentKind;
  const redacted = shipment.orderId
    ? (
        await tx.all<{ redactedAt: Date | null }>(`SELECT "redactedAt" FROM "Order" WHERE "id" = ?`, [shipment.orderId])
      )[0]?.redactedAt != null
    : false;
  const held = await tx.all<EventRow>(EVENTS_OF, [shipment.id], "TrackingEvent");
  const heldKeys = new Set(held.map((e) => e.dedupeKey));
  const fresh: ShipmentFact[] = [];
  for (const f of dedupe(facts)) {
    if (heldKeys.has(f.key)) continue;
    // A scan that arrives after customers/redact keeps its status, not the person (rules/redaction).
    const fact = redacted ? withoutPersonalData(kind, f) : f;
    const row = { id: newId(), ...eventRow(shipment.shopId, shipment.id, fact, opts.webhookId), createdAt: stamp() };
    // A key held by another shipment of the shop is skipped, as the unique key says.
    if ((await insertRow(tx, "TrackingEvent", row, `ON CONFLICT ("shopId", "dedupeKey") DO NOTHING`)) === 1)
      fresh.push(fact);
  }
  await opts.extra?.(tx, shipment);
  if (fresh.length === 0) return { inserted: 0, transitions: [] };

  // The facts: those the shipment held (read above) and those just written; nothing read twice.
  const all = [...held.map(factFromRow), ...fresh];
  const next = foldShipment(kind, all);
  const prev = stateFromRow(shipment);
  const transitions = transitionsBetween(prev, next, all);
  const changed = await updateRows(
    tx,
    "Shipment",
    { ...columnsFromState(next), version: shipment.version + 1, updatedAt: stamp() },
    `"id" = ? AND "version" = ?`,
    [shipment.id, shipment.version],
  );
  if (changed !== 1) throw new ConcurrentUpdate();
  await recordTransitionsSql(tx, shipment, transitions, next, !prev?.delayed && next.delayed, opts);
  if (transitions.length > 0 && shipment.orderId) await refreshOrderSummarySql(tx, shipment.orderId);
  return { inserted: fresh.length, transitions };
}

async function recordTransitionsSql(
  tx: Sql,
  shipment: ShipmentRow,
  transitions: Transition[],
  state: ShipmentState,
  delayStarted: boolean,
  opts: ApplySqlOptions,
): Promise<void> {
  for (const row of transitionRows(shipment, transitions, opts.webhookId))
    await insertRow(tx, "StageTransition", { id: newId(), ...row, createdAt: stamp() });
  for (const job of stageChangedJobs(shipment, transitions, state, delayStarted)) await enqueueSql(tx, job);
}

/** The shipment's tracking numbers become exactly these, in cleanTrackingNumber's form. */
async function setTrackingNumbersSql(tx: Sql, shopId: string, shipmentId: string, numbers: string[]): Promise<void> {
  const wanted = [...new Set(numbers.map(cleanTrackingNumber).filter(Boolean))];
  if (wanted.length === 0) await tx.run(`DELETE FROM "TrackingNumber" WHERE "shipmentId" = ?`, [shipmentId]);
  else
    await tx.run(`DELETE FROM "TrackingNumber" WHERE "shipmentId" = ? AND "number" NOT IN ${inList(wanted.length)}`, [
      shipmentId,
      ...wanted,
    ]);
  for (const number of wanted)
    await insertRow(
      tx,
      "TrackingNumber",
      { id: newId(), shopId, shipmentId, number },
      `ON CONFLICT ("shipmentId", "number") DO NOTHING`,
    );
}

export async function applyFulfillmentSql(
  tx: Sql,
  shopId: string,
  rec: FulfillmentRecord,
  webhookId: string | null,
  now: Date,
): Promise<ApplyResult> {
  const shipment = await shipmentForSql(tx, shopId, rec.shopifyId, rec.orderShopifyId);
  const info = carrierInfo(rec);
  return applyFactsSql(tx, shipment, factsFromFulfillment(rec), {
    webhookId,
    now,
    extra: async (t, s) => {
      // Carrier or tracking number changes in fulfillments/update: only a newer payload wins.
      if (s.fulfillmentUpdatedAt && s.fulfillmentUpdatedAt.getTime() > rec.updatedAt.getTime()) return;
      await updateRows(
        t,
        "Shipment",
        {
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
          updatedAt: stamp(),
        },
        `"id" = ?`,
        [s.id],
      );
      await setTrackingNumbersSql(t, shopId, s.id, info.trackingNumbers);
    },
  });
}

export async function applyFulfillmentEventSql(
  tx: Sql,
  shopId: string,
  rec: FulfillmentEventRecord,
  webhookId: string | null,
  now: Date,
): Promise<ApplyResult> {
  const shipment = await shipmentForSql(tx, shopId, rec.fulfillmentShopifyId, rec.orderShopifyId);
  return applyFactsSql(tx, shipment, [factFromFulfillmentEvent(rec)], { webhookId, now });
}

/** upsertOrder (orders.server.ts) on the driver: the newest payload wins; a new order is announced. */
export async function upsertOrderSql(tx: Sql, shopId: string, rec: OrderRecord): Promise<string> {
  const fields = orderFields(rec);
  const existing = (
    await tx.all<{ id: string; redactedAt: Date | null; factsAt: Date }>(
      `SELECT "id", "redactedAt", "factsAt" FROM "Order" WHERE "shopId" = ? AND "shopifyId" = ?`,
      [shopId, rec.shopifyId],
      "Order",
    )
  )[0];
  if (existing) {
    if (existing.redactedAt) return existing.id; // customers/redact already ran: keep it redacted
    // An older payload (Shopify retries, reordering) never overwrites a newer one.
    if (rec.updatedAt.getTime() >= existing.factsAt.getTime()) {
      await updateRows(tx, "Order", { ...fields, updatedAt: stamp() }, `"id" = ?`, [existing.id]);
      await refreshOrderSummarySql(tx, existing.id);
    }
    return existing.id;
  }
  const id = newId();
  // A unique violation here (another worker created it first) rolls the transaction back; the caller runs it again.
  await insertRow(tx, "Order", {
    id,
    shopId,
    shopifyId: rec.shopifyId,
    ...fields,
    createdAt: stamp(),
    updatedAt: stamp(),
  });
  await adoptOrphansSql(tx, shopId, {
    id,
    shopifyId: rec.shopifyId,
    shipCountry: rec.ship.country,
    shipRegion: rec.ship.region,
  });
  if (rec.attributedFromOrder) {
    await insertRow(
      tx,
      "AttributedOrder",
      {
        id: newId(),
        shopId,
        orderId: id,
        sourceOrder: rec.attributedFromOrder,
        revenueCents: rec.totalCents,
        currency: rec.currency,
        createdAt: stamp(),
      },
      `ON CONFLICT ("shopId", "orderId") DO NOTHING`,
    );
    await tx.run(`UPDATE "Order" SET "attributedSource" = 'tracking_page' WHERE "id" = ?`, [id]);
  }
  if (!rec.cancelledAt) {
    const event: OrderConfirmedEvent = { shopId, orderId: id };
    await enqueueSql(tx, { kind: ORDER_CONFIRMED, payload: { ...event }, singletonKey: `confirmed:${id}` });
  }
  await refreshOrderSummarySql(tx, id);
  return id;
}

export interface AdoptingOrder {
  id: string;
  shopifyId: string;
  shipCountry: string | null;
  shipRegion: string | null;
}

/**
 * Shipments and return cases that arrived before their order now find it, and each shipment's
 * current state is announced (it could not be while there was no order). Returns how many it adopted.
 */
export async function adoptOrphansSql(tx: Sql, shopId: string, order: AdoptingOrder): Promise<number> {
  const orphans = await tx.all<ShipmentRow>(
    `SELECT * FROM "Shipment" WHERE "shopId" = ? AND "orderShopifyId" = ? AND "orderId" IS NULL`,
    [shopId, order.shopifyId],
    "Shipment",
  );
  const destRegion =
    order.shipCountry && order.shipRegion ? `${order.shipCountry}-${order.shipRegion}` : order.shipCountry;
  for (const s of orphans) {
    await updateRows(
      tx,
      "Shipment",
      { orderId: order.id, destCountry: order.shipCountry, destRegion, updatedAt: stamp() },
      `"id" = ?`,
      [s.id],
    );
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
    await enqueueSql(tx, { kind: STAGE_CHANGED, payload: { ...event }, singletonKey: `stage:${s.id}:order_arrived` });
  }
  await tx.run(
    `UPDATE "ReturnCase" SET "orderId" = ?, "updatedAt" = ? WHERE "shopId" = ? AND "orderShopifyId" = ? AND "orderId" IS NULL`,
    [order.id, stamp(), shopId, order.shopifyId],
  );
  return orphans.length;
}

/** refreshOrderSummary (orders.server.ts) on the driver: the order's stage from its shipments'. */
export async function refreshOrderSummarySql(tx: Sql, orderId: string): Promise<void> {
  // The order's row lock before reading its shipments (see refreshOrderSummary): a no-op UPDATE.
  await tx.run(`UPDATE "Order" SET "stage" = "stage" WHERE "id" = ?`, [orderId]);
  const order = (
    await tx.all<{ cancelledAt: Date | null; fulfillmentStatus: string | null; firstFulfilledAt: Date | null }>(
      `SELECT "cancelledAt", "fulfillmentStatus", "firstFulfilledAt" FROM "Order" WHERE "id" = ?`,
      [orderId],
      "Order",
    )
  )[0];
  if (!order) return;
  const shipments = await tx.all<ShipmentRow>(`SELECT * FROM "Shipment" WHERE "orderId" = ?`, [orderId], "Shipment");
  const summary = summarizeOrder(
    shipments.map(stateFromRow).filter((s) => s !== null),
    {
      cancelled: order.cancelledAt !== null,
      hasUnfulfilledItems: order.fulfillmentStatus === "partial",
    },
  );
  const firstLabel = shipments
    .filter((s) => s.kind === "outbound" && s.labelCreatedAt)
    .map((s) => s.labelCreatedAt!.getTime())
    .sort((a, b) => a - b)[0];
  await updateRows(
    tx,
    "Order",
    {
      stage: summary.stage,
      subStatus: summary.subStatus,
      firstFulfilledAt: firstLabel ? new Date(firstLabel) : order.firstFulfilledAt,
      updatedAt: stamp(),
    },
    `"id" = ?`,
    [orderId],
  );
}
