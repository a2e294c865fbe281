// `npm run worker`: a standalone worker process (run any number against PostgreSQL; with SQLite,
// run the web process with WORKER=off and one of these, or keep the default inline worker, a thread
// of the web process).
// It runs as a plain `node --import tsx` process, so the SIGTERM a supervisor sends reaches this
// process itself (not a wrapper) and it finishes its batch before exiting. A database that does not
// answer yet (a supervisor can start the worker first) is waited for; migrations that are behind
// are a configuration problem, said in one line before exiting.
import db, { prepareDb } from "../app/db.server";
import { env } from "../app/env.server";
import { jobHandlers, PRIORITY_KINDS, scheduleMaintenance } from "../app/jobs/registry.server";
import { logger } from "../app/lib/logger.server";
import { checkDatabase } from "../app/runtime.server";
import { untilAvailable, Worker } from "../app/jobs/worker.server";

let worker: Worker | null = null;
let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping worker after the current batch...`);
  await worker?.stop();
  await db.$disconnect();
  process.exit(0);
};
process.once("SIGINT", () => void stop("SIGINT"));
process.once("SIGTERM", () => void stop("SIGTERM"));

const config = env();
await untilAvailable("database", () => db.$queryRawUnsafe("SELECT 1"));
const problem = await checkDatabase(db, config.DATABASE_URL);
if (problem) {
  console.error(problem);
  process.exit(1);
}
await untilAvailable("database", () => prepareDb(db));
if (!stopping) {
  worker = new Worker(db, jobHandlers, {
    batchSize: config.WORKER_BATCH,
    priorityKinds: PRIORITY_KINDS,
    // Retried by the worker through any outage, like its claims.
    startup: (client, now) => scheduleMaintenance(client, now),
  });
  worker.start();
  logger.info({ worker: worker.id }, "worker started");
  console.log(`waypoint worker ${worker.id} running (Ctrl-C to stop)`);
}
