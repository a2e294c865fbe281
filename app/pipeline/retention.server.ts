// Retention: processed receipts and finished jobs are pruned on a schedule, so the ingestion tables
// do not grow without bound. Failed receipts and dead jobs stay until an admin replays or they age
// past the same window (they are what the admin's failures page shows).
import type { Db } from "../db.server";
import { env } from "../env.server";
import { DAY_MS } from "../lib/time";

export interface PruneResult {
  receipts: number;
  jobs: number;
}

export async function pruneIngestion(
  db: Db,
  now: Date,
  opts: { receiptDays?: number; jobDays?: number; deadDays?: number } = {},
): Promise<PruneResult> {
  const receiptDays = opts.receiptDays ?? env().RECEIPT_RETENTION_DAYS;
  const jobDays = opts.jobDays ?? env().JOB_RETENTION_DAYS;
  const deadDays = opts.deadDays ?? 30;
  const receipts = await db.webhookReceipt.deleteMany({
    where: {
      OR: [
        { status: "processed", receivedAt: { lt: new Date(now.getTime() - receiptDays * DAY_MS) } },
        { status: "failed", receivedAt: { lt: new Date(now.getTime() - deadDays * DAY_MS) } },
      ],
    },
  });
  const jobs = await db.job.deleteMany({
    where: {
      OR: [
        { status: "done", finishedAt: { lt: new Date(now.getTime() - jobDays * DAY_MS) } },
        { status: "dead", finishedAt: { lt: new Date(now.getTime() - deadDays * DAY_MS) } },
      ],
    },
  });
  return { receipts: receipts.count, jobs: jobs.count };
}
