// EasyPost Trackers through the official client (@easypost/api): POST /v2/trackers to register
// (tracking_code and carrier), GET /v2/trackers/:id to poll, DELETE to stop, and tracker.created /
// tracker.updated Events pushed to our webhook, verified by the library's own validateWebhook (HMAC
// SHA-256 of the body with the webhook's secret, header X-Hmac-Signature: "hmac-sha256-hex=<hex>").
import crypto from "node:crypto";
import EasyPostClient from "@easypost/api";
import { normalizeEasyPostTracker, snapshotsFromEasyPostEvent, type EasyPostTracker } from "../rules/easypost";
import {
  PushSignatureError,
  SourceRejected,
  type PushRead,
  type PushVerifier,
  type Registered,
  type RegistrationRef,
  type TrackingSourceAdapter,
} from "../adapter";

/** EasyPost's carrier names for the carriers Waypoint detects (others: EasyPost detects the carrier). */
const CARRIERS: Record<string, string> = {
  ups: "UPS",
  usps: "USPS",
  fedex: "FedEx",
  dhl_express: "DHLExpress",
  dhl_ecommerce: "DHLEcommerceSolutions",
  canada_post: "CanadaPost",
  royal_mail: "RoyalMail",
  australia_post: "AustraliaPost",
  ontrac: "OnTrac",
  purolator: "Purolator",
  canpar: "Canpar",
  dpd: "DPD",
  gls: "GSO",
  postnl: "PostNL",
  sendle: "Sendle",
};

interface ApiErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
}

function statusOf(error: unknown): number | null {
  const s = (error as ApiErrorShape | null)?.statusCode;
  return typeof s === "number" ? s : null;
}

export class EasyPostSource implements TrackingSourceAdapter, PushVerifier {
  readonly provider = "easypost" as const;
  private readonly client: InstanceType<typeof EasyPostClient>;

  constructor(
    apiKey: string,
    private readonly opts: { baseUrl?: string | null; webhookSecret?: string | null } = {},
  ) {
    // baseUrl: the API's v2 root, e.g. https://api.easypost.com/v2/ (the library's default).
    this.client = new EasyPostClient(apiKey, opts.baseUrl ? { baseUrl: opts.baseUrl, timeout: 15_000 } : {});
  }

  async register(trackingNumber: string, carrierHint: string | null): Promise<Registered> {
    const carrier = carrierHint ? CARRIERS[carrierHint] : undefined;
    try {
      const tracker = (await this.client.Tracker.create({
        tracking_code: trackingNumber,
        ...(carrier ? { carrier } : {}),
      })) as unknown as EasyPostTracker;
      return { externalId: tracker.id ?? null, snapshot: normalizeEasyPostTracker(tracker) };
    } catch (error) {
      const status = statusOf(error);
      if (status !== null && status >= 400 && status < 500 && status !== 429)
        throw new SourceRejected(
          `EasyPost refused the tracker (HTTP ${status}: ${(error as ApiErrorShape).code ?? ""})`,
        );
      throw error;
    }
  }

  async poll(ref: RegistrationRef) {
    if (!ref.externalId) return null;
    const tracker = (await this.client.Tracker.retrieve(ref.externalId)) as unknown as EasyPostTracker;
    return normalizeEasyPostTracker(tracker);
  }

  async unregister(ref: RegistrationRef): Promise<void> {
    if (!ref.externalId) return;
    try {
      await this.client.Tracker.delete(ref.externalId);
    } catch (error) {
      if (statusOf(error) !== 404) throw error; // already gone: stopped is stopped
    }
  }

  async testConnection(): Promise<void> {
    await this.client.Tracker.all({ page_size: 1 });
  }

  readPush(rawBody: Buffer, headers: Headers): PushRead {
    const secret = this.opts.webhookSecret;
    if (!secret) throw new PushSignatureError("no webhook secret is set for this EasyPost connection");
    let event: { id?: string };
    try {
      event = this.client.Utils.validateWebhook(
        rawBody,
        { "X-Hmac-Signature": headers.get("x-hmac-signature") ?? undefined },
        secret,
      ) as typeof event;
    } catch {
      throw new PushSignatureError("X-Hmac-Signature is missing or does not match");
    }
    const id = event.id ?? crypto.createHash("sha256").update(rawBody).digest("hex");
    return { id, snapshots: snapshotsFromEasyPostEvent(event) };
  }
}
