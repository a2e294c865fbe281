// Emails for split orders (every parcel of a combined email listed), delivery words and refund dates.
import { describe, expect, it } from "vitest";
import { composeEmail, type MessageContext } from "~/notifications/templates";

const BASE: MessageContext = {
  shopName: "Acme",
  customerFirstName: "Alex",
  orderName: "#1001",
  trackingUrl: "https://shop.acme.test/apps/track?token=t",
  carrierName: "UPS",
  carrierUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
  trackingNumber: "1Z999AA10123456784",
  timeZone: "America/New_York",
};

describe("emails for several parcels, deliveries and refunds", () => {
  it("lists every parcel of a combined email, one row each, and no single carrier link", () => {
    const parcels = [
      { carrierName: "UPS", trackingNumber: "1Z999AA10123456784", carrierUrl: BASE.carrierUrl },
      { carrierName: "USPS", trackingNumber: "9400111899223197428490", carrierUrl: null },
    ];
    const { text, mjml } = composeEmail("shipped", { ...BASE, parcels }, {}, "en");
    expect(text).toContain("Tracking number 1: UPS 1Z999AA10123456784\nTracking number 2: USPS 9400111899223197428490");
    expect(text).not.toContain("Carrier: UPS");
    expect(mjml).not.toContain("Track with UPS");
    // One parcel listed is an ordinary email.
    expect(composeEmail("shipped", { ...BASE, parcels: parcels.slice(0, 1) }, {}, "en").text).toContain("Carrier: UPS");
    // In French, with the same rows.
    expect(composeEmail("delivered", { ...BASE, parcels }, {}, "fr").text).toMatch(/USPS 9400111899223197428490/);
  });

  it("says where a delivered parcel was left, and when a refund was made", () => {
    const delivered = composeEmail(
      "delivered",
      { ...BASE, deliveryDetail: "Delivered, left with neighbour" },
      {},
      "en",
    );
    expect(delivered.text).toContain("Delivered, left with neighbour");
    expect(composeEmail("shipped", { ...BASE, deliveryDetail: "Left with neighbour" }, {}, "en").text).not.toContain(
      "neighbour",
    );
    const refund = composeEmail(
      "refund_issued",
      {
        ...BASE,
        refund: { amountMinor: 13706, currency: "USD" },
        refundedAt: new Date("2026-11-28T15:05:33Z"),
      },
      {},
      "en",
    );
    expect(refund.text).toContain("$137.06 · Nov 28");
  });
});
