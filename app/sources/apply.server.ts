// A source's snapshot of one tracking number onto its shipment: new scans become facts for the same
// fold as Shopify's (applyFacts), in one transaction with the order's summary and the write-back job;
// a scan Shopify already reported (same status, same minute) is not stored again. A final snapshot,
// or a shipment that became final, stops the registration.
import type { SourceRegistration } from "@prisma/client";
import type { Db } from "../db.server";
import { enqueue } from "../jobs/queue.server";
import { refreshSummaryAfterMove } from "../pipeline/orders.server";
import { CARRIER_SCAN_SOURCES } from "../pipeline/rules/types";
import { applyFacts, type ApplyResult } from "../pipeline/shipments.server";
import { factFromSourceEvent, newScans } from "./rules/facts";
import { isFinalShipment } from "./rules/registration";
import type { SourceProvider, SourceSnapshot } from "./rules/types";

export const WRITE_BACK = "sources.write_back";
export const UNREGISTER = "sources.unregister";

export interface SnapshotResult extends ApplyResult {
  stopped: boolean;
}

export async function applySnapshot(
  db: Db,
  reg: SourceRegistration,
  snapshot: SourceSnapshot,
  opts: { writeBack: boolean; receiptId?: string | null; now: Date },
): Promise<SnapshotResult> {
  const provider = reg.provider as SourceProvider;
  const facts = snapshot.events.map((e) => factFromSourceEvent(provider, reg.trackingNumber, e));
  const known = await db.trackingEvent.findMany({
    where: { shipmentId: reg.shipmentId, source: { in: [...CARRIER_SCAN_SOURCES] } },
    select: { dedupeKey: true, status: true, happenedAt: true },
  });
  const keys = new Set(known.map((k) => k.dedupeKey));
  // Scans of another reporter (Shopify, or another source) with the same identity are the same scan.
  const others = known.filter((k) => !k.dedupeKey.startsWith(`src:${provider}:`));
  const fresh = newScans(
    facts.filter((f) => !keys.has(f.key)),
    others.map((k) => ({ status: k.status, at: k.happenedAt })),
  );
  const result = await applyFacts(db, reg.shipmentId, fresh, {
    webhookId: opts.receiptId ?? null,
    afterFold: async (tx, shipment, state, transitions) => {
      await refreshSummaryAfterMove(tx, shipment, state, transitions);
      if (opts.writeBack && shipment.shopifyFulfillmentId)
        await enqueue(tx, {
          kind: WRITE_BACK,
          payload: { shipmentId: shipment.id },
          singletonKey: `${WRITE_BACK}:${shipment.id}`,
        });
    },
  });
  const shipment = await db.shipment.findUniqueOrThrow({
    where: { id: reg.shipmentId },
    select: { subStatus: true, cancelledAt: true },
  });
  const stopped = snapshot.final || isFinalShipment(shipment);
  if (stopped) await stopRegistration(db, reg.id, snapshot.final ? "source_final" : "final", opts.now);
  return { ...result, stopped };
}

/** Marks a registration stopped and queues the call that tells the source (idempotent). */
export async function stopRegistration(db: Db, registrationId: string, reason: string, now: Date): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const r = await tx.sourceRegistration.updateMany({
      where: { id: registrationId, status: "active" },
      data: { status: "stopped", reason, stoppedAt: now },
    });
    if (r.count === 0) return false;
    await enqueue(tx, {
      kind: UNREGISTER,
      payload: { registrationId },
      singletonKey: `${UNREGISTER}:${registrationId}`,
    });
    return true;
  });
}
