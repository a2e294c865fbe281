// Hybrid mode's review queue: planned messages wait as drafts until staff approve (optionally with a
// personal note) or discard them; with hybridAutoSendHours set, drafts nobody reviewed go by
// themselves after that many hours (the notify.auto_approve job).
import type { Db } from "../db.server";
import { enqueue } from "../jobs/queue.server";
import { HOUR_MS } from "../lib/time";
import { inTransaction, NOTIFY_AUTO_APPROVE, scheduleSend, sendsNothing } from "./outbox.server";

const AUTO_SEND_BY = "auto-send";

/** A wake-up for the shop's auto-approval. The key collapses duplicates scheduled for the same instant. */
export async function scheduleAutoApprove(
  tx: Pick<Db, "job">,
  shopId: string,
  shopDomain: string,
  runAfter: Date,
): Promise<void> {
  await enqueue(tx, {
    kind: NOTIFY_AUTO_APPROVE,
    payload: { shopId },
    shopDomain,
    runAfter,
    singletonKey: `${NOTIFY_AUTO_APPROVE}:${shopId}:${runAfter.getTime()}`,
  });
}

/** Approves and queues a draft, optionally with a personal note. False when it is no longer a draft. */
export async function approveDraft(
  db: Db,
  id: string,
  opts: { note?: string | null; by: string },
  now: Date = new Date(),
): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const n = await tx.notification.findUnique({
      where: { id },
      select: { status: true, shopId: true, personalNote: true, shop: { select: { domain: true } } },
    });
    if (!n || n.status !== "draft") return false;
    const note = opts.note === undefined ? n.personalNote : opts.note?.trim().slice(0, 2000) || null;
    const r = await tx.notification.updateMany({
      where: { id, status: "draft" },
      data: {
        status: "queued",
        personalNote: note,
        approvedAt: now,
        approvedBy: opts.by,
        nextAttemptAt: now,
        error: null,
      },
    });
    if (r.count !== 1) return false;
    await scheduleSend(tx, id, n.shop.domain, now);
    return true;
  });
}

/** Discards a draft (staff decided it should not go). False when it is no longer a draft. */
export async function discardDraft(
  db: Db,
  id: string,
  opts: { by: string } = { by: "staff" },
  now: Date = new Date(),
): Promise<boolean> {
  const r = await db.notification.updateMany({
    where: { id, status: "draft" },
    data: {
      status: "discarded",
      approvedBy: opts.by,
      approvedAt: now,
      nextAttemptAt: null,
      error: `discarded by ${opts.by}`,
    },
  });
  return r.count === 1;
}

/** notify.auto_approve: drafts older than the shop's hybridAutoSendHours are approved and sent. */
export async function autoApproveDrafts(db: Db, shopId: string, now: Date): Promise<number> {
  const shop = await db.shop.findUnique({ where: { id: shopId } });
  const hours = shop?.hybridAutoSendHours;
  if (!shop || sendsNothing(shop) || shop.notificationMode !== "hybrid" || !hours || hours <= 0) return 0;
  const cutoff = new Date(now.getTime() - hours * HOUR_MS);
  const due = await db.notification.findMany({
    where: { shopId, status: "draft", createdAt: { lte: cutoff } },
    select: { id: true },
  });
  let approved = 0;
  for (const d of due) if (await approveDraft(db, d.id, { by: AUTO_SEND_BY }, now)) approved++;
  // The next draft to come due (the setting may have changed since the drafts were planned).
  const next = await db.notification.findFirst({
    where: { shopId, status: "draft" },
    orderBy: { createdAt: "asc" },
    select: { createdAt: true },
  });
  if (next) {
    const at = new Date(Math.max(next.createdAt.getTime() + hours * HOUR_MS, now.getTime() + 60_000));
    await scheduleAutoApprove(db, shopId, shop.domain, at);
  }
  return approved;
}
