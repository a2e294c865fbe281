// Request bodies read before the request is authenticated: Shopify webhooks (the HMAC covers the
// body), Twilio and SendGrid callbacks, and the storefront's app proxy (its signature covers only the
// query, and Shopify signs every visitor's request). Anyone can send these, so they are capped while
// streaming: bytes are counted as chunks arrive and reading stops as soon as the cap is passed (413);
// a declared Content-Length over the cap is refused before anything is read. Capped bodies read in
// parallel are still a lot of memory, so one budget per process bounds the bytes all such reads hold
// at once; past it, 503 with Retry-After (MAX_BUFFERED_BODY_MB).
//
// Two readers with one rule: `readBody` for web `Request`s (Remix routes) and `readNodeBody` for the
// webhook door in front of Remix (app/ingest/door.server.ts), which must not pay for web streams.
//
// A refused body is left unread, not drained and not cut off: the connection stays open, paused, so
// the sender sees the answer (closing a socket with unread data resets it, and clients still writing
// then report a broken pipe instead of the 413), until the server's idle timeouts end it
// (keepAliveTimeout / requestTimeout in server.mjs). Reading, not time, is what is bounded.
import type { IncomingMessage } from "node:http";
import { env } from "../env.server";

const KiB = 1024;
const MiB = 1024 * KiB;

/** Caps per sender, each far above what that sender really sends. */
export const BODY_LIMITS = {
  /** Shopify webhooks: an order with hundreds of lines is well under a megabyte. */
  webhook: 10 * MiB,
  /** Twilio's form posts (status callbacks, inbound messages of at most 1,600 characters). */
  twilio: 64 * KiB,
  /** SendGrid's Event Webhook: a batch of many events per POST. */
  sendgrid: 5 * MiB,
  /** The storefront's lookup form and analytics beacons: a few short fields. */
  storefront: 8 * KiB,
} as const;

/** What a refused read answers: too large (413), or the process's budget is spent (503, retry later). */
export interface BodyRefusal {
  status: 413 | 503;
  message: string;
  retryAfter?: number;
}

/** Seconds a sender is asked to wait when the budget is spent: reads in progress finish in well under that. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/** The bytes that pre-authentication reads of one process hold at once, and how many they may. */
export class BodyBudget {
  /** Bytes currently held by reads in progress. */
  used = 0;
  constructor(readonly bytes: number) {}
}

let processBudget: BodyBudget | null = null;

/** This process's budget (MAX_BUFFERED_BODY_MB). */
export function bodyBudget(): BodyBudget {
  processBudget ??= new BodyBudget(env().MAX_BUFFERED_BODY_MB * MiB);
  return processBudget;
}

export function tooLarge(limit: number): BodyRefusal {
  return { status: 413, message: `Request body over ${limit} bytes` };
}

const BUSY: BodyRefusal = {
  status: 503,
  message: "Too many requests in progress; retry later",
  retryAfter: BUSY_RETRY_AFTER_SECONDS,
};

/** A declared Content-Length over the cap: refused before reading. */
export function declaredOver(contentLength: string | null | undefined, limit: number): boolean {
  return contentLength != null && Number(contentLength) > limit;
}

/** The refusal after counting one more chunk of `size` bytes read so far, or null to keep reading. */
function verdict(size: number, limit: number, budget: BodyBudget): BodyRefusal | null {
  if (size > limit) return tooLarge(limit);
  return budget.used > budget.bytes ? BUSY : null;
}

/** The refusal as a Response. */
export function refusalResponse(refusal: BodyRefusal): Response {
  const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8" };
  if (refusal.retryAfter) headers["Retry-After"] = String(refusal.retryAfter);
  return new Response(refusal.message, { status: refusal.status, headers });
}

/**
 * The whole body of a web Request, at most `limit` bytes; otherwise throws the refusal as a Response
 * (Remix answers a thrown Response as it is). The stream is released, not cancelled: under Node,
 * cancelling destroys the socket before the 413 is out; released, it stops at its small buffer.
 */
export async function readBody(request: Request, limit: number, budget: BodyBudget = bodyBudget()): Promise<Buffer> {
  if (declaredOver(request.headers.get("content-length"), limit)) throw refusalResponse(tooLarge(limit));
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      budget.used += value.byteLength;
      const refused = verdict(size, limit, budget);
      if (refused) throw refusalResponse(refused);
      chunks.push(value);
    }
  } finally {
    budget.used -= size;
    reader.releaseLock();
  }
  return Buffer.concat(chunks, size);
}

const utf8 = new TextDecoder(); // as Request.text() decodes: UTF-8, replacement characters, BOM dropped

/** `readBody` as text, decoded as `request.text()` decodes. */
export async function readText(request: Request, limit: number, budget?: BodyBudget): Promise<string> {
  return utf8.decode(await readBody(request, limit, budget));
}

/**
 * The same rule on a node:http request, with callbacks (the webhook door's hot path: nothing per
 * chunk but counting). `done(body)` once the whole body is in; `done(null, refusal)` as soon as it is
 * refused, reading stopped; `done(null)` when the client went away. Called exactly once.
 */
export function readNodeBody(
  req: IncomingMessage,
  limit: number,
  budget: BodyBudget,
  done: (body: Buffer | null, refusal?: BodyRefusal) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (body: Buffer | null, refusal?: BodyRefusal) => {
    if (finished) return;
    finished = true;
    budget.used -= size;
    done(body, refusal);
  };
  req.on("data", (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    budget.used += chunk.length;
    const refused = verdict(size, limit, budget);
    if (refused) {
      req.pause(); // the parser stops reading the socket once this request's small buffer is full
      chunks.length = 0;
      finish(null, refused);
    } else chunks.push(chunk);
  });
  req.on("end", () => finish(Buffer.concat(chunks, size)));
  req.on("close", () => finish(null));
  if (declaredOver(req.headers["content-length"], limit)) {
    req.pause();
    finish(null, tooLarge(limit));
  }
}

const ignore = () => {};

/**
 * Leaves a node request's body unread (answered without reading it). Paused with a listener, so Node
 * does not drain it after the answer, as it does for a body nobody listened to.
 */
export function leaveUnread(req: IncomingMessage): void {
  if (req.listenerCount("data") === 0) req.on("data", ignore);
  req.pause();
}
