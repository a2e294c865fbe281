// The worker: claims due jobs, runs each kind's handler, retries with backoff, dead-letters.
// Runs in the web process by default (WORKER=inline) or alone (`npm run worker`), any number of
// them against PostgreSQL. Handlers are idempotent, so a job re-run after a lost lease is harmless.
import crypto from "node:crypto";
import { EventEmitter } from "node:events";
import os from "node:os";
import type { Db } from "../db.server";
import { errorMessage, logger } from "../lib/logger.server";
import { type ClaimedJob, claimJobs, completeJob, failJob, reclaimExpired } from "./queue.server";

export interface JobContext {
  db: Db;
  now: () => Date;
  job: ClaimedJob;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;
export type HandlerMap = Record<string, JobHandler>;

export interface WorkerOptions {
  id?: string;
  batchSize?: number;
  leaseMs?: number;
  idleMs?: number;
  kinds?: string[];
  now?: () => Date;
}

/** In-process wake-ups: the webhook route nudges an inline worker instead of waiting for a poll. */
const bell = new EventEmitter();
bell.setMaxListeners(100);
export function wakeWorkers(): void {
  bell.emit("wake");
}

export class Worker {
  readonly id: string;
  private running = false;
  private loop: Promise<void> | null = null;
  private sleeper: (() => void) | null = null;
  private lastReclaim = 0;
  private readonly opts: Required<Omit<WorkerOptions, "kinds" | "id">> & { kinds?: string[] };

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
    };
  }

  /** Claims and runs one batch; returns how many jobs it ran. */
  async runOnce(): Promise<number> {
    const now = this.opts.now();
    if (now.getTime() - this.lastReclaim > this.opts.leaseMs / 2) {
      this.lastReclaim = now.getTime();
      await reclaimExpired(this.db, now);
    }
    const jobs = await claimJobs(this.db, {
      workerId: this.id,
      limit: this.opts.batchSize,
      leaseMs: this.opts.leaseMs,
      now,
      kinds: this.opts.kinds,
    });
    for (const job of jobs) await this.run(job);
    return jobs.length;
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

  private async run(job: ClaimedJob): Promise<void> {
    const handler = this.handlers[job.kind];
    try {
      if (!handler) throw new Error(`No handler for job kind "${job.kind}"`);
      await handler(job.payload, { db: this.db, now: this.opts.now, job });
      await completeJob(this.db, job, this.opts.now());
    } catch (error) {
      const message = errorMessage(error);
      const outcome = await failJob(this.db, job, message, this.opts.now());
      logger[outcome === "dead" ? "error" : "warn"]({ jobId: job.id, kind: job.kind, attempts: job.attempts, err: message }, outcome === "dead" ? "job dead-lettered" : "job failed, will retry");
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const wake = () => this.sleeper?.();
    bell.on("wake", wake);
    this.loop = (async () => {
      while (this.running) {
        let ran = 0;
        try {
          ran = await this.runOnce();
        } catch (error) {
          logger.error({ worker: this.id, err: errorMessage(error) }, "worker could not claim jobs");
        }
        if (ran === 0 && this.running) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.opts.idleMs);
            this.sleeper = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          this.sleeper = null;
        }
      }
      bell.off("wake", wake);
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
