// What a shopper is shown for an order: stored rows → the lookup's found answer (contract.ts). Pure:
// no database, no clock (nothing here depends on the time). Privacy rules that live here, each tested
// in tests/storefront/rules/view.test.ts and tests/storefront/lookup.test.ts:
// - the destination is city / region / country only, and only on outbound parcels;
// - a lookup by tracking number shows that parcel without the order's items.
import { z } from "zod";
import { windowFromCarrierEdd } from "../../intelligence/rules/delivery-window";
import { DAY_MS } from "../../lib/time";
import { messagesFor, type Locale } from "../../notifications/copy";
import { CARRIER_NAMES, trackingUrlFor } from "../../pipeline/rules/carriers";
import { formatLocation } from "../../pipeline/rules/fold";
import { isDeliveredSubStatus } from "../../pipeline/rules/stages";
import type { ShipmentKind, Stage } from "../../pipeline/rules/types";
import type { LookupFound, LookupShipment, Recommendation } from "../contract";
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
  predictedStart: Date | null;
  predictedEnd: Date | null;
  /** Shipment.lineItems JSON: [{ id, quantity }] from the fulfillment, when known. */
  lineItems: unknown;
}

export interface EventColumns {
  status: string;
  happenedAt: Date;
  city: string | null;
  province: string | null;
  country: string | null;
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

function estimateOf(s: ShipmentColumns, order: OrderColumns): LookupShipment["estimate"] {
  if (s.kind !== "outbound" || isDeliveredSubStatus(s.subStatus) || s.subStatus === "cancelled") return null;
  if (s.carrierEdd) {
    const w = windowFromCarrierEdd(s.carrierEdd, null);
    if (w) {
      const dateOnly = w.end.getTime() - w.start.getTime() === DAY_MS - 1;
      return dateOnly
        ? { start: w.start.toISOString().slice(0, 10), end: w.start.toISOString().slice(0, 10), source: "carrier" }
        : { start: w.start.toISOString(), end: w.end.toISOString(), source: "carrier" };
    }
  }
  const start = s.predictedStart ?? order.predictedStart;
  const end = s.predictedEnd ?? order.predictedEnd;
  if (start && end) return { start: start.toISOString(), end: end.toISOString(), source: "predicted" };
  return null;
}

function carrierUrlOf(s: ShipmentColumns): string | null {
  const urls = Array.isArray(s.trackingUrls) ? s.trackingUrls.filter((u): u is string => typeof u === "string") : [];
  const given = urls.find((u) => /^https:\/\/[^/\s]+/i.test(u));
  if (given) return given;
  return s.carrierCode && s.primaryTracking ? trackingUrlFor(s.carrierCode, s.primaryTracking) : null;
}

/**
 * The shopper's timeline (newest first) without echoes: Shopify restates a fulfillment's status on
 * every update (those rows are left out in SQL), and its shipment_status repeats what the carrier
 * scan already said; an entry that only repeats the older one's status with no place is dropped.
 */
function withoutRepeats<E extends EventColumns>(events: E[]): E[] {
  return events.filter((e, i) => {
    const older = events[i + 1];
    return !(older && older.status === e.status && !e.city && !e.province && !e.country);
  });
}

function shipmentView(s: ShipmentColumns, order: OrderColumns, events: EventColumns[], items: LookupShipment["items"], locale: Locale): LookupShipment {
  const kind: ShipmentKind = s.kind === "return" ? "return" : "outbound";
  const reason = s.delayReason as keyof ReturnType<typeof messagesFor>["delayReasons"] | null;
  const notice = s.delayed && reason ? messagesFor(locale).delayReasons[reason] : undefined;
  return {
    id: s.id,
    kind,
    stage: clampStage(s.stage),
    subStatus: s.subStatus,
    statusLabel: subStatusText(s.subStatus, locale),
    delayed: s.delayed,
    ...(notice ? { delayNotice: notice } : {}),
    needsAttention: s.needsAttention,
    carrier: s.carrier ?? (s.carrierCode ? (CARRIER_NAMES[s.carrierCode] ?? null) : null),
    trackingNumber: s.primaryTracking,
    carrierUrl: carrierUrlOf(s),
    estimate: estimateOf(s, order),
    destination: kind === "outbound" ? { city: order.shipCity, region: order.shipRegion, country: order.shipCountry } : { city: null, region: null, country: null },
    events: withoutRepeats(events).map((e) => ({
      at: e.happenedAt.toISOString(),
      status: e.status,
      label: eventStatusText(e.status, kind, locale),
      location: formatLocation(e),
    })),
    items,
  };
}

// --- The answer -----------------------------------------------------------------------------------

export interface FoundInput {
  order: OrderColumns;
  /** orderItems(order.lineItems), read once by the caller (it also asks for recommendations). */
  items: OrderItem[];
  /** visibleShipments() of the order's parcels, in the queried order. */
  shipments: ShipmentColumns[];
  /** Each shown parcel's events, newest first. */
  events: ReadonlyMap<string, EventColumns[]>;
  /** A lookup by tracking number: that parcel only, and none of the order's items. */
  trackingOnly: boolean;
  recommendations: Recommendation[];
  locale: Locale;
}

/** The found answer: the order, outbound parcels then returns, each with its timeline and items. */
export function foundView(input: FoundInput): LookupFound {
  const { order, items, locale } = input;
  const outbound = input.shipments.filter((s) => s.kind === "outbound");
  // Each parcel lists the items its fulfillment carries; a parcel from before that was recorded,
  // alone on its order, lists the order's shippable items.
  const itemsOf = (s: ShipmentColumns): LookupShipment["items"] => {
    if (input.trackingOnly || s.kind !== "outbound") return [];
    const carried = parcelItems(s.lineItems);
    if (carried.length > 0) {
      return carried.flatMap(({ id, quantity }) => {
        const item = items.find((i) => i.id === id);
        return item ? [{ title: item.title, quantity, image: null }] : [];
      });
    }
    return outbound.length === 1 ? items.filter((i) => i.requiresShipping).map((i) => ({ title: i.title, quantity: i.quantity, image: null })) : [];
  };
  return {
    found: true,
    order: {
      name: order.name,
      placedAt: order.processedAt.toISOString(),
      stage: clampStage(order.stage),
      status: order.subStatus,
      statusLabel: subStatusText(order.cancelledAt ? "cancelled" : order.subStatus, locale),
      cancelled: order.cancelledAt !== null,
    },
    shipments: [...outbound, ...input.shipments.filter((s) => s.kind !== "outbound")].map((s) =>
      shipmentView(s, order, input.events.get(s.id) ?? [], itemsOf(s), locale),
    ),
    recommendations: input.recommendations,
    locale,
  };
}
