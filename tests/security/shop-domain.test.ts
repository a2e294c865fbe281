// A correctly signed webhook whose X-Shopify-Shop-Domain is not <handle>.myshopify.com is refused with
// 400 before anything is stored (issue 15, item 6): no receipt, no job, and so no Shop row the worker
// would create from it. Through both doors: the production node:http door and the Remix routes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookIngest, type WebhookIngest } from "~/ingest/door.server";
import { isShopDomain } from "~/lib/shop-domain";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, SECRET, signedWebhook } from "../support/shopify-webhooks";

const HOSTILE = [
  "../../etc",
  "<script>alert(1)</script>.myshopify.com",
  "<script>",
  "evil.example.com",
  "shop.myshopify.com.evil.example",
  "Shop.myshopify.com",
  "-shop.myshopify.com",
  "shop.myshopify.com/../x",
];
const MESSAGE = "X-Shopify-Shop-Domain is not a shop domain (expected <shop>.myshopify.com)";

it("knows a shop domain", () => {
  for (const d of ["waypoint-demo.myshopify.com", "a.myshopify.com", "0shop-1.myshopify.com"])
    expect(isShopDomain(d), d).toBe(true);
  for (const d of [...HOSTILE, "x".repeat(101) + ".myshopify.com", "", null, undefined])
    expect(isShopDomain(d), String(d)).toBe(false);
});

async function storedNothing(t: TestDb): Promise<void> {
  expect(await t.db.webhookReceipt.count()).toBe(0);
  expect(await t.db.job.count()).toBe(0);
  expect(await t.db.shop.count()).toBe(0);
}

describe.each(providers)("the node:http door on %s", (provider) => {
  let t: TestDb;
  let ingest: WebhookIngest;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    t = await freshDb(provider);
    ingest = createWebhookIngest({ db: t.db, secret: SECRET });
    server = http.createServer((req, res) => {
      if (!ingest.handleNodeRequest(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ingest.close();
    await t.drop();
  });

  it("refuses a signed delivery for a domain that is not a shop's with 400, names the header, echoes nothing, stores nothing", async () => {
    for (const shop of HOSTILE) {
      const request = signedWebhook("orders/create", fixture("orders-create.1001"), { shop });
      const res = await fetch(`${base}/webhooks/tracking`, {
        method: "POST",
        headers: request.headers,
        body: await request.arrayBuffer(),
      });
      expect(res.status, shop).toBe(400);
      expect(await res.text()).toBe(MESSAGE); // names the header and what it should be, never the value
    }
    await storedNothing(t);
    // The same delivery for a real shop domain goes through.
    const good = signedWebhook("orders/create", fixture("orders-create.1001"));
    expect(
      (
        await fetch(`${base}/webhooks/tracking`, {
          method: "POST",
          headers: good.headers,
          body: await good.arrayBuffer(),
        })
      ).status,
    ).toBe(200);
    expect(await t.db.webhookReceipt.count()).toBe(1);
  });
});

describe("the Remix webhook routes", () => {
  let t: TestDb;
  let routes: Record<"tracking" | "app" | "compliance", { action: (args: ActionFunctionArgs) => Promise<Response> }>;

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

  it.each([
    ["tracking", "orders/create", "orders-create.1001"],
    ["app", "app/uninstalled", "app-uninstalled"],
    ["compliance", "shop/redact", "shop-redact"],
  ] as const)("%s refuses %s for ../../etc and <script> with 400 and stores nothing", async (route, topic, name) => {
    for (const shop of ["../../etc", "<script>"]) {
      const res = await routes[route].action({
        request: signedWebhook(topic, fixture(name), { shop }),
        params: {},
        context: {},
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toBe(MESSAGE);
    }
    await storedNothing(t);
  });
});
