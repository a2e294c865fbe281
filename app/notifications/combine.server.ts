// One email for a split order's parcels that reach the same milestone close together
// (Shop.combineParcelEmailsMinutes; 0 turns it off). Planning holds a parcel's email that long when
// its order has other parcels, or items not shipped yet; at sending, the earliest email of the group
// lists every parcel and the others are discarded as "combined" (no second email). SMS stays one per
// parcel: texts are short and time-critical. Decision: docs/decisions/012-returns-journey-and-combined-parcel-emails.md.
import type { Notification, Order, Shipment, Shop } from "@prisma/client";
import type { Db } from "../db.server";
import { MINUTE_MS } from "../lib/time";
import { factsOf } from "./outbox.server";
import type { Channel, Milestone } from "./rules/policy";
import type { MessageContext } from "./templates";

/** Milestones a split order's parcels often reach together (shipped the same afternoon, delivered the same round). */
export const COMBINABLE: ReadonlySet<string> = new Set<Milestone>(["shipped", "out_for_delivery", "delivered"]);

/** Longest window a merchant may set. */
export const MAX_COMBINE_MINUTES = 240;

const PENDING = ["queued", "deferred"];

function windowMs(shop: Pick<Shop, "combineParcelEmailsMinutes">): number {
  const m = shop.combineParcelEmailsMinutes;
  return Number.isFinite(m) && m > 0 ? Math.min(m, MAX_COMBINE_MINUTES) * MINUTE_MS : 0;
}

/**
 * At planning: how long this parcel's email waits for its siblings (ms), 0 when it goes at once (one
 * parcel and nothing left to ship, SMS, another milestone, or the setting off).
 */
export async function siblingHoldMs(
  db: Db,
  shop: Shop,
  order: Pick<Order, "id" | "subStatus" | "fulfillmentStatus">,
  shipment: Pick<Shipment, "id" | "kind"> | null,
  milestone: Milestone,
  channel: Channel,
): Promise<number> {
  const ms = windowMs(shop);
  if (!ms || channel !== "email" || !COMBINABLE.has(milestone) || !shipment || shipment.kind !== "outbound") return 0;
  if (order.subStatus === "partially_fulfilled" || order.fulfillmentStatus === "partial") return ms;
  const others = await db.shipment.count({
    where: { orderId: order.id, kind: "outbound", cancelledAt: null, id: { not: shipment.id } },
  });
  return others > 0 ? ms : 0;
}

export type CombineDecision =
  | { kind: "alone" }
  /** An earlier email of the group has not gone yet: it will carry this parcel; look again after it. */
  | { kind: "wait"; until: Date }
  /** An earlier email of the group carried this parcel already. */
  | { kind: "absorbed"; reason: string }
  /** This email leads: it lists these parcels too and absorbs their emails. */
  | { kind: "lead"; notificationIds: string[]; shipmentIds: string[] };

type Row = Pick<Notification, "id" | "createdAt" | "status" | "nextAttemptAt" | "shipmentId" | "context">;

const combinedOf = (r: Pick<Notification, "context">): string[] => {
  const c = (factsOf(r) as { combined?: unknown }).combined;
  return Array.isArray(c) ? c.filter((x): x is string => typeof x === "string") : [];
};

/** At sending: whether this email goes alone, waits for, joins or leads its order's group. */
export async function combineDecision(
  db: Db,
  n: Pick<Notification, "id" | "orderId" | "milestone" | "channel" | "shipmentId" | "createdAt" | "context"> & {
    shop: Shop;
    shipment?: Pick<Shipment, "returnLabelUrl"> | null;
  },
  now: Date,
): Promise<CombineDecision> {
  if (n.milestone === "return_label") return labelAlreadySent(db, n);
  const ms = windowMs(n.shop);
  if (!ms || n.channel !== "email" || !COMBINABLE.has(n.milestone) || !n.shipmentId || factsOf(n).staff)
    return { kind: "alone" };
  const rows: Row[] = await db.notification.findMany({
    where: {
      orderId: n.orderId,
      milestone: n.milestone,
      channel: "email",
      shipmentId: { not: null },
      id: { not: n.id },
      createdAt: { gte: new Date(n.createdAt.getTime() - ms), lte: new Date(n.createdAt.getTime() + ms) },
      status: { in: [...PENDING, "sending", "sent"] },
    },
    select: { id: true, createdAt: true, status: true, nextAttemptAt: true, shipmentId: true, context: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const before = (r: Row) =>
    r.createdAt.getTime() < n.createdAt.getTime() || (r.createdAt.getTime() === n.createdAt.getTime() && r.id < n.id);
  for (const r of rows.filter(before)) {
    if (r.shipmentId === n.shipmentId) continue;
    if (combinedOf(r).includes(n.id)) return { kind: "absorbed", reason: `combined: sent in one email (${r.id})` };
    if (PENDING.includes(r.status)) {
      const at = Math.max(r.nextAttemptAt?.getTime() ?? 0, now.getTime()) + 1000;
      return { kind: "wait", until: new Date(at) };
    }
  }
  // Leading: the later emails still waiting, and any this one absorbed on an earlier attempt.
  const mine = combinedOf(n);
  const joined = rows.filter((r) => !before(r) && r.shipmentId !== n.shipmentId && PENDING.includes(r.status));
  const absorbed = mine.length
    ? await db.notification.findMany({ where: { id: { in: mine } }, select: { id: true, shipmentId: true } })
    : [];
  const group = [...absorbed, ...joined.filter((r) => !mine.includes(r.id))];
  if (group.length === 0) return { kind: "alone" };
  return {
    kind: "lead",
    notificationIds: group.map((r) => r.id),
    shipmentIds: [...new Set(group.map((r) => r.shipmentId).filter((id): id is string => !!id && id !== n.shipmentId))],
  };
}

/**
 * A return's label email says nothing new when the approval email already carried this label (the
 * label came before the approval email went: it is rendered at sending).
 */
async function labelAlreadySent(
  db: Db,
  n: Pick<Notification, "shipmentId" | "channel"> & { shipment?: Pick<Shipment, "returnLabelUrl"> | null },
): Promise<CombineDecision> {
  const url = n.shipment?.returnLabelUrl;
  if (!url || !n.shipmentId) return { kind: "alone" };
  const approval = await db.notification.findFirst({
    where: {
      shipmentId: n.shipmentId,
      milestone: "return_approved",
      channel: n.channel,
      status: { in: ["sending", "sent"] },
    },
    select: { id: true, bodyText: true },
  });
  return approval?.bodyText?.includes(url)
    ? { kind: "absorbed", reason: `combined: the approval email carried the label (${approval.id})` }
    : { kind: "alone" };
}

/** The leader's context lists every parcel of the group: its own first, then the others in their order. */
export async function withParcels(
  db: Db,
  ctx: MessageContext,
  own: Pick<Shipment, "id" | "carrier" | "primaryTracking" | "trackingUrls"> | null,
  shipmentIds: string[],
): Promise<MessageContext> {
  const others = await db.shipment.findMany({
    where: { id: { in: shipmentIds } },
    select: { id: true, carrier: true, primaryTracking: true, trackingUrls: true, name: true, createdAt: true },
    orderBy: [{ name: "asc" }, { createdAt: "asc" }],
  });
  const parcel = (s: Pick<Shipment, "carrier" | "primaryTracking" | "trackingUrls">) => ({
    carrierName: s.carrier,
    trackingNumber: s.primaryTracking,
    carrierUrl: Array.isArray(s.trackingUrls) && typeof s.trackingUrls[0] === "string" ? s.trackingUrls[0] : null,
  });
  return { ...ctx, parcels: [...(own ? [parcel(own)] : []), ...others.map(parcel)] };
}

/** When the leader is claimed: its group's other emails are done, as combined (never sent on their own). */
export async function absorbSiblings(db: Db, leaderId: string, notificationIds: string[]): Promise<void> {
  if (notificationIds.length === 0) return;
  await db.notification.updateMany({
    where: { id: { in: notificationIds }, status: { in: PENDING } },
    data: { status: "discarded", error: `combined: sent in one email (${leaderId})`, nextAttemptAt: null },
  });
}
