// Registration with the shop's source: the periodic scan finds shipments Shopify is silent about
// (rules/registration decides), each registration is a job (persisted before the source is called,
// so a retry re-registers, which both sources treat as the same tracker), within the monthly budget.
// The same scan stops registrations that are final or 60 days old and queues polls, spaced to each
// source's rate limit, for connections that poll.
import type { Db } from "../db.server";
import { enqueue } from "../jobs/queue.server";
import { PermanentJobError } from "../jobs/worker.server";
import { errorMessage, logger } from "../lib/logger.server";
import { cleanTrackingNumber } from "../pipeline/rules/carriers";
import { SourceRejected } from "./adapter";
import { applySnapshot, stopRegistration } from "./apply.server";
import { adapterFor, connectionFor, type Connection } from "./connection.server";
import {
  budgetMonth,
  isFinalShipment,
  MAX_TRACKING_DAYS,
  DAY_MS,
  pollDue,
  registrationDecision,
  stopReason,
} from "./rules/registration";

export const SOURCES_SCAN = "sources.scan";
export const REGISTER = "sources.register";
export const POLL = "sources.poll";
export const SOURCES_SCAN_INTERVAL_MS = 15 * 60_000;
/** Requests per second each source allows (17TRACK documents 3/s; EasyPost's limits are per account, higher). */
export const POLL_RATE_PER_SECOND: Record<string, number> = { easypost: 5, "17track": 3 };
const SCAN_BATCH = 500;

/** Registrations made this month for a shop (pending, active, stopped: each was billed). */
export async function usedThisMonth(db: Db, shopId: string, now: Date): Promise<number> {
  return db.sourceRegistration.count({ where: { shopId, month: budgetMonth(now), status: { not: "failed" } } });
}

/** One scan over every connected shop; returns what it queued. */
export async function scanSources(db: Db, now: Date): Promise<{ register: number; poll: number; stopped: number }> {
  let register = 0;
  let poll = 0;
  let stopped = 0;
  for (const c of await db.trackingSource.findMany()) {
    register += await queueRegistrations(db, c, now);
    stopped += await stopFinished(db, c, now);
    poll += await queuePolls(db, c, now);
  }
  return { register, poll, stopped };
}

async function queueRegistrations(db: Db, c: Connection, now: Date): Promise<number> {
  const since = new Date(now.getTime() - MAX_TRACKING_DAYS * DAY_MS);
  const candidates = await db.shipment.findMany({
    where: {
      shopId: c.shopId,
      kind: "outbound",
      primaryTracking: { not: null },
      createdAt: { gte: since },
      subStatus: { notIn: ["delivered", "picked_up", "cancelled"] },
      shopifyFulfillmentId: { not: null },
    },
    select: {
      id: true,
      kind: true,
      primaryTracking: true,
      carrierCode: true,
      labelCreatedAt: true,
      createdAt: true,
      subStatus: true,
      cancelledAt: true,
    },
    take: SCAN_BATCH,
    orderBy: { createdAt: "desc" },
  });
  if (candidates.length === 0) return 0;
  const ids = candidates.map((s) => s.id);
  const registered = new Set(
    (await db.sourceRegistration.findMany({ where: { shipmentId: { in: ids } }, select: { shipmentId: true } })).map(
      (r) => r.shipmentId,
    ),
  );
  const scanned = new Set(
    (
      await db.trackingEvent.findMany({
        where: { shipmentId: { in: ids }, source: "fulfillment_event" },
        select: { shipmentId: true },
        distinct: ["shipmentId"],
      })
    ).map((r) => r.shipmentId),
  );
  let used = await usedThisMonth(db, c.shopId, now);
  let queued = 0;
  for (const s of candidates) {
    if (registered.has(s.id)) continue;
    const d = registrationDecision(
      {
        kind: s.kind,
        trackingNumber: s.primaryTracking,
        carrierCode: s.carrierCode,
        labelCreatedAt: s.labelCreatedAt,
        createdAt: s.createdAt,
        final: isFinalShipment(s),
        hasShopifyScan: scanned.has(s.id),
      },
      { registerAfterHours: c.registerAfterHours, monthlyBudget: c.monthlyBudget, usedThisMonth: used },
      now,
    );
    if (!d.register) {
      if (d.why === "budget_spent") {
        await noteBudgetSpent(db, c, now);
        break;
      }
      continue;
    }
    used++;
    queued++;
    await enqueue(db, {
      kind: REGISTER,
      payload: { shipmentId: s.id, reason: d.reason },
      singletonKey: `${REGISTER}:${s.id}`,
    });
  }
  return queued;
}

/** Says once per month that the budget is spent; Waypoint then relies on Shopify's events alone. */
async function noteBudgetSpent(db: Db, c: Connection, now: Date): Promise<void> {
  if (c.budgetNotedAt && budgetMonth(c.budgetNotedAt) === budgetMonth(now)) return;
  await db.trackingSource.update({ where: { id: c.id }, data: { budgetNotedAt: now } });
  logger.warn(
    { shopId: c.shopId, provider: c.provider, budget: c.monthlyBudget },
    "carrier tracking budget spent for this month: falling back to Shopify's events",
  );
}

/** Registers one shipment (the REGISTER job). Persisted first, then the source is called. */
export async function registerShipment(db: Db, shipmentId: string, reason: string, now: Date): Promise<string> {
  const s = await db.shipment.findUnique({
    where: { id: shipmentId },
    select: { id: true, shopId: true, primaryTracking: true, carrierCode: true },
  });
  if (!s?.primaryTracking) return "no_shipment";
  const c = await connectionFor(db, s.shopId);
  if (!c) return "no_source";
  const number = cleanTrackingNumber(s.primaryTracking);
  const existing = await db.sourceRegistration.findUnique({
    where: { shipmentId_provider: { shipmentId, provider: c.provider } },
  });
  if (existing && existing.status !== "pending") return existing.status;
  if (!existing) {
    // The budget is checked again where the row is written: scans and retries never overspend it.
    if ((await usedThisMonth(db, s.shopId, now)) >= c.monthlyBudget) {
      await noteBudgetSpent(db, c, now);
      return "budget_spent";
    }
  }
  const reg =
    existing ??
    (await db.sourceRegistration.create({
      data: {
        shopId: s.shopId,
        shipmentId,
        provider: c.provider,
        trackingNumber: number,
        status: "pending",
        reason,
        month: budgetMonth(now),
        registeredAt: now,
      },
    }));
  try {
    const result = await adapterFor(c).register(number, s.carrierCode);
    const active = await db.sourceRegistration.update({
      where: { id: reg.id },
      data: { status: "active", externalId: result.externalId, lastError: null },
    });
    if (result.snapshot) await applySnapshot(db, active, result.snapshot, { writeBack: c.writeBack, now });
    return "active";
  } catch (error) {
    if (error instanceof SourceRejected) {
      await db.sourceRegistration.update({
        where: { id: reg.id },
        data: { status: "failed", lastError: errorMessage(error) },
      });
      throw new PermanentJobError(errorMessage(error), { cause: error });
    }
    await db.sourceRegistration.update({ where: { id: reg.id }, data: { lastError: errorMessage(error) } });
    throw error;
  }
}

async function stopFinished(db: Db, c: Connection, now: Date): Promise<number> {
  const active = await db.sourceRegistration.findMany({
    where: { shopId: c.shopId, status: "active" },
    select: { id: true, registeredAt: true, shipmentId: true },
  });
  if (active.length === 0) return 0;
  const shipments = new Map(
    (
      await db.shipment.findMany({
        where: { id: { in: active.map((r) => r.shipmentId) } },
        select: { id: true, subStatus: true, cancelledAt: true, labelCreatedAt: true },
      })
    ).map((s) => [s.id, s]),
  );
  let n = 0;
  for (const r of active) {
    const s = shipments.get(r.shipmentId);
    const reason = s
      ? stopReason(
          { registeredAt: r.registeredAt, labelCreatedAt: s.labelCreatedAt },
          { final: isFinalShipment(s) },
          now,
        )
      : "final";
    if (reason && (await stopRegistration(db, r.id, reason, now))) n++;
  }
  return n;
}

async function queuePolls(db: Db, c: Connection, now: Date): Promise<number> {
  if (!c.pollMinutes) return 0;
  const due = (
    await db.sourceRegistration.findMany({
      where: { shopId: c.shopId, provider: c.provider, status: "active" },
      select: { id: true, lastPolledAt: true },
      orderBy: { lastPolledAt: "asc" },
      take: SCAN_BATCH,
    })
  ).filter((r) => pollDue(r.lastPolledAt, c.pollMinutes, now));
  // Spaced to the source's rate: the queue runs them no faster than it allows.
  const gapMs = Math.ceil(1000 / (POLL_RATE_PER_SECOND[c.provider] ?? 1));
  for (const [i, r] of due.entries()) {
    await enqueue(db, {
      kind: POLL,
      payload: { registrationId: r.id },
      runAfter: new Date(now.getTime() + i * gapMs),
      singletonKey: `${POLL}:${r.id}`,
    });
  }
  return due.length;
}

/** One poll (the POLL job): never for a stopped registration. */
export async function pollRegistration(db: Db, registrationId: string, now: Date): Promise<string> {
  const reg = await db.sourceRegistration.findUnique({ where: { id: registrationId } });
  if (!reg || reg.status !== "active") return "not_active";
  const c = await connectionFor(db, reg.shopId);
  if (!c || c.provider !== reg.provider) return "no_source";
  const snapshot = await adapterFor(c).poll({ trackingNumber: reg.trackingNumber, externalId: reg.externalId });
  await db.sourceRegistration.update({ where: { id: reg.id }, data: { lastPolledAt: now } });
  if (snapshot) await applySnapshot(db, reg, snapshot, { writeBack: c.writeBack, now });
  return "polled";
}

/** Tells the source to stop (the UNREGISTER job, after the registration was marked stopped). */
export async function unregister(db: Db, registrationId: string): Promise<void> {
  const reg = await db.sourceRegistration.findUnique({ where: { id: registrationId } });
  if (!reg || reg.status !== "stopped") return;
  const c = await connectionFor(db, reg.shopId);
  if (!c || c.provider !== reg.provider) return; // disconnected: nothing left to tell
  await adapterFor(c).unregister({ trackingNumber: reg.trackingNumber, externalId: reg.externalId });
}

export async function scheduleSourceScan(db: Db, runAfter: Date): Promise<void> {
  const slot = Math.floor(runAfter.getTime() / SOURCES_SCAN_INTERVAL_MS);
  await enqueue(db, { kind: SOURCES_SCAN, payload: {}, runAfter, singletonKey: `${SOURCES_SCAN}:${slot}` });
}
