// The admin's shipments list: a filtered, searchable, cursor-paginated read model scoped to the shop,
// bounded (take) and batched (relations are loaded with `select`, which Prisma resolves with one IN
// query per relation, never one per row); the page and its bulk resend. One shipment's page is
// shipment-detail.server.ts.
import { z } from "zod";
import appDb, { type Db, type Prisma } from "../db.server";
import { resendCurrent } from "./notifications.server";
import type { AdminShop, ShopContext } from "./shop.server";
import { cleanTrackingNumber } from "../pipeline/rules/carriers";
import { subStatusLabel } from "../pipeline/rules/stages";
import { DAY_MS } from "../lib/time";

export const PAGE_SIZE = 25;

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
