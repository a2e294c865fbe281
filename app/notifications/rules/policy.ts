// Which customer messages a change causes, on which channels, when, and under which idempotency key.
// Pure: plain data in, plain decisions out; the caller passes `now`.
import { z } from "zod";
import { normalizePhone } from "../../lib/phone";
import { applyQuietHours } from "./quiet-hours";
import { HOUR_MS, addLocalDays, instantOf, localDateKey, pickTimeZone, wallTimeAt } from "../../lib/time";

export { applyQuietHours, isQuietHour } from "./quiet-hours";
export { normalizePhone } from "../../lib/phone";
export { timezoneForAddress } from "../../lib/timezones";
export {
  providerRetryDelay,
  classifyProviderError,
  MAX_SEND_ATTEMPTS,
  type ErrorKind,
  type ProviderErrorInfo,
} from "./retry";

// ---------------------------------------------------------------------------------------------------
// Milestones and channels
// ---------------------------------------------------------------------------------------------------

export const MILESTONES = [
  "order_confirmed",
  "shipped",
  "in_transit_digest",
  "delayed",
  "out_for_delivery",
  "delivered",
  "delivery_failed",
  "shipped_early",
  "return_approved",
  "return_label",
  "return_received",
  "refund_issued",
] as const;
export type Milestone = (typeof MILESTONES)[number];

/** Milestones of the return's own journey; the others are about the order and its outbound parcel. */
export const RETURN_MILESTONES: readonly Milestone[] = [
  "return_approved",
  "return_label",
  "return_received",
  "refund_issued",
];

/** Milestones about the outbound parcel: their messages may show the carrier and the tracking number. */
export const PARCEL_MILESTONES: ReadonlySet<Milestone> = new Set(
  MILESTONES.filter((m) => m !== "order_confirmed" && !RETURN_MILESTONES.includes(m)),
);

/** Longest personal note staff may add to a message (the review queue's and a shipment's personal update). */
export const PERSONAL_NOTE_MAX_LENGTH = 1000;
export const PERSONAL_NOTE_TOO_LONG = "Keep the note under 1,000 characters";

export const CHANNELS = ["email", "sms"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ChannelSet {
  email: boolean;
  sms: boolean;
}
export type ChannelMatrix = Record<Milestone, ChannelSet>;

/**
 * Milestones that may ever go by SMS: the time-critical ones. `delayed` is SMS-capable but off by
 * default (a merchant setting). Everything else is email-only, whatever the overrides say.
 */
export const CRITICAL_SMS = [
  "shipped",
  "out_for_delivery",
  "delivery_failed",
  "delayed",
] as const satisfies readonly Milestone[];
export type SmsMilestone = (typeof CRITICAL_SMS)[number];

export function isMilestone(value: unknown): value is Milestone {
  return typeof value === "string" && (MILESTONES as readonly string[]).includes(value);
}

export function isSmsCapable(milestone: Milestone): milestone is SmsMilestone {
  return (CRITICAL_SMS as readonly string[]).includes(milestone);
}

/** The default policy (see docs/decisions/003-exactly-once-notifications.md). */
export const DEFAULT_CHANNELS: Readonly<Record<Milestone, Readonly<ChannelSet>>> = Object.freeze({
  order_confirmed: { email: true, sms: false },
  shipped: { email: true, sms: true },
  in_transit_digest: { email: true, sms: false },
  delayed: { email: true, sms: false },
  out_for_delivery: { email: true, sms: true },
  delivered: { email: true, sms: false },
  delivery_failed: { email: true, sms: true },
  shipped_early: { email: false, sms: false },
  return_approved: { email: true, sms: false },
  return_label: { email: true, sms: false },
  return_received: { email: true, sms: false },
  refund_issued: { email: true, sms: false },
});

const channelOverrideSchema = z.object({ email: z.boolean().optional(), sms: z.boolean().optional() });

/**
 * Strict schema for the settings form: known milestones only, and SMS only where it is allowed.
 * (Stored JSON is read leniently by resolveChannels; this is for validating what a merchant submits.)
 */
export const ChannelOverridesSchema = z
  .object(
    Object.fromEntries(MILESTONES.map((m) => [m, channelOverrideSchema.strict().optional()])) as Record<
      Milestone,
      z.ZodOptional<z.ZodObject<{ email: z.ZodOptional<z.ZodBoolean>; sms: z.ZodOptional<z.ZodBoolean> }, "strict">>
    >,
  )
  .strict()
  .superRefine((value, ctx) => {
    for (const m of MILESTONES) {
      if (value[m]?.sms === true && !isSmsCapable(m)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [m, "sms"], message: `SMS is not available for ${m}` });
      }
    }
  });
export type ChannelOverrides = z.infer<typeof ChannelOverridesSchema>;

/**
 * The effective channel matrix: defaults with Shop.milestoneChannels applied. Reads stored JSON
 * leniently: unknown milestones, malformed entries and non-JSON input are ignored (a bad setting must
 * never stop notifications), and SMS stays off for milestones that are not SMS-capable.
 */
export function resolveChannels(overrides: unknown): ChannelMatrix {
  let raw: unknown = overrides;
  if (typeof raw === "string") {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch (_e) {
      raw = null;
    }
  }
  const record = z.record(z.string(), z.unknown()).safeParse(raw);
  const entries = record.success ? record.data : {};
  const out = {} as ChannelMatrix;
  for (const m of MILESTONES) {
    const base = DEFAULT_CHANNELS[m];
    const parsed = channelOverrideSchema.safeParse(entries[m]);
    const o = parsed.success ? parsed.data : {};
    out[m] = {
      email: o.email ?? base.email,
      sms: isSmsCapable(m) ? (o.sms ?? base.sms) : false,
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Transitions → milestones
// ---------------------------------------------------------------------------------------------------

const LABEL_STATUSES = new Set(["label_created", "label_printed", "label_purchased", "confirmed", "fulfilled"]);
const TRANSIT_STATUSES = new Set(["in_transit", "carrier_picked_up"]);

function outboundMilestone(status: string): Milestone | null {
  if (status === "delayed") return "delayed";
  if (status === "out_for_delivery") return "out_for_delivery";
  if (status === "delivered" || status === "picked_up") return "delivered";
  if (status === "attempted_delivery" || status === "failure") return "delivery_failed";
  if (TRANSIT_STATUSES.has(status)) return "in_transit_digest";
  if (LABEL_STATUSES.has(status)) return "shipped";
  return null;
}

function returnMilestone(status: string): Milestone | null {
  const s = status.startsWith("return_") ? status.slice("return_".length) : status;
  if (s === "approved") return "return_approved";
  // The label often comes after the approval email went: its own email, with the label to print.
  if (s === "label_created") return "return_label";
  if (s === "received" || s === "disposed") return "return_received";
  if (s === "refunded" || s === "refund_issued") return "refund_issued";
  return null;
}

/**
 * The milestone a state-machine transition announces, or null when it announces nothing.
 * Outbound: stage 2 label_created (or label_printed/purchased) → shipped; in_transit → the daily digest;
 * out_for_delivery; delivered/picked_up → delivered; attempted_delivery/failure → delivery_failed;
 * delayed → delayed. A shipment first seen already in transit (fromStatus null, stage 3) announces
 * `shipped`, so the customer is never left without the shipping notice.
 * Returns: return_approved → return_approved; return_label_created → return_label; return_received/return_disposed →
 * return_received; refunded → refund_issued (with or without the "return_" prefix).
 * A move between two statuses of the same milestone (label_printed → label_purchased) announces nothing.
 * Stage 1 "confirmed" (an order-level transition) → order_confirmed. shipped_early is no transition: the
 * EDD rules decide it. An in_transit scan maps to the digest even when the sub-status repeats; the
 * digest's per-day key keeps that to one email a day.
 */
export function milestoneForTransition(
  kind: "outbound" | "return",
  toStage: number,
  toStatus: string,
  fromStatus: string | null,
): Milestone | null {
  const to = toStatus.trim().toLowerCase();
  const from = fromStatus?.trim().toLowerCase() ?? null;
  if (kind === "return") {
    const m = returnMilestone(to);
    return m !== null && from !== null && returnMilestone(from) === m ? null : m;
  }
  if (toStage === 1) return to === "confirmed" && from !== "confirmed" ? "order_confirmed" : null;
  const m = outboundMilestone(to);
  if (m === null) return null;
  if (m === "in_transit_digest") return from === null ? "shipped" : m; // every scan feeds the digest
  if (m === "shipped" && toStage !== 2) return null;
  // Same milestone as before (label_printed → label_purchased, delivered → picked_up): nothing new.
  return from !== null && outboundMilestone(from) === m ? null : m;
}

// ---------------------------------------------------------------------------------------------------
// Idempotency keys
// ---------------------------------------------------------------------------------------------------

/**
 * The unique key of one message: `${subjectId}:${milestone}:${channel}`, with a discriminator before
 * the channel when one milestone may legitimately recur: the local date for the in-transit digest
 * (`shp_1:in_transit_digest:2026-11-25:email`) and the announced estimate's date for `delayed`.
 */
export function idempotencyKey(
  subjectId: string,
  milestone: Milestone,
  channel: Channel,
  discriminator?: string | null,
): string {
  return discriminator
    ? `${subjectId}:${milestone}:${discriminator}:${channel}`
    : `${subjectId}:${milestone}:${channel}`;
}

// ---------------------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------------------

export const NOTIFICATION_MODES = ["automated", "hybrid", "off"] as const;
export type NotificationMode = (typeof NOTIFICATION_MODES)[number];

/** Local hour at which the day's in-transit digest goes out (customer's zone). */
export const DIGEST_LOCAL_HOUR = 18;

/** Shop settings the plan needs; field names match the Shop model so a row can be passed as is. */
export interface PlanShop {
  notificationMode: string;
  /** Shop.milestoneChannels (raw JSON) or an already resolved matrix. */
  milestoneChannels?: unknown;
  quietHoursStart: number;
  quietHoursEnd: number;
  smsTransactionalOk: boolean;
  hybridAutoSendHours?: number | null;
  /** The shop's zone: the fallback when the customer's is unknown. */
  timezone?: string | null;
}

export interface PlanRecipient {
  email?: string | null;
  /** E.164 preferred; national formats are read with `country`. */
  phone?: string | null;
  country?: string | null;
  /** Order.smsConsent: the customer opted in to SMS at checkout. */
  smsConsent: boolean;
  /** The number replied STOP (SmsOptOut row). Beats every consent. */
  smsOptedOut?: boolean;
  /** The customer unsubscribed from shipping emails (Order.emailConsent === false). */
  emailOptedOut?: boolean;
  /** Order.customerTimezone (IANA). */
  timeZone?: string | null;
}

export interface PlanInput {
  milestone: Milestone;
  /** Shipment id; the order id for order_confirmed. */
  subjectId: string;
  shop: PlanShop;
  recipient: PlanRecipient;
  now: Date;
  /** in_transit_digest: whether anything changed since the last digest. false plans nothing. */
  changed?: boolean;
  /** delayed: the newly announced estimate; each different estimate may be announced once. */
  newEstimate?: Date | null;
}

export type PlanStatus = "queued" | "draft" | "suppressed";
export type SuppressionReason =
  "mode_off" | "no_address" | "invalid_address" | "opted_out" | "no_sms_consent" | "klaviyo_sends"; // the merchant chose Klaviyo for this milestone (app/integrations)

export interface PlannedNotification {
  channel: Channel;
  milestone: Milestone;
  idempotencyKey: string;
  status: PlanStatus;
  /** Not before this instant. Drafts: when they auto-send (if the shop allows), else `now`. */
  sendAfter: Date;
  /** Suppression reason, or why a message waits: "quiet_hours", "digest_hour", "awaiting_review". */
  reason?: SuppressionReason | "quiet_hours" | "digest_hour" | "awaiting_review";
  /** Normalised address (lower-cased email, E.164 phone), null when there is none. */
  recipient: string | null;
}

const EMAIL_RE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

function normalizeEmail(raw: string | null | undefined): { value: string | null; valid: boolean } {
  const v = raw?.trim().toLowerCase() ?? "";
  if (v === "") return { value: null, valid: false };
  return { value: v, valid: EMAIL_RE.test(v) && v.length <= 254 };
}

function parseMode(mode: string): NotificationMode {
  return (NOTIFICATION_MODES as readonly string[]).includes(mode) ? (mode as NotificationMode) : "off";
}

/**
 * The messages a milestone causes. One entry per channel the (resolved) policy enables; channels the
 * policy disables produce no entry at all. Enabled channels that cannot be used produce a `suppressed`
 * entry with its reason, so the outbox shows why nothing went out:
 * mode off → "mode_off"; no address → "no_address"; malformed address → "invalid_address";
 * unsubscribed / STOP → "opted_out"; SMS without consent (neither the order's SMS consent nor the
 * merchant's transactional attestation) → "no_sms_consent".
 * Automated mode queues; hybrid mode writes drafts for staff review, which auto-send after
 * hybridAutoSendHours when set. SMS waits out quiet hours in the customer's zone (email is not deferred).
 * The in-transit digest is keyed by the customer's local date and goes out at DIGEST_LOCAL_HOUR, so all
 * of a day's scans share one email; changes after that hour roll into the next day's digest.
 */
export function planNotifications(input: PlanInput): PlannedNotification[] {
  const { milestone, subjectId, shop, recipient, now } = input;
  if (milestone === "in_transit_digest" && input.changed === false) return [];
  // A resolved matrix passes through resolveChannels unchanged (each entry is a valid override).
  const channels = resolveChannels(shop.milestoneChannels)[milestone];
  const mode = parseMode(shop.notificationMode);
  const tz = pickTimeZone(recipient.timeZone, shop.timezone);

  let discriminator: string | null = null;
  let base = new Date(now.getTime());
  let baseReason: PlannedNotification["reason"];
  if (milestone === "in_transit_digest") {
    const local = wallTimeAt(now, tz);
    const day = local.hour < DIGEST_LOCAL_HOUR ? local : addLocalDays(local, 1);
    base = instantOf({ ...day, hour: DIGEST_LOCAL_HOUR, minute: 0, second: 0 }, tz);
    discriminator = localDateKey(base, tz);
    baseReason = "digest_hour";
  } else if (milestone === "delayed" && input.newEstimate) {
    discriminator = localDateKey(input.newEstimate, tz);
  }

  const plans: PlannedNotification[] = [];
  for (const channel of CHANNELS) {
    if (!channels[channel]) continue;
    const key = idempotencyKey(subjectId, milestone, channel, discriminator);
    const suppressed = (reason: SuppressionReason, address: string | null): PlannedNotification => ({
      channel,
      milestone,
      idempotencyKey: key,
      status: "suppressed",
      sendAfter: new Date(now.getTime()),
      reason,
      recipient: address,
    });

    let address: string | null;
    if (channel === "email") {
      const email = normalizeEmail(recipient.email);
      address = email.value;
      if (mode === "off") {
        plans.push(suppressed("mode_off", address));
        continue;
      }
      if (!email.value) {
        plans.push(suppressed("no_address", null));
        continue;
      }
      if (!email.valid) {
        plans.push(suppressed("invalid_address", address));
        continue;
      }
      if (recipient.emailOptedOut) {
        plans.push(suppressed("opted_out", address));
        continue;
      }
    } else {
      const raw = recipient.phone?.trim() ? recipient.phone.trim() : null;
      address = raw ? normalizePhone(raw, recipient.country) : null;
      if (mode === "off") {
        plans.push(suppressed("mode_off", address ?? raw));
        continue;
      }
      if (!raw) {
        plans.push(suppressed("no_address", null));
        continue;
      }
      if (!address) {
        plans.push(suppressed("invalid_address", raw));
        continue;
      }
      if (recipient.smsOptedOut) {
        plans.push(suppressed("opted_out", address));
        continue;
      }
      if (!recipient.smsConsent && !shop.smsTransactionalOk) {
        plans.push(suppressed("no_sms_consent", address));
        continue;
      }
    }

    let sendAfter = base;
    let reason = baseReason;
    let status: PlanStatus = "queued";
    if (mode === "hybrid") {
      status = "draft";
      reason = "awaiting_review";
      const hours = shop.hybridAutoSendHours;
      if (typeof hours === "number" && Number.isFinite(hours) && hours > 0) {
        sendAfter = new Date(Math.max(base.getTime(), now.getTime() + hours * HOUR_MS));
      }
    }
    if (channel === "sms") {
      const deferred = applyQuietHours(sendAfter, tz, shop.quietHoursStart, shop.quietHoursEnd);
      if (deferred.getTime() !== sendAfter.getTime() && status === "queued") reason = "quiet_hours";
      sendAfter = deferred;
    }
    plans.push({
      channel,
      milestone,
      idempotencyKey: key,
      status,
      sendAfter: new Date(sendAfter.getTime()),
      ...(reason ? { reason } : {}),
      recipient: address,
    });
  }
  return plans;
}

// ---------------------------------------------------------------------------------------------------
// Relevance at send time
// ---------------------------------------------------------------------------------------------------

export interface ShipmentNow {
  stage: number;
  subStatus: string;
  delayed?: boolean;
  cancelled?: boolean;
}

/**
 * Whether a queued or draft message still says something true when its time comes (a digest planned for
 * 18:00 after a 14:00 delivery, a draft approved late). The sender discards messages that fail this.
 */
export function stillRelevant(milestone: Milestone, shipment: ShipmentNow): boolean {
  if (shipment.cancelled) return false;
  const delivered = shipment.stage >= 4 && (shipment.subStatus === "delivered" || shipment.subStatus === "picked_up");
  switch (milestone) {
    case "in_transit_digest":
      return shipment.stage === 3;
    case "shipped":
    case "shipped_early":
      return shipment.stage <= 3;
    case "delayed":
      return shipment.delayed !== false && !delivered && shipment.stage <= 4;
    case "out_for_delivery":
      return !delivered && shipment.stage === 4 && shipment.subStatus === "out_for_delivery";
    case "delivery_failed":
      return !delivered;
    default:
      return true;
  }
}
