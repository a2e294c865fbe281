// A return's journey from its stored milestones: which steps are done, which is current.
import { describe, expect, it } from "vitest";
import { returnJourney, type ReturnFacts } from "~/pipeline/rules/return-journey";

const d = (day: number) => new Date(Date.UTC(2026, 10, day));
const base: ReturnFacts = {
  subStatus: "return_requested",
  caseStatus: "requested",
  requestedAt: d(20),
  approvedAt: null,
  labelAt: null,
  inTransitAt: null,
  receivedAt: null,
  refundedAt: null,
  hasDelivery: false,
};
const states = (f: Partial<ReturnFacts>) => returnJourney({ ...base, ...f }).steps.map((s) => s.state);

describe("returnJourney", () => {
  it("walks requested → approved → label → in transit → received → refunded", () => {
    expect(states({})).toEqual(["done", "current", "todo", "todo", "todo", "todo"]);
    expect(states({ subStatus: "return_approved", approvedAt: d(21) })).toEqual([
      "done",
      "done",
      "current",
      "todo",
      "todo",
      "todo",
    ]);
    const label = returnJourney({
      ...base,
      subStatus: "return_label_created",
      approvedAt: d(21),
      labelAt: d(22),
      hasDelivery: true,
    });
    expect(label.steps.map((s) => s.state)).toEqual(["done", "done", "done", "current", "todo", "todo"]);
    expect(label).toMatchObject({ current: 4, parcel: true, ended: null });
    expect(label.steps[2]).toEqual({ step: "label", state: "done", at: d(22) });
    expect(states({ subStatus: "return_in_transit", inTransitAt: d(23), hasDelivery: true })).toEqual([
      "done",
      "done",
      "done",
      "done",
      "current",
      "todo",
    ]);
    const all = returnJourney({
      ...base,
      subStatus: "refunded",
      receivedAt: d(25),
      refundedAt: d(26),
      hasDelivery: true,
    });
    expect(all.steps.every((s) => s.state === "done")).toBe(true);
    expect(all.current).toBe(6);
  });

  it("counts a later step as proof of the earlier ones, but a refund proves only itself", () => {
    // Received with no approval or scan recorded: it was approved and travelled.
    expect(states({ subStatus: "return_received", receivedAt: d(25) })).toEqual([
      "done",
      "done",
      "done",
      "done",
      "done",
      "current",
    ]);
    // Refunded right after the request (a return without shipping back): no step is made up.
    expect(states({ subStatus: "refunded", refundedAt: d(21) })).toEqual([
      "done",
      "current",
      "todo",
      "todo",
      "todo",
      "done",
    ]);
    // A closed return came back.
    expect(states({ subStatus: "return_closed", caseStatus: "closed" })).toEqual([
      "done",
      "done",
      "done",
      "done",
      "done",
      "current",
    ]);
  });

  it("ends a declined or cancelled return with nothing current, and is no parcel without a reverse delivery", () => {
    const declined = returnJourney({ ...base, subStatus: "declined", caseStatus: "declined" });
    expect(declined).toMatchObject({ ended: "declined", parcel: false });
    expect(declined.steps.some((s) => s.state === "current")).toBe(false);
    expect(returnJourney({ ...base, subStatus: "cancelled" }).ended).toBe("cancelled");
    expect(returnJourney({ ...base, caseStatus: "cancelled" }).ended).toBe("cancelled");
    expect(returnJourney(base).parcel).toBe(false);
  });
});
