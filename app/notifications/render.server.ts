// A notification's message from the stored rows: the template context (the order, the shipment, the
// row's own facts, the digest's scans, a refund's amount), its tracking link, and the rendered email or
// SMS. Planning renders to store the text; sending renders again at the attempt; previews render samples.
import { CARRIER_SCAN_SOURCES } from "../pipeline/rules/types";
import type { Order, Prisma as PrismaTypes, Shipment, Shop } from "@prisma/client";
import type { Db } from "../db.server";
import { ensureTrackingCode, shortTrackingUrl, trackingUrl, withLocale } from "../storefront/tracking-links.server";
import { currentEstimate } from "../intelligence/rules/estimate";
import { statusInfo } from "../pipeline/rules/stages";
import { deliveryDetail } from "../storefront/rules/view";
import { resolveLocale } from "./copy";
import { customCopyFor } from "./custom-copy.server";
import { logger } from "../lib/logger.server";
import { type NotificationDeps, type NotificationFacts, timeZoneOf } from "./outbox.server";
import { type Channel, isSmsCapable, type Milestone } from "./rules/policy";
import { type Branding, type MessageContext, renderEmail, renderSms, type Scan } from "./templates";

export interface Rendered {
  subject: string | null;
  text: string;
  html: string | null;
  segments: number | null;
}

function stringList(value: PrismaTypes.JsonValue | null): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.length > 0) : [];
}

function branding(shop: Shop): Branding {
  return {
    logoUrl: shop.brandLogoUrl,
    primaryColor: shop.brandPrimaryColor,
    accentColor: shop.brandAccentColor,
    font: shop.brandFont,
  };
}

/** Scans of a shipment that arrived after `since` (newest first), for the in-transit digest. */
async function digestScans(db: Db, shipmentId: string, since: Date | null): Promise<Scan[]> {
  const rows = await db.trackingEvent.findMany({
    where: { shipmentId, source: { in: [...CARRIER_SCAN_SOURCES] }, ...(since ? { createdAt: { gt: since } } : {}) },
    orderBy: { happenedAt: "desc" },
    take: 10,
  });
  return rows.map((e) => ({
    at: e.happenedAt,
    message: e.message?.trim() || e.status.replace(/_/g, " "),
    location: [e.city, e.province, e.country].filter(Boolean).join(", ") || null,
  }));
}

function windowOf(start: Date | null, end: Date | null): { start: Date; end: Date } | null {
  if (start && end) return { start, end };
  if (start || end) return { start: (start ?? end)!, end: (end ?? start)! };
  return null;
}

/** Everything a template needs, from the stored rows and the notification's own facts. */
export async function messageContext(
  db: Db,
  shop: Shop,
  order: Order,
  shipment: Shipment | null,
  milestone: Milestone,
  facts: NotificationFacts,
  personalNote: string | null,
  now: Date,
  deps: NotificationDeps,
): Promise<MessageContext> {
  const ctx: MessageContext = {
    shopName: shop.name?.trim() || shop.domain.replace(/\.myshopify\.com$/, ""),
    customerFirstName: order.customerFirstName,
    orderName: order.name,
    trackingUrl: trackingUrl(shop, order.id, now, deps.linkSecret ? { secret: deps.linkSecret } : {}),
    timeZone: timeZoneOf(shop, order),
    personalNote,
    helpEmail: shop.replyToEmail ?? shop.contactEmail,
    customCopy: await customCopyFor(db, shop.id, milestone),
  };
  if (facts.estimatedWindow) {
    ctx.estimatedWindow = { start: new Date(facts.estimatedWindow.start), end: new Date(facts.estimatedWindow.end) };
  } else {
    // The one estimate every channel shows (the tracking page reads the same rule).
    const current = currentEstimate({
      carrierEdd: shipment?.carrierEdd,
      delayAnnouncedEdd: shipment?.delayAnnouncedEdd,
      delayed: shipment?.delayed,
      shipmentStart: shipment?.predictedStart,
      shipmentEnd: shipment?.predictedEnd,
      orderStart: order.predictedStart,
      orderEnd: order.predictedEnd,
    });
    ctx.estimatedWindow = current ? windowOf(current.start, current.end) : null;
  }
  if (shipment && milestone !== "order_confirmed") {
    const urls = stringList(shipment.trackingUrls);
    const number = shipment.primaryTracking ?? stringList(shipment.trackingNumbers)[0] ?? null;
    ctx.carrierName = shipment.carrier;
    ctx.carrierUrl = urls[0] ?? null;
    ctx.trackingNumber = number;
    ctx.lastLocation = shipment.lastLocation;
    if (shipment.kind === "return") {
      ctx.returnLabelUrl = shipment.returnLabelUrl;
      ctx.returnTrackingNumber = number;
      ctx.returnTrackingUrl = urls[0] ?? null;
    }
  }
  if (milestone === "in_transit_digest" && shipment) {
    ctx.scans = await digestScans(db, shipment.id, facts.digestSince ? new Date(facts.digestSince) : null);
  }
  if (milestone === "delayed") {
    ctx.delayReason = facts.delayReason ?? "carrier";
    const est = facts.newEstimate ? new Date(facts.newEstimate) : null;
    ctx.newEstimate = est ? { start: est, end: est } : null;
  }
  if (milestone === "refund_issued" && shipment?.returnCaseId) {
    const rc = await db.returnCase.findUnique({
      where: { id: shipment.returnCaseId },
      select: { refundCents: true, refundedAt: true },
    });
    if (rc?.refundCents != null) ctx.refund = { amountMinor: rc.refundCents, currency: order.currency };
    ctx.refundedAt = rc?.refundedAt ?? null;
  }
  if (milestone === "delivered" && shipment) {
    // The carrier's own words on the delivery scan, as the tracking page shows them (storefront rules).
    const scan = await db.trackingEvent.findFirst({
      where: { shipmentId: shipment.id, source: "fulfillment_event", status: { in: ["delivered", "picked_up"] } },
      orderBy: { happenedAt: "desc" },
      select: { status: true, source: true, message: true, happenedAt: true },
    });
    ctx.deliveryDetail = scan
      ? deliveryDetail(
          { ...scan, city: null, province: null, country: null },
          statusInfo(scan.status, "outbound").label,
        )
      : null;
  }
  return ctx;
}

/** SMS carry the order's short link (one segment); emails the signed token link. */
export async function smsContext(db: Db, shop: Shop, orderId: string, ctx: MessageContext): Promise<MessageContext> {
  if (orderId === "preview") return ctx;
  return { ...ctx, trackingUrl: shortTrackingUrl(shop, await ensureTrackingCode(db, orderId)) };
}

export function renderFor(
  milestone: Milestone,
  channel: Channel,
  ctx: MessageContext,
  shop: Shop,
  locale: string,
  optOutHint: boolean,
): Rendered {
  ctx = { ...ctx, trackingUrl: withLocale(ctx.trackingUrl, resolveLocale(locale)) };
  if (channel === "email") {
    const r = renderEmail(milestone, ctx, branding(shop), locale);
    if (r.copyError)
      logger.warn(
        { shopId: shop.id, milestone, locale, error: r.copyError },
        "shop's own copy failed; default copy used",
      );
    return { subject: r.subject, text: r.text, html: r.html, segments: null };
  }
  if (!isSmsCapable(milestone)) throw new Error(`There is no SMS for ${milestone}`);
  const r = renderSms(milestone, ctx, locale, { optOutHint });
  return { subject: null, text: r.body, html: null, segments: r.segments };
}

/** The first SMS a shop sends to a number carries "Reply STOP to opt out". */
export async function needsOptOutHint(db: Db, shopId: string, phone: string | null): Promise<boolean> {
  if (!phone) return false;
  const sent = await db.notification.count({ where: { shopId, channel: "sms", recipient: phone, status: "sent" } });
  return sent === 0;
}
