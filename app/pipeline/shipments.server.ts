// Shipments repository: folds facts into a shipment's state in one transaction with its tracking
// events, stage transitions and the domain events that announce them (the outbox). The state is
// recomputed from the full set of facts every time, so arrival order and duplicates never matter;
// a version column makes two workers folding the same shipment retry instead of overwriting.
import { type Prisma, prismaErrorCode, type Db } from "../db.server";
import { cleanTrackingNumber } from "./rules/carriers";
import { foldShipment, transitionsBetween } from "./rules/fold";
import { withoutPersonalData } from "./rules/redaction";
import type { ShipmentFact, ShipmentKind, ShipmentState, Stage, Transition } from "./rules/types";
import { enqueue, type EnqueueInput } from "../jobs/queue.server";

export type Tx = Prisma.TransactionClient;
export const STAGE_CHANGED = "tracking.stage_changed";

type ShipmentRow = Prisma.ShipmentGetPayload<object>;
type EventRow = Prisma.TrackingEventGetPayload<object>;

export interface StageChangedEvent {
  shopId: string;
  shipmentId: string;
  orderId: string | null;
  kind: ShipmentKind;
  /** The stage/sub-status change, or null when only the delay flag was raised. */
  transition: {
    fromStage: number | null;
    toStage: number;
    fromStatus: string | null;
    toStatus: string;
    at: string;
    cause: string;
  } | null;
  delayed: boolean;
  /** True when this change raised the delay flag (announced once; see notify policy). */
  delayStarted: boolean;
}

class ConcurrentUpdate extends Error {}

export function factFromRow(e: EventRow): ShipmentFact {
  return {
    key: e.dedupeKey,
    source: e.source as ShipmentFact["source"],
    status: e.status,
    at: e.happenedAt,
    estimatedDeliveryAt: e.estimatedDeliveryAt,
    message: e.message,
    city: e.city,
    province: e.province,
    country: e.country,
    zip: e.zip,
  };
}

/** The stored columns of a shipment, read back as the fold's state (for diffing). */
export function stateFromRow(s: ShipmentRow): ShipmentState | null {
  if (!s.factsAt) return null;
  return {
    kind: s.kind as ShipmentKind,
    stage: s.stage as Stage,
    subStatus: s.subStatus,
    lastStatus: s.lastStatus,
    delayed: s.delayed,
    needsAttention: s.needsAttention,
    cancelled: s.cancelledAt !== null && s.subStatus === "cancelled",
    carrierEdd: s.carrierEdd,
    lastEventAt: s.lastEventAt,
    lastLocation: s.lastLocation,
    milestones: {
      labelCreatedAt: s.labelCreatedAt,
      inTransitAt: s.inTransitAt,
      outForDeliveryAt: s.outForDeliveryAt,
      attemptedAt: s.attemptedAt,
      deliveredAt: s.deliveredAt,
      failedAt: s.failedAt,
      cancelledAt: s.cancelledAt,
    },
    factsAt: s.factsAt,
  };
}

export function columnsFromState(state: ShipmentState) {
  return {
    stage: state.stage,
    subStatus: state.cancelled ? "cancelled" : state.subStatus,
    lastStatus: state.lastStatus,
    delayed: state.delayed,
    delayReason: state.delayed ? "carrier" : null,
    needsAttention: state.needsAttention,
    carrierEdd: state.carrierEdd,
    lastEventAt: state.lastEventAt,
    lastLocation: state.lastLocation,
    factsAt: state.factsAt,
    ...state.milestones,
  };
}

/** Work that follows from a shipment's new state, in the transaction that wrote it. */
export type AfterFold = (
  tx: Tx,
  shipment: ShipmentRow,
  state: ShipmentState,
  transitions: Transition[],
) => Promise<void>;

export interface ApplyResult {
  inserted: number;
  transitions: Transition[];
}

/**
 * Adds facts to a shipment (duplicates by key are ignored), refolds, and writes the new state,
 * its transitions and one domain event per transition, all in one transaction. `afterFold` runs in
 * that transaction when new facts were added (what follows from the new state: the order's summary,
 * a return case's dates), so a crash never leaves them behind the shipment.
 */
export async function applyFacts(
  db: Db,
  shipmentId: string,
  facts: ShipmentFact[],
  opts: {
    webhookId?: string | null;
    extra?: (tx: Tx, shipment: ShipmentRow) => Promise<void>;
    afterFold?: AfterFold;
  } = {},
): Promise<ApplyResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const { order, ...shipment } = await tx.shipment.findUniqueOrThrow({
          where: { id: shipmentId },
          include: { order: { select: { redactedAt: true } } },
        });
        const keys = [...new Set(facts.map((f) => f.key))];
        const known = new Set(
          (
            await tx.trackingEvent.findMany({
              where: { shopId: shipment.shopId, dedupeKey: { in: keys } },
              select: { dedupeKey: true },
            })
          ).map((r) => r.dedupeKey),
        );
        // A scan that arrives after customers/redact keeps its status, not the person (rules/redaction).
        const redacted = order?.redactedAt != null;
        const fresh = dedupe(facts)
          .filter((f) => !known.has(f.key))
          .map((f) => (redacted ? withoutPersonalData(shipment.kind as ShipmentKind, f) : f));
        if (fresh.length > 0) {
          await tx.trackingEvent.createMany({
            data: fresh.map((f) => eventRow(shipment.shopId, shipmentId, f, opts.webhookId ?? null)),
          });
        }
        await opts.extra?.(tx, shipment);
        if (fresh.length === 0) return { inserted: 0, transitions: [] };

        const all = (await tx.trackingEvent.findMany({ where: { shipmentId } })).map(factFromRow);
        const kind = shipment.kind as ShipmentKind;
        const next = foldShipment(kind, all);
        const prev = stateFromRow(shipment);
        const transitions = transitionsBetween(prev, next, all);
        const updated = await tx.shipment.updateMany({
          where: { id: shipmentId, version: shipment.version },
          data: { ...columnsFromState(next), version: { increment: 1 } },
        });
        if (updated.count !== 1) throw new ConcurrentUpdate();
        await recordTransitions(
          tx,
          shipment,
          transitions,
          next,
          !prev?.delayed && next.delayed,
          opts.webhookId ?? null,
        );
        await opts.afterFold?.(tx, shipment, next, transitions);
        return { inserted: fresh.length, transitions };
      });
    } catch (error) {
      const code = prismaErrorCode(error);
      const retryable = error instanceof ConcurrentUpdate || code === "P2002" || code === "P2034";
      if (!retryable || attempt >= 8) throw error;
    }
  }
}

async function recordTransitions(
  tx: Tx,
  shipment: ShipmentRow,
  transitions: Transition[],
  state: ShipmentState,
  delayStarted: boolean,
  webhookId: string | null,
) {
  if (transitions.length > 0)
    await tx.stageTransition.createMany({ data: transitionRows(shipment, transitions, webhookId) });
  for (const job of stageChangedJobs(shipment, transitions, state, delayStarted)) await enqueue(tx, job);
}

type ShipmentKeys = Pick<ShipmentRow, "id" | "shopId" | "orderId" | "kind">;

/** The StageTransition rows of a fold's transitions. */
export function transitionRows(shipment: ShipmentKeys, transitions: Transition[], webhookId: string | null) {
  return transitions.map((t) => ({
    shopId: shipment.shopId,
    shipmentId: shipment.id,
    fromStage: t.fromStage,
    toStage: t.toStage,
    fromStatus: t.fromStatus,
    toStatus: t.toStatus,
    at: t.at,
    cause: t.cause,
    webhookId,
  }));
}

/**
 * The domain events (outbox jobs) a fold announces: one per transition, or one for a delay flag
 * raised without a transition; each keyed so a refold never announces it twice.
 */
export function stageChangedJobs(
  shipment: ShipmentKeys,
  transitions: Transition[],
  state: ShipmentState,
  delayStarted: boolean,
): EnqueueInput[] {
  const base = {
    shopId: shipment.shopId,
    shipmentId: shipment.id,
    orderId: shipment.orderId,
    kind: shipment.kind as ShipmentKind,
    delayed: state.delayed,
  };
  if (transitions.length === 0) {
    if (!delayStarted) return [];
    const event: StageChangedEvent = { ...base, transition: null, delayStarted: true };
    return [
      {
        kind: STAGE_CHANGED,
        payload: event as unknown as Prisma.InputJsonValue,
        singletonKey: `delay:${shipment.id}:${state.factsAt?.toISOString()}`,
      },
    ];
  }
  return transitions.map((t, i) => {
    const event: StageChangedEvent = {
      ...base,
      transition: {
        fromStage: t.fromStage,
        toStage: t.toStage,
        fromStatus: t.fromStatus,
        toStatus: t.toStatus,
        at: t.at.toISOString(),
        cause: t.cause,
      },
      delayStarted: delayStarted && i === transitions.length - 1,
    };
    return {
      kind: STAGE_CHANGED,
      payload: event as unknown as Prisma.InputJsonValue,
      singletonKey: `stage:${shipment.id}:${t.toStage}:${t.toStatus}:${t.at.toISOString()}`,
    };
  });
}

/** The TrackingEvent row of a fact. */
export function eventRow(shopId: string, shipmentId: string, f: ShipmentFact, webhookId: string | null) {
  return {
    shopId,
    shipmentId,
    dedupeKey: f.key,
    source: f.source,
    sourceWebhookId: webhookId,
    status: f.status,
    message: f.message ?? null,
    happenedAt: f.at,
    city: f.city ?? null,
    province: f.province ?? null,
    country: f.country ?? null,
    zip: f.zip ?? null,
    estimatedDeliveryAt: f.estimatedDeliveryAt ?? null,
  };
}

export function dedupe(facts: ShipmentFact[]): ShipmentFact[] {
  const seen = new Map<string, ShipmentFact>();
  for (const f of facts) if (!seen.has(f.key)) seen.set(f.key, f);
  return [...seen.values()];
}

/** Replaces a shipment's tracking numbers, in cleanTrackingNumber's form, for lookups by number. */
export async function setTrackingNumbers(tx: Tx, shopId: string, shipmentId: string, numbers: string[]): Promise<void> {
  const wanted = [...new Set(numbers.map(cleanTrackingNumber).filter(Boolean))];
  await tx.trackingNumber.deleteMany({ where: { shipmentId, number: { notIn: wanted } } });
  const have = new Set(
    (await tx.trackingNumber.findMany({ where: { shipmentId }, select: { number: true } })).map((r) => r.number),
  );
  const add = wanted.filter((n) => !have.has(n));
  if (add.length > 0)
    await tx.trackingNumber.createMany({ data: add.map((number) => ({ shopId, shipmentId, number })) });
}
