// What a shopper is shown of a return: its own journey (pipeline/rules/return-journey.ts), never one
// of the order's parcels. Pure, like view.ts. What is shown, each tested in tests/storefront/rules/returns.test.ts:
// - carrier, number and links only once a reverse delivery exists; before that the order's return case;
// - declined or cancelled: the status (and the merchant's note when declined), no steps, no label;
// - the label link (https only) while the parcel has not reached the shop;
// - the refund's amount and date in the shopper's language and the shop's time zone;
// - the items coming back (titles and quantities); reasons and notes are for staff only.
import { z } from "zod";
import { pickTimeZone } from "../../lib/time";
import { formattingLocale, type Locale } from "../../notifications/copy";
import { formatMoney } from "../../notifications/templates/format";
import { returnJourney } from "../../pipeline/rules/return-journey";
import type { LookupReturn } from "../contract";
import { eventStatusText, subStatusText } from "./status-labels";

/**
 * The return shipment's columns beyond a parcel's (view.ts ShipmentColumns), and its case's:
 * lookup.server.ts joins ReturnCase on the shipment.
 */
export interface ReturnCaseColumns {
  returnLabelUrl: string | null;
  reverseDeliveryId: string | null;
  labelCreatedAt: Date | null;
  inTransitAt: Date | null;
  deliveredAt: Date | null;
  caseName: string | null;
  caseStatus: string | null;
  declineNote: string | null;
  /** ReturnCase.lineItems JSON: [{ lineItemId, quantity, ... }]. */
  caseLineItems: unknown;
  requestedAt: Date | null;
  approvedAt: Date | null;
  receivedAt: Date | null;
  refundedAt: Date | null;
  refundCents: number | null;
}

export interface ReturnInput {
  id: string;
  subStatus: string;
  row: ReturnCaseColumns;
  /** The return parcel's carrier, number and carrier page as view.ts reads them from its shipment. */
  carrier: string | null;
  trackingNumber: string | null;
  carrierUrl: string | null;
  events: LookupReturn["events"];
  /** The order's items (orderItems()), for the titles of what comes back. */
  items: ReadonlyArray<{ id: string | null; title: string }>;
  currency: string;
  /** The shop's time zone, for the refund's date. */
  timeZone: string | null;
  locale: Locale;
}

const StoredReturnItem = z.object({
  lineItemId: z.union([z.string(), z.number()]).transform(String).nullable().catch(null),
  quantity: z.number().catch(1),
});

function returnItems(json: unknown, items: ReturnInput["items"]): LookupReturn["items"] {
  if (!Array.isArray(json)) return [];
  return json.slice(0, 100).flatMap((li) => {
    const r = StoredReturnItem.safeParse(li);
    const item = r.success && r.data.lineItemId ? items.find((i) => i.id === r.data.lineItemId) : undefined;
    return r.success && item ? [{ title: item.title, quantity: r.data.quantity, image: null }] : [];
  });
}

function httpsOnly(u: string | null): string | null {
  return u && /^https:\/\/[^/\s]+/i.test(u) ? u : null;
}

export function returnView(input: ReturnInput): LookupReturn {
  const { row: r, locale } = input;
  const journey = returnJourney({
    subStatus: input.subStatus,
    caseStatus: r.caseStatus,
    requestedAt: r.requestedAt,
    approvedAt: r.approvedAt,
    labelAt: r.labelCreatedAt,
    inTransitAt: r.inTransitAt,
    receivedAt: r.receivedAt ?? r.deliveredAt,
    refundedAt: r.refundedAt,
    hasDelivery: r.reverseDeliveryId !== null || !!r.returnLabelUrl || !!input.trackingNumber,
  });
  const status = journey.ended ?? input.subStatus;
  const received = journey.steps[4]!.state === "done";
  const tag = formattingLocale(locale);
  const amount = r.refundCents != null ? formatMoney(r.refundCents, input.currency, tag) : undefined;
  const date = r.refundedAt
    ? new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeZone: pickTimeZone(input.timeZone) }).format(r.refundedAt)
    : null;
  return {
    id: input.id,
    name: r.caseName,
    status,
    // "Cancelled" alone would read as the order's: a return's cancellation says it is the return's.
    statusLabel:
      status === "cancelled" ? eventStatusText("return_cancelled", "return", locale) : subStatusText(status, locale),
    steps: journey.ended ? [] : journey.steps.map((s) => s.state),
    step: journey.current,
    note: journey.ended === "declined" ? r.declineNote?.trim().slice(0, 500) || null : null,
    labelUrl: journey.parcel && !journey.ended && !received ? httpsOnly(r.returnLabelUrl) : null,
    refund: amount && date ? { amount, date } : null,
    carrier: journey.parcel ? input.carrier : null,
    trackingNumber: journey.parcel ? input.trackingNumber : null,
    carrierUrl: journey.parcel ? httpsOnly(input.carrierUrl) : null,
    events: input.events,
    items: returnItems(r.caseLineItems, input.items),
  };
}
