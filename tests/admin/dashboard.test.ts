// The dashboard's figures over a shop built from signed webhooks, on SQLite and PostgreSQL: each
// figure equals what a direct count of the data says, and the roll-ups are preferred when present.
import { formatDays } from "~/components/format";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDashboard, parseRange, TICKET_DEFLECTION_RATE } from "~/admin/dashboard.server";
import { loadBottlenecks } from "~/intelligence/bottlenecks.server";
import { dayKey } from "~/lib/time";
import { freshDb, providers, type TestDb } from "../support/db";
import { buildStory, STORY_SHOP, type Story } from "../support/admin-story";

const DAY = 86_400_000;

describe.each(providers)("dashboard on %s", (provider) => {
  let t: TestDb;
  let story: Story;

  beforeAll(async () => {
    t = await freshDb(provider);
    story = await buildStory(t.db);
  });
  afterAll(async () => t.drop());

  const range = () => parseRange(new URLSearchParams(), story.now);

  it("parses ranges as inclusive UTC days, defaulting to the last 30", () => {
    const now = new Date("2026-11-25T13:00:00Z");
    const r = parseRange(new URLSearchParams({ from: "2026-11-01", to: "2026-11-10" }), now);
    expect(r.from.toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(r.to.toISOString()).toBe("2026-11-11T00:00:00.000Z");
    const d = parseRange(new URLSearchParams({ from: "nonsense" }), now);
    expect(d.to.toISOString()).toBe("2026-11-26T00:00:00.000Z");
    expect((d.to.getTime() - d.from.getTime()) / DAY).toBe(30);
    const reversed = parseRange(new URLSearchParams({ from: "2026-11-10", to: "2026-11-01" }), now);
    expect(reversed.from < reversed.to).toBe(true);
  });

  it("counts shipments by stage as the database holds them", async () => {
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    const shipments = await t.db.shipment.groupBy({
      by: ["stage"],
      where: { shopId: story.shopId, cancelledAt: null },
      _count: { _all: true },
    });
    const byStage = Object.fromEntries(shipments.map((r) => [r.stage, r._count._all]));
    expect(d.byStage[1]).toBe(await t.db.order.count({ where: { shopId: story.shopId, stage: 1 } }));
    expect(d.byStage[1]).toBe(1); // #2009, not shipped yet
    for (const stage of [2, 3, 4] as const) expect(d.byStage[stage]).toBe(byStage[stage] ?? 0);
    expect(d.byStage[4]).toBe(5); // three delivered, one attempted, one failed
  });

  it("lists exceptions needing action: delayed, attempted, failed and no scan for N days", async () => {
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    expect(d.exceptions).toMatchObject({ delayed: 1, attempted: 1, failure: 1, noScan: 1, total: 4 });
    expect(d.exceptions.rows.map((r) => r.orderName).sort()).toEqual(["#2003", "#2004", "#2005", "#2006"]);
    expect(d.exceptions.rows.find((r) => r.orderName === "#2003")?.reason).toBe("no_scan");
    // The threshold is the shop's setting.
    await t.db.shop.update({ where: { id: story.shopId }, data: { noScanAlertDays: 6 } });
    const later = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    expect(later.exceptions.noScan).toBe(0);
    await t.db.shop.update({ where: { id: story.shopId }, data: { noScanAlertDays: 4 } });
  });

  it("counts a parcel still at label created, never scanned, as silent", async () => {
    const before = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!.exceptions.noScan;
    const silent = await t.db.shipment.create({
      data: {
        shopId: story.shopId,
        kind: "outbound",
        stage: 2,
        subStatus: "label_created",
        labelCreatedAt: new Date(story.now.getTime() - 6 * DAY),
        createdAt: new Date(story.now.getTime() - 6 * DAY),
      },
    });
    try {
      const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
      expect(d.exceptions.noScan).toBe(before + 1);
    } finally {
      await t.db.shipment.delete({ where: { id: silent.id } });
    }
  });

  it("computes the on-time rate against the promised window", async () => {
    // The counting path (no roll-up rows yet); the story edits windows after delivery, which the
    // roll-ups written at delivery time would not see.
    await t.db.dailyStat.deleteMany({ where: { shopId: story.shopId, metric: { startsWith: "delivered" } } });
    const r = range();
    const d = (await loadDashboard(t.db, STORY_SHOP, r, story.now))!;
    const delivered = await t.db.shipment.findMany({
      where: { shopId: story.shopId, kind: "outbound", deliveredAt: { gte: r.from, lt: r.to } },
      select: { deliveredAt: true, predictedEnd: true },
    });
    const withWindow = delivered.filter((s) => s.predictedEnd);
    const onTime = withWindow.filter((s) => s.deliveredAt! <= s.predictedEnd!);
    expect(d.onTime).toEqual({
      delivered: delivered.length,
      withWindow: withWindow.length,
      onTime: onTime.length,
      rate: onTime.length / withWindow.length,
    });
    expect(delivered).toHaveLength(3);
    // #2001 came inside its window, #2007 after it.
    expect(onTime.length).toBeGreaterThanOrEqual(1);
    expect(withWindow.length - onTime.length).toBeGreaterThanOrEqual(1);
  });

  it("prefers the daily delivery roll-up for the on-time rate once it is written", async () => {
    const day = dayKey(story.now);
    await t.db.dailyStat.deleteMany({ where: { shopId: story.shopId, metric: { startsWith: "delivered" } } });
    await t.db.dailyStat.createMany({
      data: [
        { shopId: story.shopId, day, metric: "delivered", count: 40 },
        { shopId: story.shopId, day, metric: "delivered_with_window", count: 32 },
        { shopId: story.shopId, day, metric: "delivered_on_time", count: 24 },
      ],
    });
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    expect(d.onTime).toEqual({ delivered: 40, withWindow: 32, onTime: 24, rate: 0.75 });
    await t.db.dailyStat.deleteMany({ where: { shopId: story.shopId } });
  });

  it("shares live figures between loads only when asked to", async () => {
    const first = (await loadDashboard(t.db, STORY_SHOP, range(), story.now, { liveCacheMs: 60_000 }))!;
    await t.db.shipment.update({
      where: { id: story.shipmentIdByOrder.get(2002)! },
      data: { delayed: true, delayReason: "carrier" },
    });
    const cached = (await loadDashboard(t.db, STORY_SHOP, range(), story.now, { liveCacheMs: 60_000 }))!;
    const fresh = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    expect(cached.exceptions.delayed).toBe(first.exceptions.delayed);
    expect(fresh.exceptions.delayed).toBe(first.exceptions.delayed + 1);
    await t.db.shipment.update({
      where: { id: story.shipmentIdByOrder.get(2002)! },
      data: { delayed: false, delayReason: null },
    });
  });

  it("reads carrier medians from the lane roll-ups", async () => {
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    const all = d.carriers.find((c) => c.carrier === "")!;
    expect(all.orderToShipSamples).toBe(5);
    expect(all.orderToShipHours).toBeGreaterThan(18);
    expect(all.orderToShipHours).toBeLessThan(22);
    const ups = d.carriers.find((c) => c.carrier === "ups")!;
    expect(ups).toMatchObject({ carrierName: "UPS", shipToDeliverSamples: 5 });
    expect(ups.shipToDeliverHours!).toBeGreaterThan(45);
    expect(ups.shipToDeliverHours!).toBeLessThan(55);
    // "All carriers" is every lane together: its counts are the rows' sums (it showed 2 deliveries beside rows of 46).
    const rows = d.carriers.filter((c) => c.carrier !== "");
    expect(all.shipToDeliverSamples).toBe(rows.reduce((a, c) => a + c.shipToDeliverSamples, 0));
    expect(all.shipToDeliverSamples).toBeGreaterThan(0);
    expect(all.shipToDeliverHours).not.toBeNull();
  });

  it("shows durations in one unit per column (days, one decimal), never hours beside days", () => {
    expect([formatDays(20), formatDays(24), formatDays(50), formatDays(200), formatDays(null)]).toEqual([
      "0.8 days",
      "1.0 day",
      "2.1 days",
      "8.3 days",
      "—",
    ]);
  });

  it("estimates WISMO deflection with the shop's cost per ticket, from raw events or the roll-up", async () => {
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    const interactions = 9 + 4 + 3;
    expect(d.wismo).toMatchObject({ pageViews: 9, lookups: 4, messageClicks: 3, interactions });
    expect(d.wismo.ticketsAvoided).toBe(Math.round(interactions * TICKET_DEFLECTION_RATE));
    expect(d.wismo.costAvoidedCents).toBe(d.wismo.ticketsAvoided * 600);
    expect(d.crossSell).toMatchObject({ impressions: 12, clicks: 5, orders: 1, revenueCents: 4_599 });

    // Once the storefront writes the daily roll-up for a metric, the dashboard reads it instead.
    await t.db.dailyStat.create({
      data: { shopId: story.shopId, day: dayKey(story.now), metric: "page_view", count: 120 },
    });
    const rolled = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    expect(rolled.wismo.pageViews).toBe(120);
    expect(rolled.wismo.lookups).toBe(4);
    await t.db.dailyStat.deleteMany({ where: { shopId: story.shopId } });
  });

  it("counts notifications per channel and status, and SMS segments", async () => {
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    const rows = await t.db.notification.findMany({
      where: { shopId: story.shopId },
      select: { channel: true, status: true, segments: true },
    });
    for (const channel of ["email", "sms"]) {
      const of = (status: string) => rows.filter((n) => n.channel === channel && n.status === status).length;
      const counts = d.notifications.byChannel.find((c) => c.channel === channel)!;
      expect(counts).toMatchObject({
        sent: of("sent"),
        failed: of("failed"),
        suppressed: of("suppressed"),
        // queued, deferred, sending, drafts: what is not yet sent, failed or suppressed
        other: rows.filter((n) => n.channel === channel && !["sent", "failed", "suppressed"].includes(n.status)).length,
      });
      // Each message in one column (a sent message was also counted as "pending or other").
      expect(counts.sent + counts.failed + counts.suppressed + counts.other).toBe(
        rows.filter((n) => n.channel === channel).length,
      );
    }
    const sms = d.notifications.byChannel.find((c) => c.channel === "sms")!;
    expect(sms.sent).toBeGreaterThanOrEqual(1);
    expect(sms.suppressed).toBeGreaterThanOrEqual(1);
    expect(d.notifications.byChannel.find((c) => c.channel === "email")!.failed).toBeGreaterThanOrEqual(1);
    expect(d.notifications.smsSegments).toBe(
      rows.filter((n) => n.channel === "sms" && n.status === "sent").reduce((a, n) => a + (n.segments ?? 0), 0),
    );
    expect(d.notifications.total).toBe(rows.length);
  });

  it("counts sent messages the provider reported not delivered (bounced, dropped, undelivered, failed), per channel", async () => {
    const sent = await t.db.notification.findMany({
      where: { shopId: story.shopId, status: "sent" },
      orderBy: { channel: "asc" },
    });
    const email = sent.find((n) => n.channel === "email")!;
    const sms = sent.find((n) => n.channel === "sms")!;
    await t.db.notification.update({
      where: { id: email.id },
      data: { deliveryStatus: "bounced", deliveryError: "bounce 5.1.1" },
    });
    await t.db.notification.update({ where: { id: sms.id }, data: { deliveryStatus: "delivered" } });
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    expect(d.notifications.byChannel.find((c) => c.channel === "email")!.notDelivered).toBe(1);
    expect(d.notifications.byChannel.find((c) => c.channel === "sms")!.notDelivered).toBe(0);
    expect(d.notifications.byChannel.find((c) => c.channel === "email")!.sent).toBe(
      sent.filter((n) => n.channel === "email").length,
    ); // still counted as sent
    await t.db.notification.updateMany({
      where: { id: { in: [email.id, sms.id] } },
      data: { deliveryStatus: null, deliveryError: null },
    });
  });

  it("counts the messages in doubt, live (not range-bound), this shop's only", async () => {
    // The story's failed email (a config error) is not in doubt.
    expect((await loadDashboard(t.db, STORY_SHOP, range(), story.now))!.notifications.inDoubt).toBe(0);
    const order = await t.db.order.findFirstOrThrow({ where: { shopId: story.shopId, orderNumber: 2002 } });
    const other = await t.db.shop.create({ data: { domain: "dashboard-other.myshopify.com", name: "Other" } });
    const otherOrder = await t.db.order.create({
      data: {
        shopId: other.id,
        shopifyId: "other-1",
        name: "#1",
        orderNumber: 1,
        processedAt: story.now,
        factsAt: story.now,
      },
    });
    const inDoubt = (shopId: string, orderId: string, key: string, createdAt: Date) =>
      t.db.notification.create({
        data: {
          shopId,
          orderId,
          channel: "email",
          milestone: "shipped",
          idempotencyKey: key,
          status: "failed",
          errorKind: "in_doubt",
          error: "in_doubt: test",
          createdAt,
        },
      });
    const created = [
      await inDoubt(story.shopId, order.id, "doubt-recent", new Date(story.now.getTime() - DAY)),
      await inDoubt(story.shopId, order.id, "doubt-old", new Date(story.now.getTime() - 400 * DAY)), // outside the range: still counted
      await inDoubt(other.id, otherOrder.id, "doubt-other", story.now),
    ];
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    expect(d.notifications.inDoubt).toBe(2);
    const past = (await loadDashboard(
      t.db,
      STORY_SHOP,
      { from: new Date(story.now.getTime() - 400 * DAY), to: new Date(story.now.getTime() - 300 * DAY) },
      story.now,
    ))!;
    expect(past.notifications.inDoubt).toBe(2);
    await t.db.notification.deleteMany({ where: { id: { in: created.map((n) => n.id) } } });
    await t.db.shop.delete({ where: { id: other.id } });
  });

  it("excludes what falls outside the date range", async () => {
    const past = { from: new Date(story.now.getTime() - 400 * DAY), to: new Date(story.now.getTime() - 300 * DAY) };
    const d = (await loadDashboard(t.db, STORY_SHOP, past, story.now))!;
    expect(d.notifications.total).toBe(0);
    expect(d.wismo.interactions).toBe(0);
    expect(d.crossSell.revenueCents).toBe(0);
    expect(d.onTime.delivered).toBe(0);
    expect(d.carriers).toEqual([]);
    expect(d.byStage[3]).toBeGreaterThan(0); // live figures do not depend on the range
  });

  it("reports pipeline failures and the bottleneck flags", async () => {
    const d = (await loadDashboard(t.db, STORY_SHOP, range(), story.now))!;
    expect(d.pipeline.failedReceipts).toBe(1);
    // The send that Twilio refused. The unparseable webhook's processing job is dead too (permanent: dead
    // at once), but it is counted with its receipt (failedReceipts), as the failures page shows it.
    expect(d.pipeline.deadJobs).toBe(1);
    expect(await t.db.job.count({ where: { shopDomain: STORY_SHOP, status: "dead", kind: "webhook.process" } })).toBe(
      1,
    );
    expect(d.bottlenecks).toHaveLength(1);
    expect(d.bottlenecks[0]).toMatchObject({ carrier: "ups", region: "US-OH", shipments: 12 });
    expect(d.bottlenecks[0]!.fastest).toMatchObject({ carrier: "fedex", shipments: 10 });
    expect(d.bottlenecks[0]!.sentence).toMatch(/UPS is stalling in Ohio.*FedEx is fastest there now: consider it/);
  });

  it("gives the bottlenecks page every lane with its verdict", async () => {
    const b = await loadBottlenecks(t.db, story.shopId, story.now);
    expect(b.lanes.map((l) => [l.carrier, l.region, l.stalling])).toEqual([
      ["fedex", "US-OH", false],
      ["ups", "US-OH", true],
    ]);
    expect(b.truncated).toBe(false);
  });

  it("answers null for a shop that is not installed", async () => {
    expect(await loadDashboard(t.db, "nobody.myshopify.com", range(), story.now)).toBeNull();
  });
});
