// Liveness and readiness for load balancers and the demo (/healthz): the database answers and is
// migrated, and the job queue's counts.
import { json } from "@remix-run/node";
import appDb, { type Db } from "../db.server";
import { env } from "../env.server";
import { queueCounts } from "../jobs/queue.server";
import { checkDatabase } from "../runtime.server";

/** 200 with the queue's counts, or 503 with the one-line problem (never the database's password). */
export async function healthCheck(db: Db = appDb, databaseUrl: string = env().DATABASE_URL): Promise<Response> {
  const problem = await checkDatabase(db, databaseUrl);
  if (problem) return json({ ok: false, problem }, { status: 503 });
  return json({ ok: true, jobs: await queueCounts(db) });
}
