// A small smoke run of the benchmark harness (not the benchmarks): the load generator against the
// bare-HMAC ceiling, the fake providers, the dataset writer on a migrated SQLite copy, the lookup
// floor, the dashboard's query capture and replay, the Lighthouse page variants, and the table.
import crypto from "node:crypto";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDb } from "~/db.server";
import { startCeilingServer } from "../../bench/ceiling-server";
import { benchDashboard } from "../../bench/dashboard";
import { writeStories, type Dataset } from "../../bench/dataset";
import { startFakeProviders } from "../../bench/fake-providers";
import { webhookSet } from "../../bench/ingest";
import { formatTable, percentile, row, verdict } from "../../bench/lib";
import { withoutBlock } from "../../bench/lighthouse";
import { deliverWebhooks } from "../../bench/load";
import { floorLookups } from "../../bench/lookup";
import { DEMO_SHOP } from "../../scripts/simulator/generator";
import { renderTrackingPage } from "../../scripts/demo/storefront";

const files: string[] = [];
afterAll(() => {
  for (const f of files) for (const s of ["", "-wal", "-shm"]) fs.rmSync(f + s, { force: true });
});

describe("bench harness (smoke)", () => {
  it("percentiles and the table", () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(Number.isNaN(percentile([], 99))).toBe(true);
    const t = formatTable([
      row({
        id: "x",
        metric: "Thing",
        value: 12.5,
        unit: "ms",
        baseline: 25,
        baselineLabel: "floor",
        target: "< 30 ms",
        verdict: verdict(true),
      }),
    ]);
    expect(t).toContain("| Thing");
    expect(t).toContain("0.50×");
    expect(t).toContain("PASS");
  });

  it("drives the bare-HMAC ceiling with the simulator's signed webhooks", async () => {
    const secret = crypto.randomBytes(16).toString("hex");
    const server = await startCeilingServer(0, secret);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const hooks = webhookSet(40, "smoke");
      expect(new Set(hooks.map((h) => h.webhookId)).size).toBe(40);
      const ok = await deliverWebhooks({ baseUrl: url, secret, webhooks: hooks, concurrency: 4, rate: 400 });
      expect(ok.requests).toBe(40);
      expect(ok.byStatus[200]).toBe(40);
      expect(ok.p99).toBeGreaterThan(0);
      const forged = await deliverWebhooks({
        baseUrl: url,
        secret: "wrong",
        webhooks: hooks.slice(0, 3),
        concurrency: 2,
      });
      expect(forged.byStatus[401]).toBe(3);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("the fake providers log SendGrid and Twilio requests", async () => {
    const fakes = await startFakeProviders();
    try {
      const mail = await fetch(`${fakes.sendgridUrl}/v3/mail/send`, {
        method: "POST",
        body: JSON.stringify({
          custom_args: { waypoint_notification_id: "n1" },
          personalizations: [{ to: [{ email: "a@b.c" }] }],
        }),
      });
      expect(mail.status).toBe(202);
      const sms = await fetch(`${fakes.twilioUrl}/2010-04-01/Accounts/AC1/Messages.json`, {
        method: "POST",
        body: new URLSearchParams({ To: "+15551234567", Body: "hi" }),
      });
      expect(sms.status).toBe(201);
      expect(fakes.requests.map((r) => [r.provider, r.notificationId ?? r.body])).toEqual([
        ["sendgrid", "n1"],
        ["twilio", "hi"],
      ]);
    } finally {
      await fakes.close();
    }
  });

  it("writes a small dataset, runs the lookup floor and replays the dashboard's queries", async () => {
    const file = path.join(os.tmpdir(), `waypoint-bench-smoke-${crypto.randomUUID()}.sqlite`);
    files.push(file);
    fs.copyFileSync(inject("sqliteTemplate"), file);
    const db = createDb(`file:${file}`);
    const shop = await db.shop.create({ data: { domain: DEMO_SHOP } });
    await db.$disconnect();
    const w = writeStories(file, { seed: "smoke", shopId: shop.id, shipments: 60 });
    expect(w.shipments).toBeGreaterThanOrEqual(60);
    expect(w.events).toBeGreaterThan(w.shipments);

    const check = createDb(`file:${file}`);
    const orders = await check.order.findMany({
      where: { email: { not: null } },
      select: { orderNumber: true, name: true, email: true },
      take: 10,
    });
    expect(await check.shipment.count()).toBe(w.shipments);
    await check.$disconnect();
    const times = floorLookups(
      file,
      shop.id,
      orders.map((o) => ({ orderNumber: o.orderNumber, name: o.name, email: o.email ?? "" })),
    );
    expect(times).toHaveLength(orders.length);

    const dataset: Dataset = {
      file,
      url: `file:${file}`,
      shop: DEMO_SHOP,
      shipments: w.shipments,
      orders: w.orders,
      events: w.events,
      cached: false,
      buildMs: 0,
    };
    const rows = await benchDashboard(dataset, { repeats: 1 });
    expect(rows.length).toBeGreaterThan(10);
    expect(rows[0]?.id).toBe("dashboard.page");
    expect(rows.every((r) => r.value !== null && r.value >= 0)).toBe(true);
  });

  it("removes the block (and only the block) from the demo storefront page", async () => {
    const page = await renderTrackingPage({
      shopName: "Smoke",
      heading: null,
      primaryColor: "#111111",
      accentColor: "#222222",
      logoUrl: null,
      font: "serif",
    });
    const bare = withoutBlock(page);
    expect(page).toContain("tracking.css");
    expect(bare).not.toContain("tracking.css");
    expect(bare).not.toContain("tracking.js");
    expect(bare).toContain('<header class="site">');
  });
});
