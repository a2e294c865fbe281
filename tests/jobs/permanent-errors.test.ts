// Permanent failures are dead-lettered at once (a body that does not parse will not parse on the
// eighth try), transient ones are still retried with backoff; both stay visible where the admin's
// failures page looks (failed receipts and dead jobs of the shop).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { enqueue } from "~/jobs/queue.server";
import { jobHandlers } from "~/jobs/registry.server";
import { PermanentJobError, Worker } from "~/jobs/worker.server";
import { PROCESS_RECEIPT } from "~/ingest/receipt-store.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook, TEST_SHOP } from "../support/shopify-webhooks";
import { flakyDb } from "./flaky-db";

/** What app.failures.tsx lists for a shop: its failed receipts and its dead jobs. */
async function failuresPage(t: TestDb, shopDomain: string) {
  const [receipts, jobs] = await Promise.all([
    t.db.webhookReceipt.findMany({
      where: { shopDomain, status: "failed" },
      select: { topic: true, error: true, attempts: true },
    }),
    t.db.job.findMany({
      where: { shopDomain, status: "dead" },
      select: { kind: true, lastError: true, attempts: true },
    }),
  ]);
  return { receipts, jobs };
}

describe.each(providers)("permanent and transient job failures on %s", (provider) => {
  let t: TestDb;
  let clock: Date;
  beforeEach(async () => {
    t = await freshDb(provider);
    clock = new Date(Date.now() + 60_000); // receipts' jobs are due at real time
  });
  afterEach(async () => t.drop());

  it("a signed webhook whose body is not JSON is dead after exactly one attempt, with the reason shown", async () => {
    const res = await receiverFor(t.db)(
      signedWebhook("orders/create", null, {
        rawBody: '{"id": 1, "email": maya.chen@example.com}',
        webhookId: "bad-json",
      }),
    );
    expect(res.status).toBe(200);
    await new Worker(t.db, jobHandlers, { now: () => clock }).drain();
    const job = await t.db.job.findFirstOrThrow({ where: { kind: PROCESS_RECEIPT } });
    expect(job).toMatchObject({ status: "dead", attempts: 1 });
    const page = await failuresPage(t, TEST_SHOP);
    expect(page.receipts).toEqual([
      {
        topic: "orders/create",
        error: expect.stringMatching(/^orders\/create payload: body is not valid JSON/),
        attempts: 1,
      },
    ]);
    expect(page.jobs).toEqual([{ kind: PROCESS_RECEIPT, lastError: page.receipts[0]!.error, attempts: 1 }]);
    // The stored reason never quotes the body (V8's message would: ..."{"email": maya.chen@"...).
    expect(page.receipts[0]!.error).not.toMatch(/maya/i);
  });

  it("a payload that breaks its schema and a topic nothing handles are dead at once too", async () => {
    const receive = receiverFor(t.db);
    const order = fixture("orders-create.1001");
    delete order.line_items;
    await receive(signedWebhook("orders/create", order, { webhookId: "schema" }));
    await receive(signedWebhook("products/create", { id: 1 }, { webhookId: "topic" }));
    await new Worker(t.db, jobHandlers, { now: () => clock }).drain();
    const page = await failuresPage(t, TEST_SHOP);
    expect(page.jobs.map((j) => j.attempts)).toEqual([1, 1]);
    expect(page.receipts.map((r) => r.error).sort()).toEqual([
      expect.stringMatching(/^orders\/create payload: line_items /),
      expect.stringMatching(/^products\/create payload: topic /),
    ]);
  });

  it("a transient error (the database, mid-processing) is still retried with backoff, then succeeds", async () => {
    await receiverFor(t.db)(signedWebhook("orders/create", fixture("orders-create.1001"), { webhookId: "ok" }));
    // The handler's first database read fails as if the server were unreachable.
    const flaky = flakyDb(t.db, { failFirst: 1, only: (call) => call === "shop.findUnique" });
    const handlers = {
      ...jobHandlers,
      [PROCESS_RECEIPT]: (p: unknown, ctx: Parameters<(typeof jobHandlers)[string]>[1]) =>
        jobHandlers[PROCESS_RECEIPT]!(p, { ...ctx, db: flaky.db }),
    };
    const worker = new Worker(t.db, handlers, { now: () => clock });
    await worker.drain();
    let job = await t.db.job.findFirstOrThrow({ where: { kind: PROCESS_RECEIPT } });
    expect(job).toMatchObject({
      status: "queued",
      attempts: 1,
      lastError: expect.stringMatching(/reach database server/),
    });
    expect(job.runAfter.getTime()).toBeGreaterThan(clock.getTime());
    expect((await t.db.webhookReceipt.findFirstOrThrow()).status).toBe("failed");

    clock = new Date(job.runAfter.getTime() + 1);
    await worker.drain();
    job = await t.db.job.findUniqueOrThrow({ where: { id: job.id } });
    expect(job).toMatchObject({ status: "done", attempts: 2 });
    expect((await t.db.webhookReceipt.findFirstOrThrow()).status).toBe("processed");
    expect(await t.db.order.count()).toBe(1);
  });

  it("any handler can throw PermanentJobError; other errors use up their attempts first", async () => {
    await enqueue(t.db, { kind: "permanent", payload: {}, shopDomain: TEST_SHOP, runAfter: new Date(0) });
    await enqueue(t.db, { kind: "flaky", payload: {}, shopDomain: TEST_SHOP, runAfter: new Date(0), maxAttempts: 3 });
    const worker = new Worker(
      t.db,
      {
        permanent: async () => {
          throw new PermanentJobError("cannot ever work");
        },
        flaky: async () => {
          throw new Error("try later");
        },
      },
      { now: () => clock },
    );
    await worker.drain();
    expect(await t.db.job.findFirstOrThrow({ where: { kind: "permanent" } })).toMatchObject({
      status: "dead",
      attempts: 1,
      lastError: "cannot ever work",
    });
    expect(await t.db.job.findFirstOrThrow({ where: { kind: "flaky" } })).toMatchObject({
      status: "queued",
      attempts: 1,
    });
  });
});
