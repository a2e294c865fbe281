// The failures page's queries on SQLite and PostgreSQL: one shop's failed receipts and dead jobs in
// cursor pages, newest first, and replays that never reach another shop's rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listFailures, PAGE_SIZE, replayFailures } from "~/admin/failures.server";
import { freshDb, providers, type TestDb } from "../support/db";

const SHOP = "failures-shop.myshopify.com";
const OTHER = "other-shop.myshopify.com";
const T0 = Date.parse("2026-03-01T12:00:00Z");

function form(fields: Record<string, string | string[]>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
  return f;
}

describe.each(providers)("failures on %s", (provider) => {
  let t: TestDb;
  let newestFirst: string[];
  let otherReceipt: string;
  let otherJob: string;
  let ownJob: string;

  beforeAll(async () => {
    t = await freshDb(provider);
    const receipt = (shopDomain: string, i: number, status = "failed") =>
      t.db.webhookReceipt.create({
        data: { webhookId: `${shopDomain}-${i}`, shopDomain, topic: "orders/updated", headers: {}, rawBody: "{}", status, error: `failure ${i}`, attempts: 3, receivedAt: new Date(T0 + i * 60_000) },
      });
    const created = [];
    for (let i = 0; i < PAGE_SIZE + 1; i++) created.push(await receipt(SHOP, i));
    newestFirst = created.reverse().map((r) => r.id);
    await receipt(SHOP, 100, "processed");
    otherReceipt = (await receipt(OTHER, 0)).id;
    const job = (shopDomain: string) =>
      t.db.job.create({ data: { kind: "notifications.send", payload: {}, shopDomain, status: "dead", attempts: 8, lastError: "gave up", finishedAt: new Date(T0) } });
    ownJob = (await job(SHOP)).id;
    otherJob = (await job(OTHER)).id;
  });
  afterAll(async () => {
    await t.drop();
  });

  it("pages the shop's failed receipts newest first, and lists only its dead jobs", async () => {
    const first = await listFailures(SHOP, new URLSearchParams(), t.db);
    expect(first.receiptCount).toBe(PAGE_SIZE + 1);
    expect(first.receipts.map((r) => r.id)).toEqual(newestFirst.slice(0, PAGE_SIZE));
    expect(first.receiptsNext).toBe(newestFirst[PAGE_SIZE - 1]);
    expect(first.receipts[0]).toMatchObject({ topic: "orders/updated", error: `failure ${PAGE_SIZE}`, receivedAt: new Date(T0 + PAGE_SIZE * 60_000).toISOString() });
    expect(first.jobs.map((j) => j.id)).toEqual([ownJob]);
    expect(first.jobCount).toBe(1);
    expect(first.jobsNext).toBeNull();

    const second = await listFailures(SHOP, new URLSearchParams({ rcursor: first.receiptsNext! }), t.db);
    expect(second.receipts.map((r) => r.id)).toEqual(newestFirst.slice(PAGE_SIZE));
    expect(second.receiptsNext).toBeNull();
  });

  it("replays only this shop's rows and says how many were skipped", async () => {
    const mine = newestFirst[0]!;
    const r = await replayFailures(SHOP, form({ intent: "replay_receipts", ids: [mine, otherReceipt] }), t.db);
    expect(r).toEqual({ ok: false, error: "1 were already replayed or not found", replayed: 1 });
    expect((await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: mine } })).status).toBe("received");
    expect((await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: otherReceipt } })).status).toBe("failed");

    expect(await replayFailures(SHOP, form({ intent: "replay_jobs", ids: [otherJob] }), t.db)).toMatchObject({ ok: false, replayed: 0 });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: otherJob } })).status).toBe("dead");
    expect(await replayFailures(SHOP, form({ intent: "replay_jobs", ids: [ownJob] }), t.db)).toEqual({ ok: true, error: null, replayed: 1 });
    expect((await t.db.job.findUniqueOrThrow({ where: { id: ownJob } })).status).toBe("queued");
  });

  it("refuses an empty selection or an unknown intent without touching anything", async () => {
    expect(await replayFailures(SHOP, form({ intent: "replay_receipts" }), t.db)).toEqual({ ok: false, error: "Select at least one", replayed: 0 });
    const unknown = await replayFailures(SHOP, form({ intent: "delete_everything", ids: [newestFirst[1]!] }), t.db);
    expect(unknown).toMatchObject({ ok: false, replayed: 0 });
    expect((await t.db.webhookReceipt.findUniqueOrThrow({ where: { id: newestFirst[1]! } })).status).toBe("failed");
  });
});
