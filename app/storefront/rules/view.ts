// What a shopper is shown for an order: stored rows → the lookup's found answer (contract.ts). Pure:
// no database, no clock (nothing here depends on the time). Privacy rules that live here, each tested
// in tests/storefront/rules/view.test.ts and tests/storefront/lookup.test.ts:
// - the destination is city / region / country only, and only on outbound parcels;
// - a lookup by tracking number (parcelView) shows what the carrier's own tracking page shows of that
//   parcel and nothing of its order: no order name or date, destination, items, other parcels,
//   returns, our own estimate (made from the order) or delay notes, and no link carrying the postcode.
import { z } from "zod";
import { windowFromCarrierEdd } from "../../intelligence/rules/delivery-window";
import { currentEstimate } from "../../intelligence/rules/estimate";
import { urlCarriesPostcode } from "../../lib/postcode";
import { DAY_MS, dayKey } from "../../lib/time";
import { messagesFor, type Locale } from "../../notifications/copy";
import { CARRIER_NAMES, cleanTrackingNumber, trackingUrlFor } from "../../pipeline/rules/carriers";
import { formatLocation } from "../../pipeline/rules/fold";
import { isDeliveredSubStatus } from "../../pipeline/rules/stages";
import type { ShipmentKind, Stage } from "../../pipeline/rules/types";
import type {
  LookupEstimate,
  LookupEvent,
  LookupFound,
  LookupParcel,
  LookupParcelFound,
  LookupShipment,
  Recommendation,
} from "../contract";
import { returnView, type ReturnCaseColumns } from "./returns";
import { eventStatusText, subStatusText } from "./status-labels";

// --- What the view reads (the columns lookup.server.ts selects) ---------------------------------

export interface OrderColumns {
  name: string;
  shipCity: string | null;
  shipRegion: string | null;
  shipCountry: string | null;
  processedAt: Date;
  stage: number;
  subStatus: string;
  cancelledAt: Date | null;
  /** Order.lineItems JSON: [{ id, productId, title, quantity, requiresShipping, ... }]. */
  lineItems: unknown;
  predictedStart: Date | null;
  predictedEnd: Date | null;
  /** shipping | local_pickup | local_delivery | none: a pickup order is collected, never given a window. */
  deliveryMethod?: string | null;
}

export interface ShipmentColumns {
  id: string;
  kind: string;
  stage: number;
  subStatus: string;
  delayed: boolean;
  delayReason: string | null;
  needsAttention: boolean;
  carrier: string | null;
  carrierCode: string | null;
  /** Shipment.trackingUrls JSON: string[]. */
  trackingUrls: unknown;
  primaryTracking: string | null;
  carrierEdd: Date | null;
  /** The date the last delay notice gave (the tracking page shows the same one while delayed). */
  delayAnnouncedEdd?: Date | null;
  predictedStart: Date | null;
  predictedEnd: Date | null;
  /** Shipment.lineItems JSON: [{ id, quantity }] from the fulfillment, when known. */
  lineItems: unknown;
}

/** A return shipment's row: a parcel's columns and its case's (rules/returns.ts). */
export type ReturnColumns = ShipmentColumns & ReturnCaseColumns;

export interface EventColumns {
  status: string;
  happenedAt: Date;
  city: string | null;
  province: string | null;
  country: string | null;
  /** fulfillment_event for a carrier's scan; only those carry delivery details shown to shoppers. */
  source?: string;
  message?: string | null;
}

// --- The order's items (Order.lineItems) and a parcel's (Shipment.lineItems) --------------------

export interface OrderItem {
  id: string | null;
  productId: string | null;
  title: string;
  quantity: number;
  requiresShipping: boolean;
}

const StoredId = z.union([z.string(), z.number()]).transform(String).nullable().catch(null);
// An item without a title is skipped; anything else unreadable falls back to its default.
const StoredOrderItem = z.object({
  id: StoredId,
  productId: StoredId,
  title: z.string().min(1),
  quantity: z.number().catch(1),
  requiresShipping: z.unknown().transform((v) => v !== false),
});
const StoredParcelItem = z.object({ id: z.string(), quantity: z.number().catch(1) });

/** The order's items as stored (at most the first 100 entries are read). */
export function orderItems(json: unknown): OrderItem[] {
  if (!Array.isArray(json)) return [];
  return json.slice(0, 100).flatMap((li) => {
    const r = StoredOrderItem.safeParse(li);
    return r.success ? [r.data] : [];
  });
}

function parcelItems(json: unknown): { id: string; quantity: number }[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((li) => {
    const r = StoredParcelItem.safeParse(li);
    return r.success ? [r.data] : [];
  });
}

// --- Which parcels, in which order --------------------------------------------------------------

/** Cancelled parcels are hidden when another parcel replaced them; returns are always shown. */
export function visibleShipments<S extends Pick<ShipmentColumns, "kind" | "subStatus">>(rows: S[]): S[] {
  const live = rows.filter((s) => s.kind !== "outbound" || s.subStatus !== "cancelled");
  const hasLiveOutbound = live.some((s) => s.kind === "outbound");
  return hasLiveOutbound ? live : rows;
}

function clampStage(n: number): Stage {
  return (n >= 1 && n <= 5 ? Math.round(n) : 1) as Stage;
}

// --- One parcel -----------------------------------------------------------------------------------

function kindOf(s: Pick<ShipmentColumns, "kind">): ShipmentKind {
  return s.kind === "return" ? "return" : "outbound";
}

/** The carrier's own estimate of an outbound parcel still on its way, or null. */
function carrierEstimate(s: ShipmentColumns): LookupParcel["estimate"] {
  if (s.kind !== "outbound" || isDeliveredSubStatus(s.subStatus) || s.subStatus === "cancelled" || !s.carrierEdd)
    return null;
  const w = windowFromCarrierEdd(s.carrierEdd, null);
  if (!w) return null;
  const dateOnly = w.end.getTime() - w.start.getTime() === DAY_MS - 1;
  return dateOnly
    ? { start: dayKey(w.start), end: dayKey(w.start), source: "carrier" }
    : { start: w.start.toISOString(), end: w.end.toISOString(), source: "carrier" };
}

/** The carrier's estimate, else ours (the parcel's window, or the order's). */
function estimateOf(s: ShipmentColumns, order: OrderColumns): LookupEstimate | null {
  if (s.kind !== "outbound" || isDeliveredSubStatus(s.subStatus) || s.subStatus === "cancelled") return null;
  if (order.deliveryMethod === "local_pickup") return null;
  const carrier = carrierEstimate(s);
  if (carrier) return carrier;
  const current = currentEstimate({
    delayAnnouncedEdd: s.delayAnnouncedEdd,
    delayed: s.delayed,
    shipmentStart: s.predictedStart,
    shipmentEnd: s.predictedEnd,
    orderStart: order.predictedStart,
    orderEnd: order.predictedEnd,
  });
  return current ? { start: current.start.toISOString(), end: current.end.toISOString(), source: "predicted" } : null;
}

function carrierName(s: ShipmentColumns): string | null {
  return s.carrier ?? (s.carrierCode ? (CARRIER_NAMES[s.carrierCode] ?? null) : null);
}

/** The https tracking URLs Shopify gave (Shipment.trackingUrls), in their order. */
function givenUrls(s: ShipmentColumns): string[] {
  const urls = Array.isArray(s.trackingUrls) ? s.trackingUrls.filter((u): u is string => typeof u === "string") : [];
  return urls.filter((u) => /^https:\/\/[^/\s]+/i.test(u));
}

function carrierUrlOf(s: ShipmentColumns): string | null {
  const given = givenUrls(s)[0];
  if (given) return given;
  return s.carrierCode && s.primaryTracking ? trackingUrlFor(s.carrierCode, s.primaryTracking) : null;
}

/**
 * The carrier link for a tracking-number lookup: the carrier's page for that number (our template
 * holds the number only), else a link Shopify gave for that number that does not carry the order's
 * postcode; never a link of another number on the same fulfillment.
 */
function parcelUrlOf(s: ShipmentColumns, number: string, postcode: string | null): string | null {
  const template = s.carrierCode ? trackingUrlFor(s.carrierCode, number) : null;
  if (template) return template;
  const forNumber = (u: string) => cleanTrackingNumber(u).includes(number);
  return givenUrls(s).find((u) => forNumber(u) && !urlCarriesPostcode(u, postcode)) ?? null;
}

/**
 * The shopper's timeline (newest first) without echoes: Shopify restates a fulfillment's status on
 * every update (those rows are left out in SQL), and its shipment_status repeats what the carrier
 * scan already said; an entry that only repeats the older one's status with no place is dropped.
 */
export function timeline(events: EventColumns[], kind: ShipmentKind, locale: Locale): LookupParcel["events"] {
  const kept = events.filter((e, i) => {
    const older = events[i + 1];
    return !(older && older.status === e.status && !e.city && !e.province && !e.country);
  });
  return kept.map((e) => {
    const label = eventStatusText(e.status, kind, locale);
    const detail = deliveryDetail(e, label);
    return {
      at: e.happenedAt.toISOString(),
      status: e.status,
      label,
      location: formatLocation(e),
      ...(detail ? { detail } : {}),
    };
  });
}

/** Carrier scans whose own words tell the shopper where the parcel is (staff see every scan's words). */
const DELIVERY_STATUSES: ReadonlySet<string> = new Set([
  "delivered",
  "picked_up",
  "attempted_delivery",
  "failure",
  "ready_for_pickup",
]);
const bare = (t: string) =>
  t
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/**
 * A delivery scan's own words ("Delivered, left with neighbour", "Ready at the post office on Main
 * St"), one line of at most 160 characters, when they say more than the status label does.
 */
export function deliveryDetail(e: EventColumns, label: string): string | null {
  if (e.source !== "fulfillment_event" || !DELIVERY_STATUSES.has(e.status) || !e.message) return null;
  const text = e.message.replace(/\s+/g, " ").trim().slice(0, 160);
  const words = bare(text);
  if (!words || words === bare(label) || words === bare(e.status)) return null;
  return text;
}

/** The newest delivery detail, while the parcel's status is that scan's (its current place). */
function statusDetailOf(subStatus: string, events: LookupEvent[]): string | undefined {
  const newest = events.find((e) => e.status === subStatus);
  return DELIVERY_STATUSES.has(subStatus) ? newest?.detail : undefined;
}

function shipmentView(
  s: ShipmentColumns,
  order: OrderColumns,
  events: EventColumns[],
  items: LookupShipment["items"],
  locale: Locale,
): LookupShipment {
  const kind = kindOf(s);
  const reason = s.delayReason as keyof ReturnType<typeof messagesFor>["delayReasons"] | null;
  const notice = s.delayed && reason ? messagesFor(locale).delayReasons[reason] : undefined;
  const shown = timeline(events, kind, locale);
  const detail = statusDetailOf(s.subStatus, shown);
  return {
    id: s.id,
    kind,
    stage: clampStage(s.stage),
    subStatus: s.subStatus,
    statusLabel: subStatusText(s.subStatus, locale),
    ...(detail ? { statusDetail: detail } : {}),
    delayed: s.delayed,
    ...(notice ? { delayNotice: notice } : {}),
    needsAttention: s.needsAttention,
    carrier: carrierName(s),
    trackingNumber: s.primaryTracking,
    carrierUrl: carrierUrlOf(s),
    estimate: estimateOf(s, order),
    destination:
      kind === "outbound"
        ? { city: order.shipCity, region: order.shipRegion, country: order.shipCountry }
        : { city: null, region: null, country: null },
    events: shown,
    items,
  };
}

// --- The answer -----------------------------------------------------------------------------------

export interface FoundInput {
  order: OrderColumns;
  /** orderItems(order.lineItems), read once by the caller (it also asks for recommendations). */
  items: OrderItem[];
  /** visibleShipments() of the order's parcels, in the queried order; returns here are left out (see `returns`). */
  shipments: ShipmentColumns[];
  /** The order's returns: each its return shipment joined with its case. */
  returns?: ReturnColumns[];
  /** The order's currency (refunds) and the shop's time zone (their dates). */
  currency?: string;
  timeZone?: string | null;
  /** Each shown parcel's and return's events, newest first. */
  events: ReadonlyMap<string, EventColumns[]>;
  recommendations: Recommendation[];
  locale: Locale;
}

/**
 * The found answer: the order, its outbound parcels (numbered among themselves), then its returns,
 * each a journey of its own (rules/returns.ts), never a parcel of the order.
 */
export function foundView(input: FoundInput): LookupFound {
  const { order, items, locale } = input;
  const outbound = input.shipments.filter((s) => s.kind === "outbound");
  // Each parcel lists the items its fulfillment carries; a parcel from before that was recorded,
  // alone on its order, lists the order's shippable items.
  const itemsOf = (s: ShipmentColumns): LookupShipment["items"] => {
    if (s.kind !== "outbound") return [];
    const carried = parcelItems(s.lineItems);
    if (carried.length > 0) {
      return carried.flatMap(({ id, quantity }) => {
        const item = items.find((i) => i.id === id);
        return item ? [{ title: item.title, quantity, image: null }] : [];
      });
    }
    return outbound.length === 1
      ? items.filter((i) => i.requiresShipping).map((i) => ({ title: i.title, quantity: i.quantity, image: null }))
      : [];
  };
  return {
    found: true,
    scope: "order",
    order: {
      name: order.name,
      placedAt: order.processedAt.toISOString(),
      stage: clampStage(order.stage),
      status: order.subStatus,
      statusLabel: subStatusText(order.cancelledAt ? "cancelled" : order.subStatus, locale),
      cancelled: order.cancelledAt !== null,
    },
    shipments: outbound.map((s) => shipmentView(s, order, input.events.get(s.id) ?? [], itemsOf(s), locale)),
    returns: (input.returns ?? []).map((row) =>
      returnView({
        id: row.id,
        subStatus: row.subStatus,
        row,
        carrier: carrierName(row),
        trackingNumber: row.primaryTracking,
        carrierUrl: carrierUrlOf(row),
        events: timeline(input.events.get(row.id) ?? [], "return", locale),
        items,
        currency: input.currency ?? "USD",
        timeZone: input.timeZone ?? null,
        locale,
      }),
    ),
    recommendations: input.recommendations,
    locale,
  };
}

export interface ParcelInput {
  shipment: ShipmentColumns;
  /** The number the lookup matched, in cleanTrackingNumber's form. */
  number: string;
  /** The order's shipping postcode, read only to keep a link that carries it out of the answer. */
  postcode: string | null;
  /** The parcel's events, newest first. */
  events: EventColumns[];
  /** How to see the whole order, in `locale`. */
  hint: string;
  locale: Locale;
}

/**
 * The answer to a tracking number alone: that parcel as its carrier shows it (status, the carrier's
 * estimate and link, the scans), under the number the shopper typed (another number of the same
 * fulfillment is another parcel), and the hint that the order itself opens with its number and contact.
 */
export function parcelView(input: ParcelInput): LookupParcelFound {
  const { shipment: s, number, locale } = input;
  const primary = s.primaryTracking && cleanTrackingNumber(s.primaryTracking) === number ? s.primaryTracking : null;
  const events = timeline(input.events, kindOf(s), locale);
  const detail = statusDetailOf(s.subStatus, events);
  return {
    found: true,
    scope: "parcel",
    parcel: {
      stage: clampStage(s.stage),
      subStatus: s.subStatus,
      statusLabel: subStatusText(s.subStatus, locale),
      ...(detail ? { statusDetail: detail } : {}),
      carrier: carrierName(s),
      trackingNumber: primary ?? number,
      carrierUrl: parcelUrlOf(s, number, input.postcode),
      estimate: carrierEstimate(s),
      events,
    },
    hint: input.hint,
    locale,
  };
}
