// The shape of one language's customer-message copy. Copy is plain text: templates escape it.
import type { Milestone, SmsMilestone } from "../rules/policy";
import type { DelayReason } from "../templates/context";

export const LOCALES = ["en", "fr", "de", "es"] as const;
export type Locale = (typeof LOCALES)[number];

/** Values a sentence may use, already formatted for the locale. */
export interface CopyParams {
  shop: string;
  order: string;
  firstName?: string;
  carrier?: string;
  /** Formatted estimated delivery window ("Wed, Nov 25 – Fri, Nov 27"). */
  window?: string;
  /** Formatted new estimate (delayed, shipped_early). */
  newEstimate?: string;
  location?: string;
  /** Formatted refund amount ("€12.50"). */
  amount?: string;
}

export interface EmailCopy {
  subject(p: CopyParams): string;
  preheader(p: CopyParams): string;
  heading(p: CopyParams): string;
  /** One or more paragraphs. */
  body(p: CopyParams): string[];
}

export interface SmsParams {
  shop: string;
  order: string;
  link: string;
  /** Short date of the new estimate ("Nov 28"), for delayed. */
  date?: string;
}

export interface Messages {
  locale: Locale;
  email: Record<Milestone, EmailCopy>;
  sms: Record<SmsMilestone, (p: SmsParams) => string>;
  smsOptOutHint: string;
  /** Between a label and its value in plain text: ": " (French: " : "). */
  labelSeparator: string;
  greeting(firstName?: string): string;
  trackButton: string;
  carrierLink(carrier?: string): string;
  labels: {
    order: string;
    carrier: string;
    trackingNumber: string;
    estimatedDelivery: string;
    newEstimate: string;
    lastLocation: string;
    scans: string;
    returnTracking: string;
    refundAmount: string;
  };
  delayReasons: Record<DelayReason, string>;
  returnLabelButton: string;
  personalNoteHeading(shop: string): string;
  footerReason(shop: string): string;
  help: string;
  helpEmail(email: string): string;
  unsubscribe: string;
}
