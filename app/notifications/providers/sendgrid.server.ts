// Email through SendGrid's v3 Mail Send API with the official @sendgrid/mail library, on a
// @sendgrid/client instance of our own (one per API key: a shop's key or the app's), so the base URL
// can point at a proxy or a local test server (SENDGRID_BASE_URL).
// The v3 API has no idempotency key; every message carries its Notification id in custom_args, which is
// what `findSentEmail` searches for in the Email Activity API after a crash (docs/decisions/003).
import { Client } from "@sendgrid/client";
import { MailService } from "@sendgrid/mail";
import {
  type EmailMessage,
  type EmailProvider,
  mayHaveReachedProvider,
  networkCode,
  ProviderError,
  type SendResult,
  type SentLookup,
} from "./provider";
import { HOUR_MS } from "../../lib/time";

export const SENDGRID_DEFAULT_TIMEOUT_MS = 20_000;
/** Email Activity indexes a message within minutes; until then "not found" proves nothing. */
export const SENDGRID_ACTIVITY_LAG_MS = 10 * 60_000;
/** After this long, a lookup that keeps failing gives up and says "unknown". */
const LOOKUP_GIVE_UP_MS = 24 * HOUR_MS;
export const NOTIFICATION_ARG = "waypoint_notification_id";
/** The shop's domain, also in custom_args: the Event Webhook picks the shop's verification key by it. */
export const SHOP_ARG = "waypoint_shop";

export interface SendGridConfig {
  apiKey: string;
  /** Override of https://api.sendgrid.com (tests, proxies). */
  baseUrl?: string | null;
  timeoutMs?: number;
}

interface SendGridErrorBody {
  errors?: { message?: string; field?: string | null }[];
}

function header(headers: unknown, name: string): string | null {
  if (!headers || typeof headers !== "object") return null;
  const h = headers as Record<string, unknown> & { get?: (n: string) => unknown };
  const v = typeof h.get === "function" ? h.get(name) : (h[name] ?? h[name.toLowerCase()]);
  return typeof v === "string" && v.length > 0 ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : null;
}

/** Any failure of the SendGrid library as a ProviderError (status, SendGrid's messages, network code). */
export function sendGridError(error: unknown, what = "send"): ProviderError {
  const e = error as { code?: unknown; response?: { body?: unknown }; message?: string };
  if (typeof e?.code === "number" && e.response) {
    const body = e.response.body as SendGridErrorBody | string | undefined;
    const details =
      typeof body === "object" && body?.errors?.length
        ? body.errors.map((x) => (x.field ? `${x.field}: ${x.message ?? ""}` : (x.message ?? ""))).join("; ")
        : typeof body === "string"
          ? body.slice(0, 300)
          : "";
    const message = `SendGrid ${what} failed with HTTP ${e.code}${details ? `: ${details}` : ""}`;
    const kind = e.code === 401 || e.code === 403 ? "config" : undefined;
    return new ProviderError("sendgrid", message, { status: e.code, kind });
  }
  const code = networkCode(error);
  // Anything but a refused connection may have reached SendGrid before it broke: the caller reconciles.
  return new ProviderError("sendgrid", `SendGrid ${what} failed: ${e?.message ?? String(error)}`, {
    code,
    kind: "transient",
    ambiguous: mayHaveReachedProvider(code),
  });
}

export class SendGridProvider implements EmailProvider {
  readonly name = "sendgrid" as const;
  private readonly client: Client;
  private readonly mail: MailService;

  constructor(config: SendGridConfig) {
    if (!config.apiKey) throw new ProviderError("sendgrid", "SendGrid API key is missing", { kind: "config" });
    this.client = new Client();
    this.client.setApiKey(config.apiKey); // sets the default base URL: override after it
    if (config.baseUrl) this.client.setDefaultRequest("baseUrl", config.baseUrl.replace(/\/?$/, "/"));
    this.mail = new MailService();
    this.mail.setClient(this.client);
    this.mail.setTimeout(config.timeoutMs ?? SENDGRID_DEFAULT_TIMEOUT_MS);
  }

  async sendEmail(message: EmailMessage): Promise<SendResult> {
    let response: Awaited<ReturnType<MailService["send"]>>[0];
    try {
      [response] = await this.mail.send({
        to: message.to,
        from: { email: message.from.email, ...(message.from.name ? { name: message.from.name } : {}) },
        ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        subject: message.subject,
        text: message.text,
        html: message.html,
        ...(message.categories?.length ? { categories: message.categories.slice(0, 10) } : {}),
        ...(message.notificationId
          ? {
              customArgs: {
                [NOTIFICATION_ARG]: message.notificationId,
                ...(message.shopDomain ? { [SHOP_ARG]: message.shopDomain } : {}),
              },
            }
          : {}),
      });
    } catch (error) {
      throw sendGridError(error);
    }
    // 202 Accepted: the message is SendGrid's now. Never throw past this point (it would be resent).
    const id = header(response.headers, "x-message-id");
    return { providerMessageId: id ?? `sendgrid-${response.statusCode}-${message.notificationId ?? "test"}` };
  }

  /**
   * Searches the Email Activity API for a message carrying this notification id. That API needs
   * SendGrid's paid Email Activity add-on and lags by minutes: without access the answer is "unknown";
   * "not found" becomes "absent" only once SENDGRID_ACTIVITY_LAG_MS has passed since the attempt.
   */
  async findSentEmail(message: EmailMessage, since: Date, now: Date): Promise<SentLookup> {
    if (!message.notificationId) return { state: "unknown", reason: "no notification id to search for" };
    const elapsed = now.getTime() - since.getTime();
    try {
      const [, body] = await this.client.request({
        method: "GET",
        url: "/v3/messages",
        qs: { limit: 10, query: `unique_args['${NOTIFICATION_ARG}']="${message.notificationId}"` },
      });
      const found = (body as { messages?: { msg_id?: string }[] } | null)?.messages?.find(
        (m) => typeof m.msg_id === "string",
      );
      if (found?.msg_id) return { state: "found", providerMessageId: found.msg_id };
      if (elapsed < SENDGRID_ACTIVITY_LAG_MS)
        return { state: "not_yet", recheckAt: new Date(since.getTime() + SENDGRID_ACTIVITY_LAG_MS) };
      return { state: "absent" };
    } catch (error) {
      const err = sendGridError(error, "activity lookup");
      if (err.status === 400 || err.status === 401 || err.status === 403 || err.status === 404) {
        return {
          state: "unknown",
          reason: `SendGrid cannot tell whether it was sent (Email Activity API unavailable: ${err.message})`,
        };
      }
      if (elapsed > LOOKUP_GIVE_UP_MS) return { state: "unknown", reason: err.message };
      return { state: "not_yet", recheckAt: new Date(now.getTime() + 60_000) };
    }
  }
}
