// 17TRACK API v2.2 (api.17track.net/en/doc?version=v2.2). There is no official Node client, so this
// is plain fetch: every call is POST https://api.17track.net/track/v2.2/<method> with the key in the
// `17token` header and a JSON array of numbers; answers are { code, data: { accepted, rejected } }.
// Pushes (TRACKING_UPDATED / TRACKING_STOPPED) carry `sign`: SHA-256 hex of "<raw body>/<API key>".
import crypto from "node:crypto";
import { normalize17TrackInfo, snapshotsFrom17TrackPush, type SeventeenTrackInfo } from "../rules/seventeen-track";
import {
  PushSignatureError,
  SourceRejected,
  type PushRead,
  type PushVerifier,
  type Registered,
  type RegistrationRef,
  type TrackingSourceAdapter,
} from "../adapter";
import { safeEqual } from "../../lib/crypto.server";

export const SEVENTEEN_TRACK_ORIGIN = "https://api.17track.net";
/** 17TRACK's answer code for a number this account has already registered: as good as accepted. */
const ALREADY_REGISTERED = -18019901;

interface Answer {
  code: number;
  data?: {
    accepted?: { number: string; carrier?: number; track_info?: SeventeenTrackInfo | null }[];
    rejected?: { number: string; error?: { code?: number; message?: string } }[];
    errors?: { code?: number; message?: string }[];
  };
}

export function seventeenTrackSign(rawBody: string, apiKey: string): string {
  return crypto.createHash("sha256").update(`${rawBody}/${apiKey}`, "utf8").digest("hex");
}

export class SeventeenTrackSource implements TrackingSourceAdapter, PushVerifier {
  readonly provider = "17track" as const;
  private readonly origin: string;

  constructor(
    private readonly apiKey: string,
    opts: { baseUrl?: string | null; fetch?: typeof fetch } = {},
  ) {
    this.origin = (opts.baseUrl ?? SEVENTEEN_TRACK_ORIGIN).replace(/\/$/, "");
    this.fetchFn = opts.fetch ?? fetch;
  }
  private readonly fetchFn: typeof fetch;

  private async call(method: string, body: unknown): Promise<Answer> {
    const res = await this.fetchFn(`${this.origin}/track/v2.2/${method}`, {
      method: "POST",
      headers: { "17token": this.apiKey, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status === 401 || res.status === 403)
      throw new SourceRejected(`17TRACK refused the key (HTTP ${res.status})`);
    if (!res.ok) throw new Error(`17TRACK ${method}: HTTP ${res.status}`);
    const answer = (await res.json()) as Answer;
    if (answer.code !== 0) {
      const e = answer.data?.errors?.[0];
      throw new SourceRejected(`17TRACK ${method}: code ${answer.code}${e?.message ? ` (${e.message})` : ""}`);
    }
    return answer;
  }

  async register(trackingNumber: string): Promise<Registered> {
    // No carrier: 17TRACK's automatic detection (its carrier list is far longer than ours).
    const a = await this.call("register", [{ number: trackingNumber }]);
    const ok = a.data?.accepted?.find((x) => x.number === trackingNumber);
    if (ok) return { externalId: ok.carrier != null ? String(ok.carrier) : null, snapshot: null };
    const no = a.data?.rejected?.find((x) => x.number === trackingNumber);
    if (no?.error?.code === ALREADY_REGISTERED) return { externalId: null, snapshot: null };
    throw new SourceRejected(`17TRACK rejected the number (code ${no?.error?.code ?? "none"})`);
  }

  private ref(ref: RegistrationRef) {
    return { number: ref.trackingNumber, ...(ref.externalId ? { carrier: Number(ref.externalId) } : {}) };
  }

  async poll(ref: RegistrationRef) {
    const a = await this.call("gettrackinfo", [this.ref(ref)]);
    const item = a.data?.accepted?.find((x) => x.number === ref.trackingNumber);
    return item ? normalize17TrackInfo(item.number, item.track_info) : null;
  }

  async unregister(ref: RegistrationRef): Promise<void> {
    await this.call("stoptrack", [this.ref(ref)]);
  }

  async testConnection(): Promise<void> {
    await this.call("getquota", {});
  }

  readPush(rawBody: Buffer, headers: Headers): PushRead {
    const text = rawBody.toString("utf8");
    const sign = headers.get("sign");
    if (!sign || !safeEqual(sign.toLowerCase(), seventeenTrackSign(text, this.apiKey)))
      throw new PushSignatureError("sign is missing or does not match");
    const id = crypto.createHash("sha256").update(rawBody).digest("hex");
    return { id, snapshots: snapshotsFrom17TrackPush(JSON.parse(text)) };
  }
}
