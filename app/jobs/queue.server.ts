// The durable job queue: a Job table in the app's own database, so a job is enqueued in the same
// transaction as the receipt or state change that causes it (docs/decisions/001-job-queue.md).
// Claims are atomic single statements: `FOR UPDATE SKIP LOCKED` on PostgreSQL (many workers on many
// machines), a plain UPDATE ... RETURNING on SQLite (one writer at a time by design). A claim is a
// lease: a crashed worker's job becomes claimable again when its lease expires.
import type { Prisma, Db } from "../db.server";
import { HOUR_MS } from "../lib/time";
import { inList, insertRow, newId, type Sql, sqlFor } from "../lib/sql.server";
import { retryDelay, type RetryOptions } from "./backoff";

/** What `enqueue` needs: the client or an interactive transaction's client. */
export type DbOrTx = Pick<Db, "job">;

export interface EnqueueInput {
  kind: string;
  payload: Prisma.InputJsonValue;
  shopDomain?: string | null;
  runAfter?: Date;
  maxAttempts?: number;
  /** At most one live (queued/running) job per key; enqueueing again is a no-op. */
  singletonKey?: string;
}

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: Prisma.JsonValue;
  shopDomain: string | null;
  attempts: number;
  maxAttempts: number;
  lockedBy: string | null;
}

/** The row a job is, for callers that batch its insert with other writes. */
export function jobData(input: EnqueueInput) {
  return {
    kind: input.kind,
    payload: input.payload,
    shopDomain: input.shopDomain ?? null,
    runAfter: input.runAfter ?? new Date(),
    maxAttempts: input.maxAttempts ?? 8,
    singletonKey: input.singletonKey ?? null,
  };
}

export async function enqueue(tx: DbOrTx, input: EnqueueInput): Promise<void> {
  const data = jobData(input);
  if (!input.singletonKey) {
    await tx.job.create({ data });
    return;
  }
  // Singleton: an upsert that leaves a live job alone (no unique-violation noise inside transactions).
  await tx.job.upsert({ where: { singletonKey: input.singletonKey }, create: data, update: {} });
}

/** `enqueue` on the driver, inside the caller's transaction (the worker's hot path, lib/sql). */
export async function enqueueSql(tx: Sql, input: EnqueueInput): Promise<void> {
  const now = new Date(); // the write's real time, as Prisma sets createdAt and updatedAt
  const data = jobData(input);
  // A live job with the key already exists: leave it alone, as enqueue's upsert does.
  const suffix = data.singletonKey ? `ON CONFLICT ("singletonKey") DO NOTHING` : "";
  await insertRow(tx, "Job", { id: newId(), ...data, createdAt: now, updatedAt: now }, suffix);
}

export interface ClaimOptions {
  workerId: string;
  limit: number;
  leaseMs: number;
  now: Date;
  kinds?: string[];
  /**
   * The priority lane: due jobs of these kinds are claimed before any other due job, however many
   * others have waited longer (customer messages before a backlog of webhooks). Each kind is found
   * through the [kind, status] index, so the lane costs the same with 20,000 webhooks waiting.
   */
  priorityKinds?: string[];
}

/** Atomically claims up to `limit` due jobs for this worker: the priority lane first, then by due time. */
export async function claimJobs(db: Db, opts: ClaimOptions): Promise<ClaimedJob[]> {
  // On the driver (decision 014): the claim returns the claimed rows themselves, no second read.
  const sql = sqlFor(db);
  const lane = opts.priorityKinds?.filter((k) => !opts.kinds || opts.kinds.includes(k)) ?? [];
  const first = lane.length ? await claimRows(sql, { ...opts, kinds: lane }) : [];
  // Two short statements rather than one that sorts every due job by lane: SQLite's writer lock is
  // held only while each runs, and the webhook door takes it in between.
  const rest = first.length < opts.limit ? await claimRows(sql, { ...opts, limit: opts.limit - first.length }) : [];
  // The lane's jobs run first, each part in due order.
  const byDue = (a: ClaimedRow, b: ClaimedRow) => a.runAfter.getTime() - b.runAfter.getTime();
  return [...first.sort(byDue), ...rest.sort(byDue)].map(({ runAfter: _due, ...job }) => job);
}

type ClaimedRow = ClaimedJob & { runAfter: Date };

async function claimRows(sql: Sql, opts: ClaimOptions): Promise<ClaimedRow[]> {
  const lease = new Date(opts.now.getTime() + opts.leaseMs);
  const kindFilter = opts.kinds ? `AND "kind" IN ${inList(opts.kinds.length)}` : "";
  // Many workers on PostgreSQL: SKIP LOCKED passes over rows another worker is claiming.
  const skip = sql.provider === "postgresql" ? "FOR UPDATE SKIP LOCKED" : "";
  return sql.all<ClaimedRow>(
    `UPDATE "Job" SET "status" = 'running', "lockedBy" = ?, "leaseExpiresAt" = ?, "attempts" = "attempts" + 1, "updatedAt" = ?
     WHERE "id" IN (
       SELECT "id" FROM "Job" WHERE "status" = 'queued' AND "runAfter" <= ? ${kindFilter}
       ORDER BY "runAfter" LIMIT ? ${skip})
     RETURNING "id", "kind", "payload", "shopDomain", "attempts", "maxAttempts", "lockedBy", "runAfter"`,
    [opts.workerId, lease, opts.now, opts.now, ...(opts.kinds ?? []), opts.limit],
    "Job",
  );
}

/** Jobs whose worker died mid-lease go back to the queue (their attempt still counts). */
export async function reclaimExpired(db: Db, now: Date): Promise<number> {
  const r = await db.job.updateMany({
    where: { status: "running", leaseExpiresAt: { lt: now } },
    data: { status: "queued", lockedBy: null, leaseExpiresAt: null, runAfter: now },
  });
  return r.count;
}

/** Marks a job done, only if this worker still holds it (a lost lease means someone else has it). */
export async function completeJob(db: Db, job: ClaimedJob, now: Date): Promise<boolean> {
  return completeJobSql(sqlFor(db), job, now);
}

/**
 * completeJob on the driver, inside the caller's transaction when it has one (a batch of receipts
 * marks each job done with the work it did). One per job: a Prisma query here cost as much as
 * processing a receipt on the driver does.
 */
export async function completeJobSql(tx: Sql, job: ClaimedJob, now: Date): Promise<boolean> {
  // updatedAt is the write's real time, as Prisma's @updatedAt sets it.
  return (await tx.run(COMPLETE_JOB, [now, new Date(), job.id, job.lockedBy])) === 1;
}
const COMPLETE_JOB = `UPDATE "Job" SET "status" = 'done', "finishedAt" = ?, "lockedBy" = NULL, "leaseExpiresAt" = NULL,
  "singletonKey" = NULL, "updatedAt" = ? WHERE "id" = ? AND "lockedBy" = ? AND "status" = 'running'`;

/**
 * Gives a claimed job back without running it (its worker lost the database in the middle of a
 * batch): due now, and the attempt its claim counted is returned, since nothing was tried.
 */
export async function releaseJob(db: Db, job: ClaimedJob, now: Date): Promise<boolean> {
  const r = await db.job.updateMany({
    where: { id: job.id, lockedBy: job.lockedBy, status: "running" },
    data: { status: "queued", lockedBy: null, leaseExpiresAt: null, runAfter: now, attempts: { decrement: 1 } },
  });
  return r.count === 1;
}

/** Job retries: up to 2 s, 4 s, 8 s ... apart, the ceiling capped at one hour (full jitter, 1 s floor). */
export const QUEUE_BACKOFF = { baseMs: 2_000, capMs: HOUR_MS, minMs: 1_000 } as const satisfies RetryOptions;

/** Delay before a failed job's next attempt, after `attempt` failed attempts. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return retryDelay(attempt, random, QUEUE_BACKOFF);
}

/**
 * Records a failure: retried later with backoff, or dead-lettered once attempts are used up, or at
 * once when the failure is `permanent` (no retry can change the outcome, so retrying only delays
 * the admin seeing it).
 */
export async function failJob(
  db: Db,
  job: ClaimedJob,
  error: string,
  now: Date,
  opts: { permanent?: boolean } = {},
): Promise<"retry" | "dead"> {
  const dead = opts.permanent === true || job.attempts >= job.maxAttempts;
  await db.job.updateMany({
    where: { id: job.id, lockedBy: job.lockedBy },
    data: dead
      ? { status: "dead", lastError: error, finishedAt: now, lockedBy: null, leaseExpiresAt: null, singletonKey: null }
      : {
          status: "queued",
          lastError: error,
          runAfter: new Date(now.getTime() + backoffMs(job.attempts)),
          lockedBy: null,
          leaseExpiresAt: null,
        },
  });
  return dead ? "dead" : "retry";
}

/** Replays a dead-lettered job from the admin: fresh attempts, due now. */
export async function replayJob(db: Db, jobId: string, now: Date = new Date()): Promise<boolean> {
  const r = await db.job.updateMany({
    where: { id: jobId, status: "dead" },
    data: { status: "queued", attempts: 0, runAfter: now, finishedAt: null, lastError: null },
  });
  return r.count === 1;
}

export async function queueCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.job.groupBy({ by: ["status"], _count: { _all: true } });
  return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
}
