// The storefront lookup's answer: the JSON the tracking block renders. Written down for the block in
// extensions/tracking-block/CONTRACT.md and the typedefs at the top of its assets/tracking.js; keep
// the three in step. Types and the fixed failure answers only: rules/view.ts builds a found answer,
// lookup.server.ts runs the queries.
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
  location: string | null;
}

export interface LookupShipment {
  id: string;
  kind: ShipmentKind;
  stage: Stage;
  subStatus: string;
  statusLabel: string;
  delayed: boolean;
  delayNotice?: string;
  needsAttention: boolean;
  carrier: string | null;
  trackingNumber: string | null;
  carrierUrl: string | null;
  /** Bare dates ("2026-11-27") for a date-only carrier estimate, else ISO instants. */
  estimate: { start: string; end: string; source: "carrier" | "predicted" } | null;
  destination: { city: string | null; region: string | null; country: string | null };
  /** Newest first, at most MAX_EVENTS. */
  events: LookupEvent[];
  items: { title: string; quantity: number; image: string | null }[];
}

export interface LookupFound {
  found: true;
  order: LookupOrder;
  shipments: LookupShipment[];
  recommendations: Recommendation[];
  locale: Locale;
}

export type FailureReason = "not_found" | "rate_limited" | "invalid";

export interface LookupFailure {
  found: false;
  reason: FailureReason;
  message: string;
}

export type LookupResponse = LookupFound | LookupFailure;

export const FAILURE_STATUS: Record<FailureReason, number> = { not_found: 404, rate_limited: 429, invalid: 400 };

const MESSAGES: Record<FailureReason, string> = {
  not_found: "We couldn't find an order with those details. Check the order number and the email or phone number you used at checkout.",
  rate_limited: "Too many attempts. Please wait a minute and try again.",
  invalid: "Please check the details you entered and try again.",
};

export function failure(reason: FailureReason): LookupFailure {
  return { found: false, reason, message: MESSAGES[reason] };
}
