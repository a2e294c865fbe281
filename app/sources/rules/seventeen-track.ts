// 17TRACK API v2.2: main status and sub-status (api.17track.net/en/doc?version=v2.2, "Status
// descriptions") in Shopify's fulfillment-event vocabulary, and its track_info as a snapshot.
import { cleanOptional, parseTime } from "./parse";
import type { MappedStatus, SourceEvent, SourceSnapshot } from "./types";

/** Every documented v2.2 sub-status (each names its main status before the underscore). */
export const SEVENTEEN_TRACK_SUB_STATUSES = [
  "NotFound_Other",
  "NotFound_InvalidCode",
  "InfoReceived",
  "InTransit_PickedUp",
  "InTransit_Other",
  "InTransit_Departure",
  "InTransit_Arrival",
  "InTransit_CustomsProcessing",
  "InTransit_CustomsReleased",
  "InTransit_CustomsRequiringInformation",
  "Expired_Other",
  "AvailableForPickup_Other",
  "OutForDelivery_Other",
  "DeliveryFailure_Other",
  "DeliveryFailure_NoBody",
  "DeliveryFailure_Security",
  "DeliveryFailure_Rejected",
  "DeliveryFailure_InvalidAddress",
  "Delivered_Other",
  "Exception_Other",
  "Exception_Returning",
  "Exception_Returned",
  "Exception_NoBody",
  "Exception_Security",
  "Exception_Damage",
  "Exception_Rejected",
  "Exception_Delayed",
  "Exception_Lost",
  "Exception_Destroyed",
  "Exception_Cancel",
] as const;

/** The documented main statuses. */
export const SEVENTEEN_TRACK_STATUSES = [
  "NotFound",
  "InfoReceived",
  "InTransit",
  "Expired",
  "AvailableForPickup",
  "OutForDelivery",
  "DeliveryFailure",
  "Delivered",
  "Exception",
] as const;

const m = (status: MappedStatus["status"], exception: string | null = null, final = false): MappedStatus => ({
  status,
  exception,
  final,
});

const SUB: Record<string, MappedStatus> = {
  NotFound_Other: m(null),
  NotFound_InvalidCode: m(null),
  InfoReceived: m("confirmed"),
  InTransit_PickedUp: m("carrier_picked_up"),
  InTransit_Other: m("in_transit"),
  InTransit_Departure: m("in_transit"),
  InTransit_Arrival: m("in_transit"),
  InTransit_CustomsProcessing: m("in_transit"),
  InTransit_CustomsReleased: m("in_transit"),
  // Clearance cannot finish without the recipient or sender: a customs exception, shown as a delay.
  InTransit_CustomsRequiringInformation: m("delayed", "customs"),
  Expired_Other: m("delayed", "expired"),
  AvailableForPickup_Other: m("ready_for_pickup"),
  OutForDelivery_Other: m("out_for_delivery"),
  DeliveryFailure_Other: m("attempted_delivery"),
  DeliveryFailure_NoBody: m("attempted_delivery", "recipient_unavailable"),
  DeliveryFailure_Security: m("failure", "customs"),
  DeliveryFailure_Rejected: m("failure", "refused"),
  DeliveryFailure_InvalidAddress: m("failure", "address_problem"),
  Delivered_Other: m("delivered", null, true),
  Exception_Other: m("failure", "exception"),
  Exception_Returning: m("failure", "returning_to_sender"),
  Exception_Returned: m("failure", "returned_to_sender", true),
  Exception_NoBody: m("attempted_delivery", "recipient_unavailable"),
  Exception_Security: m("failure", "customs"),
  Exception_Damage: m("failure", "damaged"),
  Exception_Rejected: m("failure", "refused"),
  Exception_Delayed: m("delayed", "delayed"),
  Exception_Lost: m("failure", "lost"),
  Exception_Destroyed: m("failure", "lost"),
  Exception_Cancel: m("failure", "cancelled", true),
};

/** A main status with no (or an undocumented) sub-status: its "_Other" meaning. */
const MAIN: Record<string, string> = {
  NotFound: "NotFound_Other",
  InfoReceived: "InfoReceived",
  InTransit: "InTransit_Other",
  Expired: "Expired_Other",
  AvailableForPickup: "AvailableForPickup_Other",
  OutForDelivery: "OutForDelivery_Other",
  DeliveryFailure: "DeliveryFailure_Other",
  Delivered: "Delivered_Other",
  Exception: "Exception_Other",
};

/** One 17TRACK (status, sub_status) in Waypoint's terms; total: anything unknown says nothing. */
export function map17TrackStatus(status: string | null | undefined, subStatus?: string | null): MappedStatus {
  const sub = SUB[(subStatus ?? "").trim()];
  if (sub) return sub;
  const main = MAIN[(status ?? "").trim()];
  return main ? SUB[main]! : m(null);
}

interface Address {
  country?: string | null;
  state?: string | null;
  city?: string | null;
  postal_code?: string | null;
}
interface Event {
  time_iso?: string | null;
  time_utc?: string | null;
  description?: string | null;
  location?: string | null;
  stage?: string | null;
  sub_status?: string | null;
  address?: Address | null;
}
/** The fields of a v2.2 track_info Waypoint reads. */
export interface SeventeenTrackInfo {
  latest_status?: { status?: string | null; sub_status?: string | null } | null;
  time_metrics?: { estimated_delivery_date?: { from?: string | null; to?: string | null } | null } | null;
  tracking?: { providers?: { provider?: { name?: string | null } | null; events?: Event[] | null }[] | null } | null;
}

/** A number's track_info (a TRACKING_UPDATED push or a gettrackinfo answer) as a snapshot. */
export function normalize17TrackInfo(number: string, info: SeventeenTrackInfo | null | undefined): SourceSnapshot {
  const eddWindow = info?.time_metrics?.estimated_delivery_date;
  const edd = parseTime(eddWindow?.to) ?? parseTime(eddWindow?.from);
  const providers = info?.tracking?.providers ?? [];
  const events: SourceEvent[] = [];
  for (const p of providers) {
    for (const e of p.events ?? []) {
      // time_utc is the carrier's time in UTC; time_iso keeps its offset. Either is an instant.
      const at = parseTime(e.time_utc) ?? parseTime(e.time_iso);
      const mainFromSub = (e.sub_status ?? "").split("_")[0];
      const mapped = map17TrackStatus(mainFromSub, e.sub_status);
      if (!at || !mapped.status) continue;
      const a = e.address ?? {};
      events.push({
        status: mapped.status,
        raw: e.sub_status ?? e.stage ?? "",
        exception: mapped.exception,
        at,
        message: cleanOptional(e.description),
        city: cleanOptional(a.city),
        province: cleanOptional(a.state),
        country: cleanOptional(a.country),
        zip: cleanOptional(a.postal_code),
        estimatedDeliveryAt: null,
      });
    }
  }
  const newest = events.reduce<SourceEvent | null>((x, e) => (!x || e.at >= x.at ? e : x), null);
  if (newest) newest.estimatedDeliveryAt = edd;
  const latest = info?.latest_status;
  return {
    trackingNumber: number,
    carrier: cleanOptional(providers[0]?.provider?.name),
    events,
    estimatedDeliveryAt: edd,
    final: map17TrackStatus(latest?.status, latest?.sub_status).final,
  };
}

/** A 17TRACK push (TRACKING_UPDATED) as snapshots; TRACKING_STOPPED and others carry none. */
export function snapshotsFrom17TrackPush(push: unknown): SourceSnapshot[] {
  const p = push as { event?: string; data?: { number?: string; track_info?: SeventeenTrackInfo | null } } | null;
  const number = p?.data?.number;
  if (p?.event !== "TRACKING_UPDATED" || typeof number !== "string" || number === "") return [];
  return [normalize17TrackInfo(number, p.data?.track_info)];
}
