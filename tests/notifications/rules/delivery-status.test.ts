// The delivery-status rules: provider words onto one small set, and a status that only moves forward.
import { describe, expect, it } from "vitest";
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  fromSendGridEvent,
  fromTwilioStatus,
  scrubReason,
  sendGridReason,
  shouldAdvance,
  twilioErrorText,
} from "~/notifications/rules/delivery-status";

/** Folds reports in arrival order, as the webhooks do. */
function fold(reports: DeliveryStatus[], start: string | null = null): string | null {
  let current = start;
  for (const r of reports) if (shouldAdvance(current, r)) current = r;
  return current;
}

describe("delivery status", () => {
  it("maps Twilio's MessageStatus values", () => {
    expect(["queued", "accepted", "sending", "sent"].map(fromTwilioStatus)).toEqual(["sent", "sent", "sent", "sent"]);
    expect(["delivered", "undelivered", "failed", "canceled", "read"].map(fromTwilioStatus)).toEqual([
      "delivered",
      "undelivered",
      "failed",
      "failed",
      "opened",
    ]);
    expect(fromTwilioStatus("receiving")).toBeNull();
    expect(fromTwilioStatus(undefined)).toBeNull();
  });

  it("maps SendGrid's events; engagement that says nothing about delivery is not recorded", () => {
    expect(["processed", "deferred", "delivered", "open", "click", "bounce", "dropped"].map(fromSendGridEvent)).toEqual(
      ["sent", "deferred", "delivered", "opened", "opened", "bounced", "dropped"],
    );
    for (const e of ["spamreport", "unsubscribe", "group_unsubscribe", "whatever", null])
      expect(fromSendGridEvent(e)).toBeNull();
  });

  it("never moves back from an outcome, and only 'opened' may follow 'delivered'", () => {
    expect(fold(["delivered", "sent"])).toBe("delivered");
    expect(fold(["delivered", "deferred"])).toBe("delivered");
    expect(fold(["delivered", "bounced"])).toBe("delivered"); // the first outcome wins
    expect(fold(["bounced", "delivered", "opened"])).toBe("bounced");
    expect(fold(["undelivered", "sent", "delivered"])).toBe("undelivered");
    expect(fold(["sent", "deferred", "sent"])).toBe("deferred");
    expect(fold(["deferred", "delivered", "opened", "delivered"])).toBe("opened");
    expect(fold(["opened", "delivered"])).toBe("opened"); // an open that overtook its delivery
    for (const s of DELIVERY_STATUSES) expect(shouldAdvance(s, s), s).toBe(false); // repeats change nothing
  });

  it("reaches the same final status whatever the arrival order of a message's reports", () => {
    const lifecycles: DeliveryStatus[][] = [
      ["sent", "delivered"],
      ["sent", "undelivered"],
      ["sent", "deferred", "delivered", "opened"],
      ["sent", "deferred", "bounced"],
      ["sent", "dropped"],
    ];
    const perms = <T>(xs: T[]): T[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    for (const life of lifecycles) {
      const expected = life[life.length - 1];
      for (const order of perms(life)) expect(fold(order), order.join(",")).toBe(expected);
    }
  });

  it("the provider's reason, without addresses", () => {
    expect(twilioErrorText("30003")).toBe("Twilio 30003: unreachable handset (off or out of coverage)");
    expect(twilioErrorText("12345")).toBe("Twilio 12345");
    expect(twilioErrorText("")).toBeNull();
    expect(
      sendGridReason({
        event: "bounce",
        type: "bounce",
        status: "5.1.1",
        reason: "550 5.1.1 <alex@example.com>: Recipient address rejected",
      }),
    ).toBe("bounce 5.1.1: 550 5.1.1 <[address]>: Recipient address rejected");
    expect(sendGridReason({ event: "bounce", type: "blocked", reason: "IP blocked" })).toBe("blocked: IP blocked");
    expect(sendGridReason({ event: "dropped", reason: "Bounced Address" })).toBe("Bounced Address");
    expect(sendGridReason({ event: "deferred", response: "421 try again later" })).toBe("421 try again later");
    expect(sendGridReason({ event: "delivered", response: "250 OK" })).toBeNull();
    expect(scrubReason("x".repeat(400))).toHaveLength(300);
  });
});
