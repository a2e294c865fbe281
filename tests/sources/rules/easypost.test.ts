// EasyPost's every documented status and status_detail, in Shopify's fulfillment-event vocabulary.
import { describe, expect, it } from "vitest";
import {
  EASYPOST_STATUS_DETAILS,
  EASYPOST_STATUSES,
  mapEasyPostStatus,
  normalizeEasyPostTracker,
  snapshotsFromEasyPostEvent,
} from "~/sources/rules/easypost";
import { statusInfo } from "~/pipeline/rules/stages";

describe("EasyPost status mapping", () => {
  it.each([
    ["unknown", null, null, false],
    ["error", null, null, false],
    ["pre_transit", "confirmed", null, false],
    ["in_transit", "in_transit", null, false],
    ["out_for_delivery", "out_for_delivery", null, false],
    ["delivered", "delivered", null, true],
    ["available_for_pickup", "ready_for_pickup", null, false],
    ["return_to_sender", "failure", "returned_to_sender", true],
    ["failure", "failure", "delivery_exception", false],
    ["cancelled", "failure", "cancelled", true],
  ] as const)("%s → %s (exception %s, final %s)", (status, fe, exception, final) => {
    expect(mapEasyPostStatus(status)).toEqual({ status: fe, exception, final });
  });

  it("covers every documented status, and each known one is a status the fold knows", () => {
    for (const s of EASYPOST_STATUSES) {
      const m = mapEasyPostStatus(s);
      if (m.status) expect(statusInfo(m.status, "outbound").known).toBe(true);
    }
    expect(EASYPOST_STATUSES).toHaveLength(10);
  });

  it.each([
    ["received_at_origin_facility", "carrier_picked_up", null],
    ["arrived_at_pickup_location", "ready_for_pickup", null],
    ["delayed", "delayed", "delayed"],
    ["weather_delay", "delayed", "delayed"],
    ["transit_exception", "delayed", "delivery_exception"],
    ["missorted", "delayed", "delivery_exception"],
    ["held", "delayed", "held"],
    ["awaiting_information", "delayed", "held"],
    ["address_correction", "in_transit", "address_problem"],
    ["lost", "in_transit", "lost"],
    ["damaged", "in_transit", "damaged"],
    ["refused", "in_transit", "refused"],
    ["delivery_exception", "in_transit", "delivery_exception"],
    ["expired", "in_transit", "expired"],
    ["return", "in_transit", "returning_to_sender"],
  ] as const)("in_transit with detail %s → %s, exception %s", (detail, fe, exception) => {
    expect(mapEasyPostStatus("in_transit", detail)).toMatchObject({ status: fe, exception });
  });

  it("gives every documented status_detail an answer, and details never change a delivered parcel", () => {
    for (const d of EASYPOST_STATUS_DETAILS) {
      expect(mapEasyPostStatus("in_transit", d).status).not.toBeNull();
      expect(mapEasyPostStatus("delivered", d)).toEqual({ status: "delivered", exception: null, final: true });
    }
    expect(mapEasyPostStatus("failure", "lost")).toEqual({ status: "failure", exception: "lost", final: false });
  });

  it("makes a hold that names customs a customs exception", () => {
    expect(mapEasyPostStatus("in_transit", "held", "Held by customs, awaiting documents")).toMatchObject({
      status: "delayed",
      exception: "customs",
    });
  });
});

describe("normalizeEasyPostTracker", () => {
  const tracker = {
    id: "trk_1",
    object: "Tracker",
    tracking_code: "EZ1000000001",
    status: "out_for_delivery",
    carrier: "USPS",
    est_delivery_date: "2026-12-05T18:00:00Z",
    tracking_details: [
      {
        status: "pre_transit",
        status_detail: "label_created",
        message: "Pre-Shipment Info Sent to USPS",
        datetime: "2026-12-01T10:00:00Z",
        tracking_location: { city: null, state: null, country: null, zip: null },
      },
      {
        status: "in_transit",
        status_detail: "arrived_at_facility",
        message: "Arrived at USPS Facility",
        datetime: "2026-12-02T08:30:00Z",
        tracking_location: { city: "COLUMBUS", state: "OH", country: "US", zip: "43215" },
      },
      { status: "unknown", datetime: "2026-12-02T09:00:00Z" },
      { status: "in_transit", datetime: "not a time" },
      {
        status: "out_for_delivery",
        status_detail: "out_for_delivery",
        message: "Out for Delivery",
        datetime: "2026-12-03T07:00:00Z",
        tracking_location: { city: "DAYTON", state: "OH", country: "US", zip: "45402" },
      },
    ],
  };

  it("reads tracking_details (status, status_detail, datetime, tracking_location), est_delivery_date and carrier", () => {
    const snap = normalizeEasyPostTracker(tracker);
    expect(snap.trackingNumber).toBe("EZ1000000001");
    expect(snap.carrier).toBe("USPS");
    expect(snap.final).toBe(false);
    expect(snap.events.map((e) => [e.status, e.raw, e.at.toISOString()])).toEqual([
      ["confirmed", "pre_transit/label_created", "2026-12-01T10:00:00.000Z"],
      ["in_transit", "in_transit/arrived_at_facility", "2026-12-02T08:30:00.000Z"],
      ["out_for_delivery", "out_for_delivery/out_for_delivery", "2026-12-03T07:00:00.000Z"],
    ]);
    expect(snap.events[1]).toMatchObject({ city: "COLUMBUS", province: "OH", country: "US", zip: "43215" });
    // The estimate rides on the newest event only.
    expect(snap.events[2]!.estimatedDeliveryAt?.toISOString()).toBe("2026-12-05T18:00:00.000Z");
    expect(snap.events[1]!.estimatedDeliveryAt).toBeNull();
  });

  it("reads tracker.created / tracker.updated events and ignores other events", () => {
    expect(snapshotsFromEasyPostEvent({ description: "tracker.updated", result: tracker })).toHaveLength(1);
    expect(snapshotsFromEasyPostEvent({ description: "tracker.created", result: tracker })).toHaveLength(1);
    expect(snapshotsFromEasyPostEvent({ description: "batch.updated", result: tracker })).toEqual([]);
    expect(snapshotsFromEasyPostEvent({ description: "tracker.updated", result: { object: "Batch" } })).toEqual([]);
    expect(snapshotsFromEasyPostEvent(null)).toEqual([]);
  });

  it("is final once the tracker is delivered", () => {
    expect(normalizeEasyPostTracker({ ...tracker, status: "delivered" }).final).toBe(true);
    expect(normalizeEasyPostTracker({ ...tracker, status: "return_to_sender" }).final).toBe(true);
  });
});
