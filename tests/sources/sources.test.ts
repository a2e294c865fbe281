// Carrier tracking sources end to end on a real database (SQLite and PostgreSQL): a shipment Shopify
// never reports on is registered with EasyPost's real client against a local EasyPost, moves through
// in transit, out for delivery and delivered from signed pushes, the shopper is notified, Shopify
// receives each event (fulfillmentEventCreate on the Admin GraphQL simulator through the real
// @shopify/shopify-api client), Shopify's echoes change nothing and nothing is counted twice.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { useAdminApiOrigin } from "~/lib/admin-api-origin.server";
import { handleCarrierPush } from "~/sources/push.server";
import { scanSources } from "~/sources/registration.server";
import { connectSource } from "~/sources/settings.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook, TEST_SHOP } from "../support/shopify-webhooks";
import { startAdminApi, type AdminApi } from "../../scripts/simulator/admin-api/server";
import { fulfillmentEventsSim, type FulfillmentEventsSim } from "../../scripts/simulator/admin-api/fulfillment-events";
import { startFakeEasyPost, type FakeEasyPost } from "../../scripts/simulator/carrier-sources";

const TOKEN = "shpat_sources_test";
const FULFILLMENT_ID = "5678901234567";
const ORDER_ID = "6301542301987";
const NUMBER = "EV123456789GB";

let ep: FakeEasyPost;
let api: AdminApi;
let sim: FulfillmentEventsSim;
beforeAll(async () => {
  ep = await startFakeEasyPost();
  sim = fulfillmentEventsSim();
  sim.addFulfillment(FULFILLMENT_ID, ORDER_ID);
  api = await startAdminApi({ tokens: { [TEST_SHOP]: TOKEN }, handlers: sim.handlers });
  useAdminApiOrigin(api.origin);
});
afterAll(async () => {
  useAdminApiOrigin(null);
  await Promise.all([ep.close(), api.close()]);
});

describe.each(providers)("carrier tracking sources on %s", (provider) => {
  let t: TestDb;
  let clock: Date;
  let worker: Worker;
  let receive: (r: Request) => Promise<Response>;
  let shopId: string;
  let pushToken: string;

  beforeEach(async () => {
    t = await freshDb(provider);
    clock = new Date(Date.now() + 60_000);
    worker = new Worker(t.db, jobHandlers, { now: () => clock, id: "sources-test" });
    receive = receiverFor(t.db);
    ep.reset();
    sim.created.length = 0;
    api.requests.length = 0;
  });
  afterEach(async () => t.drop());

  /** The order and a fulfillment with a carrier Shopify does not track (Evri), label bought now. */
  async function seed(opts: { company?: string; number?: string; writeBack?: boolean; budget?: number } = {}) {
    const order = fixture("orders-create.1001");
    expect((await receive(signedWebhook("orders/create", order))).status).toBe(200);
    const f = fixture("fulfillments-create.1001.1-ups");
    Object.assign(f, {
      tracking_company: opts.company ?? "Evri",
      tracking_number: opts.number ?? NUMBER,
      tracking_numbers: [opts.number ?? NUMBER],
      tracking_url: null,
      tracking_urls: [],
      created_at: clock.toISOString(),
      updated_at: clock.toISOString(),
      shipment_status: null,
    });
    expect((await receive(signedWebhook("fulfillments/create", f))).status).toBe(200);
    await worker.drain();
    const shop = await t.db.shop.findUniqueOrThrow({ where: { domain: TEST_SHOP } });
    shopId = shop.id;
    await t.db.session.create({
      data: {
        id: `offline_${TEST_SHOP}`,
        shop: TEST_SHOP,
        state: "",
        isOnline: false,
        accessToken: TOKEN,
        scope: "write_fulfillments",
      },
    });
    const saved = await connectSource(t.db, shopId, {
      provider: "easypost",
      apiKey: ep.apiKey,
      webhookSecret: ep.webhookSecret,
      writeBack: opts.writeBack ?? true,
      monthlyBudget: opts.budget ?? 100,
      baseUrl: ep.baseUrl,
    });
    expect(saved).toEqual({ ok: true });
    pushToken = (await t.db.trackingSource.findUniqueOrThrow({ where: { shopId } })).pushToken;
    return t.db.shipment.findFirstOrThrow({ where: { shopId, shopifyFulfillmentId: FULFILLMENT_ID } });
  }

  async function register() {
    await scanSources(t.db, clock);
    await worker.drain();
  }

  function push(signed: { body: string; headers: Record<string, string> }, token = pushToken) {
    const req = new Request(`https://waypoint.test/webhooks/carriers/easypost/${token}`, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
    });
    return handleCarrierPush(t.db, req, "easypost", token);
  }

  async function scanAndPush(scan: Parameters<FakeEasyPost["scan"]>[1], est?: string | null) {
    ep.scan(NUMBER, scan, est);
    const res = await push(ep.signedEvent(NUMBER));
    expect(res.status).toBe(200);
    await worker.drain();
  }

  const shipmentRow = () => t.db.shipment.findFirstOrThrow({ where: { shopId, shopifyFulfillmentId: FULFILLMENT_ID } });

  it("moves a shipment Shopify never reports through in transit, out for delivery and delivered, notifies, writes back, and counts nothing twice", async () => {
    const s = await seed();
    expect(s.stage).toBe(2);
    await register();
    // The exact documented create request: POST /v2/trackers, Basic auth with the key, { tracker: { tracking_code, carrier } }.
    const create = ep.requests.find((r) => r.method === "POST" && r.path === "/v2/trackers");
    expect(create).toBeDefined();
    expect(create!.headers.authorization).toBe(`Basic ${Buffer.from(`${ep.apiKey}:`).toString("base64")}`);
    expect(JSON.parse(create!.body)).toEqual({ tracker: { tracking_code: NUMBER } });
    expect(ep.problems).toEqual([]);
    const reg = await t.db.sourceRegistration.findFirstOrThrow({ where: { shipmentId: s.id } });
    expect(reg).toMatchObject({ status: "active", provider: "easypost", reason: "untracked_carrier" });
    expect(reg.externalId).toMatch(/^trk_/);

    await scanAndPush({
      status: "in_transit",
      statusDetail: "arrived_at_facility",
      message: "Arrived at hub",
      at: "2026-12-03T08:00:00Z",
      city: "Rugby",
      country: "GB",
    });
    expect(await shipmentRow()).toMatchObject({ stage: 3, subStatus: "in_transit", lastLocation: "Rugby, GB" });
    await scanAndPush(
      {
        status: "out_for_delivery",
        message: "Out for delivery",
        at: "2026-12-04T07:00:00Z",
        city: "Leeds",
        country: "GB",
      },
      "2026-12-04T18:00:00Z",
    );
    expect(await shipmentRow()).toMatchObject({ stage: 4, subStatus: "out_for_delivery" });
    await scanAndPush({
      status: "delivered",
      message: "Delivered",
      at: "2026-12-04T12:30:00Z",
      city: "Leeds",
      country: "GB",
    });
    const done = await shipmentRow();
    expect(done).toMatchObject({ stage: 4, subStatus: "delivered" });
    expect(done.deliveredAt?.toISOString()).toBe("2026-12-04T12:30:00.000Z");

    // Each push carries the whole history: three scans, each stored once, tagged with its source.
    const events = await t.db.trackingEvent.findMany({
      where: { shipmentId: s.id, source: "easypost" },
      orderBy: { happenedAt: "asc" },
    });
    expect(events.map((e) => e.status)).toEqual(["in_transit", "out_for_delivery", "delivered"]);
    const transitions = await t.db.stageTransition.findMany({ where: { shipmentId: s.id }, orderBy: { at: "asc" } });
    expect(transitions.filter((x) => x.cause.startsWith("easypost:")).map((x) => x.toStatus)).toEqual([
      "in_transit",
      "out_for_delivery",
      "delivered",
    ]);

    // The shopper hears of it as of any shipment.
    const milestones = (await t.db.notification.findMany({ where: { shipmentId: s.id } })).map((n) => n.milestone);
    expect(milestones).toEqual(expect.arrayContaining(["out_for_delivery", "delivered"]));

    // Shopify received each event, once, with the documented input.
    const posted = api.requests.filter((r) => r.operationName === "WaypointFulfillmentEventCreate");
    expect(posted.map((r) => (r.variables.fulfillmentEvent as { status: string }).status)).toEqual([
      "IN_TRANSIT",
      "OUT_FOR_DELIVERY",
      "DELIVERED",
    ]);
    expect(posted[1]!.variables.fulfillmentEvent).toEqual({
      fulfillmentId: `gid://shopify/Fulfillment/${FULFILLMENT_ID}`,
      status: "OUT_FOR_DELIVERY",
      happenedAt: "2026-12-04T07:00:00.000Z",
      message: "Out for delivery",
      city: "Leeds",
      country: "GB",
      estimatedDeliveryAt: "2026-12-04T18:00:00.000Z",
    });
    expect(await t.db.sourceWriteBack.count({ where: { state: "done" } })).toBe(3);

    // Shopify's fulfillment_events/create for the events we made are our own echo: nothing changes.
    const before = {
      events: await t.db.trackingEvent.count(),
      transitions: await t.db.stageTransition.count(),
      jobs: await t.db.job.count(),
    };
    for (const e of sim.created)
      expect((await receive(signedWebhook("fulfillment_events/create", sim.webhookPayload(e)))).status).toBe(200);
    await worker.drain();
    expect(await t.db.trackingEvent.count()).toBe(before.events);
    expect(await t.db.stageTransition.count()).toBe(before.transitions);
    expect(
      await t.db.webhookReceipt.count({ where: { topic: "fulfillment_events/create", status: "processed" } }),
    ).toBe(3);
    expect(api.requests.filter((r) => r.operationName === "WaypointFulfillmentEventCreate")).toHaveLength(3);

    // Final: the registration stopped and EasyPost was told (DELETE /v2/trackers/:id).
    expect(await t.db.sourceRegistration.findFirstOrThrow({ where: { shipmentId: s.id } })).toMatchObject({
      status: "stopped",
      reason: "source_final",
    });
    expect(ep.requests.some((r) => r.method === "DELETE" && r.path === `/v2/trackers/${reg.externalId}`)).toBe(true);
  });

  it("recognises an echo that arrives before Shopify's answer, by its status and minute", async () => {
    const s = await seed();
    // The write-back is recorded before the call; Shopify's webhook for it may come before the answer.
    await t.db.sourceWriteBack.create({
      data: {
        shopId,
        shipmentId: s.id,
        factKey: "src:easypost:x",
        status: "in_transit",
        happenedAt: new Date("2026-12-03T08:00:00Z"),
      },
    });
    const fe = fixture("fulfillment_events-create.1001.1-in_transit");
    Object.assign(fe, { id: 44556677100, status: "in_transit", happened_at: "2026-12-03T08:00:30Z" });
    await receive(signedWebhook("fulfillment_events/create", fe));
    Object.assign(fe, { id: 44556677101, status: "out_for_delivery", happened_at: "2026-12-03T08:00:30Z" });
    await receive(signedWebhook("fulfillment_events/create", fe));
    await worker.drain();
    const events = await t.db.trackingEvent.findMany({ where: { shipmentId: s.id, source: "fulfillment_event" } });
    expect(events.map((e) => e.status)).toEqual(["out_for_delivery"]);
  });

  it("refuses forged and unsigned pushes with 401, unknown connections with 404, and stores a redelivery once", async () => {
    await seed();
    await register();
    ep.scan(NUMBER, { status: "in_transit", message: "On its way", at: "2026-12-03T08:00:00Z" });
    expect((await push(ep.signedEvent(NUMBER, { secret: "not-the-secret" }))).status).toBe(401);
    const unsigned = ep.signedEvent(NUMBER);
    delete unsigned.headers["X-Hmac-Signature"];
    expect((await push(unsigned)).status).toBe(401);
    const tampered = ep.signedEvent(NUMBER);
    expect((await push({ ...tampered, body: tampered.body.replace("in_transit", "delivered") })).status).toBe(401);
    expect((await push(ep.signedEvent(NUMBER), "no-such-token")).status).toBe(404);
    expect(await t.db.webhookReceipt.count({ where: { topic: "carrier/easypost" } })).toBe(0);

    const good = ep.signedEvent(NUMBER);
    expect((await push(good)).status).toBe(200);
    expect((await push(good)).status).toBe(200);
    expect(await t.db.webhookReceipt.count({ where: { topic: "carrier/easypost" } })).toBe(1);
    await worker.drain();
    expect((await shipmentRow()).subStatus).toBe("in_transit");
  });

  it("never moves a shipment back for an older scan arriving after a newer one", async () => {
    await seed();
    await register();
    const t0 = { status: "in_transit", message: "Departed", at: "2026-12-03T08:00:00Z" };
    ep.scan(NUMBER, t0);
    const olderPush = ep.signedEvent(NUMBER);
    ep.scan(NUMBER, { status: "out_for_delivery", message: "Out", at: "2026-12-04T07:00:00Z" });
    expect((await push(ep.signedEvent(NUMBER))).status).toBe(200);
    await worker.drain();
    expect(await push(olderPush)).toHaveProperty("status", 200);
    await worker.drain();
    expect(await shipmentRow()).toMatchObject({ stage: 4, subStatus: "out_for_delivery" });
    expect(await t.db.trackingEvent.count({ where: { source: "easypost" } })).toBe(2);
  });

  it("stores a scan once when Shopify and the source both report it, whichever comes first", async () => {
    const s = await seed();
    await register();
    // Shopify first (its own integration caught this scan), then the source's push of the same scan.
    const fe = fixture("fulfillment_events-create.1001.1-in_transit");
    Object.assign(fe, { status: "in_transit", happened_at: "2026-12-03T08:00:20Z", id: 44556677001 });
    expect((await receive(signedWebhook("fulfillment_events/create", fe))).status).toBe(200);
    await worker.drain();
    ep.scan(NUMBER, { status: "in_transit", message: "Departed", at: "2026-12-03T08:00:00Z" });
    // Then the source first for the next scan, and Shopify's report of it after.
    ep.scan(NUMBER, { status: "out_for_delivery", message: "Out", at: "2026-12-04T07:00:00Z" });
    await push(ep.signedEvent(NUMBER));
    await worker.drain();
    Object.assign(fe, { status: "out_for_delivery", happened_at: "2026-12-04T07:00:00Z", id: 44556677002 });
    await receive(signedWebhook("fulfillment_events/create", fe));
    await worker.drain();
    const events = await t.db.trackingEvent.findMany({
      where: { shipmentId: s.id, source: { in: ["easypost", "fulfillment_event"] } },
      orderBy: { happenedAt: "asc" },
    });
    expect(events.map((e) => [e.source, e.status])).toEqual([
      ["fulfillment_event", "in_transit"],
      ["easypost", "out_for_delivery"],
    ]);
    const toStatuses = (
      await t.db.stageTransition.findMany({ where: { shipmentId: s.id }, orderBy: { at: "asc" } })
    ).map((x) => x.toStatus);
    expect(toStatuses.filter((x) => x === "out_for_delivery")).toHaveLength(1);
    // Only the source's own scan was written back.
    expect(api.requests.filter((r) => r.operationName === "WaypointFulfillmentEventCreate")).toHaveLength(1);
  });

  it("waits 12 hours for Shopify on carriers Shopify tracks, and not at all once Shopify reports", async () => {
    const s = await seed({ company: "UPS", number: "1Z999AA10123456784" });
    await scanSources(t.db, new Date(clock.getTime() + 11 * 3_600_000));
    await worker.drain();
    expect(await t.db.sourceRegistration.count()).toBe(0);
    await scanSources(t.db, new Date(clock.getTime() + 12 * 3_600_000 + 1));
    clock = new Date(clock.getTime() + 12 * 3_600_000 + 1);
    await worker.drain();
    expect(await t.db.sourceRegistration.findFirst({ where: { shipmentId: s.id } })).toMatchObject({
      reason: "no_shopify_event",
      status: "active",
    });
  });

  it("leaves a shipment to Shopify once Shopify has reported a scan", async () => {
    await seed({ company: "UPS", number: "1Z999AA10123456784" });
    const fe = fixture("fulfillment_events-create.1001.1-in_transit");
    await receive(signedWebhook("fulfillment_events/create", fe));
    await worker.drain();
    await scanSources(t.db, new Date(clock.getTime() + 13 * 3_600_000));
    await worker.drain();
    expect(await t.db.sourceRegistration.count()).toBe(0);
  });

  it("stops at the monthly budget, says so, and falls back to Shopify's events", async () => {
    await seed({ budget: 0 });
    await register();
    expect(await t.db.sourceRegistration.count()).toBe(0);
    expect(ep.requests.filter((r) => r.method === "POST")).toHaveLength(0);
    const c = await t.db.trackingSource.findUniqueOrThrow({ where: { shopId } });
    expect(c.budgetNotedAt).not.toBeNull();
    // Shopify's events still move the shipment.
    await receive(signedWebhook("fulfillment_events/create", fixture("fulfillment_events-create.1001.1-in_transit")));
    await worker.drain();
    expect((await shipmentRow()).subStatus).toBe("in_transit");
  });

  it("writes nothing back when write-back is off", async () => {
    await seed({ writeBack: false });
    await register();
    await scanAndPush({ status: "in_transit", message: "On its way", at: "2026-12-03T08:00:00Z" });
    expect((await shipmentRow()).subStatus).toBe("in_transit");
    expect(api.requests.filter((r) => r.operationName === "WaypointFulfillmentEventCreate")).toHaveLength(0);
  });

  it("stops the registration when Shopify reports the shipment final", async () => {
    await seed();
    await register();
    await receive(signedWebhook("fulfillment_events/create", fixture("fulfillment_events-create.1001.1-delivered")));
    await worker.drain();
    await scanSources(t.db, clock);
    await worker.drain();
    const reg = await t.db.sourceRegistration.findFirstOrThrow({ where: { shopId } });
    expect(reg).toMatchObject({ status: "stopped", reason: "final" });
    expect(ep.requests.some((r) => r.method === "DELETE")).toBe(true);
  });
});
