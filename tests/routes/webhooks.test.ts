// The real route modules, as Remix calls them (under `vite dev`; in production server.mjs answers
// webhook POSTs first with the same ingest, tests/ingest/door.test.ts): the signature is
// verified, and the receipt lands in the app's database (a fresh SQLite file for this file).
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDb, type TestDb } from "../support/db";
import { fixture, signedWebhook } from "../support/shopify-webhooks";

let t: TestDb;
let routes: Record<string, { action: (args: ActionFunctionArgs) => Promise<Response> }>;

beforeAll(async () => {
  t = await freshDb("sqlite");
  process.env.DATABASE_URL = t.url; // read when app/db.server first builds its client
  routes = {
    tracking: await import("~/routes/webhooks.tracking"),
    app: await import("~/routes/webhooks.app"),
    compliance: await import("~/routes/webhooks.compliance"),
  };
});
afterAll(async () => {
  const { default: db } = await import("~/db.server");
  await db.$disconnect();
  await t.drop();
});

describe("webhooks.* routes", () => {
  it.each([
    ["tracking", "orders/create", "orders-create.1001"],
    ["tracking", "fulfillment_events/create", "fulfillment_events-create.1001.1-in_transit"],
    ["app", "app/uninstalled", "app-uninstalled"],
    ["compliance", "customers/redact", "customers-redact"],
  ])("%s route accepts a signed %s and persists it with its job", async (route, topic, name) => {
    const request = signedWebhook(topic, fixture(name), { webhookId: `route-${topic}` });
    const res = await routes[route]!.action({ request, params: {}, context: {} });
    expect(res.status).toBe(200);
    const receipt = await t.db.webhookReceipt.findUniqueOrThrow({ where: { webhookId: `route-${topic}` } });
    expect(receipt.topic).toBe(topic);
    expect(await t.db.job.count({ where: { payload: { equals: { receiptId: receipt.id } } } })).toBe(1);
  });

  it("rejects a forged request with 401 and stores nothing", async () => {
    const before = await t.db.webhookReceipt.count();
    const request = signedWebhook("orders/create", fixture("orders-create.1001"), { secret: "forged" });
    const res = await routes.tracking!.action({ request, params: {}, context: {} });
    expect(res.status).toBe(401);
    expect(await t.db.webhookReceipt.count()).toBe(before);
  });

  it("answers 405 to a GET", async () => {
    const res = await routes.tracking!.action({
      request: new Request("https://waypoint.test/webhooks/tracking"),
      params: {},
      context: {},
    });
    expect(res.status).toBe(405);
  });
});
