// Property tests for the fold: the state is a function of the SET of facts. For random, realistic
// sequences with duplicate deliveries, any arrival order gives the same state and the same history.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { foldShipment, replayTransitions, transitionsBetween } from "~/pipeline/rules/fold";
import { statusInfo } from "~/pipeline/rules/stages";
import { type FactSource, type ShipmentFact, type ShipmentKind } from "~/pipeline/rules/types";

const T0 = Date.parse("2025-06-01T00:00:00Z");
const HOUR = 3_600_000;

interface Pick {
  source: FactSource;
  status: string;
}

const carrier = (status: string): Pick => ({ source: "fulfillment_event", status });

/** Outbound vocabulary, weighted towards the common path, with Shopify's fulfillment facts and noise. */
const OUTBOUND_PICKS: Array<{ weight: number; arbitrary: fc.Arbitrary<Pick> }> = [
  { weight: 2, arbitrary: fc.constant<Pick>({ source: "fulfillment", status: "label_purchased" }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Pick>(
      { source: "fulfillment", status: "fulfillment_success" },
      { source: "fulfillment", status: "fulfillment_open" },
      { source: "fulfillment", status: "fulfillment_pending" },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Pick>(
      { source: "fulfillment", status: "fulfillment_cancelled" },
      { source: "fulfillment", status: "fulfillment_error" },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...["in_transit", "delivered", "out_for_delivery"].map((s): Pick => ({ source: "fulfillment", status: s })),
    ),
  },
  { weight: 3, arbitrary: fc.constantFrom(...["label_printed", "confirmed", "carrier_picked_up"].map(carrier)) },
  { weight: 8, arbitrary: fc.constant(carrier("in_transit")) },
  { weight: 2, arbitrary: fc.constant(carrier("delayed")) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...["out_for_delivery", "attempted_delivery", "ready_for_pickup"].map(carrier)),
  },
  { weight: 2, arbitrary: fc.constantFrom(...["delivered", "picked_up", "failure"].map(carrier)) },
  { weight: 1, arbitrary: fc.constantFrom(...["held_at_customs", "RETURNED_TO_SENDER", "in_transit"].map(carrier)) },
  { weight: 1, arbitrary: fc.constant<Pick>({ source: "order", status: "order_created" }) },
];

const RETURN_PICKS: Array<{ weight: number; arbitrary: fc.Arbitrary<Pick> }> = [
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ...["return_requested", "return_approved", "return_closed", "return_received", "return_disposed"].map(
        (s): Pick => ({ source: "return", status: s }),
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...["return_declined", "return_cancelled"].map((s): Pick => ({ source: "return", status: s })),
    ),
  },
  { weight: 2, arbitrary: fc.constant<Pick>({ source: "reverse_delivery", status: "return_label_created" }) },
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      ...["carrier_picked_up", "in_transit", "delayed", "out_for_delivery", "delivered", "held_at_customs"].map(
        carrier,
      ),
    ),
  },
  { weight: 1, arbitrary: fc.constant<Pick>({ source: "refund", status: "refund_issued" }) },
];

const LOCATIONS = [
  {},
  { city: "Toronto", province: "ON", country: "CA" },
  { city: "Memphis", province: "TN", country: "US" },
  { city: "Leeds", country: "GB" },
];

const step = (picks: typeof OUTBOUND_PICKS) =>
  fc.record({
    pick: fc.oneof(...picks),
    // Mostly forward in time, with ties (0) and gaps of days.
    gapHours: fc.oneof(
      { weight: 2, arbitrary: fc.constant(0) },
      { weight: 6, arbitrary: fc.integer({ min: 1, max: 12 }) },
      { weight: 1, arbitrary: fc.integer({ min: 24, max: 120 }) },
    ),
    location: fc.constantFrom(...LOCATIONS),
    eddHours: fc.option(fc.integer({ min: 0, max: 240 }), { freq: 3 }),
  });

/** A realistic sequence of facts for one shipment, each with a unique key. */
const sequence = (kind: ShipmentKind) =>
  fc.array(step(kind === "return" ? RETURN_PICKS : OUTBOUND_PICKS), { minLength: 1, maxLength: 18 }).map((steps) => {
    let hour = 0;
    return steps.map(({ pick, gapHours, location, eddHours }, i): ShipmentFact => {
      hour += gapHours;
      return {
        key: `${pick.source}:${i}`,
        source: pick.source,
        status: pick.status,
        at: new Date(T0 + hour * HOUR),
        estimatedDeliveryAt: eddHours === null ? null : new Date(T0 + (hour + eddHours) * HOUR),
        ...(pick.source === "fulfillment_event" ? location : {}),
      };
    });
  });

/** The sequence as Shopify might deliver it: some facts re-delivered (fresh copies, same key). */
const delivered = (kind: ShipmentKind) =>
  sequence(kind).chain((facts) =>
    fc
      .array(fc.nat({ max: facts.length - 1 }), { maxLength: 8 })
      .map((dupes) => [...facts, ...dupes.map((i) => ({ ...facts[i]!, at: new Date(facts[i]!.at.getTime()) }))]),
  );

/** Two independent arrival orders of the same delivered facts. */
const twoOrders = (kind: ShipmentKind) =>
  delivered(kind).chain((facts) =>
    fc.tuple(
      fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
      fc.shuffledSubarray(facts, { minLength: facts.length, maxLength: facts.length }),
    ),
  );

const kinds: ShipmentKind[] = ["outbound", "return"];

describe.each(kinds)("fold properties (%s)", (kind) => {
  it("gives a deep-equal state and equal history for any arrival order, with duplicates", () => {
    fc.assert(
      fc.property(twoOrders(kind), ([a, b]) => {
        expect(foldShipment(kind, a)).toEqual(foldShipment(kind, b));
        expect(replayTransitions(kind, a)).toEqual(replayTransitions(kind, b));
      }),
      { numRuns: 400 },
    );
  });

  it("gives the same state with or without the duplicates", () => {
    fc.assert(
      fc.property(
        sequence(kind).chain((facts) =>
          fc.tuple(
            fc.constant(facts),
            fc.shuffledSubarray([...facts, ...facts], { minLength: facts.length * 2, maxLength: facts.length * 2 }),
          ),
        ),
        ([facts, doubled]) => {
          expect(foldShipment(kind, doubled)).toEqual(foldShipment(kind, facts));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("ends the replayed history where the fold ends, changing something at every step", () => {
    fc.assert(
      fc.property(delivered(kind), (facts) => {
        const state = foldShipment(kind, facts);
        const history = replayTransitions(kind, facts);
        const last = history.at(-1)!;
        expect([last.toStage, last.toStatus]).toEqual([state.stage, state.subStatus]);
        expect(history[0]!.fromStage).toBeNull();
        for (let i = 1; i < history.length; i++) {
          const prev = history[i - 1]!;
          const cur = history[i]!;
          expect([cur.fromStage, cur.fromStatus]).toEqual([prev.toStage, prev.toStatus]);
          expect([cur.toStage, cur.toStatus]).not.toEqual([cur.fromStage, cur.fromStatus]);
          expect(cur.at.getTime()).toBeGreaterThanOrEqual(prev.at.getTime());
          if (kind === "outbound") expect(cur.toStage).toBeGreaterThanOrEqual(prev.toStage);
          else expect(cur.toStage).toBe(5);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the flags and milestones consistent with the sub-status", () => {
    fc.assert(
      fc.property(delivered(kind), (facts) => {
        const s = foldShipment(kind, facts);
        const newest = Math.max(...facts.map((f) => f.at.getTime()));
        expect(s.factsAt?.getTime()).toBe(newest);
        for (const m of Object.values(s.milestones)) if (m) expect(m.getTime()).toBeLessThanOrEqual(newest);
        if (s.subStatus === "delivered" || s.subStatus === "picked_up") {
          expect(s.delayed).toBe(false);
          expect(s.needsAttention).toBe(false);
          expect(s.milestones.deliveredAt).not.toBeNull();
        }
        expect(s.needsAttention).toBe(s.subStatus === "failure" || s.subStatus === "attempted_delivery");
        if (s.cancelled) expect(s.subStatus).toBe("cancelled");
        if (s.subStatus === "cancelled" && kind === "outbound") expect(s.cancelled).toBe(true);
        if (kind === "return") expect(s.stage).toBe(5);
        // The stage is exactly the furthest stage any fact shows (outbound): nothing invents or loses one.
        if (kind === "outbound") {
          const shown = facts.map((f) => statusInfo(f.status, kind).stage ?? 1);
          expect(s.stage).toBe(Math.max(1, ...shown));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never lowers the stage as facts arrive in any order, and records a transition exactly when something visible changes", () => {
    fc.assert(
      fc.property(twoOrders(kind), ([arrival]) => {
        let prev = foldShipment(kind, []);
        for (let n = 1; n <= arrival.length; n++) {
          const seen = arrival.slice(0, n);
          const next = foldShipment(kind, seen);
          expect(next.stage).toBeGreaterThanOrEqual(prev.stage);
          const changed = next.stage !== prev.stage || next.subStatus !== prev.subStatus;
          const recorded = transitionsBetween(n === 1 ? null : prev, next, seen);
          expect(recorded.length).toBe(changed || n === 1 ? 1 : 0);
          if (recorded[0]) {
            expect([recorded[0].toStage, recorded[0].toStatus]).toEqual([next.stage, next.subStatus]);
            expect(seen.some((f) => f.key === recorded[0]!.factKey)).toBe(true);
          }
          prev = next;
        }
      }),
      { numRuns: 200 },
    );
  });
});
