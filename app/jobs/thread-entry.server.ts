// The job worker's thread (WORKER=inline, the default): the same Worker as `npm run worker`, in a
// worker_threads thread of the web process, with its own event loop, Prisma client and database
// connection, so the webhook door's acknowledgements never wait behind a job (decision 008). Started
// and restarted by worker-thread.server.ts, which checked the database's migrations first; built to
// build/worker/job-thread.js by the production build (vite.config.ts).
import { parentPort } from "node:worker_threads";
import db, { prepareDb } from "../db.server";
import { env } from "../env.server";
import { errorMessage, logger } from "../lib/logger.server";
import { jobHandlers, PRIORITY_KINDS, scheduleMaintenance } from "./registry.server";
import type { FromThread, ToThread } from "./worker-thread.server";
import { untilAvailable, wakeWorkers, Worker } from "./worker.server";

const port = parentPort;
if (!port) throw new Error("thread-entry.server.ts runs as a worker thread (see jobs/worker-thread.server.ts)");
const say = (m: FromThread) => port.postMessage(m);

let worker: Worker | null = null;
let stopping = false;
port.on("message", (m: ToThread) => {
  if (m.type === "wake") wakeWorkers();
  else if (m.type === "stop" && !stopping) {
    stopping = true;
    void (async () => {
      await worker?.stop(); // finishes the batch in hand
      await db.$disconnect().catch((error: unknown) => logger.warn({ err: errorMessage(error) }, "disconnect failed"));
      say({ type: "stopped" });
      port.close(); // nothing keeps the thread alive: it exits
    })();
  }
});

// Connection settings (WAL, synchronous, foreign keys) are per connection: this thread has its own.
await untilAvailable("database", () => prepareDb(db));
if (!stopping) {
  worker = new Worker(db, jobHandlers, {
    batchSize: env().WORKER_BATCH,
    priorityKinds: PRIORITY_KINDS,
    // Retried by the worker through any outage, like its claims.
    startup: (client, now) => scheduleMaintenance(client, now),
  });
  worker.start();
  say({ type: "running", worker: worker.id });
}
