// The admin dashboard's figures for one shop and one date range. Every figure is an indexed count,
// groupBy or sum, or a merge of the daily roll-ups (DailyStat, LaneStat): nothing here scans raw
// history row by row, so the page stays fast with a million shipments and ten million events.
// Kept in one file beside the map of each figure to its index below (about 500 lines): a figure and
// the index it relies on are read together.
//
// Query map (index used):
//   shipments by stage            Shipment groupBy stage            [shopId, stage, updatedAt]
//   confirmed (stage 1) orders    Order count                        [shopId, stage, processedAt]
//   delayed                       Shipment count                     [shopId, delayed, stage]
//   attempted / failure           Shipment groupBy subStatus         [shopId, needsAttention]
//   no scan for N days            Shipment count                     [shopId, stage, lastEventAt]
//   on-time rate                  DailyStat delivered* sums when written, else Shipment count ×3
//                                 (stage 4, lastEventAt ≥ from narrows to the range's deliveries:
//                                 a delivery is a shipment's newest scan)
//                                                                    [shopId, stage, lastEventAt]
//   medians per carrier           LaneStat processing_hours / transit_hours histograms merged
//                                 over the range's days              [shopId, metric, day]
//   WISMO + cross-sell            DailyStat sums per metric          [shopId, metric, day]
//                                 (falls back to AnalyticsEvent groupBy kind [shopId, kind, createdAt]
//                                 for metrics that have no roll-up rows in the range)
//   attributed revenue            AttributedOrder aggregate          [shopId, createdAt]
//   notifications                 Notification groupBy channel×status×deliveryStatus with segment and click sums
//                                                                    [shopId, createdAt]
//   message click-throughs        DailyStat/AnalyticsEvent message_click, else Notification.clickCount sum
//   messages in doubt (live)      Notification count                 [shopId, errorKind, createdAt]
import appDb, { type Db, type Prisma } from "../db.server";
import { isNotDelivered } from "../notifications/rules/delivery-status";
import { type Histogram, fromJSON, merge, quantile } from "../intelligence/rules/histogram";
import type { Stage } from "../pipeline/rules/types";
import { carrierName } from "../intelligence/rules/bottlenecks";
import { type BottleneckFlag, loadBottlenecks } from "../intelligence/bottlenecks.server";
import { DAY_MS, dayKey } from "../lib/time";
import { inDoubtWhere } from "../notifications/outbox.server";
import { deadJobsWhere } from "./failures.server";
import type { AdminShop } from "./shop.server";

export interface DateRange {
  /** Inclusive start (00:00 UTC of the first day). */
  from: Date;
  /** Exclusive end (00:00 UTC of the day after the last day). */
  to: Date;
}

/**
 * Daily delivery roll-ups (DailyStat, dimension ""), read instead of counting shipments when present:
 * delivered (outbound deliveries that day), delivered_with_window (those with a promised window) and
 * delivered_on_time (delivered on or before the window's end). Nothing writes them yet: the pipeline
 * would increment them in the transaction that records the delivery.
 */
const EXCEPTION_SELECT = {
  id: true,
  name: true,
  carrier: true,
  delayed: true,
  subStatus: true,
  lastEventAt: true,
  lastLocation: true,
  order: { select: { name: true } },
} as const;
const EXCEPTION_ORDER = [{ lastEventAt: "asc" }, { id: "asc" }] as const;

/**
 * The ten longest-waiting exceptions. One query per kind of exception, each an ordered walk of its
 * own index that stops after ten rows, then merged: a single OR query cannot use an index for the
 * order and sorts every live exception (hundreds of thousands at a million shipments).
 */
async function oldestExceptions(db: Db, kinds: Prisma.ShipmentWhereInput[]) {
  const lists = await Promise.all(
    kinds.map((where) =>
      db.shipment.findMany({ where, orderBy: [...EXCEPTION_ORDER], take: 10, select: EXCEPTION_SELECT }),
    ),
  );
  const byId = new Map(lists.flat().map((s) => [s.id, s]));
  const time = (s: { lastEventAt: Date | null }) => s.lastEventAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  return [...byId.values()].sort((a, b) => time(a) - time(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).slice(0, 10);
}

export const DELIVERY_METRICS = ["delivered", "delivered_with_window", "delivered_on_time"] as const;

/** The analytics kinds the storefront records (AnalyticsEvent.kind = DailyStat.metric). */
export const ANALYTICS_METRICS = ["page_view", "lookup", "message_click", "rec_impression", "rec_click"] as const;
export type AnalyticsMetric = (typeof ANALYTICS_METRICS)[number];

/**
 * Share of tracking-page sessions, lookups and message click-throughs that would otherwise have
 * become a "where is my order?" ticket. Conservative, and shown to the merchant in the help text.
 */
export const TICKET_DEFLECTION_RATE = 0.25;

export interface ExceptionRow {
  id: string;
  orderName: string | null;
  carrier: string | null;
  reason: "delayed" | "attempted_delivery" | "failure" | "no_scan";
  lastEventAt: string | null;
  lastLocation: string | null;
}

export interface CarrierMedians {
  carrier: string;
  carrierName: string;
  orderToShipHours: number | null;
  orderToShipSamples: number;
  shipToDeliverHours: number | null;
  shipToDeliverSamples: number;
}

export interface ChannelCounts {
  channel: string;
  sent: number;
  failed: number;
  suppressed: number;
  other: number;
  /** Sent, but the provider reported it did not arrive (bounced, dropped, undelivered, failed): for support to act on. */
  notDelivered: number;
}

export interface Dashboard {
  range: { from: string; to: string; days: number };
  currency: string;
  costPerTicketCents: number;
  noScanAlertDays: number;
  byStage: Record<Stage, number>;
  exceptions: {
    delayed: number;
    attempted: number;
    failure: number;
    noScan: number;
    total: number;
    rows: ExceptionRow[];
  };
  onTime: { delivered: number; withWindow: number; onTime: number; rate: number | null };
  carriers: CarrierMedians[];
  wismo: {
    pageViews: number;
    lookups: number;
    messageClicks: number;
    interactions: number;
    ticketsAvoided: number;
    costAvoidedCents: number;
    deflectionRate: number;
  };
  crossSell: { impressions: number; clicks: number; clickRate: number | null; orders: number; revenueCents: number };
  /** inDoubt: live, not range-bound: messages the provider cannot confirm were sent (the failures page lists them). */
  notifications: { byChannel: ChannelCounts[]; smsSegments: number; total: number; inDoubt: number };
  pipeline: { failedReceipts: number; deadJobs: number; queued: number };
  bottlenecks: BottleneckFlag[];
}

/** Parses ?from=YYYY-MM-DD&to=YYYY-MM-DD (both inclusive days, UTC); default: the last 30 days. */
export function parseRange(params: URLSearchParams, now: Date, defaultDays = 30): DateRange {
  const day = (v: string | null) =>
    v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`))
      ? new Date(`${v}T00:00:00Z`)
      : null;
  const today = new Date(`${dayKey(now)}T00:00:00Z`);
  let to = day(params.get("to"));
  let from = day(params.get("from"));
  to = to ? new Date(to.getTime() + DAY_MS) : new Date(today.getTime() + DAY_MS);
  from = from ?? new Date(to.getTime() - defaultDays * DAY_MS);
  if (from >= to) from = new Date(to.getTime() - DAY_MS);
  // At most a year: every figure stays a bounded roll-up read.
  if (to.getTime() - from.getTime() > 366 * DAY_MS) from = new Date(to.getTime() - 366 * DAY_MS);
  return { from, to };
}

export function rangeDays(range: DateRange): string[] {
  const out: string[] = [];
  for (let t = range.from.getTime(); t < range.to.getTime(); t += DAY_MS) out.push(dayKey(new Date(t)));
  return out;
}

function medianOf(histograms: Histogram[]): { hours: number | null; samples: number } {
  if (histograms.length === 0) return { hours: null, samples: 0 };
  const m = merge(...histograms);
  return { hours: quantile(m, 0.5), samples: Math.round(m.n) };
}

export interface DashboardOptions {
  /**
   * Share the live figures (stages, exceptions, bottleneck flags: the reads that grow with the shop's
   * live shipments rather than with the date range) between loads for this long. The admin page uses
   * a few seconds, so a merchant switching date ranges does not recount a million shipments each time.
   */
  liveCacheMs?: number;
}

type LiveFigures = {
  confirmedOrders: number;
  stageRows: Array<{ stage: number; _count: { _all: number } }>;
  delayed: number;
  attentionRows: Array<{ subStatus: string; _count: { _all: number } }>;
  noScan: number;
  exceptionRows: Array<{
    id: string;
    name: string | null;
    carrier: string | null;
    delayed: boolean;
    subStatus: string;
    lastEventAt: Date | null;
    lastLocation: string | null;
    order: { name: string } | null;
  }>;
  bottlenecks: Awaited<ReturnType<typeof loadBottlenecks>>;
};
const liveCache = new Map<string, { until: number; value: LiveFigures }>();

export async function loadDashboard(
  db: Db,
  shopDomain: string,
  range: DateRange,
  now: Date = new Date(),
  options: DashboardOptions = {},
): Promise<Dashboard | null> {
  const shop = await db.shop.findUnique({
    where: { domain: shopDomain },
    select: { id: true, currency: true, costPerTicketCents: true, noScanAlertDays: true },
  });
  if (!shop) return null;
  const shopId = shop.id;
  const days = rangeDays(range);
  const firstDay = days[0]!;
  const lastDay = days[days.length - 1]!;
  const noScanBefore = new Date(now.getTime() - shop.noScanAlertDays * DAY_MS);
  const live = { cancelledAt: null, deliveredAt: null } as const;
  // Label created counts too: a parcel never scanned since its label is the most silent of all
  // (it may have no event time at all, so its label's time stands in).
  const silent: Prisma.ShipmentWhereInput[] = [
    { stage: 3, lastEventAt: { lt: noScanBefore } },
    { stage: 2, lastEventAt: { lt: noScanBefore } },
    { stage: 2, lastEventAt: null, labelCreatedAt: { lt: noScanBefore } },
  ];
  const noScanWhere: Prisma.ShipmentWhereInput = {
    shopId,
    OR: silent,
    cancelledAt: null,
    deliveredAt: null,
    delayed: false,
    kind: "outbound",
  };
  const deliveredWhere = {
    shopId,
    stage: 4,
    lastEventAt: { gte: range.from },
    deliveredAt: { gte: range.from, lt: range.to },
    kind: "outbound",
  };

  // Live figures (not range-bound): optionally shared for a few seconds between loads (see liveCacheMs).
  const liveKey = `${shopId}|${shop.noScanAlertDays}`;
  const cached = options.liveCacheMs ? liveCache.get(liveKey) : undefined;
  const liveFigures =
    cached && cached.until > now.getTime()
      ? cached.value
      : await (async () => {
          const [confirmedOrders, stageRows, delayed, attentionRows, noScan, exceptionRows, bottlenecks] =
            await Promise.all([
              db.order.count({ where: { shopId, stage: 1, cancelledAt: null } }),
              db.shipment.groupBy({ by: ["stage"], where: { shopId, cancelledAt: null }, _count: { _all: true } }),
              db.shipment.count({ where: { shopId, delayed: true, stage: { in: [2, 3, 4] }, ...live } }),
              db.shipment.groupBy({
                by: ["subStatus"],
                where: { shopId, needsAttention: true, ...live },
                _count: { _all: true },
              }),
              db.shipment.count({ where: noScanWhere }),
              oldestExceptions(db, [
                { shopId, ...live, delayed: true },
                { shopId, ...live, needsAttention: true },
                { shopId, ...live, OR: silent, kind: "outbound", delayed: false },
              ]),
              loadBottlenecks(db, shopId, now),
            ]);
          const value = { confirmedOrders, stageRows, delayed, attentionRows, noScan, exceptionRows, bottlenecks };
          if (options.liveCacheMs) {
            if (liveCache.size > 1000) liveCache.clear();
            liveCache.set(liveKey, { until: now.getTime() + options.liveCacheMs, value });
          }
          return value;
        })();
  const { confirmedOrders, stageRows, delayed, attentionRows, noScan, exceptionRows, bottlenecks } = liveFigures;

  // On-time figures: the daily delivery roll-up when the pipeline writes one (DELIVERY_METRICS), else
  // three indexed counts of the range's deliveries.
  const deliveryStats = await db.dailyStat.groupBy({
    by: ["metric"],
    where: { shopId, metric: { in: [...DELIVERY_METRICS] }, day: { gte: firstDay, lte: lastDay }, dimension: "" },
    _sum: { count: true },
  });
  const deliverySums = Object.fromEntries(deliveryStats.map((r) => [r.metric, Math.round(r._sum.count ?? 0)]));
  const rolledDelivery =
    deliverySums.delivered !== undefined
      ? {
          delivered: deliverySums.delivered,
          withWindow: deliverySums.delivered_with_window ?? 0,
          onTime: deliverySums.delivered_on_time ?? 0,
        }
      : null;

  const [
    delivered,
    withWindow,
    onTime,
    laneRows,
    statRows,
    attributed,
    notifRows,
    failedReceipts,
    deadJobs,
    queued,
    inDoubt,
  ] = await Promise.all([
    rolledDelivery ? null : db.shipment.count({ where: deliveredWhere }),
    rolledDelivery ? null : db.shipment.count({ where: { ...deliveredWhere, predictedEnd: { not: null } } }),
    rolledDelivery
      ? null
      : db.shipment.count({
          where: {
            ...deliveredWhere,
            predictedEnd: { not: null },
            deliveredAt: { gte: range.from, lt: range.to, lte: db.shipment.fields.predictedEnd },
          },
        }),
    db.laneStat.findMany({
      where: { shopId, metric: { in: ["processing_hours", "transit_hours"] }, day: { gte: firstDay, lte: lastDay } },
      select: { metric: true, carrier: true, histogram: true },
      take: 20_000,
    }),
    db.dailyStat.groupBy({
      by: ["metric"],
      where: { shopId, metric: { in: [...ANALYTICS_METRICS] }, day: { gte: firstDay, lte: lastDay }, dimension: "" },
      _sum: { count: true },
    }),
    db.attributedOrder.aggregate({
      where: { shopId, createdAt: { gte: range.from, lt: range.to } },
      _count: { _all: true },
      _sum: { revenueCents: true },
    }),
    // One pass over the range's notifications: counts, SMS segments and click-throughs together.
    db.notification.groupBy({
      by: ["channel", "status", "deliveryStatus"],
      where: { shopId, createdAt: { gte: range.from, lt: range.to } },
      _count: { _all: true },
      _sum: { segments: true, clickCount: true },
    }),
    db.webhookReceipt.count({ where: { shopDomain, status: "failed" } }),
    db.job.count({ where: deadJobsWhere(shopDomain) }),
    db.job.count({ where: { shopDomain, status: { in: ["queued", "running"] } } }),
    db.notification.count({ where: inDoubtWhere(shopId) }),
  ]);

  const onTimeFigures = rolledDelivery ?? {
    delivered: delivered ?? 0,
    withWindow: withWindow ?? 0,
    onTime: onTime ?? 0,
  };

  const byStage: Record<Stage, number> = { 1: confirmedOrders, 2: 0, 3: 0, 4: 0, 5: 0 };
  for (const r of stageRows) if (r.stage >= 2 && r.stage <= 5) byStage[r.stage as Stage] += r._count._all;
  const attention = Object.fromEntries(attentionRows.map((r) => [r.subStatus, r._count._all]));
  const attempted = attention.attempted_delivery ?? 0;
  const failure = attention.failure ?? 0;

  // Medians per carrier from the daily lane histograms.
  const lanes = new Map<string, { processing: Histogram[]; transit: Histogram[] }>();
  for (const r of laneRows) {
    let h: Histogram;
    try {
      h = fromJSON(r.histogram);
    } catch {
      continue;
    }
    const key = r.carrier.trim().toLowerCase();
    const lane = lanes.get(key) ?? { processing: [], transit: [] };
    (r.metric === "processing_hours" ? lane.processing : lane.transit).push(h);
    lanes.set(key, lane);
  }
  const carriers: CarrierMedians[] = [...lanes.entries()]
    .filter(([key]) => key !== "")
    .map(([key, l]) => {
      const p = medianOf(l.processing);
      const t = medianOf(l.transit);
      return {
        carrier: key,
        carrierName: carrierName(key),
        orderToShipHours: p.hours,
        orderToShipSamples: p.samples,
        shipToDeliverHours: t.hours,
        shipToDeliverSamples: t.samples,
      };
    })
    .sort((a, b) => b.shipToDeliverSamples - a.shipToDeliverSamples || a.carrier.localeCompare(b.carrier));
  // "All carriers": every lane merged (processing is mostly recorded per shop, carrier "", transit per
  // carrier), so its sample counts are the sums of the rows below it.
  if (lanes.size > 0) {
    const every = [...lanes.values()];
    const p = medianOf(every.flatMap((l) => l.processing));
    const t = medianOf(every.flatMap((l) => l.transit));
    carriers.unshift({
      carrier: "",
      carrierName: "All carriers",
      orderToShipHours: p.hours,
      orderToShipSamples: p.samples,
      shipToDeliverHours: t.hours,
      shipToDeliverSamples: t.samples,
    });
  }

  // Storefront analytics: the roll-up when it has rows, else an indexed count of the raw events.
  const analytics: Record<AnalyticsMetric, number> = {
    page_view: 0,
    lookup: 0,
    message_click: 0,
    rec_impression: 0,
    rec_click: 0,
  };
  const rolled = new Set<string>();
  for (const r of statRows) {
    analytics[r.metric as AnalyticsMetric] = Math.round(r._sum.count ?? 0);
    rolled.add(r.metric);
  }
  const missing = ANALYTICS_METRICS.filter((m) => !rolled.has(m));
  if (missing.length > 0) {
    const raw = await db.analyticsEvent.groupBy({
      by: ["kind"],
      where: { shopId, kind: { in: missing }, createdAt: { gte: range.from, lt: range.to } },
      _count: { _all: true },
    });
    for (const r of raw) analytics[r.kind as AnalyticsMetric] = r._count._all;
  }
  // Click-throughs from messages: the storefront's roll-up when it records them, else the per-message counter.
  if (analytics.message_click === 0)
    analytics.message_click = notifRows.reduce((a, r) => a + (r._sum.clickCount ?? 0), 0);
  const interactions = analytics.page_view + analytics.lookup + analytics.message_click;
  const ticketsAvoided = Math.round(interactions * TICKET_DEFLECTION_RATE);

  const channels = new Map<string, ChannelCounts>();
  let notifTotal = 0;
  for (const r of notifRows) {
    const c = channels.get(r.channel) ?? {
      channel: r.channel,
      sent: 0,
      failed: 0,
      suppressed: 0,
      other: 0,
      notDelivered: 0,
    };
    const n = r._count._all;
    notifTotal += n;
    if (r.status === "sent") {
      c.sent += n;
      if (isNotDelivered(r.deliveryStatus)) c.notDelivered += n; // a part of sent, not a status of its own
    } else if (r.status === "failed") c.failed += n;
    else if (r.status === "suppressed") c.suppressed += n;
    else c.other += n;
    channels.set(r.channel, c);
  }

  const exceptionList: ExceptionRow[] = exceptionRows.map((s) => ({
    id: s.id,
    orderName: s.order?.name ?? s.name,
    carrier: s.carrier,
    reason:
      s.subStatus === "failure"
        ? "failure"
        : s.subStatus === "attempted_delivery"
          ? "attempted_delivery"
          : s.delayed
            ? "delayed"
            : "no_scan",
    lastEventAt: s.lastEventAt?.toISOString() ?? null,
    lastLocation: s.lastLocation,
  }));

  return {
    range: { from: range.from.toISOString(), to: range.to.toISOString(), days: days.length },
    currency: shop.currency,
    costPerTicketCents: shop.costPerTicketCents,
    noScanAlertDays: shop.noScanAlertDays,
    byStage,
    exceptions: {
      delayed,
      attempted,
      failure,
      noScan,
      total: delayed + attempted + failure + noScan,
      rows: exceptionList,
    },
    onTime: {
      ...onTimeFigures,
      rate: onTimeFigures.withWindow > 0 ? onTimeFigures.onTime / onTimeFigures.withWindow : null,
    },
    carriers,
    wismo: {
      pageViews: analytics.page_view,
      lookups: analytics.lookup,
      messageClicks: analytics.message_click,
      interactions,
      ticketsAvoided,
      costAvoidedCents: ticketsAvoided * shop.costPerTicketCents,
      deflectionRate: TICKET_DEFLECTION_RATE,
    },
    crossSell: {
      impressions: analytics.rec_impression,
      clicks: analytics.rec_click,
      clickRate: analytics.rec_impression > 0 ? analytics.rec_click / analytics.rec_impression : null,
      orders: attributed._count._all,
      revenueCents: attributed._sum.revenueCents ?? 0,
    },
    notifications: {
      byChannel: [...channels.values()].sort((a, b) => a.channel.localeCompare(b.channel)),
      smsSegments: notifRows
        .filter((r) => r.channel === "sms" && r.status === "sent")
        .reduce((a, r) => a + (r._sum.segments ?? 0), 0),
      total: notifTotal,
      inDoubt,
    },
    pipeline: { failedReceipts, deadJobs, queued },
    bottlenecks: bottlenecks.flags,
  };
}

/** The overview page (app._index): the dashboard for ?from&to, and today for the date picker. */
export async function overviewPage(shop: AdminShop, params: URLSearchParams, now: Date = new Date(), db: Db = appDb) {
  const range = parseRange(params, now);
  // A few seconds of shared live figures: switching date ranges does not recount every live shipment.
  const dashboard = await loadDashboard(db, shop.domain, range, now, { liveCacheMs: 15_000 });
  return { dashboard, today: dayKey(now) };
}

/** The carrier bottlenecks page: every lane in transit, and the stalled ones. */
export async function bottlenecksPage(shop: AdminShop, db: Db = appDb) {
  return { result: await loadBottlenecks(db, shop.id), timeZone: shop.timezone };
}
