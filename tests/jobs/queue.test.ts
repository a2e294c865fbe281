// The durable queue on both databases: atomic claims, leases, retries with backoff, dead letters,
// singletons, replay, pruning, and several workers sharing one PostgreSQL queue.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimJobs, completeJob, enqueue, failJob, reclaimExpired, replayJob } from "~/jobs/queue.server";
import { pruneIngestion } from "~/pipeline/retention.server";
import { Worker } from "~/jobs/worker.server";
import { freshDb, postgresReady, providers, type TestDb } from "../support/db";

describe.each(providers)("job queue on %s", (provider) => {
  let t: TestDb;
  const t0 = new Date("2030-01-01T00:00:00Z");
  beforeEach(async () => {
    t = await freshDb(provider);
  });
  afterEach(async () => t.drop());

  it("claims each due job once, leaves future jobs alone, and completes only what it holds", async () => {
    await enqueue(t.db, { kind: "a", payload: { n: 1 }, runAfter: t0 });
    await enqueue(t.db, { kind: "a", payload: { n: 2 }, runAfter: new Date(t0.getTime() + 60_000) });
    const first = await claimJobs(t.db, { workerId: "w1", limit: 10, leaseMs: 30_000, now: t0 });
    const second = await claimJobs(t.db, { workerId: "w2", limit: 10, leaseMs: 30_000, now: t0 });
    expect(first.map((j) => j.payload)).toEqual([{ n: 1 }]);
    expect(first[0]!.attempts).toBe(1);
    expect(second).toEqual([]);
    expect(await completeJob(t.db, { ...first[0]!, lockedBy: "w2" }, t0)).toBe(false);
    expect(await completeJob(t.db, first[0]!, t0)).toBe(true);
    expect((await t.db.job.findUniqueOrThrow({ where: { id: first[0]!.id } })).status).toBe("done");
  });

  it("claims the priority lane (customer messages) before a backlog of webhook.process jobs that waited longer", async () => {
    const older = new Date(t0.getTime() - 60_000);
    await t.db.job.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({
        kind: "webhook.process",
        payload: { n: i },
        runAfter: new Date(older.getTime() + i),
      })),
    });
    await enqueue(t.db, { kind: "notify.send", payload: { m: 1 }, runAfter: t0 });
    await enqueue(t.db, { kind: "tracking.stage_changed", payload: { m: 2 }, runAfter: new Date(t0.getTime() + 1) });
    await enqueue(t.db, { kind: "notify.send", payload: { m: 3 }, runAfter: new Date(t0.getTime() + 60_000) }); // not due
    const lane = ["notify.send", "tracking.stage_changed"];
    const opts = { workerId: "w", limit: 5, leaseMs: 30_000, now: new Date(t0.getTime() + 1), priorityKinds: lane };
    const batch = await claimJobs(t.db, opts);
    // The lane first (by due time), then the batch filled from the backlog, oldest first.
    expect(batch.map((j) => j.kind)).toEqual([
      "notify.send",
      "tracking.stage_changed",
      ...Array(3).fill("webhook.process"),
    ]);
    expect(batch.slice(2).map((j) => j.payload)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    // A message enqueued while the backlog waits is the next claim's first job.
    await enqueue(t.db, { kind: "notify.send", payload: { m: 4 }, runAfter: t0 });
    const next = await claimJobs(t.db, { ...opts, limit: 1 });
    expect(next.map((j) => j.payload)).toEqual([{ m: 4 }]);
    // Without a lane, due time alone decides; and a worker limited to some kinds keeps to them.
    const plain = await claimJobs(t.db, { workerId: "w2", limit: 1, leaseMs: 30_000, now: t0 });
    expect(plain.map((j) => j.payload)).toEqual([{ n: 3 }]);
    await enqueue(t.db, { kind: "notify.send", payload: { m: 5 }, runAfter: t0 });
    const onlyWebhooks = await claimJobs(t.db, { ...opts, workerId: "w3", kinds: ["webhook.process"] });
    expect(onlyWebhooks.map((j) => j.kind)).toEqual(Array(5).fill("webhook.process"));
  });

  it("gives a crashed worker's job to another once the lease expires", async () => {
    await enqueue(t.db, { kind: "a", payload: {}, runAfter: t0 });
    const [job] = await claimJobs(t.db, { workerId: "crashed", limit: 1, leaseMs: 30_000, now: t0 });
    expect(await reclaimExpired(t.db, new Date(t0.getTime() + 10_000))).toBe(0);
    expect(await reclaimExpired(t.db, new Date(t0.getTime() + 31_000))).toBe(1);
    const [again] = await claimJobs(t.db, {
      workerId: "w2",
      limit: 1,
      leaseMs: 30_000,
      now: new Date(t0.getTime() + 31_000),
    });
    expect(again!.id).toBe(job!.id);
    expect(again!.attempts).toBe(2);
    // The crashed worker coming back cannot complete a job it no longer holds.
    expect(await completeJob(t.db, job!, t0)).toBe(false);
  });

  it("retries with backoff, dead-letters after maxAttempts, and replays from the dead letter", async () => {
    await enqueue(t.db, { kind: "a", payload: {}, runAfter: t0, maxAttempts: 2 });
    let [job] = await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 1000, now: t0 });
    expect(await failJob(t.db, job!, "boom 1", t0)).toBe("retry");
    const row = await t.db.job.findUniqueOrThrow({ where: { id: job!.id } });
    expect(row.runAfter.getTime()).toBeGreaterThanOrEqual(t0.getTime() + 1000);
    [job] = await claimJobs(t.db, { workerId: "w", limit: 1, leaseMs: 1000, now: new Date(t0.getTime() + 3_600_000) });
    expect(await failJob(t.db, job!, "boom 2", t0)).toBe("dead");
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({
      status: "dead",
      lastError: "boom 2",
    });
    expect(await replayJob(t.db, job!.id, t0)).toBe(true);
    expect(await t.db.job.findUniqueOrThrow({ where: { id: job!.id } })).toMatchObject({
      status: "queued",
      attempts: 0,
    });
  });

  it("keeps at most one live job per singleton key", async () => {
    await enqueue(t.db, { kind: "tick", payload: {}, singletonKey: "tick:1" });
    await enqueue(t.db, { kind: "tick", payload: {}, singletonKey: "tick:1" });
    expect(await t.db.job.count()).toBe(1);
  });

  it("a worker with no handler for a kind fails the job visibly instead of dropping it", async () => {
    await enqueue(t.db, { kind: "unknown.kind", payload: {}, runAfter: t0, maxAttempts: 1 });
    await new Worker(t.db, {}, { now: () => t0 }).drain();
    expect(await t.db.job.findFirstOrThrow()).toMatchObject({
      status: "dead",
      lastError: expect.stringContaining("unknown.kind"),
    });
  });

  it("prunes processed receipts and finished jobs past retention, keeping recent and failed ones", async () => {
    const old = new Date(t0.getTime() - 20 * 86_400_000);
    const recent = new Date(t0.getTime() - 86_400_000);
    const receipt = (id: string, status: string, receivedAt: Date) =>
      t.db.webhookReceipt.create({
        data: {
          webhookId: id,
          shopDomain: "s",
          topic: "orders/create",
          headers: {},
          rawBody: "{}",
          status,
          receivedAt,
        },
      });
    await receipt("old-ok", "processed", old);
    await receipt("new-ok", "processed", recent);
    await receipt("old-failed", "failed", old);
    await t.db.job.create({ data: { kind: "a", payload: {}, status: "done", finishedAt: old } });
    await t.db.job.create({ data: { kind: "a", payload: {}, status: "done", finishedAt: recent } });
    await t.db.job.create({ data: { kind: "a", payload: {}, status: "dead", finishedAt: old } });
    expect(await pruneIngestion(t.db, t0, { receiptDays: 14, jobDays: 7 })).toEqual({ receipts: 1, jobs: 1 });
    expect((await t.db.webhookReceipt.findMany({ orderBy: { webhookId: "asc" } })).map((r) => r.webhookId)).toEqual([
      "new-ok",
      "old-failed",
    ]);
  });
});

describe.skipIf(!postgresReady)("several workers on one PostgreSQL queue", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb("postgresql");
  });
  afterEach(async () => t.drop());

  it("runs every job exactly once across two workers with their own connection pools", async () => {
    const total = 400;
    await t.db.job.createMany({
      data: Array.from({ length: total }, (_, n) => ({ kind: "count", payload: { n }, runAfter: new Date(0) })),
    });
    const runs = new Map<number, string[]>();
    const handler = (name: string) => async (payload: unknown) => {
      const n = (payload as { n: number }).n;
      runs.set(n, [...(runs.get(n) ?? []), name]);
      await new Promise((r) => setImmediate(r)); // yield so the two workers interleave
    };
    const a = new Worker(t.connect({ max: 4 }), { count: handler("a") }, { id: "a", batchSize: 7 });
    const b = new Worker(t.connect({ max: 4 }), { count: handler("b") }, { id: "b", batchSize: 7 });
    await Promise.all([a.drain(), b.drain()]);
    expect(runs.size).toBe(total);
    const twice = [...runs.entries()].filter(([, who]) => who.length !== 1);
    expect(twice).toEqual([]);
    const shares = new Set([...runs.values()].map((who) => who[0]));
    expect(shares).toEqual(new Set(["a", "b"])); // both workers did real work
    expect(await t.db.job.count({ where: { status: "done" } })).toBe(total);
  });
});
