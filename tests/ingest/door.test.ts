// The production door of webhook ingest (handleNodeRequest, which server.mjs puts in front of Remix)
// on a real node:http server and a real database, SQLite and PostgreSQL: signed deliveries in a
// concurrent storm are each stored once with one job, duplicates (within a group commit and across
// commits) are answered 200 and not stored again, refusals store nothing, and what the driver wrote
// reads back through Prisma exactly as Prisma itself would have written it, and the queue can claim it.
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDb } from "~/db.server";
import {
  createWebhookIngest,
  MAX_WEBHOOK_BYTES,
  WEBHOOK_PATHS,
  webhookPath,
  type WebhookIngest,
} from "~/ingest/door.server";
import { claimJobs } from "~/jobs/queue.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, SECRET, signedWebhook } from "../support/shopify-webhooks";

interface Sent {
  status: number;
  body: string;
}

it("the production door answers exactly the paths shopify.app.toml subscribes topics to", () => {
  const uris = [...fs.readFileSync("shopify.app.toml", "utf8").matchAll(/^\s*uri\s*=\s*"(\/webhooks\/[^"]+)"/gm)].map(
    (m) => m[1],
  );
  expect(new Set(uris)).toEqual(WEBHOOK_PATHS);
});

it("takes every spelling of a webhook path that Remix would route, and nothing else", () => {
  for (const target of [
    "/webhooks/tracking",
    "/webhooks/tracking/",
    "/webhooks/tracking//",
    "/WEBHOOKS/Tracking",
    "/webhooks/%74racking",
    "/webhooks/%54RACKING/",
    "//webhooks//tracking",
    "/webhooks/app/../tracking",
    "/webhooks/./tracking",
    "/webhooks/tracking?x=1",
    "/webhooks/tracking/?x=1",
    "http://waypoint.test/webhooks/tracking/",
  ]) {
    expect(webhookPath(target), target).toBe("/webhooks/tracking");
  }
  expect(webhookPath("/Webhooks/Compliance/")).toBe("/webhooks/compliance");
  for (const target of [
    undefined,
    "",
    "/",
    "/webhooks",
    "/webhooks/trackingX",
    "/webhooks/tracking/x",
    "/webhooks/%zz",
    "/apps/track",
    "/webhooks/tracking%3Fx",
  ]) {
    expect(webhookPath(target), String(target)).toBeNull();
  }
});

describe.each(providers)("webhook ingest's node:http door on %s", (provider) => {
  let t: TestDb;
  let ingest: WebhookIngest;
  let server: http.Server;
  let base: string;
  let fellThrough: string[];

  async function listen(target: WebhookIngest): Promise<void> {
    fellThrough = [];
    server = http.createServer((req, res) => {
      if (target.handleNodeRequest(req, res)) return;
      fellThrough.push(`${req.method} ${req.url}`); // what server.mjs hands to Express and Remix
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeEach(async () => {
    t = await freshDb(provider);
    ingest = createWebhookIngest({ db: t.db, secret: SECRET });
    await listen(ingest);
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await ingest.close();
    await t.drop();
  });

  /** Sends a signed Request's method, headers and exact body over HTTP to the door. */
  async function send(request: Request, path = "/webhooks/tracking"): Promise<Sent> {
    const res = await fetch(`${base}${path}`, {
      method: request.method,
      headers: request.headers,
      body: request.method === "POST" ? await request.arrayBuffer() : undefined,
    });
    return { status: res.status, body: await res.text() };
  }

  it("stores a storm of concurrent deliveries once each, with one job each, and answers duplicates 200", async () => {
    const topics = ["orders/create", "fulfillments/create", "fulfillment_events/create"] as const;
    const payloads = [
      fixture("orders-create.1001"),
      fixture("fulfillments-create.1001.1-ups"),
      fixture("fulfillment_events-create.1001.1-in_transit"),
    ];
    const ids: string[] = Array.from({ length: 120 }, () => crypto.randomUUID());
    const bodies = ids.map((_, i) => JSON.stringify({ ...payloads[i % 3], id: 10_000 + i }));
    // Every delivery once, a third of them twice at the same moment (same group commit or the next).
    const deliveries = ids.flatMap((id, i) => {
      const one = () => signedWebhook(topics[i % 3]!, null, { webhookId: id, rawBody: bodies[i] });
      return i % 3 === 0 ? [one(), one()] : [one()];
    });
    const answers = await Promise.all(deliveries.map((d) => send(d)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body === "Duplicate delivery ignored")).toHaveLength(40);

    const receipts = await t.db.webhookReceipt.findMany();
    expect(receipts).toHaveLength(120);
    expect(new Set(receipts.map((r) => r.webhookId))).toEqual(new Set(ids));
    for (const r of receipts) expect(r.rawBody).toBe(bodies[ids.indexOf(r.webhookId)]);
    const jobs = await t.db.job.findMany({ where: { kind: "webhook.process" } });
    expect(jobs).toHaveLength(120);
    expect(new Set(jobs.map((j) => (j.payload as { receiptId: string }).receiptId))).toEqual(
      new Set(receipts.map((r) => r.id)),
    );

    // A redelivery in a later commit is a duplicate too, and adds nothing.
    const again = await send(signedWebhook("orders/create", null, { webhookId: ids[5], rawBody: bodies[5] }));
    expect(again).toEqual({ status: 200, body: "Duplicate delivery ignored" });
    expect(await t.db.webhookReceipt.count()).toBe(120);
    expect(await t.db.job.count()).toBe(120);
  });

  it("writes rows that read back through Prisma as Prisma writes them, and the queue claims their jobs", async () => {
    const triggeredAt = "2026-11-25T09:15:42.123Z";
    const before = Date.now();
    const request = signedWebhook("fulfillment_events/create", fixture("fulfillment_events-create.1001.1-in_transit"), {
      webhookId: "wh-read-back",
      triggeredAt,
    });
    expect((await send(request)).status).toBe(200);

    const r = await t.db.webhookReceipt.findUniqueOrThrow({ where: { webhookId: "wh-read-back" } });
    expect(r).toMatchObject({
      topic: "fulfillment_events/create",
      apiVersion: "2026-07",
      status: "received",
      attempts: 0,
      error: null,
      processedAt: null,
    });
    expect(r.triggeredAt?.toISOString()).toBe(triggeredAt);
    expect(r.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(r.receivedAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(r.headers).toMatchObject({
      "x-shopify-topic": "fulfillment_events/create",
      "x-shopify-webhook-id": "wh-read-back",
      "content-type": "application/json",
    });
    expect(r.eventId).toBe(request.headers.get("x-shopify-event-id"));

    // Prisma's own filters on the driver-written dates and JSON work as on its own rows.
    expect(
      await t.db.webhookReceipt.count({
        where: { receivedAt: { gte: new Date(before - 1) }, triggeredAt: { equals: new Date(triggeredAt) } },
      }),
    ).toBe(1);
    expect(
      await t.db.job.count({ where: { payload: { equals: { receiptId: r.id } }, runAfter: { lte: new Date() } } }),
    ).toBe(1);
    const claimed = await claimJobs(t.db, { workerId: "w", limit: 10, leaseMs: 60_000, now: new Date(Date.now() + 1) });
    expect(claimed).toEqual([
      expect.objectContaining({
        kind: "webhook.process",
        payload: { receiptId: r.id },
        shopDomain: r.shopDomain,
        attempts: 1,
        maxAttempts: 8,
      }),
    ]);
  });

  it("refuses forged, incomplete and oversized deliveries and stores nothing", async () => {
    const order = fixture("orders-create.1001");
    expect(await send(signedWebhook("orders/create", order, { secret: "forged" }))).toEqual({
      status: 401,
      body: "Unauthorized",
    });
    expect(await send(signedWebhook("orders/create", order, { omitHeaders: ["X-Shopify-Webhook-Id"] }))).toEqual({
      status: 400,
      body: "Missing webhook headers: X-Shopify-Webhook-Id",
    });
    const huge = JSON.stringify({ ...order, note: "x".repeat(MAX_WEBHOOK_BYTES) });
    expect((await send(signedWebhook("orders/create", null, { rawBody: huge }))).status).toBe(413);
    expect(await t.db.webhookReceipt.count()).toBe(0);
    expect(await t.db.job.count()).toBe(0);
  });

  it("serves all three webhook routes, and leaves every other request to Remix", async () => {
    const order = fixture("orders-create.1001");
    for (const path of ["/webhooks/tracking", "/webhooks/app", "/webhooks/compliance", "/webhooks/app?from=shopify"]) {
      expect((await send(signedWebhook("orders/create", order), path)).status).toBe(200);
    }
    // The spellings Remix would also route take the door too (else they would reach the route).
    for (const path of ["/webhooks/tracking/", "/WEBHOOKS/Tracking", "/webhooks/%74racking"]) {
      expect((await send(signedWebhook("orders/create", order), path)).status).toBe(200);
    }
    await send(new Request(`${base}/webhooks/tracking`), "/webhooks/tracking"); // GET: Remix answers 405
    await send(signedWebhook("orders/create", order), "/webhooks/trackingX");
    await send(signedWebhook("orders/create", order), "/apps/track");
    expect(fellThrough).toEqual(["GET /webhooks/tracking", "POST /webhooks/trackingX", "POST /apps/track"]);
    expect(await t.db.webhookReceipt.count()).toBe(7);
  });

  it("answers 503 to every delivery of a commit the database refused, so Shopify retries them all", async () => {
    const down =
      provider === "sqlite"
        ? createDb("file:/nonexistent-dir/waypoint.sqlite")
        : createDb("postgresql://nobody:nothing@127.0.0.1:1/none");
    const broken = createWebhookIngest({ db: down, secret: SECRET });
    await new Promise((resolve) => server.close(resolve));
    await listen(broken);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => send(signedWebhook("orders/create", fixture("orders-create.1001")))),
    );
    expect(answers).toEqual(Array.from({ length: 6 }, () => ({ status: 503, body: "Temporarily unavailable" })));
    await broken.close();
    await down.$disconnect();
  });

  it("waits without blocking the event loop while a Prisma transaction in this process holds the write lock", async () => {
    // The inline worker's transactions span awaits; on SQLite they hold the database's write lock
    // meanwhile. A webhook arriving then must wait for the lock without freezing the process (the
    // transaction can only finish if the event loop runs), and then be stored.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const worker = t.db.$transaction(async (tx) => {
      await tx.shop.create({ data: { domain: "lock-holder.myshopify.com" } });
      holding();
      await gate;
    });
    await held;
    const request = signedWebhook(
      "orders/create",
      { id: 1 },
      { webhookId: "during-lock", rawBody: JSON.stringify({ id: 1 }) },
    );
    const answer = ingest.accept({
      rawBody: JSON.stringify({ id: 1 }),
      header: (name) => request.headers.get(name),
      headerEntries: () => request.headers.entries(),
    });
    // accept() has already tried once, synchronously, and found the lock taken; the transaction
    // can finish only because that try did not wait inside SQLite.
    release();
    await worker;
    expect(await answer).toEqual({ status: 200, body: "OK" });
    expect(await t.db.webhookReceipt.count({ where: { webhookId: "during-lock" } })).toBe(1);
  });

  it("drain() resolves only when every accepted delivery is committed", async () => {
    // accept() hands a verified delivery to the writer before its first await, so all 30 are queued
    // when drain() is called.
    const pending = Array.from({ length: 30 }, (_, i) => {
      const request = signedWebhook(
        "orders/create",
        { id: i },
        { webhookId: `drain-${i}`, rawBody: JSON.stringify({ id: i }) },
      );
      return ingest.accept({
        rawBody: JSON.stringify({ id: i }),
        header: (name) => request.headers.get(name),
        headerEntries: () => request.headers.entries(),
      });
    });
    await ingest.drain();
    expect(await t.db.webhookReceipt.count({ where: { webhookId: { startsWith: "drain-" } } })).toBe(30);
    expect((await Promise.all(pending)).map((a) => a.status)).toEqual(Array.from({ length: 30 }, () => 200));
  });
});
