// Retention: processed receipts and finished jobs are pruned on a schedule, so the ingestion tables
// do not grow without bound and raw webhooks (they hold customers' contacts and addresses) are kept
// no longer than the merchant chose. Each shop's own settings (Shop.receiptRetentionDays and
// jobRetentionDays, 1 to 90 days) govern its rows; rows of no known shop (a receipt whose Shop row the
// worker has not created yet, jobs of the app itself) follow the environment's defaults. Failed
// receipts and dead jobs stay 30 days, so staff can replay them from the failures page.
import type { Db, Prisma } from "../db.server";
import { env } from "../env.server";
import { DAY_MS } from "../lib/time";

export interface PruneResult {
  receipts: number;
  jobs: number;
}

export interface PruneOptions {
  /** Overrides every shop's setting (tests, a one-off purge). */
  receiptDays?: number;
  jobDays?: number;
  deadDays?: number;
}

/** Domains per statement: well under both databases' parameter limits. */
const CHUNK = 500;

type Setting = "receiptRetentionDays" | "jobRetentionDays";

/** Shops' domains grouped by how many days the given setting keeps (usually one or two groups). */
async function domainsByDays(db: Db, setting: Setting): Promise<Map<number, string[]>> {
  const shops = await db.shop.findMany({
    select: { domain: true, receiptRetentionDays: true, jobRetentionDays: true },
  });
  const out = new Map<number, string[]>();
  for (const s of shops) out.set(s[setting], [...(out.get(s[setting]) ?? []), s.domain]);
  return out;
}

function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

export async function pruneIngestion(db: Db, now: Date, opts: PruneOptions = {}): Promise<PruneResult> {
  const cutoff = (days: number) => ({ lt: new Date(now.getTime() - days * DAY_MS) });
  const deadDays = opts.deadDays ?? 30;

  const receiptWhere: Prisma.WebhookReceiptWhereInput[] = [{ status: "failed", receivedAt: cutoff(deadDays) }];
  const jobWhere: Prisma.JobWhereInput[] = [{ status: "dead", finishedAt: cutoff(deadDays) }];
  if (opts.receiptDays !== undefined) receiptWhere.push({ status: "processed", receivedAt: cutoff(opts.receiptDays) });
  if (opts.jobDays !== undefined) jobWhere.push({ status: "done", finishedAt: cutoff(opts.jobDays) });

  const shopReceipts =
    opts.receiptDays === undefined ? await domainsByDays(db, "receiptRetentionDays") : new Map<number, string[]>();
  const shopJobs =
    opts.jobDays === undefined ? await domainsByDays(db, "jobRetentionDays") : new Map<number, string[]>();
  const known = [...new Set([...shopReceipts.values(), ...shopJobs.values()].flat())];
  for (const [days, domains] of shopReceipts)
    for (const c of chunks(domains))
      receiptWhere.push({ status: "processed", shopDomain: { in: c }, receivedAt: cutoff(days) });
  for (const [days, domains] of shopJobs)
    for (const c of chunks(domains)) jobWhere.push({ status: "done", shopDomain: { in: c }, finishedAt: cutoff(days) });
  if (opts.receiptDays === undefined) {
    // No Shop row: the environment's default. Beyond the longest any shop keeps, nothing is kept at all.
    const longest = Math.max(env().RECEIPT_RETENTION_DAYS, ...shopReceipts.keys());
    receiptWhere.push({ status: "processed", receivedAt: cutoff(longest) });
    if (known.length <= CHUNK)
      receiptWhere.push({
        status: "processed",
        shopDomain: { notIn: known },
        receivedAt: cutoff(env().RECEIPT_RETENTION_DAYS),
      });
  }
  if (opts.jobDays === undefined) {
    const longest = Math.max(env().JOB_RETENTION_DAYS, ...shopJobs.keys());
    jobWhere.push({ status: "done", finishedAt: cutoff(longest) });
    jobWhere.push({ status: "done", shopDomain: null, finishedAt: cutoff(env().JOB_RETENTION_DAYS) });
    if (known.length <= CHUNK)
      jobWhere.push({ status: "done", shopDomain: { notIn: known }, finishedAt: cutoff(env().JOB_RETENTION_DAYS) });
  }

  let receipts = 0;
  let jobs = 0;
  // One statement per condition: each stays a plain index range on (status, time) or (shop, status, time).
  for (const where of receiptWhere) receipts += (await db.webhookReceipt.deleteMany({ where })).count;
  for (const where of jobWhere) jobs += (await db.job.deleteMany({ where })).count;
  return { receipts, jobs };
}
