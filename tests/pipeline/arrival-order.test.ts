// Out-of-order delivery end to end: one order's story, from orders/create to its return's label,
// delivered in many different orders (one webhook processed at a time). Every order must end in the
// same state as the story told in order; a return that arrives before its order, or an order that
// arrives last, must still show the order in stage 5.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook } from "../support/shopify-webhooks";
import { emptyDatabase } from "./stories";

const STORY: [topic: string, fixture: string, triggeredAt?: string][] = [
  ["orders/create", "orders-create.1001"],
  ["fulfillments/create", "fulfillments-create.1001.1-ups"],
  ["fulfillment_events/create", "fulfillment_events-create.1001.1-delivered"],
  ["returns/request", "returns-request.1001-R1", "2026-11-22T10:00:00Z"],
  ["returns/approve", "returns-approve.1001-R1", "2026-11-22T11:00:00Z"],
  ["reverse_deliveries/attach_deliverable", "reverse_deliveries-attach_deliverable.1001-R1", "2026-11-22T11:05:00Z"],
];
const IN_ORDER = "012345";

// Instead of a sample of the 720 orders: nine in which every three of the six webhooks arrive in each
// of their six relative orders (a 3-way sequence covering array, found greedily and checked below).
// Among them the story backwards: the order last, every event before what it is about.
const ORDERS = ["543210", "210543", "340512", "135024", "245013", "042315", "512340", "031425"];

/** Every ordered triple of distinct webhooks that `order` delivers in that relative order. */
function triples(order: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < order.length; i++)
    for (let j = i + 1; j < order.length; j++)
      for (let k = j + 1; k < order.length; k++) out.push(order[i]! + order[j]! + order[k]!);
  return out;
}

describe("the chosen arrival orders", () => {
  it("put every three webhooks of the story in each of their relative orders", () => {
    const covered = new Set([IN_ORDER, ...ORDERS].flatMap(triples));
    const digits = [...IN_ORDER];
    const all = digits
      .flatMap((a) => digits.flatMap((b) => digits.map((c) => a + b + c)))
      .filter((t) => new Set(t).size === 3);
    expect(all).toHaveLength(120);
    expect(all.filter((t) => !covered.has(t))).toEqual([]);
    for (const o of ORDERS) expect([...o].sort().join(""), o).toBe(IN_ORDER);
  });
});

describe.each(providers)("one order's story in any order, on %s", (provider) => {
  // One database for every telling, emptied before each.
  let t: TestDb;
  let inOrder: Awaited<ReturnType<typeof tell>>;

  async function tell(order: string) {
    await emptyDatabase(t.db);
    const worker = new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "order-test" });
    const receive = receiverFor(t.db);
    for (const i of order) {
      const [topic, name, triggeredAt] = STORY[Number(i)]!;
      expect((await receive(signedWebhook(topic, fixture(name), triggeredAt ? { triggeredAt } : {}))).status).toBe(200);
      // Every job, the domain events' too, before the next webhook arrives.
      await worker.drain();
    }
    const o = await t.db.order.findFirstOrThrow({
      include: { shipments: { orderBy: { kind: "asc" } }, returnCases: true },
    });
    return {
      order: [o.stage, o.subStatus],
      shipments: o.shipments.map((s) => [s.kind, s.stage, s.subStatus, s.primaryTracking]),
      returnCases: o.returnCases.map((c) => c.status),
    };
  }

  beforeAll(async () => {
    t = await freshDb(provider);
    inOrder = await tell(IN_ORDER);
  });
  afterAll(async () => t?.drop());

  it("the story told in order ends with the return's label created", () => {
    expect(inOrder.order).toEqual([5, "return_label_created"]);
  });

  it.each(ORDERS)("told as %s, it ends where the story told in order ends", async (order) => {
    expect(await tell(order)).toEqual(inOrder);
  });
});
