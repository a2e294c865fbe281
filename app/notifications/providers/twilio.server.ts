// SMS through Twilio's Messages API with the official `twilio` client (one per account: a shop's or
// the app's). TWILIO_BASE_URL points it at a proxy or a local test server through a custom
// RequestClient that rewrites the origin of every request, as Twilio's own docs suggest for proxies.
// The Messages API has no idempotency key; after a crash `findSentSms` lists the recent messages from
// our sender to the number and matches the exact body (docs/decisions/003).
import twilio from "twilio";
import type RequestClient from "twilio/lib/base/RequestClient";
import type TwilioResponse from "twilio/lib/http/response";
import {
  mayHaveReachedProvider,
  networkCode,
  ProviderError,
  type SendResult,
  type SentLookup,
  type SmsMessage,
  type SmsProvider,
} from "./provider";
import { HOUR_MS } from "../../lib/time";

export const TWILIO_DEFAULT_TIMEOUT_MS = 20_000;
/** A lookup that keeps failing for this long gives up and says "unknown". */
const LOOKUP_GIVE_UP_MS = 24 * HOUR_MS;
/** Clock skew allowed between our "attempt started" and Twilio's date_created. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Twilio codes that mean "fix the account or the sender", not "this recipient". */
const CONFIG_CODES = new Set([20003, 20005, 21212, 21606, 21659, 30002]);

/** A RequestClient that sends every request to `baseUrl` instead of https://*.twilio.com. */
export class BaseUrlRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string, options: { timeout?: number } = {}) {
    super({ timeout: options.timeout ?? TWILIO_DEFAULT_TIMEOUT_MS, autoRetry: false });
    this.base = new URL(baseUrl);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
    const original = new URL(opts.uri);
    const prefix = this.base.pathname.replace(/\/$/, "");
    const uri = `${this.base.origin}${prefix}${original.pathname}${original.search}`;
    return super.request({ ...opts, uri });
  }
}

export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  /** E.164 number or messaging service SID ("MG..."). */
  from: string;
  baseUrl?: string | null;
  timeoutMs?: number;
  /** Delivery status webhook; optional. */
  statusCallback?: string | null;
}

/** Any failure of the Twilio client as a ProviderError (HTTP status, Twilio error code, network code). */
export function twilioError(error: unknown, what = "send"): ProviderError {
  const e = error as { status?: unknown; code?: unknown; message?: string; moreInfo?: string };
  if (typeof e?.status === "number" && e.status >= 400) {
    const code = typeof e.code === "number" ? e.code : null;
    const message = `Twilio ${what} failed with HTTP ${e.status}${code ? ` (${code})` : ""}: ${e.message ?? ""}`.trim();
    return new ProviderError("twilio", message, {
      status: e.status,
      code,
      kind: code !== null && CONFIG_CODES.has(code) ? "config" : undefined,
    });
  }
  const code = networkCode(error);
  return new ProviderError("twilio", `Twilio ${what} failed: ${e?.message ?? String(error)}`, {
    code,
    kind: "transient",
    ambiguous: mayHaveReachedProvider(code),
  });
}

export class TwilioProvider implements SmsProvider {
  readonly name = "twilio" as const;
  readonly accountSid: string;
  private readonly client: twilio.Twilio;
  private readonly from: string;
  private readonly statusCallback: string | null;

  constructor(config: TwilioConfig) {
    if (!config.accountSid || !config.authToken)
      throw new ProviderError("twilio", "Twilio account SID or auth token is missing", { kind: "config" });
    if (!config.from)
      throw new ProviderError("twilio", "Twilio sender (number or messaging service) is missing", { kind: "config" });
    const timeout = config.timeoutMs ?? TWILIO_DEFAULT_TIMEOUT_MS;
    const httpClient = config.baseUrl
      ? new BaseUrlRequestClient(config.baseUrl, { timeout })
      : new twilio.RequestClient({ timeout, autoRetry: false });
    this.client = twilio(config.accountSid, config.authToken, { httpClient });
    this.accountSid = config.accountSid;
    this.from = config.from;
    this.statusCallback = config.statusCallback ?? null;
  }

  private sender(from: string): { from: string } | { messagingServiceSid: string } {
    return /^MG[0-9a-f]{32}$/i.test(from) ? { messagingServiceSid: from } : { from };
  }

  async sendSms(message: SmsMessage): Promise<SendResult> {
    try {
      const callback = message.statusCallback ?? this.statusCallback;
      const created = await this.client.messages.create({
        to: message.to,
        body: message.body,
        ...this.sender(message.from || this.from),
        ...(callback ? { statusCallback: callback } : {}),
      });
      const segments = Number.parseInt(String(created.numSegments ?? ""), 10);
      return { providerMessageId: created.sid, ...(Number.isFinite(segments) && segments > 0 ? { segments } : {}) };
    } catch (error) {
      throw twilioError(error);
    }
  }

  /**
   * Lists the newest messages to the number (from our sender when it is a number) and looks for the
   * exact body created since the attempt began. Twilio's message log is written when the API call
   * returns, so "not there" means the earlier attempt never created a message.
   */
  async findSentSms(message: SmsMessage, since: Date, now: Date): Promise<SentLookup> {
    const from = message.from || this.from;
    try {
      const recent = await this.client.messages.list({
        to: message.to,
        ...("from" in this.sender(from) ? { from } : {}),
        limit: 50,
      });
      const match = recent.find(
        (m) =>
          m.body === message.body && (!m.dateCreated || m.dateCreated.getTime() >= since.getTime() - CLOCK_SKEW_MS),
      );
      return match ? { state: "found", providerMessageId: match.sid } : { state: "absent" };
    } catch (error) {
      const err = twilioError(error, "message lookup");
      if (err.kind === "config" || err.status === 401 || err.status === 403)
        return { state: "unknown", reason: err.message };
      if (now.getTime() - since.getTime() > LOOKUP_GIVE_UP_MS) return { state: "unknown", reason: err.message };
      return { state: "not_yet", recheckAt: new Date(now.getTime() + 60_000) };
    }
  }
}
