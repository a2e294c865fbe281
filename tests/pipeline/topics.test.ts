// Every topic Waypoint subscribes to, as Shopify documents it, through the receiver and the worker:
// each receipt ends processed, and the whole story (in any arrival order) gives the same state.
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { SUPPORTED_TOPICS } from "~/pipeline/payloads";
import { FIXTURE_NAMES, FIXTURES, fixtureText, type FixtureName } from "../../scripts/simulator/payloads";
import { freshDb, providers, type TestDb } from "../support/db";
import { receiverFor, signedWebhook } from "../support/shopify-webhooks";

const LIFECYCLE = FIXTURE_NAMES.filter((n) => !/^(shop-redact|customers-redact|app-uninstalled)/.test(n));

async function deliver(t: TestDb, names: readonly FixtureName[], webhookPrefix = "") {
  const receive = receiverFor(t.db);
  for (const name of names) {
    const meta = FIXTURES[name];
    const res = await receive(
      signedWebhook(meta.topic, null, { rawBody: fixtureText(name), triggeredAt: meta.triggeredAt, webhookId: webhookPrefix + meta.webhookId }),
    );
    expect(res.status, name).toBe(200);
  }
  await new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000) }).drain();
}

/** What a shopper or the admin could observe, without ids or wall-clock times. */
async function snapshot(t: TestDb) {
  const shipments = await t.db.shipment.findMany({ include: { returnCase: { select: { shopifyReturnId: true } } } });
  const identity = (s: (typeof shipments)[number]) => `${s.kind}:${s.shopifyFulfillmentId ?? s.returnCase?.shopifyReturnId}`;
  shipments.sort((a, b) => identity(a).localeCompare(identity(b)));
  const orders = await t.db.order.findMany({ orderBy: { name: "asc" } });
  return {
    orders: orders.map((o) => [o.name, o.stage, o.subStatus, o.cancelledAt?.toISOString() ?? null]),
    shipments: shipments.map((s) => [identity(s), s.stage, s.subStatus, s.delayed, s.carrier, s.primaryTracking, s.deliveredAt?.toISOString() ?? null]),
    events: await t.db.trackingEvent.count(),
  };
}

describe.each(providers)("every subscribed topic on %s", (provider) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb(provider);
  });
  afterEach(async () => t.drop());

  it("has a fixture for each topic and processes every one of them", async () => {
    const covered = new Set(FIXTURE_NAMES.map((n) => FIXTURES[n].topic));
    expect([...SUPPORTED_TOPICS].filter((topic) => !covered.has(topic))).toEqual([]);
    await deliver(t, FIXTURE_NAMES);
    const receipts = await t.db.webhookReceipt.findMany({ select: { topic: true, status: true, error: true } });
    expect(receipts.filter((r) => r.status !== "processed")).toEqual([]);
    expect(await t.db.job.count({ where: { status: "dead" } })).toBe(0);
  });
});

describe("arrival order never changes the outcome (sqlite)", () => {
  it("any permutation of the fixture story, with duplicates, ends in the same state", async () => {
    const reference = await freshDb("sqlite");
    await deliver(reference, LIFECYCLE);
    const expected = await snapshot(reference);
    await reference.drop();
    expect(expected.shipments.length).toBeGreaterThanOrEqual(3);

    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([...LIFECYCLE], { minLength: LIFECYCLE.length }), fc.subarray([...LIFECYCLE]), async (order, dupes) => {
        const t = await freshDb("sqlite");
        try {
          await deliver(t, order);
          await deliver(t, dupes, "dup-"); // redeliveries under new webhook ids: facts dedupe by identity
          expect(await snapshot(t)).toEqual(expected);
        } finally {
          await t.drop();
        }
      }),
      { numRuns: 6, seed: 20261125 },
    );
  });
});
