import { describe, expect, it } from "vitest";
import { STATUS_LABELS, SUB_STATUS_LABELS, statusInfo, subStatusLabel, subStatusRank } from "~/pipeline/rules/stages";

// Shopify's FulfillmentEventStatus values (lower case), and what each means on an outbound shipment.
const OUTBOUND_EVENTS: Array<[status: string, stage: number, subStatus: string]> = [
  ["label_printed", 2, "label_created"],
  ["label_purchased", 2, "label_created"],
  ["confirmed", 2, "label_created"],
  ["carrier_picked_up", 3, "in_transit"],
  ["in_transit", 3, "in_transit"],
  ["delayed", 3, "in_transit"],
  ["ready_for_pickup", 4, "ready_for_pickup"],
  ["out_for_delivery", 4, "out_for_delivery"],
  ["attempted_delivery", 4, "attempted_delivery"],
  ["failure", 4, "failure"],
  ["delivered", 4, "delivered"],
  ["picked_up", 4, "picked_up"],
];

describe("statusInfo on outbound shipments", () => {
  it.each(OUTBOUND_EVENTS)("%s → stage %i, sub-status %s", (status, stage, subStatus) => {
    const info = statusInfo(status, "outbound");
    expect(info).toMatchObject({ stage, subStatus, known: true });
  });

  it("treats open, pending and successful fulfillments as a label created that keeps the shipment live", () => {
    for (const s of ["fulfillment_success", "fulfillment_open", "fulfillment_pending"]) {
      expect(statusInfo(s, "outbound")).toMatchObject({
        stage: 2,
        subStatus: "label_created",
        fulfillment: "active",
        milestone: "labelCreatedAt",
      });
    }
  });

  it("treats cancelled, error and failure fulfillments as cancellations that move no stage", () => {
    for (const s of ["fulfillment_cancelled", "fulfillment_error", "fulfillment_failure"]) {
      expect(statusInfo(s, "outbound")).toMatchObject({
        stage: null,
        subStatus: "cancelled",
        fulfillment: "cancelled",
        milestone: "cancelledAt",
        known: true,
      });
    }
  });

  it("marks only delayed as setting the delay flag and the stage-4 statuses as clearing it", () => {
    expect(statusInfo("delayed", "outbound").delay).toBe("set");
    for (const [status, stage] of OUTBOUND_EVENTS) {
      const delay = statusInfo(status, "outbound").delay;
      if (status === "delayed") continue;
      expect(delay, status).toBe(stage === 4 ? "clear" : null);
    }
  });

  it("makes delivered and picked_up terminal and nothing else on the outbound path", () => {
    const terminal = OUTBOUND_EVENTS.filter(([s]) => statusInfo(s, "outbound").terminal).map(([s]) => s);
    expect(terminal.sort()).toEqual(["delivered", "picked_up"]);
  });

  it("records the earliest-time milestones from the right statuses", () => {
    expect(statusInfo("carrier_picked_up", "outbound").milestone).toBe("inTransitAt");
    expect(statusInfo("picked_up", "outbound").milestone).toBe("deliveredAt");
    expect(statusInfo("attempted_delivery", "outbound").milestone).toBe("attemptedAt");
    expect(statusInfo("failure", "outbound").milestone).toBe("failedAt");
    expect(statusInfo("delayed", "outbound").milestone).toBeNull();
  });

  it("looks statuses up ignoring case and surrounding space", () => {
    expect(statusInfo("  IN_TRANSIT ", "outbound")).toMatchObject({ status: "in_transit", stage: 3, known: true });
  });

  it("keeps statuses it does not know as unknown, moving nothing, with a readable label", () => {
    const info = statusInfo("customs_hold", "outbound");
    expect(info).toMatchObject({
      known: false,
      stage: null,
      subStatus: null,
      milestone: null,
      delay: null,
      terminal: false,
      fulfillment: null,
    });
    expect(info.label).toBe("Update: customs hold");
  });

  it("knows return statuses on an outbound shipment but lets them move nothing there", () => {
    const info = statusInfo("return_requested", "outbound");
    expect(info).toMatchObject({ known: true, stage: null, subStatus: null });
  });

  it("orders ties so that later steps of the journey fold last", () => {
    const order = [
      "fulfillment_success",
      "label_purchased",
      "in_transit",
      "out_for_delivery",
      "attempted_delivery",
      "delivered",
      "fulfillment_cancelled",
    ];
    const ranks = order.map((s) => statusInfo(s, "outbound").rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(ranks.length);
  });
});

describe("statusInfo on return shipments", () => {
  const RETURN_FLOW: Array<[string, string]> = [
    ["return_requested", "return_requested"],
    ["return_approved", "return_approved"],
    ["return_label_created", "return_label_created"],
    ["label_purchased", "return_label_created"],
    ["in_transit", "return_in_transit"],
    ["carrier_picked_up", "return_in_transit"],
    ["out_for_delivery", "return_in_transit"],
    ["delivered", "return_received"],
    ["picked_up", "return_received"],
    ["return_received", "return_received"],
    ["return_disposed", "return_disposed"],
    ["refund_issued", "refunded"],
    ["return_declined", "declined"],
    ["return_cancelled", "cancelled"],
  ];

  it.each(RETURN_FLOW)("%s → stage 5, sub-status %s", (status, subStatus) => {
    expect(statusInfo(status, "return")).toMatchObject({ stage: 5, subStatus, known: true });
  });

  it("ranks the return flow in the order a return progresses", () => {
    const ranks = [
      "return_requested",
      "return_approved",
      "return_label_created",
      "in_transit",
      "delivered",
      "return_disposed",
      "refund_issued",
    ].map((s) => statusInfo(s, "return").rank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it("ends returns at refund, decline and cancellation", () => {
    for (const s of ["refund_issued", "return_declined", "return_cancelled"])
      expect(statusInfo(s, "return").terminal, s).toBe(true);
    for (const s of ["return_received", "delivered", "return_approved"])
      expect(statusInfo(s, "return").terminal, s).toBe(false);
  });

  it("labels carrier scans on a return in the return's terms", () => {
    expect(statusInfo("delivered", "return").label).toBe("Return received");
    expect(statusInfo("in_transit", "return").label).toBe("Return on its way back");
  });

  it("does not apply outbound fulfillment statuses to a return", () => {
    expect(statusInfo("fulfillment_success", "return")).toMatchObject({ known: false, stage: null });
  });
});

describe("labels", () => {
  it("gives every known status a plain-English label rather than its code", () => {
    for (const [status, label] of Object.entries(STATUS_LABELS)) {
      expect(label, status).not.toMatch(/_/);
      expect(statusInfo(status, "outbound").label, status).toBe(label);
    }
  });

  it("labels every sub-status the rules can produce", () => {
    const subs = new Set<string>();
    for (const status of Object.keys(STATUS_LABELS)) {
      for (const kind of ["outbound", "return"] as const) {
        const sub = statusInfo(status, kind).subStatus;
        if (sub) subs.add(sub);
      }
    }
    subs.add("confirmed");
    for (const sub of subs) {
      expect(SUB_STATUS_LABELS[sub], sub).toBeDefined();
      expect(subStatusRank(sub), sub).toBeGreaterThan(0);
    }
  });

  it("falls back to a readable label for an unknown sub-status", () => {
    expect(subStatusLabel("held_at_customs")).toBe("Update: held at customs");
    expect(subStatusLabel("partially_delivered")).toBe("Partially delivered");
  });
});
