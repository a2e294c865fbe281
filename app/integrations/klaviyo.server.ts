// Klaviyo's Events API through its official Node client (klaviyo-api): one "Create Event" per
// milestone. The client's own retry loop (sleeps inside the call) is switched off: the integration
// outbox retries with the app's one backoff, between jobs, and Klaviyo's unique_id makes a resend
// after a crash record nothing new. A 20 s timeout is added to every request the client makes.
import { ApiKeySession, EventsApi, RetryWithExponentialBackoff } from "klaviyo-api";
import type { klaviyoEventBody } from "./rules/milestones";
import { IntegrationError } from "./errors";

export const KLAVIYO_TIMEOUT_MS = 20_000;

type AxiosLikeConfig = Record<string, unknown>;

/** The library's API-key session, with a request timeout and no retries of its own. */
class TimedApiKeySession extends ApiKeySession {
  constructor(apiKey: string) {
    super(apiKey, new RetryWithExponentialBackoff({ numRetries: 0 }));
  }
  override requestWithRetry(config: AxiosLikeConfig) {
    return super.requestWithRetry({ ...config, timeout: KLAVIYO_TIMEOUT_MS } as never);
  }
}

export type KlaviyoEvent = ReturnType<typeof klaviyoEventBody>;

interface AxiosLikeError {
  response?: { status?: number; data?: { errors?: { code?: string; detail?: string }[] } };
  code?: string;
  message?: string;
}

/** Sends one event; throws IntegrationError (kind from the answer) when Klaviyo refuses or cannot be reached. */
export async function sendKlaviyoEvent(apiKey: string, event: KlaviyoEvent, baseUrl?: string): Promise<void> {
  const api = new EventsApi(new TimedApiKeySession(apiKey));
  if (baseUrl) api.basePath = baseUrl.replace(/\/$/, "");
  try {
    await api.createEvent(event as never);
  } catch (error) {
    const e = error as AxiosLikeError;
    const status = e.response?.status ?? null;
    // Klaviyo's JSON:API errors carry a code and a detail; neither echoes the profile.
    const first = e.response?.data?.errors?.[0];
    const detail = first ? `${first.code ?? "error"}: ${first.detail ?? ""}`.trim() : (e.code ?? "no answer");
    throw new IntegrationError("klaviyo", `Klaviyo ${status ?? "request failed"}: ${detail}`, {
      status,
      code: e.code ?? null,
      kind: status === 401 || status === 403 ? "config" : undefined,
    });
  }
}
