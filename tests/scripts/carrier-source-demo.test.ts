// The demo's carrier source: shipments Shopify never reports on move to delivered from signed pushes
// alone, through the app's own routes (here called in process), and the shopper is notified.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { handleCarrierPush } from "~/sources/push.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { receiverFor, SECRET, TEST_SHOP } from "../support/shopify-webhooks";
import { startCarrierSourceDemo } from "../../scripts/demo/carrier-source";

describe.each(providers)("the demo's carrier source on %s", (provider) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb(provider);
  });
  afterEach(async () => t.drop());

  it("moves its parcels through in transit, out for delivery and delivered from pushes only", async () => {
    await t.db.shop.create({ data: { domain: TEST_SHOP } });
    const worker = new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "demo-carrier" });
    const receive = receiverFor(t.db);
    const fetchFn = (async (url: string, init: RequestInit) => {
      const req = new Request(url, init);
      const m = /\/webhooks\/carriers\/easypost\/([^/]+)$/.exec(url);
      const res = m ? await handleCarrierPush(t.db, req, "easypost", m[1]!) : await receive(req);
      await worker.drain();
      return res;
    }) as typeof fetch;
    const demo = await startCarrierSourceDemo(
      { appUrl: "https://waypoint.test", shop: TEST_SHOP, db: t.db },
      { parcels: 2, stepMs: 1, secret: SECRET, fetchFn },
    );
    try {
      await demo.done;
      const shipments = await t.db.shipment.findMany({ where: { carrier: "Evri" }, include: { events: true } });
      expect(shipments).toHaveLength(2);
      for (const s of shipments) {
        expect(s).toMatchObject({ stage: 4, subStatus: "delivered" });
        expect(s.events.filter((e) => e.source === "fulfillment_event")).toEqual([]);
        expect(
          s.events
            .filter((e) => e.source === "easypost")
            .map((e) => e.status)
            .sort(),
        ).toEqual(["delivered", "in_transit", "out_for_delivery"]);
      }
      const notified = await t.db.notification.findMany({ where: { shipmentId: { in: shipments.map((s) => s.id) } } });
      expect(new Set(notified.map((n) => n.milestone))).toContain("delivered");
      expect(await t.db.sourceRegistration.count({ where: { status: "stopped" } })).toBe(2);
    } finally {
      await demo.stop();
    }
  });
});
