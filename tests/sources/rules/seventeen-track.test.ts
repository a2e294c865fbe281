// 17TRACK v2.2's every documented status and sub-status, in Shopify's fulfillment-event vocabulary.
import { describe, expect, it } from "vitest";
import {
  map17TrackStatus,
  normalize17TrackInfo,
  SEVENTEEN_TRACK_STATUSES,
  SEVENTEEN_TRACK_SUB_STATUSES,
  snapshotsFrom17TrackPush,
} from "~/sources/rules/seventeen-track";
import { statusInfo } from "~/pipeline/rules/stages";

const EXPECTED: Record<string, [string | null, string | null, boolean]> = {
  NotFound_Other: [null, null, false],
  NotFound_InvalidCode: [null, null, false],
  InfoReceived: ["confirmed", null, false],
  InTransit_PickedUp: ["carrier_picked_up", null, false],
  InTransit_Other: ["in_transit", null, false],
  InTransit_Departure: ["in_transit", null, false],
  InTransit_Arrival: ["in_transit", null, false],
  InTransit_CustomsProcessing: ["in_transit", null, false],
  InTransit_CustomsReleased: ["in_transit", null, false],
  InTransit_CustomsRequiringInformation: ["delayed", "customs", false],
  Expired_Other: ["delayed", "expired", false],
  AvailableForPickup_Other: ["ready_for_pickup", null, false],
  OutForDelivery_Other: ["out_for_delivery", null, false],
  DeliveryFailure_Other: ["attempted_delivery", null, false],
  DeliveryFailure_NoBody: ["attempted_delivery", "recipient_unavailable", false],
  DeliveryFailure_Security: ["failure", "customs", false],
  DeliveryFailure_Rejected: ["failure", "refused", false],
  DeliveryFailure_InvalidAddress: ["failure", "address_problem", false],
  Delivered_Other: ["delivered", null, true],
  Exception_Other: ["failure", "exception", false],
  Exception_Returning: ["failure", "returning_to_sender", false],
  Exception_Returned: ["failure", "returned_to_sender", true],
  Exception_NoBody: ["attempted_delivery", "recipient_unavailable", false],
  Exception_Security: ["failure", "customs", false],
  Exception_Damage: ["failure", "damaged", false],
  Exception_Rejected: ["failure", "refused", false],
  Exception_Delayed: ["delayed", "delayed", false],
  Exception_Lost: ["failure", "lost", false],
  Exception_Destroyed: ["failure", "lost", false],
  Exception_Cancel: ["failure", "cancelled", true],
};

describe("17TRACK status mapping", () => {
  it("has a row for every documented sub-status", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...SEVENTEEN_TRACK_SUB_STATUSES].sort());
  });

  it.each(Object.entries(EXPECTED))("%s → %j", (sub, [status, exception, final]) => {
    const main = sub.split("_")[0];
    expect(map17TrackStatus(main, sub)).toEqual({ status, exception, final });
    if (status) expect(statusInfo(status, "outbound").known).toBe(true);
  });

  it("reads a main status without a sub-status as its _Other meaning, and anything unknown as nothing", () => {
    for (const main of SEVENTEEN_TRACK_STATUSES) expect(map17TrackStatus(main, null)).toBeDefined();
    expect(map17TrackStatus("Delivered", null)).toEqual({ status: "delivered", exception: null, final: true });
    expect(map17TrackStatus("InTransit", "InTransit_Teleported")).toMatchObject({ status: "in_transit" });
    expect(map17TrackStatus("Sideways", "Nope")).toEqual({ status: null, exception: null, final: false });
  });
});

describe("normalize17TrackInfo", () => {
  const info = {
    latest_status: { status: "OutForDelivery", sub_status: "OutForDelivery_Other" },
    time_metrics: {
      estimated_delivery_date: { source: "17TRACK", from: "2026-12-04T00:00:00Z", to: "2026-12-05T00:00:00Z" },
    },
    tracking: {
      providers: [
        {
          provider: { key: 190271, name: "Regional Express" },
          events: [
            {
              time_iso: "2026-12-03T08:10:00+01:00",
              time_utc: "2026-12-03T07:10:00Z",
              description: "Out for delivery",
              location: "Lyon",
              stage: "OutForDelivery",
              sub_status: "OutForDelivery_Other",
              address: { country: "FR", state: null, city: "Lyon", postal_code: "69001" },
            },
            {
              time_iso: "2026-12-02T10:00:00+01:00",
              time_utc: "2026-12-02T09:00:00Z",
              description: "Held at customs: documents required",
              stage: null,
              sub_status: "InTransit_CustomsRequiringInformation",
              address: { country: "FR" },
            },
            { time_utc: "2026-12-01T00:00:00Z", sub_status: "NotFound_Other" },
          ],
        },
      ],
    },
  };

  it("reads each provider's events at time_utc with their address, the EDD window's end, and the carrier", () => {
    const snap = normalize17TrackInfo("RX123456789FR", info);
    expect(snap.carrier).toBe("Regional Express");
    expect(snap.final).toBe(false);
    expect(snap.events.map((e) => [e.status, e.exception, e.at.toISOString()])).toEqual([
      ["out_for_delivery", null, "2026-12-03T07:10:00.000Z"],
      ["delayed", "customs", "2026-12-02T09:00:00.000Z"],
    ]);
    expect(snap.events[0]).toMatchObject({ city: "Lyon", country: "FR", zip: "69001" });
    expect(snap.events[0]!.estimatedDeliveryAt?.toISOString()).toBe("2026-12-05T00:00:00.000Z");
  });

  it("reads TRACKING_UPDATED pushes and ignores TRACKING_STOPPED", () => {
    const push = (event: string) => ({ event, data: { number: "RX123456789FR", carrier: 190271, track_info: info } });
    expect(snapshotsFrom17TrackPush(push("TRACKING_UPDATED"))).toHaveLength(1);
    expect(snapshotsFrom17TrackPush(push("TRACKING_STOPPED"))).toEqual([]);
    expect(snapshotsFrom17TrackPush({ event: "TRACKING_UPDATED", data: {} })).toEqual([]);
  });
});
