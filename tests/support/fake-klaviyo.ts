// A local stand-in for Klaviyo's Events API ("Create Event", POST /api/events) on 127.0.0.1: it checks each
// request the way Klaviyo documents it (Authorization "Klaviyo-API-Key <private key>", a `revision`
// header, a JSON:API body: data.type "event", attributes with properties, metric {data: {type: "metric",
// attributes: {name}}}, profile {data: {type: "profile", attributes: {email | phone_number | ...}}}) and
// answers 202 with no body, or what a test scripts (429, 500, 400, 401, a reset connection). Like Klaviyo,
// it records an event once per (profile, metric, unique_id).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { FAKE_KEEP_ALIVE_MS } from "./fake-server";

export interface KlaviyoRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface KlaviyoEvent {
  metric: string;
  profile: Record<string, unknown>;
  properties: Record<string, unknown>;
  uniqueId: string | null;
  time: string | null;
}

export type KlaviyoScript = { status: number; body?: unknown } | { reset: true };

export interface FakeKlaviyo {
  url: string;
  apiKey: string;
  requests: KlaviyoRequest[];
  /** Events Klaviyo recorded (duplicates by unique_id collapsed). */
  events: KlaviyoEvent[];
  /** Requests a real Klaviyo would refuse as malformed: tests assert this stays empty. */
  problems: string[];
  script(...next: KlaviyoScript[]): void;
  reset(): void;
  close(): Promise<void>;
}

function problemsOf(body: unknown): string[] {
  const p: string[] = [];
  const data = (body as { data?: Record<string, unknown> } | null)?.data;
  if (!data || data.type !== "event") return ['data.type must be "event"'];
  const a = data.attributes as Record<string, unknown> | undefined;
  if (!a) return ["data.attributes missing"];
  if (!a.properties || typeof a.properties !== "object") p.push("attributes.properties must be an object");
  const metric = (a.metric as { data?: { type?: string; attributes?: { name?: unknown } } } | undefined)?.data;
  if (metric?.type !== "metric" || typeof metric.attributes?.name !== "string" || !metric.attributes.name)
    p.push('attributes.metric.data: type "metric" with attributes.name');
  const profile = (a.profile as { data?: { type?: string; attributes?: Record<string, unknown> } } | undefined)?.data;
  if (profile?.type !== "profile") p.push('attributes.profile.data.type must be "profile"');
  const attrs = profile?.attributes ?? {};
  if (!["email", "phone_number", "external_id", "id", "anonymous_id"].some((k) => typeof attrs[k] === "string"))
    p.push("profile needs an identifier (email, phone_number, ...)");
  if (typeof attrs.phone_number === "string" && !/^\+[1-9]\d{6,14}$/.test(attrs.phone_number))
    p.push("phone_number must be E.164");
  if (a.time !== undefined && (typeof a.time !== "string" || Number.isNaN(Date.parse(a.time))))
    p.push("time must be an ISO 8601 string");
  for (const k of Object.keys(a)) if (/[A-Z]/.test(k)) p.push(`attribute ${k} is not snake_case`);
  return p;
}

export async function startFakeKlaviyo(options: { apiKey?: string } = {}): Promise<FakeKlaviyo> {
  const apiKey = options.apiKey ?? "pk_fake_0123456789abcdef";
  const requests: KlaviyoRequest[] = [];
  const events: KlaviyoEvent[] = [];
  const problems: string[] = [];
  const scripts: KlaviyoScript[] = [];
  const seen = new Set<string>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      const answer = (status: number, payload?: unknown) => {
        const out = payload === undefined ? "" : JSON.stringify(payload);
        res.writeHead(status, { "content-type": "application/vnd.api+json", "content-length": Buffer.byteLength(out) });
        res.end(out);
      };
      if (req.method !== "POST" || req.url !== "/api/events") return answer(404, { errors: [{ code: "not_found" }] });
      if (req.headers.authorization !== `Klaviyo-API-Key ${apiKey}`)
        return answer(401, {
          errors: [{ code: "not_authenticated", detail: "Incorrect authentication credentials." }],
        });
      if (!/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(String(req.headers.revision ?? "")))
        return answer(400, { errors: [{ code: "invalid", detail: "revision header missing" }] });
      const next = scripts.shift();
      if (next && "reset" in next) return req.socket.destroy();
      if (next)
        return answer(next.status, next.body ?? { errors: [{ code: "scripted", detail: `status ${next.status}` }] });
      const found = problemsOf(body);
      if (found.length) {
        problems.push(...found);
        return answer(400, { errors: found.map((detail) => ({ code: "invalid", detail })) });
      }
      const a = (body as { data: { attributes: Record<string, never> } }).data.attributes as Record<string, unknown>;
      const metric = (a.metric as { data: { attributes: { name: string } } }).data.attributes.name;
      const profile = (a.profile as { data: { attributes: Record<string, unknown> } }).data.attributes;
      const uniqueId = typeof a.unique_id === "string" ? a.unique_id : null;
      const who = String(profile.email ?? profile.phone_number ?? "");
      const dedupe = uniqueId ? `${who}|${metric}|${uniqueId}` : null;
      if (!dedupe || !seen.has(dedupe)) {
        if (dedupe) seen.add(dedupe);
        events.push({
          metric,
          profile,
          properties: a.properties as Record<string, unknown>,
          uniqueId,
          time: typeof a.time === "string" ? a.time : null,
        });
      }
      answer(202);
    });
  });
  server.keepAliveTimeout = FAKE_KEEP_ALIVE_MS;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    events,
    problems,
    script: (...next) => scripts.push(...next),
    reset: () => {
      requests.length = 0;
      events.length = 0;
      problems.length = 0;
      scripts.length = 0;
      seen.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
