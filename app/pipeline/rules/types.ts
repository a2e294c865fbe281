// The vocabulary of the tracking domain, shared by the pure rules and the services that persist them.

/** Customer-facing stages: 1 confirmed/processing, 2 label created/packed, 3 in transit, 4 delivery, 5 returns. */
export type Stage = 1 | 2 | 3 | 4 | 5;

export const STAGE_NAMES: Record<Stage, string> = {
  1: "confirmed",
  2: "label_created",
  3: "in_transit",
  4: "delivery",
  5: "returns",
};

/**
 * Where a fact came from: a Shopify webhook topic family, or a carrier tracking source (app/sources:
 * "easypost", "17track") whose events are carrier scans like Shopify's fulfillment_event.
 */
export type FactSource =
  | "order"
  | "fulfillment"
  | "fulfillment_event"
  | "return"
  | "reverse_delivery"
  | "refund"
  | "system"
  | "easypost"
  | "17track";

/** The sources whose facts are carrier scans (a location, a time of the carrier's own). */
export const CARRIER_SCAN_SOURCES: readonly FactSource[] = ["fulfillment_event", "easypost", "17track"];

export function isCarrierScan(source: string): boolean {
  return (CARRIER_SCAN_SOURCES as readonly string[]).includes(source);
}

/**
 * One thing we were told about a shipment, in its own time. A shipment's state is a pure function of
 * the *set* of its facts (see fold.ts); arrival order never matters.
 */
export interface ShipmentFact {
  /** Identity for de-duplication, unique per shop (TrackingEvent.dedupeKey). */
  key: string;
  source: FactSource;
  /**
   * Raw status as Shopify names it. For fulfillment events: Shopify's FulfillmentEventStatus values in
   * lower case (label_printed, label_purchased, confirmed, ready_for_pickup, carrier_picked_up,
   * in_transit, out_for_delivery, attempted_delivery, delayed, delivered, picked_up, failure, ...).
   * For fulfillments: "fulfillment_<status>" (fulfillment_success, fulfillment_cancelled, ...).
   * For returns: "return_requested", "return_approved", "return_declined", "return_cancelled",
   * "return_closed", "return_label_created", "return_disposed", "refund_issued".
   */
  status: string;
  /** The fact's own time: happened_at, updated_at, created_at or X-Shopify-Triggered-At. */
  at: Date;
  estimatedDeliveryAt?: Date | null;
  message?: string | null;
  city?: string | null;
  province?: string | null;
  country?: string | null;
  zip?: string | null;
}

export type ShipmentKind = "outbound" | "return";

export interface ShipmentMilestones {
  labelCreatedAt: Date | null;
  inTransitAt: Date | null;
  outForDeliveryAt: Date | null;
  attemptedAt: Date | null;
  deliveredAt: Date | null;
  failedAt: Date | null;
  cancelledAt: Date | null;
}

/** What the fold of a shipment's facts yields; persisted on Shipment. */
export interface ShipmentState {
  kind: ShipmentKind;
  stage: Stage;
  /** Sub-status within the stage, e.g. in_transit, out_for_delivery, delivered, return_received. */
  subStatus: string;
  /** Newest raw status seen, even one we do not know (shown to people, moves no stage). */
  lastStatus: string | null;
  delayed: boolean;
  needsAttention: boolean;
  cancelled: boolean;
  carrierEdd: Date | null;
  lastEventAt: Date | null;
  lastLocation: string | null;
  milestones: ShipmentMilestones;
  /** Time of the newest fact folded in. */
  factsAt: Date | null;
}

/** A change of stage or sub-status, with the fact that caused it. */
export interface Transition {
  fromStage: Stage | null;
  toStage: Stage;
  fromStatus: string | null;
  toStatus: string;
  at: Date;
  cause: string;
  factKey: string;
}
