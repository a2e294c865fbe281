// `npm run worker`: a standalone worker process (run any number against PostgreSQL; with SQLite,
// run the web process with WORKER=off and one of these, or keep the default inline worker).
import db, { prepareDb } from "../app/db.server";
import { env } from "../app/env.server";
import { jobHandlers, scheduleMaintenance } from "../app/jobs/registry.server";
import { logger } from "../app/lib/logger.server";
import { checkDatabase } from "../app/runtime.server";
import { Worker } from "../app/jobs/worker.server";

const config = env();
const problem = await checkDatabase(db, config.DATABASE_URL);
if (problem) {
  console.error(problem);
  process.exit(1);
}
await prepareDb(db);
const worker = new Worker(db, jobHandlers, { batchSize: Number(process.env.WORKER_BATCH ?? 20) });
worker.start();
await scheduleMaintenance(db);
logger.info({ worker: worker.id }, "worker started");
console.log(`waypoint worker ${worker.id} running (Ctrl-C to stop)`);

const stop = async () => {
  console.log("stopping worker after the current batch...");
  await worker.stop();
  await db.$disconnect();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
