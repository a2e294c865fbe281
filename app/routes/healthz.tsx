import { json } from "@remix-run/node";
import db from "../db.server";
import { queueCounts } from "../jobs/queue.server";
import { checkDatabase } from "../runtime.server";

// Liveness and readiness for load balancers and the demo: the database answers and is migrated.
export const loader = async () => {
  const problem = await checkDatabase(db, process.env.DATABASE_URL);
  if (problem) return json({ ok: false, problem }, { status: 503 });
  return json({ ok: true, jobs: await queueCounts(db) });
};
