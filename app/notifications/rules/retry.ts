// Retries of provider calls: which failed sends deserve another attempt, how many, and how far apart.
// The provider codes that decide it (Twilio's numeric codes, network error codes) live here, once.
// Pure: plain error facts in, a kind out; the delay is the one backoff (app/jobs/backoff.ts).
import { retryDelay, type RetryOptions } from "../../jobs/backoff";
import { HOUR_MS } from "../../lib/time";

/** Provider retries: about 30 s, 1 min, 2 min ... at most 6 hours apart (full jitter, 1 s floor). */
export const PROVIDER_RETRY = { baseMs: 30_000, capMs: 6 * HOUR_MS, minMs: 1_000 } as const satisfies RetryOptions;
/** After this many failed attempts a transient error is treated as final. */
export const MAX_SEND_ATTEMPTS = 8;

/** Delay before the next provider attempt, after `attempts` failed ones. */
export function providerRetryDelay(attempts: number, random: () => number = Math.random): number {
  return retryDelay(attempts, random, PROVIDER_RETRY);
}

/**
 * Twilio 21610, "Attempt to send to unsubscribed recipient": the shopper replied STOP to this sender.
 * Permanent, and recorded as an opt-out so later texts are suppressed instead of failing at Twilio.
 */
export const TWILIO_UNSUBSCRIBED = 21610;

export type ErrorKind = "transient" | "permanent";

export interface ProviderErrorInfo {
  /** HTTP status of the provider's answer, if there was one. */
  status?: number | null;
  /** Provider error code (Twilio's numeric codes) or a Node/undici network code ("ECONNRESET"). */
  code?: string | number | null;
  message?: string | null;
}

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_SOCKET",
  "ABORT_ERR",
]);

/** Twilio codes that mean "this message to this number will never work": do not retry. */
const TWILIO_PERMANENT = new Set([
  20003, // authentication failed (credentials: fix the settings, retrying cannot help)
  20404, // resource not found
  21211, // invalid 'To' number
  21212, // invalid 'From' number
  21217, // phone number does not appear to be valid
  21408, // permission to send to this region not enabled
  21421, // phone number is invalid
  21601, // phone number is not a valid SMS-capable number
  21602, // message body required
  21606, // 'From' number is not SMS-capable
  21608, // trial account: unverified number
  TWILIO_UNSUBSCRIBED, // recipient unsubscribed (STOP)
  21612, // cannot route to this number
  21614, // 'To' is not a mobile number
  21617, // body exceeds the concatenated message limit
  21635, // 'To' cannot be a landline
  30002, // account suspended
  30003, // unreachable destination handset
  30004, // message blocked
  30005, // unknown destination handset
  30006, // landline or unreachable carrier
  30007, // carrier violation / filtered
  30032, // toll-free number not verified
  30034, // A2P 10DLC unregistered number
]);

/** Twilio codes for congestion and provider trouble: retry later. */
const TWILIO_TRANSIENT = new Set([20429, 20500, 20503, 30001, 30008, 30009, 30010, 30022]);

const PERMANENT_WORDS =
  /invalid (e-?mail|address|recipient|phone|number)|does not contain a valid address|unsubscribed|blocked|bounced?|spam report|not a (valid )?mobile|opted[ -]out|suppress/i;
const TRANSIENT_WORDS =
  /time[d ]?out|socket hang up|network|temporarily|try again|rate limit|too many requests|unavailable/i;

/**
 * Whether a failed send is worth retrying. Order of evidence: network error codes and known provider
 * codes first, then the HTTP status (429, 408 and 5xx transient; other 4xx permanent, which covers
 * SendGrid's 400 invalid address / 401 / 403 and blocked / unsubscribed answers), then the message.
 * Unknown errors are transient: retries are bounded by MAX_SEND_ATTEMPTS, dropping a message is not.
 */
export function classifyProviderError(error: ProviderErrorInfo): ErrorKind {
  const code = error.code;
  if (typeof code === "string" && NETWORK_CODES.has(code.toUpperCase())) return "transient";
  const numeric =
    typeof code === "number" ? code : typeof code === "string" && /^\d+$/.test(code) ? Number(code) : null;
  if (numeric !== null) {
    if (TWILIO_PERMANENT.has(numeric)) return "permanent";
    if (TWILIO_TRANSIENT.has(numeric)) return "transient";
  }
  const status = error.status;
  if (typeof status === "number" && status > 0) {
    if (status === 429 || status === 408 || status === 425 || status >= 500) return "transient";
    if (status >= 400) return "permanent";
  }
  const message = error.message ?? "";
  if (PERMANENT_WORDS.test(message)) return "permanent";
  if (TRANSIENT_WORDS.test(message)) return "transient";
  return "transient";
}
