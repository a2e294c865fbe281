// The vocabulary of carrier tracking sources, shared by the pure rules and the adapters.

/** The sources Waypoint can register tracking numbers with. */
export const SOURCE_PROVIDERS = ["easypost", "17track"] as const;
export type SourceProvider = (typeof SOURCE_PROVIDERS)[number];

export const SOURCE_NAMES: Record<SourceProvider, string> = { easypost: "EasyPost", "17track": "17TRACK" };

export function isSourceProvider(value: unknown): value is SourceProvider {
  return typeof value === "string" && (SOURCE_PROVIDERS as readonly string[]).includes(value);
}

/**
 * Shopify's FulfillmentEventStatus values in lower case: the one vocabulary the fold and the
 * write-back speak, so a source's event and Shopify's event for the same scan read the same.
 */
export type FulfillmentEventStatus =
  | "label_purchased"
  | "label_printed"
  | "confirmed"
  | "carrier_picked_up"
  | "in_transit"
  | "delayed"
  | "ready_for_pickup"
  | "out_for_delivery"
  | "attempted_delivery"
  | "failure"
  | "delivered"
  | "picked_up";

/** What a source's status means for Waypoint: the Shopify status, the exception staff see, finality. */
export interface MappedStatus {
  /** Null: the source says nothing about the parcel (not found yet, unknown, its own error). */
  status: FulfillmentEventStatus | null;
  /** An exception the merchant sees (returned_to_sender, customs, lost, ...), else null. */
  exception: string | null;
  /** No further scans are expected: stop tracking (delivered, returned to sender, cancelled). */
  final: boolean;
}

/** One carrier event as a source reports it, normalised. */
export interface SourceEvent {
  status: FulfillmentEventStatus;
  /** The source's own words for it, e.g. "in_transit/arrived_at_facility" or "InTransit_Arrival". */
  raw: string;
  exception: string | null;
  at: Date;
  message: string | null;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
  estimatedDeliveryAt: Date | null;
}

/** A source's whole view of one tracking number (a push or a poll answer). */
export interface SourceSnapshot {
  trackingNumber: string;
  carrier: string | null;
  events: SourceEvent[];
  estimatedDeliveryAt: Date | null;
  final: boolean;
}

/** Plain words for the exceptions, for staff. */
export const EXCEPTION_LABELS: Record<string, string> = {
  returned_to_sender: "Returned to sender",
  returning_to_sender: "Returning to sender",
  customs: "Held in customs",
  lost: "Lost by the carrier",
  damaged: "Damaged",
  refused: "Refused by the recipient",
  address_problem: "Address problem",
  cancelled: "Cancelled at the carrier",
  expired: "No carrier update for a long time",
  delayed: "Delayed",
  delivery_exception: "Delivery exception",
  held: "Held by the carrier",
  recipient_unavailable: "Recipient unavailable",
  exception: "Carrier exception",
};

export function exceptionLabel(code: string): string {
  return EXCEPTION_LABELS[code] ?? code.replace(/_/g, " ");
}

/** Where an event came from, in words for staff: a source's name, else the fact source's own words. */
export function factSourceLabel(source: string): string {
  return isSourceProvider(source) ? SOURCE_NAMES[source] : source.replaceAll("_", " ");
}
