// A return on its shipment's admin page, from Shopify's own webhooks through the real pipeline: the
// journey with dates, the label to print, the refund, the items with their reasons; SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { orderTracking, shipmentDetail } from "~/admin/shipment-detail.server";
import { returnCaseView } from "~/admin/return-case.server";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook } from "../support/shopify-webhooks";

describe.each(providers)("return case for staff on %s", (provider) => {
  let t: TestDb;
  let worker: Worker;

  async function post(topic: string, payload: unknown) {
    expect((await receiverFor(t.db)(signedWebhook(topic, payload))).status).toBe(200);
  }
  const returnShipment = async () => t.db.shipment.findFirstOrThrow({ where: { kind: "return" } });

  beforeEach(async () => {
    t = await freshDb(provider);
    worker = new Worker(t.db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "return-case-test" });
    await post("orders/create", fixture("orders-create.1001"));
    await post("fulfillments/create", fixture("fulfillments-create.1001.1-ups"));
    await post("returns/request", fixture("returns-request.1001-R1"));
    await worker.drain();
  });
  afterEach(async () => t.drop());

  it("shows the case before any label, then the label, the refund and what comes back with its reason", async () => {
    const s = await returnShipment();
    let rc = (await returnCaseView(t.db, s.shopId, s.id))!;
    expect(rc).toMatchObject({
      name: "#1001-R1",
      caseStatus: "requested",
      parcel: false,
      labelUrl: null,
      refund: null,
    });
    expect(rc.steps.map((x) => `${x.label}:${x.state}`)).toEqual([
      "Requested:done",
      "Approved:current",
      "Label:todo",
      "On its way back:todo",
      "Received:todo",
      "Refunded:todo",
    ]);
    expect(rc.items).toEqual([
      {
        title: expect.any(String),
        quantity: 1,
        reason: "Changed their mind",
        reasonNote: null,
        customerNote: "Ordered two by mistake — only need one.",
      },
    ]);
    expect(rc.items[0]!.title).not.toBe("Item no longer on the order");

    await post("returns/approve", fixture("returns-approve.1001-R1"));
    await post("reverse_deliveries/attach_deliverable", fixture("reverse_deliveries-attach_deliverable.1001-R1"));
    await post("refunds/create", fixture("refunds-create.1001-R1"));
    await worker.drain();
    const detail = (await shipmentDetail(t.db, s.shopId, s.id))!;
    rc = detail.returnCase!;
    expect(rc).toMatchObject({
      parcel: true,
      labelUrl: expect.stringMatching(/^https:\/\/cdn\.shopify\.com\/.+return-label-1001-R1\.pdf/),
      refund: { amountCents: 13706, currency: "USD", at: "2026-11-28T15:05:33.000Z" },
    });
    expect(rc.steps.find((x) => x.step === "label")).toMatchObject({ state: "done", at: "2026-11-23T20:41:12.000Z" });
    expect(rc.steps.at(-1)!.state).toBe("done");
    // The order-details block names the return for what it is.
    const block = (await orderTracking(t.db, s.shopId, "6301542301987"))!;
    expect(block.shipments.map((x) => x.name)).toContain("#1001-R1");
  });

  it("belongs to return shipments of this shop only", async () => {
    const s = await returnShipment();
    const outbound = await t.db.shipment.findFirstOrThrow({ where: { kind: "outbound" } });
    expect(await returnCaseView(t.db, "another-shop", s.id)).toBeNull();
    expect(await returnCaseView(t.db, s.shopId, outbound.id)).toBeNull();
    expect((await shipmentDetail(t.db, s.shopId, outbound.id))!.returnCase).toBeNull();
  });

  it("gives a declined return's reason and note in words", async () => {
    const request = fixture("returns-request.1001-R1");
    await post("returns/request", {
      ...request,
      id: 3547300001,
      admin_graphql_api_id: "gid://shopify/Return/3547300001",
      name: "#1001-R2",
    });
    await post("returns/decline", fixture("returns-decline.1001-R2"));
    await worker.drain();
    const rc2 = await t.db.returnCase.findFirstOrThrow({ where: { name: "#1001-R2" } });
    const s = await t.db.shipment.findFirstOrThrow({ where: { returnCaseId: rc2.id } });
    expect(await returnCaseView(t.db, s.shopId, s.id)).toMatchObject({
      ended: "declined",
      statusLabel: "Return declined",
      declineReason: "Final sale",
      declineNote: expect.stringContaining("Insulated bottles"),
    });
  });
});
