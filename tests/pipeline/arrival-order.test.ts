// Out-of-order delivery end to end: one order's story, from orders/create to its return's label,
// delivered in many different orders (one webhook processed at a time). Every order must end in the
// same state as the story told in order; a return that arrives before its order, or an order that
// arrives last, must still show the order in stage 5.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook } from "../support/shopify-webhooks";

const STORY: [topic: string, fixture: string, triggeredAt?: string][] = [
  ["orders/create", "orders-create.1001"],
  ["fulfillments/create", "fulfillments-create.1001.1-ups"],
  ["fulfillment_events/create", "fulfillment_events-create.1001.1-delivered"],
  ["returns/request", "returns-request.1001-R1", "2026-11-22T10:00:00Z"],
  ["returns/approve", "returns-approve.1001-R1", "2026-11-22T11:00:00Z"],
  ["reverse_deliveries/attach_deliverable", "reverse_deliveries-attach_deliverable.1001-R1", "2026-11-22T11:05:00Z"],
];

function* permutations<T>(items: T[]): Generator<T[]> {
  if (items.length <= 1) {
    yield items;
    return;
  }
  for (let i = 0; i < items.length; i++) {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) yield [items[i]!, ...rest];
  }
}

describe.each(providers)("one order's story in any order, on %s", (provider) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await freshDb(provider);
  });
  afterAll(async () => t.drop());

  async function tell(order: number[]) {
    // Deleting the shop deletes everything of it; the first webhook creates it again.
    await t.db.shop.deleteMany();
    await t.db.job.deleteMany();
    await t.db.webhookReceipt.deleteMany();
    const worker = new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "order-test" });
    const receive = receiverFor(t.db);
    for (const i of order) {
      const [topic, name, triggeredAt] = STORY[i]!;
      expect((await receive(signedWebhook(topic, fixture(name), triggeredAt ? { triggeredAt } : {}))).status).toBe(200);
      await worker.drain();
    }
    const o = await t.db.order.findFirstOrThrow({ include: { shipments: { orderBy: { kind: "asc" } }, returnCases: true } });
    return {
      order: [o.stage, o.subStatus],
      shipments: o.shipments.map((s) => [s.kind, s.stage, s.subStatus, s.primaryTracking]),
      returnCases: o.returnCases.map((c) => c.status),
    };
  }

  it("ends where the story told in order ends, whatever order its webhooks arrive in", async () => {
    const inOrder = await tell([0, 1, 2, 3, 4, 5]);
    expect(inOrder.order).toEqual([5, "return_label_created"]);
    const all = [...permutations([0, 1, 2, 3, 4, 5])];
    // A fixed spread of the 720 orders (every 24th), and the story told backwards (the order last).
    const sample = [...all.filter((_, k) => k % 24 === 5), [5, 4, 3, 2, 1, 0]];
    for (const p of sample) expect(await tell(p), p.join("")).toEqual(inOrder);
  }, 120_000);
});
