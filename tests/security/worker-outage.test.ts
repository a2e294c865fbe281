// The worker survives the database going away: at start-up (maintenance scheduling), while
// claiming, and between running a job and recording its outcome. It backs off (retryDelay),
// logs the outage once and the recovery once, and afterwards runs every job exactly once.
// SQLite only: the wrapper that fails calls hides the client from dbProvider(), which picks the
// queue's SQL dialect; the outage handling itself sits above the queue and is the same for both.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { retryDelay } from "~/jobs/backoff";
import { enqueue } from "~/jobs/queue.server";
import { PRUNE, scheduleMaintenance } from "~/jobs/registry.server";
import { OUTAGE_BACKOFF, type Timer, untilAvailable, Worker } from "~/jobs/worker.server";
import { INTELLIGENCE_SCAN } from "~/intelligence/lanes.server";
import { logger } from "~/lib/logger.server";
import { freshDb, type TestDb } from "../support/db";
import { flakyDb } from "../jobs/flaky-db";

const OUTAGE = /database unavailable/;
const RECOVERED = /database available again/;

/** Fires every pause on the next turn of the event loop and records its length: no real waiting. */
function instantTimer() {
  const pauses: number[] = [];
  const timer: Timer = (fn, ms) => {
    pauses.push(ms);
    const t = setImmediate(fn);
    return () => clearImmediate(t);
  };
  return { timer, pauses };
}

function logCount(spy: { mock: { calls: unknown[][] } }, pattern: RegExp): number {
  return spy.mock.calls.filter((args) => args.some((a) => typeof a === "string" && pattern.test(a))).length;
}

/** Resolves once `n` jobs have run. */
function counter(n: number) {
  const runs = new Map<string, number>();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const handler = async (payload: unknown) => {
    const name = (payload as { name: string }).name;
    runs.set(name, (runs.get(name) ?? 0) + 1);
    if ([...runs.values()].reduce((a, b) => a + b, 0) >= n) done();
  };
  return { runs, finished, handler };
}

describe("the worker through a database outage (sqlite)", () => {
  let t: TestDb;
  let errors: ReturnType<typeof vi.spyOn>;
  let infos: ReturnType<typeof vi.spyOn>;
  const random = () => 0.9;

  beforeEach(async () => {
    t = await freshDb("sqlite");
    errors = vi.spyOn(logger, "error");
    infos = vi.spyOn(logger, "info");
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.drop();
  });

  it("keeps running when the database fails at start-up, schedules maintenance and runs jobs once it answers", async () => {
    for (const name of ["a", "b", "c"])
      await enqueue(t.db, { kind: "count", payload: { name }, runAfter: new Date(0) });
    const flaky = flakyDb(t.db, { failFirst: 6 });
    const { timer, pauses } = instantTimer();
    const { runs, finished, handler } = counter(3);
    const worker = new Worker(
      flaky.db,
      { count: handler },
      {
        kinds: ["count"],
        timer,
        random,
        startup: (db, now) => scheduleMaintenance(db, now),
      },
    );
    worker.start();
    await finished;
    await worker.stop();

    expect(flaky.failed()).toBe(6);
    expect(Object.fromEntries(runs)).toEqual({ a: 1, b: 1, c: 1 });
    expect(await t.db.job.count({ where: { kind: "count", status: "done" } })).toBe(3);
    // The start-up work was retried until it went through: both recurring jobs are scheduled.
    expect(await t.db.job.count({ where: { kind: { in: [PRUNE, INTELLIGENCE_SCAN] }, status: "queued" } })).toBe(2);
    // One backoff pause per failure, growing as retryDelay says (the idle polls are 500 ms).
    expect(pauses.filter((ms) => ms !== 500).slice(0, 6)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, random, OUTAGE_BACKOFF)),
    );
    expect(logCount(errors, OUTAGE)).toBe(1);
    expect(logCount(infos, RECOVERED)).toBe(1);
  });

  it("records a finished job's outcome after the outage instead of running it again, and gives back the rest of its batch", async () => {
    await enqueue(t.db, { kind: "count", payload: { name: "first" }, runAfter: new Date(0) });
    for (const name of ["second", "third"])
      await enqueue(t.db, { kind: "count", payload: { name }, runAfter: new Date(1000) });
    const flaky = flakyDb(t.db);
    const { timer } = instantTimer();
    const { runs, finished, handler } = counter(3);
    const worker = new Worker(
      flaky.db,
      {
        count: async (payload) => {
          await handler(payload);
          // The database goes away right after the first job ran, before its completion is written.
          if ((payload as { name: string }).name === "first") flaky.fail(4);
        },
      },
      { timer, random, batchSize: 10 },
    );
    worker.start();
    await finished;
    await worker.stop();

    expect(flaky.failed()).toBe(4);
    expect(Object.fromEntries(runs)).toEqual({ first: 1, second: 1, third: 1 });
    const jobs = await t.db.job.findMany({ select: { status: true, attempts: true } });
    // Released unrun, the second and third kept their attempt; nobody is left running.
    expect(jobs).toEqual([1, 2, 3].map(() => ({ status: "done", attempts: 1 })));
    expect(logCount(errors, OUTAGE)).toBe(1);
    expect(logCount(infos, RECOVERED)).toBe(1);
  });

  it("logs one outage however many polls fail, and each new outage once more", async () => {
    const flaky = flakyDb(t.db, { failFirst: 25 });
    const { timer } = instantTimer();
    const { finished, handler } = counter(2);
    const worker = new Worker(
      flaky.db,
      {
        count: async (payload) => {
          await handler(payload);
          if ((payload as { name: string }).name === "one") flaky.fail(3); // a second, shorter outage
        },
      },
      { timer, random },
    );
    await enqueue(t.db, { kind: "count", payload: { name: "one" }, runAfter: new Date(0) });
    await enqueue(t.db, { kind: "count", payload: { name: "two" }, runAfter: new Date(1000) });
    worker.start();
    await finished;
    await worker.stop();
    expect(flaky.failed()).toBe(28);
    expect(logCount(errors, OUTAGE)).toBe(2);
    expect(logCount(infos, RECOVERED)).toBe(2);
  });

  it("untilAvailable (the standalone worker's start-up) waits for the database the same way", async () => {
    const flaky = flakyDb(t.db, { failFirst: 3 });
    const { timer, pauses } = instantTimer();
    await expect(
      untilAvailable("database", () => flaky.db.$queryRawUnsafe("SELECT 1"), { timer, random }),
    ).resolves.toBeDefined();
    expect(pauses).toEqual([1, 2, 3].map((n) => retryDelay(n, random, OUTAGE_BACKOFF)));
    expect(logCount(errors, OUTAGE)).toBe(1);
    expect(logCount(infos, RECOVERED)).toBe(1);
  });
});
