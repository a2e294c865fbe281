// What tests/security/fuzz.test.ts throws at the external routes, and what every answer must satisfy:
// fast-check arbitraries for hostile strings, header values, query strings and bodies (invalid UTF-8,
// deep JSON, NUL, oversized, chunked); a raw HTTP/1.1 client that sends what fetch refuses to
// (duplicated and malformed headers, chunked framing, lying lengths); the row counts that must not move
// for unauthenticated input; and the answer check (no 5xx but overload, 4xx with a message, no echo).
import net from "node:net";
import fc from "fast-check";
import { expect } from "vitest";
import type { Db } from "~/db.server";

// Imported before anything else by fuzz.test.ts, so this replaces fetch before a library captures it
// (@shopify/shopify-api keeps the fetch it found at import): a request that input makes to the outside
// is recorded and refused instead of sent. Loopback stays open for local servers.
export const outbound: string[] = [];
const realFetch = globalThis.fetch;
globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
  const url = input instanceof Request ? input.url : String(input);
  if (/^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) return realFetch(input, init);
  outbound.push(url);
  return Promise.reject(new TypeError("fuzz test: no network"));
}) as typeof fetch;

/** One seed for the whole file: a failure names its run, and the next run repeats it exactly. */
export const SEED = 15_2026;
export const runs = (numRuns: number) => ({ seed: SEED, numRuns, endOnFailure: true });

/** Strings no route should store unauthenticated, echo in an error or render raw. */
export const SCRIPT = "<script>alert(1)</script>";
export const HOSTILE: readonly string[] = [
  SCRIPT,
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "../../../../etc/passwd",
  "..%2f..%2f..%2fetc%2fpasswd",
  "..\\..\\windows\\win.ini",
  "a\u0000b",
  "\u0000",
  "%00",
  "{{ 7 | times: 7 }}${7*7}<%= 7*7 %>",
  '\'; DROP TABLE "Shop"; --',
  "\u202e\ufeff\u200b",
  "\ud800 lone surrogate",
  "🦆".repeat(64),
  "x".repeat(5000),
  "__proto__",
  "constructor",
  "\r\nX-Injected: 1",
  "%zz%",
  "-1e309",
  "9".repeat(40),
  "null",
  "[]",
];

export const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 24 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...HOSTILE), fc.constantFrom(...HOSTILE)).map(([a, b]) => a + b) },
);

/** What a header can carry (fetch's Headers and Node's parser both refuse NUL, CR, LF and non-Latin-1). */
export function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?").trim();
}

export const hostileHeader = hostile.map(headerSafe);

/** Query strings with repeated keys, odd and broken percent-encoding, and hostile values. */
const QUERY_PIECES = [
  "a=1&a=2",
  "%zz",
  "%",
  "%00=%00",
  "+=+",
  "%2B%2b",
  "%C0%AE%C0%AE%2F",
  "%ED%A0%80",
  "%E2%80%AE",
  "&&",
  "=",
  "k",
  "signature=",
  "signature=00&signature=11",
  "shop=a.myshopify.com&shop=b.myshopify.com",
  "timestamp=99999999999999",
  "timestamp=-1",
  "shop=..%2F..%2Fetc",
  "locale=%3Cscript%3E",
  "__proto__=1&constructor[prototype]=1",
  "a[]=1&a[]=2",
  `x=${"y".repeat(3000)}`,
];
const QUERY_KEYS = [
  "order",
  "email",
  "phone",
  "contact",
  "tracking",
  "token",
  "c",
  "locale",
  "recs",
  "collection",
  "shop",
  "signature",
  "timestamp",
  "path_prefix",
  "x",
];

export const hostileQuery: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...QUERY_PIECES),
      fc.tuple(fc.constantFrom(...QUERY_KEYS), hostile).map(([k, v]) => new URLSearchParams([[k, v]]).toString()),
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join("&"));

/** A body: its bytes, and whether to send it in chunks (no Content-Length). */
export interface Body {
  bytes: Buffer;
  chunked: boolean;
}

const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80, 0x00, 0xe2, 0x82]);
const oversized = new Map<number, Buffer>();
/** `cap + 1` bytes, made once per cap (a 10 MB buffer per run would be most of the file's work). */
function overCap(cap: number): Buffer {
  let b = oversized.get(cap);
  if (!b) oversized.set(cap, (b = Buffer.alloc(cap + 1, "{")));
  return b;
}

/** Bodies for a route that reads at most `cap` bytes; deep JSON up to `maxDepth`. */
export function hostileBody(cap: number, maxDepth = 5000): fc.Arbitrary<Body> {
  const bytes = fc.oneof(
    fc.constant(Buffer.alloc(0)),
    hostile.map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.concat([INVALID_UTF8, Buffer.from(a)])),
    fc.integer({ min: 1, max: maxDepth }).map((n) => Buffer.from("[".repeat(n) + "]".repeat(n))),
    fc
      .integer({ min: 1, max: Math.floor(maxDepth / 6) })
      .map((n) => Buffer.from('{"a":'.repeat(n) + "1" + "}".repeat(n))),
    fc
      .dictionary(
        hostile.map((k) => k.slice(0, 40)),
        hostile,
        { maxKeys: 4 },
      )
      .map((o) => Buffer.from(JSON.stringify(o))),
    fc
      .array(fc.tuple(hostile, hostile), { maxLength: 4 })
      .map((pairs) => Buffer.from(new URLSearchParams(pairs).toString())),
    fc.constant(Buffer.from('{"order":"#1001","email":"x@example.com"\u0000}')),
    fc.constant(overCap(cap)),
  );
  return fc.record({ bytes, chunked: fc.boolean() });
}

/** A web body for a Request: the bytes, or a stream of them in a few chunks (sent chunked, no length). */
export function requestBody(body: Body): BodyInit | undefined {
  if (body.bytes.length === 0) return undefined;
  if (!body.chunked) return new Uint8Array(body.bytes.buffer as ArrayBuffer, body.bytes.byteOffset, body.bytes.length);
  const chunks = split(body.bytes);
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.shift();
      if (next) controller.enqueue(next);
      else controller.close();
    },
  });
}

/** Three pieces, or 1 MB pieces for a big body. */
function split(bytes: Buffer): Buffer[] {
  const size = bytes.length > 3 * 1024 * 1024 ? 1024 * 1024 : Math.max(1, Math.ceil(bytes.length / 3));
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** A Request that may carry a streamed body (Node needs duplex for that). */
export function request(url: string, init: { method: string; headers?: HeadersInit; body?: Body }): Request {
  const body = init.method === "GET" || init.method === "HEAD" || !init.body ? undefined : requestBody(init.body);
  return new Request(url, { method: init.method, headers: init.headers, body, duplex: "half" } as RequestInit);
}

/** What Remix answers for a loader or action: its Response, or the Response it threw. Anything else is a crash. */
export async function answerOf(fn: () => unknown): Promise<Response> {
  let value: unknown;
  try {
    value = await fn();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  // A loader may return data (Remix serialises it as 200 JSON).
  return value instanceof Response
    ? value
    : new Response(JSON.stringify(value ?? null), { status: 200, headers: { "Content-Type": "application/json" } });
}

export interface Seen {
  status: number;
  headers: Headers;
  body: string;
}

export async function seen(res: Response): Promise<Seen> {
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/**
 * Pieces of the input an answer must never repeat: the hostile strings it contains (whole: a page has
 * script tags of its own), and the start of each long value.
 */
function echoProbes(inputs: readonly string[]): string[] {
  const probes = new Set<string>();
  for (const input of inputs) {
    for (const h of HOSTILE) if (h.trim().length >= 6 && input.includes(h)) probes.add(h.trim().slice(0, 64));
    const trimmed = input.trim();
    if (trimmed.length >= 8) probes.add(trimmed.slice(0, 64));
  }
  return [...probes];
}

export interface AnswerRules {
  /** A 4xx that may be empty, and why (each caller says which, and why). */
  emptyOk?: (a: Seen) => boolean;
}

/**
 * The answer rules of every external route: no 5xx but 503 with Retry-After (overload), a 4xx says
 * what is wrong (unless the caller documents why it may not), no 4xx repeats the input, and nothing
 * renders the hostile script.
 */
export function expectSafeAnswer(a: Seen, inputs: readonly string[], rules: AnswerRules = {}): void {
  const context = `${a.status} ${JSON.stringify(a.body.slice(0, 200))}`;
  if (a.status >= 500) {
    expect(a.status, context).toBe(503);
    expect(a.headers.get("retry-after"), context).toMatch(/^\d+$/);
  }
  expect(a.body, context).not.toContain(SCRIPT);
  if (a.status < 400 || a.status >= 500) return;
  if (a.body.trim() === "") expect(rules.emptyOk?.(a) ?? false, `empty ${a.status} answer`).toBe(true);
  for (const probe of echoProbes(inputs))
    expect(a.body, `${context} repeats ${JSON.stringify(probe)}`).not.toContain(probe);
}

/** Rows that unauthenticated input must never add, in one statement (the same SQL on both providers). */
const COUNTED = [
  "WebhookReceipt",
  "Job",
  "Shop",
  "Session",
  "AnalyticsEvent",
  "SmsOptOut",
  "Notification",
  "OutboxMessage",
  "Order",
] as const;
export type Counts = Record<(typeof COUNTED)[number], number>;

export async function rowCounts(db: Db): Promise<Counts> {
  const sql = `SELECT ${COUNTED.map((t) => `(SELECT COUNT(*) FROM "${t}") AS "${t}"`).join(", ")}`;
  const [row] = await db.$queryRawUnsafe<Record<string, bigint | number>[]>(sql);
  return Object.fromEntries(COUNTED.map((t) => [t, Number(row![t])])) as Counts;
}

/** Delivery state of every notification (what the provider callbacks write), as one comparable string. */
export async function deliveryState(db: Db): Promise<string> {
  const rows = await db.notification.findMany({
    select: { id: true, deliveryStatus: true, deliveryError: true, deliveryUpdatedAt: true },
    orderBy: { id: "asc" },
  });
  return JSON.stringify(rows);
}

// ---------------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client
// ---------------------------------------------------------------------------------------------------

export interface RawRequest {
  method: string;
  target: string;
  /** Sent as given, in order: repeated names are repeated lines. Values are written as Latin-1 bytes. */
  headers: [string, string | Buffer][];
  body: Buffer;
  /** Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  /** A Content-Length other than the body's (only ever larger than a cap, so nobody waits for bytes). */
  declaredLength?: number;
  /** Framing headers to add as they are (request smuggling attempts); replaces the computed ones. */
  framing?: string[];
}

export interface RawAnswer extends Seen {
  /** Node's HTTP parser refused the request before any handler saw it (no Content-Type, closed). */
  fromParser: boolean;
}

/**
 * One request on a fresh connection; resolves with the first answer, or null when the server closed
 * the connection without one. Reads the answer by its Content-Length (a refused body is left unread
 * and the connection open, so waiting for the close would wait for the server's timeouts).
 */
export function rawHttp(port: number, r: RawRequest): Promise<RawAnswer | null> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const received: Buffer[] = [];
    let done = false;
    const finish = (answer: RawAnswer | null) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(answer);
    };
    const parse = (final: boolean): RawAnswer | null | undefined => {
      const data = Buffer.concat(received);
      const end = data.indexOf("\r\n\r\n");
      if (end === -1) return final ? null : undefined;
      const [statusLine, ...lines] = data.subarray(0, end).toString("latin1").split("\r\n");
      const headers = new Headers();
      for (const line of lines) {
        const i = line.indexOf(":");
        if (i > 0) headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
      }
      const length = headers.get("content-length");
      const body = data.subarray(end + 4);
      if (length !== null && body.length < Number(length) && !final) return undefined;
      if (length === null && !final) return undefined;
      const status = Number(statusLine!.split(" ")[1]);
      return {
        status,
        headers,
        body: body.subarray(0, length === null ? body.length : Number(length)).toString("utf8"),
        fromParser: !headers.has("content-type"),
      };
    };
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      const answer = parse(false);
      if (answer !== undefined) finish(answer);
    });
    socket.on("end", () => finish(parse(true) ?? null));
    socket.on("close", () => finish(parse(true) ?? null));
    socket.on("error", () => finish(parse(true) ?? null)); // a reset after the answer, or instead of one
    const head: Buffer[] = [Buffer.from(`${r.method} ${r.target} HTTP/1.1\r\nHost: 127.0.0.1\r\n`, "latin1")];
    for (const [name, value] of r.headers)
      head.push(
        Buffer.from(`${name}: `, "latin1"),
        typeof value === "string" ? Buffer.from(value, "latin1") : value,
        Buffer.from("\r\n"),
      );
    const framing =
      r.framing ??
      (r.chunked ? ["Transfer-Encoding: chunked"] : [`Content-Length: ${r.declaredLength ?? r.body.length}`]);
    head.push(Buffer.from(`${framing.map((f) => `${f}\r\n`).join("")}Connection: close\r\n\r\n`, "latin1"));
    socket.write(Buffer.concat(head));
    if (r.chunked && !r.framing) {
      for (const piece of split(r.body))
        socket.write(Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]));
      socket.write("0\r\n\r\n");
    } else if (r.body.length > 0) socket.write(r.body);
  });
}
