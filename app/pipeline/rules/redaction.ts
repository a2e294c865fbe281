// What of a carrier scan may be kept once its customer has been redacted (customers/redact): the
// status and time (the shipment's stage needs them), never what can point at the person. Used by the
// redact itself on stored scans and by the fold's writer on scans that arrive after it, so a late
// webhook cannot bring the doorstep back.
import type { ShipmentFact, ShipmentKind } from "./types";

/** Scans made at the customer's door, whose city is the customer's own. */
export const LAST_MILE_STATUSES: ReadonlySet<string> = new Set([
  "out_for_delivery",
  "attempted_delivery",
  "delivered",
  "ready_for_pickup",
]);

/** A scan's city is the customer's when it happened at the door, or anywhere on a return (it starts there). */
export function scanCityIsPersonal(kind: ShipmentKind, status: string): boolean {
  return kind === "return" || LAST_MILE_STATUSES.has(status);
}

/** The fact without its personal parts: carrier messages ("left with M. Chen") and postcodes always, the city at the door. */
export function withoutPersonalData(kind: ShipmentKind, fact: ShipmentFact): ShipmentFact {
  return { ...fact, message: null, zip: null, ...(scanCityIsPersonal(kind, fact.status) ? { city: null } : {}) };
}
