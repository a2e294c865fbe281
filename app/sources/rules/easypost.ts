// EasyPost Trackers: status and status_detail (docs.easypost.com/docs/trackers, the @easypost/api
// types ITrackerStatus / ITrackerStatusDetail) in Shopify's fulfillment-event vocabulary.
import { cleanOptional, parseTime } from "./parse";
import type { FulfillmentEventStatus, MappedStatus, SourceEvent, SourceSnapshot } from "./types";

/** Every documented EasyPost tracker status. */
export const EASYPOST_STATUSES = [
  "unknown",
  "pre_transit",
  "in_transit",
  "out_for_delivery",
  "delivered",
  "available_for_pickup",
  "return_to_sender",
  "failure",
  "cancelled",
  "error",
] as const;

/** Every documented EasyPost status_detail. */
export const EASYPOST_STATUS_DETAILS = [
  "address_correction",
  "arrived_at_destination",
  "arrived_at_facility",
  "arrived_at_pickup_location",
  "awaiting_information",
  "cancelled",
  "damaged",
  "delayed",
  "delivery_exception",
  "departed_facility",
  "departed_origin_facility",
  "expired",
  "failure",
  "held",
  "in_transit",
  "label_created",
  "lost",
  "missorted",
  "out_for_delivery",
  "received_at_destination_facility",
  "received_at_origin_facility",
  "refused",
  "return",
  "status_update",
  "transferred_to_destination_carrier",
  "transit_exception",
  "unknown",
  "weather_delay",
] as const;

const STATUS: Record<string, MappedStatus> = {
  unknown: { status: null, exception: null, final: false },
  error: { status: null, exception: null, final: false },
  pre_transit: { status: "confirmed", exception: null, final: false },
  in_transit: { status: "in_transit", exception: null, final: false },
  out_for_delivery: { status: "out_for_delivery", exception: null, final: false },
  delivered: { status: "delivered", exception: null, final: true },
  available_for_pickup: { status: "ready_for_pickup", exception: null, final: false },
  return_to_sender: { status: "failure", exception: "returned_to_sender", final: true },
  failure: { status: "failure", exception: "delivery_exception", final: false },
  cancelled: { status: "failure", exception: "cancelled", final: true },
};

/** Details that say more than their status: an exception to show, or a better Shopify status. */
const DETAIL: Record<string, { status?: FulfillmentEventStatus; exception?: string }> = {
  received_at_origin_facility: { status: "carrier_picked_up" },
  arrived_at_pickup_location: { status: "ready_for_pickup" },
  delayed: { status: "delayed", exception: "delayed" },
  weather_delay: { status: "delayed", exception: "delayed" },
  transit_exception: { status: "delayed", exception: "delivery_exception" },
  missorted: { status: "delayed", exception: "delivery_exception" },
  held: { status: "delayed", exception: "held" },
  awaiting_information: { status: "delayed", exception: "held" },
  address_correction: { exception: "address_problem" },
  lost: { exception: "lost" },
  damaged: { exception: "damaged" },
  refused: { exception: "refused" },
  delivery_exception: { exception: "delivery_exception" },
  expired: { exception: "expired" },
  return: { exception: "returning_to_sender" },
};

/**
 * One EasyPost (status, status_detail) in Waypoint's terms. Details only refine statuses that are
 * with the carrier (in transit, failure); a message naming customs makes the hold a customs exception.
 */
export function mapEasyPostStatus(status: string, detail?: string | null, message?: string | null): MappedStatus {
  const base = STATUS[status.trim().toLowerCase()] ?? { status: null, exception: null, final: false };
  if (base.status === null) return base;
  let mapped: MappedStatus = base;
  const d = DETAIL[(detail ?? "").trim().toLowerCase()];
  if (d && (base.status === "in_transit" || base.status === "failure")) {
    const refined = base.status === "in_transit" ? (d.status ?? base.status) : base.status;
    mapped = { status: refined, exception: d.exception ?? base.exception, final: base.final };
  }
  if (mapped.status === "delayed" && /customs/i.test(message ?? "")) mapped = { ...mapped, exception: "customs" };
  return mapped;
}

interface EasyPostLocation {
  city?: string | null;
  state?: string | null;
  country?: string | null;
  zip?: string | null;
}
interface EasyPostDetail {
  status?: string | null;
  status_detail?: string | null;
  message?: string | null;
  description?: string | null;
  datetime?: string | null;
  tracking_location?: EasyPostLocation | null;
}
/** The fields of an EasyPost Tracker object Waypoint reads. */
export interface EasyPostTracker {
  id?: string;
  tracking_code?: string;
  status?: string;
  status_detail?: string | null;
  carrier?: string | null;
  est_delivery_date?: string | null;
  tracking_details?: EasyPostDetail[] | null;
}

/** A Tracker (from a tracker.created / tracker.updated event, or a retrieve) as a snapshot. */
export function normalizeEasyPostTracker(t: EasyPostTracker): SourceSnapshot {
  const edd = parseTime(t.est_delivery_date);
  const events: SourceEvent[] = [];
  for (const d of t.tracking_details ?? []) {
    const at = parseTime(d.datetime);
    const raw = `${d.status ?? ""}/${d.status_detail ?? ""}`;
    const mapped = mapEasyPostStatus(d.status ?? "", d.status_detail, d.message);
    if (!at || !mapped.status) continue;
    const loc = d.tracking_location ?? {};
    events.push({
      status: mapped.status,
      raw,
      exception: mapped.exception,
      at,
      message: cleanOptional(d.message) ?? cleanOptional(d.description),
      city: cleanOptional(loc.city),
      province: cleanOptional(loc.state),
      country: cleanOptional(loc.country),
      zip: cleanOptional(loc.zip),
      estimatedDeliveryAt: null,
    });
  }
  // The tracker's estimate belongs to its newest event (the one it was given with).
  const newest = events.reduce<SourceEvent | null>((a, e) => (!a || e.at >= a.at ? e : a), null);
  if (newest) newest.estimatedDeliveryAt = edd;
  return {
    trackingNumber: t.tracking_code ?? "",
    carrier: cleanOptional(t.carrier),
    events,
    estimatedDeliveryAt: edd,
    final: mapEasyPostStatus(t.status ?? "", t.status_detail).final,
  };
}

/** An EasyPost Event (tracker.created / tracker.updated) as snapshots; other events carry none. */
export function snapshotsFromEasyPostEvent(event: unknown): SourceSnapshot[] {
  const e = event as { description?: string; result?: (EasyPostTracker & { object?: string }) | null } | null;
  const tracker = e?.result;
  const isTracker =
    (e?.description === "tracker.created" || e?.description === "tracker.updated") && tracker?.object === "Tracker";
  return isTracker && tracker ? [normalizeEasyPostTracker(tracker)] : [];
}
