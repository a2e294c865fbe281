// The integration rules: the per-milestone choice (never both), the Klaviyo profile (phone only with
// consent), the Flow payload against the declared fields, and the generated trigger extensions.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import {
  emailSenders,
  FLOW_FIELDS,
  flowPayload,
  handEmailToKlaviyo,
  INTEGRATION_MILESTONES,
  klaviyoProfile,
  klaviyoSends,
  MILESTONE_INFO,
  type MilestoneFields,
} from "~/integrations/rules/milestones";
import { flowExtensionPath, flowExtensionToml } from "../../scripts/integrations/flow-extensions";

const fields: MilestoneFields = {
  milestone: "out_for_delivery",
  occurredAt: "2026-11-24T15:00:00.000Z",
  orderId: "42",
  orderName: "#1001",
  shipmentName: null,
  carrier: null,
  trackingNumber: null,
  carrierTrackingUrl: null,
  estimatedDelivery: null,
  delayReason: null,
};

describe("integration rules", () => {
  it("Klaviyo sends a milestone only when chosen and a key is set; anything else means Waypoint", () => {
    expect(emailSenders({ delayed: "klaviyo", delivered: "KLAVIYO", junk: "klaviyo" }, true)).toEqual({
      delayed: "klaviyo",
      out_for_delivery: "waypoint",
      delivered: "waypoint",
      delivery_failed: "waypoint",
      return_received: "waypoint",
    });
    expect(klaviyoSends("delayed", { delayed: "klaviyo" }, false)).toBe(false);
    expect(klaviyoSends("shipped", { shipped: "klaviyo" }, true)).toBe(false); // not an integration milestone
    expect(emailSenders(null, true).delayed).toBe("waypoint");
    expect(emailSenders(["klaviyo"], true).delayed).toBe("waypoint");
  });

  it("hands the email (not the SMS) to Klaviyo under the same key, suppressed with its reason", () => {
    const plans = [
      { channel: "email", status: "queued", idempotencyKey: "a:email" },
      { channel: "sms", status: "queued", idempotencyKey: "a:sms" },
      { channel: "email", status: "suppressed", reason: "opted_out", idempotencyKey: "b:email" },
    ];
    expect(handEmailToKlaviyo(plans, true)).toEqual([
      { channel: "email", status: "suppressed", reason: "klaviyo_sends", idempotencyKey: "a:email" },
      plans[1],
      plans[2],
    ]);
    expect(handEmailToKlaviyo(plans, false)).toBe(plans);
  });

  it("the Klaviyo profile carries the phone only with SMS consent, and needs an identifier", () => {
    expect(klaviyoProfile({ email: "a@b.test", phone: "+14155552671", smsConsent: false })).toEqual({
      email: "a@b.test",
    });
    expect(klaviyoProfile({ email: null, phone: "+14155552671", smsConsent: true })).toEqual({
      phoneNumber: "+14155552671",
    });
    expect(klaviyoProfile({ email: null, phone: "415 555", smsConsent: true })).toBeNull();
  });

  it("the Flow payload has exactly the declared keys, every one present even when unknown", () => {
    const payload = flowPayload(fields, "https://shop.test/apps/track?token=x");
    const keys = FLOW_FIELDS.map((f) => f.key ?? "order_id");
    expect(Object.keys(payload).sort()).toEqual([...keys].sort());
    expect(payload).toMatchObject({ order_id: 42, Carrier: "", "Has estimate": false, "Estimated delivery": "" });
  });

  it("trigger handles follow Flow's rules, and the committed extensions are what the generator writes", () => {
    const handles = INTEGRATION_MILESTONES.map((m) => MILESTONE_INFO[m].flowHandle);
    expect(new Set(handles).size).toBe(handles.length);
    for (const h of handles) expect(h).toMatch(/^[a-z0-9-]{1,30}$/);
    for (const m of INTEGRATION_MILESTONES) {
      const file = flowExtensionPath(m);
      expect(fs.readFileSync(file, "utf8"), `${file}: run npx tsx scripts/integrations/flow-extensions.ts`).toBe(
        flowExtensionToml(m),
      );
    }
  });
});
