// The notification jobs the worker runs (app/jobs/registry.server.ts registers them): the domain
// events that plan messages, the send wake-ups, the daily digest check and hybrid auto-approval; and
// the sweep the hourly maintenance runs for rows whose wake-up job was lost.
import type { Db } from "../db.server";
import type { HandlerMap } from "../jobs/worker.server";
import { ORDER_CONFIRMED } from "../pipeline/orders.server";
import { STAGE_CHANGED, type StageChangedEvent } from "../pipeline/shipments.server";
import { autoApproveDrafts } from "./drafts.server";
import { NOTIFY_AUTO_APPROVE, NOTIFY_DIGEST, NOTIFY_SEND, type NotificationDeps, scheduleSend } from "./outbox.server";
import { onOrderConfirmed, onStageChanged, planDigest } from "./plan.server";
import { IN_DOUBT } from "./rules/in-doubt";
import { sendNotification } from "./send.server";

function idFrom(payload: unknown, field: string): string {
  const v = (payload as Record<string, unknown> | null)?.[field];
  if (typeof v !== "string" || v.length === 0) throw new Error(`job payload lacks ${field}`);
  return v;
}

/** The handlers, with injectable providers and jitter (tests); `notificationHandlers` is the app's. */
export function createNotificationHandlers(deps: NotificationDeps = {}): HandlerMap {
  return {
    [STAGE_CHANGED]: async (payload, { db, now }) => {
      await onStageChanged(
        db,
        { ...(payload as StageChangedEvent), shipmentId: idFrom(payload, "shipmentId") },
        now(),
        deps,
      );
    },
    [ORDER_CONFIRMED]: async (payload, { db, now }) => {
      await onOrderConfirmed(
        db,
        { shopId: idFrom(payload, "shopId"), orderId: idFrom(payload, "orderId") },
        now(),
        deps,
      );
    },
    [NOTIFY_SEND]: async (payload, { db, now }) => {
      await sendNotification(db, idFrom(payload, "notificationId"), now, deps);
    },
    [NOTIFY_DIGEST]: async (payload, { db, now }) => {
      await planDigest(db, idFrom(payload, "shipmentId"), now(), deps);
    },
    [NOTIFY_AUTO_APPROVE]: async (payload, { db, now }) => {
      await autoApproveDrafts(db, idFrom(payload, "shopId"), now());
    },
  };
}

export const notificationHandlers: HandlerMap = createNotificationHandlers();

/**
 * Safety net for rows whose wake-up job was lost (dead-lettered after repeated infrastructure errors,
 * or deleted): every queued, deferred or interrupted ("sending") row overdue by more than `graceMs` gets
 * a new one, and so does a row in doubt whose automatic resend is overdue. Cheap and idempotent; meant
 * for a periodic maintenance job. Returns how many were re-scheduled.
 */
export async function sweepOverdueNotifications(db: Db, now: Date, graceMs = 15 * 60_000): Promise<number> {
  const before = { lt: new Date(now.getTime() - graceMs) };
  const overdue = await db.notification.findMany({
    where: {
      OR: [
        { status: { in: ["queued", "deferred", "sending"] }, nextAttemptAt: before },
        // Only a row in doubt waiting for its automatic resend has a nextAttemptAt; other failed rows have none.
        { status: "failed", errorKind: IN_DOUBT, nextAttemptAt: before },
      ],
    },
    select: { id: true, shop: { select: { domain: true } } },
    take: 500,
  });
  for (const n of overdue) await scheduleSend(db, n.id, n.shop.domain, now);
  return overdue.length;
}
