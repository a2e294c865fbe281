// The small interface every message provider implements (SendGrid, Twilio, the dev outbox).
// A send either returns the provider's message id or throws a ProviderError saying whether a retry
// can help. `findSent` answers "did an earlier, unrecorded attempt reach you?" after a crash.
import { classifyProviderError, type ErrorKind } from "../rules/retry";

export type ProviderName = "sendgrid" | "twilio" | "dev-outbox";
/** transient: retry later; permanent: this message will never go; config: fix the settings first. */
export type ProviderErrorKind = ErrorKind | "config";

export class ProviderError extends Error {
  override name = "ProviderError";
  readonly provider: ProviderName;
  readonly status: number | null;
  readonly code: string | number | null;
  readonly kind: ProviderErrorKind;
  /**
   * True when the request may have reached the provider before it failed (a timeout or a reset
   * connection, no HTTP answer): the message may have been accepted, so it is reconciled, not resent.
   */
  readonly ambiguous: boolean;

  constructor(
    provider: ProviderName,
    message: string,
    info: { status?: number | null; code?: string | number | null; kind?: ProviderErrorKind; ambiguous?: boolean } = {},
  ) {
    super(message);
    this.provider = provider;
    this.status = info.status ?? null;
    this.code = info.code ?? null;
    this.kind = info.kind ?? classifyProviderError({ status: this.status, code: this.code, message });
    this.ambiguous = info.ambiguous ?? false;
  }
}

export interface EmailMessage {
  /** Notification.id (null for a test send): travels as custom_args so the message can be found again. */
  notificationId: string | null;
  /** The shop's domain: travels with the notification id, so SendGrid's events name the shop whose key verifies them. */
  shopDomain?: string | null;
  to: string;
  from: { email: string; name?: string | null };
  replyTo?: string | null;
  subject: string;
  text: string;
  html: string;
  categories?: string[];
}

export interface SmsMessage {
  notificationId: string | null;
  to: string;
  /** E.164 sender, or a messaging service SID ("MG..."). */
  from: string;
  body: string;
  statusCallback?: string | null;
}

export interface SendResult {
  providerMessageId: string;
  segments?: number;
}

/**
 * What a provider knows about an earlier attempt whose outcome was never recorded:
 * found: it was accepted (and under this id); absent: it certainly was not;
 * not_yet: the provider's records may lag, ask again at recheckAt; unknown: the provider cannot say.
 */
export type SentLookup =
  | { state: "found"; providerMessageId: string }
  | { state: "absent" }
  | { state: "not_yet"; recheckAt: Date }
  | { state: "unknown"; reason: string };

export interface EmailProvider {
  readonly name: ProviderName;
  sendEmail(message: EmailMessage): Promise<SendResult>;
  /** `since`: when the unrecorded attempt started. */
  findSentEmail(message: EmailMessage, since: Date, now: Date): Promise<SentLookup>;
}

export interface SmsProvider {
  readonly name: ProviderName;
  sendSms(message: SmsMessage): Promise<SendResult>;
  findSentSms(message: SmsMessage, since: Date, now: Date): Promise<SentLookup>;
}

export interface ShopProviders {
  email: EmailProvider;
  sms: SmsProvider;
}

/** Network failures of axios (both SDKs use it): their code is Node's ("ECONNREFUSED", ...). */
export function networkCode(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z_]+$/.test(code) ? code : null;
}

/** Connection errors that prove a request never reached the provider (safe to send again). */
const NEVER_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Whether a failure without an HTTP answer may have happened after the provider got the request. */
export function mayHaveReachedProvider(code: string | null): boolean {
  return !(code && NEVER_SENT.has(code));
}

/** A provider that refuses every message with a configuration error (e.g. unreadable credentials). */
export function misconfigured(name: ProviderName, reason: string): EmailProvider & SmsProvider {
  const fail = async (): Promise<never> => {
    throw new ProviderError(name, reason, { kind: "config" });
  };
  return {
    name,
    sendEmail: fail,
    sendSms: fail,
    findSentEmail: async () => ({ state: "unknown", reason }),
    findSentSms: async () => ({ state: "unknown", reason }),
  };
}
