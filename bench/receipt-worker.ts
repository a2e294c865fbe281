// A worker process that claims only `webhook.process` jobs (bench/worker.ts): the same Worker and
// handlers as `npm run worker`, so the receipts-per-second figure is the pipeline's alone and the
// domain events the receipts cause stay queued for the checks.
//   node --import tsx bench/receipt-worker.ts    (DATABASE_URL and the secrets from the environment)
import db, { prepareDb } from "../app/db.server";
import { env } from "../app/env.server";
import { PROCESS_RECEIPT } from "../app/ingest/receipt-store.server";
import { jobHandlers } from "../app/jobs/registry.server";
import { Worker } from "../app/jobs/worker.server";

await prepareDb(db);
const worker = new Worker(db, jobHandlers, { batchSize: env().WORKER_BATCH, kinds: [PROCESS_RECEIPT] });
process.once("SIGTERM", () => {
  void worker
    .stop()
    .then(() => db.$disconnect())
    .then(() => process.exit(0));
});
worker.start();
console.log(`bench receipt worker ${worker.id} running`);
