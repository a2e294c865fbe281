// The admin's notification actions (review queue, personal updates, resends, template preview and
// test sends), routed to the notification service (services/notifications.server.ts) when it exports
// them. Where it does not yet, drafts are still approved/discarded here (a status change the sender
// picks up) and the preview is rendered with the pure templates; sending actions report that the
// notification service is unavailable rather than guess at sending.
import type { Db } from "../db.server";
import * as notifications from "./notifications.server";
import { MILESTONES, type Milestone, isSmsCapable } from "../notify/policy";
import { previewContext, renderEmail, renderSms, DEFAULT_BRANDING } from "../notify/templates";

type Fn = (...args: unknown[]) => Promise<unknown> | unknown;
function service(name: string): Fn | null {
  const f = (notifications as unknown as Record<string, unknown>)[name];
  return typeof f === "function" ? (f as Fn) : null;
}

export interface ActionOutcome {
  ok: number;
  failed: Array<{ id: string; error: string }>;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function each(ids: readonly string[], run: (id: string) => Promise<unknown>): Promise<ActionOutcome> {
  const out: ActionOutcome = { ok: 0, failed: [] };
  for (const id of ids) {
    try {
      const r = await run(id);
      if (r === false) out.failed.push({ id, error: "Not found or no longer a draft" });
      else out.ok += 1;
    } catch (error) {
      out.failed.push({ id, error: message(error) });
    }
  }
  return out;
}

export interface DraftEdit {
  subject?: string | null;
  bodyText?: string | null;
  personalNote?: string | null;
}

export async function approveDrafts(db: Db, shopId: string, ids: readonly string[], by: string | null, edit?: DraftEdit): Promise<ActionOutcome> {
  const approve = service("approveDraft");
  return each(ids, async (id) => {
    if (approve) return approve(db, { shopId, notificationId: id, approvedBy: by, edit });
    const r = await db.notification.updateMany({
      where: { id, shopId, status: "draft" },
      data: {
        status: "queued", approvedAt: new Date(), approvedBy: by, nextAttemptAt: new Date(),
        ...(edit?.subject != null ? { subject: edit.subject } : {}),
        ...(edit?.bodyText != null ? { bodyText: edit.bodyText } : {}),
        ...(edit?.personalNote !== undefined ? { personalNote: edit.personalNote } : {}),
      },
    });
    return r.count === 1;
  });
}

export async function discardDrafts(db: Db, shopId: string, ids: readonly string[], by: string | null): Promise<ActionOutcome> {
  const discard = service("discardDraft");
  return each(ids, async (id) => {
    if (discard) return discard(db, { shopId, notificationId: id, by });
    const r = await db.notification.updateMany({ where: { id, shopId, status: "draft" }, data: { status: "discarded" } });
    return r.count === 1;
  });
}

export async function resendCurrent(db: Db, shopId: string, shipmentIds: readonly string[], by: string | null): Promise<ActionOutcome> {
  const resend = service("resendCurrent");
  if (!resend) return { ok: 0, failed: shipmentIds.map((id) => ({ id, error: "The notification service is not available yet" })) };
  return each(shipmentIds, (id) => Promise.resolve(resend(db, { shopId, shipmentId: id, by })));
}

export async function sendPersonalUpdate(db: Db, shopId: string, shipmentId: string, note: string, by: string | null): Promise<ActionOutcome> {
  const send = service("sendPersonalUpdate");
  if (!send) return { ok: 0, failed: [{ id: shipmentId, error: "The notification service is not available yet" }] };
  return each([shipmentId], (id) => Promise.resolve(send(db, { shopId, shipmentId: id, note, by })));
}

export async function testSend(db: Db, shopId: string, milestone: Milestone, channel: "email" | "sms", to: string): Promise<ActionOutcome> {
  const send = service("testSend");
  if (!send) return { ok: 0, failed: [{ id: milestone, error: "The notification service is not available yet" }] };
  return each([milestone], () => Promise.resolve(send(db, { shopId, milestone, channel, to })));
}

export interface TemplatePreview {
  milestone: Milestone;
  subject: string;
  html: string;
  text: string;
  sms: { body: string; segments: number; encoding: string } | null;
}

export interface PreviewShop {
  name: string | null;
  domain: string;
  primaryDomain: string | null;
  currency: string;
  contactEmail: string | null;
  timezone: string;
  locale: string;
  brandLogoUrl: string | null;
  brandPrimaryColor: string;
  brandAccentColor: string;
  brandFont: string;
}

export function isPreviewMilestone(v: unknown): v is Milestone {
  return typeof v === "string" && (MILESTONES as readonly string[]).includes(v);
}

/** The email (and SMS where the milestone has one) for a milestone, with sample data and the shop's branding. */
export async function previewTemplate(db: Db, shop: PreviewShop, milestone: Milestone, overrides: Partial<Pick<PreviewShop, "brandLogoUrl" | "brandPrimaryColor" | "brandAccentColor">> = {}): Promise<TemplatePreview> {
  const svc = service("previewTemplate");
  const branding = {
    logoUrl: overrides.brandLogoUrl ?? shop.brandLogoUrl,
    primaryColor: overrides.brandPrimaryColor ?? shop.brandPrimaryColor ?? DEFAULT_BRANDING.primaryColor,
    accentColor: overrides.brandAccentColor ?? shop.brandAccentColor ?? DEFAULT_BRANDING.accentColor,
    font: shop.brandFont,
  };
  if (svc) {
    try {
      const r = (await svc(db, { shop, milestone, branding })) as Partial<TemplatePreview> | null;
      if (r && typeof r.html === "string") {
        return { milestone, subject: r.subject ?? "", html: r.html, text: r.text ?? "", sms: r.sms ?? null };
      }
    } catch {
      // Fall back to the pure templates below.
    }
  }
  const ctx = previewContext(shop, milestone);
  const email = renderEmail(milestone, ctx, branding, shop.locale);
  const sms = isSmsCapable(milestone) ? renderSms(milestone, ctx, shop.locale) : null;
  return { milestone, subject: email.subject, html: email.html, text: email.text, sms: sms && { body: sms.body, segments: sms.segments, encoding: sms.encoding } };
}
