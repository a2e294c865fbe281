// Row 2: event-to-provider-request latency. The production server with its inline worker, the app's
// SendGrid and Twilio accounts pointed at local fakes; new orders arrive as signed orders/create
// webhooks at a steady rate, and each order's latency runs from the moment its webhook was
// acknowledged to the moment its confirmation email's request reached the fake SendGrid.
import { createDb } from "../app/db.server";
import { createGenerator, DEMO_SHOP, type SimWebhook } from "../scripts/simulator/generator";
import { log, memoryOf, percentile, row, type Row, sleep, verdict } from "./lib";
import { deliverWebhooks } from "./load";
import { providerEnv, startFakeProviders } from "./fake-providers";
import { type BenchSecrets, freshSqlite, startAppServer } from "./servers";

export interface NotifyOptions {
  rate: number;
  orders: number;
  secrets: BenchSecrets;
  onPeakRss?: (label: string, mb: number) => void;
}

export function newOrderWebhooks(count: number, seed: string): SimWebhook[] {
  const gen = createGenerator({ seed, seedOrders: 100_000, spanDays: 30 });
  const out: SimWebhook[] = [];
  for (let i = 0; i < count; i++) {
    const create = gen.story(i).webhooks.find((w) => w.topic === "orders/create");
    if (create) out.push({ ...create, at: new Date() });
  }
  return out;
}

export async function benchNotify(o: NotifyOptions): Promise<Row[]> {
  const databaseUrl = freshSqlite("notify");
  const db = createDb(databaseUrl);
  await db.shop.create({
    data: {
      domain: DEMO_SHOP,
      name: "Bench Outfitters",
      contactEmail: "help@bench.example",
      timezone: "America/New_York",
    },
  });
  const fakes = await startFakeProviders();
  const app = await startAppServer({ databaseUrl, secrets: o.secrets, worker: "inline", env: providerEnv(fakes) });
  const hooks = newOrderWebhooks(o.orders, "bench-notify");
  const shopifyIdOf = new Map<number, string>();
  const gen = createGenerator({ seed: "bench-notify", seedOrders: 100_000, spanDays: 30 });
  const acceptedAt = new Map<string, number>();
  try {
    for (const w of hooks) shopifyIdOf.set(w.orderIndex, gen.story(w.orderIndex).orderId);
    log(`notify: ${hooks.length} new orders at ${o.rate}/s through the inline worker to the fake SendGrid...`);
    await deliverWebhooks({
      baseUrl: app.url,
      secret: o.secrets.SHOPIFY_API_SECRET,
      webhooks: hooks,
      concurrency: 16,
      rate: o.rate,
      onDelivered: (w, status, at) => {
        if (status === 200) acceptedAt.set(shopifyIdOf.get(w.orderIndex) ?? "", at);
      },
    });
    // Wait for every confirmation to reach the provider (or give up after 60 s).
    const deadline = Date.now() + 60_000;
    while (fakes.requests.filter((r) => r.provider === "sendgrid").length < acceptedAt.size && Date.now() < deadline)
      await sleep(200);
    const mem = memoryOf(app.child.pid ?? 0);
    if (mem) o.onPeakRss?.("notify (inline worker)", mem.peakMb);
  } finally {
    await app.stop();
    await fakes.close();
  }
  const notifications = await db.notification.findMany({
    select: { id: true, channel: true, milestone: true, order: { select: { shopifyId: true } } },
  });
  await db.$disconnect();
  const orderOf = new Map(notifications.map((n) => [n.id, n.order.shopifyId]));
  const firstSend = new Map<string, number>();
  for (const r of fakes.requests) {
    const order = r.notificationId ? orderOf.get(r.notificationId) : undefined;
    if (order && !firstSend.has(order)) firstSend.set(order, r.at);
  }
  const latencies: number[] = [];
  for (const [order, accepted] of acceptedAt) {
    const sent = firstSend.get(order);
    if (sent !== undefined) latencies.push(sent - accepted);
  }
  const missing = acceptedAt.size - latencies.length;
  const p50 = percentile(latencies, 50);
  const p95 = percentile(latencies, 95);
  log(
    `notify: ${latencies.length}/${acceptedAt.size} confirmations reached SendGrid; p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`,
  );
  return [
    row({
      id: "notify.p95",
      metric: `Event → provider request p95 (orders/create → SendGrid, ${o.rate} orders/s, inline worker, SQLite; p50 ${p50.toFixed(0)} ms)`,
      value: p95,
      unit: "ms",
      baseline: null,
      baselineLabel: "",
      target: "p95 < 2000 ms",
      verdict: verdict(p95 < 2000 && missing === 0),
      note: missing
        ? `${missing} of ${acceptedAt.size} accepted orders had no provider request within 60 s`
        : undefined,
    }),
  ];
}
