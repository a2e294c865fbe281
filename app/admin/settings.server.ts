// Merchant settings: read for the form (secrets only masked), validated with zod on the server, and
// written in one update. Provider credentials are write-only: a blank field keeps the stored value,
// a value is encrypted (AES-256-GCM, lib/crypto.server.ts) and a "clear" box removes it. The page's
// live template preview and test sends are answered here too (settingsAction).
import {
  PARCEL_EMAILS_INTENT,
  parcelEmailsSetting,
  type ParcelEmailsResult,
  saveParcelEmails,
} from "./parcel-emails-settings.server";
import { z } from "zod";
import appDb, { type Db } from "../db.server";
import {
  CRITICAL_SMS,
  MILESTONES,
  type Milestone,
  isSmsCapable,
  resolveChannels,
  type ChannelMatrix,
} from "../notifications/rules/policy";
import { DEFAULT_IN_DOUBT_RESEND_MINUTES, IN_DOUBT_RESEND_MINUTES } from "../notifications/rules/in-doubt";
import { type CredentialSource, providersForShop } from "../notifications/providers/index.server";
import { encryptSecret, maskSecret } from "../lib/crypto.server";
import { isHexColor, plainHttpsUrl } from "../lib/html";
import {
  isSendGridVerificationKey,
  normalizeVerificationKey,
  sendGridEventsUrl,
} from "../notifications/reports.server";
import {
  type IntegrationsActionResult,
  integrationsAction,
  integrationsView,
  isIntegrationsIntent,
} from "./integrations.server";
import { type TemplatePreview, isPreviewMilestone, previewTemplate, testSend } from "./notifications.server";
import type { AdminShop } from "./shop.server";
import { messageCopyView } from "./message-copy.server";

export const NOTIFICATION_MODES = ["automated", "hybrid", "off"] as const;
export const RECOMMENDATION_SOURCES = ["related", "complementary", "collection", "off"] as const;
/** When the provider cannot confirm a critical message was sent: resend it automatically, or leave it to staff. */
export const IN_DOUBT_RESEND = ["auto", "never"] as const;
// The Event Webhook's verification key is a public key, not a secret: it is stored like the credentials
// anyway, so every provider setting has one write-only, encrypted pattern.
export const SECRET_FIELDS = ["sendgridApiKey", "sendgridWebhookKey", "twilioAccountSid", "twilioAuthToken"] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];
const SECRET_COLUMNS = {
  sendgridApiKey: "sendgridApiKeyEnc",
  sendgridWebhookKey: "sendgridWebhookKeyEnc",
  twilioAccountSid: "twilioAccountSidEnc",
  twilioAuthToken: "twilioAuthTokenEnc",
} as const;

export interface SettingsView {
  /** Which account sends each channel now: the shop's own, the app's, or none (the dev outbox keeps them). */
  sending: { email: CredentialSource; sms: CredentialSource };
  brandLogoUrl: string;
  brandPrimaryColor: string;
  brandAccentColor: string;
  trackingHeading: string;
  notificationMode: (typeof NOTIFICATION_MODES)[number];
  hybridAutoSendHours: string;
  channels: ChannelMatrix;
  smsTransactionalOk: boolean;
  quietHoursStart: number;
  quietHoursEnd: number;
  inDoubtResend: (typeof IN_DOUBT_RESEND)[number];
  /** Minutes before the automatic resend (the default when the shop never resends, for the form). */
  inDoubtResendMinutes: string;
  senderName: string;
  senderEmail: string;
  replyToEmail: string;
  twilioFromNumber: string;
  /** Masked ("••••1234") or null when unset: never the secret itself. */
  secrets: Record<SecretField, string | null>;
  recommendationSource: (typeof RECOMMENDATION_SOURCES)[number];
  recommendationCollection: string;
  costPerTicket: string;
  noScanAlertDays: number;
  receiptRetentionDays: number;
  jobRetentionDays: number;
  timezone: string;
}

export type FieldErrors = Partial<Record<string, string>>;
export type SaveResult = { ok: true } | { ok: false; fieldErrors: FieldErrors };

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
// Branding reaches shoppers on the store's own domain (the tracking page) and every email, so it is held
// to what it can safely be wherever it is printed: plain https URLs, hex colours, bounded one-line text.
// Messages name the field and never repeat the value.
const optionalText = (label: string, max: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(max, `${label} must be at most ${max} characters`)
      // eslint-disable-next-line no-control-regex -- refusing control characters is the point
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), `${label} must be one line of plain text`)
      .optional(),
  );
const color = (label: string) => z.string().trim().refine(isHexColor, `${label} must be a hex colour such as #1f5199`);
const httpsUrl = (label: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .max(2048, `${label} must be at most 2048 characters`)
      .refine((v) => plainHttpsUrl(v) !== null, `${label} must be a plain https:// address`)
      .optional(),
  );
const hour = z.coerce
  .number({ invalid_type_error: "Enter an hour from 0 to 23" })
  .int("Enter a whole hour")
  .min(0, "Enter an hour from 0 to 23")
  .max(23, "Enter an hour from 0 to 23");
const days = (min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: `Enter a number of days from ${min} to ${max}` })
    .int("Enter a whole number of days")
    .min(min, `At least ${min}`)
    .max(max, `At most ${max}`);

export const settingsSchema = z
  .object({
    brandLogoUrl: httpsUrl("Logo URL"),
    brandPrimaryColor: color("Primary colour"),
    brandAccentColor: color("Accent colour"),
    trackingHeading: optionalText("Tracking page heading", 120),
    notificationMode: z.enum(NOTIFICATION_MODES, { errorMap: () => ({ message: "Choose automated, hybrid or off" }) }),
    hybridAutoSendHours: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ invalid_type_error: "Enter hours from 1 to 168" })
        .int()
        .min(1, "At least 1 hour")
        .max(168, "At most 168 hours (7 days)")
        .optional(),
    ),
    smsTransactionalOk: z.boolean(),
    quietHoursStart: hour,
    quietHoursEnd: hour,
    // Absent from an older form: the product's default (resend automatically).
    inDoubtResend: z.preprocess(
      blankToUndefined,
      z
        .enum(IN_DOUBT_RESEND, { errorMap: () => ({ message: "Choose whether to resend automatically or never" }) })
        .default("auto"),
    ),
    inDoubtResendMinutes: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({
          invalid_type_error: `Resend after must be a number of minutes from ${IN_DOUBT_RESEND_MINUTES.min} to ${IN_DOUBT_RESEND_MINUTES.max}`,
        })
        .int("Resend after must be a whole number of minutes")
        .min(IN_DOUBT_RESEND_MINUTES.min, `Resend after must be at least ${IN_DOUBT_RESEND_MINUTES.min} minutes`)
        .max(IN_DOUBT_RESEND_MINUTES.max, `Resend after must be at most ${IN_DOUBT_RESEND_MINUTES.max} minutes (a day)`)
        .default(DEFAULT_IN_DOUBT_RESEND_MINUTES),
    ),
    senderName: optionalText("Sender name", 100),
    senderEmail: z.preprocess(blankToUndefined, z.string().trim().email("Enter a valid email address").optional()),
    replyToEmail: z.preprocess(blankToUndefined, z.string().trim().email("Enter a valid email address").optional()),
    twilioFromNumber: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, "Use E.164 (+15551234567) or a messaging service SID")
        .optional(),
    ),
    sendgridApiKey: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^SG\.[\w-]+\.[\w-]+$/, "A SendGrid key looks like SG.xxxx.yyyy")
        .optional(),
    ),
    sendgridWebhookKey: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .refine(
          isSendGridVerificationKey,
          "Paste the verification key SendGrid shows under Signed Event Webhook (it starts with MFkw)",
        )
        .transform(normalizeVerificationKey)
        .optional(),
    ),
    twilioAccountSid: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^AC[0-9a-fA-F]{32}$/, "An account SID is AC followed by 32 hex characters")
        .optional(),
    ),
    twilioAuthToken: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^[0-9a-fA-F]{32}$/, "An auth token is 32 hex characters")
        .optional(),
    ),
    clearSecrets: z.array(z.enum(SECRET_FIELDS)),
    recommendationSource: z.enum(RECOMMENDATION_SOURCES, {
      errorMap: () => ({ message: "Choose a recommendation source" }),
    }),
    recommendationCollection: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^[a-z0-9][a-z0-9-]*$/, "Use the collection's handle, e.g. best-sellers")
        .max(255)
        .optional(),
    ),
    costPerTicket: z.coerce
      .number({ invalid_type_error: "Enter an amount such as 6.00" })
      .min(0, "Cannot be negative")
      .max(1000, "At most 1000"),
    noScanAlertDays: days(1, 30),
    receiptRetentionDays: days(1, 90),
    jobRetentionDays: days(1, 90),
    channels: z.record(z.string(), z.object({ email: z.boolean(), sms: z.boolean() })),
  })
  .superRefine((v, ctx) => {
    if (v.recommendationSource === "collection" && !v.recommendationCollection) {
      ctx.addIssue({
        code: "custom",
        path: ["recommendationCollection"],
        message: "Choose the collection to recommend from",
      });
    }
    if (v.quietHoursStart === v.quietHoursEnd) {
      ctx.addIssue({
        code: "custom",
        path: ["quietHoursEnd"],
        message: "Quiet hours must end at a different hour than they start",
      });
    }
    if (v.notificationMode !== "hybrid" && v.hybridAutoSendHours !== undefined) {
      ctx.addIssue({ code: "custom", path: ["hybridAutoSendHours"], message: "Auto-send applies to hybrid mode only" });
    }
  });

export type SettingsInput = z.infer<typeof settingsSchema>;

/** Form data → the schema's input shape (checkboxes as booleans, the channel matrix as a record). */
export function settingsFromForm(form: FormData): Record<string, unknown> {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === "string" ? v : "";
  };
  const channels: Record<string, { email: boolean; sms: boolean }> = {};
  for (const m of MILESTONES)
    channels[m] = { email: form.get(`channel.${m}.email`) === "on", sms: form.get(`channel.${m}.sms`) === "on" };
  return {
    brandLogoUrl: text("brandLogoUrl"),
    brandPrimaryColor: text("brandPrimaryColor"),
    brandAccentColor: text("brandAccentColor"),
    trackingHeading: text("trackingHeading"),
    notificationMode: text("notificationMode"),
    hybridAutoSendHours: text("hybridAutoSendHours"),
    smsTransactionalOk: form.get("smsTransactionalOk") === "on",
    quietHoursStart: text("quietHoursStart"),
    quietHoursEnd: text("quietHoursEnd"),
    inDoubtResend: text("inDoubtResend"),
    inDoubtResendMinutes: text("inDoubtResendMinutes"),
    senderName: text("senderName"),
    senderEmail: text("senderEmail"),
    replyToEmail: text("replyToEmail"),
    twilioFromNumber: text("twilioFromNumber"),
    sendgridApiKey: text("sendgridApiKey"),
    sendgridWebhookKey: text("sendgridWebhookKey"),
    twilioAccountSid: text("twilioAccountSid"),
    twilioAuthToken: text("twilioAuthToken"),
    clearSecrets: SECRET_FIELDS.filter((f) => form.get(`clear.${f}`) === "on"),
    recommendationSource: text("recommendationSource"),
    recommendationCollection: text("recommendationCollection"),
    costPerTicket: text("costPerTicket"),
    noScanAlertDays: text("noScanAlertDays"),
    receiptRetentionDays: text("receiptRetentionDays"),
    jobRetentionDays: text("jobRetentionDays"),
    channels,
  };
}

export async function loadSettings(db: Db, shopDomain: string): Promise<SettingsView | null> {
  const s = await db.shop.findUnique({ where: { domain: shopDomain } });
  if (!s) return null;
  const providers = providersForShop(db, s);
  return {
    sending: { email: providers.emailSource, sms: providers.smsSource },
    brandLogoUrl: s.brandLogoUrl ?? "",
    brandPrimaryColor: s.brandPrimaryColor,
    brandAccentColor: s.brandAccentColor,
    trackingHeading: s.trackingHeading ?? "",
    notificationMode: (NOTIFICATION_MODES as readonly string[]).includes(s.notificationMode)
      ? (s.notificationMode as SettingsView["notificationMode"])
      : "automated",
    hybridAutoSendHours: s.hybridAutoSendHours?.toString() ?? "",
    channels: resolveChannels(s.milestoneChannels),
    smsTransactionalOk: s.smsTransactionalOk,
    quietHoursStart: s.quietHoursStart,
    quietHoursEnd: s.quietHoursEnd,
    inDoubtResend: s.inDoubtResendMinutes === null ? "never" : "auto",
    inDoubtResendMinutes: String(s.inDoubtResendMinutes ?? DEFAULT_IN_DOUBT_RESEND_MINUTES),
    senderName: s.senderName ?? "",
    senderEmail: s.senderEmail ?? "",
    replyToEmail: s.replyToEmail ?? "",
    twilioFromNumber: s.twilioFromNumber ?? "",
    secrets: {
      sendgridApiKey: maskSecret(s.sendgridApiKeyEnc),
      sendgridWebhookKey: maskSecret(s.sendgridWebhookKeyEnc),
      twilioAccountSid: maskSecret(s.twilioAccountSidEnc),
      twilioAuthToken: maskSecret(s.twilioAuthTokenEnc),
    },
    recommendationSource: (RECOMMENDATION_SOURCES as readonly string[]).includes(s.recommendationSource)
      ? (s.recommendationSource as SettingsView["recommendationSource"])
      : "related",
    recommendationCollection: s.recommendationCollection ?? "",
    costPerTicket: (s.costPerTicketCents / 100).toFixed(2),
    noScanAlertDays: s.noScanAlertDays,
    receiptRetentionDays: s.receiptRetentionDays,
    jobRetentionDays: s.jobRetentionDays,
    timezone: s.timezone,
  };
}

/** zod issues → { field: first message }. Nested channel paths become "channel.<milestone>.<channel>". */
function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key =
      issue.path[0] === "channels" ? `channel.${issue.path.slice(1).join(".")}` : String(issue.path[0] ?? "form");
    out[key] ??= issue.message;
  }
  return out;
}

export async function saveSettings(db: Db, shopDomain: string, input: Record<string, unknown>): Promise<SaveResult> {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrors(parsed.error) };
  const v = parsed.data;
  const errors: FieldErrors = {};
  // Only the milestones we know; SMS only where the policy allows it.
  const overrides: Partial<Record<Milestone, { email: boolean; sms: boolean }>> = {};
  for (const m of MILESTONES) {
    const c = v.channels[m] ?? { email: false, sms: false };
    if (c.sms && !isSmsCapable(m))
      errors[`channel.${m}.sms`] = `SMS is only available for ${CRITICAL_SMS.join(", ").replaceAll("_", " ")}`;
    overrides[m] = { email: c.email, sms: isSmsCapable(m) ? c.sms : false };
  }
  // SMS channels may stay on without the consent attestation (the policy's defaults have them on):
  // the notification policy sends no SMS until smsTransactionalOk is set, and the page says so.
  if (Object.keys(errors).length > 0) return { ok: false, fieldErrors: errors };

  const secrets: Record<string, string | null> = {};
  for (const f of SECRET_FIELDS) {
    const value = v[f];
    if (v.clearSecrets.includes(f)) secrets[SECRET_COLUMNS[f]] = null;
    else if (value) secrets[SECRET_COLUMNS[f]] = encryptSecret(value);
  }
  const r = await db.shop.updateMany({
    where: { domain: shopDomain },
    data: {
      brandLogoUrl: v.brandLogoUrl ?? null,
      brandPrimaryColor: v.brandPrimaryColor.toLowerCase(),
      brandAccentColor: v.brandAccentColor.toLowerCase(),
      trackingHeading: v.trackingHeading ?? null,
      notificationMode: v.notificationMode,
      hybridAutoSendHours: v.hybridAutoSendHours ?? null,
      milestoneChannels: overrides,
      smsTransactionalOk: v.smsTransactionalOk,
      quietHoursStart: v.quietHoursStart,
      quietHoursEnd: v.quietHoursEnd,
      inDoubtResendMinutes: v.inDoubtResend === "auto" ? v.inDoubtResendMinutes : null,
      senderName: v.senderName ?? null,
      senderEmail: v.senderEmail ?? null,
      replyToEmail: v.replyToEmail ?? null,
      twilioFromNumber: v.twilioFromNumber ?? null,
      recommendationSource: v.recommendationSource,
      recommendationCollection: v.recommendationCollection ?? null,
      costPerTicketCents: Math.round(v.costPerTicket * 100),
      noScanAlertDays: v.noScanAlertDays,
      receiptRetentionDays: v.receiptRetentionDays,
      jobRetentionDays: v.jobRetentionDays,
      ...secrets,
    },
  });
  if (r.count === 0) return { ok: false, fieldErrors: { form: "This shop is not installed" } };
  return { ok: true };
}

/** The settings page: the form's values, the "shipped" email previewed, and the SendGrid webhook URL. */
export async function settingsPage(shop: AdminShop, db: Db = appDb) {
  const settings = await loadSettings(db, shop.domain);
  if (!settings) throw new Response("This store is not installed yet.", { status: 404 });
  const preview = await previewTemplate(db, shop.id, "shipped", shop.locale);
  return {
    settings,
    preview,
    sendgridEventsUrl: sendGridEventsUrl(),
    integrations: await integrationsView(shop, db),
    parcelEmails: await parcelEmailsSetting(db, shop.id),
    messageCopy: await messageCopyView(shop, db),
  };
}

// Unsaved branding for the live preview, held to the same rules as saving (lib/html.ts); a value that
// breaks them is left out of the preview (the saved one shows) rather than refused.
const previewSchema = z.object({
  milestone: z.string().refine(isPreviewMilestone, "Choose a milestone"),
  brandLogoUrl: z
    .string()
    .trim()
    .refine((v) => v === "" || plainHttpsUrl(v) !== null)
    .optional()
    .catch(undefined),
  brandPrimaryColor: z.string().trim().refine(isHexColor).optional().catch(undefined),
  brandAccentColor: z.string().trim().refine(isHexColor).optional().catch(undefined),
});
const testSendSchema = z.discriminatedUnion("channel", [
  z.object({
    channel: z.literal("email"),
    milestone: z.string().refine(isPreviewMilestone, "Choose a milestone"),
    to: z.string().trim().email("Enter an email address"),
  }),
  z.object({
    channel: z.literal("sms"),
    milestone: z.string().refine(isPreviewMilestone, "Choose a milestone"),
    to: z
      .string()
      .trim()
      .regex(/^\+[1-9]\d{6,14}$/, "Enter a phone number in E.164 format, e.g. +15551234567"),
  }),
]);

export type SettingsActionResult =
  | { intent: "save"; ok: boolean; fieldErrors: Record<string, string | undefined> }
  | { intent: "preview"; preview: TemplatePreview | null; error?: string }
  | { intent: "test_send"; ok: boolean; fieldErrors: Record<string, string | undefined>; message?: string }
  | IntegrationsActionResult
  | ParcelEmailsResult;

/** The page's forms: a live preview with unsaved branding (nothing saved), a test send, or saving. */
export async function settingsAction(shop: AdminShop, form: FormData, db: Db = appDb): Promise<SettingsActionResult> {
  const intent = form.get("intent");
  if (isIntegrationsIntent(intent)) return integrationsAction(shop, form, db);
  if (intent === PARCEL_EMAILS_INTENT) return saveParcelEmails(db, shop.id, form);
  if (intent === "preview") {
    const parsed = previewSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) return { intent: "preview", preview: null, error: parsed.error.issues[0]?.message };
    const { milestone, brandLogoUrl, brandPrimaryColor, brandAccentColor } = parsed.data;
    const preview = await previewTemplate(db, shop.id, milestone as Milestone, shop.locale, {
      ...(brandLogoUrl !== undefined ? { brandLogoUrl: brandLogoUrl || null } : {}),
      ...(brandPrimaryColor ? { brandPrimaryColor } : {}),
      ...(brandAccentColor ? { brandAccentColor } : {}),
    });
    return { intent: "preview", preview };
  }
  if (intent === "test_send") {
    const parsed = testSendSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) {
      const fieldErrors: Record<string, string> = {};
      for (const i of parsed.error.issues) fieldErrors[`test.${String(i.path[0] ?? "to")}`] ??= i.message;
      return { intent: "test_send", ok: false, fieldErrors };
    }
    if (parsed.data.channel === "sms" && !isSmsCapable(parsed.data.milestone as Milestone)) {
      return { intent: "test_send", ok: false, fieldErrors: { "test.channel": "This milestone is email only" } };
    }
    const r = await testSend(db, shop.id, parsed.data.milestone as Milestone, parsed.data.channel, parsed.data.to);
    return r.failed.length
      ? { intent: "test_send", ok: false, fieldErrors: { "test.to": r.failed[0]!.error } }
      : {
          intent: "test_send",
          ok: true,
          fieldErrors: {},
          message: `Test ${parsed.data.channel === "sms" ? "SMS" : "email"} sent to ${parsed.data.to}`,
        };
  }
  const result = await saveSettings(db, shop.domain, settingsFromForm(form));
  return { intent: "save", ok: result.ok, fieldErrors: result.ok ? {} : result.fieldErrors };
}
