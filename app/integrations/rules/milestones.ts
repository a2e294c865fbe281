// What Waypoint hands to the tools merchants already use: which milestones, with which typed fields,
// as a Shopify Flow trigger payload and as a Klaviyo event. Pure: plain data in, plain data out; the
// Flow trigger extensions (extensions/waypoint-*/shopify.extension.toml) are generated from FLOW_FIELDS
// by scripts/integrations/flow-extensions.ts, so the declared fields and the payload are one copy.
// See docs/decisions/011-integrations.md.

/** The milestones worth automating (issue 21), named as the notification policy names them. */
export const INTEGRATION_MILESTONES = [
  "delayed",
  "out_for_delivery",
  "delivered",
  "delivery_failed",
  "return_received",
] as const;
export type IntegrationMilestone = (typeof INTEGRATION_MILESTONES)[number];
export type Destination = "flow" | "klaviyo";

export function isIntegrationMilestone(value: unknown): value is IntegrationMilestone {
  return typeof value === "string" && (INTEGRATION_MILESTONES as readonly string[]).includes(value);
}

export interface MilestoneInfo {
  /** The Flow trigger extension's handle (at most 30 characters, letters, digits and hyphens). */
  flowHandle: string;
  /** Merchant-facing name in the Flow editor: object + past-tense verb, sentence case (Shopify's guideline). */
  flowName: string;
  flowDescription: string;
  /** The Klaviyo metric the event is recorded under. */
  klaviyoMetric: string;
  /** The settings page's label. */
  label: string;
}

export const MILESTONE_INFO: Readonly<Record<IntegrationMilestone, MilestoneInfo>> = Object.freeze({
  delayed: {
    flowHandle: "waypoint-shipment-delayed",
    flowName: "Shipment delayed",
    flowDescription: "A shipment is running late: the carrier reported a delay, scans stopped, or the estimate passed.",
    klaviyoMetric: "Waypoint Shipment Delayed",
    label: "Shipment delayed",
  },
  out_for_delivery: {
    flowHandle: "waypoint-out-for-delivery",
    flowName: "Shipment out for delivery",
    flowDescription: "The carrier has the shipment on a vehicle for delivery today.",
    klaviyoMetric: "Waypoint Out For Delivery",
    label: "Out for delivery",
  },
  delivered: {
    flowHandle: "waypoint-shipment-delivered",
    flowName: "Shipment delivered",
    flowDescription: "The carrier delivered the shipment (or it was picked up).",
    klaviyoMetric: "Waypoint Shipment Delivered",
    label: "Delivered",
  },
  delivery_failed: {
    flowHandle: "waypoint-delivery-failed",
    flowName: "Delivery attempt failed",
    flowDescription: "The carrier could not deliver the shipment: a failed attempt or an exception.",
    klaviyoMetric: "Waypoint Delivery Failed",
    label: "Delivery attempt failed or exception",
  },
  return_received: {
    flowHandle: "waypoint-return-received",
    flowName: "Return received",
    flowDescription: "A returned parcel arrived back at the merchant.",
    klaviyoMetric: "Waypoint Return Received",
    label: "Return received",
  },
});

export type DelayReasonField = "carrier" | "no_scan" | "estimate_passed" | "exception";

/** The milestone's facts, as planned (IntegrationDelivery.fields). No customer data. */
export interface MilestoneFields {
  milestone: IntegrationMilestone;
  /** When the milestone happened (ISO instant). */
  occurredAt: string;
  /** Shopify's numeric order id. */
  orderId: string;
  orderName: string;
  shipmentName: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  carrierTrackingUrl: string | null;
  /** The current estimate, a bare date in the customer's zone ("2026-11-28"), or null. */
  estimatedDelivery: string | null;
  delayReason: DelayReasonField | null;
}

/** Flow trigger field types this app declares (Shopify Flow trigger reference: custom field types). */
export type FlowFieldType = "order_reference" | "single_line_text_field" | "url" | "date_time" | "boolean";

export interface FlowField {
  type: FlowFieldType;
  /** The payload key (none for a reference field: its key is fixed, "order_id"). */
  key?: string;
  description: string;
}

/**
 * The fields every Waypoint trigger declares, in order. Flow expects each declared key in every
 * payload, so nothing is optional: an unknown value is "" (text) or false (boolean), never absent.
 */
export const FLOW_FIELDS: readonly FlowField[] = [
  { type: "order_reference", description: "The order the shipment belongs to." },
  { type: "single_line_text_field", key: "Milestone", description: "Waypoint's milestone code." },
  { type: "date_time", key: "Occurred at", description: "When the milestone happened." },
  { type: "single_line_text_field", key: "Shipment name", description: "Shopify's fulfillment name (#1001.1)." },
  { type: "single_line_text_field", key: "Carrier", description: "The carrier's name, or empty." },
  { type: "single_line_text_field", key: "Tracking number", description: "The carrier's tracking number, or empty." },
  { type: "url", key: "Tracking page URL", description: "The shopper's branded tracking page on the store's domain." },
  { type: "single_line_text_field", key: "Carrier tracking URL", description: "The carrier's own page, or empty." },
  { type: "boolean", key: "Has estimate", description: "Whether a delivery estimate is known." },
  {
    type: "single_line_text_field",
    key: "Estimated delivery",
    description: "The current estimate as a date (YYYY-MM-DD), or empty.",
  },
  {
    type: "single_line_text_field",
    key: "Delay reason",
    description: "carrier, no_scan, estimate_passed or exception; empty when not delayed.",
  },
];

export type FlowPayload = Record<string, string | number | boolean>;

/** The flowTriggerReceive payload: the order reference as Flow wants it (numeric order_id), then every field. */
export function flowPayload(fields: MilestoneFields, trackingPageUrl: string): FlowPayload {
  return {
    order_id: Number(fields.orderId),
    Milestone: fields.milestone,
    "Occurred at": fields.occurredAt,
    "Shipment name": fields.shipmentName ?? "",
    Carrier: fields.carrier ?? "",
    "Tracking number": fields.trackingNumber ?? "",
    "Tracking page URL": trackingPageUrl,
    "Carrier tracking URL": fields.carrierTrackingUrl ?? "",
    "Has estimate": fields.estimatedDelivery !== null,
    "Estimated delivery": fields.estimatedDelivery ?? "",
    "Delay reason": fields.delayReason ?? "",
  };
}

/** The shopper's Klaviyo profile: email, and the phone only when they consented to texts. */
export interface KlaviyoProfile {
  email?: string;
  phoneNumber?: string;
}

export function klaviyoProfile(order: {
  email: string | null;
  phone: string | null;
  smsConsent: boolean;
}): KlaviyoProfile | null {
  const profile: KlaviyoProfile = {};
  if (order.email) profile.email = order.email;
  if (order.phone && order.smsConsent && /^\+[1-9]\d{6,14}$/.test(order.phone)) profile.phoneNumber = order.phone;
  return profile.email || profile.phoneNumber ? profile : null;
}

/**
 * Klaviyo's Events API body (JSON:API, "Create Event"), in the camelCase the klaviyo-api client's
 * serializer turns into Klaviyo's snake_case. `uniqueId` is the delivery's idempotency key: Klaviyo
 * records an event once per (profile, metric, unique_id), which makes a resend after a crash harmless.
 */
export function klaviyoEventBody(
  fields: MilestoneFields,
  trackingPageUrl: string,
  profile: KlaviyoProfile,
  uniqueId: string,
) {
  return {
    data: {
      type: "event" as const,
      attributes: {
        properties: {
          milestone: fields.milestone,
          order_id: fields.orderId,
          order_name: fields.orderName,
          shipment_name: fields.shipmentName,
          carrier: fields.carrier,
          tracking_number: fields.trackingNumber,
          tracking_page_url: trackingPageUrl,
          carrier_tracking_url: fields.carrierTrackingUrl,
          estimated_delivery: fields.estimatedDelivery,
          delay_reason: fields.delayReason,
        },
        time: new Date(fields.occurredAt),
        uniqueId,
        metric: {
          data: { type: "metric" as const, attributes: { name: MILESTONE_INFO[fields.milestone].klaviyoMetric } },
        },
        profile: { data: { type: "profile" as const, attributes: profile } },
      },
    },
  };
}

/** The per-milestone choice: who sends the shopper's email for that milestone. */
export type EmailSender = "waypoint" | "klaviyo";

/** The shop's choices, read leniently: anything but "klaviyo" (or no Klaviyo key) means Waypoint sends. */
export function emailSenders(raw: unknown, klaviyoConnected: boolean): Record<IntegrationMilestone, EmailSender> {
  const obj = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out = {} as Record<IntegrationMilestone, EmailSender>;
  for (const m of INTEGRATION_MILESTONES) out[m] = klaviyoConnected && obj[m] === "klaviyo" ? "klaviyo" : "waypoint";
  return out;
}

/** Whether Klaviyo sends this milestone (so Waypoint's own email is suppressed and Klaviyo gets the event). */
export function klaviyoSends(milestone: string, raw: unknown, klaviyoConnected: boolean): boolean {
  return isIntegrationMilestone(milestone) && emailSenders(raw, klaviyoConnected)[milestone] === "klaviyo";
}

/**
 * The planned messages with the email handed to Klaviyo: suppressed under the same key, reason
 * "klaviyo_sends", so the outbox explains itself and a shopper never gets both. SMS is untouched.
 */
export function handEmailToKlaviyo<P extends { channel: string; status: string; reason?: unknown }>(
  plans: P[],
  handedOff: boolean,
): P[] {
  if (!handedOff) return plans;
  return plans.map((p) =>
    p.channel === "email" && p.status !== "suppressed" ? { ...p, status: "suppressed", reason: "klaviyo_sends" } : p,
  );
}

/** The delivery's key: like a notification's, with the destination where the channel goes. */
export function deliveryKey(
  subjectId: string,
  milestone: IntegrationMilestone,
  destination: Destination,
  discriminator?: string | null,
): string {
  return discriminator
    ? `${subjectId}:${milestone}:${discriminator}:${destination}`
    : `${subjectId}:${milestone}:${destination}`;
}
