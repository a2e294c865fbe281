// Local stand-ins for the carrier tracking sources Waypoint registers numbers with, for tests and the
// demo: EasyPost's Trackers API (v2) and 17TRACK's API v2.2. Each checks every request the way the
// real API documents it (path, method, authentication, JSON body shape) and records what a real one
// would have refused in `problems` (tests assert it stays empty); each can script a parcel's scans
// and sign a push exactly as the source signs it (EasyPost: X-Hmac-Signature "hmac-sha256-hex=" +
// HMAC-SHA256(body, webhook secret); 17TRACK: sign = SHA-256("<body>/<API key>")).
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Scan {
  /** EasyPost: the tracker status; 17TRACK: the sub-status (InTransit_Arrival, Delivered_Other, ...). */
  status: string;
  statusDetail?: string;
  message: string;
  at: string;
  city?: string;
  state?: string;
  country?: string;
  zip?: string;
}

interface Base {
  url: string;
  requests: RecordedRequest[];
  problems: string[];
  /** Forgets every request, problem and tracked number. */
  reset(): void;
  close(): Promise<void>;
}

function listen(
  handler: (req: RecordedRequest, res: http.ServerResponse) => void,
): Promise<{ url: string; server: http.Server; requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const r = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(r);
      handler(r, res);
    });
  });
  server.keepAliveTimeout = 10 * 60_000;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, requests }),
    ),
  );
}

function json(res: http.ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---------------------------------------------------------------------------------------------------
// EasyPost
// ---------------------------------------------------------------------------------------------------

export interface FakeEasyPost extends Base {
  apiKey: string;
  webhookSecret: string;
  /** The v2 root the client takes as baseUrl. */
  baseUrl: string;
  trackers: Map<string, Record<string, unknown>>;
  /** Adds a scan to a tracker (by tracking code) and returns the tracker. */
  scan(trackingCode: string, scan: Scan, estDeliveryDate?: string | null): Record<string, unknown>;
  /** A tracker.updated Event for the tracker, signed as EasyPost signs it. */
  signedEvent(
    trackingCode: string,
    opts?: { secret?: string; description?: string },
  ): { body: string; headers: Record<string, string> };
}

export function easyPostSignature(body: string, secret: string): string {
  const hex = crypto
    .createHmac("sha256", Buffer.from(secret.normalize("NFKD"), "utf8"))
    .update(body, "utf8")
    .digest("hex");
  return `hmac-sha256-hex=${hex}`;
}

export async function startFakeEasyPost(
  options: { apiKey?: string; webhookSecret?: string } = {},
): Promise<FakeEasyPost> {
  const apiKey = options.apiKey ?? "EZTK_fake_0123456789";
  const webhookSecret = options.webhookSecret ?? "whsec_fake_easypost";
  const problems: string[] = [];
  const trackers = new Map<string, Record<string, unknown>>(); // by id
  const byCode = new Map<string, string>();
  let seq = 0;
  const expectedAuth = `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}`;

  const { url, server, requests } = await listen((req, res) => {
    if (req.headers.authorization !== expectedAuth) {
      json(res, 401, { error: { code: "APIKEY.INACTIVE", message: "This api key is no longer active.", errors: [] } });
      return;
    }
    const m = /^\/v2\/trackers(?:\/([^/]+))?$/.exec(req.path);
    if (!m) {
      problems.push(`unknown path ${req.method} ${req.path}`);
      json(res, 404, {
        error: { code: "NOT_FOUND", message: "The requested resource could not be found.", errors: [] },
      });
      return;
    }
    const id = m[1];
    if (req.method === "POST" && !id) {
      if (!String(req.headers["content-type"]).startsWith("application/json")) problems.push("create without JSON");
      let body: { tracker?: { tracking_code?: unknown; carrier?: unknown } };
      try {
        body = JSON.parse(req.body) as typeof body;
      } catch {
        problems.push("create body is not JSON");
        json(res, 422, { error: { code: "PARAMETER.INVALID", message: "Invalid body", errors: [] } });
        return;
      }
      const code = body.tracker?.tracking_code;
      if (typeof code !== "string" || code === "") {
        problems.push("tracker.tracking_code missing");
        json(res, 422, {
          error: { code: "TRACKER.TRACKING_CODE.INVALID", message: "Invalid tracking code", errors: [] },
        });
        return;
      }
      if (body.tracker?.carrier !== undefined && typeof body.tracker.carrier !== "string")
        problems.push("tracker.carrier must be a string");
      // EasyPost returns the existing tracker for a code it already tracks (no second bill).
      const existing = byCode.get(code);
      if (existing) return json(res, 200, trackers.get(existing));
      const tracker = {
        id: `trk_${(++seq).toString(16).padStart(32, "0")}`,
        object: "Tracker",
        mode: "test",
        tracking_code: code,
        status: "unknown",
        status_detail: "unknown",
        carrier: (body.tracker?.carrier as string | undefined) ?? "USPS",
        tracking_details: [] as unknown[],
        est_delivery_date: null,
        public_url: `https://track.easypost.com/${code}`,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      };
      trackers.set(tracker.id, tracker);
      byCode.set(code, tracker.id);
      return json(res, 201, tracker);
    }
    if (req.method === "GET" && !id) {
      return json(res, 200, {
        trackers: [...trackers.values()].slice(0, Number(req.query.get("page_size") ?? 20)),
        has_more: false,
      });
    }
    const tracker = id ? trackers.get(id) : undefined;
    if (!tracker)
      return json(res, 404, {
        error: { code: "NOT_FOUND", message: "The requested resource could not be found.", errors: [] },
      });
    if (req.method === "GET") return json(res, 200, tracker);
    if (req.method === "DELETE") {
      trackers.delete(id!);
      byCode.delete(String(tracker.tracking_code));
      return json(res, 204);
    }
    problems.push(`unexpected ${req.method} ${req.path}`);
    json(res, 405, { error: { code: "METHOD.NOT_ALLOWED", message: "Method not allowed", errors: [] } });
  });

  const trackerFor = (code: string) => {
    const id = byCode.get(code);
    const t = id ? trackers.get(id) : undefined;
    if (!t) throw new Error(`no tracker for ${code}`);
    return t;
  };

  return {
    url,
    baseUrl: `${url}/v2/`,
    apiKey,
    webhookSecret,
    requests,
    problems,
    trackers,
    reset() {
      requests.length = 0;
      problems.length = 0;
      trackers.clear();
      byCode.clear();
    },
    scan(code, s, est) {
      const t = trackerFor(code);
      const detail = {
        object: "TrackingDetail",
        message: s.message,
        description: "",
        status: s.status,
        status_detail: s.statusDetail ?? s.status,
        datetime: s.at,
        source: t.carrier,
        carrier_code: "",
        tracking_location: {
          object: "TrackingLocation",
          city: s.city ?? null,
          state: s.state ?? null,
          country: s.country ?? null,
          zip: s.zip ?? null,
        },
      };
      (t.tracking_details as unknown[]).push(detail);
      t.status = s.status;
      t.status_detail = s.statusDetail ?? s.status;
      if (est !== undefined) t.est_delivery_date = est;
      t.updated_at = new Date().toISOString();
      return t;
    },
    signedEvent(code, opts = {}) {
      const t = trackerFor(code);
      const body = JSON.stringify({
        object: "Event",
        id: `evt_${crypto.randomUUID().replaceAll("-", "")}`,
        mode: "test",
        description: opts.description ?? "tracker.updated",
        previous_attributes: {},
        result: t,
        status: "pending",
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      });
      return {
        body,
        headers: {
          "Content-Type": "application/json",
          "X-Hmac-Signature": easyPostSignature(body, opts.secret ?? webhookSecret),
        },
      };
    },
    close: () => close(server),
  };
}

// ---------------------------------------------------------------------------------------------------
// 17TRACK
// ---------------------------------------------------------------------------------------------------

export interface FakeSeventeenTrack extends Base {
  apiKey: string;
  /** Numbers registered (and not stopped), with the carrier code auto-detection gave them. */
  registered: Map<
    string,
    { carrier: number; tracking: boolean; events: Record<string, unknown>[]; latest: string; edd: string | null }
  >;
  scan(number: string, scan: Scan, edd?: string | null): void;
  /** A TRACKING_UPDATED push for the number, signed as 17TRACK signs it. */
  signedPush(number: string, opts?: { key?: string }): { body: string; headers: Record<string, string> };
}

export function seventeenTrackSignature(body: string, key: string): string {
  return crypto.createHash("sha256").update(`${body}/${key}`, "utf8").digest("hex");
}

/** The carrier code the fake's "auto-detection" gives every number (a regional carrier). */
export const FAKE_17TRACK_CARRIER = 190271;
const METHODS = new Set(["register", "gettrackinfo", "stoptrack", "retrack", "getquota", "deletetrack", "changeinfo"]);

export async function startFakeSeventeenTrack(options: { apiKey?: string } = {}): Promise<FakeSeventeenTrack> {
  const apiKey = options.apiKey ?? "17TK_fake_0123456789";
  const problems: string[] = [];
  const registered: FakeSeventeenTrack["registered"] = new Map();

  const trackInfo = (number: string) => {
    const r = registered.get(number)!;
    const main = r.latest.split("_")[0] ?? "NotFound";
    return {
      shipping_info: { shipper_address: {}, recipient_address: {} },
      latest_status: { status: main, sub_status: r.latest, sub_status_descr: null },
      latest_event: r.events[0] ?? null,
      time_info: {},
      time_metrics: { estimated_delivery_date: { source: r.edd ? "17TRACK" : null, from: null, to: r.edd } },
      milestone: [],
      misc_info: {},
      tracking: {
        providers_hash: 1,
        providers: [
          { provider: { key: r.carrier, name: "Regional Express", alias: "Regional Express" }, events: r.events },
        ],
      },
    };
  };

  const { url, server, requests } = await listen((req, res) => {
    const m = /^\/track\/v2\.2\/([A-Za-z]+)$/.exec(req.path);
    if (req.method !== "POST" || !m || !METHODS.has(m[1]!)) {
      problems.push(`unknown ${req.method} ${req.path}`);
      return json(res, 404, { code: -18010001, data: { errors: [{ code: -18010001, message: "Not found" }] } });
    }
    if (req.headers["17token"] !== apiKey)
      return json(res, 401, {
        code: -18010002,
        data: { errors: [{ code: -18010002, message: "Invalid security key." }] },
      });
    if (!String(req.headers["content-type"]).startsWith("application/json")) problems.push(`${m[1]} without JSON`);
    let body: unknown;
    try {
      body = JSON.parse(req.body);
    } catch {
      problems.push(`${m[1]} body is not JSON`);
      return json(res, 400, {
        code: -18010012,
        data: { errors: [{ code: -18010012, message: "Invalid data format" }] },
      });
    }
    const method = m[1]!;
    if (method === "getquota")
      return json(res, 200, {
        code: 0,
        data: { quota_total: 1000, quota_used: registered.size, quota_remain: 1000 - registered.size },
      });
    if (!Array.isArray(body) || body.length === 0 || body.length > 40) {
      problems.push(`${method}: the body must be an array of 1 to 40 items`);
      return json(res, 200, {
        code: -18010013,
        data: { errors: [{ code: -18010013, message: "Submitted data is invalid." }] },
      });
    }
    const accepted: unknown[] = [];
    const rejected: unknown[] = [];
    for (const item of body as { number?: unknown; carrier?: unknown }[]) {
      const number = item?.number;
      if (typeof number !== "string" || number.length < 5 || number.length > 50) {
        problems.push(`${method}: number must be a string of 5 to 50 characters`);
        rejected.push({ number, error: { code: -18019909, message: "The tracking number is invalid." } });
        continue;
      }
      if (item.carrier !== undefined && typeof item.carrier !== "number")
        problems.push(`${method}: carrier must be a number`);
      const r = registered.get(number);
      if (method === "register") {
        if (r)
          rejected.push({
            number,
            error: {
              code: -18019901,
              message: `The tracking number '${number}' has been registered, don't need to repeat registration.`,
            },
          });
        else {
          registered.set(number, {
            carrier: FAKE_17TRACK_CARRIER,
            tracking: true,
            events: [],
            latest: "NotFound_Other",
            edd: null,
          });
          accepted.push({ origin: 1, number, carrier: FAKE_17TRACK_CARRIER });
        }
      } else if (!r) {
        rejected.push({
          number,
          error: {
            code: -18019902,
            message: `The tracking number '${number}' does not register, please register first.`,
          },
        });
      } else if (method === "gettrackinfo") {
        accepted.push({ number, carrier: r.carrier, param: null, tag: null, track_info: trackInfo(number) });
      } else if (method === "stoptrack") {
        r.tracking = false;
        accepted.push({ number, carrier: r.carrier });
      } else accepted.push({ number, carrier: r.carrier });
    }
    json(res, 200, { code: 0, data: { accepted, rejected } });
  });

  return {
    url,
    apiKey,
    requests,
    problems,
    registered,
    reset() {
      requests.length = 0;
      problems.length = 0;
      registered.clear();
    },
    scan(number, s, edd) {
      const r = registered.get(number);
      if (!r) throw new Error(`${number} is not registered`);
      const stage = s.status.split("_")[0];
      r.events.unshift({
        time_iso: s.at,
        time_utc: new Date(s.at).toISOString(),
        time_raw: { date: s.at.slice(0, 10), time: s.at.slice(11, 19), timezone: null },
        description: s.message,
        location: s.city ?? null,
        stage,
        sub_status: s.status,
        address: {
          country: s.country ?? null,
          state: s.state ?? null,
          city: s.city ?? null,
          street: null,
          postal_code: s.zip ?? null,
          coordinates: {},
        },
      });
      r.latest = s.status;
      if (edd !== undefined) r.edd = edd;
    },
    signedPush(number, opts = {}) {
      const r = registered.get(number);
      if (!r) throw new Error(`${number} is not registered`);
      const body = JSON.stringify({
        event: "TRACKING_UPDATED",
        data: { number, carrier: r.carrier, param: null, tag: null, track_info: trackInfo(number) },
      });
      return {
        body,
        headers: { "Content-Type": "application/json", sign: seventeenTrackSignature(body, opts.key ?? apiKey) },
      };
    },
    close: () => close(server),
  };
}
