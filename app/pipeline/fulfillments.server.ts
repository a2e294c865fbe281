// Outbound shipments from fulfillments and their carrier events. A shipment is keyed by its
// fulfillment id, so an event that arrives before its fulfillment creates the shipment and the
// fulfillment later fills in carrier and tracking. Carrier and tracking follow the newest payload.
// Written on the database driver (outbound.server.ts, decision 014).
import type { Db } from "../db.server";
import { resolveCarrier, trackingUrlFor } from "./rules/carriers";
import type { FulfillmentEventRecord, FulfillmentRecord } from "./payloads";
import { applyFulfillmentEventSql, applyFulfillmentSql, inTransaction } from "./outbound.server";
import type { ApplyResult } from "./shipments.server";

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

/** A fulfillment's facts, carrier and tracking numbers, in a transaction of its own (outbound.server.ts). */
export async function applyFulfillment(
  db: Db,
  shopId: string,
  rec: FulfillmentRecord,
  webhookId: string | null,
  now: Date = new Date(),
): Promise<ApplyResult> {
  return inTransaction(db, (tx) => applyFulfillmentSql(tx, shopId, rec, webhookId, now));
}

/** One carrier scan, in a transaction of its own (outbound.server.ts). */
export async function applyFulfillmentEvent(
  db: Db,
  shopId: string,
  rec: FulfillmentEventRecord,
  webhookId: string | null,
  now: Date = new Date(),
): Promise<ApplyResult> {
  return inTransaction(db, (tx) => applyFulfillmentEventSql(tx, shopId, rec, webhookId, now));
}
