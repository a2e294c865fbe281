// The notification outbox, what its modules share: the job names, the facts stored on a Notification
// row, loading a shipment with its order and shop, wake-up jobs, provider choice, and transactions
// retried when they lose a race. Planning (plan.server.ts), sending (send.server.ts), drafts, staff
// messages and previews build on it; the rules live in rules/ (docs/decisions/003-exactly-once-notifications.md).
//
// Row life: draft → (approve) → queued/deferred → sending → sent | failed, or suppressed / discarded.
// A failed row with errorKind "in_doubt" may have gone out (the provider cannot tell): staff, or the shop's
// automatic resend for critical milestones, put it back to queued for one more attempt.
// Every queued/deferred row (and an in-doubt row due for its automatic resend) has a notify.send job due
// at its nextAttemptAt, written in the same transaction as the row. Jobs are only wake-ups: the row is the
// truth, so an extra or late job is harmless.
import type { Notification, Order, ReturnCase, Shipment, Shop } from "@prisma/client";
import { Prisma, type Db } from "../db.server";
import { enqueue } from "../jobs/queue.server";
import { pickTimeZone } from "../lib/time";
import { type ProviderConfig, providersForShop, type ResolvedProviders } from "./providers/index.server";
import { IN_DOUBT, type Resend } from "./rules/in-doubt";
import type { DelayReason } from "./templates";

export const NOTIFY_SEND = "notify.send";
export const NOTIFY_DIGEST = "notify.digest";
export const NOTIFY_AUTO_APPROVE = "notify.auto_approve";

export type Tx = Prisma.TransactionClient;
export type Now = () => Date;

export interface NotificationDeps {
  /** The app's own provider settings; defaults to the environment. */
  providerConfig?: ProviderConfig;
  /** Provider choice per shop; defaults to providersForShop (shop's own, app's, dev outbox). */
  providers?: (db: Db, shop: Shop) => ResolvedProviders;
  /** Jitter source for retry delays (tests pass a fixed one). */
  random?: () => number;
  /** Secret for tracking links; defaults to TRACKING_LINK_SECRET. */
  linkSecret?: string;
}

/** The facts a message is rendered from that are not on the order or shipment (Notification.context). */
export interface NotificationFacts {
  estimatedWindow?: { start: string; end: string; source: "order" | "default_3_7_business_days" } | null;
  newEstimate?: string | null;
  delayReason?: DelayReason | null;
  /** Digest: scans that arrived after this instant (the previous digest). */
  digestSince?: string | null;
  /** Why a planned message waits or was suppressed (policy's reason). */
  plannedReason?: string;
  /** Staff-initiated (personal update, resend): sent whatever the relevance rules say. */
  staff?: "personal" | "resend";
  /** The current provider attempt: when it began (for reconciliation after a crash). */
  attemptStartedAt?: string;
  /** Set when a crashed attempt was found at the provider and recorded without sending again. */
  reconciled?: boolean;
  /** While the row is in doubt: since when, which provider could not tell and why, and which attempt it was. */
  inDoubt?: { since: string; provider: string; reason: string; attempt: number };
  /** Each time the message was resent after being in doubt (kept for staff: who, when, why, which attempt). */
  resends?: Resend[];
  /** A combined email (combine.server.ts): the ids of the parcel emails it carried. */
  combined?: string[];
}

export type ShipmentWithRelations = Shipment & { order: Order | null; shop: Shop; returnCase: ReturnCase | null };

export function factsOf(n: Pick<Notification, "context">): NotificationFacts {
  const c = n.context;
  return c && typeof c === "object" && !Array.isArray(c) ? (c as NotificationFacts) : {};
}

export function asJson(facts: NotificationFacts): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(facts)) as Prisma.InputJsonValue;
}

export function timeZoneOf(shop: Shop, order: Order | null): string {
  return pickTimeZone(order?.customerTimezone, shop.timezone);
}

export function localeOf(shop: Shop, order: Order | null): string {
  return order?.customerLocale?.trim() || shop.locale || "en";
}

export async function loadShipment(db: Db, shipmentId: string): Promise<ShipmentWithRelations | null> {
  return db.shipment.findUnique({ where: { id: shipmentId }, include: { order: true, shop: true, returnCase: true } });
}

/**
 * The shop's messages in doubt. errorKind "in_doubt" is only ever set with status "failed" and cleared
 * by a resend, so this is an index walk of [shopId, errorKind, createdAt].
 */
export function inDoubtWhere(shopId: string): Prisma.NotificationWhereInput {
  return { shopId, errorKind: IN_DOUBT };
}

export function sendsNothing(shop: Shop): boolean {
  return shop.status === "uninstalled";
}

function isRetryableTxError(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && (error.code === "P2002" || error.code === "P2034");
}

/** A transaction retried when it lost a race on a unique key (a concurrent duplicate event) or a serialization check. */
export async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(fn);
    } catch (error) {
      if (!isRetryableTxError(error) || attempt >= 5) throw error;
    }
  }
}

/** A wake-up for a notification's send job. The key collapses duplicates scheduled for the same instant. */
export async function scheduleSend(
  tx: Pick<Db, "job">,
  notificationId: string,
  shopDomain: string,
  runAfter: Date,
): Promise<void> {
  await enqueue(tx, {
    kind: NOTIFY_SEND,
    payload: { notificationId },
    shopDomain,
    runAfter,
    singletonKey: `${NOTIFY_SEND}:${notificationId}:${runAfter.getTime()}`,
  });
}

export function resolveProviders(db: Db, shop: Shop, deps: NotificationDeps): ResolvedProviders {
  return deps.providers ? deps.providers(db, shop) : providersForShop(db, shop, deps.providerConfig);
}
