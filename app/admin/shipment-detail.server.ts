// One shipment as staff see it: its detail (timeline, raw events, messages), the page's resend and
// personal-update actions, and the order-details block's summary API. Scoped to the shop and bounded
// like the list (shipments.server.ts).
import { isCarrierScan } from "../pipeline/rules/types";
import { json } from "@remix-run/node";
import { z } from "zod";
import { PERSONAL_NOTE_MAX_LENGTH, PERSONAL_NOTE_TOO_LONG } from "../notifications/rules/policy";
import appDb, { type Db } from "../db.server";
import { resendCurrent, sendPersonalUpdate } from "./notifications.server";
import { returnCaseView, type ReturnCaseView } from "./return-case.server";
import type { AdminShop, ShopContext } from "./shop.server";
import { statusInfo, subStatusLabel, subStatusRank } from "../pipeline/rules/stages";
import { currentEstimate } from "../intelligence/rules/estimate";
import type { ShipmentKind } from "../pipeline/rules/types";
import { eventStatusText, storefrontLocale, subStatusText } from "../storefront/rules/status-labels";

export const MAX_EVENTS = 500;
export const MAX_NOTIFICATIONS = 100;

export interface TimelineEntry {
  at: string;
  label: string;
  location: string | null;
  message: string | null;
}

export interface ShipmentDetail {
  shipment: {
    id: string;
    name: string | null;
    kind: string;
    stage: number;
    subStatus: string;
    statusLabel: string;
    carrier: string | null;
    service: string | null;
    trackingNumbers: string[];
    trackingUrls: string[];
    delayed: boolean;
    delayReason: string | null;
    needsAttention: boolean;
    lastLocation: string | null;
    carrierEdd: string | null;
    predictedStart: string | null;
    predictedEnd: string | null;
    /** The one current estimate the customer's emails, SMS and tracking page show (rules/estimate.ts). */
    estimate: { start: string; end: string; source: string } | null;
    destination: string | null;
    lastEventAt: string | null;
    deliveredAt: string | null;
    createdAt: string;
  };
  order: {
    id: string;
    shopifyId: string;
    name: string;
    email: string | null;
    phone: string | null;
    customerFirstName: string | null;
    adminUrl: string;
    processedAt: string;
  } | null;
  siblings: Array<{ id: string; name: string | null; statusLabel: string }>;
  /** A return shipment's case: its journey, label, refund, items and reasons (return-case.server.ts). */
  returnCase: ReturnCaseView | null;
  timeline: TimelineEntry[];
  /** Newest first; the same scan reported by several sources (a carrier event and Shopify's shipment status) is one row. */
  events: Array<{
    id: string;
    at: string;
    status: string;
    /** The status in words, as the shopper's page says it. */
    label: string;
    /** Every source that reported it, comma-separated. */
    source: string;
    message: string | null;
    location: string | null;
    estimatedDeliveryAt: string | null;
    dedupeKey: string;
  }>;
  eventsTruncated: boolean;
  notifications: Array<{
    id: string;
    channel: string;
    milestone: string;
    status: string;
    recipient: string | null;
    subject: string | null;
    error: string | null;
    errorKind: string | null;
    attempts: number;
    segments: number | null;
    personalNote: string | null;
    createdAt: string;
    sentAt: string | null;
    /** What the provider reported afterwards (app/notifications/rules/delivery-status.ts), its reason and when. */
    deliveryStatus: string | null;
    deliveryError: string | null;
    deliveryUpdatedAt: string | null;
    /** sendgrid | twilio | dev-outbox: the dev outbox keeps a message in the app, it never reaches the customer. */
    provider: string | null;
  }>;
}

/** The raw events for staff, with their status in words and one row per scan whatever reported it. */
function eventRows(
  kind: ShipmentKind,
  events: ReadonlyArray<{
    id: string;
    happenedAt: Date;
    status: string;
    source: string;
    message: string | null;
    city: string | null;
    province: string | null;
    country: string | null;
    estimatedDeliveryAt: Date | null;
    dedupeKey: string;
  }>,
): ShipmentDetail["events"] {
  const rows: ShipmentDetail["events"] = [];
  const byScan = new Map<string, ShipmentDetail["events"][number]>();
  for (const e of events) {
    const location = place(e);
    const key = JSON.stringify([e.happenedAt.getTime(), e.status, location, e.message?.trim() || null]);
    const same = byScan.get(key);
    if (same) {
      if (!same.source.split(", ").includes(e.source)) same.source += `, ${e.source}`;
      continue;
    }
    const row = {
      id: e.id,
      at: e.happenedAt.toISOString(),
      status: e.status,
      label: statusInfo(e.status, kind).label,
      source: e.source,
      message: e.message,
      location,
      estimatedDeliveryAt: e.estimatedDeliveryAt?.toISOString() ?? null,
      dedupeKey: e.dedupeKey,
    };
    byScan.set(key, row);
    rows.push(row);
  }
  return rows;
}

function place(e: { city: string | null; province: string | null; country: string | null }): string | null {
  return [e.city, e.province, e.country].filter(Boolean).join(", ") || null;
}

/** The admin link to an order: the App Bridge `shopify://admin` scheme opens it in the host admin. */
export function orderAdminUrl(orderShopifyId: string): string {
  return `shopify://admin/orders/${orderShopifyId}`;
}

/**
 * The shopper's timeline from a shipment's facts, newest first, with the storefront's labels:
 * carrier scans always; synthetic facts only where they move the customer-facing status.
 */
export function buildTimeline(
  kind: ShipmentKind,
  events: ReadonlyArray<{
    status: string;
    source: string;
    happenedAt: Date;
    message: string | null;
    city: string | null;
    province: string | null;
    country: string | null;
  }>,
  /** The language of the labels (the order-details block asks in the admin's); English by default. */
  locale: string = "en",
): TimelineEntry[] {
  const lang = storefrontLocale(locale);
  const out: TimelineEntry[] = [];
  const sorted = events
    .slice()
    .sort(
      (a, b) =>
        a.happenedAt.getTime() - b.happenedAt.getTime() ||
        statusInfo(a.status, kind).rank - statusInfo(b.status, kind).rank,
    );
  let furthest = 0;
  for (const e of sorted) {
    const info = statusInfo(e.status, kind);
    const scan = isCarrierScan(e.source);
    if (!scan && (!info.known || info.stage === null)) continue;
    // Synthetic facts show only when they move the status forward (a label bought right after packing,
    // or a fulfillment update after the carrier's scans, is no new step for the shopper).
    const rank = info.subStatus ? subStatusRank(info.subStatus) : 0;
    if (!scan && rank <= furthest) continue;
    furthest = Math.max(furthest, rank);
    out.push({
      at: e.happenedAt.toISOString(),
      label: lang === "en" ? info.label : eventStatusText(e.status, kind, lang),
      location: place(e),
      message: scan ? e.message : null,
    });
  }
  return out.reverse();
}

/** The current estimate of an outbound parcel still on its way, as every customer channel shows it. */
function estimateView(s: {
  kind: string;
  deliveredAt: Date | null;
  cancelledAt: Date | null;
  carrierEdd: Date | null;
  delayAnnouncedEdd: Date | null;
  delayed: boolean;
  predictedStart: Date | null;
  predictedEnd: Date | null;
  order: { predictedStart: Date | null; predictedEnd: Date | null } | null;
}): ShipmentDetail["shipment"]["estimate"] {
  if (s.kind !== "outbound" || s.deliveredAt || s.cancelledAt) return null;
  const e = currentEstimate({
    carrierEdd: s.carrierEdd,
    delayAnnouncedEdd: s.delayAnnouncedEdd,
    delayed: s.delayed,
    shipmentStart: s.predictedStart,
    shipmentEnd: s.predictedEnd,
    orderStart: s.order?.predictedStart,
    orderEnd: s.order?.predictedEnd,
  });
  return e ? { start: e.start.toISOString(), end: e.end.toISOString(), source: e.source } : null;
}

export async function shipmentDetail(db: Db, shopId: string, id: string): Promise<ShipmentDetail | null> {
  const s = await db.shipment.findFirst({
    where: { id, shopId },
    include: {
      order: {
        select: {
          id: true,
          shopifyId: true,
          name: true,
          email: true,
          phone: true,
          customerFirstName: true,
          processedAt: true,
          shipCity: true,
          predictedStart: true,
          predictedEnd: true,
        },
      },
      events: { orderBy: [{ happenedAt: "desc" }, { id: "asc" }], take: MAX_EVENTS + 1 },
      notifications: { orderBy: { createdAt: "desc" }, take: MAX_NOTIFICATIONS },
    },
  });
  if (!s) return null;
  const siblings = s.orderId
    ? await db.shipment.findMany({
        where: { shopId, orderId: s.orderId, id: { not: s.id } },
        select: { id: true, name: true, subStatus: true },
        take: 20,
        orderBy: { createdAt: "asc" },
      })
    : [];
  const events = s.events.slice(0, MAX_EVENTS);
  const kind = (s.kind === "return" ? "return" : "outbound") as ShipmentKind;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    shipment: {
      id: s.id,
      name: s.name,
      kind: s.kind,
      stage: s.stage,
      subStatus: s.subStatus,
      statusLabel: subStatusLabel(s.subStatus),
      carrier: s.carrier,
      service: s.service,
      trackingNumbers: strings(s.trackingNumbers),
      trackingUrls: strings(s.trackingUrls),
      delayed: s.delayed,
      delayReason: s.delayReason,
      needsAttention: s.needsAttention,
      lastLocation: s.lastLocation,
      carrierEdd: iso(s.carrierEdd),
      predictedStart: iso(s.predictedStart),
      predictedEnd: iso(s.predictedEnd),
      estimate: estimateView(s),
      destination:
        [s.order?.shipCity, s.destRegion?.replace(/^[A-Z]{2}-/, ""), s.destCountry].filter(Boolean).join(", ") || null,
      lastEventAt: iso(s.lastEventAt),
      deliveredAt: iso(s.deliveredAt),
      createdAt: s.createdAt.toISOString(),
    },
    order: s.order
      ? {
          id: s.order.id,
          shopifyId: s.order.shopifyId,
          name: s.order.name,
          email: s.order.email,
          phone: s.order.phone,
          customerFirstName: s.order.customerFirstName,
          adminUrl: orderAdminUrl(s.order.shopifyId),
          processedAt: s.order.processedAt.toISOString(),
        }
      : null,
    siblings: siblings.map((x) => ({ id: x.id, name: x.name, statusLabel: subStatusLabel(x.subStatus) })),
    returnCase: kind === "return" ? await returnCaseView(db, shopId, s.id) : null,
    timeline: buildTimeline(kind, events),
    events: eventRows(kind, events),
    eventsTruncated: s.events.length > MAX_EVENTS,
    notifications: s.notifications.map((n) => ({
      id: n.id,
      channel: n.channel,
      milestone: n.milestone,
      status: n.status,
      recipient: n.recipient,
      subject: n.subject,
      error: n.error,
      errorKind: n.errorKind,
      attempts: n.attempts,
      segments: n.segments,
      personalNote: n.personalNote,
      createdAt: n.createdAt.toISOString(),
      sentAt: iso(n.sentAt),
      deliveryStatus: n.deliveryStatus,
      deliveryError: n.deliveryError,
      deliveryUpdatedAt: iso(n.deliveryUpdatedAt),
      provider: n.provider,
    })),
  };
}

/** An order's tracking summary for the admin order-details extension: its shipments and their timelines. */
export async function orderTracking(db: Db, shopId: string, orderShopifyId: string, locale: string = "en") {
  const lang = storefrontLocale(locale);
  const order = await db.order.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId: orderShopifyId } },
    select: {
      id: true,
      name: true,
      stage: true,
      subStatus: true,
      predictedStart: true,
      predictedEnd: true,
      shipments: {
        where: { cancelledAt: null },
        orderBy: { createdAt: "asc" },
        take: 20,
        select: {
          id: true,
          name: true,
          kind: true,
          stage: true,
          subStatus: true,
          carrier: true,
          primaryTracking: true,
          delayed: true,
          lastLocation: true,
          returnCase: { select: { name: true } },
          events: {
            orderBy: { happenedAt: "desc" },
            take: 50,
            select: {
              status: true,
              source: true,
              happenedAt: true,
              message: true,
              city: true,
              province: true,
              country: true,
            },
          },
        },
      },
    },
  });
  if (!order) return null;
  return {
    orderName: order.name,
    stage: order.stage,
    statusLabel: lang === "en" ? subStatusLabel(order.subStatus) : subStatusText(order.subStatus, lang),
    window:
      order.predictedStart && order.predictedEnd
        ? { start: order.predictedStart.toISOString(), end: order.predictedEnd.toISOString() }
        : null,
    shipments: order.shipments.map((s) => ({
      id: s.id,
      // A return reads as the return it is ("#1001-R1"), never as one more unnamed parcel.
      name: s.name ?? (s.kind === "return" ? (s.returnCase?.name ?? "Return") : null),
      stage: s.stage,
      statusLabel: lang === "en" ? subStatusLabel(s.subStatus) : subStatusText(s.subStatus, lang),
      carrier: s.carrier,
      trackingNumber: s.primaryTracking,
      delayed: s.delayed,
      lastLocation: s.lastLocation,
      timeline: buildTimeline(s.kind === "return" ? "return" : "outbound", s.events, lang).slice(0, 10),
    })),
  };
}

function notFound(): Response {
  return new Response("This shipment does not exist in your store.", { status: 404 });
}

/** One shipment's page, in the shop's time zone; a thrown 404 for an id that is not this shop's. */
export async function shipmentPage(shop: AdminShop, id: string | undefined, db: Db = appDb) {
  const detail = id ? await shipmentDetail(db, shop.id, id) : null;
  if (!detail) throw notFound();
  return { detail, timeZone: shop.timezone };
}

const shipmentActionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("personal_update"),
    note: z
      .string()
      .trim()
      .min(1, "Write a note for the customer")
      .max(PERSONAL_NOTE_MAX_LENGTH, PERSONAL_NOTE_TOO_LONG),
  }),
  z.object({ intent: z.literal("resend") }),
]);

export type ShipmentActionResult =
  | { ok: false; fieldErrors: Record<string, string>; message: null }
  | { ok: true; fieldErrors: Record<string, string>; message: string };

/** The shipment page's forms: a personal update with the staff's note, or a resend of the current update. */
export async function shipmentAction(
  ctx: Pick<ShopContext, "shop" | "staff">,
  id: string | undefined,
  form: FormData,
  db: Db = appDb,
): Promise<ShipmentActionResult> {
  const parsed = shipmentActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { ok: false, fieldErrors, message: null };
  }
  const shipmentId = id ?? "";
  if (!(await db.shipment.findFirst({ where: { id: shipmentId, shopId: ctx.shop.id }, select: { id: true } })))
    throw notFound();
  const outcome =
    parsed.data.intent === "personal_update"
      ? await sendPersonalUpdate(db, ctx.shop.id, shipmentId, parsed.data.note, ctx.staff)
      : await resendCurrent(db, ctx.shop.id, [shipmentId], ctx.staff);
  if (outcome.failed.length > 0) {
    return {
      ok: false,
      fieldErrors:
        parsed.data.intent === "personal_update"
          ? { note: outcome.failed[0]!.error }
          : { form: outcome.failed[0]!.error },
      message: null,
    };
  }
  return {
    ok: true,
    fieldErrors: {},
    message: parsed.data.intent === "personal_update" ? "Personal update sent" : "Current update resent",
  };
}

/** "gid://shopify/Order/123" or "123" → "123". */
export function orderNumericId(raw: string | undefined): string | null {
  const m = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(decodeURIComponent(raw ?? ""));
  return m ? m[1]! : null;
}

/** The order-details admin block's answer (api.order-tracking.$orderId), with the CORS headers it needs. */
export async function orderTrackingResponse(
  ctx: Pick<ShopContext, "shop" | "cors">,
  rawOrderId: string | undefined,
  db: Db = appDb,
  /** The admin's language, which the block sends as ?locale= (shopify.i18n.locale). */
  locale: string | null = null,
): Promise<Response> {
  const id = orderNumericId(rawOrderId);
  if (!id) return ctx.cors(json({ error: "Invalid order id" }, { status: 400 }));
  const tracking = await orderTracking(db, ctx.shop.id, id, locale ?? ctx.shop.locale);
  if (!tracking) return ctx.cors(json({ found: false }, { status: 404 }));
  return ctx.cors(json({ found: true, ...tracking, appUrl: `/app/shipments/${tracking.shipments[0]?.id ?? ""}` }));
}
