// Status vocabulary: what each raw status Shopify sends means for a shipment's customer-facing stage.
// Pure data and lookups; the fold (fold.ts) applies these rules over a shipment's facts.
import { type ShipmentKind, type ShipmentMilestones, type Stage } from "./types";

/** How a status affects the fold, beyond moving the stage and sub-status. */
export interface StatusInfo {
  /** The status as looked up: trimmed and lower-cased. */
  status: string;
  /** The stage this status shows, or null when it moves no stage (unknown, cancellation, other kind). */
  stage: Stage | null;
  /** The sub-status it shows within its stage, or null when it shows none of its own. */
  subStatus: string | null;
  /** False for statuses we have no rule for (Shopify adds new ones): kept as lastStatus, move nothing. */
  known: boolean;
  /** Plain-English description for shoppers (en). */
  label: string;
  /**
   * Order of progression. Breaks ties between facts with the same time (lower folds first) and, on
   * return shipments, where every status is stage 5, keeps the sub-status from moving backwards.
   */
  rank: number;
  /** The milestone whose earliest time this status records. */
  milestone: keyof ShipmentMilestones | null;
  /** "set": raises the delay flag; "clear": a newer fact of this status lowers it. */
  delay: "set" | "clear" | null;
  /** After this status the stage and sub-status are final (delivered, picked up, refunded, ended returns). */
  terminal: boolean;
  /** Fulfillment-status facts: "active" keeps the shipment live, "cancelled" cancels it. */
  fulfillment: "active" | "cancelled" | null;
}

/** Sub-statuses of the order-level summary (summarizeOrder) that no single shipment has. */
export const ORDER_SUB_STATUSES = ["partially_fulfilled", "partially_delivered"] as const;

interface Rule {
  stage: Stage | null;
  subStatus: string | null;
  rank: number;
  milestone?: keyof ShipmentMilestones;
  delay?: "set" | "clear";
  terminal?: boolean;
  fulfillment?: "active" | "cancelled";
}

/** Rules for shipments to the customer. */
const OUTBOUND: Record<string, Rule> = {
  // Stage 1: the order exists, nothing shipped.
  order_created: { stage: 1, subStatus: "confirmed", rank: 10 },
  // Stage 2: a fulfillment with tracking exists; the label is bought or printed.
  fulfillment_pending: {
    stage: 2,
    subStatus: "label_created",
    rank: 20,
    milestone: "labelCreatedAt",
    fulfillment: "active",
  },
  fulfillment_open: {
    stage: 2,
    subStatus: "label_created",
    rank: 21,
    milestone: "labelCreatedAt",
    fulfillment: "active",
  },
  fulfillment_success: {
    stage: 2,
    subStatus: "label_created",
    rank: 22,
    milestone: "labelCreatedAt",
    fulfillment: "active",
  },
  label_purchased: { stage: 2, subStatus: "label_created", rank: 23, milestone: "labelCreatedAt" },
  label_printed: { stage: 2, subStatus: "label_created", rank: 24, milestone: "labelCreatedAt" },
  confirmed: { stage: 2, subStatus: "label_created", rank: 25, milestone: "labelCreatedAt" },
  // Stage 3: with the carrier. `delayed` raises the stage to at least 3 and sets the delay flag.
  delayed: { stage: 3, subStatus: "in_transit", rank: 30, delay: "set" },
  carrier_picked_up: { stage: 3, subStatus: "in_transit", rank: 31, milestone: "inTransitAt" },
  in_transit: { stage: 3, subStatus: "in_transit", rank: 32, milestone: "inTransitAt" },
  // Stage 4: delivery. Every stage-4 fact clears an older delay.
  ready_for_pickup: { stage: 4, subStatus: "ready_for_pickup", rank: 40, delay: "clear" },
  out_for_delivery: {
    stage: 4,
    subStatus: "out_for_delivery",
    rank: 41,
    milestone: "outForDeliveryAt",
    delay: "clear",
  },
  attempted_delivery: { stage: 4, subStatus: "attempted_delivery", rank: 42, milestone: "attemptedAt", delay: "clear" },
  failure: { stage: 4, subStatus: "failure", rank: 43, milestone: "failedAt", delay: "clear" },
  delivered: { stage: 4, subStatus: "delivered", rank: 45, milestone: "deliveredAt", delay: "clear", terminal: true },
  picked_up: { stage: 4, subStatus: "picked_up", rank: 46, milestone: "deliveredAt", delay: "clear", terminal: true },
  // Cancelled fulfillments keep their stage; a later active fulfillment status reinstates them.
  fulfillment_cancelled: {
    stage: null,
    subStatus: "cancelled",
    rank: 50,
    milestone: "cancelledAt",
    fulfillment: "cancelled",
  },
  fulfillment_error: {
    stage: null,
    subStatus: "cancelled",
    rank: 51,
    milestone: "cancelledAt",
    fulfillment: "cancelled",
  },
  fulfillment_failure: {
    stage: null,
    subStatus: "cancelled",
    rank: 52,
    milestone: "cancelledAt",
    fulfillment: "cancelled",
  },
};

/** Return-flow statuses: known everywhere, but on an outbound shipment they move nothing. */
const RETURN_FLOW: Record<string, Rule> = {
  return_requested: { stage: 5, subStatus: "return_requested", rank: 60 },
  return_approved: { stage: 5, subStatus: "return_approved", rank: 61 },
  return_label_created: { stage: 5, subStatus: "return_label_created", rank: 62, milestone: "labelCreatedAt" },
  return_in_transit: { stage: 5, subStatus: "return_in_transit", rank: 63, milestone: "inTransitAt" },
  return_received: { stage: 5, subStatus: "return_received", rank: 64, milestone: "deliveredAt", delay: "clear" },
  return_disposed: { stage: 5, subStatus: "return_disposed", rank: 65, delay: "clear" },
  return_closed: { stage: 5, subStatus: "return_closed", rank: 66, delay: "clear" },
  refund_issued: { stage: 5, subStatus: "refunded", rank: 67, delay: "clear", terminal: true },
  return_declined: { stage: 5, subStatus: "declined", rank: 68, delay: "clear", terminal: true },
  return_cancelled: {
    stage: 5,
    subStatus: "cancelled",
    rank: 69,
    milestone: "cancelledAt",
    delay: "clear",
    terminal: true,
  },
};

/** Carrier statuses on a return shipment (its reverse-delivery tracking), in the return's terms. */
const RETURN_CARRIER: Record<string, Rule> = {
  label_purchased: { stage: 5, subStatus: "return_label_created", rank: 62, milestone: "labelCreatedAt" },
  label_printed: { stage: 5, subStatus: "return_label_created", rank: 62, milestone: "labelCreatedAt" },
  confirmed: { stage: 5, subStatus: "return_label_created", rank: 62, milestone: "labelCreatedAt" },
  delayed: { stage: 5, subStatus: "return_in_transit", rank: 63, delay: "set" },
  carrier_picked_up: { stage: 5, subStatus: "return_in_transit", rank: 63, milestone: "inTransitAt" },
  in_transit: { stage: 5, subStatus: "return_in_transit", rank: 63, milestone: "inTransitAt" },
  ready_for_pickup: { stage: 5, subStatus: "return_in_transit", rank: 63, delay: "clear" },
  out_for_delivery: {
    stage: 5,
    subStatus: "return_in_transit",
    rank: 63,
    milestone: "outForDeliveryAt",
    delay: "clear",
  },
  attempted_delivery: { stage: 5, subStatus: "return_in_transit", rank: 63, milestone: "attemptedAt", delay: "clear" },
  failure: { stage: 5, subStatus: "return_in_transit", rank: 63, milestone: "failedAt", delay: "clear" },
  delivered: { stage: 5, subStatus: "return_received", rank: 64, milestone: "deliveredAt", delay: "clear" },
  picked_up: { stage: 5, subStatus: "return_received", rank: 64, milestone: "deliveredAt", delay: "clear" },
};

/** Plain-English (en) descriptions of raw statuses, for shoppers. */
export const STATUS_LABELS: Readonly<Record<string, string>> = {
  order_created: "Order confirmed",
  fulfillment_pending: "Being prepared for shipping",
  fulfillment_open: "Being prepared for shipping",
  fulfillment_success: "Packed with a shipping label",
  fulfillment_cancelled: "Shipment cancelled",
  fulfillment_error: "Shipment cancelled",
  fulfillment_failure: "Shipment cancelled",
  label_purchased: "Shipping label created",
  label_printed: "Shipping label printed",
  confirmed: "Carrier has the shipment details",
  delayed: "Delayed in transit",
  carrier_picked_up: "Picked up by the carrier",
  in_transit: "On its way",
  ready_for_pickup: "Ready for pickup",
  out_for_delivery: "Out for delivery",
  attempted_delivery: "Delivery attempted",
  failure: "Delivery problem: the carrier needs attention",
  delivered: "Delivered",
  picked_up: "Picked up",
  return_requested: "Return requested",
  return_approved: "Return approved",
  return_label_created: "Return label created",
  return_in_transit: "Return on its way back",
  return_received: "Return received",
  return_disposed: "Return received",
  return_closed: "Return closed",
  refund_issued: "Refund issued",
  return_declined: "Return declined",
  return_cancelled: "Return cancelled",
};

/** Plain-English (en) descriptions of the sub-statuses a shipment or order can show. */
export const SUB_STATUS_LABELS: Readonly<Record<string, string>> = {
  confirmed: "Order confirmed",
  label_created: "Label created",
  in_transit: "In transit",
  ready_for_pickup: "Ready for pickup",
  out_for_delivery: "Out for delivery",
  attempted_delivery: "Delivery attempted",
  failure: "Delivery problem",
  delivered: "Delivered",
  picked_up: "Picked up",
  cancelled: "Cancelled",
  return_requested: "Return requested",
  return_approved: "Return approved",
  return_label_created: "Return label created",
  return_in_transit: "Return on its way back",
  return_received: "Return received",
  return_disposed: "Return received",
  return_closed: "Return closed",
  refunded: "Refund issued",
  declined: "Return declined",
  partially_fulfilled: "Partially shipped",
  partially_delivered: "Partially delivered",
};

/** Trim and lower-case a raw status for lookup. */
export function normalizeStatus(status: string): string {
  return status.trim().toLowerCase();
}

/** "customs_hold" → "Update: customs hold": how a status we do not know yet is shown. */
function unknownLabel(status: string): string {
  const words = status.replace(/[_-]+/g, " ").trim();
  return words ? `Update: ${words}` : "Update";
}

function ruleFor(status: string, kind: ShipmentKind): Rule | undefined {
  if (kind === "return") return RETURN_CARRIER[status] ?? RETURN_FLOW[status];
  const outbound = OUTBOUND[status];
  if (outbound) return outbound;
  const flow = RETURN_FLOW[status];
  // A return status reaching an outbound shipment is known but belongs to the return: it moves nothing.
  return flow ? { stage: null, subStatus: null, rank: flow.rank } : undefined;
}

/** What a raw status means for a shipment of this kind. Total: every string gets an answer. */
export function statusInfo(status: string, kind: ShipmentKind): StatusInfo {
  const s = normalizeStatus(status);
  const rule = ruleFor(s, kind);
  if (!rule) {
    return {
      status: s,
      stage: null,
      subStatus: null,
      known: false,
      label: unknownLabel(s),
      rank: 0,
      milestone: null,
      delay: null,
      terminal: false,
      fulfillment: null,
    };
  }
  const label =
    kind === "return" && RETURN_CARRIER[s] && rule.subStatus
      ? (SUB_STATUS_LABELS[rule.subStatus] ?? unknownLabel(s))
      : (STATUS_LABELS[s] ?? unknownLabel(s));
  return {
    status: s,
    stage: rule.stage,
    subStatus: rule.subStatus,
    known: true,
    label,
    rank: rule.rank,
    milestone: rule.milestone ?? null,
    delay: rule.delay ?? null,
    terminal: rule.terminal ?? false,
    fulfillment: rule.fulfillment ?? null,
  };
}

/** The label for a sub-status (shipment or order), falling back to a readable form of the code. */
export function subStatusLabel(subStatus: string): string {
  return SUB_STATUS_LABELS[subStatus] ?? unknownLabel(subStatus);
}

/** The sub-status a shipment of this kind shows before any fact moves it. */
export function initialSubStatus(kind: ShipmentKind): string {
  return kind === "return" ? "return_requested" : "confirmed";
}

/** The stage a shipment of this kind has before any fact moves it. */
export function initialStage(kind: ShipmentKind): Stage {
  return kind === "return" ? 5 : 1;
}

const SUB_STATUS_RANK: Record<string, number> = {
  confirmed: 10,
  label_created: 20,
  in_transit: 30,
  ready_for_pickup: 40,
  out_for_delivery: 41,
  attempted_delivery: 42,
  failure: 43,
  delivered: 45,
  picked_up: 46,
  return_requested: 60,
  return_approved: 61,
  return_label_created: 62,
  return_in_transit: 63,
  return_received: 64,
  return_disposed: 65,
  return_closed: 66,
  refunded: 67,
  declined: 68,
  cancelled: 69,
};

/** Progression order of sub-statuses (0 for ones we do not know). */
export function subStatusRank(subStatus: string): number {
  return SUB_STATUS_RANK[subStatus] ?? 0;
}

/** Delivered to the customer (delivered, or a local pickup collected). */
export function isDeliveredSubStatus(subStatus: string): boolean {
  return subStatus === "delivered" || subStatus === "picked_up";
}

/** Sub-statuses that need someone to act (the shopper or the merchant). */
export function needsAttentionSubStatus(subStatus: string): boolean {
  return subStatus === "failure" || subStatus === "attempted_delivery";
}
