// A return as staff see it on its shipment's page: the same journey as the shopper's
// (pipeline/rules/return-journey.ts) with each step's date, the label to print, the refund, and
// what the shopper sends back and why (reasons and notes are for staff only). Scoped to the shop.
import type { Db } from "../db.server";
import { RETURN_STEPS, returnJourney, type ReturnStep, type StepState } from "../pipeline/rules/return-journey";
import { subStatusLabel } from "../pipeline/rules/stages";

export interface ReturnCaseView {
  name: string | null;
  /** requested | approved | declined | cancelled | closed: the case's own status in Shopify. */
  caseStatus: string;
  statusLabel: string;
  ended: "declined" | "cancelled" | null;
  /** False until a reverse delivery exists: the return is the order's case, not a parcel yet. */
  parcel: boolean;
  steps: { step: ReturnStep; label: string; state: StepState; at: string | null }[];
  declineReason: string | null;
  declineNote: string | null;
  labelUrl: string | null;
  refund: { amountCents: number; currency: string; at: string } | null;
  items: {
    title: string;
    quantity: number;
    reason: string | null;
    reasonNote: string | null;
    customerNote: string | null;
  }[];
}

export const RETURN_STEP_LABELS: Record<ReturnStep, string> = {
  requested: "Requested",
  approved: "Approved",
  label: "Label",
  in_transit: "On its way back",
  received: "Received",
  refunded: "Refunded",
};

/** Shopify's ReturnReason values (lower-cased in webhooks) in words. */
const RETURN_REASONS: Record<string, string> = {
  color: "Colour",
  defective: "Damaged or defective",
  not_as_described: "Not as described",
  other: "Other",
  size_too_large: "Too large",
  size_too_small: "Too small",
  style: "Style",
  unknown: "Not given",
  unwanted: "Changed their mind",
  wrong_item: "Wrong item received",
};

/** Shopify's ReturnDeclineReason values in words. */
const DECLINE_REASONS: Record<string, string> = {
  return_period_ended: "The return period ended",
  final_sale: "Final sale",
  other: "Other",
};

function words(table: Record<string, string>, raw: string | null | undefined): string | null {
  if (!raw) return null;
  const key = raw.trim().toLowerCase();
  return table[key] ?? key.replace(/_/g, " ");
}

function stored(json: unknown): Record<string, unknown>[] {
  return Array.isArray(json) ? json.filter((x): x is Record<string, unknown> => !!x && typeof x === "object") : [];
}

const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim() : null);

export async function returnCaseView(db: Db, shopId: string, shipmentId: string): Promise<ReturnCaseView | null> {
  const s = await db.shipment.findFirst({
    where: { id: shipmentId, shopId, kind: "return" },
    select: {
      subStatus: true,
      reverseDeliveryId: true,
      returnLabelUrl: true,
      primaryTracking: true,
      labelCreatedAt: true,
      inTransitAt: true,
      deliveredAt: true,
      returnCase: { include: { order: { select: { currency: true, lineItems: true } } } },
    },
  });
  const rc = s?.returnCase;
  if (!s || !rc) return null;
  const journey = returnJourney({
    subStatus: s.subStatus,
    caseStatus: rc.status,
    requestedAt: rc.requestedAt,
    approvedAt: rc.approvedAt,
    labelAt: s.labelCreatedAt,
    inTransitAt: s.inTransitAt,
    receivedAt: rc.receivedAt ?? s.deliveredAt,
    refundedAt: rc.refundedAt,
    hasDelivery: s.reverseDeliveryId !== null || !!s.returnLabelUrl || !!s.primaryTracking,
  });
  const orderItems = stored(rc.order?.lineItems);
  const titleOf = (lineItemId: unknown) =>
    str(orderItems.find((li) => String(li.id) === String(lineItemId))?.title) ?? "Item no longer on the order";
  const status = journey.ended ?? s.subStatus;
  return {
    name: rc.name,
    caseStatus: rc.status,
    statusLabel: journey.ended === "cancelled" ? "Return cancelled" : subStatusLabel(status),
    ended: journey.ended,
    parcel: journey.parcel,
    steps: journey.steps.map((x, i) => ({
      step: x.step,
      label: RETURN_STEP_LABELS[RETURN_STEPS[i]!],
      state: x.state,
      at: x.at?.toISOString() ?? null,
    })),
    declineReason: words(DECLINE_REASONS, rc.declineReason),
    declineNote: rc.declineNote,
    labelUrl: s.returnLabelUrl && /^https:\/\//i.test(s.returnLabelUrl) ? s.returnLabelUrl : null,
    refund:
      rc.refundCents != null && rc.refundedAt
        ? { amountCents: rc.refundCents, currency: rc.order?.currency ?? "USD", at: rc.refundedAt.toISOString() }
        : null,
    items: stored(rc.lineItems).map((li) => ({
      title: titleOf(li.lineItemId),
      quantity: typeof li.quantity === "number" ? li.quantity : 1,
      reason: words(RETURN_REASONS, str(li.reason)),
      reasonNote: str(li.reasonNote),
      customerNote: str(li.customerNote),
    })),
  };
}
