// Messages "in doubt": an attempt was interrupted and the provider cannot tell whether it went out
// (SendGrid without Email Activity access, a shop that changed provider since; docs/decisions/003).
// Which of them are resent automatically, when, and how often. Pure: plain data in, a date out.
import { MINUTE_MS } from "../../lib/time";
import type { Milestone } from "./policy";

/** Notification.errorKind of a message in doubt (its status is "failed"). */
export const IN_DOUBT = "in_doubt";

/**
 * A shopper missing one of these is worse than a rare duplicate: they are resent automatically unless
 * the shop chose never. Every other milestone waits for staff.
 */
export const IN_DOUBT_CRITICAL = [
  "shipped",
  "out_for_delivery",
  "delivery_failed",
] as const satisfies readonly Milestone[];

/** Shop.inDoubtResendMinutes: its default, and the range the settings accept. */
export const DEFAULT_IN_DOUBT_RESEND_MINUTES = 30;
export const IN_DOUBT_RESEND_MINUTES = { min: 5, max: 1440 } as const;

/** Who resent a message automatically (Resend.by). */
export const AUTO_RESEND_BY = "automatic";

/** One resend of a message after it was in doubt, kept on the Notification (context.resends). */
export interface Resend {
  /** The attempt number the resend became. */
  attempt: number;
  at: string;
  /** AUTO_RESEND_BY, or the staff member. */
  by: string;
  reason: string;
}

export function isInDoubtCritical(milestone: string): boolean {
  return (IN_DOUBT_CRITICAL as readonly string[]).includes(milestone);
}

/**
 * When a message that went in doubt at `since` is resent automatically, or null for never: the shop's
 * minutes (null: never) for a critical milestone, once per message (a resend that ends in doubt again
 * waits for staff).
 */
export function autoResendAt(input: {
  milestone: string;
  since: Date;
  minutes: number | null;
  resends: readonly Resend[];
}): Date | null {
  if (!isInDoubtCritical(input.milestone)) return null;
  if (input.minutes === null || !Number.isFinite(input.minutes) || input.minutes <= 0) return null;
  if (input.resends.some((r) => r.by === AUTO_RESEND_BY)) return null;
  return new Date(input.since.getTime() + input.minutes * MINUTE_MS);
}
