// Every figure on the dashboard against the database: each card's number is computed here again,
// independently, in SQL (no Prisma query builder, no code of the loader's), over a shop built by the
// real pipeline (signed webhooks, the worker) plus what the other services store. A figure that
// counts something twice, misses a filter or mixes shops shows up as a difference.
import { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDashboard, parseRange, TICKET_DEFLECTION_RATE, type Dashboard } from "~/admin/dashboard.server";
import { DAY_MS } from "~/lib/time";
import { buildStory, STORY_SHOP, type Story } from "../support/admin-story";
import { freshDb, providers, type TestDb } from "../support/db";

describe.each(providers)("dashboard figures against SQL on %s", (provider) => {
  let t: TestDb;
  let story: Story;
  let d: Dashboard;
  let range: ReturnType<typeof parseRange>;

  const count = async (query: Prisma.Sql): Promise<number> => {
    const rows = await t.db.$queryRaw<{ n: bigint | number | null }[]>(query);
    return Number(rows[0]?.n ?? 0);
  };
  const rows = <T>(query: Prisma.Sql) => t.db.$queryRaw<T[]>(query);
  /** SQLite returns DateTime columns as text through raw queries, PostgreSQL as Date. */
  const time = (v: unknown): number | null => (v === null || v === undefined ? null : new Date(v as string).getTime());

  beforeAll(async () => {
    t = await freshDb(provider);
    story = await buildStory(t.db);
    // A second shop's rows must never leak into this one's figures.
    await t.db.shop.create({ data: { domain: "other-shop.myshopify.com" } });
    range = parseRange(new URLSearchParams(), story.now);
    d = (await loadDashboard(t.db, STORY_SHOP, range, story.now))!;
  });
  afterAll(async () => t.drop());

  it("shipments by stage: confirmed orders, then live shipments per stage", async () => {
    const shopId = story.shopId;
    const confirmed = await count(
      Prisma.sql`SELECT COUNT(*) AS n FROM "Order" WHERE "shopId" = ${shopId} AND "stage" = 1 AND "cancelledAt" IS NULL`,
    );
    const perStage = await rows<{ stage: number; n: bigint | number }>(
      Prisma.sql`SELECT "stage", COUNT(*) AS n FROM "Shipment" WHERE "shopId" = ${shopId} AND "cancelledAt" IS NULL GROUP BY "stage"`,
    );
    const expected = { 1: confirmed, 2: 0, 3: 0, 4: 0, 5: 0 } as Record<number, number>;
    for (const r of perStage) if (r.stage >= 2) expected[Number(r.stage)] = Number(r.n);
    expect(d.byStage).toEqual(expected);
    expect(Object.values(d.byStage).reduce((a, b) => a + b, 0)).toBeGreaterThan(5);
  });

  it("exceptions: delayed, attempted, failed and no scan for N days, each once", async () => {
    const shopId = story.shopId;
    const live = Prisma.sql`"shopId" = ${shopId} AND "cancelledAt" IS NULL AND "deliveredAt" IS NULL`;
    const delayed = await count(
      Prisma.sql`SELECT COUNT(*) AS n FROM "Shipment" WHERE ${live} AND "delayed" = TRUE AND "stage" IN (2, 3, 4)`,
    );
    const attention = await rows<{ subStatus: string; n: bigint | number }>(
      Prisma.sql`SELECT "subStatus", COUNT(*) AS n FROM "Shipment" WHERE ${live} AND "needsAttention" = TRUE GROUP BY "subStatus"`,
    );
    const silent = await rows<{ lastEventAt: unknown }>(
      Prisma.sql`SELECT "lastEventAt" FROM "Shipment" WHERE ${live} AND "stage" = 3 AND "delayed" = FALSE AND "kind" = 'outbound'`,
    );
    const before = story.now.getTime() - d.noScanAlertDays * DAY_MS;
    const noScan = silent.filter((r) => (time(r.lastEventAt) ?? Infinity) < before).length;
    const by = Object.fromEntries(attention.map((r) => [r.subStatus, Number(r.n)]));
    const expected = {
      delayed,
      attempted: by.attempted_delivery ?? 0,
      failure: by.failure ?? 0,
      noScan,
    };
    expect(d.exceptions).toMatchObject({
      ...expected,
      total: delayed + expected.attempted + expected.failure + noScan,
    });
    expect(d.exceptions.total).toBeGreaterThan(0);
  });

  it("on time: the delivery roll-up's sums over the range, or without it the range's deliveries and their promises", async () => {
    const inRangeDays = (day: string) =>
      day >= range.from.toISOString().slice(0, 10) && day < range.to.toISOString().slice(0, 10);
    const rolled = await rows<{ metric: string; day: string; count: number }>(
      Prisma.sql`SELECT "metric", "day", "count" FROM "DailyStat" WHERE "shopId" = ${story.shopId} AND "dimension" = '' AND "metric" LIKE 'delivered%'`,
    );
    const sum = (metric: string) =>
      rolled.filter((r) => r.metric === metric && inRangeDays(r.day)).reduce((a, r) => a + Number(r.count), 0);
    expect(rolled.length).toBeGreaterThan(0); // the pipeline writes it at delivery
    expect(d.onTime).toMatchObject({
      delivered: sum("delivered"),
      withWindow: sum("delivered_with_window"),
      onTime: sum("delivered_on_time"),
    });

    // Without the roll-up (a shop from before it existed): counted from the shipments. The story
    // edits promises after delivery, which the roll-up written at delivery time does not see.
    await t.db.$executeRaw(
      Prisma.sql`DELETE FROM "DailyStat" WHERE "shopId" = ${story.shopId} AND "metric" LIKE 'delivered%'`,
    );
    const counted = (await loadDashboard(t.db, STORY_SHOP, range, story.now))!;
    const delivered = await rows<{ deliveredAt: unknown; predictedEnd: unknown }>(
      Prisma.sql`SELECT "deliveredAt", "predictedEnd" FROM "Shipment" WHERE "shopId" = ${story.shopId} AND "stage" = 4 AND "kind" = 'outbound' AND "deliveredAt" IS NOT NULL`,
    );
    const inRange = delivered.filter((r) => {
      const at = time(r.deliveredAt)!;
      return at >= range.from.getTime() && at < range.to.getTime();
    });
    const withWindow = inRange.filter((r) => r.predictedEnd !== null);
    const onTime = withWindow.filter((r) => time(r.deliveredAt)! <= time(r.predictedEnd)!);
    expect(counted.onTime).toEqual({
      delivered: inRange.length,
      withWindow: withWindow.length,
      onTime: onTime.length,
      rate: withWindow.length ? onTime.length / withWindow.length : null,
    });
    expect(withWindow.length - onTime.length).toBeGreaterThan(0); // a late one, so on time is not everything
  });

  it("WISMO deflection and cross-sell from the storefront's events and attributed orders", async () => {
    const events = await rows<{ kind: string; createdAt: unknown }>(
      Prisma.sql`SELECT "kind", "createdAt" FROM "AnalyticsEvent" WHERE "shopId" = ${story.shopId}`,
    );
    const stats = await rows<{ metric: string; day: string; count: number }>(
      Prisma.sql`SELECT "metric", "day", "count" FROM "DailyStat" WHERE "shopId" = ${story.shopId} AND "dimension" = ''`,
    );
    const days = new Set<string>();
    for (let x = range.from.getTime(); x < range.to.getTime(); x += DAY_MS)
      days.add(new Date(x).toISOString().slice(0, 10));
    const of = (kind: string) => {
      const rolled = stats.filter((s) => s.metric === kind && days.has(s.day));
      if (rolled.length) return rolled.reduce((a, s) => a + Number(s.count), 0);
      return events.filter(
        (e) => e.kind === kind && time(e.createdAt)! >= range.from.getTime() && time(e.createdAt)! < range.to.getTime(),
      ).length;
    };
    const clicksOnMessages = await count(
      Prisma.sql`SELECT SUM("clickCount") AS n FROM "Notification" WHERE "shopId" = ${story.shopId}`,
    );
    const messageClicks = of("message_click") || clicksOnMessages;
    const interactions = of("page_view") + of("lookup") + messageClicks;
    const shop = (
      await rows<{ costPerTicketCents: number }>(
        Prisma.sql`SELECT "costPerTicketCents" FROM "Shop" WHERE "id" = ${story.shopId}`,
      )
    )[0]!;
    const tickets = Math.round(interactions * TICKET_DEFLECTION_RATE);
    expect(d.wismo).toMatchObject({
      pageViews: of("page_view"),
      lookups: of("lookup"),
      messageClicks,
      interactions,
      ticketsAvoided: tickets,
      costAvoidedCents: tickets * Number(shop.costPerTicketCents),
    });
    expect(interactions).toBeGreaterThan(0);

    const attributed = await rows<{ revenueCents: number; createdAt: unknown }>(
      Prisma.sql`SELECT "revenueCents", "createdAt" FROM "AttributedOrder" WHERE "shopId" = ${story.shopId}`,
    );
    const inRange = attributed.filter(
      (a) => time(a.createdAt)! >= range.from.getTime() && time(a.createdAt)! < range.to.getTime(),
    );
    expect(d.crossSell).toMatchObject({
      impressions: of("rec_impression"),
      clicks: of("rec_click"),
      orders: inRange.length,
      revenueCents: inRange.reduce((a, r) => a + Number(r.revenueCents), 0),
    });
  });

  it("messages per channel: each message counted once, in its status", async () => {
    const list = await rows<{ channel: string; status: string; createdAt: unknown; segments: number | null }>(
      Prisma.sql`SELECT "channel", "status", "createdAt", "segments" FROM "Notification" WHERE "shopId" = ${story.shopId}`,
    );
    const inRange = list.filter(
      (n) => time(n.createdAt)! >= range.from.getTime() && time(n.createdAt)! < range.to.getTime(),
    );
    const byChannel = new Map<string, { sent: number; failed: number; suppressed: number; other: number }>();
    for (const n of inRange) {
      const c = byChannel.get(n.channel) ?? { sent: 0, failed: 0, suppressed: 0, other: 0 };
      if (n.status === "sent" || n.status === "failed" || n.status === "suppressed") c[n.status] += 1;
      else c.other += 1;
      byChannel.set(n.channel, c);
    }
    const shown = Object.fromEntries(
      d.notifications.byChannel.map((c) => [
        c.channel,
        { sent: c.sent, failed: c.failed, suppressed: c.suppressed, other: c.other },
      ]),
    );
    expect(shown).toEqual(Object.fromEntries(byChannel));
    expect(d.notifications.total).toBe(inRange.length);
    expect(d.notifications.smsSegments).toBe(
      inRange
        .filter((n) => n.channel === "sms" && n.status === "sent")
        .reduce((a, n) => a + Number(n.segments ?? 0), 0),
    );
    expect(inRange.length).toBeGreaterThan(0);
  });

  it("pipeline health: failed webhooks, dead jobs and the queue, this shop's only", async () => {
    const failed = await count(
      Prisma.sql`SELECT COUNT(*) AS n FROM "WebhookReceipt" WHERE "shopDomain" = ${STORY_SHOP} AND "status" = 'failed'`,
    );
    // A dead receipt-processing job is its failed webhook (counted there), not a dead job of its own.
    const dead = await count(
      Prisma.sql`SELECT COUNT(*) AS n FROM "Job" WHERE "shopDomain" = ${STORY_SHOP} AND "status" = 'dead' AND "kind" <> 'webhook.process'`,
    );
    const queued = await count(
      Prisma.sql`SELECT COUNT(*) AS n FROM "Job" WHERE "shopDomain" = ${STORY_SHOP} AND "status" IN ('queued', 'running')`,
    );
    expect(d.pipeline).toEqual({ failedReceipts: failed, deadJobs: dead, queued });
    expect(failed).toBe(1); // the story's unparseable webhook
  });
});
