// Customer notifications, the IO half: domain events → Notification rows (the outbox) → providers.
// The rules live in app/notify (which milestone, which channels, quiet hours, templates, retry policy);
// this module loads the facts, stores the decisions and sends, exactly once per idempotency key
// (docs/decisions/003-exactly-once-notifications.md, "Sending and crashes").
//
// Row life: draft → (approve) → queued/deferred → sending → sent | failed, or suppressed / discarded.
// Every queued/deferred row has a notify.send job due at its nextAttemptAt, written in the same
// transaction as the row. Jobs are only wake-ups: the row is the truth, so an extra or late job is harmless.
import type { Notification, Order, Prisma as PrismaTypes, ReturnCase, Shipment, Shop } from "@prisma/client";
import { Prisma, type Db } from "../db.server";
import { resolveLocale } from "./copy";
import { normalizePhone } from "../lib/phone";
import {
  type Channel,
  DIGEST_LOCAL_HOUR,
  idempotencyKey,
  isMilestone,
  isSmsCapable,
  type Milestone,
  milestoneForTransition,
  planNotifications,
  type PlannedNotification,
  type PlanRecipient,
  stillRelevant,
} from "./rules/policy";
import { applyQuietHours } from "./rules/quiet-hours";
import { MAX_SEND_ATTEMPTS, providerRetryDelay, TWILIO_UNSUBSCRIBED } from "./rules/retry";
import { type Branding, type DelayReason, type MessageContext, previewContext, renderEmail, renderSms, type Scan } from "./templates";
import { HOUR_MS, addLocalDays, instantOf, localDateKey, pickTimeZone, wallTimeAt } from "../lib/time";
import {
  type EmailMessage,
  type ProviderConfig,
  ProviderError,
  providersForShop,
  type ResolvedProviders,
  type SendResult,
  type SentLookup,
  type SmsMessage,
} from "./providers/index.server";
import { detectDelay, shouldAnnounceDelay } from "../intelligence/rules/delays";
import { addBusinessDays } from "../intelligence/rules/delivery-window";
import { errorMessage, logger } from "../lib/logger.server";
import { ORDER_CONFIRMED, type OrderConfirmedEvent } from "../pipeline/orders.server";
import { enqueue } from "../jobs/queue.server";
import { STAGE_CHANGED, type StageChangedEvent } from "../pipeline/shipments.server";
import { isOptedOut, recordOptOut } from "./sms-optout.server";
import { wasShippedEarly } from "../intelligence/lanes.server";
import { ensureTrackingCode, shortTrackingUrl, trackingUrl } from "../storefront/tracking-links.server";
import type { HandlerMap } from "../jobs/worker.server";

export const NOTIFY_SEND = "notify.send";
export const NOTIFY_DIGEST = "notify.digest";
export const NOTIFY_AUTO_APPROVE = "notify.auto_approve";

/**
 * How long one provider call may take before its row counts as "in doubt" (the worker holding it may
 * have died). Well above the providers' own 20 s request timeouts, so a live attempt has always finished
 * (sent, failed, or left for reconciliation) before anyone else looks at its row.
 */
export const SEND_DEADLINE_MS = 2 * 60_000;
/** The window promised at confirmation when the order has no prediction: 3 to 7 business days. */
export const DEFAULT_WINDOW_BUSINESS_DAYS = { low: 3, high: 7 } as const;
/** The digest job runs this many hours before DIGEST_LOCAL_HOUR, so its plan lands on today's digest. */
const DIGEST_LEAD_HOURS = 1;
const AUTO_SEND_BY = "auto-send";
/** Stands in for an order's short link code in previews and test sends (TRACKING_CODE_LENGTH characters). */
const PREVIEW_TRACKING_CODE = "PREVIEW001";

type Tx = Prisma.TransactionClient;
type Now = () => Date;

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
interface NotificationFacts {
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
}

type ShipmentWithRelations = Shipment & { order: Order | null; shop: Shop; returnCase: ReturnCase | null };

// ---------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------

function factsOf(n: Pick<Notification, "context">): NotificationFacts {
  const c = n.context;
  return c && typeof c === "object" && !Array.isArray(c) ? (c as NotificationFacts) : {};
}

function asJson(facts: NotificationFacts): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(facts)) as Prisma.InputJsonValue;
}

function stringList(value: PrismaTypes.JsonValue | null): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v.length > 0) : [];
}

function timeZoneOf(shop: Shop, order: Order | null): string {
  return pickTimeZone(order?.customerTimezone, shop.timezone);
}

function localeOf(shop: Shop, order: Order | null): string {
  return order?.customerLocale?.trim() || shop.locale || "en";
}

function branding(shop: Shop): Branding {
  return { logoUrl: shop.brandLogoUrl, primaryColor: shop.brandPrimaryColor, accentColor: shop.brandAccentColor, font: shop.brandFont };
}

function isRetryableTxError(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && (error.code === "P2002" || error.code === "P2034");
}

/** A transaction retried when it lost a race on a unique key (a concurrent duplicate event) or a serialization check. */
async function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(fn);
    } catch (error) {
      if (!isRetryableTxError(error) || attempt >= 5) throw error;
    }
  }
}

/** A wake-up for a notification's send job. The key collapses duplicates scheduled for the same instant. */
async function scheduleSend(tx: Pick<Db, "job">, notificationId: string, shopDomain: string, runAfter: Date): Promise<void> {
  await enqueue(tx, {
    kind: NOTIFY_SEND,
    payload: { notificationId },
    shopDomain,
    runAfter,
    singletonKey: `${NOTIFY_SEND}:${notificationId}:${runAfter.getTime()}`,
  });
}

function resolveProviders(db: Db, shop: Shop, deps: NotificationDeps): ResolvedProviders {
  return deps.providers ? deps.providers(db, shop) : providersForShop(db, shop, deps.providerConfig);
}

/** Milestone a shipment is at now (personal updates and resends say "where it is"). */
export function currentMilestone(shipment: Pick<Shipment, "kind" | "stage" | "subStatus" | "delayed" | "deliveredAt">): Milestone | null {
  const kind = shipment.kind === "return" ? "return" : "outbound";
  if (kind === "outbound" && shipment.delayed && !shipment.deliveredAt) return "delayed";
  // A status no milestone uses as "from", so the mapping answers for the current status alone.
  return milestoneForTransition(kind, shipment.stage, shipment.subStatus, "__current__");
}

// ---------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------

interface Rendered {
  subject: string | null;
  text: string;
  html: string | null;
  segments: number | null;
}

/** Scans of a shipment that arrived after `since` (newest first), for the in-transit digest. */
async function digestScans(db: Db, shipmentId: string, since: Date | null): Promise<Scan[]> {
  const rows = await db.trackingEvent.findMany({
    where: { shipmentId, source: "fulfillment_event", ...(since ? { createdAt: { gt: since } } : {}) },
    orderBy: { happenedAt: "desc" },
    take: 10,
  });
  return rows.map((e) => ({
    at: e.happenedAt,
    message: e.message?.trim() || e.status.replace(/_/g, " "),
    location: [e.city, e.province, e.country].filter(Boolean).join(", ") || null,
  }));
}

function windowOf(start: Date | null, end: Date | null): { start: Date; end: Date } | null {
  if (start && end) return { start, end };
  if (start || end) return { start: (start ?? end)!, end: (end ?? start)! };
  return null;
}

/** Everything a template needs, from the stored rows and the notification's own facts. */
async function messageContext(
  db: Db,
  shop: Shop,
  order: Order,
  shipment: Shipment | null,
  milestone: Milestone,
  facts: NotificationFacts,
  personalNote: string | null,
  now: Date,
  deps: NotificationDeps,
): Promise<MessageContext> {
  const ctx: MessageContext = {
    shopName: shop.name?.trim() || shop.domain.replace(/\.myshopify\.com$/, ""),
    customerFirstName: order.customerFirstName,
    orderName: order.name,
    trackingUrl: trackingUrl(shop, order.id, now, deps.linkSecret ? { secret: deps.linkSecret } : {}),
    timeZone: timeZoneOf(shop, order),
    personalNote,
    helpEmail: shop.replyToEmail ?? shop.contactEmail,
  };
  if (facts.estimatedWindow) {
    ctx.estimatedWindow = { start: new Date(facts.estimatedWindow.start), end: new Date(facts.estimatedWindow.end) };
  } else {
    ctx.estimatedWindow =
      windowOf(shipment?.predictedStart ?? null, shipment?.predictedEnd ?? null) ??
      windowOf(shipment?.carrierEdd ?? null, null) ??
      windowOf(order.predictedStart, order.predictedEnd);
  }
  if (shipment && milestone !== "order_confirmed") {
    const urls = stringList(shipment.trackingUrls);
    const number = shipment.primaryTracking ?? stringList(shipment.trackingNumbers)[0] ?? null;
    ctx.carrierName = shipment.carrier;
    ctx.carrierUrl = urls[0] ?? null;
    ctx.trackingNumber = number;
    ctx.lastLocation = shipment.lastLocation;
    if (shipment.kind === "return") {
      ctx.returnLabelUrl = shipment.returnLabelUrl;
      ctx.returnTrackingNumber = number;
      ctx.returnTrackingUrl = urls[0] ?? null;
    }
  }
  if (milestone === "in_transit_digest" && shipment) {
    ctx.scans = await digestScans(db, shipment.id, facts.digestSince ? new Date(facts.digestSince) : null);
  }
  if (milestone === "delayed") {
    ctx.delayReason = facts.delayReason ?? "carrier";
    const est = facts.newEstimate ? new Date(facts.newEstimate) : null;
    ctx.newEstimate = est ? { start: est, end: est } : null;
  }
  if (milestone === "refund_issued" && shipment?.returnCaseId) {
    const rc = await db.returnCase.findUnique({ where: { id: shipment.returnCaseId }, select: { refundCents: true } });
    if (rc?.refundCents != null) ctx.refund = { amountMinor: rc.refundCents, currency: order.currency };
  }
  return ctx;
}

/** SMS carry the order's short link (one segment); emails the signed token link. */
async function smsContext(db: Db, shop: Shop, orderId: string, ctx: MessageContext): Promise<MessageContext> {
  if (orderId === "preview") return ctx;
  return { ...ctx, trackingUrl: shortTrackingUrl(shop, await ensureTrackingCode(db, orderId)) };
}

function renderFor(milestone: Milestone, channel: Channel, ctx: MessageContext, shop: Shop, locale: string, optOutHint: boolean): Rendered {
  if (channel === "email") {
    const r = renderEmail(milestone, ctx, branding(shop), locale);
    return { subject: r.subject, text: r.text, html: r.html, segments: null };
  }
  if (!isSmsCapable(milestone)) throw new Error(`There is no SMS for ${milestone}`);
  const r = renderSms(milestone, ctx, locale, { optOutHint });
  return { subject: null, text: r.body, html: null, segments: r.segments };
}

/** The first SMS a shop sends to a number carries "Reply STOP to opt out". */
async function needsOptOutHint(db: Db, shopId: string, phone: string | null): Promise<boolean> {
  if (!phone) return false;
  const sent = await db.notification.count({ where: { shopId, channel: "sms", recipient: phone, status: "sent" } });
  return sent === 0;
}

// ---------------------------------------------------------------------------------------------------
// Planning: decisions → Notification rows + send jobs, one transaction
// ---------------------------------------------------------------------------------------------------

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

interface PlanRequest {
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
  staff?: { kind: "personal" | "resend"; discriminator: string; by: string; note?: string | null; channels?: Channel[] };
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
async function planAndStore(db: Db, req: PlanRequest, deps: NotificationDeps): Promise<string[]> {
  const { shop, order, shipment, milestone, now } = req;
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
  const tz = timeZoneOf(shop, order);
  if (req.staff) {
    const staff = req.staff;
    plans = plans
      .filter((p) => !staff.channels || staff.channels.includes(p.channel))
      .map((p) => ({
        ...p,
        idempotencyKey: idempotencyKey(req.subjectId, milestone, p.channel, staff.discriminator),
        sendAfter: p.status === "suppressed" || p.channel === "email" ? now : applyQuietHours(now, tz, shop.quietHoursStart, shop.quietHoursEnd),
      }));
  }
  if (plans.length === 0) return [];

  // Skip work for keys that exist already (the common duplicate-event case), then render outside the
  // transaction: MJML takes milliseconds we do not want to hold a write lock for.
  const existing = new Set(
    (await db.notification.findMany({ where: { idempotencyKey: { in: plans.map((p) => p.idempotencyKey) } }, select: { idempotencyKey: true } })).map(
      (r) => r.idempotencyKey,
    ),
  );
  const fresh = plans.filter((p) => !existing.has(p.idempotencyKey));
  if (fresh.length === 0 && !req.alsoInTx) return [];

  const locale = resolveLocale(localeOf(shop, order));
  const baseFacts: NotificationFacts = { ...(req.facts ?? {}), ...(req.staff ? { staff: req.staff.kind } : {}) };
  const personalNote = req.staff?.note?.trim() || null;
  const rows: RowDraft[] = [];
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
        rendered = renderFor(milestone, plan.channel, ctx, shop, locale, plan.channel === "sms" && (await needsOptOutHint(db, shop.id, plan.recipient)));
      } catch (e) {
        status = "failed";
        error = `render_failed: ${errorMessage(e)}`;
        errorKind = "permanent";
      }
      if (status === "queued") {
        status = plan.reason === "quiet_hours" ? "deferred" : "queued";
        nextAttemptAt = plan.sendAfter;
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
      const taken = await tx.notification.findUnique({ where: { idempotencyKey: row.plan.idempotencyKey }, select: { id: true } });
      if (taken) continue;
      const n = await tx.notification.create({ data: row.data, select: { id: true, status: true, nextAttemptAt: true } });
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

async function loadShipment(db: Db, shipmentId: string): Promise<ShipmentWithRelations | null> {
  return db.shipment.findUnique({ where: { id: shipmentId }, include: { order: true, shop: true, returnCase: true } });
}

function sendsNothing(shop: Shop): boolean {
  return shop.status === "uninstalled";
}

/** tracking.stage_changed: the milestone a transition announces, the delay notice, the digest. */
export async function onStageChanged(db: Db, event: StageChangedEvent, now: Date, deps: NotificationDeps = {}): Promise<void> {
  const s = await loadShipment(db, event.shipmentId);
  if (!s || sendsNothing(s.shop)) return;
  if (!s.order) {
    logger.info({ shipmentId: s.id }, "stage change before its order arrived: nobody to notify yet");
    return;
  }
  const t = event.transition;
  const milestone = t ? milestoneForTransition(event.kind, t.toStage, t.toStatus, t.fromStatus) : null;
  if (milestone === "in_transit_digest") {
    await planDigest(db, s.id, now, deps);
  } else if (milestone && milestone !== "delayed" && milestone !== "order_confirmed") {
    await planAndStore(db, { shop: s.shop, order: s.order, shipment: s, milestone, subjectId: s.id, now }, deps);
  }
  // "Shipped earlier than expected" (off unless the merchant turns it on): the order's first
  // shipment beat the shop's learned processing time.
  if (milestone === "shipped" && s.kind === "outbound" && (await wasShippedEarly(db, s.shopId, s.order.processedAt, s.labelCreatedAt, now))) {
    await planAndStore(db, { shop: s.shop, order: s.order, shipment: s, milestone: "shipped_early", subjectId: s.order.id, now }, deps);
  }
  if (event.kind === "outbound" && (milestone === "delayed" || event.delayStarted || (event.delayed && s.delayed))) {
    await announceDelay(db, s, s.order, now, deps);
  }
}

/**
 * The delay notice: once when the delay starts, and again only when the estimate slips past the one
 * announced (Shipment.delayAnnouncedEdd, written in the same transaction as the notice).
 */
async function announceDelay(db: Db, s: ShipmentWithRelations, order: Order, now: Date, deps: NotificationDeps): Promise<void> {
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
  if (!shouldAnnounceDelay(s.delayAnnouncedEdd, verdict.newEstimate)) return;
  const estimate = verdict.newEstimate;
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
      facts: { newEstimate: estimate?.toISOString() ?? null, delayReason: verdict.reason },
      alsoInTx: estimate
        ? async (tx) => {
            await tx.shipment.update({ where: { id: s.id }, data: { delayAnnouncedEdd: estimate } });
          }
        : undefined,
    },
    deps,
  );
}

/** tracking.order_confirmed: the confirmation email with the delivery window and the tracking link. */
export async function onOrderConfirmed(db: Db, event: OrderConfirmedEvent, now: Date, deps: NotificationDeps = {}): Promise<void> {
  const order = await db.order.findUnique({ where: { id: event.orderId }, include: { shop: true } });
  if (!order || sendsNothing(order.shop) || order.cancelledAt || order.redactedAt) return;
  const predicted = order.predictedStart && order.predictedEnd;
  const estimatedWindow = predicted
    ? { start: order.predictedStart!.toISOString(), end: order.predictedEnd!.toISOString(), source: "order" as const }
    : {
        start: addBusinessDays(order.processedAt, DEFAULT_WINDOW_BUSINESS_DAYS.low, order.shop.timezone).toISOString(),
        end: addBusinessDays(order.processedAt, DEFAULT_WINDOW_BUSINESS_DAYS.high, order.shop.timezone).toISOString(),
        source: "default_3_7_business_days" as const,
      };
  await planAndStore(
    db,
    { shop: order.shop, order, shipment: null, milestone: "order_confirmed", subjectId: order.id, now, facts: { estimatedWindow } },
    deps,
  );
}

// ---------------------------------------------------------------------------------------------------
// In-transit digest: at most one a day per shipment (the key holds the customer's local date), and
// only when scans arrived since the previous one. A per-shipment job re-plans it every day before the
// digest hour while the shipment is in transit.
// ---------------------------------------------------------------------------------------------------

async function lastDigestSentAt(db: Db, shipmentId: string): Promise<Date | null> {
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
    where: { shipmentId: s.id, source: "fulfillment_event", ...(since ? { createdAt: { gt: since } } : {}) },
  });
  if (scans > 0) {
    await planAndStore(
      db,
      { shop: s.shop, order: s.order, shipment: s, milestone: "in_transit_digest", subjectId: s.id, now, changed: true, facts: { digestSince: since?.toISOString() ?? null } },
      deps,
    );
  }
  const tz = timeZoneOf(s.shop, s.order);
  const local = wallTimeAt(now, tz);
  const at = (w: typeof local) => instantOf({ ...w, hour: DIGEST_LOCAL_HOUR - DIGEST_LEAD_HOURS, minute: 0, second: 0 }, tz);
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

// ---------------------------------------------------------------------------------------------------
// Hybrid mode: drafts wait for staff; optionally they go by themselves after N hours
// ---------------------------------------------------------------------------------------------------

async function scheduleAutoApprove(tx: Pick<Db, "job">, shopId: string, shopDomain: string, runAfter: Date): Promise<void> {
  await enqueue(tx, {
    kind: NOTIFY_AUTO_APPROVE,
    payload: { shopId },
    shopDomain,
    runAfter,
    singletonKey: `${NOTIFY_AUTO_APPROVE}:${shopId}:${runAfter.getTime()}`,
  });
}

/** Approves and queues a draft, optionally with a personal note. False when it is no longer a draft. */
export async function approveDraft(db: Db, id: string, opts: { note?: string | null; by: string }, now: Date = new Date()): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const n = await tx.notification.findUnique({ where: { id }, select: { status: true, shopId: true, personalNote: true, shop: { select: { domain: true } } } });
    if (!n || n.status !== "draft") return false;
    const note = opts.note === undefined ? n.personalNote : opts.note?.trim().slice(0, 2000) || null;
    const r = await tx.notification.updateMany({
      where: { id, status: "draft" },
      data: { status: "queued", personalNote: note, approvedAt: now, approvedBy: opts.by, nextAttemptAt: now, error: null },
    });
    if (r.count !== 1) return false;
    await scheduleSend(tx, id, n.shop.domain, now);
    return true;
  });
}

/** Discards a draft (staff decided it should not go). False when it is no longer a draft. */
export async function discardDraft(db: Db, id: string, opts: { by: string } = { by: "staff" }, now: Date = new Date()): Promise<boolean> {
  const r = await db.notification.updateMany({
    where: { id, status: "draft" },
    data: { status: "discarded", approvedBy: opts.by, approvedAt: now, nextAttemptAt: null, error: `discarded by ${opts.by}` },
  });
  return r.count === 1;
}

/** notify.auto_approve: drafts older than the shop's hybridAutoSendHours are approved and sent. */
export async function autoApproveDrafts(db: Db, shopId: string, now: Date): Promise<number> {
  const shop = await db.shop.findUnique({ where: { id: shopId } });
  const hours = shop?.hybridAutoSendHours;
  if (!shop || sendsNothing(shop) || shop.notificationMode !== "hybrid" || !hours || hours <= 0) return 0;
  const cutoff = new Date(now.getTime() - hours * HOUR_MS);
  const due = await db.notification.findMany({ where: { shopId, status: "draft", createdAt: { lte: cutoff } }, select: { id: true } });
  let approved = 0;
  for (const d of due) if (await approveDraft(db, d.id, { by: AUTO_SEND_BY }, now)) approved++;
  // The next draft to come due (the setting may have changed since the drafts were planned).
  const next = await db.notification.findFirst({ where: { shopId, status: "draft" }, orderBy: { createdAt: "asc" }, select: { createdAt: true } });
  if (next) {
    const at = new Date(Math.max(next.createdAt.getTime() + hours * HOUR_MS, now.getTime() + 60_000));
    await scheduleAutoApprove(db, shopId, shop.domain, at);
  }
  return approved;
}

// ---------------------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------------------

type NotificationRow = Notification & { shop: Shop; order: Order; shipment: Shipment | null };

function emailMessage(n: NotificationRow, p: ResolvedProviders, r: { subject: string | null; text: string; html: string | null }): EmailMessage {
  return {
    notificationId: n.id,
    shopDomain: n.shop.domain,
    to: n.recipient ?? "",
    from: p.emailFrom,
    replyTo: p.replyTo,
    subject: r.subject ?? "",
    text: r.text,
    html: r.html ?? "",
    categories: ["waypoint", n.milestone],
  };
}

function smsMessage(n: NotificationRow, p: ResolvedProviders, body: string): SmsMessage {
  return { notificationId: n.id, to: n.recipient ?? "", from: p.smsFrom, body };
}

/** Conditional write on the row as this attempt last saw it: losing a race changes nothing. */
async function transition(db: Db, n: Pick<Notification, "id" | "status" | "attempts">, data: Prisma.NotificationUpdateManyMutationInput): Promise<boolean> {
  const r = await db.notification.updateMany({ where: { id: n.id, status: n.status, attempts: n.attempts }, data });
  return r.count === 1;
}

/** Why a message must not go now (terminal), or null. */
async function blockedReason(db: Db, n: NotificationRow): Promise<{ status: "suppressed" | "discarded"; reason: string } | null> {
  const facts = factsOf(n);
  if (sendsNothing(n.shop)) return { status: "suppressed", reason: "shop_uninstalled" };
  if (n.shop.notificationMode === "off" && !n.approvedBy) return { status: "suppressed", reason: "mode_off" };
  if (!n.recipient) return { status: "suppressed", reason: "no_address" };
  if (n.order.redactedAt) return { status: "suppressed", reason: "customer_redacted" };
  if (n.channel === "email" && !n.order.emailConsent) return { status: "suppressed", reason: "opted_out" };
  if (n.channel === "sms") {
    if (await isOptedOut(db, n.shopId, n.recipient)) return { status: "suppressed", reason: "opted_out" };
    if (!n.order.smsConsent && !n.shop.smsTransactionalOk) return { status: "suppressed", reason: "no_sms_consent" };
  }
  if (!facts.staff && isMilestone(n.milestone)) {
    if (n.shipment) {
      const s = n.shipment;
      const cancelled = s.cancelledAt !== null && s.subStatus === "cancelled";
      if (!stillRelevant(n.milestone, { stage: s.stage, subStatus: s.subStatus, delayed: s.delayed, cancelled })) {
        return { status: "discarded", reason: `no_longer_relevant: the shipment is now ${s.subStatus}` };
      }
    } else if (n.order.cancelledAt) {
      return { status: "discarded", reason: "no_longer_relevant: the order was cancelled" };
    }
  }
  return null;
}

/** notify.send: one attempt at one notification (or a reconciliation of an interrupted one). */
export async function sendNotification(db: Db, id: string, clock: Now, deps: NotificationDeps = {}): Promise<void> {
  const now = clock();
  const n = await db.notification.findUnique({ where: { id }, include: { shop: true, order: true, shipment: true } });
  if (!n) return;
  if (n.status === "sending") {
    if (n.nextAttemptAt && n.nextAttemptAt.getTime() > now.getTime()) {
      // An attempt may still be running (its worker lost its lease but not its life): look again after its deadline.
      await scheduleSend(db, n.id, n.shop.domain, n.nextAttemptAt);
      return;
    }
    await reconcile(db, n, clock, deps);
    return;
  }
  if (n.status !== "queued" && n.status !== "deferred") return; // sent, failed, draft, suppressed, discarded: nothing to do
  if (n.nextAttemptAt && n.nextAttemptAt.getTime() > now.getTime()) return; // not due: its own wake-up is scheduled
  await attempt(db, n, clock, deps);
}

/** Renders, claims the row (status sending, attempts + 1, deadline), calls the provider, records the answer. */
async function attempt(db: Db, n: NotificationRow, clock: Now, deps: NotificationDeps): Promise<void> {
  const now = clock();
  const blocked = await blockedReason(db, n);
  if (blocked) {
    await transition(db, n, { status: blocked.status, error: blocked.reason, nextAttemptAt: null });
    return;
  }
  const tz = timeZoneOf(n.shop, n.order);
  if (n.channel === "sms") {
    const resume = applyQuietHours(now, tz, n.shop.quietHoursStart, n.shop.quietHoursEnd);
    if (resume.getTime() > now.getTime()) {
      // Quiet hours in the customer's zone: deferred, never dropped.
      if (await transition(db, n, { status: "deferred", nextAttemptAt: resume })) await scheduleSend(db, n.id, n.shop.domain, resume);
      return;
    }
  }
  if (!isMilestone(n.milestone)) {
    await transition(db, n, { status: "failed", error: `render_failed: unknown milestone ${n.milestone}`, errorKind: "permanent", nextAttemptAt: null });
    return;
  }

  const facts = factsOf(n);
  let rendered: Rendered;
  try {
    let ctx = await messageContext(db, n.shop, n.order, n.shipment, n.milestone, facts, n.personalNote, now, deps);
    if (n.channel === "sms") ctx = await smsContext(db, n.shop, n.order.id, ctx);
    const hint = n.channel === "sms" && (await needsOptOutHint(db, n.shopId, n.recipient));
    rendered = renderFor(n.milestone, n.channel as Channel, ctx, n.shop, n.locale, hint);
  } catch (e) {
    await transition(db, n, { status: "failed", error: `render_failed: ${errorMessage(e)}`, errorKind: "permanent", nextAttemptAt: null });
    return;
  }

  const providers = resolveProviders(db, n.shop, deps);
  const provider = n.channel === "email" ? providers.email : providers.sms;
  const attempts = n.attempts + 1;
  const claimed = await transition(db, n, {
    status: "sending",
    attempts,
    nextAttemptAt: new Date(now.getTime() + SEND_DEADLINE_MS),
    provider: provider.name,
    subject: rendered.subject,
    bodyText: rendered.text,
    bodyHtml: rendered.html,
    segments: rendered.segments,
    context: asJson({ ...facts, attemptStartedAt: now.toISOString(), reconciled: undefined }),
  });
  if (!claimed) return; // another worker claimed it first

  // From here until the outcome is recorded, a crash leaves the row "sending" past its deadline:
  // the next look at it reconciles with the provider instead of sending blindly.
  let result: SendResult;
  try {
    result =
      n.channel === "email"
        ? await providers.email.sendEmail(emailMessage(n, providers, rendered))
        : await providers.sms.sendSms(smsMessage(n, providers, rendered.text));
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error; // not the provider's answer: leave it in doubt (the job retries and reconciles)
    await recordFailure(db, { ...n, status: "sending", attempts }, error, clock, deps);
    return;
  }
  await recordSent(db, { ...n, status: "sending", attempts }, result, rendered.segments, clock());
}

async function recordSent(db: Db, n: NotificationRow, result: SendResult, renderedSegments: number | null, now: Date): Promise<void> {
  const ok = await transition(db, n, {
    status: "sent",
    sentAt: now,
    providerMessageId: result.providerMessageId,
    segments: result.segments ?? renderedSegments,
    nextAttemptAt: null,
    error: null,
    errorKind: null,
  });
  if (!ok) logger.warn({ notificationId: n.id }, "sent, but the row changed meanwhile");
}

async function recordFailure(db: Db, n: NotificationRow, error: ProviderError, clock: Now, deps: NotificationDeps): Promise<void> {
  const now = clock();
  const random = deps.random ?? Math.random;
  if (error.ambiguous) {
    // No answer (timeout, reset): the provider may have accepted it. Stay "sending" and reconcile later.
    const at = new Date(now.getTime() + providerRetryDelay(n.attempts, random));
    if (await transition(db, n, { nextAttemptAt: at, error: `${error.message} (in doubt: checked with the provider before any new attempt)`, errorKind: "transient" })) {
      await scheduleSend(db, n.id, n.shop.domain, at);
    }
    return;
  }
  if (error.kind === "transient" && n.attempts < MAX_SEND_ATTEMPTS) {
    const at = new Date(now.getTime() + providerRetryDelay(n.attempts, random));
    if (await transition(db, n, { status: "queued", nextAttemptAt: at, error: error.message, errorKind: "transient" })) {
      await scheduleSend(db, n.id, n.shop.domain, at);
    }
    logger.warn({ notificationId: n.id, attempts: n.attempts, retryAt: at.toISOString(), err: error.message }, "send failed, will retry");
    return;
  }
  const message = error.kind === "transient" ? `gave up after ${n.attempts} attempts: ${error.message}` : error.message;
  if (n.channel === "sms" && error.provider === "twilio" && error.code === TWILIO_UNSUBSCRIBED && n.recipient) {
    // The shopper replied STOP to this sender (perhaps before Waypoint heard of it): remember it, so
    // later messages are suppressed as opted out rather than each failing at Twilio. START lifts it.
    await recordOptOut(db, [n.shopId], n.recipient);
  }
  await transition(db, n, { status: "failed", nextAttemptAt: null, error: message, errorKind: error.kind });
  logger.warn({ notificationId: n.id, kind: error.kind, err: error.message }, "send failed for good");
}

/**
 * A row left "sending" past its deadline: its worker died (or lost its answer) between handing the
 * message to the provider and recording the outcome. Ask the provider before doing anything else.
 */
async function reconcile(db: Db, n: NotificationRow, clock: Now, deps: NotificationDeps): Promise<void> {
  const now = clock();
  const facts = factsOf(n);
  const since = facts.attemptStartedAt ? new Date(facts.attemptStartedAt) : new Date((n.nextAttemptAt?.getTime() ?? now.getTime()) - SEND_DEADLINE_MS);
  const providers = resolveProviders(db, n.shop, deps);
  const provider = n.channel === "email" ? providers.email : providers.sms;
  let lookup: SentLookup;
  if (n.provider && n.provider !== provider.name) {
    lookup = { state: "unknown", reason: `it went to ${n.provider}, and the shop now sends through ${provider.name}` };
  } else if (n.bodyText === null) {
    lookup = { state: "unknown", reason: "the attempted message was not stored" };
  } else {
    try {
      lookup =
        n.channel === "email"
          ? await providers.email.findSentEmail(emailMessage(n, providers, { subject: n.subject, text: n.bodyText, html: n.bodyHtml }), since, now)
          : await providers.sms.findSentSms(smsMessage(n, providers, n.bodyText), since, now);
    } catch (error) {
      lookup = { state: "not_yet", recheckAt: new Date(now.getTime() + 60_000) };
      logger.warn({ notificationId: n.id, err: errorMessage(error) }, "reconciliation lookup failed");
    }
  }
  logger.info({ notificationId: n.id, provider: provider.name, state: lookup.state }, "reconciling an interrupted send");
  switch (lookup.state) {
    case "found":
      await transition(db, n, {
        status: "sent",
        sentAt: now,
        providerMessageId: lookup.providerMessageId,
        nextAttemptAt: null,
        error: null,
        errorKind: null,
        context: asJson({ ...facts, reconciled: true }),
      });
      return;
    case "absent":
      // It never reached the provider: a normal attempt (attempts keeps counting).
      await attempt(db, n, clock, deps);
      return;
    case "not_yet":
      if (await transition(db, n, { nextAttemptAt: lookup.recheckAt })) await scheduleSend(db, n.id, n.shop.domain, lookup.recheckAt);
      return;
    case "unknown":
      await transition(db, n, {
        status: "failed",
        nextAttemptAt: null,
        errorKind: "permanent",
        error: `in_doubt: an attempt was interrupted and ${provider.name} cannot tell whether it was sent (${lookup.reason}). Not resent, to avoid a duplicate: check the provider's log, and resend from the admin if it never arrived.`,
      });
      return;
  }
}

/**
 * Safety net for rows whose wake-up job was lost (dead-lettered after repeated infrastructure errors,
 * or deleted): every queued, deferred or in-doubt row overdue by more than `graceMs` gets a new one.
 * Cheap and idempotent; meant for a periodic maintenance job. Returns how many were re-scheduled.
 */
export async function sweepOverdueNotifications(db: Db, now: Date, graceMs = 15 * 60_000): Promise<number> {
  const overdue = await db.notification.findMany({
    where: { status: { in: ["queued", "deferred", "sending"] }, nextAttemptAt: { lt: new Date(now.getTime() - graceMs) } },
    select: { id: true, shop: { select: { domain: true } } },
    take: 500,
  });
  for (const n of overdue) await scheduleSend(db, n.id, n.shop.domain, now);
  return overdue.length;
}

// ---------------------------------------------------------------------------------------------------
// Admin services
// ---------------------------------------------------------------------------------------------------

/** A note from staff about a shipment, sent now by email with the shipment's current status. Returns the notification id. */
export async function sendPersonalUpdate(
  db: Db,
  shipmentId: string,
  note: string,
  by: string,
  now: Date = new Date(),
  deps: NotificationDeps = {},
): Promise<string | null> {
  const text = note.trim();
  if (!text) throw new Error("A personal update needs a note");
  const s = await loadShipment(db, shipmentId);
  if (!s || !s.order) throw new Error("Shipment not found, or its order is unknown");
  if (sendsNothing(s.shop)) throw new Error("The shop is uninstalled");
  const milestone = currentMilestone(s) ?? (s.kind === "return" ? "return_approved" : "shipped");
  const discriminator = `personal-${now.getTime()}`;
  await planStaffMessage(db, { ...s, order: s.order }, milestone, now, { kind: "personal", discriminator, by, note: text, channels: ["email"] }, deps);
  const row = await db.notification.findUnique({ where: { idempotencyKey: idempotencyKey(s.id, milestone, "email", discriminator) }, select: { id: true } });
  return row?.id ?? null;
}

/**
 * A staff-initiated message (personal update, resend) about a shipment's current milestone, rendered
 * from the same facts the automatic one had. Returns the ids of the messages it planned.
 */
async function planStaffMessage(
  db: Db,
  s: ShipmentWithRelations & { order: Order },
  milestone: Milestone,
  now: Date,
  staff: NonNullable<PlanRequest["staff"]>,
  deps: NotificationDeps,
): Promise<string[]> {
  return planAndStore(
    db,
    { shop: s.shop, order: s.order, shipment: s, milestone, subjectId: s.id, now, changed: true, newEstimate: s.delayAnnouncedEdd, facts: await currentFacts(db, s, milestone), staff },
    deps,
  );
}

async function currentFacts(db: Db, s: Pick<Shipment, "id" | "delayAnnouncedEdd" | "delayReason">, milestone: Milestone): Promise<NotificationFacts> {
  if (milestone === "in_transit_digest") return { digestSince: (await lastDigestSentAt(db, s.id))?.toISOString() ?? null };
  if (milestone === "delayed") return { newEstimate: s.delayAnnouncedEdd?.toISOString() ?? null, delayReason: (s.delayReason as DelayReason | null) ?? "carrier" };
  return {};
}

export interface ResendOutcome {
  shipmentId: string;
  milestone: Milestone | null;
  notificationIds: string[];
  skipped?: string;
}

/** Sends each shipment's current-status message again (after fixing credentials, or on a customer's request). */
export async function resendCurrent(db: Db, shipmentIds: string[], now: Date = new Date(), deps: NotificationDeps = {}, by = "staff"): Promise<ResendOutcome[]> {
  const out: ResendOutcome[] = [];
  for (const shipmentId of [...new Set(shipmentIds)]) {
    const s = await loadShipment(db, shipmentId);
    if (!s || !s.order) {
      out.push({ shipmentId, milestone: null, notificationIds: [], skipped: "not_found" });
      continue;
    }
    if (sendsNothing(s.shop)) {
      out.push({ shipmentId, milestone: null, notificationIds: [], skipped: "shop_uninstalled" });
      continue;
    }
    const milestone = currentMilestone(s);
    if (!milestone) {
      out.push({ shipmentId, milestone: null, notificationIds: [], skipped: "no_message_for_status" });
      continue;
    }
    const ids = await planStaffMessage(db, { ...s, order: s.order }, milestone, now, { kind: "resend", discriminator: `resend-${now.getTime()}`, by }, deps);
    out.push({ shipmentId, milestone, notificationIds: ids });
  }
  return out;
}

export type TemplatePreview =
  | { channel: "email"; subject: string; html: string; text: string }
  | { channel: "sms"; body: string; segments: number };

/** The settings page's live preview: sample facts, the shop's branding and name, a real-looking link. */
export async function previewTemplate(
  db: Db,
  shopId: string,
  milestone: Milestone,
  channel: Channel,
  locale: string,
  now: Date = new Date(),
  deps: NotificationDeps = {},
): Promise<TemplatePreview> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const ctx: MessageContext = {
    ...previewContext(shop, milestone, now),
    // As real messages link: SMS with the order's short code (a stand-in of the same length, so the
    // segment count shown is the one customers' texts will have), email with the signed token link.
    trackingUrl:
      channel === "sms" ? shortTrackingUrl(shop, PREVIEW_TRACKING_CODE) : trackingUrl(shop, "preview", now, deps.linkSecret ? { secret: deps.linkSecret } : {}),
    helpEmail: shop.replyToEmail ?? shop.contactEmail,
  };
  const r = renderFor(milestone, channel, ctx, shop, locale, false);
  return channel === "email"
    ? { channel, subject: r.subject ?? "", html: r.html ?? "", text: r.text }
    : { channel, body: r.text, segments: r.segments ?? 1 };
}

export type TestSendResult =
  | { ok: true; provider: string; providerMessageId: string; segments?: number }
  | { ok: false; provider: string; error: string; kind: string };

/** Sends the preview of a milestone to an address staff give (no Notification row: it is not a customer message). */
export async function testSend(
  db: Db,
  shopId: string,
  milestone: Milestone,
  channel: Channel,
  to: string,
  now: Date = new Date(),
  deps: NotificationDeps = {},
): Promise<TestSendResult> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const address = channel === "email" ? to.trim().toLowerCase() : normalizePhone(to);
  if (!address || (channel === "email" && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address))) {
    throw new Error(channel === "email" ? "Enter a valid email address" : "Enter a valid phone number with its country code");
  }
  const preview = await previewTemplate(db, shopId, milestone, channel, shop.locale, now, deps);
  const providers = resolveProviders(db, shop, deps);
  const provider = channel === "email" ? providers.email : providers.sms;
  try {
    const result =
      preview.channel === "email"
        ? await providers.email.sendEmail({
            notificationId: null,
            to: address,
            from: providers.emailFrom,
            replyTo: providers.replyTo,
            subject: `[Test] ${preview.subject}`,
            text: preview.text,
            html: preview.html,
            categories: ["waypoint", "test"],
          })
        : await providers.sms.sendSms({ notificationId: null, to: address, from: providers.smsFrom, body: preview.body });
    return { ok: true, provider: provider.name, providerMessageId: result.providerMessageId, ...(result.segments ? { segments: result.segments } : {}) };
  } catch (error) {
    if (error instanceof ProviderError) return { ok: false, provider: provider.name, error: error.message, kind: error.kind };
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Job handlers
// ---------------------------------------------------------------------------------------------------

function idFrom(payload: unknown, field: string): string {
  const v = (payload as Record<string, unknown> | null)?.[field];
  if (typeof v !== "string" || v.length === 0) throw new Error(`job payload lacks ${field}`);
  return v;
}

/** The handlers, with injectable providers and jitter (tests); `notificationHandlers` is the app's. */
export function createNotificationHandlers(deps: NotificationDeps = {}): HandlerMap {
  return {
    [STAGE_CHANGED]: async (payload, { db, now }) => {
      await onStageChanged(db, { ...(payload as StageChangedEvent), shipmentId: idFrom(payload, "shipmentId") }, now(), deps);
    },
    [ORDER_CONFIRMED]: async (payload, { db, now }) => {
      await onOrderConfirmed(db, { shopId: idFrom(payload, "shopId"), orderId: idFrom(payload, "orderId") }, now(), deps);
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
