// The admin's failures page: one shop's failed webhook receipts and dead-lettered jobs, newest first in
// cursor pages, and replaying the ones staff select (the raw webhook is kept, so a replay processes it
// again with the current code; a replayed job gets fresh attempts, due now).
import { z } from "zod";
import appDb, { type Db } from "../db.server";
import { replayJob } from "../jobs/queue.server";
import { wakeWorkers } from "../jobs/worker.server";
import { replayReceipt } from "../pipeline/receipts.server";

export const PAGE_SIZE = 20;

/** Both lists of the page; `rcursor` and `jcursor` page them independently. */
export async function listFailures(shopDomain: string, params: URLSearchParams, db: Db = appDb) {
  const rcursor = params.get("rcursor");
  const jcursor = params.get("jcursor");
  const [receipts, jobs, receiptCount, jobCount] = await Promise.all([
    db.webhookReceipt.findMany({
      where: { shopDomain, status: "failed" },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: PAGE_SIZE + 1,
      ...(rcursor ? { cursor: { id: rcursor }, skip: 1 } : {}),
      select: { id: true, topic: true, webhookId: true, error: true, attempts: true, receivedAt: true },
    }),
    db.job.findMany({
      where: { shopDomain, status: "dead" },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      take: PAGE_SIZE + 1,
      ...(jcursor ? { cursor: { id: jcursor }, skip: 1 } : {}),
      select: { id: true, kind: true, lastError: true, attempts: true, maxAttempts: true, finishedAt: true, createdAt: true },
    }),
    db.webhookReceipt.count({ where: { shopDomain, status: "failed" } }),
    db.job.count({ where: { shopDomain, status: "dead" } }),
  ]);
  return {
    receipts: receipts.slice(0, PAGE_SIZE).map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })),
    receiptsNext: receipts.length > PAGE_SIZE ? receipts[PAGE_SIZE - 1]!.id : null,
    jobs: jobs.slice(0, PAGE_SIZE).map((j) => ({ ...j, finishedAt: j.finishedAt?.toISOString() ?? null, createdAt: j.createdAt.toISOString() })),
    jobsNext: jobs.length > PAGE_SIZE ? jobs[PAGE_SIZE - 1]!.id : null,
    receiptCount,
    jobCount,
  };
}

const replaySchema = z.object({
  intent: z.enum(["replay_receipts", "replay_jobs"]),
  ids: z.array(z.string().min(1).max(64)).min(1, "Select at least one").max(100, "Select at most 100"),
});

export interface ReplayResult {
  ok: boolean;
  error: string | null;
  replayed: number;
}

/** The page's form: replay the selected receipts or jobs, only this shop's (other ids are skipped). */
export async function replayFailures(shopDomain: string, form: FormData, db: Db = appDb): Promise<ReplayResult> {
  const parsed = replaySchema.safeParse({ intent: form.get("intent"), ids: form.getAll("ids") });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid request", replayed: 0 };
  const { intent, ids } = parsed.data;
  let replayed = 0;
  if (intent === "replay_receipts") {
    const own = await db.webhookReceipt.findMany({ where: { id: { in: ids }, shopDomain, status: "failed" }, select: { id: true } });
    for (const r of own) if (await replayReceipt(db, r.id)) replayed++;
  } else {
    const own = await db.job.findMany({ where: { id: { in: ids }, shopDomain, status: "dead" }, select: { id: true } });
    for (const j of own) if (await replayJob(db, j.id)) replayed++;
  }
  if (replayed > 0) wakeWorkers();
  return { ok: replayed === ids.length, error: replayed === ids.length ? null : `${ids.length - replayed} were already replayed or not found`, replayed };
}
