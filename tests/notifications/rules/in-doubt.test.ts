// Which messages in doubt are resent automatically, when, and only once: the pure rule the sender,
// the sweep and the failures page share.
import { describe, expect, it } from "vitest";
import {
  AUTO_RESEND_BY,
  autoResendAt,
  DEFAULT_IN_DOUBT_RESEND_MINUTES,
  IN_DOUBT_CRITICAL,
  IN_DOUBT_RESEND_MINUTES,
  isInDoubtCritical,
  type Resend,
} from "~/notifications/rules/in-doubt";
import { MILESTONES } from "~/notifications/rules/policy";

const SINCE = new Date("2026-11-24T15:00:00Z");
const resend = (by: string, attempt = 2): Resend => ({ attempt, at: SINCE.toISOString(), by, reason: "test" });

describe("isInDoubtCritical", () => {
  it("is true for shipped, out for delivery and delivery failed only", () => {
    expect([...IN_DOUBT_CRITICAL].sort()).toEqual(["delivery_failed", "out_for_delivery", "shipped"]);
    for (const m of MILESTONES)
      expect(isInDoubtCritical(m), m).toBe((IN_DOUBT_CRITICAL as readonly string[]).includes(m));
    expect(isInDoubtCritical("delivered")).toBe(false);
    expect(isInDoubtCritical("order_confirmed")).toBe(false);
    expect(isInDoubtCritical("")).toBe(false);
    expect(isInDoubtCritical("SHIPPED")).toBe(false);
  });
});

describe("autoResendAt", () => {
  it("is the shop's minutes after the message went in doubt, for each critical milestone", () => {
    for (const milestone of IN_DOUBT_CRITICAL) {
      expect(autoResendAt({ milestone, since: SINCE, minutes: 30, resends: [] }), milestone).toEqual(
        new Date("2026-11-24T15:30:00Z"),
      );
    }
    expect(autoResendAt({ milestone: "shipped", since: SINCE, minutes: 1440, resends: [] })).toEqual(
      new Date("2026-11-25T15:00:00Z"),
    );
    expect(autoResendAt({ milestone: "shipped", since: SINCE, minutes: 5, resends: [] })).toEqual(
      new Date("2026-11-24T15:05:00Z"),
    );
  });

  it("is never for a milestone that is not critical", () => {
    const others = MILESTONES.filter((m) => !isInDoubtCritical(m));
    expect(others).toContain("delivered");
    expect(others).toContain("order_confirmed");
    for (const milestone of [...others, "not_a_milestone"]) {
      expect(autoResendAt({ milestone, since: SINCE, minutes: 30, resends: [] }), milestone).toBeNull();
    }
  });

  it("is never when the shop chose never (null), or with no usable delay", () => {
    for (const minutes of [null, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(autoResendAt({ milestone: "shipped", since: SINCE, minutes, resends: [] }), String(minutes)).toBeNull();
    }
  });

  it("happens once: a message already resent automatically waits for staff", () => {
    expect(
      autoResendAt({ milestone: "out_for_delivery", since: SINCE, minutes: 30, resends: [resend(AUTO_RESEND_BY)] }),
    ).toBeNull();
    // However the resends are ordered, and whoever else resent it too.
    expect(
      autoResendAt({
        milestone: "out_for_delivery",
        since: SINCE,
        minutes: 30,
        resends: [resend("staff@acme.test", 2), resend(AUTO_RESEND_BY, 3)],
      }),
    ).toBeNull();
  });

  it("does not count a staff resend as the automatic one", () => {
    const later = new Date(SINCE.getTime() + 60 * 60_000);
    expect(
      autoResendAt({
        milestone: "delivery_failed",
        since: later,
        minutes: 30,
        resends: [resend("staff@acme.test"), resend("staff")],
      }),
    ).toEqual(new Date(later.getTime() + 30 * 60_000));
  });

  it("has a default inside the range the settings accept", () => {
    expect(DEFAULT_IN_DOUBT_RESEND_MINUTES).toBe(30);
    expect(DEFAULT_IN_DOUBT_RESEND_MINUTES).toBeGreaterThanOrEqual(IN_DOUBT_RESEND_MINUTES.min);
    expect(DEFAULT_IN_DOUBT_RESEND_MINUTES).toBeLessThanOrEqual(IN_DOUBT_RESEND_MINUTES.max);
  });
});
