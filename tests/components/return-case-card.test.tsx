// The return card on the shipment page renders the journey, the label link, the refund and the reasons.
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ReturnCaseView } from "~/admin/return-case.server";
import { ReturnCaseCard } from "~/components/ReturnCaseCard";

const RC: ReturnCaseView = {
  name: "#1001-R1",
  caseStatus: "approved",
  statusLabel: "Refund issued",
  ended: null,
  parcel: true,
  steps: [
    { step: "requested", label: "Requested", state: "done", at: "2026-11-22T10:00:00.000Z" },
    { step: "approved", label: "Approved", state: "done", at: null },
    { step: "label", label: "Label", state: "done", at: null },
    { step: "in_transit", label: "On its way back", state: "current", at: null },
    { step: "received", label: "Received", state: "todo", at: null },
    { step: "refunded", label: "Refunded", state: "done", at: "2026-11-28T15:05:33.000Z" },
  ],
  declineReason: null,
  declineNote: null,
  labelUrl: "https://cdn.shopify.com/label.pdf",
  refund: { amountCents: 13706, currency: "EUR", at: "2026-11-28T15:05:33.000Z" },
  items: [{ title: "Backpack", quantity: 1, reason: "Too small", reasonNote: null, customerNote: "Tight <b>fit</b>" }],
};

const html = (rc: ReturnCaseView) =>
  renderToStaticMarkup(
    <AppProvider i18n={en}>
      <ReturnCaseCard rc={rc} timeZone="Europe/Paris" />
    </AppProvider>,
  );

describe("ReturnCaseCard", () => {
  it("shows the steps with dates in the shop's zone, the label to print, the refund and the reasons", () => {
    const out = html(RC);
    expect(out).toContain("Return #1001-R1");
    expect(out).toMatch(/Requested.*Nov 22, 2026, 11:00\s?AM/s);
    expect(out).toContain('href="https://cdn.shopify.com/label.pdf"');
    expect(out).toContain("Refunded €137.06 on Nov 28, 2026");
    expect(out).toContain("Too small · Customer: “Tight &lt;b&gt;fit&lt;/b&gt;”");
  });

  it("says a return without a label is the order's case, and a declined one why", () => {
    expect(html({ ...RC, parcel: false, labelUrl: null })).toContain("No return shipment yet");
    const declined = html({
      ...RC,
      ended: "declined",
      declineReason: "Final sale",
      declineNote: "Used",
      labelUrl: null,
    });
    expect(declined).toContain("Declined: Final sale");
    expect(declined).toContain("Note to the customer: Used");
    expect(declined).not.toContain("Return progress");
  });
});
