// The worker bench's storm and the template reference server (bench/worker.ts, bench/template-server.ts):
// the storm keeps every webhook, repeats some with their own webhook ids and moves some later; the
// template server verifies with the real @shopify/shopify-api and stores the receipt through Prisma.
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startTemplateServer } from "../../bench/template-server";
import { stormWebhooks } from "../../bench/scale-out";
import { stormDeliveries } from "../../bench/worker";
import { webhookHeaders, webhookPath } from "../../scripts/simulator/signer";
import { freshDb, type TestDb } from "../support/db";

describe("the worker bench's storm", () => {
  it("delivers every webhook, about 3% twice with the same webhook id, some out of order", () => {
    const hooks = stormWebhooks(40);
    const deliveries = stormDeliveries(hooks);
    const ids = deliveries.map((d) => d.webhookId);
    expect(new Set(ids)).toEqual(new Set(hooks.map((h) => h.webhookId)));
    const repeats = deliveries.length - hooks.length;
    expect(repeats).toBeGreaterThan(0);
    expect(repeats).toBeLessThan(hooks.length * 0.08);
    const firstSeen = [...new Set(ids)];
    expect(firstSeen).not.toEqual(hooks.map((h) => h.webhookId)); // reordered
    expect(stormDeliveries(hooks)).toEqual(deliveries); // the same storm every run
  });
});

describe("the template reference server", () => {
  let t: TestDb | null = null;
  afterEach(async () => {
    await t?.drop();
    t = null;
  });

  it("answers 200 and stores the receipt for a signed webhook, 401 for a bad signature", async () => {
    t = await freshDb("sqlite");
    const secret = "template-secret";
    const server = await startTemplateServer(0, secret, t.url);
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const [w] = stormWebhooks(1);
      const post = (s: string) =>
        fetch(new URL(webhookPath(w!.topic), base), { method: "POST", headers: webhookHeaders(w!, s), body: w!.body });
      expect((await post(secret)).status).toBe(200);
      expect((await post("wrong")).status).toBe(401);
      const rows = await t.db.webhookReceipt.findMany();
      // The library's form of the topic (ORDERS_CREATE), as the template's routes see it.
      const topic = w!.topic.toUpperCase().replace("/", "_");
      expect(rows.map((r) => [r.webhookId, r.topic, r.rawBody])).toEqual([[w!.webhookId, topic, w!.body]]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
