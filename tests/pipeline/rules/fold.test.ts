import { describe, expect, it } from "vitest";
import {
  foldShipment,
  initialState,
  orderFacts,
  replayTransitions,
  summarizeOrder,
  transitionsBetween,
} from "~/pipeline/rules/fold";
import { type FactSource, type ShipmentFact, type ShipmentState } from "~/pipeline/rules/types";

const T0 = Date.parse("2025-03-03T09:00:00Z");
/** Hour `h` after the shipment's first fact. */
const t = (h: number) => new Date(T0 + h * 3_600_000);

function ev(key: string, status: string, hour: number, extra: Partial<ShipmentFact> = {}): ShipmentFact {
  return { key, source: "fulfillment_event", status, at: t(hour), ...extra };
}
function fact(
  source: FactSource,
  key: string,
  status: string,
  hour: number,
  extra: Partial<ShipmentFact> = {},
): ShipmentFact {
  return { key, source, status, at: t(hour), ...extra };
}

const toronto = { city: "Toronto", province: "ON", country: "CA" };
const ottawa = { city: "Ottawa", province: "ON", country: "CA" };

/** A typical Canada Post journey, in order. */
const journey: ShipmentFact[] = [
  fact("fulfillment", "f1:success", "fulfillment_success", 0),
  ev("e1", "label_purchased", 1),
  ev("e2", "carrier_picked_up", 20, { ...toronto, estimatedDeliveryAt: t(72) }),
  ev("e3", "in_transit", 30, { ...toronto }),
  ev("e4", "in_transit", 44, { city: "Kingston", province: "ON", country: "CA", estimatedDeliveryAt: t(70) }),
  ev("e5", "out_for_delivery", 60, { ...ottawa }),
  ev("e6", "delivered", 66, { ...ottawa }),
];

describe("foldShipment: the journey of an outbound parcel", () => {
  it("starts at stage 1 with nothing known", () => {
    expect(foldShipment("outbound", [])).toEqual(initialState("outbound"));
    expect(initialState("outbound")).toMatchObject({
      stage: 1,
      subStatus: "confirmed",
      lastStatus: null,
      factsAt: null,
    });
    expect(initialState("return")).toMatchObject({ stage: 5, subStatus: "return_requested" });
  });

  it("folds a full journey into a delivered state with every milestone at its earliest time", () => {
    const s = foldShipment("outbound", journey);
    expect(s).toEqual({
      kind: "outbound",
      stage: 4,
      subStatus: "delivered",
      lastStatus: "delivered",
      delayed: false,
      needsAttention: false,
      cancelled: false,
      carrierEdd: t(70),
      lastEventAt: t(66),
      lastLocation: "Ottawa, ON, CA",
      milestones: {
        labelCreatedAt: t(0),
        inTransitAt: t(20),
        outForDeliveryAt: t(60),
        attemptedAt: null,
        deliveredAt: t(66),
        failedAt: null,
        cancelledAt: null,
      },
      factsAt: t(66),
    } satisfies ShipmentState);
  });

  it("shows each stage as facts arrive", () => {
    expect(foldShipment("outbound", journey.slice(0, 2))).toMatchObject({ stage: 2, subStatus: "label_created" });
    expect(foldShipment("outbound", journey.slice(0, 4))).toMatchObject({
      stage: 3,
      subStatus: "in_transit",
      lastLocation: "Toronto, ON, CA",
      carrierEdd: t(72),
    });
    expect(foldShipment("outbound", journey.slice(0, 6))).toMatchObject({ stage: 4, subStatus: "out_for_delivery" });
  });

  it("ignores duplicate deliveries of the same fact", () => {
    const dupes = [...journey, ...journey, journey[2]!, journey[5]!];
    expect(foldShipment("outbound", dupes)).toEqual(foldShipment("outbound", journey));
    expect(replayTransitions("outbound", dupes)).toEqual(replayTransitions("outbound", journey));
  });

  it("gives the same state whatever order the facts arrive in", () => {
    const expected = foldShipment("outbound", journey);
    const reversed = [...journey].reverse();
    const shuffled = [journey[6]!, journey[2]!, journey[0]!, journey[5]!, journey[1]!, journey[4]!, journey[3]!];
    expect(foldShipment("outbound", reversed)).toEqual(expected);
    expect(foldShipment("outbound", shuffled)).toEqual(expected);
    expect(replayTransitions("outbound", shuffled)).toEqual(replayTransitions("outbound", journey));
  });

  it("copes with gaps: a label and then a delivery scan go straight to delivered", () => {
    const s = foldShipment("outbound", [journey[0]!, journey[6]!]);
    expect(s).toMatchObject({ stage: 4, subStatus: "delivered" });
    expect(s.milestones.inTransitAt).toBeNull();
    expect(s.milestones.outForDeliveryAt).toBeNull();
  });

  it("never lowers the stage for a later lower-stage scan (attempted at t4, in_transit at t5)", () => {
    const s = foldShipment("outbound", [
      ev("a", "in_transit", 1),
      ev("b", "attempted_delivery", 4),
      ev("c", "in_transit", 5, { ...toronto }),
    ]);
    expect(s).toMatchObject({
      stage: 4,
      subStatus: "attempted_delivery",
      needsAttention: true,
      lastStatus: "in_transit",
    });
    expect(s.lastLocation).toBe("Toronto, ON, CA");
    expect(s.milestones.inTransitAt).toEqual(t(1));
  });

  it("follows the newest fact of the final stage: attempted → out for delivery → delivered", () => {
    const attempted = ev("a", "attempted_delivery", 4);
    const ofd = ev("b", "out_for_delivery", 6);
    const delivered = ev("c", "delivered", 7);
    expect(foldShipment("outbound", [attempted, ofd])).toMatchObject({
      subStatus: "out_for_delivery",
      needsAttention: false,
    });
    const s = foldShipment("outbound", [delivered, ofd, attempted]);
    expect(s).toMatchObject({ stage: 4, subStatus: "delivered", needsAttention: false });
    expect(s.milestones).toMatchObject({ attemptedAt: t(4), outForDeliveryAt: t(6), deliveredAt: t(7) });
  });

  it("counts a late older scan for what it says: in_transit(t1) arriving after delayed(t2)", () => {
    const delayed = ev("d", "delayed", 2);
    const early = ev("i", "in_transit", 1);
    const onlyDelayed = foldShipment("outbound", [fact("fulfillment", "f", "fulfillment_success", 0), delayed]);
    expect(onlyDelayed).toMatchObject({ stage: 3, subStatus: "in_transit", delayed: true });
    const s = foldShipment("outbound", [fact("fulfillment", "f", "fulfillment_success", 0), delayed, early]);
    expect(s).toMatchObject({ stage: 3, subStatus: "in_transit", delayed: true, lastStatus: "delayed" });
    expect(s.milestones.inTransitAt).toEqual(t(1));
  });

  it("clears the delay with a newer stage-4 fact, but not with a newer in-transit scan", () => {
    const base = [ev("i", "in_transit", 1), ev("d", "delayed", 2)];
    expect(foldShipment("outbound", [...base, ev("i2", "in_transit", 3)]).delayed).toBe(true);
    expect(foldShipment("outbound", [...base, ev("o", "out_for_delivery", 3)]).delayed).toBe(false);
    // An older stage-4 fact does not clear a newer delay, and a delay keeps stage 4 once reached.
    const lateDelay = foldShipment("outbound", [ev("o", "out_for_delivery", 1), ev("d", "delayed", 2)]);
    expect(lateDelay).toMatchObject({ stage: 4, subStatus: "out_for_delivery", delayed: true });
  });

  it("is never delayed once delivered, even if a delay scan comes later", () => {
    const s = foldShipment("outbound", [
      ev("i", "in_transit", 1),
      ev("d", "delayed", 2),
      ev("x", "delivered", 3),
      ev("d2", "delayed", 4),
    ]);
    expect(s).toMatchObject({ subStatus: "delivered", delayed: false, lastStatus: "delayed" });
  });

  it("treats delivered as terminal: later facts only update the latest status and event time", () => {
    const s = foldShipment("outbound", [
      ev("i", "in_transit", 1),
      ev("x", "delivered", 7, { ...ottawa }),
      ev("f", "failure", 8, { city: "Hull", province: "QC", country: "CA", estimatedDeliveryAt: t(90) }),
      fact("fulfillment", "c", "fulfillment_cancelled", 9),
    ]);
    expect(s).toMatchObject({
      stage: 4,
      subStatus: "delivered",
      needsAttention: false,
      cancelled: false,
      lastStatus: "fulfillment_cancelled",
    });
    expect(s.lastEventAt).toEqual(t(8));
    expect(s.factsAt).toEqual(t(9));
    expect(s.milestones.failedAt).toBeNull();
    expect(s.milestones.cancelledAt).toBeNull();
    expect(s.carrierEdd).toBeNull();
  });

  it("needs attention on a failure until a newer delivery step supersedes it", () => {
    const failed = foldShipment("outbound", [ev("o", "out_for_delivery", 1), ev("f", "failure", 2)]);
    expect(failed).toMatchObject({ stage: 4, subStatus: "failure", needsAttention: true });
    expect(failed.milestones.failedAt).toEqual(t(2));
    const retried = foldShipment("outbound", [
      ev("o", "out_for_delivery", 1),
      ev("f", "failure", 2),
      ev("o2", "out_for_delivery", 3),
    ]);
    expect(retried).toMatchObject({ subStatus: "out_for_delivery", needsAttention: false });
    expect(retried.milestones.outForDeliveryAt).toEqual(t(1));
  });

  it("keeps an unknown status as the latest status without moving the stage", () => {
    const s = foldShipment("outbound", [
      ev("i", "in_transit", 1),
      ev("u", "held_at_customs", 2, { city: "Mississauga", province: "ON", country: "CA" }),
    ]);
    expect(s).toMatchObject({
      stage: 3,
      subStatus: "in_transit",
      lastStatus: "held_at_customs",
      lastLocation: "Mississauga, ON, CA",
    });
    expect(replayTransitions("outbound", [ev("i", "in_transit", 1), ev("u", "held_at_customs", 2)])).toHaveLength(1);
    // An unknown first fact still opens the history, at stage 1.
    expect(foldShipment("outbound", [ev("u", "held_at_customs", 2)])).toMatchObject({
      stage: 1,
      subStatus: "confirmed",
      lastStatus: "held_at_customs",
    });
  });

  it("breaks ties at the same instant by stage rank, not by key or arrival", () => {
    // Keys chosen so that key order alone would put delivered first.
    const facts = [ev("a-delivered", "delivered", 5), ev("z-ofd", "out_for_delivery", 5)];
    expect(foldShipment("outbound", facts).subStatus).toBe("delivered");
    expect(foldShipment("outbound", [...facts].reverse()).subStatus).toBe("delivered");
    expect(orderFacts("outbound", facts).map((f) => f.status)).toEqual(["out_for_delivery", "delivered"]);
  });

  it("uses the newest estimated delivery date a fact carries; later facts without one keep it", () => {
    const s = foldShipment("outbound", [
      ev("a", "in_transit", 1, { estimatedDeliveryAt: t(48) }),
      ev("b", "in_transit", 2, { estimatedDeliveryAt: t(40) }),
      ev("c", "in_transit", 3, { estimatedDeliveryAt: null }),
    ]);
    expect(s.carrierEdd).toEqual(t(40));
  });

  it("takes the location from the newest carrier scan that has one, and ignores other sources", () => {
    const s = foldShipment("outbound", [
      ev("a", "in_transit", 1, { ...toronto }),
      ev("b", "in_transit", 2),
      fact("fulfillment", "f:ship", "in_transit", 3, { city: "Nowhere", country: "US" }),
    ]);
    expect(s.lastLocation).toBe("Toronto, ON, CA");
    expect(s.lastEventAt).toEqual(t(2));
    expect(s.factsAt).toEqual(t(3));
    expect(foldShipment("outbound", [ev("a", "in_transit", 1, { city: "Leeds", country: "GB" })]).lastLocation).toBe(
      "Leeds, GB",
    );
  });

  it("moves the stage from the fulfillment's shipment_status fact as from an event", () => {
    const s = foldShipment("outbound", [
      fact("fulfillment", "f:success", "fulfillment_success", 0),
      fact("fulfillment", "f:shipment_status:in_transit", "in_transit", 5),
    ]);
    expect(s).toMatchObject({ stage: 3, subStatus: "in_transit", lastEventAt: null });
  });

  it("does not let a late fulfillment update lower the stage or change the sub-status of a higher stage", () => {
    const s = foldShipment("outbound", [
      ev("o", "out_for_delivery", 5),
      fact("fulfillment", "f", "fulfillment_success", 6),
    ]);
    expect(s).toMatchObject({ stage: 4, subStatus: "out_for_delivery" });
  });

  it("drops facts with an invalid time instead of letting them scramble the order", () => {
    const bad: ShipmentFact = {
      key: "bad",
      source: "fulfillment_event",
      status: "delivered",
      at: new Date(Number.NaN),
    };
    expect(foldShipment("outbound", [ev("i", "in_transit", 1), bad])).toEqual(
      foldShipment("outbound", [ev("i", "in_transit", 1)]),
    );
  });

  it("chooses deterministically between two deliveries of one key that differ", () => {
    const a = ev("same", "in_transit", 1, { city: "Toronto" });
    const b = ev("same", "in_transit", 1, { city: "Montreal" });
    expect(foldShipment("outbound", [a, b])).toEqual(foldShipment("outbound", [b, a]));
    const newer = ev("same", "out_for_delivery", 2);
    expect(foldShipment("outbound", [newer, a]).subStatus).toBe("out_for_delivery");
    expect(foldShipment("outbound", [a, newer]).subStatus).toBe("out_for_delivery");
  });
});

describe("foldShipment: local pickup and local delivery", () => {
  it("shows ready for pickup, then collected counts as delivered", () => {
    const ready = [fact("fulfillment", "f", "fulfillment_success", 0), ev("r", "ready_for_pickup", 2)];
    expect(foldShipment("outbound", ready)).toMatchObject({
      stage: 4,
      subStatus: "ready_for_pickup",
      needsAttention: false,
    });
    const collected = foldShipment("outbound", [...ready, ev("p", "picked_up", 26)]);
    expect(collected).toMatchObject({ stage: 4, subStatus: "picked_up", delayed: false });
    expect(collected.milestones.deliveredAt).toEqual(t(26));
  });

  it("handles local delivery out for delivery then delivered", () => {
    const s = foldShipment("outbound", [
      fact("fulfillment", "f", "fulfillment_success", 0),
      ev("o", "out_for_delivery", 3),
      ev("d", "delivered", 4),
    ]);
    expect(s).toMatchObject({ stage: 4, subStatus: "delivered" });
    expect(s.milestones.inTransitAt).toBeNull();
  });
});

describe("foldShipment: cancelled fulfillments", () => {
  const success = fact("fulfillment", "f:success", "fulfillment_success", 0);
  const transit = ev("i", "in_transit", 2);
  const cancel = fact("fulfillment", "f:cancelled", "fulfillment_cancelled", 5);

  it("cancels the shipment, keeping its stage", () => {
    const s = foldShipment("outbound", [success, transit, cancel]);
    expect(s).toMatchObject({
      stage: 3,
      subStatus: "cancelled",
      cancelled: true,
      needsAttention: false,
      delayed: false,
    });
    expect(s.milestones.cancelledAt).toEqual(t(5));
  });

  it("treats fulfillment error and failure as cancellation too", () => {
    for (const status of ["fulfillment_error", "fulfillment_failure"]) {
      expect(foldShipment("outbound", [success, fact("fulfillment", "f:x", status, 1)]), status).toMatchObject({
        stage: 2,
        subStatus: "cancelled",
        cancelled: true,
      });
    }
  });

  it("un-cancels when a newer fulfillment status is active again, restoring the sub-status", () => {
    const again = fact("fulfillment", "f:success2", "fulfillment_success", 6);
    const s = foldShipment("outbound", [again, cancel, transit, success]);
    expect(s).toMatchObject({ stage: 3, subStatus: "in_transit", cancelled: false });
    expect(s.milestones.cancelledAt).toEqual(t(5));
    const [tr] = transitionsBetween(foldShipment("outbound", [success, transit, cancel]), s, [
      success,
      transit,
      cancel,
      again,
    ]);
    expect(tr).toMatchObject({
      fromStatus: "cancelled",
      toStatus: "in_transit",
      factKey: "f:success2",
      cause: "fulfillment:fulfillment_success",
      at: t(6),
    });
  });

  it("is not cancelled when the cancellation is older than the newest active fulfillment status", () => {
    const s = foldShipment("outbound", [
      fact("fulfillment", "f:success", "fulfillment_success", 9),
      fact("fulfillment", "f:c", "fulfillment_cancelled", 1),
    ]);
    expect(s).toMatchObject({ cancelled: false, subStatus: "label_created" });
  });

  it("stays cancelled while carrier scans keep coming, though the stage follows them", () => {
    const s = foldShipment("outbound", [
      success,
      cancel,
      ev("o", "out_for_delivery", 8),
      ev("a", "attempted_delivery", 9),
    ]);
    expect(s).toMatchObject({ stage: 4, subStatus: "cancelled", cancelled: true, needsAttention: false });
  });
});

describe("foldShipment: returns", () => {
  const flow: ShipmentFact[] = [
    fact("return", "r:req", "return_requested", 100),
    fact("return", "r:app", "return_approved", 110),
    fact("reverse_delivery", "rd:1", "return_label_created", 111),
    ev("re1", "carrier_picked_up", 130, { city: "Halifax", province: "NS", country: "CA" }),
    ev("re2", "in_transit", 140),
    ev("re3", "delivered", 170, { ...toronto }),
    fact("refund", "refund:1", "refund_issued", 180),
  ];

  it("walks a return through to refund, always at stage 5", () => {
    const s = foldShipment("return", flow);
    expect(s).toMatchObject({
      kind: "return",
      stage: 5,
      subStatus: "refunded",
      lastStatus: "refund_issued",
      lastLocation: "Toronto, ON, CA",
    });
    expect(s.milestones).toMatchObject({ labelCreatedAt: t(111), inTransitAt: t(130), deliveredAt: t(170) });
    expect(replayTransitions("return", [...flow].reverse()).map((tr) => [tr.toStage, tr.toStatus])).toEqual([
      [5, "return_requested"],
      [5, "return_approved"],
      [5, "return_label_created"],
      [5, "return_in_transit"],
      [5, "return_received"],
      [5, "refunded"],
    ]);
  });

  it("does not move a return backwards when a scan is late", () => {
    const s = foldShipment("return", [...flow.slice(0, 6), ev("re4", "in_transit", 175)]);
    expect(s.subStatus).toBe("return_received");
  });

  it("records disposal of a returned item", () => {
    expect(
      foldShipment("return", [...flow.slice(0, 5), fact("return", "r:dispose", "return_disposed", 160)]).subStatus,
    ).toBe("return_disposed");
  });

  it("ends at declined, ignoring anything later", () => {
    const s = foldShipment("return", [
      fact("return", "r:req", "return_requested", 1),
      fact("return", "r:dec", "return_declined", 2),
      fact("return", "r:app", "return_approved", 3),
    ]);
    expect(s).toMatchObject({ stage: 5, subStatus: "declined", cancelled: false, lastStatus: "return_approved" });
  });

  it("ends at cancelled, marking the return cancelled", () => {
    const s = foldShipment("return", [
      fact("return", "r:req", "return_requested", 1),
      fact("return", "r:can", "return_cancelled", 2),
    ]);
    expect(s).toMatchObject({ stage: 5, subStatus: "cancelled", cancelled: true });
    expect(s.milestones.cancelledAt).toEqual(t(2));
  });

  it("shows a refund issued before the parcel arrives as refunded, and keeps it", () => {
    const s = foldShipment("return", [
      ...flow.slice(0, 5),
      fact("refund", "refund:1", "refund_issued", 135),
      ev("re3", "delivered", 170),
    ]);
    expect(s.subStatus).toBe("refunded");
  });
});

describe("replayTransitions", () => {
  it("lists every change of stage or sub-status with its cause, regardless of arrival order", () => {
    const expected = [
      {
        fromStage: null,
        toStage: 2,
        fromStatus: null,
        toStatus: "label_created",
        at: t(0),
        cause: "fulfillment:fulfillment_success",
        factKey: "f1:success",
      },
      {
        fromStage: 2,
        toStage: 3,
        fromStatus: "label_created",
        toStatus: "in_transit",
        at: t(20),
        cause: "fulfillment_event:carrier_picked_up",
        factKey: "e2",
      },
      {
        fromStage: 3,
        toStage: 4,
        fromStatus: "in_transit",
        toStatus: "out_for_delivery",
        at: t(60),
        cause: "fulfillment_event:out_for_delivery",
        factKey: "e5",
      },
      {
        fromStage: 4,
        toStage: 4,
        fromStatus: "out_for_delivery",
        toStatus: "delivered",
        at: t(66),
        cause: "fulfillment_event:delivered",
        factKey: "e6",
      },
    ];
    expect(replayTransitions("outbound", journey)).toEqual(expected);
    expect(replayTransitions("outbound", [...journey].reverse())).toEqual(expected);
  });

  it("records cancellation and reinstatement as changes of sub-status at the same stage", () => {
    const facts = [
      fact("fulfillment", "a", "fulfillment_success", 0),
      fact("fulfillment", "b", "fulfillment_cancelled", 1),
      fact("fulfillment", "c", "fulfillment_success", 2),
    ];
    expect(replayTransitions("outbound", facts).map((x) => `${x.toStage}:${x.toStatus}:${x.factKey}`)).toEqual([
      "2:label_created:a",
      "2:cancelled:b",
      "2:label_created:c",
    ]);
  });

  it("is empty with no facts", () => {
    expect(replayTransitions("outbound", [])).toEqual([]);
  });
});

describe("transitionsBetween", () => {
  it("records nothing when stage and sub-status are unchanged", () => {
    const prev = foldShipment("outbound", journey.slice(0, 3));
    const next = foldShipment("outbound", journey.slice(0, 4));
    expect(next.lastStatus).toBe("in_transit");
    expect(transitionsBetween(prev, next, journey.slice(0, 4))).toEqual([]);
  });

  it("records a first transition from nothing", () => {
    const next = foldShipment("outbound", journey.slice(0, 2));
    expect(transitionsBetween(null, next, journey.slice(0, 2))).toEqual([
      {
        fromStage: null,
        toStage: 2,
        fromStatus: null,
        toStatus: "label_created",
        at: t(0),
        cause: "fulfillment:fulfillment_success",
        factKey: "f1:success",
      },
    ]);
  });

  it("collapses several changes arriving together into one, caused by the fact that made the new sub-status", () => {
    const prev = foldShipment("outbound", journey.slice(0, 2));
    const next = foldShipment("outbound", journey);
    expect(transitionsBetween(prev, next, journey)).toEqual([
      {
        fromStage: 2,
        toStage: 4,
        fromStatus: "label_created",
        toStatus: "delivered",
        at: t(66),
        cause: "fulfillment_event:delivered",
        factKey: "e6",
      },
    ]);
  });

  it("blames the fact that first showed the current sub-status, not a newer repeat of it", () => {
    const facts = [ev("i1", "in_transit", 1), ev("i2", "in_transit", 2), ev("i3", "in_transit", 3)];
    const [tr] = transitionsBetween(initialState("outbound"), foldShipment("outbound", facts), facts);
    expect(tr?.factKey).toBe("i1");
  });

  it("agrees with the last step of the replay", () => {
    const shuffled = [journey[3]!, journey[6]!, journey[0]!];
    const replay = replayTransitions("outbound", shuffled);
    const [tr] = transitionsBetween(null, foldShipment("outbound", shuffled), shuffled);
    expect(tr?.factKey).toBe(replay.at(-1)?.factKey);
    expect(tr?.toStatus).toBe(replay.at(-1)?.toStatus);
  });

  it("records nothing for an empty fact set", () => {
    expect(transitionsBetween(null, initialState("outbound"), [])).toEqual([]);
  });
});

describe("summarizeOrder", () => {
  const label = foldShipment("outbound", [fact("fulfillment", "a", "fulfillment_success", 0)]);
  const transit = foldShipment("outbound", [ev("b", "in_transit", 1)]);
  const ofd = foldShipment("outbound", [ev("c", "out_for_delivery", 2)]);
  const delivered = foldShipment("outbound", [ev("d", "delivered", 3)]);
  const cancelledShipment = foldShipment("outbound", [
    ev("o", "out_for_delivery", 1),
    fact("fulfillment", "y", "fulfillment_cancelled", 2),
  ]);
  const openReturn = foldShipment("return", [fact("return", "r", "return_approved", 5)]);
  const refunded = foldShipment("return", [fact("refund", "rf", "refund_issued", 9)]);
  const declined = foldShipment("return", [fact("return", "rd", "return_declined", 9)]);
  const noFlags = { cancelled: false, hasUnfulfilledItems: false };

  it("is confirmed with no shipments", () => {
    expect(summarizeOrder([], noFlags)).toEqual({ stage: 1, subStatus: "confirmed" });
  });

  it("follows the furthest live outbound shipment", () => {
    expect(summarizeOrder([label, ofd, transit], noFlags)).toEqual({ stage: 4, subStatus: "out_for_delivery" });
    expect(summarizeOrder([delivered], noFlags)).toEqual({ stage: 4, subStatus: "delivered" });
  });

  it("ignores cancelled shipments", () => {
    expect(summarizeOrder([transit, cancelledShipment], noFlags)).toEqual({ stage: 3, subStatus: "in_transit" });
    expect(summarizeOrder([cancelledShipment], noFlags)).toEqual({ stage: 1, subStatus: "confirmed" });
  });

  it("says partially delivered when one parcel arrived and another is still out", () => {
    expect(summarizeOrder([delivered, transit], noFlags)).toEqual({ stage: 4, subStatus: "partially_delivered" });
  });

  it("keeps unshipped items visible on a partially fulfilled order", () => {
    expect(summarizeOrder([delivered], { cancelled: false, hasUnfulfilledItems: true })).toEqual({
      stage: 4,
      subStatus: "partially_fulfilled",
    });
    expect(summarizeOrder([], { cancelled: false, hasUnfulfilledItems: true })).toEqual({
      stage: 1,
      subStatus: "confirmed",
    });
  });

  it("shows a cancelled order as cancelled at the stage it reached", () => {
    expect(summarizeOrder([], { cancelled: true, hasUnfulfilledItems: true })).toEqual({
      stage: 1,
      subStatus: "cancelled",
    });
    expect(summarizeOrder([transit], { cancelled: true, hasUnfulfilledItems: false })).toEqual({
      stage: 3,
      subStatus: "cancelled",
    });
  });

  it("moves to stage 5 with returns, showing the one still open", () => {
    expect(summarizeOrder([delivered, refunded, openReturn], noFlags)).toEqual({
      stage: 5,
      subStatus: "return_approved",
    });
    expect(summarizeOrder([delivered, refunded], noFlags)).toEqual({ stage: 5, subStatus: "refunded" });
    expect(summarizeOrder([delivered, declined], noFlags)).toEqual({ stage: 5, subStatus: "declined" });
    expect(summarizeOrder([delivered, declined, openReturn], noFlags)).toEqual({
      stage: 5,
      subStatus: "return_approved",
    });
  });
});
