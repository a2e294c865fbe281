// Read models for the admin's shipments pages: a filtered, searchable, cursor-paginated list and one
// shipment's detail. Every query is scoped to the shop, bounded (take) and batched (relations are
// loaded with `select`, which Prisma resolves with one IN query per relation, never one per row).
// Below them, what the routes call: the pages, their resend / personal-update actions, and the
// order-details block's API.
import { json } from "@remix-run/node";
import { z } from "zod";
import { PERSONAL_NOTE_MAX_LENGTH, PERSONAL_NOTE_TOO_LONG } from "../notifications/rules/policy";
import appDb, { type Db, type Prisma } from "../db.server";
import { resendCurrent, sendPersonalUpdate } from "./notifications.server";
import type { AdminShop, ShopContext } from "./shop.server";
import { cleanTrackingNumber } from "../pipeline/rules/carriers";
import { statusInfo, subStatusLabel, subStatusRank } from "../pipeline/rules/stages";
import type { ShipmentKind } from "../pipeline/rules/types";
import { DAY_MS } from "../lib/time";

export const PAGE_SIZE = 25;
export const MAX_EVENTS = 500;
export const MAX_NOTIFICATIONS = 100;

export const EXCEPTIONS = ["any", "delayed", "attempted_delivery", "failure", "no_scan"] as const;
export type ExceptionFilter = (typeof EXCEPTIONS)[number];

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);
export const filtersSchema = z.object({
  q: z.string().trim().max(200).optional().catch(undefined),
  stage: z.coerce.number().int().min(1).max(5).optional().catch(undefined),
  carrier: z.string().trim().max(100).optional().catch(undefined),
  exception: z.enum(EXCEPTIONS).optional().catch(undefined),
  from: day,
  to: day,
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/)
    .optional()
    .catch(undefined),
  region: z.string().trim().toUpperCase().max(10).optional().catch(undefined),
  cursor: z.string().max(64).optional().catch(undefined),
  direction: z.enum(["next", "previous"]).optional().catch(undefined),
});
export type ShipmentFilters = z.infer<typeof filtersSchema>;

/** Filters from a URL's search params; invalid values are dropped, never an error. */
export function parseFilters(params: URLSearchParams): ShipmentFilters {
  const raw = Object.fromEntries([...params.entries()].filter(([, v]) => v !== ""));
  return filtersSchema.parse(raw);
}

export interface ShipmentRow {
  id: string;
  name: string | null;
  orderId: string | null;
  orderName: string | null;
  email: string | null;
  kind: string;
  stage: number;
  subStatus: string;
  statusLabel: string;
  carrier: string | null;
  primaryTracking: string | null;
  destination: string | null;
  delayed: boolean;
  needsAttention: boolean;
  lastEventAt: string | null;
  createdAt: string;
}

export interface ShipmentPage {
  rows: ShipmentRow[];
  nextCursor: string | null;
  previousCursor: string | null;
  /** The carriers seen on the shop (for the filter's choices), at most 50. */
  carriers: string[];
}

/** What a search string is: an order name/number, an email, or a tracking number. */
export function classifySearch(
  q: string,
):
  | { kind: "order"; number: number; name: string }
  | { kind: "email"; email: string }
  | { kind: "tracking"; number: string } {
  const s = q.trim();
  if (s.includes("@")) return { kind: "email", email: s.toLowerCase() };
  const m = /^#?(\d{1,9})$/.exec(s);
  if (m) return { kind: "order", number: Number(m[1]), name: `#${m[1]}` };
  return { kind: "tracking", number: cleanTrackingNumber(s) };
}

async function searchWhere(db: Db, shopId: string, q: string): Promise<Prisma.ShipmentWhereInput> {
  const c = classifySearch(q);
  if (c.kind === "tracking") {
    const numbers = await db.trackingNumber.findMany({
      where: { shopId, number: c.number },
      select: { shipmentId: true },
      take: 100,
    });
    // A tracking number is also tried as an order name ("1001-A" style names are rare but possible).
    return { OR: [{ id: { in: numbers.map((n) => n.shipmentId) } }, { primaryTracking: c.number }] };
  }
  const orders = await db.order.findMany({
    where: c.kind === "email" ? { shopId, email: c.email } : { shopId, orderNumber: c.number },
    select: { id: true },
    take: 200,
  });
  return { orderId: { in: orders.map((o) => o.id) } };
}

export async function shipmentWhere(
  db: Db,
  shopId: string,
  f: ShipmentFilters,
  now: Date,
): Promise<Prisma.ShipmentWhereInput> {
  const and: Prisma.ShipmentWhereInput[] = [{ shopId }];
  if (f.q) and.push(await searchWhere(db, shopId, f.q));
  if (f.stage) and.push({ stage: f.stage });
  if (f.carrier) and.push({ carrier: f.carrier });
  if (f.country) and.push({ destCountry: f.country });
  if (f.region)
    and.push({ destRegion: f.region.includes("-") ? f.region : f.country ? `${f.country}-${f.region}` : f.region });
  if (f.from) and.push({ createdAt: { gte: new Date(`${f.from}T00:00:00Z`) } });
  if (f.to) and.push({ createdAt: { lt: new Date(new Date(`${f.to}T00:00:00Z`).getTime() + DAY_MS) } });
  if (f.exception) {
    const live = { deliveredAt: null, cancelledAt: null };
    const shop = await db.shop.findUnique({ where: { id: shopId }, select: { noScanAlertDays: true } });
    const noScan = {
      stage: 3,
      kind: "outbound",
      lastEventAt: { lt: new Date(now.getTime() - (shop?.noScanAlertDays ?? 4) * DAY_MS) },
    };
    const byKind: Record<ExceptionFilter, Prisma.ShipmentWhereInput> = {
      any: { ...live, OR: [{ delayed: true }, { needsAttention: true }, noScan] },
      delayed: { ...live, delayed: true },
      attempted_delivery: { ...live, needsAttention: true, subStatus: "attempted_delivery" },
      failure: { ...live, needsAttention: true, subStatus: "failure" },
      no_scan: { ...live, ...noScan },
    };
    and.push(byKind[f.exception]);
  }
  return { AND: and };
}

const listSelect = {
  id: true,
  name: true,
  orderId: true,
  kind: true,
  stage: true,
  subStatus: true,
  carrier: true,
  primaryTracking: true,
  destCountry: true,
  destRegion: true,
  delayed: true,
  needsAttention: true,
  lastEventAt: true,
  createdAt: true,
  order: { select: { name: true, email: true, shipCity: true } },
} satisfies Prisma.ShipmentSelect;

type ListRow = Prisma.ShipmentGetPayload<{ select: typeof listSelect }>;

function toRow(s: ListRow): ShipmentRow {
  const destination =
    [s.order?.shipCity, s.destRegion?.replace(/^[A-Z]{2}-/, ""), s.destCountry].filter(Boolean).join(", ") || null;
  return {
    id: s.id,
    name: s.name,
    orderId: s.orderId,
    orderName: s.order?.name ?? null,
    email: s.order?.email ?? null,
    kind: s.kind,
    stage: s.stage,
    subStatus: s.subStatus,
    statusLabel: subStatusLabel(s.subStatus),
    carrier: s.carrier,
    primaryTracking: s.primaryTracking,
    destination,
    delayed: s.delayed,
    needsAttention: s.needsAttention,
    lastEventAt: s.lastEventAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}

const carrierCache = new Map<string, { until: number; carriers: string[] }>();
const CARRIER_CACHE_MS = 5 * 60_000;

/**
 * The carriers the shop ships with, for the filter's choices: a walk of the [shopId, carrier, …] index
 * that grows with the shop, so it is kept for a few minutes per shop.
 */
async function carrierChoices(db: Db, shopId: string, now: Date): Promise<string[]> {
  const hit = carrierCache.get(shopId);
  if (hit && hit.until > now.getTime()) return hit.carriers;
  const rows = await db.shipment.groupBy({
    by: ["carrier"],
    where: { shopId, carrier: { not: null } },
    orderBy: { carrier: "asc" },
    take: 50,
  });
  const carriers = rows.map((r) => r.carrier).filter((c): c is string => !!c);
  if (carrierCache.size > 1000) carrierCache.clear();
  carrierCache.set(shopId, { until: now.getTime() + CARRIER_CACHE_MS, carriers });
  return carriers;
}

/**
 * One page of shipments, newest first ([shopId, createdAt] index, id as tie-breaker). The cursor is a
 * shipment id; "previous" walks backwards from it and the page is reversed back into display order.
 */
export async function listShipments(
  db: Db,
  shopId: string,
  f: ShipmentFilters,
  now: Date = new Date(),
  pageSize = PAGE_SIZE,
): Promise<ShipmentPage> {
  const where = await shipmentWhere(db, shopId, f, now);
  const backwards = f.direction === "previous" && !!f.cursor;
  const order: Prisma.ShipmentOrderByWithRelationInput[] = backwards
    ? [{ createdAt: "asc" }, { id: "asc" }]
    : [{ createdAt: "desc" }, { id: "desc" }];
  const [found, carrierRows] = await Promise.all([
    db.shipment.findMany({
      where,
      orderBy: order,
      take: pageSize + 1,
      ...(f.cursor ? { cursor: { id: f.cursor }, skip: 1 } : {}),
      select: listSelect,
    }),
    carrierChoices(db, shopId, now),
  ]);
  const more = found.length > pageSize;
  const page = found.slice(0, pageSize);
  if (backwards) page.reverse();
  const rows = page.map(toRow);
  const first = rows[0]?.id ?? null;
  const last = rows[rows.length - 1]?.id ?? null;
  return {
    rows,
    nextCursor: backwards ? (f.cursor ? last : null) : more ? last : null,
    previousCursor: backwards ? (more ? first : null) : f.cursor ? first : null,
    carriers: carrierRows,
  };
}

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
  timeline: TimelineEntry[];
  events: Array<{
    id: string;
    at: string;
    status: string;
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
): TimelineEntry[] {
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
    const scan = e.source === "fulfillment_event";
    if (!scan && (!info.known || info.stage === null)) continue;
    // Synthetic facts show only when they move the status forward (a label bought right after packing,
    // or a fulfillment update after the carrier's scans, is no new step for the shopper).
    const rank = info.subStatus ? subStatusRank(info.subStatus) : 0;
    if (!scan && rank <= furthest) continue;
    furthest = Math.max(furthest, rank);
    out.push({
      at: e.happenedAt.toISOString(),
      label: info.label,
      location: place(e),
      message: scan ? e.message : null,
    });
  }
  return out.reverse();
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
    timeline: buildTimeline(kind, events),
    events: events.map((e) => ({
      id: e.id,
      at: e.happenedAt.toISOString(),
      status: e.status,
      source: e.source,
      message: e.message,
      location: place(e),
      estimatedDeliveryAt: iso(e.estimatedDeliveryAt),
      dedupeKey: e.dedupeKey,
    })),
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
export async function orderTracking(db: Db, shopId: string, orderShopifyId: string) {
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
    statusLabel: subStatusLabel(order.subStatus),
    window:
      order.predictedStart && order.predictedEnd
        ? { start: order.predictedStart.toISOString(), end: order.predictedEnd.toISOString() }
        : null,
    shipments: order.shipments.map((s) => ({
      id: s.id,
      name: s.name,
      stage: s.stage,
      statusLabel: subStatusLabel(s.subStatus),
      carrier: s.carrier,
      trackingNumber: s.primaryTracking,
      delayed: s.delayed,
      lastLocation: s.lastLocation,
      timeline: buildTimeline(s.kind === "return" ? "return" : "outbound", s.events).slice(0, 10),
    })),
  };
}

/** The shipments list page: the filters of the URL, and whether any is set (the empty state differs). */
export async function shipmentsPage(shop: AdminShop, params: URLSearchParams, db: Db = appDb) {
  const filters = parseFilters(params);
  const page = await listShipments(db, shop.id, filters);
  const filtered = Object.entries(filters).some(([k, v]) => v !== undefined && k !== "cursor" && k !== "direction");
  return { page, filtered };
}

const resendSchema = z.object({
  intent: z.literal("resend"),
  ids: z
    .array(z.string().min(1).max(64))
    .min(1, "Select at least one shipment")
    .max(250, "Select at most 250 shipments"),
});

export interface ResendResult {
  ok: boolean;
  error: string | null;
  resent: number;
  failed: Array<{ id: string; error: string }>;
}

/** The list's bulk action: resend the current update of each selected shipment. */
export async function resendSelected(
  ctx: Pick<ShopContext, "shop" | "staff">,
  form: FormData,
  db: Db = appDb,
): Promise<ResendResult> {
  const parsed = resendSchema.safeParse({ intent: form.get("intent"), ids: form.getAll("ids") });
  if (!parsed.success)
    return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid request", resent: 0, failed: [] };
  const outcome = await resendCurrent(db, ctx.shop.id, parsed.data.ids, ctx.staff);
  return { ok: outcome.failed.length === 0, error: null, resent: outcome.ok, failed: outcome.failed };
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
): Promise<Response> {
  const id = orderNumericId(rawOrderId);
  if (!id) return ctx.cors(json({ error: "Invalid order id" }, { status: 400 }));
  const tracking = await orderTracking(db, ctx.shop.id, id);
  if (!tracking) return ctx.cors(json({ found: false }, { status: 404 }));
  return ctx.cors(json({ found: true, ...tracking, appUrl: `/app/shipments/${tracking.shipments[0]?.id ?? ""}` }));
}
