// The tracking pipeline end to end on a real database: signed webhooks through the receiver, the
// durable queue, the worker, the state machine and the outbox, on SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "~/db.server";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { replayReceipt } from "~/pipeline/receipts.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook, TEST_SHOP } from "../support/shopify-webhooks";

type Payload = Record<string, unknown>;

describe.each(providers)("tracking pipeline on %s", (provider) => {
  let t: TestDb;
  let clock: Date;
  let worker: Worker;
  let receive: (r: Request) => Promise<Response>;

  beforeEach(async () => {
    t = await freshDb(provider);
    clock = new Date(Date.now() + 60_000); // jobs enqueued by the receiver are due at real time
    worker = new Worker(t.db, jobHandlers, { now: () => clock, id: "test-worker" });
    receive = receiverFor(t.db);
  });
  afterEach(async () => t.drop());

  async function post(topic: string, payload: unknown, opts: Parameters<typeof signedWebhook>[2] = {}) {
    return receive(signedWebhook(topic, payload, opts));
  }

  const order = () => fixture("orders-create.1001");
  const upsFulfillment = () => fixture("fulfillments-create.1001.1-ups");
  const uspsFulfillment = () => fixture("fulfillments-create.1001.2-usps");
  const inTransit = () => fixture("fulfillment_events-create.1001.1-in_transit");
  const delivered = () => fixture("fulfillment_events-create.1001.1-delivered");

  describe("the webhook route", () => {
    it("answers 401 to a bad signature and stores nothing", async () => {
      const res = await post("orders/create", order(), { secret: "not-the-secret" });
      expect(res.status).toBe(401);
      expect(await t.db.webhookReceipt.count()).toBe(0);
      expect(await t.db.job.count()).toBe(0);
    });

    it("answers 400 naming the missing header and stores nothing", async () => {
      const res = await post("orders/create", order(), { omitHeaders: ["X-Shopify-Webhook-Id"] });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/webhook-id/i);
      expect(await t.db.webhookReceipt.count()).toBe(0);
    });

    it("persists the raw receipt and its job together, and ignores a redelivery", async () => {
      const body = JSON.stringify(order());
      const first = await post("orders/create", null, { webhookId: "wh-1", rawBody: body });
      const again = await post("orders/create", null, { webhookId: "wh-1", rawBody: body });
      expect([first.status, again.status]).toEqual([200, 200]);
      const receipts = await t.db.webhookReceipt.findMany();
      expect(receipts).toHaveLength(1);
      expect(receipts[0]).toMatchObject({
        webhookId: "wh-1",
        topic: "orders/create",
        shopDomain: TEST_SHOP,
        rawBody: body,
        status: "received",
      });
      expect(await t.db.job.count({ where: { kind: "webhook.process" } })).toBe(1);
    });

    it("answers 503 when the database is unreachable, so Shopify retries", async () => {
      const down = createDb("postgresql://nobody:nothing@127.0.0.1:1/none");
      const res = await receiverFor(down)(signedWebhook("orders/create", order()));
      expect(res.status).toBe(503);
      await down.$disconnect();
    });
  });

  describe("processing", () => {
    it("turns an order's story into stages, events, transitions and domain events", async () => {
      await post("orders/create", order());
      await post("fulfillments/create", upsFulfillment());
      await post("fulfillments/create", uspsFulfillment());
      await post("fulfillment_events/create", inTransit());
      await worker.drain();

      const o = await t.db.order.findFirstOrThrow({
        include: { shipments: { orderBy: { shopifyFulfillmentId: "asc" } } },
      });
      expect(o.name).toBe("#1001");
      expect(o.shipments).toHaveLength(2);
      const ups = o.shipments.find((s) => s.shopifyFulfillmentId === "5678901234567")!;
      expect(ups).toMatchObject({
        stage: 3,
        subStatus: "in_transit",
        lastLocation: expect.stringContaining("Hodgkins"),
      });
      expect(ups.carrierEdd?.toISOString()).toBe("2026-11-21T01:00:00.000Z");
      expect((ups.trackingNumbers as string[]).length).toBeGreaterThanOrEqual(2);
      expect(await t.db.trackingNumber.count({ where: { shipmentId: ups.id } })).toBe(
        (ups.trackingNumbers as string[]).length,
      );
      expect(o.stage).toBe(3);

      const transitions = await t.db.stageTransition.findMany({
        where: { shipmentId: ups.id },
        orderBy: { at: "asc" },
      });
      expect(transitions.map((x) => x.toStatus)).toEqual(["label_created", "in_transit"]);
      expect(transitions[1]!.cause).toMatch(/in_transit/);
      const events = await t.db.job.findMany({ where: { kind: "tracking.stage_changed" } });
      expect(events.length).toBe(await t.db.stageTransition.count());
      expect(await t.db.job.count({ where: { kind: "tracking.order_confirmed" } })).toBe(1);
      expect(await t.db.webhookReceipt.count({ where: { status: "processed" } })).toBe(4);
    });

    it("ends in the same state whatever the arrival order, and duplicates add nothing", async () => {
      // Reverse order: delivered scan, in-transit scan, fulfillment, then the order itself, each twice.
      const sequence: [string, Payload][] = [
        ["fulfillment_events/create", delivered()],
        ["fulfillment_events/create", inTransit()],
        ["fulfillments/create", upsFulfillment()],
        ["orders/create", order()],
      ];
      for (const [topic, payload] of [...sequence, ...sequence]) await post(topic, payload);
      await worker.drain();

      const s = await t.db.shipment.findFirstOrThrow({ where: { shopifyFulfillmentId: "5678901234567" } });
      expect(s).toMatchObject({ stage: 4, subStatus: "delivered", delayed: false });
      expect(s.orderId).not.toBeNull(); // events that came before their order found it
      expect(s.deliveredAt?.toISOString()).toBe(new Date(delivered().happened_at as string).toISOString());
      const keys = (await t.db.trackingEvent.findMany({ where: { shipmentId: s.id } })).map((e) => e.dedupeKey);
      expect(new Set(keys).size).toBe(keys.length);
      // The late, older in-transit scan never announced a step backwards.
      const statuses = (await t.db.stageTransition.findMany({ where: { shipmentId: s.id } })).map((x) => x.toStatus);
      expect(statuses).not.toContain("in_transit");
      expect(statuses.at(-1)).toBe("delivered");
      // Announced once the order arrived (there was no one to tell before), exactly once.
      expect(
        await t.db.notification.count({ where: { shipmentId: s.id, milestone: "delivered", channel: "email" } }),
      ).toBe(1);
    });

    it("keeps a bad payload as a failed receipt, dead-letters it at once (it can never parse), and replays", async () => {
      await post("orders/create", null, { rawBody: "{not json", webhookId: "bad-1" });
      await worker.drain();
      let receipt = await t.db.webhookReceipt.findUniqueOrThrow({ where: { webhookId: "bad-1" } });
      expect(receipt.status).toBe("failed");
      expect(receipt.error).toMatch(/JSON/);
      const job = await t.db.job.findFirstOrThrow({ where: { kind: "webhook.process" } });
      expect(job).toMatchObject({ status: "dead", attempts: 1 });
      expect(job.lastError).toMatch(/JSON/);

      // Fix the stored body (as if the payload were corrected) and replay from the admin.
      await t.db.webhookReceipt.update({ where: { id: receipt.id }, data: { rawBody: JSON.stringify(order()) } });
      expect(await replayReceipt(t.db, receipt.id)).toBe(true);
      await worker.drain();
      receipt = await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: receipt.id } });
      expect(receipt.status).toBe("processed");
      expect(await t.db.order.count()).toBe(1);
    });

    it("drives a return through stage 5 on its own shipment", async () => {
      await post("orders/create", order());
      await post("fulfillments/create", upsFulfillment());
      await post("fulfillment_events/create", delivered());
      const triggered = (iso: string) => ({ triggeredAt: iso });
      await post("returns/request", fixture("returns-request.1001-R1"), triggered("2026-11-22T10:00:00Z"));
      await post("returns/approve", fixture("returns-approve.1001-R1"), triggered("2026-11-22T11:00:00Z"));
      await post(
        "reverse_deliveries/attach_deliverable",
        fixture("reverse_deliveries-attach_deliverable.1001-R1"),
        triggered("2026-11-22T11:05:00Z"),
      );
      await worker.drain();

      const ret = await t.db.shipment.findFirstOrThrow({ where: { kind: "return" }, include: { returnCase: true } });
      expect(ret.stage).toBe(5);
      expect(ret.subStatus).toBe("return_label_created");
      expect(ret.primaryTracking).toBeTruthy();
      expect(ret.returnCase?.status).toBe("approved");
      const outbound = await t.db.shipment.findFirstOrThrow({ where: { kind: "outbound" } });
      expect(outbound.subStatus).toBe("delivered"); // the return has its own shipment
      expect((await t.db.order.findFirstOrThrow()).stage).toBe(5);

      await post("refunds/create", fixture("refunds-create.1001-R1"));
      await worker.drain();
      const refunded = await t.db.shipment.findFirstOrThrow({
        where: { kind: "return" },
        include: { returnCase: true },
      });
      expect(refunded.subStatus).toBe("refunded");
      expect(refunded.returnCase?.refundCents).toBeGreaterThan(0);
    });
  });

  describe("compliance and uninstall", () => {
    async function seed() {
      await post("orders/create", order());
      await post("fulfillments/create", upsFulfillment());
      await post("fulfillment_events/create", inTransit());
      await worker.drain();
    }

    it("customers/data_request assembles the customer's orders for the merchant", async () => {
      await seed();
      await post("customers/data_request", fixture("customers-data_request"), { webhookId: "dr-1" });
      await worker.drain();
      const req = await t.db.complianceRequest.findUniqueOrThrow({ where: { webhookId: "dr-1" } });
      const result = req.result as { orders: { name: string; email: string; shipments: { events: unknown[] }[] }[] };
      expect(req.status).toBe("completed");
      expect(result.orders.map((o) => o.name)).toEqual(["#1001"]);
      expect(result.orders[0]!.email).toBe((await t.db.order.findFirstOrThrow()).email);
      expect(result.orders[0]!.shipments[0]!.events.length).toBeGreaterThan(0);
    });

    it("customers/redact removes the customer's personal data everywhere", async () => {
      await seed();
      await post("customers/redact", fixture("customers-redact"));
      await worker.drain();
      const o = await t.db.order.findFirstOrThrow();
      expect(o).toMatchObject({ email: null, phone: null, customerFirstName: null, shipZip: null, shipCity: null });
      expect(o.redactedAt).not.toBeNull();
      expect(await t.db.trackingEvent.count({ where: { zip: { not: null } } })).toBe(0);
      // A later orders/updated for the same order does not bring the data back.
      await post("orders/updated", { ...order(), updated_at: "2026-12-01T00:00:00-05:00" });
      await worker.drain();
      expect((await t.db.order.findFirstOrThrow()).email).toBeNull();
    });

    it("app/uninstalled stops the shop and deletes sessions but keeps data until shop/redact", async () => {
      await seed();
      await t.db.session.create({ data: { id: "offline_x", shop: TEST_SHOP, state: "s", accessToken: "tok" } });
      await post("app/uninstalled", fixture("app-uninstalled"));
      await worker.drain();
      expect(await t.db.session.count()).toBe(0);
      expect((await t.db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } })).status).toBe("uninstalled");
      expect(await t.db.order.count()).toBe(1);

      await post("shop/redact", fixture("shop-redact"));
      await worker.drain();
      expect(await t.db.shop.count()).toBe(0);
      expect(await t.db.order.count()).toBe(0);
      expect(await t.db.trackingEvent.count()).toBe(0);
      expect(await t.db.webhookReceipt.count({ where: { topic: { not: "shop/redact" } } })).toBe(0);
    });
  });
});
