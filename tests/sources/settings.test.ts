// The "Carrier tracking" settings: the key encrypted at rest and never shown, validation naming the
// field, test connection against the source, the budget counter.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  carrierTrackingAction,
  carrierTrackingView,
  connectSource,
  testSourceConnection,
} from "~/sources/settings.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { startFakeEasyPost, type FakeEasyPost } from "../../scripts/simulator/carrier-sources";

let ep: FakeEasyPost;
beforeAll(async () => {
  ep = await startFakeEasyPost();
});
afterAll(async () => ep.close());

describe.each(providers)("carrier tracking settings on %s", (provider) => {
  let t: TestDb;
  let shopId: string;
  beforeEach(async () => {
    t = await freshDb(provider);
    shopId = (await t.db.shop.create({ data: { domain: "settings-shop.myshopify.com" } })).id;
  });
  afterEach(async () => t.drop());

  it("stores the key encrypted, shows it masked, keeps it when left blank, and names bad fields", async () => {
    expect(await connectSource(t.db, shopId, { provider: "easypost", apiKey: "", writeBack: true })).toEqual({
      ok: false,
      fieldErrors: { "carrier.apiKey": "Enter the API key" },
    });
    const bad = await connectSource(t.db, shopId, {
      provider: "easypost",
      apiKey: "k",
      writeBack: true,
      pollMinutes: "1",
    });
    expect(bad).toEqual({ ok: false, fieldErrors: { "carrier.pollMinutes": "Poll interval must be at least 5" } });
    expect(
      await connectSource(t.db, shopId, {
        provider: "easypost",
        apiKey: ep.apiKey,
        webhookSecret: "whsec_1",
        writeBack: true,
        baseUrl: ep.baseUrl,
      }),
    ).toEqual({ ok: true });
    const row = await t.db.trackingSource.findUniqueOrThrow({ where: { shopId } });
    expect(row.apiKeyEnc).not.toContain(ep.apiKey);
    expect(row.webhookSecretEnc).not.toContain("whsec_1");
    const view = await carrierTrackingView(t.db, shopId);
    expect(view).toMatchObject({
      connected: true,
      provider: "easypost",
      writeBack: true,
      monthlyBudget: 500,
      usedThisMonth: 0,
      budgetSpent: false,
    });
    expect(view.apiKey).toBe(`••••${ep.apiKey.slice(-4)}`);
    expect(JSON.stringify(view)).not.toContain(ep.apiKey);
    expect(view.pushUrl).toBe(`https://waypoint.test/webhooks/carriers/easypost/${row.pushToken}`);
    // A blank key keeps the stored one.
    const form = new FormData();
    for (const [k, v] of Object.entries({
      intent: "carrier_save",
      carrierProvider: "easypost",
      carrierApiKey: "",
      carrierMonthlyBudget: "2",
      carrierWriteBack: "",
    }))
      form.set(k, v);
    expect(await carrierTrackingAction(t.db, shopId, form)).toMatchObject({ ok: true });
    const after = await t.db.trackingSource.findUniqueOrThrow({ where: { shopId } });
    expect(after).toMatchObject({ apiKeyEnc: row.apiKeyEnc, monthlyBudget: 2, writeBack: false });
  });

  it("tests the connection against the source, and counts this month's registrations", async () => {
    await connectSource(t.db, shopId, {
      provider: "easypost",
      apiKey: ep.apiKey,
      writeBack: true,
      monthlyBudget: 1,
      baseUrl: ep.baseUrl,
    });
    expect(await testSourceConnection(t.db, shopId)).toEqual({ ok: true, message: "EasyPost answered: the key works" });
    await connectSource(t.db, shopId, {
      provider: "easypost",
      apiKey: "EZTK_wrong",
      writeBack: true,
      monthlyBudget: 1,
      baseUrl: ep.baseUrl,
    });
    expect((await testSourceConnection(t.db, shopId)).ok).toBe(false);
    const order = await t.db.order.create({
      data: { shopId, shopifyId: "1", name: "#1", orderNumber: 1, processedAt: new Date(), factsAt: new Date() },
    });
    const s = await t.db.shipment.create({ data: { shopId, orderId: order.id, shopifyFulfillmentId: "9" } });
    const now = new Date();
    await t.db.sourceRegistration.create({
      data: {
        shopId,
        shipmentId: s.id,
        provider: "easypost",
        trackingNumber: "EZ1",
        status: "active",
        month: now.toISOString().slice(0, 7),
        registeredAt: now,
      },
    });
    expect(await carrierTrackingView(t.db, shopId, now)).toMatchObject({
      usedThisMonth: 1,
      budgetSpent: true,
      registrations: { active: 1 },
    });
  });
});
