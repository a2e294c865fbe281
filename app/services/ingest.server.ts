// Webhook ingestion: verify the HMAC on the raw body with Shopify's library, persist the raw receipt
// and enqueue its processing in ONE transaction, answer at once. Nothing is parsed here: a payload
// we cannot read is still kept, and fails visibly in the worker (receipt status "failed").
import crypto from "node:crypto";
import type { WebhookValidation } from "@shopify/shopify-api";
import { prismaErrorCode, type Db } from "../db.server";
import { errorMessage, logger } from "./logger.server";
import { jobData } from "./queue.server";
import { wakeWorkers } from "./worker.server";

export type ValidateWebhook = (args: { rawBody: string; rawRequest: Request }) => Promise<WebhookValidation>;

export const PROCESS_RECEIPT = "webhook.process";

/** Headers worth keeping with the receipt (for replay and audit); the HMAC is kept too. */
const KEPT_HEADERS = /^x-shopify-|^content-type$|^user-agent$/i;

export interface WebhookReceiverDeps {
  db: Db;
  validate: ValidateWebhook;
}

export function createWebhookReceiver({ db, validate }: WebhookReceiverDeps) {
  return async function receiveWebhook(request: Request): Promise<Response> {
    if (request.method !== "POST") return text(405, "Method not allowed");
    const rawBody = await request.text();
    const check = await validate({ rawBody, rawRequest: request });
    if (!check.valid) {
      // Missing headers are a malformed request (400); a bad signature is unauthenticated (401).
      const missing = "missingHeaders" in check ? check.missingHeaders : null;
      return missing ? text(400, `Missing webhook headers: ${missing.join(", ")}`) : text(401, "Unauthorized");
    }
    if (check.webhookType !== "webhooks") return text(400, "Unsupported webhook type");

    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      if (KEPT_HEADERS.test(name)) headers[name.toLowerCase()] = value;
    });
    const triggeredAt = parseTime(check.triggeredAt ?? request.headers.get("x-shopify-triggered-at"));
    try {
      // One batched transaction (cheaper than an interactive one on the hot path): the receipt's id
      // is made here so its job can name it.
      const receiptId = crypto.randomUUID();
      await db.$transaction([
        db.webhookReceipt.create({
          data: {
            id: receiptId,
            webhookId: check.webhookId,
            shopDomain: check.domain,
            // The library upper-cases the topic for its registry (ORDERS_CREATE); keep Shopify's own name.
            topic: (request.headers.get("x-shopify-topic") ?? check.topic).toLowerCase(),
            apiVersion: check.apiVersion,
            eventId: check.eventId ?? null,
            triggeredAt,
            headers,
            rawBody,
          },
          select: { id: true },
        }),
        db.job.create({ data: jobData({ kind: PROCESS_RECEIPT, payload: { receiptId }, shopDomain: check.domain }), select: { id: true } }),
      ]);
    } catch (error) {
      if (prismaErrorCode(error) === "P2002") {
        return text(200, "Duplicate delivery ignored"); // Shopify re-sent a webhook we already hold
      }
      // The database is unavailable: answer 5xx so Shopify retries the delivery later.
      logger.error({ topic: check.topic, shop: check.domain, err: errorMessage(error) }, "could not persist webhook");
      return text(503, "Temporarily unavailable");
    }
    wakeWorkers();
    return text(200, "OK");
  };
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain" } });
}

function parseTime(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
