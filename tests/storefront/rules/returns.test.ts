// A return as the shopper sees it: its journey, its label, its refund; never a parcel of the order.
import { describe, expect, it } from "vitest";
import { returnView, type ReturnCaseColumns, type ReturnInput } from "~/storefront/rules/returns";

const CASE: ReturnCaseColumns = {
  returnLabelUrl: "https://cdn.shopify.com/label.pdf",
  reverseDeliveryId: "908",
  labelCreatedAt: new Date("2026-11-23T20:41:12Z"),
  inTransitAt: null,
  deliveredAt: null,
  caseName: "#1001-R1",
  caseStatus: "approved",
  declineNote: null,
  caseLineItems: [
    { lineItemId: "11", quantity: 1, reason: "unwanted", customerNote: "Ordered two by mistake" },
    { lineItemId: "99", quantity: 1 },
  ],
  requestedAt: new Date("2026-11-22T00:00:00Z"),
  approvedAt: new Date("2026-11-23T00:00:00Z"),
  receivedAt: null,
  refundedAt: null,
  refundCents: null,
};

function ret(row: Partial<ReturnCaseColumns> = {}, over: Partial<ReturnInput> = {}) {
  return returnView({
    id: "r1",
    subStatus: "return_label_created",
    row: { ...CASE, ...row },
    carrier: "UPS",
    trackingNumber: "1Z999AA10123456800",
    carrierUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456800",
    events: [],
    items: [{ id: "11", title: "Backpack" }],
    currency: "EUR",
    timeZone: "Europe/Paris",
    locale: "en",
    ...over,
  });
}

describe("returnView", () => {
  it("offers the label to print while the parcel is on its way back, and lists what comes back without reasons", () => {
    const r = ret();
    expect(r).toMatchObject({
      name: "#1001-R1",
      status: "return_label_created",
      statusLabel: "Return label created",
      step: 4,
      labelUrl: "https://cdn.shopify.com/label.pdf",
      carrier: "UPS",
      trackingNumber: "1Z999AA10123456800",
      note: null,
      refund: null,
    });
    expect(r.items).toEqual([{ title: "Backpack", quantity: 1, image: null }]);
    expect(JSON.stringify(r)).not.toMatch(/mistake|unwanted/);
    // Received: no label to print any more. Never a label or carrier page that is not https.
    expect(ret({ receivedAt: new Date("2026-11-26T00:00:00Z") }, { subStatus: "return_received" }).labelUrl).toBeNull();
    expect(ret({ returnLabelUrl: "javascript:alert(1)" }).labelUrl).toBeNull();
    expect(ret({}, { carrierUrl: "http://ups.example/x" }).carrierUrl).toBeNull();
  });

  it("gives the refund's amount and date in the shopper's language and the shop's time zone", () => {
    const refunded = { refundCents: 13706, refundedAt: new Date("2026-11-28T23:30:00Z") };
    expect(ret(refunded, { subStatus: "refunded" }).refund).toEqual({ amount: "€137.06", date: "Nov 29, 2026" });
    const fr = ret(refunded, { subStatus: "refunded", locale: "fr" });
    expect(fr.refund).toEqual({ amount: "137,06\u00a0€", date: "29 nov. 2026" });
    expect(fr.statusLabel).toBe("Remboursement effectué");
    expect(
      ret({ refundCents: 500, refundedAt: new Date("2026-11-28T12:00:00Z") }, { currency: "JPY" }).refund!.amount,
    ).toBe("¥500");
  });

  it("shows a declined or cancelled return by its status only: the merchant's note, no steps, no label", () => {
    const declined = ret(
      {
        caseStatus: "declined",
        declineNote: "  Final sale items can't come back. ",
        reverseDeliveryId: null,
        returnLabelUrl: null,
      },
      { subStatus: "declined", trackingNumber: null, carrier: null, carrierUrl: null },
    );
    expect(declined).toMatchObject({
      status: "declined",
      statusLabel: "Return declined",
      steps: [],
      note: "Final sale items can't come back.",
      labelUrl: null,
      carrier: null,
    });
    const cancelled = ret({ caseStatus: "cancelled" }, { subStatus: "cancelled", locale: "de" });
    expect(cancelled).toMatchObject({ statusLabel: "Rücksendung storniert", steps: [], labelUrl: null, note: null });
  });
});
