// Retention on SQLite and PostgreSQL: each shop's own settings decide how long its processed raw
// webhooks (customers' contacts and addresses) and finished jobs are kept; rows of no known shop follow
// the environment's defaults (14 and 7 days); failed and dead rows stay 30 days for the failures page.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pruneIngestion } from "~/pipeline/retention.server";
import { freshDb, providers, type TestDb } from "../support/db";

const NOW = new Date("2030-01-01T00:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

describe.each(providers)("retention on %s", (provider) => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb(provider);
    await t.db.shop.create({ data: { domain: "brief.myshopify.com", receiptRetentionDays: 2, jobRetentionDays: 1 } });
    await t.db.shop.create({ data: { domain: "long.myshopify.com", receiptRetentionDays: 60, jobRetentionDays: 45 } });
  });
  afterEach(async () => t.drop());

  const receipt = (webhookId: string, shopDomain: string, status: string, age: number) =>
    t.db.webhookReceipt.create({
      data: {
        webhookId,
        shopDomain,
        topic: "orders/create",
        headers: {},
        rawBody: "{}",
        status,
        receivedAt: daysAgo(age),
      },
    });
  const job = (kind: string, shopDomain: string | null, status: string, age: number) =>
    t.db.job.create({ data: { kind, payload: {}, shopDomain, status, finishedAt: daysAgo(age) } });
  const left = async () => ({
    receipts: (await t.db.webhookReceipt.findMany({ orderBy: { webhookId: "asc" } })).map((r) => r.webhookId),
    jobs: (await t.db.job.findMany({ orderBy: { kind: "asc" } })).map((j) => j.kind),
  });

  it("keeps each shop's processed receipts and finished jobs exactly as long as its settings say", async () => {
    await receipt("brief-3d", "brief.myshopify.com", "processed", 3);
    await receipt("brief-1d", "brief.myshopify.com", "processed", 1);
    await receipt("long-50d", "long.myshopify.com", "processed", 50);
    await receipt("long-70d", "long.myshopify.com", "processed", 70);
    await receipt("stranger-10d", "stranger.myshopify.com", "processed", 10);
    await receipt("stranger-20d", "stranger.myshopify.com", "processed", 20);
    await receipt("brief-failed-20d", "brief.myshopify.com", "failed", 20);
    await receipt("long-failed-40d", "long.myshopify.com", "failed", 40);
    await job("brief-2d", "brief.myshopify.com", "done", 2);
    await job("long-40d", "long.myshopify.com", "done", 40);
    await job("long-50d", "long.myshopify.com", "done", 50);
    await job("app-5d", null, "done", 5);
    await job("app-8d", null, "done", 8);
    await job("brief-dead-20d", "brief.myshopify.com", "dead", 20);

    expect(await pruneIngestion(t.db, NOW)).toEqual({ receipts: 4, jobs: 3 });
    expect(await left()).toEqual({
      receipts: ["brief-1d", "brief-failed-20d", "long-50d", "stranger-10d"],
      jobs: ["app-5d", "brief-dead-20d", "long-40d"],
    });
    // Idempotent: a second run finds nothing more.
    expect(await pruneIngestion(t.db, NOW)).toEqual({ receipts: 0, jobs: 0 });
  });

  it("a shop that shortens its retention has its older receipts gone at the next run", async () => {
    await receipt("long-30d", "long.myshopify.com", "processed", 30);
    expect(await pruneIngestion(t.db, NOW)).toEqual({ receipts: 0, jobs: 0 });
    await t.db.shop.update({ where: { domain: "long.myshopify.com" }, data: { receiptRetentionDays: 7 } });
    expect(await pruneIngestion(t.db, NOW)).toEqual({ receipts: 1, jobs: 0 });
  });

  it("explicit days override every shop (a one-off purge)", async () => {
    await receipt("long-5d", "long.myshopify.com", "processed", 5);
    await job("long-5d", "long.myshopify.com", "done", 5);
    expect(await pruneIngestion(t.db, NOW, { receiptDays: 3, jobDays: 3 })).toEqual({ receipts: 1, jobs: 1 });
  });
});
