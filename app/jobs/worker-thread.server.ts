// The default worker's host (WORKER=inline): runs the job worker in a worker_threads thread of the
// web process (thread-entry.server.ts), forwards the door's wake-ups to it, restarts it with backoff
// when it dies, and stops it gracefully (its batch finished) at shutdown. Decision 008 says why a
// thread and not a child process.
//
// The thread's module: from the production build, build/worker/job-thread.js, built beside
// build/server/index.js (which this code is part of) by vite.config.ts; from the sources (vite dev,
// tests), the TypeScript entry through tsx's loader, a development dependency.
import fs from "node:fs";
import { createRequire } from "node:module";
import { Worker as Thread } from "node:worker_threads";
import { errorMessage, logger } from "../lib/logger.server";
import { retryDelay, type RetryOptions } from "./backoff";
import { onWake, type Timer } from "./worker.server";

/** What the host tells the thread. */
export type ToThread = { type: "wake" } | { type: "stop" };
/** What the thread tells its host. */
export type FromThread = { type: "running"; worker: string } | { type: "stopped" };

/** Restarts after a crash: about 1 s, 2 s, 4 s ... up to 60 s apart (full jitter), reset once it has run for a while. */
export const RESTART_BACKOFF: RetryOptions = { baseMs: 1_000, capMs: 60_000, minMs: 500 };

export interface WorkerThreadOptions {
  /** The thread's module (tests give one that crashes); the job worker's entry by default. */
  entry?: URL;
  /** Passed to the thread as workerData. */
  workerData?: unknown;
  backoff?: RetryOptions;
  /** A thread that ran this long before dying counts as a first crash again. */
  stableMs?: number;
  /** How long stop() waits for the batch in hand before it terminates the thread. */
  stopTimeoutMs?: number;
  timer?: Timer;
  random?: () => number;
  /** Each start and each unexpected exit, for tests and the log. */
  onEvent?: (e: { type: "running"; worker: string; threadId: number } | { type: "crashed"; restarts: number }) => void;
}

const realTimer: Timer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

/** The job worker's own module, built or source (see the header). */
export function jobThreadEntry(): { entry: URL; source: boolean } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) {
    // build/server/index.js, or one of its chunks in build/server/assets/ should the bundler move this code.
    const built = ["../worker/job-thread.js", "../../worker/job-thread.js"]
      .map((p) => new URL(p, here))
      .find((u) => fs.existsSync(u));
    if (!built) throw new Error(`build/worker/job-thread.js is missing beside ${here}: run npm run build`);
    return { entry: built, source: false };
  }
  return { entry: new URL("./thread-entry.server.ts", here), source: true };
}

/** Loads a TypeScript entry in a thread through tsx (development and tests only). */
const TSX_BOOT = `
const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((m) => { m.register(); return import(workerData.entry); });
`;

export class WorkerThread {
  private thread: Thread | null = null;
  private stopping = false;
  private restarts = 0;
  private startedAt = 0;
  private cancelRestart: (() => void) | null = null;
  private wakeQueued = false;
  private exited: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private readonly timer: Timer;

  constructor(private readonly opts: WorkerThreadOptions = {}) {
    this.timer = opts.timer ?? realTimer;
    // A webhook stored: wake the thread's worker. One message per turn of the loop however many arrive.
    this.unsubscribe = onWake(() => {
      if (this.wakeQueued || !this.thread) return;
      this.wakeQueued = true;
      setImmediate(() => {
        this.wakeQueued = false;
        this.thread?.postMessage({ type: "wake" } satisfies ToThread);
      });
    });
  }

  get running(): boolean {
    return this.thread !== null;
  }

  start(): void {
    if (this.stopping || this.thread) return;
    const { entry, source } = this.opts.entry
      ? { entry: this.opts.entry, source: this.opts.entry.pathname.endsWith(".ts") }
      : jobThreadEntry();
    const workerData = this.opts.workerData;
    const thread = source
      ? new Thread(TSX_BOOT, {
          eval: true,
          workerData: { ...(workerData as object), entry: entry.href, tsx: tsxApi() },
        })
      : new Thread(entry, { workerData });
    this.thread = thread;
    this.startedAt = Date.now();
    let lastError: unknown = null;
    thread.on("message", (m: FromThread) => {
      if (m.type !== "running") return;
      logger.info({ worker: m.worker, threadId: thread.threadId }, "job worker thread started");
      this.opts.onEvent?.({ type: "running", worker: m.worker, threadId: thread.threadId });
    });
    thread.on("error", (error) => (lastError = error));
    this.exited = new Promise<void>((resolve) =>
      thread.once("exit", (code) => {
        this.thread = null;
        resolve();
        if (this.stopping) return;
        this.crashed(code, lastError);
      }),
    );
  }

  private crashed(code: number, error: unknown): void {
    if (Date.now() - this.startedAt > (this.opts.stableMs ?? 5 * 60_000)) this.restarts = 0;
    this.restarts += 1;
    const ms = retryDelay(this.restarts, this.opts.random ?? Math.random, this.opts.backoff ?? RESTART_BACKOFF);
    // Never silently gone: every death is an error in the log, with when it comes back.
    logger.error(
      {
        exitCode: code,
        err: error === null ? undefined : errorMessage(error),
        restarts: this.restarts,
        restartInMs: ms,
      },
      "job worker thread stopped unexpectedly: restarting",
    );
    this.opts.onEvent?.({ type: "crashed", restarts: this.restarts });
    this.cancelRestart = this.timer(() => {
      this.cancelRestart = null;
      this.start();
    }, ms);
  }

  /** Stops the thread after its worker's current batch (terminated past stopTimeoutMs); no restart follows. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.unsubscribe();
    this.cancelRestart?.();
    const thread = this.thread;
    if (!thread) return;
    thread.postMessage({ type: "stop" } satisfies ToThread);
    const limit = this.opts.stopTimeoutMs ?? 30_000;
    const cancel = this.timer(() => {
      logger.warn({ threadId: thread.threadId, waitedMs: limit }, "job worker thread did not stop in time: terminated");
      void thread.terminate();
    }, limit);
    await this.exited;
    cancel();
  }
}

function tsxApi(): string {
  // Resolved here (the app's node_modules), as the eval'd boot script has no module location of its own.
  const require = createRequire(import.meta.url);
  return new URL(`file://${require.resolve("tsx/esm/api")}`).href;
}
