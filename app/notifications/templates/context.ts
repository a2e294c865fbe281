// What a customer message is rendered from: plain facts, all optional beyond the basics.
import type { EditableCopy } from "./editable-copy";

export type DelayReason = "carrier" | "no_scan" | "estimate_passed" | "exception";

export interface DateWindow {
  start: Date;
  end: Date;
}

export interface Scan {
  at: Date;
  /** Carrier's description of the scan ("Departed facility"). */
  message: string;
  /** Facility or place ("Columbus, OH, US"). */
  location?: string | null;
}

export interface MessageContext {
  shopName: string;
  customerFirstName?: string | null;
  /** "#1001" */
  orderName: string;
  /** Signed tracking page link: the one-click primary call to action. */
  trackingUrl: string;
  carrierName?: string | null;
  /** The carrier's own tracking page: a secondary link. */
  carrierUrl?: string | null;
  /** Never shown for order_confirmed. */
  trackingNumber?: string | null;
  estimatedWindow?: DateWindow | null;
  /** Zone the customer reads dates in (Order.customerTimezone); UTC when unknown. */
  timeZone?: string | null;
  /** Digest: last known place and the scans since the previous digest (newest first is fine). */
  lastLocation?: string | null;
  scans?: Scan[] | null;
  /** delayed: why, and the new estimate. */
  delayReason?: DelayReason | null;
  newEstimate?: DateWindow | null;
  /** return_approved */
  returnLabelUrl?: string | null;
  returnTrackingNumber?: string | null;
  returnTrackingUrl?: string | null;
  /** refund_issued: amount in minor units (cents) and ISO 4217 currency. */
  refund?: { amountMinor: number; currency: string } | null;
  /**
   * A split order's parcels that reached this milestone together, this message's own first
   * (notifications/combine.server.ts): one email lists them all.
   */
  parcels?: { carrierName?: string | null; trackingNumber?: string | null; carrierUrl?: string | null }[] | null;
  /** delivered, delivery_failed: the carrier's own words on the delivery scan ("Left with neighbour"). */
  deliveryDetail?: string | null;
  /** refund_issued: when the refund was made. */
  refundedAt?: Date | null;
  /** Hybrid mode: a note from staff, plain text (escaped when rendered). */
  personalNote?: string | null;
  unsubscribeUrl?: string | null;
  helpUrl?: string | null;
  helpEmail?: string | null;
  /** The shop's own copy of this milestone's email, by language ("fr"); the default copy where absent. */
  customCopy?: Partial<Record<string, EditableCopy>> | null;
}

export interface Branding {
  logoUrl?: string | null;
  primaryColor?: string | null;
  accentColor?: string | null;
  /** CSS font stack, e.g. "Helvetica, Arial, sans-serif". */
  font?: string | null;
}

export const DEFAULT_BRANDING = {
  primaryColor: "#1f5199",
  accentColor: "#2e7d32",
  font: "Helvetica, Arial, sans-serif",
} as const;
