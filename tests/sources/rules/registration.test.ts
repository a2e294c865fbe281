// When shipments are registered with a source, when they stop, the budget and polling; and source
// events as facts, de-duplicated against Shopify's scans.
import { describe, expect, it } from "vitest";
import { factFromSourceEvent, newScans, scanIdentity } from "~/sources/rules/facts";
import { factSourceLabel } from "~/sources/rules/types";
import {
  budgetMonth,
  pollDue,
  registrationDecision,
  stopReason,
  type RegistrationCandidate,
} from "~/sources/rules/registration";

const label = new Date("2026-12-01T12:00:00Z");
const at = (h: number) => new Date(label.getTime() + h * 3_600_000);
const base: RegistrationCandidate = {
  kind: "outbound",
  trackingNumber: "1Z999AA10123456784",
  carrierCode: "ups",
  labelCreatedAt: label,
  createdAt: label,
  final: false,
  hasShopifyScan: false,
};
const policy = { registerAfterHours: 12, monthlyBudget: 10, usedThisMonth: 0 };

describe("registrationDecision", () => {
  it("waits the configured hours for Shopify's first event on carriers Shopify tracks", () => {
    expect(registrationDecision(base, policy, at(11.9))).toEqual({ register: false, why: "too_early", at: at(12) });
    expect(registrationDecision(base, policy, at(12))).toEqual({ register: true, reason: "no_shopify_event" });
    expect(registrationDecision(base, { ...policy, registerAfterHours: 2 }, at(2))).toMatchObject({ register: true });
  });

  it("registers at once for carriers Shopify does not track, or none named", () => {
    expect(registrationDecision({ ...base, carrierCode: "evri" }, policy, at(0))).toEqual({
      register: true,
      reason: "untracked_carrier",
    });
    expect(registrationDecision({ ...base, carrierCode: null }, policy, at(0))).toMatchObject({ register: true });
  });

  it("never registers when Shopify reports, when final, after 60 days, returns, or without a number", () => {
    expect(registrationDecision({ ...base, hasShopifyScan: true }, policy, at(20))).toMatchObject({
      why: "shopify_reports",
    });
    expect(registrationDecision({ ...base, final: true }, policy, at(20))).toMatchObject({ why: "final" });
    expect(registrationDecision(base, policy, at(60 * 24 + 1))).toMatchObject({ why: "too_old" });
    expect(registrationDecision({ ...base, kind: "return" }, policy, at(20))).toMatchObject({ why: "return" });
    expect(registrationDecision({ ...base, trackingNumber: null }, policy, at(20))).toMatchObject({
      why: "no_tracking_number",
    });
  });

  it("stops at the monthly budget", () => {
    expect(registrationDecision(base, { ...policy, usedThisMonth: 9 }, at(13))).toMatchObject({ register: true });
    expect(registrationDecision(base, { ...policy, usedThisMonth: 10 }, at(13))).toEqual({
      register: false,
      why: "budget_spent",
    });
    expect(budgetMonth(new Date("2026-12-31T23:59:59Z"))).toBe("2026-12");
  });
});

describe("stopReason and pollDue", () => {
  it("stops final shipments and registrations past 60 days", () => {
    const r = { registeredAt: at(12), labelCreatedAt: label };
    expect(stopReason(r, { final: true }, at(13))).toBe("final");
    expect(stopReason(r, { final: false, sourceFinal: true }, at(13))).toBe("final");
    expect(stopReason(r, { final: false }, at(24 * 60 + 1))).toBe("expired");
    expect(stopReason(r, { final: false }, at(24 * 59))).toBeNull();
  });

  it("polls every pollMinutes, and never without a poll interval", () => {
    expect(pollDue(null, 60, at(0))).toBe(true);
    expect(pollDue(at(0), 60, at(0.99))).toBe(false);
    expect(pollDue(at(0), 60, at(1))).toBe(true);
    expect(pollDue(null, null, at(0))).toBe(false);
  });
});

describe("source events as facts", () => {
  const event = {
    status: "in_transit" as const,
    raw: "in_transit/arrived_at_facility",
    exception: null,
    at: new Date("2026-12-02T08:30:00Z"),
    message: "Arrived at facility",
    city: "Columbus",
    province: "OH",
    country: "US",
    zip: null,
    estimatedDeliveryAt: null,
  };

  it("are source-tagged, keyed by the scan's identity at the source, in the fold's vocabulary", () => {
    const f = factFromSourceEvent("easypost", "EZ1", event);
    expect(f).toMatchObject({
      key: "src:easypost:EZ1:2026-12-02T08:30:00.000Z:in_transit",
      source: "easypost",
      status: "in_transit",
    });
    expect(factFromSourceEvent("17track", "EZ1", { ...event, exception: "customs", status: "delayed" }).message).toBe(
      "Held in customs: Arrived at facility",
    );
  });

  it("are the same scan as Shopify's event with the same status in the same minute", () => {
    const shopify = { status: "IN_TRANSIT", at: new Date("2026-12-02T08:30:42Z") };
    expect(scanIdentity(shopify)).toBe(scanIdentity(event));
    const later = { ...event, at: new Date("2026-12-02T09:30:00Z") };
    expect(newScans([event, later, { ...event }], [shopify])).toEqual([later]);
  });

  it("name their source in words for staff", () => {
    expect(["easypost", "17track", "fulfillment_event"].map(factSourceLabel)).toEqual([
      "EasyPost",
      "17TRACK",
      "fulfillment event",
    ]);
  });
});
