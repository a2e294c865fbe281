// The load generator: the demo simulator's Sender (signed Shopify deliveries, bounded concurrency,
// optional rate) driven with a lean keep-alive HTTP client that times every request. Loopback only.
import http from "node:http";
import type { SimWebhook } from "../scripts/simulator/generator";
import { Sender } from "../scripts/simulator/sender";
import { percentile } from "./lib";

export interface Timed {
  /** Start of the request (ms, performance.now()). */
  start: number;
  ms: number;
  status: number;
}

/**
 * A fetch-shaped client over node:http with keep-alive sockets: cheaper per request than undici's
 * fetch, so the client costs the ceiling and the app the same small amount. Only what Sender uses.
 */
export function timedFetch(maxSockets: number, onTimed: (t: Timed) => void): typeof fetch {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const fn = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.hostname !== "127.0.0.1" && url.hostname !== "localhost")
      return Promise.reject(new Error(`bench load stays on loopback, not ${url.hostname}`));
    const body = typeof init.body === "string" ? init.body : "";
    const headers: Record<string, string> = {
      ...(init.headers as Record<string, string>),
      "Content-Length": String(Buffer.byteLength(body)),
    };
    const start = performance.now();
    return new Promise<Response>((resolve, reject) => {
      const req = http.request(url, { method: init.method ?? "GET", headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          onTimed({ start, ms: performance.now() - start, status });
          const buf = Buffer.concat(chunks);
          resolve({
            status,
            ok: status >= 200 && status < 300,
            arrayBuffer: async () => buf,
            text: async () => buf.toString(),
          } as unknown as Response);
        });
        res.on("error", reject);
      });
      req.on("error", (e) => {
        onTimed({ start, ms: performance.now() - start, status: 0 });
        reject(e);
      });
      req.end(body);
    });
  };
  return fn as typeof fetch;
}

export interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  byStatus: Record<number, number>;
  elapsedMs: number;
  /** Completed requests per second over the whole run. */
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summarize(timings: readonly Timed[], elapsedMs: number): LoadResult {
  const ms = timings.map((t) => t.ms);
  const byStatus: Record<number, number> = {};
  for (const t of timings) byStatus[t.status] = (byStatus[t.status] ?? 0) + 1;
  const ok = timings.filter((t) => t.status >= 200 && t.status < 300).length;
  return {
    requests: timings.length,
    ok,
    errors: timings.length - ok,
    byStatus,
    elapsedMs,
    throughput: (timings.length / elapsedMs) * 1000,
    p50: percentile(ms, 50),
    p90: percentile(ms, 90),
    p99: percentile(ms, 99),
    max: ms.length ? Math.max(...ms) : Number.NaN,
  };
}

export interface WebhookLoadOptions {
  baseUrl: string;
  secret: string;
  webhooks: readonly SimWebhook[];
  concurrency: number;
  /** Requests started per second (open loop, bounded by `concurrency`); unlimited when absent. */
  rate?: number;
  /** Each delivery is timed; `onDelivered` sees the webhook and its status. */
  onDelivered?: (w: SimWebhook, status: number, at: number) => void;
}

/** Delivers `webhooks` once each (no duplicates, no reordering, no retries) and times every request. */
export async function deliverWebhooks(o: WebhookLoadOptions): Promise<LoadResult> {
  const timings: Timed[] = [];
  const fetchFn = timedFetch(o.concurrency, (t) => timings.push(t));
  const sender = new Sender({
    baseUrl: o.baseUrl,
    secret: o.secret,
    concurrency: o.concurrency,
    ratePerSecond: o.rate,
    duplicateRate: 0,
    reorderRate: 0,
    retries: 0,
    fetch: fetchFn,
    onDelivered: o.onDelivered ? (w, status) => o.onDelivered?.(w, status, Date.now()) : undefined,
  });
  const started = performance.now();
  sender.enqueue(o.webhooks);
  await sender.drain();
  return summarize(timings, performance.now() - started);
}

export interface RequestLoadOptions {
  concurrency: number;
  rate?: number;
  count: number;
  /** Builds request i: its URL (loopback), method, headers, body. */
  request: (i: number) => { url: string; method?: string; headers?: Record<string, string>; body?: string };
}

/**
 * Generic paced load for non-webhook endpoints (the storefront lookups): starts request i at
 * t0 + i/rate (open loop; at most `concurrency` in flight) and times each from its actual start.
 */
export async function runRequests(o: RequestLoadOptions): Promise<LoadResult & { lateStarts: number }> {
  const timings: Timed[] = [];
  const fetchFn = timedFetch(o.concurrency, (t) => timings.push(t));
  const started = performance.now();
  let next = 0;
  let inFlight = 0;
  let lateStarts = 0;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (next < o.count && inFlight < o.concurrency) {
        const due = o.rate ? started + (next * 1000) / o.rate : 0;
        const now = performance.now();
        if (now < due) {
          setTimeout(pump, Math.max(0, due - now));
          return;
        }
        if (o.rate && now - due > 10) lateStarts++;
        const r = o.request(next++);
        inFlight++;
        fetchFn(r.url, { method: r.method ?? "GET", headers: r.headers ?? {}, body: r.body })
          .catch(() => undefined)
          .finally(() => {
            inFlight--;
            if (next >= o.count && inFlight === 0) resolve();
            else pump();
          });
      }
    };
    pump();
  });
  return { ...summarize(timings, performance.now() - started), lateStarts };
}
