// The admin's failures page: one shop's messages that may not have been delivered (in doubt), failed
// webhook receipts (each with the state of its processing job) and dead-lettered jobs, newest first in
// cursor pages; and what staff do about them: resend the messages, replay the receipts or jobs (the raw
// webhook is kept, so a replay processes it again with the current code; a replayed job gets fresh
// attempts, due now). Only the signed-in shop's rows are ever touched.
import type { Prisma } from "@prisma/client";
import { z } from "zod";
import appDb, { type Db, dbProvider } from "../db.server";
import { PROCESS_RECEIPT } from "../ingest/receipt-store.server";
import { replayJob } from "../jobs/queue.server";
import { wakeWorkers } from "../jobs/worker.server";
import { maskRecipient } from "../lib/mask";
import { factsOf, inDoubtWhere } from "../notifications/outbox.server";
import { resendInDoubtMessages } from "../notifications/staff.server";
import { replayReceipt } from "../pipeline/receipts.server";
import type { AdminShop, ShopContext } from "./shop.server";

export const PAGE_SIZE = 20;

/**
 * The dead jobs the page lists as jobs: a receipt's processing job (webhook.process) is shown with its
 * receipt instead, so one bad webhook reads as one problem. The dashboard counts the same.
 */
export function deadJobsWhere(shopDomain: string): Prisma.JobWhereInput {
  return { shopDomain, status: "dead", kind: { not: PROCESS_RECEIPT } };
}

/** The processing jobs of the given receipts, matched on their payload's receiptId (Json path syntax differs per provider). */
function processingJobsWhere(db: Db, shopDomain: string, receiptIds: string[]): Prisma.JobWhereInput {
  const byId = (id: string) =>
    dbProvider(db) === "postgresql"
      ? ({ path: ["receiptId"], equals: id } as unknown as Prisma.JsonFilter)
      : { path: "$.receiptId", equals: id };
  // Live or dead only: done jobs (the bulk of the table until pruned) are never a failed receipt's.
  return {
    kind: PROCESS_RECEIPT,
    status: { in: ["queued", "running", "dead"] },
    shopDomain,
    OR: receiptIds.map((id) => ({ payload: byId(id) })),
  };
}

function receiptIdOf(payload: Prisma.JsonValue): string | null {
  const v = payload && typeof payload === "object" && !Array.isArray(payload) ? payload.receiptId : null;
  return typeof v === "string" ? v : null;
}

export interface InDoubtRow {
  /** `<notification id>:<attempts>`: what a resend applies to (the message as staff saw it). */
  ref: string;
  id: string;
  orderName: string;
  shipmentId: string | null;
  milestone: string;
  channel: string;
  recipient: string;
  since: string;
  why: string;
  attempts: number;
  /** When it is resent automatically (the shop's setting for critical milestones), or null: staff decide. */
  autoResendAt: string | null;
  /** Earlier resends of this message (automatic or by staff). */
  resends: number;
}

async function listInDoubt(db: Db, shopId: string, cursor: string | null) {
  const rows = await db.notification.findMany({
    where: inDoubtWhere(shopId),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: PAGE_SIZE + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: {
      id: true,
      milestone: true,
      channel: true,
      recipient: true,
      attempts: true,
      provider: true,
      error: true,
      context: true,
      nextAttemptAt: true,
      updatedAt: true,
      shipmentId: true,
      order: { select: { name: true } },
    },
  });
  const out: InDoubtRow[] = rows.slice(0, PAGE_SIZE).map((n) => {
    const facts = factsOf(n);
    const doubt = facts.inDoubt;
    return {
      ref: `${n.id}:${n.attempts}`,
      id: n.id,
      orderName: n.order.name,
      shipmentId: n.shipmentId,
      milestone: n.milestone,
      channel: n.channel,
      recipient: maskRecipient(n.recipient),
      since: doubt?.since ?? n.updatedAt.toISOString(),
      why: doubt
        ? `${doubt.provider} cannot tell whether attempt ${doubt.attempt} was sent: ${doubt.reason}`
        : (n.error ?? "The provider cannot tell whether it was sent"),
      attempts: n.attempts,
      autoResendAt: n.nextAttemptAt?.toISOString() ?? null,
      resends: facts.resends?.length ?? 0,
    };
  });
  return { rows: out, next: rows.length > PAGE_SIZE ? rows[PAGE_SIZE - 1]!.id : null };
}

export interface ReceiptJob {
  id: string;
  status: "retrying" | "dead";
  attempts: number;
  maxAttempts: number;
  /** Dead before its attempts ran out: the error is permanent (retrying cannot fix it). */
  permanent: boolean;
}

/** Every section of the page; `icursor`, `rcursor` and `jcursor` page them independently. */
export async function listFailures(shop: Pick<AdminShop, "id" | "domain">, params: URLSearchParams, db: Db = appDb) {
  const shopDomain = shop.domain;
  const rcursor = params.get("rcursor");
  const jcursor = params.get("jcursor");
  const [inDoubt, receipts, jobs, inDoubtCount, receiptCount, jobCount] = await Promise.all([
    listInDoubt(db, shop.id, params.get("icursor")),
    db.webhookReceipt.findMany({
      where: { shopDomain, status: "failed" },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: PAGE_SIZE + 1,
      ...(rcursor ? { cursor: { id: rcursor }, skip: 1 } : {}),
      select: { id: true, topic: true, webhookId: true, error: true, attempts: true, receivedAt: true },
    }),
    db.job.findMany({
      where: deadJobsWhere(shopDomain),
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      take: PAGE_SIZE + 1,
      ...(jcursor ? { cursor: { id: jcursor }, skip: 1 } : {}),
      select: {
        id: true,
        kind: true,
        lastError: true,
        attempts: true,
        maxAttempts: true,
        finishedAt: true,
        createdAt: true,
      },
    }),
    db.notification.count({ where: inDoubtWhere(shop.id) }),
    db.webhookReceipt.count({ where: { shopDomain, status: "failed" } }),
    db.job.count({ where: deadJobsWhere(shopDomain) }),
  ]);
  const receiptPage = receipts.slice(0, PAGE_SIZE);
  // Each receipt's processing job (the newest, should it have been replayed): retrying, or dead and why.
  const processing = receiptPage.length
    ? await db.job.findMany({
        where: processingJobsWhere(
          db,
          shopDomain,
          receiptPage.map((r) => r.id),
        ),
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true, status: true, attempts: true, maxAttempts: true, payload: true },
      })
    : [];
  const jobOf = new Map<string, ReceiptJob>();
  for (const j of processing) {
    const receiptId = receiptIdOf(j.payload);
    if (!receiptId) continue;
    const dead = j.status === "dead";
    jobOf.set(receiptId, {
      id: j.id,
      status: dead ? "dead" : "retrying",
      attempts: j.attempts,
      maxAttempts: j.maxAttempts,
      permanent: dead && j.attempts < j.maxAttempts,
    });
  }
  return {
    inDoubt: inDoubt.rows,
    inDoubtNext: inDoubt.next,
    inDoubtCount,
    receipts: receiptPage.map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString(), job: jobOf.get(r.id) ?? null })),
    receiptsNext: receipts.length > PAGE_SIZE ? receipts[PAGE_SIZE - 1]!.id : null,
    jobs: jobs.slice(0, PAGE_SIZE).map((j) => ({
      ...j,
      finishedAt: j.finishedAt?.toISOString() ?? null,
      createdAt: j.createdAt.toISOString(),
      permanent: j.attempts < j.maxAttempts,
    })),
    jobsNext: jobs.length > PAGE_SIZE ? jobs[PAGE_SIZE - 1]!.id : null,
    receiptCount,
    jobCount,
  };
}

const REF = /^([A-Za-z0-9_-]{1,64}):(\d{1,6})$/;

const actionSchema = z.discriminatedUnion(
  "intent",
  [
    z.object({
      intent: z.enum(["replay_receipts", "replay_jobs"]),
      ids: z.array(z.string().min(1).max(64)).min(1, "Select at least one").max(100, "Select at most 100"),
    }),
    z.object({
      intent: z.literal("resend_messages"),
      ids: z
        .array(z.string().regex(REF, "ids: each selected message must be given as <id>:<attempts>"))
        .min(1, "Select at least one message")
        .max(100, "Select at most 100 messages"),
    }),
  ],
  {
    errorMap: (issue, ctx) =>
      issue.code === "invalid_union_discriminator"
        ? { message: "intent: choose replay_receipts, replay_jobs or resend_messages" }
        : { message: ctx.defaultError },
  },
);

export interface ReplayResult {
  ok: boolean;
  error: string | null;
  /** Receipts or jobs replayed, or messages resent. */
  replayed: number;
  intent: string | null;
}

/**
 * The page's forms: resend the selected messages in doubt, or replay the selected receipts or jobs;
 * only this shop's (other ids are skipped). Resending is idempotent: a message is resent once for the
 * attempt staff saw in doubt, so a second click (or a click after the automatic resend) changes nothing.
 */
export async function replayFailures(
  ctx: { shop: Pick<AdminShop, "id" | "domain">; staff: ShopContext["staff"] },
  form: FormData,
  db: Db = appDb,
  now: Date = new Date(),
): Promise<ReplayResult> {
  const raw = form.get("intent");
  const parsed = actionSchema.safeParse({ intent: raw, ids: form.getAll("ids") });
  const intent = typeof raw === "string" ? raw : null;
  if (!parsed.success)
    return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid request", replayed: 0, intent };
  const { ids } = parsed.data;
  const shopDomain = ctx.shop.domain;
  let replayed = 0;
  let skipped = "were already replayed or not found";
  if (parsed.data.intent === "resend_messages") {
    const refs = ids.map((ref) => {
      const m = REF.exec(ref)!;
      return { id: m[1]!, attempts: Number(m[2]) };
    });
    const own = await db.notification.findMany({
      where: { ...inDoubtWhere(ctx.shop.id), id: { in: refs.map((r) => r.id) } },
      select: { id: true },
    });
    const mine = new Set(own.map((n) => n.id));
    replayed = (
      await resendInDoubtMessages(
        db,
        refs.filter((r) => mine.has(r.id)),
        ctx.staff,
        now,
      )
    ).length;
    skipped = "were already resent or are no longer in doubt";
  } else if (parsed.data.intent === "replay_receipts") {
    const own = await db.webhookReceipt.findMany({
      where: { id: { in: ids }, shopDomain, status: "failed" },
      select: { id: true },
    });
    for (const r of own) if (await replayReceipt(db, r.id)) replayed++;
  } else {
    const own = await db.job.findMany({ where: { id: { in: ids }, shopDomain, status: "dead" }, select: { id: true } });
    for (const j of own) if (await replayJob(db, j.id, now)) replayed++;
  }
  if (replayed > 0) wakeWorkers();
  const all = replayed === new Set(ids).size;
  return { ok: all, error: all ? null : `${new Set(ids).size - replayed} ${skipped}`, replayed, intent };
}
