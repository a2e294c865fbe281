// Messages staff send about a shipment: a personal update (a note, by email, with the current status)
// and a resend of the current status's message (after fixing credentials, or on a customer's request).
// Both are planned like automatic ones, from the same facts, under keys of their own; they skip review
// and the digest hour. And the resend of messages in doubt: the same message again, one more attempt.
// The service trusts its caller: admin/notifications.server.ts and admin/failures.server.ts check the shop.
import type { Order, Shipment } from "@prisma/client";
import type { Db } from "../db.server";
import {
  factsOf,
  loadShipment,
  type NotificationDeps,
  type NotificationFacts,
  sendsNothing,
  type ShipmentWithRelations,
} from "./outbox.server";
import { lastDigestSentAt, planAndStore, type PlanRequest } from "./plan.server";
import { IN_DOUBT } from "./rules/in-doubt";
import { resendInDoubt } from "./send.server";
import { idempotencyKey, type Milestone, milestoneForTransition } from "./rules/policy";
import type { DelayReason } from "./templates";

/** Milestone a shipment is at now (personal updates and resends say "where it is"). */
export function currentMilestone(
  shipment: Pick<Shipment, "kind" | "stage" | "subStatus" | "delayed" | "deliveredAt">,
): Milestone | null {
  const kind = shipment.kind === "return" ? "return" : "outbound";
  if (kind === "outbound" && shipment.delayed && !shipment.deliveredAt) return "delayed";
  // A status no milestone uses as "from", so the mapping answers for the current status alone.
  return milestoneForTransition(kind, shipment.stage, shipment.subStatus, "__current__");
}

async function currentFacts(
  db: Db,
  s: Pick<Shipment, "id" | "delayAnnouncedEdd" | "delayReason">,
  milestone: Milestone,
): Promise<NotificationFacts> {
  if (milestone === "in_transit_digest")
    return { digestSince: (await lastDigestSentAt(db, s.id))?.toISOString() ?? null };
  if (milestone === "delayed")
    return {
      newEstimate: s.delayAnnouncedEdd?.toISOString() ?? null,
      delayReason: (s.delayReason as DelayReason | null) ?? "carrier",
    };
  return {};
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
    {
      shop: s.shop,
      order: s.order,
      shipment: s,
      milestone,
      subjectId: s.id,
      now,
      changed: true,
      newEstimate: s.delayAnnouncedEdd,
      facts: await currentFacts(db, s, milestone),
      staff,
    },
    deps,
  );
}

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
  await planStaffMessage(
    db,
    { ...s, order: s.order },
    milestone,
    now,
    { kind: "personal", discriminator, by, note: text, channels: ["email"] },
    deps,
  );
  const row = await db.notification.findUnique({
    where: { idempotencyKey: idempotencyKey(s.id, milestone, "email", discriminator) },
    select: { id: true },
  });
  return row?.id ?? null;
}

export interface ResendOutcome {
  shipmentId: string;
  milestone: Milestone | null;
  notificationIds: string[];
  skipped?: "not_found" | "shop_uninstalled" | "no_message_for_status";
}

/**
 * Plans each shipment's current-status message again, on every channel it would go by, under a key of
 * its own (`resend-<now>`). The admin's `resendCurrent` wraps it after checking the shop.
 */
export async function resendCurrentStatusMessages(
  db: Db,
  shipmentIds: string[],
  now: Date = new Date(),
  deps: NotificationDeps = {},
  by = "staff",
): Promise<ResendOutcome[]> {
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
    const ids = await planStaffMessage(
      db,
      { ...s, order: s.order },
      milestone,
      now,
      { kind: "resend", discriminator: `resend-${now.getTime()}`, by },
      deps,
    );
    out.push({ shipmentId, milestone, notificationIds: ids });
  }
  return out;
}

/** A message in doubt as staff saw it: its id and the attempt it was in doubt after. */
export interface InDoubtRef {
  id: string;
  attempts: number;
}

/**
 * Staff resend messages in doubt, each once: the row goes back to the queue for one more attempt
 * (the same message under the same key; relevance, consent and quiet hours are checked again when it
 * goes), with who resent it recorded on it. A ref whose row is no longer in doubt after that attempt
 * (resent already, by a second click or automatically) is skipped. Returns the ids resent.
 */
export async function resendInDoubtMessages(
  db: Db,
  refs: readonly InDoubtRef[],
  by: string,
  now: Date = new Date(),
): Promise<string[]> {
  const wanted = new Map(refs.map((r) => [r.id, r.attempts]));
  const rows = await db.notification.findMany({
    where: { id: { in: [...wanted.keys()] }, status: "failed", errorKind: IN_DOUBT },
    include: { shop: true },
  });
  const resent: string[] = [];
  for (const n of rows) {
    if (n.attempts !== wanted.get(n.id) || sendsNothing(n.shop)) continue;
    const doubt = factsOf(n).inDoubt;
    const why = doubt
      ? `${doubt.provider} could not confirm attempt ${doubt.attempt} (${doubt.reason})`
      : "the provider could not confirm the last attempt";
    if (await resendInDoubt(db, n, by, `resent by staff after ${why}`, now)) resent.push(n.id);
  }
  return resent;
}
