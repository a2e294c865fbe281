// Source events as the fold's facts: source-tagged, keyed, at their own time, in Shopify's status
// vocabulary, so a carrier event and Shopify's event for the same scan are recognised as one.
import type { ShipmentFact } from "../../pipeline/rules/types";
import { exceptionLabel, type SourceEvent, type SourceProvider } from "./types";

/**
 * The fact of one source event. Its key is the scan's identity at that source (number, time,
 * status), so a push repeated, a poll after a push and a redelivered webhook all insert nothing.
 */
export function factFromSourceEvent(provider: SourceProvider, trackingNumber: string, e: SourceEvent): ShipmentFact {
  const message = e.exception
    ? [exceptionLabel(e.exception), e.message].filter(Boolean).join(": ")
    : (e.message ?? null);
  return {
    key: `src:${provider}:${trackingNumber}:${e.at.toISOString()}:${e.status}`,
    source: provider,
    status: e.status,
    at: e.at,
    estimatedDeliveryAt: e.estimatedDeliveryAt,
    message,
    city: e.city,
    province: e.province,
    country: e.country,
    zip: e.zip,
  };
}

/**
 * The identity of a scan whoever reports it: its status and its time to the minute (carriers give
 * minutes; Shopify relays the carrier's time, sometimes with seconds dropped). Two facts with one
 * identity are the same scan and are stored once.
 */
export function scanIdentity(f: { status: string; at: Date }): string {
  return `${f.status.trim().toLowerCase()}|${Math.floor(f.at.getTime() / 60_000)}`;
}

/** The facts not yet known as scans (by identity) among `known`; the first of each identity wins. */
export function newScans<T extends { status: string; at: Date }>(
  facts: readonly T[],
  known: readonly { status: string; at: Date }[],
): T[] {
  const seen = new Set(known.map(scanIdentity));
  const out: T[] = [];
  for (const f of facts) {
    const id = scanIdentity(f);
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(f);
  }
  return out;
}
