// Webhook ingestion: verify the HMAC on the raw body, persist the raw receipt and enqueue its
// processing in ONE transaction, answer at once. Nothing is parsed here: a payload we cannot read is
// still kept, and fails visibly in the worker (receipt status "failed").
//
// Two doors lead to the same `accept`: the Remix routes (webhooks.*, used by `vite dev`) and, in
// production, a plain node:http handler that server.mjs puts in front of Express and Remix (the
// request pipeline cost ~3.7 ms of CPU per webhook, a bare HMAC server ~0.16 ms). Receipts that
// arrive while a commit is in flight are committed together in the next one (group commit): no
// delivery waits for a timer, and under a storm one transaction carries many receipts. The write
// itself goes through the database driver (receipt-store.server.ts).
//
// Before the signature is checked anyone can send anything, so both doors read bodies through the
// capped readers of lib/body.server.ts (413 past 10 MB, counted while streaming), the door matches
// every spelling of the webhook paths that Remix would route (trailing slash, case, percent-encoding)
// and a shop domain that is not <handle>.myshopify.com is refused before anything is stored. Under
// overload the ingest answers 503 with Retry-After (Shopify retries) instead of queueing without limit:
// at most WEBHOOK_MAX_PENDING deliveries wait for or are in a commit.
import crypto from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Db } from "../db.server";
import { env } from "../env.server";
import {
  BODY_LIMITS,
  bodyBudget,
  type BodyBudget,
  type BodyRefusal,
  BUSY_RETRY_AFTER_SECONDS,
  leaveUnread,
  readBody,
  readNodeBody,
} from "../lib/body.server";
import { errorMessage, logger } from "../lib/logger.server";
import { isShopDomain } from "../lib/shop-domain";
import { createReceiptStore, type ReceiptRow, type ReceiptStore } from "./receipt-store.server";
import { type HeaderReader, verifyWebhook } from "../lib/shopify-signing.server";
import { wakeWorkers } from "../jobs/worker.server";

/** The paths of the webhooks.* routes (shopify.app.toml subscribes each topic to one of them). */
export const WEBHOOK_PATHS: ReadonlySet<string> = new Set([
  "/webhooks/tracking",
  "/webhooks/app",
  "/webhooks/compliance",
]);

/**
 * The webhook route a request target names, or null. Exact paths are matched first (the hot path);
 * otherwise the spellings Remix's router would also send to a webhook route (trailing slashes, any
 * case, percent-encoding, dot segments) and repeated slashes, so all of them take this door. (The
 * routes read with the same cap, for anything that still reaches them.)
 */
export function webhookPath(target: string | undefined): string | null {
  if (!target) return null;
  const query = target.indexOf("?");
  const pathname = query === -1 ? target : target.slice(0, query);
  if (WEBHOOK_PATHS.has(pathname)) return pathname;
  let p = pathname;
  try {
    if (!p.startsWith("/")) p = new URL(p).pathname; // absolute-form target (POST http://host/path)
    p = new URL(p.replace(/\/{2,}/g, "/"), "http://door.invalid").pathname; // resolves dot segments
    p = decodeURIComponent(p);
  } catch {
    return null; // not a URL, or malformed percent-encoding: Remix refuses it too
  }
  p = p
    .toLowerCase()
    .replace(/\/{2,}/g, "/")
    .replace(/\/+$/, "");
  return WEBHOOK_PATHS.has(p) ? p : null;
}

/** Headers worth keeping with the receipt (for replay and audit); the HMAC is kept too. */
const KEPT_HEADERS = /^x-shopify-|^content-type$|^user-agent$/i;

/** Shopify's payloads are far smaller; anything bigger is not a webhook we should buffer. */
export const MAX_WEBHOOK_BYTES = BODY_LIMITS.webhook;

/** Most receipts one transaction carries (keeps statements well under both databases' parameter limits). */
const MAX_BATCH = 200;

/**
 * Longest webhook id and topic stored. Both are indexed, and a header of a few kilobytes there fails
 * PostgreSQL's index, which fails the whole group commit (503 for every delivery in it). Shopify's are
 * a UUID and a topic name.
 */
export const MAX_WEBHOOK_KEY_LENGTH = 255;

export interface IncomingWebhook {
  /** The body exactly as received: the signature covers these bytes. */
  rawBody: Buffer | string;
  header: HeaderReader;
  headerEntries(): Iterable<[string, string]>;
}

export interface IngestAnswer {
  status: number;
  body: string;
  /** Seconds, for a 503 under overload. */
  retryAfter?: number;
}

export interface WebhookIngestDeps {
  db: Db;
  /** The app's API secret key (Shopify signs webhooks with it). */
  secret: string;
  /** Deliveries waiting for or in a commit before new ones get 503; WEBHOOK_MAX_PENDING by default. */
  maxPending?: number;
  /** Bytes of unauthenticated bodies being read at once; the process's budget by default. */
  bodyBudget?: BodyBudget;
}

export interface WebhookIngest {
  accept(webhook: IncomingWebhook): Promise<IngestAnswer>;
  /** The Remix routes' door. */
  receiveWebhook(request: Request): Promise<Response>;
  /** The production server's door: answers POSTs to WEBHOOK_PATHS and returns true, or returns false. */
  handleNodeRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** Deliveries verified and waiting for, or in, a commit. */
  readonly pending: number;
  /** Resolves once every receipt handed to the writer is committed or refused (for shutdown). */
  drain(): Promise<void>;
  /** Drains, then closes the ingest's own database connection. */
  close(): Promise<void>;
}

export function createWebhookIngest({
  db,
  secret,
  maxPending = env().WEBHOOK_MAX_PENDING,
  bodyBudget: budget = bodyBudget(),
}: WebhookIngestDeps): WebhookIngest {
  const store = createReceiptStore(db);
  const writer = new ReceiptWriter(store);
  let pending = 0;

  async function accept(webhook: IncomingWebhook): Promise<IngestAnswer> {
    if (pending >= maxPending) return BUSY;
    const check = verifyWebhook(secret, webhook.rawBody, webhook.header);
    if (!check.valid) {
      // Missing headers are a malformed request (400); a bad signature is unauthenticated (401).
      const missing = "missingHeaders" in check ? check.missingHeaders : null;
      return missing ? answer(400, `Missing webhook headers: ${missing.join(", ")}`) : answer(401, "Unauthorized");
    }
    if (check.webhookType !== "webhooks") return answer(400, "Unsupported webhook type");
    // Signed is not enough: the domain names the Shop row the worker creates (never echoed back).
    if (!isShopDomain(check.domain))
      return answer(400, "X-Shopify-Shop-Domain is not a shop domain (expected <shop>.myshopify.com)");

    // The library's form upper-cases the topic for its registry (ORDERS_CREATE); keep Shopify's own name.
    const topic = (webhook.header("x-shopify-topic") ?? check.topic).toLowerCase();
    if (check.webhookId.length > MAX_WEBHOOK_KEY_LENGTH)
      return answer(400, `X-Shopify-Webhook-Id is longer than ${MAX_WEBHOOK_KEY_LENGTH} characters`);
    if (topic.length > MAX_WEBHOOK_KEY_LENGTH)
      return answer(400, `X-Shopify-Topic is longer than ${MAX_WEBHOOK_KEY_LENGTH} characters`);

    const headers: Record<string, string> = {};
    for (const [name, value] of webhook.headerEntries()) {
      if (KEPT_HEADERS.test(name)) headers[name.toLowerCase()] = value;
    }
    const decoded = typeof webhook.rawBody === "string" ? webhook.rawBody : webhook.rawBody.toString("utf8");
    // PostgreSQL's text cannot hold NUL (the commit would fail for every delivery in it), and no JSON
    // body contains one: replaced like undecodable bytes are, so the receipt is kept and fails visibly.
    const rawBody = decoded.includes("\u0000") ? decoded.replaceAll("\u0000", "\uFFFD") : decoded;
    pending += 1;
    try {
      const outcome = await writer.write({
        id: crypto.randomUUID(), // made here so the receipt's job can name it in the same batch
        webhookId: check.webhookId,
        shopDomain: check.domain,
        topic,
        apiVersion: check.apiVersion,
        eventId: check.eventId ?? null,
        triggeredAt: parseTime(check.triggeredAt),
        headers,
        rawBody,
      });
      if (outcome === "duplicate") return answer(200, "Duplicate delivery ignored"); // Shopify re-sent one we hold
    } catch (error) {
      // The database is unavailable: answer 5xx so Shopify retries the delivery later.
      logger.error({ topic: check.topic, shop: check.domain, err: errorMessage(error) }, "could not persist webhook");
      return answer(503, "Temporarily unavailable");
    } finally {
      pending -= 1;
    }
    wakeWorkers();
    return answer(200, "OK");
  }

  async function receiveWebhook(request: Request): Promise<Response> {
    if (request.method !== "POST") return text(answer(405, "Method not allowed"));
    if (pending >= maxPending) return text(BUSY); // before reading the body
    let rawBody: Buffer;
    try {
      rawBody = await readBody(request, MAX_WEBHOOK_BYTES, budget);
    } catch (refusal) {
      if (refusal instanceof Response) return refusal; // 413, or 503 when the body budget is spent
      throw refusal;
    }
    return text(
      await accept({
        rawBody,
        header: (name) => request.headers.get(name),
        headerEntries: () => request.headers.entries(),
      }),
    );
  }

  function handleNodeRequest(req: IncomingMessage, res: ServerResponse): boolean {
    if (req.method !== "POST") return false; // Remix answers the rest (405 from the routes)
    if (webhookPath(req.url) === null) return false;
    if (pending >= maxPending) {
      leaveUnread(req); // answered before reading the body, which is never read
      send(res, BUSY);
      return true;
    }
    readNodeBody(req, MAX_WEBHOOK_BYTES, budget, (rawBody, refusal) => {
      if (refusal) return send(res, refusal);
      if (!rawBody) return; // the client went away
      const incoming: IncomingWebhook = {
        rawBody,
        header: (name) => {
          const value = req.headers[name.toLowerCase()];
          return Array.isArray(value) ? value.join(", ") : value;
        },
        headerEntries: () => nodeHeaderEntries(req),
      };
      accept(incoming).then(
        (a) => send(res, a),
        (error: unknown) => {
          logger.error({ err: errorMessage(error) }, "webhook ingest failed");
          send(res, answer(500, "Internal error"));
        },
      );
    });
    return true;
  }

  return {
    accept,
    receiveWebhook,
    handleNodeRequest,
    get pending() {
      return pending;
    },
    drain: () => writer.drain(),
    close: async () => {
      await writer.drain();
      await store.close();
    },
  };
}

interface PendingReceipt {
  row: ReceiptRow;
  resolve(outcome: "stored" | "duplicate"): void;
  reject(error: unknown): void;
}

/**
 * Group commit: the first receipt commits at once; receipts that arrive meanwhile wait for that
 * commit and then go together, each receipt with its job, in one transaction.
 */
class ReceiptWriter {
  private queue: PendingReceipt[] = [];
  private running: Promise<void> | null = null;

  constructor(private readonly store: ReceiptStore) {}

  write(row: ReceiptRow): Promise<"stored" | "duplicate"> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      this.running ??= this.run();
    });
  }

  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commit(this.queue.splice(0, MAX_BATCH));
    } finally {
      this.running = null;
    }
  }

  private async commit(batch: PendingReceipt[]): Promise<void> {
    // A webhook id twice in one batch: the first is written, the others are duplicates of it.
    const first = new Map<string, PendingReceipt>();
    const repeats: PendingReceipt[] = [];
    for (const p of batch) {
      if (first.has(p.row.webhookId)) repeats.push(p);
      else first.set(p.row.webhookId, p);
    }
    const unique = [...first.values()];
    let stored: Set<string>;
    try {
      stored = await this.store.insert(unique.map((p) => p.row));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    for (const p of unique) p.resolve(stored.has(p.row.webhookId) ? "stored" : "duplicate");
    for (const p of repeats) p.resolve("duplicate");
  }
}

function* nodeHeaderEntries(req: IncomingMessage): Iterable<[string, string]> {
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) yield [name, Array.isArray(value) ? value.join(", ") : value];
  }
}

function answer(status: number, body: string): IngestAnswer {
  return { status, body };
}

/** Overloaded: too many deliveries wait for a commit. Shopify retries a 5xx later. */
const BUSY: IngestAnswer = {
  status: 503,
  body: "Too many webhooks in progress; retry later",
  retryAfter: BUSY_RETRY_AFTER_SECONDS,
};

function text(a: IngestAnswer): Response {
  const headers: Record<string, string> = { "Content-Type": "text/plain" };
  if (a.retryAfter) headers["Retry-After"] = String(a.retryAfter);
  return new Response(a.body, { status: a.status, headers });
}

function send(res: ServerResponse, a: IngestAnswer | BodyRefusal): void {
  if (res.headersSent || res.destroyed) return;
  const body = "body" in a ? a.body : a.message;
  res.writeHead(a.status, {
    "Content-Type": "text/plain",
    "Content-Length": Buffer.byteLength(body),
    ...(a.retryAfter ? { "Retry-After": String(a.retryAfter) } : {}),
  });
  res.end(body);
}

/** X-Shopify-Triggered-At, or null when absent, unreadable or outside four-digit years (which PostgreSQL's timestamp refuses). */
function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const year = d.getUTCFullYear();
  return year >= 1970 && year <= 9999 ? d : null;
}
