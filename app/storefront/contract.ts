// The storefront lookup's answer: the JSON the tracking block renders. Written down for the block in
// extensions/tracking-block/CONTRACT.md and the typedefs at the top of its assets/tracking-core.js; keep
// the three in step. Types and the fixed failure answers only: rules/view.ts builds a found answer,
// lookup.server.ts runs the queries.
//
// Two found answers: the whole order (order number + email or phone, or a signed link), and one
// parcel (`scope: "parcel"`, a tracking number alone). A tracking number is printed on the parcel and
// shared freely, so it opens only what the carrier's own tracking page shows, never the order.
import type { Locale } from "../notifications/copy";
import type { ShipmentKind, Stage } from "../pipeline/rules/types";
// Type only (erased): the recommender's item is the contract's recommendation, one declaration.
import type { Recommendation } from "./recommendations.server";

export type { Recommendation };

/** Events per parcel, newest first. */
export const MAX_EVENTS = 25;
/** Parcels per order (outbound and returns). */
export const MAX_SHIPMENTS = 12;

export interface LookupOrder {
  name: string;
  placedAt: string;
  stage: Stage;
  /** The order's sub-status code (confirmed, in_transit, partially_delivered, ...). */
  status: string;
  statusLabel: string;
  cancelled: boolean;
}

export interface LookupEvent {
  at: string;
  status: string;
  label: string;
  /** The scan's own place, as the carrier gives it. */
  location: string | null;
  /** What the carrier says of a delivery scan ("Delivered, left with neighbour"), when it says more than the label. */
  detail?: string;
}

export interface LookupEstimate {
  /** Bare dates ("2026-11-27") for a date-only carrier estimate, else ISO instants. */
  start: string;
  end: string;
  source: "carrier" | "predicted";
}

/** A parcel as its carrier's public tracking page shows it: all a tracking number alone opens. */
export interface LookupParcel {
  stage: Stage;
  subStatus: string;
  statusLabel: string;
  /** The carrier's own words on the current delivery scan ("Delivered, left with neighbour"), when they add to the label. */
  statusDetail?: string;
  carrier: string | null;
  trackingNumber: string | null;
  /** The carrier's page for this number (never a link that carries the destination's postcode). */
  carrierUrl: string | null;
  /** The carrier's own estimate only: ours is made from the order. */
  estimate: (LookupEstimate & { source: "carrier" }) | null;
  /** Newest first, at most MAX_EVENTS. */
  events: LookupEvent[];
}

/** A parcel of the order, as the order's own answer shows it. */
export interface LookupShipment extends Omit<LookupParcel, "estimate"> {
  id: string;
  kind: ShipmentKind;
  delayed: boolean;
  delayNotice?: string;
  needsAttention: boolean;
  estimate: LookupEstimate | null;
  destination: { city: string | null; region: string | null; country: string | null };
  items: { title: string; quantity: number; image: string | null }[];
}

/**
 * A return of the order, as a journey of its own (requested → approved → label → in transit →
 * received → refunded; rules/returns.ts). Never one of the order's parcels: before a reverse delivery
 * exists it is the order's return case (no carrier, number or link), and once declined or cancelled
 * it shows its status only (no steps).
 */
export interface LookupReturn {
  id: string;
  /** Shopify's name ("#1001-R1"), when known. */
  name: string | null;
  /** The return's sub-status code (return_requested ... refunded, declined, cancelled). */
  status: string;
  statusLabel: string;
  /** Each step's state, in the order of the block's return steps; empty once declined or cancelled. */
  steps: ("done" | "current" | "todo")[];
  /** 1-based: the current step, else the furthest one done. */
  step: number;
  /** The merchant's note to the shopper when the return was declined. */
  note: string | null;
  /** The label to print (https only), while the return has not reached the shop yet. */
  labelUrl: string | null;
  /** Formatted in the shopper's language and the shop's time zone. */
  refund: { amount: string; date: string } | null;
  carrier: string | null;
  trackingNumber: string | null;
  carrierUrl: string | null;
  /** Newest first, at most MAX_EVENTS. */
  events: LookupEvent[];
  items: { title: string; quantity: number; image: string | null }[];
}

/** The whole order: its number + the email or phone it was placed with, or a signed link. */
export interface LookupFound {
  found: true;
  /** Always "order" in our answers; the block reads a found answer without scope as the order. */
  scope?: "order";
  order: LookupOrder;
  /** The parcels sent to the shopper (never returns). */
  shipments: LookupShipment[];
  returns: LookupReturn[];
  recommendations: Recommendation[];
  locale: Locale;
}

/** A tracking number alone: that parcel, and nothing of the order it belongs to. */
export interface LookupParcelFound {
  found: true;
  scope: "parcel";
  parcel: LookupParcel;
  /** In `locale`: the whole order opens with its number and the email or phone used at checkout. */
  hint: string;
  locale: Locale;
}

export type FailureReason = "not_found" | "rate_limited" | "invalid";

export interface LookupFailure {
  found: false;
  reason: FailureReason;
  message: string;
}

export type LookupResponse = LookupFound | LookupParcelFound | LookupFailure;

export const FAILURE_STATUS: Record<FailureReason, number> = { not_found: 404, rate_limited: 429, invalid: 400 };

const MESSAGES: Record<FailureReason, string> = {
  not_found:
    "We couldn't find an order with those details. Check the order number and the email or phone number you used at checkout.",
  rate_limited: "Too many attempts. Please wait a minute and try again.",
  invalid: "Please check the details you entered and try again.",
};

export function failure(reason: FailureReason): LookupFailure {
  return { found: false, reason, message: MESSAGES[reason] };
}
