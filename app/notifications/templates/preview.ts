// Sample data for the settings page's live preview: realistic, deterministic given `now`.
import type { Milestone } from "../rules/policy";
import type { MessageContext } from "./context";
import { DAY_MS } from "../../lib/time";

/** The few shop facts a preview needs; a Shop row fits. */
export interface PreviewShop {
  name?: string | null;
  domain: string;
  primaryDomain?: string | null;
  currency?: string | null;
  contactEmail?: string | null;
  timezone?: string | null;
}

function at(now: Date, days: number, hour: number): Date {
  const d = new Date(now.getTime() + days * DAY_MS);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
}

/**
 * A sample MessageContext for previewing a milestone's email and SMS with the shop's own name, domain
 * and currency. Links point at the shop's storefront so the preview looks like the real thing.
 */
export function previewContext(shop: PreviewShop, milestone: Milestone, now: Date = new Date()): MessageContext {
  const host = (shop.primaryDomain || shop.domain).replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  const base = `https://${host}`;
  const shopName = shop.name?.trim() || host.replace(/\.myshopify\.com$/, "");
  const ctx: MessageContext = {
    shopName,
    customerFirstName: "Alex",
    orderName: "#1001",
    trackingUrl: `${base}/apps/waypoint/t/preview-1001`,
    carrierName: "UPS",
    carrierUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
    trackingNumber: "1Z999AA10123456784",
    estimatedWindow: { start: at(now, 3, 17), end: at(now, 5, 17) },
    timeZone: shop.timezone ?? "UTC",
    unsubscribeUrl: `${base}/apps/waypoint/unsubscribe/preview`,
    helpEmail: shop.contactEmail ?? null,
  };
  switch (milestone) {
    case "order_confirmed":
      return { ...ctx, carrierName: null, carrierUrl: null, trackingNumber: null };
    case "in_transit_digest":
      return {
        ...ctx,
        lastLocation: "Louisville, KY, US",
        scans: [
          { at: at(now, 0, 9), message: "Arrived at facility", location: "Louisville, KY, US" },
          { at: at(now, -1, 22), message: "Departed facility", location: "Columbus, OH, US" },
          { at: at(now, -1, 14), message: "Picked up by carrier", location: "Columbus, OH, US" },
        ],
      };
    case "delayed":
      return { ...ctx, delayReason: "carrier", newEstimate: { start: at(now, 5, 17), end: at(now, 7, 17) } };
    case "shipped_early":
      return { ...ctx, newEstimate: { start: at(now, 1, 17), end: at(now, 2, 17) } };
    case "delivery_failed":
      return { ...ctx, lastLocation: "Louisville, KY, US" };
    case "return_approved":
    case "return_label":
      return {
        ...ctx,
        returnLabelUrl: `${base}/apps/waypoint/returns/preview-label.pdf`,
        returnTrackingNumber: "1Z999AA10123456785",
        returnTrackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456785",
      };
    case "refund_issued":
      return { ...ctx, refund: { amountMinor: 4999, currency: shop.currency || "USD" } };
    default:
      return ctx;
  }
}
