// Process wiring: the environment, the database check, the webhook receiver and the inline worker
// (a thread of this process by default, decision 008). Everything here happens once per process;
// routes import the ready-made pieces.
import fs from "node:fs";
import path from "node:path";
import db, { type Db, dbProvider, prepareDb } from "./db.server";
import { env } from "./env.server";
import { DEFAULT_DATABASE_URL, maskDatabaseUrl } from "./lib/db-target.mjs";
import { createWebhookIngest, type WebhookIngest } from "./ingest/door.server";
import { jobHandlers, PRIORITY_KINDS, scheduleMaintenance } from "./jobs/registry.server";
import { WorkerThread } from "./jobs/worker-thread.server";
import { errorMessage, logger } from "./lib/logger.server";
import { flushStorefront } from "./storefront/handlers.server";
import { Worker } from "./jobs/worker.server";

declare global {
  var __waypointIngest: WebhookIngest | undefined;
}

/**
 * Webhook ingest for this process: the Remix routes and the production server's fast path share it.
 * Kept on globalThis like the Prisma client, so Vite's dev reloads do not open a connection each time.
 */
globalThis.__waypointIngest ??= createWebhookIngest({ db, secret: env().SHOPIFY_API_SECRET });
export const webhookIngest: WebhookIngest = globalThis.__waypointIngest;
export const receiveWebhook = webhookIngest.receiveWebhook;

/** One clear line when the database cannot be reached or its migrations are behind. */
export async function checkDatabase(client: Db, url: string | undefined): Promise<string | null> {
  const safeUrl = maskDatabaseUrl(url ?? DEFAULT_DATABASE_URL);
  const provider = dbProvider(client);
  let applied: string[];
  try {
    const rows = await client.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    applied = rows.map((r) => r.migration_name);
  } catch (error) {
    const msg = errorMessage(error);
    if (/no such table|does not exist/i.test(msg)) {
      return `Database ${safeUrl} has no migrations applied. Run: npm run setup`;
    }
    const reason =
      msg.match(/Message: `([^`]+)`/)?.[1] ??
      msg
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1) ??
      "no answer";
    return `Cannot reach the ${provider} database at ${safeUrl} (${reason}). Start it or set DATABASE_URL.`;
  }
  const dir = path.resolve(provider === "postgresql" ? "prisma/postgresql/migrations" : "prisma/migrations");
  const expected = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((d) => fs.statSync(path.join(dir, d)).isDirectory())
    : [];
  const pending = expected.filter((m) => !applied.includes(m));
  if (pending.length > 0) {
    return `Database ${safeUrl} is behind: ${pending.length} migration(s) not applied (${pending.join(", ")}). Run: npm run setup`;
  }
  return null;
}

let started: Promise<void> | null = null;
let inlineWorker: Worker | null = null;
let workerThread: WorkerThread | null = null;

export function startRuntime(): Promise<void> {
  started ??= (async () => {
    const config = env();
    if (config.NODE_ENV === "test") return;
    const problem = await checkDatabase(db, config.DATABASE_URL);
    if (problem) {
      console.error(problem);
      process.exit(1);
    }
    await prepareDb(db);
    if (config.WORKER === "inline") {
      // Off this event loop: the door answers while the worker works, and a crash restarts it.
      workerThread = new WorkerThread();
      workerThread.start();
    } else if (config.WORKER === "inline-loop") {
      // Maintenance is scheduled by the worker's loop, retried through a database outage like its
      // claims: awaited here, one failed insert would reject startRuntime and exit the web process.
      inlineWorker = new Worker(db, jobHandlers, {
        batchSize: config.WORKER_BATCH,
        priorityKinds: PRIORITY_KINDS,
        startup: (client, now) => scheduleMaintenance(client, now),
      });
      inlineWorker.start();
      logger.info({ worker: inlineWorker.id }, "inline worker started on the web process's event loop");
    }
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await webhookIngest.drain(); // receipts already handed to the writer are committed
      await Promise.all([workerThread?.stop(), inlineWorker?.stop()]); // each finishes its batch
      await flushStorefront(); // buffered page views and lookups are written, not lost
      await webhookIngest.drain(); // and whatever was still arriving meanwhile
      process.exit(0);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  })();
  return started;
}
