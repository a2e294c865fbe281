import { describe, expect, it } from "vitest";
import {
  ChannelOverridesSchema,
  CRITICAL_SMS,
  DEFAULT_CHANNELS,
  DIGEST_LOCAL_HOUR,
  idempotencyKey,
  isSmsCapable,
  MILESTONES,
  milestoneForTransition,
  planNotifications,
  resolveChannels,
  stillRelevant,
  type Milestone,
  type PlanInput,
} from "~/notifications/rules/policy";

const NOW = new Date("2026-11-25T15:00:00Z"); // 10:00 in New York

/** The brief's table, written out independently of the code under test. */
const TABLE: Record<Milestone, { email: boolean; sms: boolean }> = {
  order_confirmed: { email: true, sms: false },
  shipped: { email: true, sms: true },
  in_transit_digest: { email: true, sms: false },
  delayed: { email: true, sms: false },
  out_for_delivery: { email: true, sms: true },
  delivered: { email: true, sms: false },
  delivery_failed: { email: true, sms: true },
  shipped_early: { email: false, sms: false },
  return_approved: { email: true, sms: false },
  return_label: { email: true, sms: false },
  return_received: { email: true, sms: false },
  refund_issued: { email: true, sms: false },
};

type InputOverrides = Omit<Partial<PlanInput>, "shop" | "recipient"> & {
  shop?: Partial<PlanInput["shop"]>;
  recipient?: Partial<PlanInput["recipient"]>;
};

function input(overrides: InputOverrides = {}): PlanInput {
  return {
    milestone: overrides.milestone ?? "shipped",
    subjectId: overrides.subjectId ?? "shp_1",
    now: overrides.now ?? NOW,
    changed: overrides.changed,
    newEstimate: overrides.newEstimate,
    shop: {
      notificationMode: "automated",
      milestoneChannels: null,
      quietHoursStart: 21,
      quietHoursEnd: 8,
      smsTransactionalOk: false,
      hybridAutoSendHours: null,
      timezone: "America/Chicago",
      ...overrides.shop,
    },
    recipient: {
      email: "Customer@Example.com",
      phone: "+1 (415) 555-2671",
      smsConsent: true,
      smsOptedOut: false,
      emailOptedOut: false,
      timeZone: "America/New_York",
      ...overrides.recipient,
    },
  };
}

describe("milestones and the default policy", () => {
  it("lists every milestone of the table once", () => {
    expect([...MILESTONES].sort()).toEqual(Object.keys(TABLE).sort());
    expect(new Set(MILESTONES).size).toBe(MILESTONES.length);
  });

  it.each(MILESTONES)("defaults for %s match the policy table", (m) => {
    expect(DEFAULT_CHANNELS[m]).toEqual(TABLE[m]);
    expect(resolveChannels(null)[m]).toEqual(TABLE[m]);
  });

  it("allows SMS only for shipped, out_for_delivery, delivery_failed and delayed", () => {
    expect([...CRITICAL_SMS].sort()).toEqual(["delayed", "delivery_failed", "out_for_delivery", "shipped"]);
    expect(MILESTONES.filter(isSmsCapable).sort()).toEqual([...CRITICAL_SMS].sort());
  });

  it.each(MILESTONES)("plans exactly the default channels for %s", (m) => {
    const channels = planNotifications(input({ milestone: m })).map((p) => p.channel);
    const expected = (["email", "sms"] as const).filter((c) => TABLE[m][c]);
    expect(channels).toEqual(expected);
  });
});

describe("resolveChannels (Shop.milestoneChannels)", () => {
  it("applies overrides per milestone and channel", () => {
    const r = resolveChannels({
      delayed: { sms: true },
      shipped_early: { email: true },
      shipped: { email: false },
      delivered: { email: false },
    });
    expect(r.delayed).toEqual({ email: true, sms: true });
    expect(r.shipped_early).toEqual({ email: true, sms: false });
    expect(r.shipped).toEqual({ email: false, sms: true });
    expect(r.delivered).toEqual({ email: false, sms: false });
    expect(r.out_for_delivery).toEqual(TABLE.out_for_delivery);
  });

  it("never enables SMS for a milestone that is not SMS-capable", () => {
    const all = Object.fromEntries(MILESTONES.map((m) => [m, { email: true, sms: true }]));
    const r = resolveChannels(all);
    for (const m of MILESTONES) expect(r[m].sms).toBe(isSmsCapable(m));
    expect(r.in_transit_digest.sms).toBe(false);
    expect(r.order_confirmed.sms).toBe(false);
  });

  it("can switch SMS off for critical milestones", () => {
    expect(resolveChannels({ shipped: { sms: false } }).shipped).toEqual({ email: true, sms: false });
  });

  it("reads a JSON string as stored by some drivers", () => {
    expect(resolveChannels(JSON.stringify({ delayed: { sms: true } })).delayed.sms).toBe(true);
  });

  it.each([
    ["garbage"],
    [42],
    [[1, 2]],
    [{ shipped: "yes" }],
    [{ shipped: { sms: "true", email: 0 } }],
    [{ nope: { email: false } }],
    [undefined],
  ])("ignores malformed stored overrides (%j)", (bad) => {
    expect(resolveChannels(bad)).toEqual(TABLE);
  });

  it("keeps valid entries next to malformed ones", () => {
    const r = resolveChannels({ shipped: { sms: "no" }, delayed: { sms: true } });
    expect(r.shipped).toEqual(TABLE.shipped);
    expect(r.delayed.sms).toBe(true);
  });

  it("offers a strict schema for the settings form", () => {
    expect(ChannelOverridesSchema.safeParse({ delayed: { sms: true }, shipped_early: { email: true } }).success).toBe(
      true,
    );
    const smsForDelivered = ChannelOverridesSchema.safeParse({ delivered: { sms: true } });
    expect(smsForDelivered.success).toBe(false);
    if (!smsForDelivered.success) expect(smsForDelivered.error.issues[0]?.path).toEqual(["delivered", "sms"]);
    expect(ChannelOverridesSchema.safeParse({ unknown_milestone: { email: true } }).success).toBe(false);
    expect(ChannelOverridesSchema.safeParse({ shipped: { email: "yes" } }).success).toBe(false);
  });
});

describe("milestoneForTransition", () => {
  it.each([
    [2, "label_created", null, "shipped"],
    [2, "label_printed", "confirmed", null], // both announce "shipped"
    [2, "label_purchased", "label_printed", null],
    [3, "in_transit", "label_created", "in_transit_digest"],
    [3, "carrier_picked_up", "label_created", "in_transit_digest"],
    [3, "in_transit", "carrier_picked_up", "in_transit_digest"],
    [3, "in_transit", null, "shipped"], // first seen already moving: the customer still hears it shipped
    [3, "delayed", "in_transit", "delayed"],
    [4, "out_for_delivery", "in_transit", "out_for_delivery"],
    [4, "delivered", "out_for_delivery", "delivered"],
    [4, "picked_up", "ready_for_pickup", "delivered"],
    [4, "picked_up", "delivered", null],
    [4, "attempted_delivery", "out_for_delivery", "delivery_failed"],
    [4, "failure", "in_transit", "delivery_failed"],
    [4, "failure", "attempted_delivery", null],
    [4, "ready_for_pickup", "in_transit", null],
    [1, "confirmed", null, "order_confirmed"],
    [3, "something_new", "in_transit", null],
    [2, "fulfillment_cancelled", "label_created", null],
  ] as const)("outbound stage %i %s (from %s) → %s", (stage, to, from, expected) => {
    expect(milestoneForTransition("outbound", stage, to, from)).toBe(expected);
  });

  it("does not announce a label status outside stage 2", () => {
    expect(milestoneForTransition("outbound", 3, "label_created", "in_transit")).toBeNull();
  });

  it.each([
    ["return_approved", "return_requested", "return_approved"],
    // The label is its own email: approval often goes out before Shopify has a label.
    ["return_label_created", null, "return_label"],
    ["return_label_created", "return_approved", "return_label"],
    ["label_printed", "return_label_created", null],
    ["return_received", "return_in_transit", "return_received"],
    ["return_disposed", "return_in_transit", "return_received"],
    ["received", "in_transit", "return_received"],
    ["refunded", "return_received", "refund_issued"],
    ["refund_issued", "received", "refund_issued"],
    ["return_in_transit", "return_label_created", null],
    ["return_declined", "return_requested", null],
  ] as const)("return %s (from %s) → %s", (to, from, expected) => {
    expect(milestoneForTransition("return", 5, to, from)).toBe(expected);
  });

  it("is case-insensitive about Shopify's status strings", () => {
    expect(milestoneForTransition("outbound", 4, "OUT_FOR_DELIVERY", "IN_TRANSIT")).toBe("out_for_delivery");
  });
});

describe("planNotifications", () => {
  it("queues email now and SMS now outside quiet hours, with keys subject:milestone:channel", () => {
    const plans = planNotifications(input());
    expect(plans).toEqual([
      {
        channel: "email",
        milestone: "shipped",
        idempotencyKey: "shp_1:shipped:email",
        status: "queued",
        sendAfter: NOW,
        recipient: "customer@example.com",
      },
      {
        channel: "sms",
        milestone: "shipped",
        idempotencyKey: "shp_1:shipped:sms",
        status: "queued",
        sendAfter: NOW,
        recipient: "+14155552671",
      },
    ]);
  });

  it("keys order_confirmed by the order id the caller passes", () => {
    const plans = planNotifications(input({ milestone: "order_confirmed", subjectId: "ord_42" }));
    expect(plans.map((p) => p.idempotencyKey)).toEqual(["ord_42:order_confirmed:email"]);
    expect(idempotencyKey("ord_42", "order_confirmed", "email")).toBe("ord_42:order_confirmed:email");
  });

  it("defers SMS in the customer's quiet hours but never email", () => {
    const now = new Date("2026-11-26T03:30:00Z"); // 22:30 in New York, 21:30 in Chicago
    const [email, sms] = planNotifications(input({ now }));
    expect(email?.sendAfter).toEqual(now);
    expect(email?.reason).toBeUndefined();
    expect(sms?.status).toBe("queued");
    expect(sms?.reason).toBe("quiet_hours");
    expect(sms?.sendAfter).toEqual(new Date("2026-11-26T13:00:00Z")); // 08:00 EST
  });

  it("uses the shop's zone when the customer's is unknown or invalid", () => {
    const now = new Date("2026-11-26T02:30:00Z"); // 21:30 New York (quiet), 20:30 Chicago (not quiet)
    for (const timeZone of [null, "Not/AZone"]) {
      const sms = planNotifications(input({ now, recipient: { timeZone } })).find((p) => p.channel === "sms");
      expect(sms?.sendAfter).toEqual(now);
    }
    const ny = planNotifications(input({ now })).find((p) => p.channel === "sms");
    expect(ny?.sendAfter).toEqual(new Date("2026-11-26T13:00:00Z"));
  });

  describe("hybrid mode", () => {
    it("writes drafts for review instead of queueing", () => {
      const plans = planNotifications(input({ shop: { notificationMode: "hybrid" } }));
      expect(plans.map((p) => [p.channel, p.status, p.reason])).toEqual([
        ["email", "draft", "awaiting_review"],
        ["sms", "draft", "awaiting_review"],
      ]);
      expect(plans.every((p) => p.sendAfter.getTime() === NOW.getTime())).toBe(true);
    });

    it("auto-sends drafts after hybridAutoSendHours, SMS still respecting quiet hours", () => {
      const plans = planNotifications(input({ shop: { notificationMode: "hybrid", hybridAutoSendHours: 4 } }));
      const email = plans.find((p) => p.channel === "email");
      const sms = plans.find((p) => p.channel === "sms");
      expect(email?.sendAfter).toEqual(new Date("2026-11-25T19:00:00Z")); // now + 4h
      expect(sms?.sendAfter).toEqual(new Date("2026-11-25T19:00:00Z")); // 14:00 NY: not quiet
      const late = planNotifications(
        input({ now: new Date("2026-11-26T00:00:00Z"), shop: { notificationMode: "hybrid", hybridAutoSendHours: 4 } }),
      );
      expect(late.find((p) => p.channel === "sms")?.sendAfter).toEqual(new Date("2026-11-26T13:00:00Z")); // 23:00 NY → 08:00
      expect(late.find((p) => p.channel === "email")?.sendAfter).toEqual(new Date("2026-11-26T04:00:00Z"));
    });
  });

  describe("mode off", () => {
    it("sends nothing: every enabled channel is suppressed with mode_off", () => {
      const plans = planNotifications(input({ shop: { notificationMode: "off" } }));
      expect(plans).toHaveLength(2);
      expect(plans.every((p) => p.status === "suppressed" && p.reason === "mode_off")).toBe(true);
    });

    it("treats an unknown mode as off (fail closed)", () => {
      const plans = planNotifications(input({ shop: { notificationMode: "loud" } }));
      expect(plans.map((p) => p.status)).toEqual(["suppressed", "suppressed"]);
    });

    it("plans nothing at all for channels the policy disables", () => {
      expect(planNotifications(input({ milestone: "shipped_early" }))).toEqual([]);
      expect(
        planNotifications(
          input({ milestone: "shipped", shop: { milestoneChannels: { shipped: { email: false, sms: false } } } }),
        ),
      ).toEqual([]);
    });
  });

  describe("consent, addresses and opt-outs", () => {
    const smsOf = (i: PlanInput) => planNotifications(i).find((p) => p.channel === "sms");
    const emailOf = (i: PlanInput) => planNotifications(i).find((p) => p.channel === "email");

    it("suppresses SMS without a phone (no_address) or with a bad one (invalid_address)", () => {
      expect(smsOf(input({ recipient: { phone: null } }))).toMatchObject({
        status: "suppressed",
        reason: "no_address",
        recipient: null,
      });
      expect(smsOf(input({ recipient: { phone: "   " } }))).toMatchObject({
        status: "suppressed",
        reason: "no_address",
      });
      expect(smsOf(input({ recipient: { phone: "12345" } }))).toMatchObject({
        status: "suppressed",
        reason: "invalid_address",
      });
    });

    it("reads national numbers with the shipping country", () => {
      expect(smsOf(input({ recipient: { phone: "06 12 34 56 78", country: "FR" } }))).toMatchObject({
        status: "queued",
        recipient: "+33612345678",
      });
    });

    it("requires the order's SMS consent or the merchant's transactional attestation", () => {
      expect(smsOf(input({ recipient: { smsConsent: false } }))).toMatchObject({
        status: "suppressed",
        reason: "no_sms_consent",
      });
      expect(smsOf(input({ recipient: { smsConsent: false }, shop: { smsTransactionalOk: true } }))?.status).toBe(
        "queued",
      );
      expect(smsOf(input({ recipient: { smsConsent: true }, shop: { smsTransactionalOk: false } }))?.status).toBe(
        "queued",
      );
    });

    it("lets a STOP opt-out beat every consent", () => {
      expect(
        smsOf(input({ recipient: { smsOptedOut: true, smsConsent: true }, shop: { smsTransactionalOk: true } })),
      ).toMatchObject({
        status: "suppressed",
        reason: "opted_out",
        recipient: "+14155552671",
      });
    });

    it("suppresses email without an address, with a malformed one, or after unsubscribing", () => {
      expect(emailOf(input({ recipient: { email: null } }))).toMatchObject({
        status: "suppressed",
        reason: "no_address",
      });
      expect(emailOf(input({ recipient: { email: "not-an-email" } }))).toMatchObject({
        status: "suppressed",
        reason: "invalid_address",
      });
      expect(emailOf(input({ recipient: { emailOptedOut: true } }))).toMatchObject({
        status: "suppressed",
        reason: "opted_out",
      });
    });

    it("suppresses one channel without touching the other", () => {
      const plans = planNotifications(input({ recipient: { smsConsent: false } }));
      expect(plans.map((p) => p.status)).toEqual(["queued", "suppressed"]);
    });

    it("keeps the same idempotency key whether sent or suppressed (one row per message)", () => {
      const a = planNotifications(input());
      const b = planNotifications(input({ recipient: { smsConsent: false, email: null } }));
      expect(b.map((p) => p.idempotencyKey)).toEqual(a.map((p) => p.idempotencyKey));
    });
  });

  describe("in-transit digest", () => {
    const digest = (now: Date, timeZone = "America/New_York") =>
      planNotifications(input({ milestone: "in_transit_digest", now, recipient: { timeZone } }));

    it("keys by the customer's local date and waits for the digest hour", () => {
      const [p] = digest(NOW);
      expect(p?.idempotencyKey).toBe("shp_1:in_transit_digest:2026-11-25:email");
      expect(p?.sendAfter).toEqual(new Date("2026-11-25T23:00:00Z")); // 18:00 EST
      expect(p?.reason).toBe("digest_hour");
      expect(DIGEST_LOCAL_HOUR).toBe(18);
    });

    it("gives every change of one local day the same key (at most one digest a day)", () => {
      const times = ["2026-11-25T05:00:00Z", "2026-11-25T12:00:00Z", "2026-11-25T16:59:00Z", "2026-11-25T22:59:59Z"];
      const keys = new Set(times.map((t) => digest(new Date(t))[0]?.idempotencyKey));
      expect(keys).toEqual(new Set(["shp_1:in_transit_digest:2026-11-25:email"]));
    });

    it("rolls changes after the digest hour into the next day's digest", () => {
      const [p] = digest(new Date("2026-11-25T23:30:00Z")); // 18:30 NY
      expect(p?.idempotencyKey).toBe("shp_1:in_transit_digest:2026-11-26:email");
      expect(p?.sendAfter).toEqual(new Date("2026-11-26T23:00:00Z"));
    });

    it("uses the customer's date, not UTC's", () => {
      const now = new Date("2026-11-25T16:00:00Z"); // 2026-11-26 01:00 in Tokyo
      expect(digest(now, "Asia/Tokyo")[0]?.idempotencyKey).toBe("shp_1:in_transit_digest:2026-11-26:email");
      expect(digest(now, "America/Los_Angeles")[0]?.idempotencyKey).toBe("shp_1:in_transit_digest:2026-11-25:email");
    });

    it("yields at most one key per local day over a week of hourly scans", () => {
      const keys = new Set<string>();
      for (let h = 0; h < 24 * 7; h++) {
        const p = digest(new Date(NOW.getTime() + h * 3_600_000))[0];
        if (p) keys.add(p.idempotencyKey);
      }
      expect(keys.size).toBe(8); // 7 days of scans starting 10:00 roll into 8 digest days at most
      for (const k of keys) expect(k).toMatch(/^shp_1:in_transit_digest:\d{4}-\d{2}-\d{2}:email$/);
    });

    it("plans nothing when nothing changed, and never an SMS", () => {
      expect(planNotifications(input({ milestone: "in_transit_digest", changed: false }))).toEqual([]);
      const withSms = planNotifications(
        input({ milestone: "in_transit_digest", shop: { milestoneChannels: { in_transit_digest: { sms: true } } } }),
      );
      expect(withSms.map((p) => p.channel)).toEqual(["email"]);
    });
  });

  describe("delayed", () => {
    it("is email-only by default and SMS when the merchant enables it", () => {
      expect(planNotifications(input({ milestone: "delayed" })).map((p) => p.channel)).toEqual(["email"]);
      const on = planNotifications(
        input({ milestone: "delayed", shop: { milestoneChannels: { delayed: { sms: true } } } }),
      );
      expect(on.map((p) => p.channel)).toEqual(["email", "sms"]);
    });

    it("keys each announced estimate separately so a second, different delay can be told", () => {
      const a = planNotifications(input({ milestone: "delayed", newEstimate: new Date("2026-11-28T20:00:00Z") }));
      const b = planNotifications(input({ milestone: "delayed", newEstimate: new Date("2026-12-02T20:00:00Z") }));
      expect(a[0]?.idempotencyKey).toBe("shp_1:delayed:2026-11-28:email");
      expect(b[0]?.idempotencyKey).toBe("shp_1:delayed:2026-12-02:email");
      expect(planNotifications(input({ milestone: "delayed" }))[0]?.idempotencyKey).toBe("shp_1:delayed:email");
    });
  });

  it("accepts an already resolved channel matrix", () => {
    const matrix = resolveChannels({ delivered: { email: false } });
    expect(planNotifications(input({ milestone: "delivered", shop: { milestoneChannels: matrix } }))).toEqual([]);
  });
});

describe("stillRelevant (checked at send time)", () => {
  it("drops a digest once the parcel left transit", () => {
    expect(stillRelevant("in_transit_digest", { stage: 3, subStatus: "in_transit" })).toBe(true);
    expect(stillRelevant("in_transit_digest", { stage: 4, subStatus: "delivered" })).toBe(false);
  });

  it("drops out_for_delivery, delivery_failed and delayed after delivery", () => {
    const delivered = { stage: 4, subStatus: "delivered", delayed: false };
    expect(stillRelevant("out_for_delivery", delivered)).toBe(false);
    expect(stillRelevant("delivery_failed", delivered)).toBe(false);
    expect(stillRelevant("delayed", delivered)).toBe(false);
    expect(stillRelevant("delivered", delivered)).toBe(true);
  });

  it("drops a delay notice once the shipment is no longer delayed", () => {
    expect(stillRelevant("delayed", { stage: 3, subStatus: "in_transit", delayed: true })).toBe(true);
    expect(stillRelevant("delayed", { stage: 3, subStatus: "in_transit", delayed: false })).toBe(false);
  });

  it("drops everything for a cancelled shipment", () => {
    for (const m of MILESTONES)
      expect(stillRelevant(m, { stage: 2, subStatus: "label_created", cancelled: true })).toBe(false);
  });
});
