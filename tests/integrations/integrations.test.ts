// Flow triggers and Klaviyo events end to end on every database provider: the domain events that plan
// notifications → IntegrationDelivery rows → the real @shopify/shopify-api client against the Admin API
// simulator (flowTriggerReceive checked against the declared triggers) and the real klaviyo-api client
// against a local Klaviyo, run by the real worker with a controlled clock. No sleeps.
import type { Prisma } from "@prisma/client";
import "@shopify/shopify-api/adapters/web-api";
import { ApiVersion, shopifyApi } from "@shopify/shopify-api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { Worker } from "~/jobs/worker.server";
import { enqueue } from "~/jobs/queue.server";
import { useAdminApiOrigin } from "~/lib/admin-api-origin.server";
import { encryptSecret } from "~/lib/crypto.server";
import { flowTriggerWith, graphqlWithApi } from "~/integrations/flow.server";
import { createIntegrationHandlers } from "~/integrations/handlers.server";
import {
  DELIVER_DEADLINE_MS,
  integrationStatus,
  type IntegrationDeps,
  recordTest,
  sweepOverdueDeliveries,
} from "~/integrations/outbox.server";
import { FLOW_FIELDS, INTEGRATION_MILESTONES, MILESTONE_INFO } from "~/integrations/rules/milestones";
import { createNotificationHandlers } from "~/notifications/handlers.server";
import { providerRetryDelay } from "~/notifications/rules/retry";
import { STAGE_CHANGED, type StageChangedEvent } from "~/pipeline/shipments.server";
import { verifyTrackingToken } from "~/storefront/tracking-links.server";
import { flowHandlers, type FlowSimulator } from "../../scripts/simulator/admin-api/flow";
import { startAdminApi, type AdminApi } from "../../scripts/simulator/admin-api/server";
import { freshDb, providers, type TestDb } from "../support/db";
import { type FakeKlaviyo, startFakeKlaviyo } from "../support/fake-klaviyo";

const T0 = new Date("2026-11-24T15:00:00Z");
const HOUR = 3_600_000;
const SHOP = "acme.myshopify.com";
const TOKEN = "shpat_acme";
const EMAIL = "alex@example.com";
const PHONE = "+14155552671";
const TRACKING = "1Z999AA10123456784";

let clock = new Date(T0);
const now = () => clock;
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

let kl: FakeKlaviyo;
let api: AdminApi;
let flow: FlowSimulator;
const shopify = shopifyApi({
  apiKey: "key",
  apiSecretKey: "secret",
  apiVersion: ApiVersion.July26,
  hostName: "waypoint.test",
  isEmbeddedApp: true,
  logger: { level: 0, log: () => {} },
});

beforeAll(async () => {
  kl = await startFakeKlaviyo();
  const triggers = Object.fromEntries(
    INTEGRATION_MILESTONES.map((m) => [MILESTONE_INFO[m].flowHandle, { fields: FLOW_FIELDS }]),
  );
  flow = flowHandlers(triggers);
  api = await startAdminApi({ tokens: { [SHOP]: TOKEN }, handlers: flow.handlers, now: () => clock.getTime() });
  useAdminApiOrigin(api.origin);
});
afterAll(async () => {
  useAdminApiOrigin(null);
  await api.close();
  await kl.close();
});

const integrationDeps = (): IntegrationDeps => ({
  flowTrigger: flowTriggerWith(graphqlWithApi(shopify)),
  klaviyoBaseUrl: kl.url,
  random: () => 0.5,
});

describe.each(providers)("integrations (%s)", (provider) => {
  let t: TestDb;
  let db: Db;

  beforeEach(async () => {
    clock = new Date(T0);
    kl.reset();
    flow.fired.length = 0;
    api.requests.length = 0;
    api.setToken(SHOP, TOKEN);
    api.setAvailable(SHOP, 2000); // a full bucket at T0 (the clock went back since the last test)
    t = await freshDb(provider);
    db = t.db;
  });
  afterEach(async () => {
    await t.drop();
  });

  function worker(): Worker {
    const handlers = {
      ...createNotificationHandlers({ random: () => 0.5 }),
      ...createIntegrationHandlers(integrationDeps()),
    };
    return new Worker(db, handlers, { now, leaseMs: 60_000 });
  }

  async function setup(shopData: Partial<Prisma.ShopUncheckedCreateInput> = {}) {
    const shop = await db.shop.create({
      data: {
        domain: SHOP,
        name: "Acme",
        primaryDomain: "shop.acme.test",
        timezone: "America/New_York",
        contactEmail: "help@acme.test",
        flowTriggersEnabled: true,
        klaviyoPrivateKeyEnc: encryptSecret(kl.apiKey),
        klaviyoMilestones: { delayed: "klaviyo" },
        ...shopData,
      },
    });
    await db.session.create({
      data: {
        id: `offline_${SHOP}`,
        shop: SHOP,
        state: "s",
        isOnline: false,
        accessToken: TOKEN,
        scope: "read_orders",
      },
    });
    const order = await db.order.create({
      data: {
        shopId: shop.id,
        shopifyId: "5550001",
        name: "#1001",
        orderNumber: 1001,
        email: EMAIL,
        phone: PHONE,
        smsConsent: true,
        customerFirstName: "Alex",
        customerTimezone: "America/New_York",
        customerLocale: "en",
        shipCountry: "US",
        processedAt: new Date(T0.getTime() - 48 * HOUR),
        factsAt: new Date(T0.getTime() - 48 * HOUR),
      },
    });
    const shipment = await db.shipment.create({
      data: {
        shopId: shop.id,
        orderId: order.id,
        kind: "outbound",
        name: "#1001.1",
        carrier: "UPS",
        carrierCode: "ups",
        trackingNumbers: [TRACKING],
        trackingUrls: [`https://www.ups.com/track?tracknum=${TRACKING}`],
        primaryTracking: TRACKING,
        stage: 3,
        subStatus: "in_transit",
        lastStatus: "delayed",
        delayed: true,
        delayReason: "carrier",
        carrierEdd: new Date("2026-11-27T20:00:00Z"),
        labelCreatedAt: new Date(T0.getTime() - 30 * HOUR),
        inTransitAt: new Date(T0.getTime() - 24 * HOUR),
        lastEventAt: new Date(T0.getTime() - HOUR),
        factsAt: new Date(T0.getTime() - HOUR),
      },
    });
    return { shop, order, shipment };
  }

  const delayEvent = (s: { id: string; shopId: string; orderId: string | null }): StageChangedEvent => ({
    shopId: s.shopId,
    shipmentId: s.id,
    orderId: s.orderId,
    kind: "outbound",
    transition: null,
    delayed: true,
    delayStarted: true,
  });

  const deliveredEvent = (s: { id: string; shopId: string; orderId: string | null }): StageChangedEvent => ({
    shopId: s.shopId,
    shipmentId: s.id,
    orderId: s.orderId,
    kind: "outbound",
    transition: {
      fromStage: 4,
      toStage: 4,
      fromStatus: "out_for_delivery",
      toStatus: "delivered",
      at: clock.toISOString(),
      cause: "fulfillment_event:delivered",
    },
    delayed: false,
    delayStarted: false,
  });

  async function emit(payload: StageChangedEvent) {
    await enqueue(db, {
      kind: STAGE_CHANGED,
      payload: { ...payload } as unknown as Prisma.InputJsonValue,
      runAfter: clock,
    });
  }

  it("a simulated delay fires one Flow trigger and one Klaviyo event, and no Waypoint email (the event twice)", async () => {
    const { shop, order, shipment } = await setup();
    await emit(delayEvent(shipment));
    await emit(delayEvent(shipment)); // Shopify-style duplicate delivery of the same event
    await worker().drain();

    // Flow: one flowTriggerReceive, the documented mutation, every declared field typed as declared.
    const triggerCalls = api.requests.filter((r) => r.operationName === "WaypointFlowTriggerReceive");
    expect(triggerCalls).toHaveLength(1);
    expect(triggerCalls[0]!.status).toBe(200);
    expect(flow.fired).toHaveLength(1);
    const fired = flow.fired[0]!;
    expect(fired.shop).toBe(SHOP);
    expect(fired.handle).toBe("waypoint-shipment-delayed");
    const link = fired.payload["Tracking page URL"] as string;
    expect(fired.payload).toEqual({
      order_id: 5550001,
      Milestone: "delayed",
      "Occurred at": T0.toISOString(),
      "Shipment name": "#1001.1",
      Carrier: "UPS",
      "Tracking number": TRACKING,
      "Tracking page URL": link,
      "Carrier tracking URL": `https://www.ups.com/track?tracknum=${TRACKING}`,
      "Has estimate": true,
      "Estimated delivery": "2026-11-27",
      "Delay reason": "carrier",
    });
    expect(link).toMatch(/^https:\/\/shop\.acme\.test\/apps\/track\?token=/);
    expect(verifyTrackingToken(new URL(link).searchParams.get("token"), clock)).toEqual({
      shopDomain: SHOP,
      orderId: order.id,
    });

    // Klaviyo: one Create Event, as Klaviyo's API documents it, through the official client.
    expect(kl.problems).toEqual([]);
    expect(kl.requests).toHaveLength(1);
    const req = kl.requests[0]!;
    expect([req.method, req.path]).toEqual(["POST", "/api/events"]);
    expect(req.headers.authorization).toBe(`Klaviyo-API-Key ${kl.apiKey}`);
    expect(req.headers.revision).toBe("2026-07-15");
    expect(req.body).toEqual({
      data: {
        type: "event",
        attributes: {
          properties: {
            milestone: "delayed",
            order_id: "5550001",
            order_name: "#1001",
            shipment_name: "#1001.1",
            carrier: "UPS",
            tracking_number: TRACKING,
            tracking_page_url: link,
            carrier_tracking_url: `https://www.ups.com/track?tracknum=${TRACKING}`,
            estimated_delivery: "2026-11-27",
            delay_reason: "carrier",
          },
          time: T0.toISOString(),
          unique_id: `${shipment.id}:delayed:2026-11-27:klaviyo`,
          metric: { data: { type: "metric", attributes: { name: "Waypoint Shipment Delayed" } } },
          profile: { data: { type: "profile", attributes: { email: EMAIL, phone_number: PHONE } } },
        },
      },
    });
    expect(kl.events).toHaveLength(1);

    // Waypoint's own delay email: decided once, suppressed because Klaviyo sends it; nothing went out.
    const delayed = await db.notification.findMany({ where: { milestone: "delayed" } });
    expect(delayed.map((n) => [n.channel, n.status, n.error])).toEqual([["email", "suppressed", "klaviyo_sends"]]);
    expect(await db.outboxMessage.count()).toBe(0);

    const rows = await db.integrationDelivery.findMany({ orderBy: { destination: "asc" } });
    expect(rows.map((r) => [r.destination, r.status, r.attempts])).toEqual([
      ["flow", "sent", 1],
      ["klaviyo", "sent", 1],
    ]);

    // The settings page's status.
    const status = await integrationStatus(db, shop);
    expect(status.map((s) => [s.destination, s.connected, s.lastSentAt, s.lastError, s.sent])).toEqual([
      ["flow", true, T0.toISOString(), null, 1],
      ["klaviyo", true, T0.toISOString(), null, 1],
    ]);

    // Replaying the event later changes nothing anywhere.
    advance(HOUR);
    await emit({ ...delayEvent(shipment), delayStarted: false });
    await worker().drain();
    expect(flow.fired).toHaveLength(1);
    expect(kl.requests).toHaveLength(1);
  });

  it("a milestone left to Waypoint: Flow fires, the email goes out, Klaviyo gets nothing", async () => {
    const { shipment } = await setup();
    await db.shipment.update({
      where: { id: shipment.id },
      data: { stage: 4, subStatus: "delivered", delayed: false, lastStatus: "delivered", deliveredAt: T0 },
    });
    await emit(deliveredEvent(shipment));
    await worker().drain();
    expect(flow.fired.map((f) => [f.handle, f.payload["Has estimate"], f.payload["Delay reason"]])).toEqual([
      ["waypoint-shipment-delivered", false, ""],
    ]);
    expect(kl.requests).toHaveLength(0);
    const email = await db.notification.findFirstOrThrow({ where: { milestone: "delivered", channel: "email" } });
    expect(email.status).toBe("sent");
    expect(await db.outboxMessage.count({ where: { channel: "email" } })).toBe(1);
  });

  it("nothing for a shop that enabled neither; the Klaviyo choice needs a key", async () => {
    const { shipment } = await setup({ flowTriggersEnabled: false, klaviyoPrivateKeyEnc: null });
    await emit(delayEvent(shipment));
    await worker().drain();
    expect(api.requests).toHaveLength(0);
    expect(kl.requests).toHaveLength(0);
    expect(await db.integrationDelivery.count()).toBe(0);
    // Without a Klaviyo key the choice "klaviyo" means nothing: Waypoint sends the delay email.
    const email = await db.notification.findFirstOrThrow({ where: { milestone: "delayed" } });
    expect(email.status).toBe("sent");
  });

  it("retries 429 and 5xx with the notifications' backoff, once each, then delivers exactly once", async () => {
    const { shipment } = await setup();
    api.setAvailable(SHOP, 0); // Flow: THROTTLED
    kl.script({ status: 429 }, { status: 503 });
    await emit(delayEvent(shipment));
    await worker().drain();
    let rows = await db.integrationDelivery.findMany({ orderBy: { destination: "asc" } });
    expect(rows.map((r) => [r.destination, r.status, r.attempts, r.errorKind])).toEqual([
      ["flow", "queued", 1, "transient"],
      ["klaviyo", "queued", 1, "transient"],
    ]);
    expect(rows[0]!.nextAttemptAt).toEqual(new Date(T0.getTime() + providerRetryDelay(1, () => 0.5)));
    expect(rows[0]!.error).toBe("Admin API THROTTLED");

    advance(providerRetryDelay(1, () => 0.5)); // 15 s: the bucket refilled (100 points/s)
    await worker().drain();
    rows = await db.integrationDelivery.findMany({ orderBy: { destination: "asc" } });
    expect(rows.map((r) => [r.destination, r.status, r.attempts])).toEqual([
      ["flow", "sent", 2],
      ["klaviyo", "queued", 2],
    ]);
    advance(providerRetryDelay(2, () => 0.5));
    await worker().drain();
    rows = await db.integrationDelivery.findMany({ orderBy: { destination: "asc" } });
    expect(rows.map((r) => [r.destination, r.status, r.attempts])).toEqual([
      ["flow", "sent", 2],
      ["klaviyo", "sent", 3],
    ]);
    expect(flow.fired).toHaveLength(1);
    expect(kl.requests).toHaveLength(3);
    expect(kl.events).toHaveLength(1);
  });

  it("permanent and configuration errors end the delivery at once, with the reason for the settings page", async () => {
    const { shop, shipment } = await setup();
    api.setToken(SHOP, null); // uninstalled at Shopify: 401
    kl.script({ status: 401 });
    await emit(delayEvent(shipment));
    await worker().drain();
    const rows = await db.integrationDelivery.findMany({ orderBy: { destination: "asc" } });
    expect(rows.map((r) => [r.destination, r.status, r.attempts, r.errorKind, r.error])).toEqual([
      ["flow", "failed", 1, "config", "Admin API 401"],
      ["klaviyo", "failed", 1, "config", "Klaviyo 401: scripted: status 401"],
    ]);
    const status = await integrationStatus(db, shop);
    expect(status.map((s) => s.lastError?.message)).toEqual(["Admin API 401", "Klaviyo 401: scripted: status 401"]);
    for (const s of status) expect(JSON.stringify(s)).not.toContain(EMAIL);
  });

  it("a refusal that quotes the shopper's address is stored and shown without it", async () => {
    const { shipment } = await setup({ flowTriggersEnabled: false });
    kl.script({ status: 400, body: { errors: [{ code: "invalid", detail: `${EMAIL} is not a valid email` }] } });
    await emit(delayEvent(shipment));
    await worker().drain();
    const row = await db.integrationDelivery.findFirstOrThrow();
    expect([row.status, row.errorKind, row.error]).toEqual([
      "failed",
      "permanent",
      "Klaviyo 400: invalid: [email] is not a valid email",
    ]);
  });

  it("an undeclared field is refused by Flow's checks (userErrors), never retried", async () => {
    const { shipment } = await setup({ klaviyoPrivateKeyEnc: null });
    const triggerFields = FLOW_FIELDS.filter((f) => f.key !== "Delay reason");
    const strict = flowHandlers({ "waypoint-shipment-delayed": { fields: triggerFields } });
    const saved = api.handlers.WaypointFlowTriggerReceive;
    api.handlers.WaypointFlowTriggerReceive = strict.handlers.WaypointFlowTriggerReceive!;
    try {
      await emit(delayEvent(shipment));
      await worker().drain();
    } finally {
      api.handlers.WaypointFlowTriggerReceive = saved!;
    }
    const row = await db.integrationDelivery.findFirstOrThrow();
    expect([row.status, row.errorKind, row.attempts]).toEqual(["failed", "permanent", 1]);
    expect(row.error).toBe("flowTriggerReceive: payload.Delay reason: Field is not defined on the trigger");
  });

  it("after a crash mid-call: Klaviyo is sent again (its unique_id records it once), Flow ends in doubt, never fired twice", async () => {
    const { shipment } = await setup();
    await emit(delayEvent(shipment));
    await worker().drain();
    expect([flow.fired.length, kl.requests.length]).toEqual([1, 1]);
    // As if the worker died after the provider accepted the call and before it recorded the answer:
    // the rows are left claimed ("sending") until their deadline. A wake-up before it only looks again later.
    await db.integrationDelivery.updateMany({
      data: { status: "sending", nextAttemptAt: new Date(clock.getTime() + DELIVER_DEADLINE_MS) },
    });
    for (const r of await db.integrationDelivery.findMany())
      await enqueue(db, { kind: "integrations.deliver", payload: { deliveryId: r.id }, runAfter: clock });
    await worker().drain();
    expect([flow.fired.length, kl.requests.length]).toEqual([1, 1]);
    advance(DELIVER_DEADLINE_MS + 1);
    for (const r of await db.integrationDelivery.findMany())
      await enqueue(db, { kind: "integrations.deliver", payload: { deliveryId: r.id }, runAfter: clock });
    await worker().drain();
    const rows = await db.integrationDelivery.findMany({ orderBy: { destination: "asc" } });
    expect(rows.map((r) => [r.destination, r.status, r.errorKind])).toEqual([
      ["flow", "failed", "in_doubt"],
      ["klaviyo", "sent", null],
    ]);
    expect(flow.fired).toHaveLength(1);
    expect(kl.requests).toHaveLength(2);
    expect(kl.events).toHaveLength(1); // Klaviyo collapsed the resend by unique_id
  });

  it("the hourly sweep gives a delivery whose wake-up job was lost a new one, once", async () => {
    const { shipment } = await setup({ klaviyoPrivateKeyEnc: null });
    await emit(delayEvent(shipment));
    await worker().drain(); // plans the delivery (and would send it): take its job away first
    await db.integrationDelivery.updateMany({ data: { status: "queued", attempts: 0, nextAttemptAt: clock } });
    flow.fired.length = 0;
    expect(await sweepOverdueDeliveries(db, clock)).toBe(0); // not overdue yet
    advance(20 * 60_000);
    expect(await sweepOverdueDeliveries(db, clock)).toBe(1);
    expect(await sweepOverdueDeliveries(db, clock)).toBe(1); // same singleton key: still one job
    await worker().drain();
    expect(flow.fired).toHaveLength(1);
    expect(await sweepOverdueDeliveries(db, clock)).toBe(0);
  });

  it("the settings test button sends the newest order as sample data, the Klaviyo one to the merchant", async () => {
    const { shop } = await setup();
    expect(await recordTest(db, shop, "flow", clock)).not.toBeNull();
    expect(await recordTest(db, shop, "klaviyo", clock)).not.toBeNull();
    await worker().drain();
    expect(flow.fired.map((f) => [f.handle, f.payload.Milestone])).toEqual([["waypoint-out-for-delivery", "test"]]);
    expect(kl.events.map((e) => [e.metric, e.profile])).toEqual([
      ["Waypoint Out For Delivery", { email: "help@acme.test" }],
    ]);
    const empty = await db.shop.create({ data: { domain: "empty.myshopify.com" } });
    expect(await recordTest(db, empty, "flow", clock)).toBeNull();
  });
});
