// Planning: domain events (tracking.stage_changed, tracking.order_confirmed, the daily digest check) →
// Notification rows in the outbox, rendered, each with its wake-up job in the same transaction. The
// decisions (which milestone, which channels, when, under which key) are rules/policy.ts's.
import { CARRIER_SCAN_SOURCES } from "../pipeline/rules/types";
import type { Order, Shipment, Shop } from "@prisma/client";
import type { Db, Prisma } from "../db.server";
import { wasShippedEarly } from "../intelligence/lanes.server";
import { recordMilestone, withKlaviyoHandOff } from "../integrations/outbox.server";
import { ANNOUNCE_MIN_SLIP_HOURS, detectDelay } from "../intelligence/rules/delays";
import { currentEstimate, delayNoticeEstimate } from "../intelligence/rules/estimate";
import { enqueue } from "../jobs/queue.server";
import { errorMessage, logger } from "../lib/logger.server";
import { normalizePhone } from "../lib/phone";
import { HOUR_MS, addBusinessDays, addLocalDays, instantOf, localDateKey, wallTimeAt } from "../lib/time";
import type { OrderConfirmedEvent } from "../pipeline/orders.server";
import type { StageChangedEvent } from "../pipeline/shipments.server";
import { resolveLocale } from "./copy";
import { siblingHoldMs } from "./combine.server";
import { scheduleAutoApprove } from "./drafts.server";
import {
  asJson,
  inTransaction,
  loadShipment,
  localeOf,
  NOTIFY_DIGEST,
  type NotificationDeps,
  type NotificationFacts,
  scheduleSend,
  sendsNothing,
  type ShipmentWithRelations,
  timeZoneOf,
  type Tx,
} from "./outbox.server";
import { messageContext, needsOptOutHint, type Rendered, renderFor, smsContext } from "./render.server";
import {
  type Channel,
  DIGEST_LOCAL_HOUR,
  idempotencyKey,
  type Milestone,
  milestoneForTransition,
  planNotifications,
  type PlannedNotification,
  type PlanRecipient,
} from "./rules/policy";
import { applyQuietHours } from "./rules/quiet-hours";
import { isOptedOut } from "./sms-optout.server";

/** The window promised at confirmation when the order has no prediction: 3 to 7 business days. */
export const DEFAULT_WINDOW_BUSINESS_DAYS = { low: 3, high: 7 } as const;
/** The digest job runs this many hours before DIGEST_LOCAL_HOUR, so its plan lands on today's digest. */
const DIGEST_LEAD_HOURS = 1;

async function recipientFor(db: Db, shop: Shop, order: Order): Promise<PlanRecipient> {
  const phone = order.phone ? (normalizePhone(order.phone, order.shipCountry) ?? order.phone) : null;
  return {
    email: order.email,
    phone,
    country: order.shipCountry,
    smsConsent: order.smsConsent,
    smsOptedOut: phone ? await isOptedOut(db, shop.id, phone) : false,
    emailOptedOut: !order.emailConsent,
    timeZone: order.customerTimezone,
  };
}

export interface PlanRequest {
  shop: Shop;
  order: Order;
  shipment: Shipment | null;
  milestone: Milestone;
  /** Shipment id, or the order id for order_confirmed. */
  subjectId: string;
  now: Date;
  facts?: NotificationFacts;
  changed?: boolean;
  newEstimate?: Date | null;
  /** Staff-initiated: a key of its own, sent now (no review, no digest hour), with who asked. */
  staff?: {
    kind: "personal" | "resend";
    discriminator: string;
    by: string;
    note?: string | null;
    channels?: Channel[];
  };
  /** More writes for the same transaction (e.g. the delay estimate just announced). */
  alsoInTx?: (tx: Tx) => Promise<void>;
}

interface RowDraft {
  plan: PlannedNotification;
  data: Prisma.NotificationUncheckedCreateInput;
}

/**
 * Plans a milestone's messages and stores them: one Notification per (subject, milestone, channel[,
 * discriminator]) key, created only if absent, so a duplicate event is a no-op; each queued row gets its
 * notify.send job in the same transaction. Returns the ids of the rows this call created.
 */
export async function planAndStore(db: Db, req: PlanRequest, deps: NotificationDeps): Promise<string[]> {
  const { shop, order, shipment, milestone, now } = req;
  // The same milestone for Flow and Klaviyo (app/integrations), exactly once under keys of their own.
  if (!req.staff) await recordMilestone(db, req);
  const recipient = await recipientFor(db, shop, order);
  const shopForPlan = req.staff ? { ...shop, notificationMode: "automated" } : shop;
  let plans = planNotifications({
    milestone,
    subjectId: req.subjectId,
    shop: shopForPlan,
    recipient,
    now,
    ...(req.changed !== undefined ? { changed: req.changed } : {}),
    ...(req.newEstimate !== undefined ? { newEstimate: req.newEstimate } : {}),
  });
  if (!req.staff) plans = withKlaviyoHandOff(shop, milestone, plans); // Klaviyo sends it: never both
  const tz = timeZoneOf(shop, order);
  if (req.staff) {
    const staff = req.staff;
    plans = plans
      .filter((p) => !staff.channels || staff.channels.includes(p.channel))
      .map((p) => ({
        ...p,
        idempotencyKey: idempotencyKey(req.subjectId, milestone, p.channel, staff.discriminator),
        sendAfter:
          p.status === "suppressed" || p.channel === "email"
            ? now
            : applyQuietHours(now, tz, shop.quietHoursStart, shop.quietHoursEnd),
      }));
  }
  if (plans.length === 0) return [];

  // Skip work for keys that exist already (the common duplicate-event case), then render outside the
  // transaction: MJML takes milliseconds we do not want to hold a write lock for.
  const existing = new Set(
    (
      await db.notification.findMany({
        where: { idempotencyKey: { in: plans.map((p) => p.idempotencyKey) } },
        select: { idempotencyKey: true },
      })
    ).map((r) => r.idempotencyKey),
  );
  const fresh = plans.filter((p) => !existing.has(p.idempotencyKey));
  if (fresh.length === 0 && !req.alsoInTx) return [];

  const locale = resolveLocale(localeOf(shop, order));
  const baseFacts: NotificationFacts = { ...(req.facts ?? {}), ...(req.staff ? { staff: req.staff.kind } : {}) };
  const personalNote = req.staff?.note?.trim() || null;
  const rows: RowDraft[] = [];
  // A split order's parcel email waits for its siblings, to go as one (combine.server.ts).
  const holdMs = req.staff ? 0 : await siblingHoldMs(db, shop, order, shipment, milestone, "email");
  for (const plan of fresh) {
    const facts: NotificationFacts = { ...baseFacts, ...(plan.reason ? { plannedReason: plan.reason } : {}) };
    let status: string = plan.status;
    let nextAttemptAt: Date | null = null;
    let error: string | null = null;
    let errorKind: string | null = null;
    let rendered: Rendered | null = null;
    if (plan.status === "suppressed") {
      error = plan.reason ?? "suppressed";
    } else {
      try {
        let ctx = await messageContext(db, shop, order, shipment, milestone, facts, personalNote, now, deps);
        if (plan.channel === "sms") ctx = await smsContext(db, shop, order.id, ctx);
        rendered = renderFor(
          milestone,
          plan.channel,
          ctx,
          shop,
          locale,
          plan.channel === "sms" && (await needsOptOutHint(db, shop.id, plan.recipient)),
        );
      } catch (e) {
        status = "failed";
        error = `render_failed: ${errorMessage(e)}`;
        errorKind = "permanent";
      }
      if (status === "queued") {
        status = plan.reason === "quiet_hours" ? "deferred" : "queued";
        nextAttemptAt = plan.sendAfter;
        if (holdMs && plan.channel === "email")
          nextAttemptAt = new Date(Math.max(plan.sendAfter.getTime(), now.getTime() + holdMs));
      } else if (status === "draft") {
        const hours = shop.hybridAutoSendHours;
        nextAttemptAt = hours && hours > 0 ? plan.sendAfter : null;
      }
    }
    rows.push({
      plan,
      data: {
        shopId: shop.id,
        orderId: order.id,
        shipmentId: shipment?.id ?? null,
        channel: plan.channel,
        milestone,
        idempotencyKey: plan.idempotencyKey,
        status,
        recipient: plan.recipient,
        locale,
        subject: rendered?.subject ?? null,
        bodyText: rendered?.text ?? null,
        bodyHtml: rendered?.html ?? null,
        segments: rendered?.segments ?? null,
        personalNote,
        context: asJson(facts),
        nextAttemptAt,
        error,
        errorKind,
        ...(req.staff && status !== "suppressed" ? { approvedAt: now, approvedBy: req.staff.by } : {}),
        createdAt: now,
      },
    });
  }

  return inTransaction(db, async (tx) => {
    const created: string[] = [];
    for (const row of rows) {
      // Create-if-absent: a concurrent duplicate that got here first wins; this one is a no-op. (If both
      // pass this check, the unique key makes one transaction fail and inTransaction re-runs it.)
      const taken = await tx.notification.findUnique({
        where: { idempotencyKey: row.plan.idempotencyKey },
        select: { id: true },
      });
      if (taken) continue;
      const n = await tx.notification.create({
        data: row.data,
        select: { id: true, status: true, nextAttemptAt: true },
      });
      created.push(n.id);
      if ((n.status === "queued" || n.status === "deferred") && n.nextAttemptAt) {
        await scheduleSend(tx, n.id, shop.domain, n.nextAttemptAt);
      } else if (n.status === "draft" && n.nextAttemptAt) {
        await scheduleAutoApprove(tx, shop.id, shop.domain, n.nextAttemptAt);
      }
    }
    await req.alsoInTx?.(tx);
    return created;
  });
}

// ---------------------------------------------------------------------------------------------------
// Domain events
// ---------------------------------------------------------------------------------------------------

/** True when `at` is before the shop's history line (set when its first Admin API import began). */
async function isHistory(db: Db, shopId: string, at: Date): Promise<boolean> {
  const sync = await db.shopSync.findUnique({ where: { shopId }, select: { historyBefore: true } });
  return !!sync?.historyBefore && at.getTime() < sync.historyBefore.getTime();
}

/** tracking.stage_changed: the milestone a transition announces, the delay notice, the digest. */
export async function onStageChanged(
  db: Db,
  event: StageChangedEvent,
  now: Date,
  deps: NotificationDeps = {},
): Promise<void> {
  const s = await loadShipment(db, event.shipmentId);
  if (!s || sendsNothing(s.shop)) return;
  if (!s.order) {
    logger.info({ shipmentId: s.id }, "stage change before its order arrived: nobody to notify yet");
    return;
  }
  const t = event.transition;
  // A milestone that happened before the shop's first import (app/sync) is history: it still feeds
  // the predictions (learned above) and the dashboard, but nobody is told about the past.
  if (t && (await isHistory(db, s.shopId, new Date(t.at)))) return;
  const milestone = t ? milestoneForTransition(event.kind, t.toStage, t.toStatus, t.fromStatus) : null;
  if (milestone === "in_transit_digest") {
    await planDigest(db, s.id, now, deps);
  } else if (milestone && milestone !== "delayed" && milestone !== "order_confirmed") {
    await planAndStore(db, { shop: s.shop, order: s.order, shipment: s, milestone, subjectId: s.id, now }, deps);
  }
  // "Shipped earlier than expected" (off unless the merchant turns it on): the order's first
  // shipment beat the shop's learned processing time.
  if (
    milestone === "shipped" &&
    s.kind === "outbound" &&
    (await wasShippedEarly(db, s.shopId, s.order.processedAt, s.labelCreatedAt, now))
  ) {
    await planAndStore(
      db,
      { shop: s.shop, order: s.order, shipment: s, milestone: "shipped_early", subjectId: s.order.id, now },
      deps,
    );
  }
  if (event.kind === "outbound" && (milestone === "delayed" || event.delayStarted || (event.delayed && s.delayed))) {
    await announceDelay(db, s, s.order, now, deps);
  }
}

/**
 * The delay notice: once when the delay starts, and again only when the estimate slips past the one
 * announced (Shipment.delayAnnouncedEdd, written in the same transaction as the notice).
 */
async function announceDelay(
  db: Db,
  s: ShipmentWithRelations,
  order: Order,
  now: Date,
  deps: NotificationDeps,
): Promise<void> {
  const verdict = detectDelay(
    {
      lastStatus: s.lastStatus,
      carrierDelayed: s.delayed,
      lastEventAt: s.lastEventAt,
      inTransitAt: s.inTransitAt,
      labelCreatedAt: s.labelCreatedAt,
      deliveredAt: s.deliveredAt,
      cancelledAt: s.cancelledAt,
      failedAt: s.failedAt,
      carrierEdd: s.carrierEdd,
      predictedEnd: s.predictedEnd,
    },
    null,
    now,
  );
  if (!verdict.delayed) return;
  // Only a date later than the one the shopper last saw: our window, or the last notice's date (a
  // carrier's revised date is the candidate, the news, not what was seen before it).
  const shown = currentEstimate({
    delayAnnouncedEdd: s.delayAnnouncedEdd,
    delayed: true,
    shipmentStart: s.predictedStart,
    shipmentEnd: s.predictedEnd,
    orderStart: order.predictedStart,
    orderEnd: order.predictedEnd,
  });
  const estimate = delayNoticeEstimate(
    [shown?.end, order.predictedEnd],
    verdict.newEstimate,
    s.delayAnnouncedEdd,
    now,
    ANNOUNCE_MIN_SLIP_HOURS * HOUR_MS,
  );
  if (!estimate) return;
  await planAndStore(
    db,
    {
      shop: s.shop,
      order,
      shipment: s,
      milestone: "delayed",
      subjectId: s.id,
      now,
      newEstimate: estimate,
      facts: { newEstimate: estimate.toISOString(), delayReason: verdict.reason },
      alsoInTx: async (tx) => {
        await tx.shipment.update({ where: { id: s.id }, data: { delayAnnouncedEdd: estimate } });
      },
    },
    deps,
  );
}

/** tracking.order_confirmed: the confirmation email with the delivery window and the tracking link. */
export async function onOrderConfirmed(
  db: Db,
  event: OrderConfirmedEvent,
  now: Date,
  deps: NotificationDeps = {},
): Promise<void> {
  const order = await db.order.findUnique({ where: { id: event.orderId }, include: { shop: true } });
  if (!order || sendsNothing(order.shop) || order.cancelledAt || order.redactedAt) return;
  if (await isHistory(db, order.shopId, order.processedAt)) return; // placed before the import
  const predicted = order.predictedStart && order.predictedEnd;
  // A pickup order is collected, not delivered: it is promised no delivery window at all.
  const estimatedWindow =
    order.deliveryMethod === "local_pickup"
      ? null
      : predicted
        ? {
            start: order.predictedStart!.toISOString(),
            end: order.predictedEnd!.toISOString(),
            source: "order" as const,
          }
        : {
            start: addBusinessDays(
              order.processedAt,
              DEFAULT_WINDOW_BUSINESS_DAYS.low,
              order.shop.timezone,
            ).toISOString(),
            end: addBusinessDays(
              order.processedAt,
              DEFAULT_WINDOW_BUSINESS_DAYS.high,
              order.shop.timezone,
            ).toISOString(),
            source: "default_3_7_business_days" as const,
          };
  await planAndStore(
    db,
    {
      shop: order.shop,
      order,
      shipment: null,
      milestone: "order_confirmed",
      subjectId: order.id,
      now,
      facts: { estimatedWindow },
    },
    deps,
  );
}

// ---------------------------------------------------------------------------------------------------
// In-transit digest: at most one a day per shipment (the key holds the customer's local date), and
// only when scans arrived since the previous one. A per-shipment job re-plans it every day before the
// digest hour while the shipment is in transit.
// ---------------------------------------------------------------------------------------------------

export async function lastDigestSentAt(db: Db, shipmentId: string): Promise<Date | null> {
  const last = await db.notification.findFirst({
    where: { shipmentId, milestone: "in_transit_digest", status: "sent", sentAt: { not: null } },
    orderBy: { sentAt: "desc" },
    select: { sentAt: true },
  });
  return last?.sentAt ?? null;
}

/** Plans today's digest if something changed, and schedules tomorrow's check. */
export async function planDigest(db: Db, shipmentId: string, now: Date, deps: NotificationDeps = {}): Promise<void> {
  const s = await loadShipment(db, shipmentId);
  if (!s || !s.order || sendsNothing(s.shop) || s.kind !== "outbound") return;
  if (s.stage !== 3 || s.cancelledAt) return; // out of transit: the daily chain ends here
  const since = await lastDigestSentAt(db, s.id);
  const scans = await db.trackingEvent.count({
    where: {
      shipmentId: s.id,
      source: { in: [...CARRIER_SCAN_SOURCES] },
      ...(since ? { createdAt: { gt: since } } : {}),
    },
  });
  if (scans > 0) {
    await planAndStore(
      db,
      {
        shop: s.shop,
        order: s.order,
        shipment: s,
        milestone: "in_transit_digest",
        subjectId: s.id,
        now,
        changed: true,
        facts: { digestSince: since?.toISOString() ?? null },
      },
      deps,
    );
  }
  const tz = timeZoneOf(s.shop, s.order);
  const local = wallTimeAt(now, tz);
  const at = (w: typeof local) =>
    instantOf({ ...w, hour: DIGEST_LOCAL_HOUR - DIGEST_LEAD_HOURS, minute: 0, second: 0 }, tz);
  let next = at(local);
  if (next.getTime() <= now.getTime()) next = at(addLocalDays(local, 1));
  await enqueue(db, {
    kind: NOTIFY_DIGEST,
    payload: { shipmentId: s.id },
    shopDomain: s.shop.domain,
    runAfter: next,
    singletonKey: `${NOTIFY_DIGEST}:${s.id}:${localDateKey(next, tz)}`,
  });
}
