// The integration outbox: Flow triggers and Klaviyo events, planned by the same domain events that plan
// notifications (notifications/plan.server.ts calls recordMilestone), one IntegrationDelivery row per
// (subject, milestone[, discriminator], destination), created only if absent with its wake-up job in the
// same transaction, then delivered by integrations.deliver jobs. The row is the truth; jobs only wake it.
// See docs/decisions/011-integrations.md (and 003 for the notification outbox this mirrors).
import type { IntegrationDelivery, Order, Shipment, Shop } from "@prisma/client";
import type { Db, Prisma } from "../db.server";
import { decryptSecret } from "../lib/crypto.server";
import { enqueue } from "../jobs/queue.server";
import { errorMessage, logger, redactText } from "../lib/logger.server";
import { localDateKey } from "../lib/time";
import { inTransaction, timeZoneOf } from "../notifications/outbox.server";
import { MAX_SEND_ATTEMPTS, providerRetryDelay } from "../notifications/rules/retry";
import { trackingUrl } from "../storefront/tracking-links.server";
import { IntegrationError } from "./errors";
import { appFlowTrigger, type FlowTrigger } from "./flow.server";
import { sendKlaviyoEvent } from "./klaviyo.server";
import {
  type DelayReasonField,
  deliveryKey,
  type Destination,
  flowPayload,
  handEmailToKlaviyo,
  isIntegrationMilestone,
  klaviyoEventBody,
  klaviyoProfile,
  klaviyoSends,
  MILESTONE_INFO,
  type MilestoneFields,
} from "./rules/milestones";

export const INTEGRATION_DELIVER = "integrations.deliver";
/** How long a claimed attempt may run before another worker treats it as interrupted (requests time out at 20 s). */
export const DELIVER_DEADLINE_MS = 2 * 60_000;

export interface IntegrationDeps {
  /** Fires a Flow trigger; the app's shopifyApp() client by default. */
  flowTrigger?: FlowTrigger;
  /** Klaviyo's API origin; https://a.klaviyo.com by default (tests: a local fake). */
  klaviyoBaseUrl?: string;
  random?: () => number;
  /** Secret for the tracking page link; defaults to TRACKING_LINK_SECRET. */
  linkSecret?: string;
}

/** What the hook in notifications/plan.server.ts passes: the planning request, structurally. */
export interface MilestoneEvent {
  shop: Shop;
  order: Order;
  shipment: Shipment | null;
  milestone: string;
  subjectId: string;
  now: Date;
  newEstimate?: Date | null;
  facts?: { delayReason?: string | null };
}

export function klaviyoConnected(shop: Pick<Shop, "klaviyoPrivateKeyEnc">): boolean {
  return !!shop.klaviyoPrivateKeyEnc;
}

/** The destinations this shop wants for this milestone. */
export function destinationsFor(shop: Shop, milestone: string): Destination[] {
  const out: Destination[] = [];
  if (shop.flowTriggersEnabled) out.push("flow");
  if (klaviyoSends(milestone, shop.klaviyoMilestones, klaviyoConnected(shop))) out.push("klaviyo");
  return out;
}

function estimateOf(ev: MilestoneEvent): Date | null {
  if (ev.milestone === "delayed") return ev.newEstimate ?? null;
  if (ev.milestone === "delivered" || ev.milestone === "return_received") return null;
  const s = ev.shipment;
  return s?.carrierEdd ?? s?.predictedEnd ?? ev.order.predictedEnd ?? null;
}

const DELAY_REASONS: readonly string[] = ["carrier", "no_scan", "estimate_passed", "exception"];

export function milestoneFields(ev: MilestoneEvent & { milestone: MilestoneFields["milestone"] }): MilestoneFields {
  const tz = timeZoneOf(ev.shop, ev.order);
  const estimate = estimateOf(ev);
  const urls = Array.isArray(ev.shipment?.trackingUrls) ? (ev.shipment.trackingUrls as unknown[]) : [];
  const numbers = Array.isArray(ev.shipment?.trackingNumbers) ? (ev.shipment.trackingNumbers as unknown[]) : [];
  const reason = ev.milestone === "delayed" ? (ev.facts?.delayReason ?? ev.shipment?.delayReason ?? null) : null;
  return {
    milestone: ev.milestone,
    occurredAt: ev.now.toISOString(),
    orderId: ev.order.shopifyId,
    orderName: ev.order.name,
    shipmentName: ev.shipment?.name ?? null,
    carrier: ev.shipment?.carrier ?? null,
    trackingNumber: ev.shipment?.primaryTracking ?? (typeof numbers[0] === "string" ? numbers[0] : null),
    carrierTrackingUrl: typeof urls[0] === "string" ? urls[0] : null,
    estimatedDelivery: estimate ? localDateKey(estimate, tz) : null,
    delayReason: reason && DELAY_REASONS.includes(reason) ? (reason as DelayReasonField) : null,
  };
}

async function scheduleDeliver(tx: Pick<Db, "job">, id: string, shopDomain: string, runAfter: Date): Promise<void> {
  await enqueue(tx, {
    kind: INTEGRATION_DELIVER,
    payload: { deliveryId: id },
    shopDomain,
    runAfter,
    singletonKey: `${INTEGRATION_DELIVER}:${id}:${runAfter.getTime()}`,
  });
}

/**
 * The hook: a milestone the notification planner just handled becomes one delivery per destination the
 * shop enabled, each created only if its key is absent (a duplicate event adds nothing; two workers
 * racing collide on the unique key and the loser's transaction re-runs and finds the row).
 */
export async function recordMilestone(db: Db, ev: MilestoneEvent): Promise<string[]> {
  const { shop, milestone } = ev;
  if (!isIntegrationMilestone(milestone) || shop.status === "uninstalled") return [];
  const destinations = destinationsFor(shop, milestone);
  if (destinations.length === 0) return [];
  const fields = milestoneFields({ ...ev, milestone });
  // A second, different slip of the estimate is a new delay, as for the delay email (decision 003).
  const discriminator = milestone === "delayed" ? fields.estimatedDelivery : null;
  return inTransaction(db, async (tx) => {
    const created: string[] = [];
    for (const destination of destinations) {
      const key = deliveryKey(ev.subjectId, milestone, destination, discriminator);
      if (await tx.integrationDelivery.findUnique({ where: { idempotencyKey: key }, select: { id: true } })) continue;
      const row = await tx.integrationDelivery.create({
        data: {
          shopId: shop.id,
          orderId: ev.order.id,
          shipmentId: ev.shipment?.id ?? null,
          destination,
          milestone,
          idempotencyKey: key,
          status: "queued",
          fields: fields as unknown as Prisma.InputJsonValue,
          nextAttemptAt: ev.now,
          createdAt: ev.now,
        },
        select: { id: true },
      });
      created.push(row.id);
      await scheduleDeliver(tx, row.id, shop.domain, ev.now);
    }
    return created;
  });
}

/** A test event from the settings page: the shop's newest order as sample data, sent now. */
export async function recordTest(db: Db, shop: Shop, destination: Destination, now: Date): Promise<string | null> {
  const order = await db.order.findFirst({
    where: { shopId: shop.id, redactedAt: null },
    orderBy: { processedAt: "desc" },
  });
  if (!order) return null;
  const shipment = await db.shipment.findFirst({ where: { orderId: order.id }, orderBy: { createdAt: "desc" } });
  const fields = milestoneFields({ shop, order, shipment, milestone: "out_for_delivery", subjectId: order.id, now });
  const row = await db.integrationDelivery.create({
    data: {
      shopId: shop.id,
      orderId: order.id,
      shipmentId: shipment?.id ?? null,
      destination,
      milestone: fields.milestone,
      idempotencyKey: `test:${shop.id}:${destination}:${now.getTime()}`,
      status: "queued",
      test: true,
      fields: fields as unknown as Prisma.InputJsonValue,
      nextAttemptAt: now,
      createdAt: now,
    },
    select: { id: true },
  });
  await scheduleDeliver(db, row.id, shop.domain, now);
  return row.id;
}

type Outcome =
  { status: "sent" } | { status: "failed"; kind: string; error: string } | { status: "retry"; error: string };

async function attempt(db: Db, row: IntegrationDelivery, shop: Shop, now: Date, deps: IntegrationDeps): Promise<void> {
  const fields = row.fields as unknown as MilestoneFields;
  const order = row.orderId ? await db.order.findUnique({ where: { id: row.orderId } }) : null;
  if (!order || order.redactedAt)
    throw new IntegrationError(row.destination as Destination, "order gone or redacted", { kind: "permanent" });
  const link = trackingUrl(shop, order.id, now, deps.linkSecret ? { secret: deps.linkSecret } : {});
  if (row.destination === "flow") {
    if (!shop.flowTriggersEnabled && !row.test)
      throw new IntegrationError("flow", "Flow triggers were switched off", { kind: "config" });
    await (deps.flowTrigger ?? appFlowTrigger)(
      db,
      shop.domain,
      MILESTONE_INFO[fields.milestone].flowHandle,
      // A test runs the merchant's real workflows: its Milestone reads "test", for a condition to stop on.
      { ...flowPayload(fields, link), ...(row.test ? { Milestone: "test" } : {}) },
    );
    return;
  }
  if (!shop.klaviyoPrivateKeyEnc) throw new IntegrationError("klaviyo", "no Klaviyo key", { kind: "config" });
  // A test event goes to the merchant's own contact address, never to a shopper.
  const profile = row.test ? (shop.contactEmail ? { email: shop.contactEmail } : null) : klaviyoProfile(order);
  if (!profile)
    throw new IntegrationError("klaviyo", "no email or consented phone for the profile", { kind: "permanent" });
  const event = klaviyoEventBody(fields, link, profile, row.idempotencyKey);
  await sendKlaviyoEvent(decryptSecret(shop.klaviyoPrivateKeyEnc), event, deps.klaviyoBaseUrl);
}

/**
 * One delivery attempt (integrations.deliver): claimed with a conditional update before the call, the
 * answer recorded with the same condition, so a second worker never doubles it. Transient errors retry
 * with the notifications' backoff up to MAX_SEND_ATTEMPTS; permanent and configuration errors end it.
 * An attempt that never recorded its answer (the worker died, or no HTTP answer came back) is resent to
 * Klaviyo (its unique_id makes that harmless) and ends "in doubt" for Flow, which takes no key.
 */
export async function deliverIntegration(db: Db, id: string, now: Date, deps: IntegrationDeps = {}): Promise<void> {
  const row = await db.integrationDelivery.findUnique({ where: { id } });
  if (!row || (row.status !== "queued" && row.status !== "sending")) return;
  const shop = await db.shop.findUnique({ where: { id: row.shopId } });
  if (!shop) return;
  if (row.nextAttemptAt && row.nextAttemptAt > now) {
    // Not due: a live attempt (look again at its deadline) or an early wake-up.
    if (row.status === "sending") await scheduleDeliver(db, row.id, shop.domain, row.nextAttemptAt);
    return;
  }
  const same = { id: row.id, status: row.status, attempts: row.attempts };
  if (row.status === "sending" && row.destination === "flow") {
    await db.integrationDelivery.updateMany({
      where: same,
      data: {
        status: "failed",
        errorKind: "in_doubt",
        error: "interrupted: the trigger may have fired",
        nextAttemptAt: null,
      },
    });
    return;
  }
  if (shop.status === "uninstalled") {
    await db.integrationDelivery.updateMany({
      where: same,
      data: { status: "failed", errorKind: "config", error: "shop uninstalled", nextAttemptAt: null },
    });
    return;
  }
  const claimed = await db.integrationDelivery.updateMany({
    where: same,
    data: {
      status: "sending",
      attempts: row.attempts + 1,
      nextAttemptAt: new Date(now.getTime() + DELIVER_DEADLINE_MS),
    },
  });
  if (claimed.count === 0) return;
  const mine = { id: row.id, status: "sending", attempts: row.attempts + 1 };

  let outcome: Outcome;
  try {
    await attempt(db, row, shop, now, deps);
    outcome = { status: "sent" };
  } catch (error) {
    const e =
      error instanceof IntegrationError
        ? error
        : new IntegrationError(row.destination as Destination, errorMessage(error));
    // Kept on the row and shown in Settings: a provider's message may quote the address it refused.
    const message = redactText(e.message);
    if (e.kind === "transient" && !(e.ambiguous && row.destination === "flow") && mine.attempts < MAX_SEND_ATTEMPTS)
      outcome = { status: "retry", error: message };
    else
      outcome = {
        status: "failed",
        kind: e.ambiguous && row.destination === "flow" ? "in_doubt" : e.kind,
        error: message,
      };
  }
  if (outcome.status === "sent") {
    await db.integrationDelivery.updateMany({
      where: mine,
      data: { status: "sent", sentAt: now, nextAttemptAt: null, error: null, errorKind: null },
    });
  } else if (outcome.status === "retry") {
    const at = new Date(now.getTime() + providerRetryDelay(mine.attempts, deps.random));
    await inTransaction(db, async (tx) => {
      const r = await tx.integrationDelivery.updateMany({
        where: mine,
        data: { status: "queued", nextAttemptAt: at, error: outcome.error, errorKind: "transient" },
      });
      if (r.count > 0) await scheduleDeliver(tx, row.id, shop.domain, at);
    });
  } else {
    await db.integrationDelivery.updateMany({
      where: mine,
      data: { status: "failed", nextAttemptAt: null, error: outcome.error, errorKind: outcome.kind },
    });
    logger.warn(
      { shop: shop.domain, deliveryId: row.id, destination: row.destination, err: outcome.error },
      "integration delivery failed",
    );
  }
}

export interface DestinationStatus {
  destination: Destination;
  connected: boolean;
  lastSentAt: string | null;
  lastError: { at: string; message: string } | null;
  sent: number;
  failed: number;
}

/** The settings page's status per destination: connected, the last event sent, the last error. */
export async function integrationStatus(db: Db, shop: Shop): Promise<DestinationStatus[]> {
  const out: DestinationStatus[] = [];
  for (const destination of ["flow", "klaviyo"] as const) {
    const [lastSent, lastFailed, sent, failed] = await Promise.all([
      db.integrationDelivery.findFirst({
        where: { shopId: shop.id, destination, status: "sent" },
        orderBy: { sentAt: "desc" },
        select: { sentAt: true },
      }),
      db.integrationDelivery.findFirst({
        where: { shopId: shop.id, destination, status: "failed" },
        orderBy: { updatedAt: "desc" },
        select: { updatedAt: true, error: true },
      }),
      db.integrationDelivery.count({ where: { shopId: shop.id, destination, status: "sent" } }),
      db.integrationDelivery.count({ where: { shopId: shop.id, destination, status: "failed" } }),
    ]);
    out.push({
      destination,
      connected: destination === "flow" ? shop.flowTriggersEnabled : klaviyoConnected(shop),
      lastSentAt: lastSent?.sentAt?.toISOString() ?? null,
      lastError: lastFailed ? { at: lastFailed.updatedAt.toISOString(), message: lastFailed.error ?? "failed" } : null,
      sent,
      failed,
    });
  }
  return out;
}

/** The planned messages with the email handed to Klaviyo when the shop chose Klaviyo for this milestone. */
export function withKlaviyoHandOff<P extends { channel: string; status: string; reason?: unknown }>(
  shop: Shop,
  milestone: string,
  plans: P[],
): P[] {
  return handEmailToKlaviyo(plans, klaviyoSends(milestone, shop.klaviyoMilestones, klaviyoConnected(shop)));
}

/**
 * Safety net for deliveries whose wake-up job was lost (dead-lettered after repeated infrastructure
 * errors, or pruned): every queued or interrupted row overdue by more than `graceMs` gets a new one.
 * Idempotent; the hourly maintenance runs it. Returns how many were re-scheduled.
 */
export async function sweepOverdueDeliveries(db: Db, now: Date, graceMs = 15 * 60_000): Promise<number> {
  const overdue = await db.integrationDelivery.findMany({
    where: { status: { in: ["queued", "sending"] }, nextAttemptAt: { lt: new Date(now.getTime() - graceMs) } },
    select: { id: true, shop: { select: { domain: true } } },
    take: 500,
  });
  for (const d of overdue) await scheduleDeliver(db, d.id, d.shop.domain, now);
  return overdue.length;
}
