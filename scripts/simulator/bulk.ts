// The fast path for benchmark datasets: the generator's stories written straight into the database
// (orders, shipments, tracking numbers, tracking events, stage transitions) in batched createMany
// calls, skipping HTTP and the worker. States come from the app's own pure fold of the same facts
// the webhooks would carry, so the rows look like what the pipeline writes. A million shipments
// take minutes, not hours; a progress callback reports as batches land.
import { randomUUID } from "node:crypto";
import { dbProvider, type Db, type Prisma } from "../../app/db.server";
import { HOUR_MS } from "../../app/lib/time";
import {
  cleanTrackingNumber,
  foldShipment,
  replayTransitions,
  resolveCarrier,
  type ShipmentFact,
} from "../../app/pipeline/rules";
import { createGenerator, DEMO_SHOP, type GeneratorOptions, type OrderStory } from "./generator";

export interface BulkOptions extends GeneratorOptions {
  /** Orders to write (each has one or two shipments). */
  orders: number;
  /** Orders per transaction. */
  batchSize?: number;
  /** First order index (to append to an existing dataset). */
  startIndex?: number;
  onProgress?: (ordersWritten: number, shipmentsWritten: number) => void;
}

export interface BulkResult {
  shopId: string;
  orders: number;
  shipments: number;
  events: number;
  ms: number;
}

type OrderRow = Prisma.OrderCreateManyInput;
type ShipmentRow = Prisma.ShipmentCreateManyInput;
type EventRow = Prisma.TrackingEventCreateManyInput;
type TransitionRow = Prisma.StageTransitionCreateManyInput;
type NumberRow = Prisma.TrackingNumberCreateManyInput;

/** Rows for one story, as of `now` (facts after `now` are not known yet). */
export function rowsForStory(story: OrderStory, shopId: string, now: Date) {
  const orderId = randomUUID();
  const placed = story.placedAt;
  const cancelled = story.scenario === "cancelled";
  const order: OrderRow = {
    id: orderId,
    shopId,
    shopifyId: story.orderId,
    name: story.name,
    orderNumber: story.orderNumber,
    email: story.email,
    phone: story.phone,
    customerFirstName: story.firstName,
    deliveryMethod: story.scenario === "pickup" ? "local_pickup" : "shipping",
    shipCity: story.destination?.city ?? null,
    shipRegion: story.destination?.provinceCode ?? null,
    shipCountry: story.destination?.countryCode ?? null,
    shipZip: story.destination?.zip ?? null,
    processedAt: placed,
    cancelledAt: cancelled ? new Date(placed.getTime() + HOUR_MS) : null,
    stage: 1,
    subStatus: "confirmed",
    factsAt: placed,
  };
  const shipments: ShipmentRow[] = [];
  const events: EventRow[] = [];
  const transitions: TransitionRow[] = [];
  const numbers: NumberRow[] = [];
  if (!cancelled) {
    for (const s of story.shipments) {
      const created = s.createdAt;
      if (created > now) continue;
      const facts: ShipmentFact[] = [
        { key: `f:${s.fulfillmentId}:created`, source: "fulfillment", status: "label_purchased", at: created },
        ...s.statuses
          .filter((x) => x.at <= now)
          .map((x, k) => ({
            key: `fe:${s.fulfillmentId}:${k}`,
            source: "fulfillment_event" as const,
            status: x.status,
            at: x.at,
          })),
      ];
      const state = foldShipment("outbound", facts);
      const id = randomUUID();
      const carrier = resolveCarrier(s.carrier, s.trackingNumbers[0]);
      shipments.push({
        id,
        shopId,
        orderId,
        orderShopifyId: story.orderId,
        kind: "outbound",
        shopifyFulfillmentId: s.fulfillmentId,
        name: s.name,
        fulfillmentStatus: "success",
        carrier: carrier?.name ?? s.carrier,
        carrierCode: carrier?.code ?? null,
        service: s.service,
        trackingNumbers: s.trackingNumbers,
        primaryTracking: s.trackingNumbers[0] ?? null,
        stage: state.stage,
        subStatus: state.subStatus,
        lastStatus: state.lastStatus,
        delayed: state.delayed,
        needsAttention: state.needsAttention,
        carrierEdd: state.carrierEdd,
        destCountry: story.destination?.countryCode ?? null,
        destRegion: story.destination?.provinceCode
          ? `${story.destination.countryCode}-${story.destination.provinceCode}`
          : (story.destination?.countryCode ?? null),
        lastLocation: state.lastLocation,
        lastEventAt: state.lastEventAt,
        labelCreatedAt: state.milestones.labelCreatedAt,
        inTransitAt: state.milestones.inTransitAt,
        outForDeliveryAt: state.milestones.outForDeliveryAt,
        attemptedAt: state.milestones.attemptedAt,
        deliveredAt: state.milestones.deliveredAt,
        failedAt: state.milestones.failedAt,
        factsAt: state.factsAt,
        fulfillmentUpdatedAt: created,
      });
      for (const n of new Set(s.trackingNumbers.map(cleanTrackingNumber)))
        numbers.push({ shopId, shipmentId: id, number: n });
      for (const f of facts)
        events.push({
          shopId,
          shipmentId: id,
          dedupeKey: `bulk:${f.key}`,
          source: f.source,
          status: f.status,
          happenedAt: f.at,
        });
      for (const t of replayTransitions("outbound", facts)) {
        transitions.push({
          shopId,
          shipmentId: id,
          fromStage: t.fromStage,
          toStage: t.toStage,
          fromStatus: t.fromStatus,
          toStatus: t.toStatus,
          at: t.at,
          cause: t.cause,
        });
      }
      if (state.stage > (order.stage as number)) {
        order.stage = state.stage;
        order.subStatus = state.subStatus;
      }
    }
  }
  return { order, shipments, events, transitions, numbers };
}

/** Writes `orders` generated orders (and their shipments, numbers, events) for the shop. */
export async function bulkLoad(db: Db, options: BulkOptions): Promise<BulkResult> {
  const started = Date.now();
  const shopDomain = options.shop ?? DEMO_SHOP;
  const shop = await db.shop.upsert({
    where: { domain: shopDomain },
    create: { domain: shopDomain, name: "Bulk benchmark shop" },
    update: {},
  });
  const gen = createGenerator({ ...options, seedOrders: options.seedOrders ?? options.orders });
  const now = gen.options.now;
  const batch = options.batchSize ?? 500;
  const start = options.startIndex ?? 0;
  let orders = 0;
  let shipments = 0;
  let events = 0;
  for (let i = start; i < start + options.orders; i += batch) {
    const o: OrderRow[] = [];
    const s: ShipmentRow[] = [];
    const e: EventRow[] = [];
    const t: TransitionRow[] = [];
    const n: NumberRow[] = [];
    for (let k = i; k < Math.min(start + options.orders, i + batch); k++) {
      const rows = rowsForStory(gen.story(k, { bodies: false }), shop.id, now);
      o.push(rows.order);
      s.push(...rows.shipments);
      e.push(...rows.events);
      t.push(...rows.transitions);
      n.push(...rows.numbers);
    }
    if (dbProvider(db) === "sqlite") {
      // Prisma's createMany costs ~1 ms a row on SQLite's driver adapter: multi-row INSERTs through
      // $executeRawUnsafe are ~50× faster, with values stored exactly as Prisma stores them.
      const at = new Date();
      await db.$transaction([
        ...sqliteInserts(
          db,
          "Order",
          o.map((r) => ({ createdAt: at, updatedAt: at, ...r })),
        ),
        ...sqliteInserts(
          db,
          "Shipment",
          s.map((r) => ({ createdAt: at, updatedAt: at, ...r })),
        ),
        ...sqliteInserts(
          db,
          "TrackingNumber",
          n.map((r) => ({ id: randomUUID(), ...r })),
        ),
        ...sqliteInserts(
          db,
          "TrackingEvent",
          e.map((r) => ({ id: randomUUID(), createdAt: at, ...r })),
        ),
        ...sqliteInserts(
          db,
          "StageTransition",
          t.map((r) => ({ id: randomUUID(), createdAt: at, ...r })),
        ),
      ]);
    } else {
      await db.$transaction([
        db.order.createMany({ data: o }),
        db.shipment.createMany({ data: s }),
        db.trackingNumber.createMany({ data: n }),
        db.trackingEvent.createMany({ data: e }),
        db.stageTransition.createMany({ data: t }),
      ]);
    }
    orders += o.length;
    shipments += s.length;
    events += e.length;
    options.onProgress?.(orders, shipments);
  }
  return { shopId: shop.id, orders, shipments, events, ms: Date.now() - started };
}

/** SQLite values as Prisma writes them: ISO times with an explicit offset, booleans 0/1, JSON as text. */
function sqliteValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number" || typeof v === "string") return v;
  return JSON.stringify(v);
}

/** Multi-row INSERT statements for rows of one table (same keys in every row), under SQLite's variable limit. */
function sqliteInserts(db: Db, table: string, rows: Record<string, unknown>[]) {
  if (rows.length === 0) return [];
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const perStatement = Math.max(1, Math.floor(30_000 / columns.length));
  const statements = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const tuple = `(${columns.map(() => "?").join(",")})`;
    const sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(",")}) VALUES ${chunk.map(() => tuple).join(",")}`;
    statements.push(db.$executeRawUnsafe(sql, ...chunk.flatMap((r) => columns.map((c) => sqliteValue(r[c])))));
  }
  return statements;
}
