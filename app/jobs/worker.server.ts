// The worker: claims due jobs, runs each kind's handler, retries with backoff, dead-letters.
// Runs in a thread of the web process by default (WORKER=inline, jobs/worker-thread.server.ts) or
// alone (`npm run worker`), any number of them against PostgreSQL. Handlers are idempotent, so a job re-run after a lost lease is harmless.
//
// The database can go away at any moment (a failover, a restart, a full disk): the loop never dies
// of it. Whatever fails (start-up work, a claim, recording an outcome) is retried with backoff,
// logged once when the outage starts and once when it ends; an outcome the database missed is
// kept and recorded first once it answers, and the unrun rest of the batch is given back.
import crypto from "node:crypto";
import { EventEmitter } from "node:events";
import os from "node:os";
import type { Db } from "../db.server";
import { errorMessage, logger } from "../lib/logger.server";
import { retryDelay, type RetryOptions } from "./backoff";
import { type ClaimedJob, claimJobs, completeJob, failJob, reclaimExpired, releaseJob } from "./queue.server";

export interface JobContext {
  db: Db;
  now: () => Date;
  job: ClaimedJob;
}

/** What a batch handler says of each job it was given, in the same order. */
export type BatchOutcome =
  /** Done, and marked done in the handler's own transaction. */
  | { done: true }
  /** Failed: the worker records it (retry with backoff, or dead). */
  | { error: unknown }
  /** Not for the batch path: the worker runs it through the handler, alone. */
  | { single: true };

/**
 * Runs many claimed jobs of its kind at once, marking each done in the transaction that did its work
 * (webhook receipts: one commit for many, decision 014). Throws only when nothing was committed.
 */
export type BatchHandler = (
  jobs: ClaimedJob[],
  ctx: { db: Db; now: () => Date; workerId: string },
) => Promise<BatchOutcome[]>;

export type JobHandler = ((payload: unknown, ctx: JobContext) => Promise<void>) & { batch?: BatchHandler };
export type HandlerMap = Record<string, JobHandler>;

/**
 * A failure no retry can change (a body that does not parse, a payload that breaks its schema, a
 * topic nothing handles): the worker dead-letters the job at once instead of retrying it.
 */
export class PermanentJobError extends Error {
  override readonly name = "PermanentJobError";
}

/** Schedules `fn` after `ms`; returns a cancel. Tests pass one that needs no real time. */
export type Timer = (fn: () => void, ms: number) => () => void;

const realTimer: Timer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/** Pauses while the database does not answer: about 1 s, 2 s, 4 s ... up to 30 s (full jitter). */
export const OUTAGE_BACKOFF: RetryOptions = { baseMs: 1_000, capMs: 30_000, minMs: 250 };

/**
 * One dependency's outage, logged twice however long it lasts: when it starts (with the first
 * error) and when it ends (with how many tries failed). Each failure returns the pause before the
 * next try.
 */
export class Outage {
  private failures = 0;
  private since = 0;

  constructor(
    private readonly what: string,
    private readonly context: Record<string, unknown> = {},
    private readonly random: () => number = Math.random,
  ) {}

  get down(): boolean {
    return this.failures > 0;
  }

  failed(error: unknown, now: Date): number {
    this.failures += 1;
    if (this.failures === 1) {
      this.since = now.getTime();
      logger.error(
        { ...this.context, err: errorMessage(error) },
        `${this.what} unavailable: retrying with backoff until it answers`,
      );
    }
    return retryDelay(this.failures, this.random, OUTAGE_BACKOFF);
  }

  recovered(now: Date): void {
    if (this.failures === 0) return;
    logger.info(
      { ...this.context, failedTries: this.failures, downMs: now.getTime() - this.since },
      `${this.what} available again`,
    );
    this.failures = 0;
  }
}

/**
 * Runs `fn` until it succeeds, pausing with the outage backoff in between: start-up steps of a
 * process that may start before its database answers.
 */
export async function untilAvailable<T>(
  what: string,
  fn: () => Promise<T>,
  opts: { timer?: Timer; random?: () => number; now?: () => Date } = {},
): Promise<T> {
  const outage = new Outage(what, {}, opts.random);
  const now = opts.now ?? (() => new Date());
  const timer = opts.timer ?? realTimer;
  for (;;) {
    try {
      const result = await fn();
      outage.recovered(now());
      return result;
    } catch (error) {
      const ms = outage.failed(error, now());
      await new Promise<void>((resolve) => timer(resolve, ms));
    }
  }
}

export interface WorkerOptions {
  id?: string;
  batchSize?: number;
  leaseMs?: number;
  idleMs?: number;
  kinds?: string[];
  /** Kinds claimed before any other due job (the queue's priority lane: customer messages). */
  priorityKinds?: string[];
  now?: () => Date;
  /** Runs before the first claim, retried like any database call until it succeeds (e.g. scheduling maintenance). */
  startup?: (db: Db, now: Date) => Promise<void>;
  /** Schedules the loop's pauses (idle polls, outage backoff). */
  timer?: Timer;
  /** Jitter for the outage backoff (Math.random). */
  random?: () => number;
}

/** In-process wake-ups: the webhook route nudges an inline worker instead of waiting for a poll. */
const bell = new EventEmitter();
bell.setMaxListeners(100);
export function wakeWorkers(): void {
  bell.emit("wake");
}
/** Hears every wakeWorkers() of this process (the worker thread's host forwards them); returns an unsubscribe. */
export function onWake(listener: () => void): () => void {
  bell.on("wake", listener);
  return () => bell.off("wake", listener);
}

export class Worker {
  readonly id: string;
  private running = false;
  private loop: Promise<void> | null = null;
  private sleeper: (() => void) | null = null;
  private lastReclaim = 0;
  private startup: WorkerOptions["startup"] | null;
  /** Outcomes (completions, failures, releases) the database did not take yet, oldest first. */
  private readonly unsettled: (() => Promise<unknown>)[] = [];
  private readonly outage: Outage;
  private readonly opts: Required<Omit<WorkerOptions, "kinds" | "priorityKinds" | "id" | "startup">> & {
    kinds?: string[];
    priorityKinds?: string[];
  };

  constructor(
    private readonly db: Db,
    private readonly handlers: HandlerMap,
    options: WorkerOptions = {},
  ) {
    this.id = options.id ?? `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
    this.opts = {
      batchSize: options.batchSize ?? 20,
      leaseMs: options.leaseMs ?? 60_000,
      idleMs: options.idleMs ?? 500,
      now: options.now ?? (() => new Date()),
      kinds: options.kinds,
      priorityKinds: options.priorityKinds,
      timer: options.timer ?? realTimer,
      random: options.random ?? Math.random,
    };
    this.startup = options.startup ?? null;
    this.outage = new Outage("database", { worker: this.id }, this.opts.random);
  }

  /** Claims and runs one batch; returns how many jobs it ran. Throws when the database fails. */
  async runOnce(): Promise<number> {
    await this.settle();
    const now = this.opts.now();
    if (now.getTime() - this.lastReclaim > this.opts.leaseMs / 2) {
      await reclaimExpired(this.db, now);
      this.lastReclaim = now.getTime();
    }
    const jobs = await claimJobs(this.db, {
      workerId: this.id,
      limit: this.opts.batchSize,
      leaseMs: this.opts.leaseMs,
      now,
      kinds: this.opts.kinds,
      priorityKinds: this.opts.priorityKinds,
    });
    this.outage.recovered(this.opts.now()); // it answers again, whatever happens to this batch
    for (let i = 0; i < jobs.length;) {
      // Consecutive jobs of a kind with a batch handler go together (the lane's order is kept).
      const batch = this.handlers[jobs[i]!.kind]?.batch;
      let end = i + 1;
      if (batch) while (end < jobs.length && jobs[end]!.kind === jobs[i]!.kind) end++;
      try {
        if (batch) await this.runBatch(batch, jobs.slice(i, end));
        else await this.run(jobs[i]!);
      } catch (error) {
        // The database went away mid-batch: the jobs not run yet go back to the queue once it answers.
        for (const rest of jobs.slice(end)) this.unsettled.push(() => releaseJob(this.db, rest, this.opts.now()));
        throw error;
      }
      i = end;
    }
    return jobs.length;
  }

  /** Jobs of one kind through its batch handler; failures are recorded as `run` records them. */
  private async runBatch(batch: BatchHandler, jobs: ClaimedJob[]): Promise<void> {
    let outcomes: BatchOutcome[];
    try {
      outcomes = await batch(jobs, { db: this.db, now: this.opts.now, workerId: this.id });
    } catch (error) {
      // Nothing was committed: the jobs go back, unrun, once the database answers.
      for (const job of jobs) this.unsettled.push(() => releaseJob(this.db, job, this.opts.now()));
      throw error;
    }
    for (const [i, job] of jobs.entries()) {
      const outcome = outcomes[i];
      try {
        if (!outcome || "single" in outcome) await this.run(job);
        else if ("error" in outcome) {
          const record = () => this.recordFailure(job, outcome.error);
          try {
            await record();
          } catch (error) {
            this.unsettled.push(record);
            throw error;
          }
        }
      } catch (error) {
        // Those done are done (a release leaves a finished job alone); the others go back.
        for (const rest of jobs.slice(i + 1)) this.unsettled.push(() => releaseJob(this.db, rest, this.opts.now()));
        throw error;
      }
    }
  }

  /** Runs batches until no job is due (tests, the demo's catch-up, graceful shutdown). */
  async drain(maxBatches = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await this.runOnce();
      total += n;
      if (n === 0) break;
    }
    return total;
  }

  /** Records the outcomes the database missed, oldest first; throws (keeping the rest) if it still fails. */
  private async settle(): Promise<void> {
    while (this.unsettled.length > 0) {
      await this.unsettled[0]!();
      this.unsettled.shift();
    }
  }

  /** Runs one job and records its outcome; only a failure to record it (the database) escapes. */
  private async run(job: ClaimedJob): Promise<void> {
    let failure: { error: unknown } | null = null;
    try {
      const handler = this.handlers[job.kind];
      // Not permanent: during a rolling deploy an older worker can meet a kind only newer ones know.
      if (!handler) throw new Error(`No handler for job kind "${job.kind}"`);
      await handler(job.payload, { db: this.db, now: this.opts.now, job });
    } catch (error) {
      failure = { error };
    }
    const failed = failure;
    const record = failed
      ? () => this.recordFailure(job, failed.error)
      : () => completeJob(this.db, job, this.opts.now());
    try {
      await record();
    } catch (error) {
      this.unsettled.push(record);
      throw error;
    }
  }

  private async recordFailure(job: ClaimedJob, error: unknown): Promise<void> {
    const permanent = error instanceof PermanentJobError;
    const message = errorMessage(error);
    const outcome = await failJob(this.db, job, message, this.opts.now(), { permanent });
    const fields = { jobId: job.id, kind: job.kind, attempts: job.attempts, permanent, err: message };
    if (outcome === "dead") logger.error(fields, "job dead-lettered");
    else logger.warn(fields, "job failed, will retry");
  }

  /** Start-up work, then one batch; both are retried through an outage. */
  private async tick(): Promise<number> {
    if (this.startup) {
      await this.startup(this.db, this.opts.now());
      this.startup = null;
    }
    return this.runOnce();
  }

  private pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.sleeper = null;
        resolve();
      };
      const cancel = this.opts.timer(done, ms);
      this.sleeper = () => {
        cancel();
        done();
      };
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    // A new job cannot shorten an outage's backoff (it would only hammer a database that is down).
    const wake = () => {
      if (!this.outage.down) this.sleeper?.();
    };
    bell.on("wake", wake);
    this.loop = (async () => {
      while (this.running) {
        let pauseMs: number;
        try {
          const ran = await this.tick();
          pauseMs = ran === 0 ? this.opts.idleMs : 0;
        } catch (error) {
          pauseMs = this.outage.failed(error, this.opts.now());
        }
        if (pauseMs > 0 && this.running) await this.pause(pauseMs);
      }
      bell.off("wake", wake);
      // Last chance for outcomes the database missed; if it is still down, leases expire and the
      // jobs are claimed again (handlers are idempotent).
      await this.settle().catch((error: unknown) =>
        logger.warn(
          { worker: this.id, unsettled: this.unsettled.length, err: errorMessage(error) },
          "worker stopped with job outcomes unrecorded",
        ),
      );
    })();
  }

  /** Stops after the current batch (graceful: a claimed job is finished, not abandoned). */
  async stop(): Promise<void> {
    this.running = false;
    this.sleeper?.();
    await this.loop;
    this.loop = null;
  }
}
