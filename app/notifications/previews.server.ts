// The settings page's template previews and test sends: a milestone rendered with sample facts and the
// shop's branding, name and links, shown or sent to an address staff give. No Notification row: a test
// message is not a customer message.
import type { Db } from "../db.server";
import { normalizePhone } from "../lib/phone";
import { shortTrackingUrl, trackingUrl } from "../storefront/tracking-links.server";
import { type NotificationDeps, resolveProviders } from "./outbox.server";
import { ProviderError } from "./providers/index.server";
import { renderFor } from "./render.server";
import type { Channel, Milestone } from "./rules/policy";
import { type MessageContext, previewContext } from "./templates";
import { resolveLocale } from "./copy";
import { customCopyFor } from "./custom-copy.server";
import type { EditableCopy } from "./templates/editable-copy";

/** Stands in for an order's short link code in previews and test sends (TRACKING_CODE_LENGTH characters). */
const PREVIEW_TRACKING_CODE = "PREVIEW001";

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
  /** Unsaved copy from the editor, for this preview's language (checked by the caller). */
  draftCopy?: EditableCopy,
): Promise<TemplatePreview> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId } });
  const saved = await customCopyFor(db, shopId, milestone);
  const ctx: MessageContext = {
    ...previewContext(shop, milestone, now),
    // As real messages link: SMS with the order's short code (a stand-in of the same length, so the
    // segment count shown is the one customers' texts will have), email with the signed token link.
    trackingUrl:
      channel === "sms"
        ? shortTrackingUrl(shop, PREVIEW_TRACKING_CODE)
        : trackingUrl(shop, "preview", now, deps.linkSecret ? { secret: deps.linkSecret } : {}),
    helpEmail: shop.replyToEmail ?? shop.contactEmail,
    customCopy: draftCopy ? { ...saved, [resolveLocale(locale)]: draftCopy } : saved,
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
    throw new Error(
      channel === "email" ? "Enter a valid email address" : "Enter a valid phone number with its country code",
    );
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
        : await providers.sms.sendSms({
            notificationId: null,
            to: address,
            from: providers.smsFrom,
            body: preview.body,
          });
    return {
      ok: true,
      provider: provider.name,
      providerMessageId: result.providerMessageId,
      ...(result.segments ? { segments: result.segments } : {}),
    };
  } catch (error) {
    if (error instanceof ProviderError)
      return { ok: false, provider: provider.name, error: error.message, kind: error.kind };
    throw error;
  }
}
