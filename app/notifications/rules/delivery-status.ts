// Delivery status: what the provider later says happened to a message it accepted (Twilio's status
// callbacks, SendGrid's Event Webhook), folded into one small set shared by both channels.
// Pure: provider words in, our status and a merge decision out.
//
//   sent        the provider handed it on; no outcome yet   Twilio queued/accepted/sending/sent, SendGrid processed
//   deferred    the receiving mail server said "later"     SendGrid deferred (SendGrid keeps retrying)
//   delivered   the phone's carrier / the mail server took it   Twilio delivered, SendGrid delivered
//   opened      the shopper opened (or clicked) the email   SendGrid open/click; Twilio read (chat channels)
//   undelivered the carrier could not deliver the SMS       Twilio undelivered
//   failed      Twilio never sent the SMS                   Twilio failed / canceled
//   bounced     the mail server refused the address          SendGrid bounce (type bounce or blocked)
//   dropped     SendGrid refused to send (suppressed address, invalid...)   SendGrid dropped
//
// Reports arrive out of order and more than once, so a status only ever moves forward:
// - `sent` < `deferred` < the outcomes. Nothing moves an outcome back to `sent` or `deferred`.
// - The outcomes are final: the first one recorded wins (a `bounce` after `delivered` is ignored, as is a
//   `delivered` after `bounced`: a late contradiction from the same provider is not worth flapping the
//   badge support reads). The single exception: `opened` follows `delivered` (and `sent`/`deferred`),
//   because an open proves delivery and tells support the shopper saw it.
// Engagement events that say nothing about delivery (spam reports, unsubscribes) are not recorded here.
import { TWILIO_UNSUBSCRIBED } from "./retry";

export const DELIVERY_STATUSES = [
  "sent",
  "deferred",
  "delivered",
  "opened",
  "undelivered",
  "failed",
  "bounced",
  "dropped",
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Statuses that mean "did not reach the shopper": what support should act on. */
export const NOT_DELIVERED: readonly DeliveryStatus[] = ["undelivered", "failed", "bounced", "dropped"];
export function isNotDelivered(status: string | null | undefined): boolean {
  return (NOT_DELIVERED as readonly (string | null | undefined)[]).includes(status);
}

export function isDeliveryStatus(v: unknown): v is DeliveryStatus {
  return typeof v === "string" && (DELIVERY_STATUSES as readonly string[]).includes(v);
}

/** Whether a report of `next` may replace the recorded `current` (false for repeats too: idempotent). */
export function shouldAdvance(current: string | null | undefined, next: DeliveryStatus): boolean {
  if (!isDeliveryStatus(current)) return true; // nothing (or something unknown) recorded yet
  if (current === next) return false;
  if (current === "sent") return true;
  if (current === "deferred") return next !== "sent";
  return current === "delivered" && next === "opened";
}

/** Twilio's MessageStatus → ours; null for statuses that say nothing useful (receiving, scheduled...). */
export function fromTwilioStatus(status: string | null | undefined): DeliveryStatus | null {
  switch ((status ?? "").toLowerCase()) {
    case "queued":
    case "accepted":
    case "sending":
    case "sent":
      return "sent";
    case "delivered":
      return "delivered";
    case "read":
      return "opened";
    case "undelivered":
      return "undelivered";
    case "failed":
    case "canceled":
      return "failed";
    default:
      return null;
  }
}

/** Twilio error codes a support agent meets most, in words (https://www.twilio.com/docs/api/errors). */
const TWILIO_ERRORS: Record<string, string> = {
  [TWILIO_UNSUBSCRIBED]: "the recipient replied STOP to this sender",
  "21614": "not a mobile number",
  "30001": "queue overflow",
  "30002": "account suspended",
  "30003": "unreachable handset (off or out of coverage)",
  "30004": "message blocked by the recipient or carrier",
  "30005": "unknown or inactive number",
  "30006": "landline or unreachable carrier",
  "30007": "filtered by the carrier as spam",
  "30008": "unknown carrier error",
  "30034": "sender not registered for A2P 10DLC",
};

/** "30003: unreachable handset (...)" from Twilio's ErrorCode; null when there is none. */
export function twilioErrorText(code: string | null | undefined): string | null {
  const c = (code ?? "").trim();
  if (!c || c === "0") return null;
  const words = TWILIO_ERRORS[c];
  return words ? `Twilio ${c}: ${words}` : `Twilio ${c}`;
}

/** SendGrid event name (and bounce type) → ours; null for events we do not record. */
export function fromSendGridEvent(event: string | null | undefined): DeliveryStatus | null {
  switch (event) {
    case "processed":
      return "sent";
    case "deferred":
      return "deferred";
    case "delivered":
      return "delivered";
    case "open":
    case "click":
      return "opened";
    case "bounce": // type "bounce" or "blocked": either way the mail server refused it
      return "bounced";
    case "dropped":
      return "dropped";
    default:
      return null;
  }
}

const EMAIL_LIKE = /[^\s<>()"',;:]+@[^\s<>()"',;:]+/g;
const MAX_REASON = 300;

/** A provider's free text without any address in it, trimmed to a readable length. */
export function scrubReason(text: string | null | undefined): string | null {
  const t = (text ?? "").replace(EMAIL_LIKE, "[address]").replace(/\s+/g, " ").trim();
  if (!t) return null;
  return t.length > MAX_REASON ? `${t.slice(0, MAX_REASON - 1)}…` : t;
}

/** The reason to show for a SendGrid event: bounce type and SMTP status, the dropped reason, the deferral response. */
export function sendGridReason(e: {
  event?: unknown;
  type?: unknown;
  status?: unknown;
  reason?: unknown;
  response?: unknown;
}): string | null {
  const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : null);
  const status = fromSendGridEvent(str(e.event));
  if (status === "bounced") {
    const head = [str(e.type) === "blocked" ? "blocked" : "bounce", str(e.status)].filter(Boolean).join(" ");
    return scrubReason([head, str(e.reason)].filter(Boolean).join(": "));
  }
  if (status === "dropped") return scrubReason(str(e.reason));
  if (status === "deferred") return scrubReason(str(e.response) ?? str(e.reason));
  return null;
}
