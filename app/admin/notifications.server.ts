// The admin's notification actions (review queue, personal updates, resends, template preview and
// test sends), delegated to the notification capability (notifications/drafts, staff and previews).
// This module adds what the admin needs around them: every id is checked against the signed-in shop
// first (the capability trusts its caller), and results are summarised for a banner.
import type { Db } from "../db.server";
import { approveDraft, discardDraft } from "../notifications/drafts.server";
import * as previews from "../notifications/previews.server";
import { type Milestone, isSmsCapable, MILESTONES } from "../notifications/rules/policy";
import * as staff from "../notifications/staff.server";
import type { EditableCopy } from "../notifications/templates/editable-copy";

export interface ActionOutcome {
  ok: number;
  failed: Array<{ id: string; error: string }>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The subset of `ids` that are this shop's drafts. */
async function ownDrafts(db: Db, shopId: string, ids: readonly string[]): Promise<Set<string>> {
  const rows = await db.notification.findMany({
    where: { id: { in: [...ids] }, shopId, status: "draft" },
    select: { id: true },
  });
  return new Set(rows.map((r) => r.id));
}

async function each(
  ids: readonly string[],
  allowed: Set<string>,
  run: (id: string) => Promise<boolean>,
): Promise<ActionOutcome> {
  const out: ActionOutcome = { ok: 0, failed: [] };
  for (const id of new Set(ids)) {
    if (!allowed.has(id)) {
      out.failed.push({ id, error: "Not found, or no longer waiting for review" });
      continue;
    }
    try {
      if (await run(id)) out.ok += 1;
      else out.failed.push({ id, error: "No longer waiting for review" });
    } catch (error) {
      out.failed.push({ id, error: message(error) });
    }
  }
  return out;
}

/** Approves drafts (queued for sending at once); `note`, when given, replaces the draft's personal note. */
export async function approveDrafts(
  db: Db,
  shopId: string,
  ids: readonly string[],
  by: string,
  note?: string | null,
): Promise<ActionOutcome> {
  const allowed = await ownDrafts(db, shopId, ids);
  return each(ids, allowed, (id) => approveDraft(db, id, note === undefined ? { by } : { by, note }));
}

export async function discardDrafts(
  db: Db,
  shopId: string,
  ids: readonly string[],
  by: string,
): Promise<ActionOutcome> {
  const allowed = await ownDrafts(db, shopId, ids);
  return each(ids, allowed, (id) => discardDraft(db, id, { by }));
}

const SKIPPED: Record<string, string> = {
  not_found: "Shipment not found, or its order is unknown",
  shop_uninstalled: "The app is uninstalled",
  no_message_for_status: "There is no customer message for this status",
};

/** Sends each shipment's current-status message again. */
export async function resendCurrent(
  db: Db,
  shopId: string,
  shipmentIds: readonly string[],
  by: string,
): Promise<ActionOutcome> {
  const own = await db.shipment.findMany({ where: { id: { in: [...shipmentIds] }, shopId }, select: { id: true } });
  const allowed = new Set(own.map((s) => s.id));
  const out: ActionOutcome = { ok: 0, failed: [] };
  for (const id of shipmentIds) if (!allowed.has(id)) out.failed.push({ id, error: SKIPPED.not_found! });
  if (allowed.size === 0) return out;
  try {
    const results = await staff.resendCurrentStatusMessages(db, [...allowed], new Date(), {}, by);
    for (const r of results) {
      if (r.skipped) out.failed.push({ id: r.shipmentId, error: SKIPPED[r.skipped] ?? r.skipped });
      else out.ok += 1;
    }
  } catch (error) {
    for (const id of allowed) out.failed.push({ id, error: message(error) });
  }
  return out;
}

/** A note from staff, sent by email now with the shipment's current status. */
export async function sendPersonalUpdate(
  db: Db,
  shopId: string,
  shipmentId: string,
  note: string,
  by: string,
): Promise<ActionOutcome> {
  const own = await db.shipment.findFirst({ where: { id: shipmentId, shopId }, select: { id: true } });
  if (!own) return { ok: 0, failed: [{ id: shipmentId, error: SKIPPED.not_found! }] };
  try {
    const id = await staff.sendPersonalUpdate(db, shipmentId, note, by);
    return id
      ? { ok: 1, failed: [] }
      : { ok: 0, failed: [{ id: shipmentId, error: "The customer has no email address or has unsubscribed" }] };
  } catch (error) {
    return { ok: 0, failed: [{ id: shipmentId, error: message(error) }] };
  }
}

export async function testSend(
  db: Db,
  shopId: string,
  milestone: Milestone,
  channel: "email" | "sms",
  to: string,
): Promise<ActionOutcome> {
  try {
    const r = await previews.testSend(db, shopId, milestone, channel, to);
    return r.ok ? { ok: 1, failed: [] } : { ok: 0, failed: [{ id: milestone, error: `${r.provider}: ${r.error}` }] };
  } catch (error) {
    return { ok: 0, failed: [{ id: milestone, error: message(error) }] };
  }
}

export interface TemplatePreview {
  milestone: Milestone;
  subject: string;
  html: string;
  text: string;
  sms: { body: string; segments: number } | null;
}

export function isPreviewMilestone(v: unknown): v is Milestone {
  return typeof v === "string" && (MILESTONES as readonly string[]).includes(v);
}

/**
 * The email (and the SMS, for SMS-capable milestones) of a milestone with sample facts and the shop's
 * branding. `branding` previews unsaved colours and logo: the service renders from the Shop row, so
 * the preview runs in a transaction that applies them and is always rolled back.
 */
export async function previewTemplate(
  db: Db,
  shopId: string,
  milestone: Milestone,
  locale: string,
  branding: { brandLogoUrl?: string | null; brandPrimaryColor?: string; brandAccentColor?: string } = {},
  draftCopy?: EditableCopy,
): Promise<TemplatePreview> {
  const render = async (client: Db): Promise<TemplatePreview> => {
    const email = await previews.previewTemplate(client, shopId, milestone, "email", locale, new Date(), {}, draftCopy);
    const sms = isSmsCapable(milestone)
      ? await previews.previewTemplate(client, shopId, milestone, "sms", locale)
      : null;
    return {
      milestone,
      subject: email.channel === "email" ? email.subject : "",
      html: email.channel === "email" ? email.html : "",
      text: email.channel === "email" ? email.text : "",
      sms: sms && sms.channel === "sms" ? { body: sms.body, segments: sms.segments } : null,
    };
  };
  const changes = Object.fromEntries(Object.entries(branding).filter(([, v]) => v !== undefined));
  if (Object.keys(changes).length === 0) return render(db);
  const rollback = new Error("preview rollback");
  let result: TemplatePreview | null = null;
  try {
    await db.$transaction(async (tx) => {
      await tx.shop.update({ where: { id: shopId }, data: changes });
      result = await render(tx as unknown as Db);
      throw rollback;
    });
  } catch (error) {
    if (error !== rollback) throw error;
  }
  return result!;
}
