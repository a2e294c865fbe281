// Webhook verification on the ingest hot path: the same verdicts as @shopify/shopify-api's
// `webhooks.validate` (same header names, same order of checks, same result shape), computed with
// node:crypto. The library's validator goes through WebCrypto (a key import per call), its request
// abstraction and its logger: about 0.23 ms per webhook on this machine, more than a bare server
// spends on the whole request, so it alone would cap ingest below half the bare-HMAC ceiling.
// tests/lib/shopify-signing.test.ts holds this module to the library's verdicts case by case.
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  WEBHOOK_HEADER_NAMES,
  WebhookType,
  WebhookValidationErrorReason,
  type WebhookValidation,
} from "@shopify/shopify-api";

/** Reads one request header by its (case-insensitive) name. */
export type HeaderReader = (name: string) => string | null | undefined;

type Fields = Record<string, string>;

export function verifyWebhook(secret: string, rawBody: Buffer | string, header: HeaderReader): WebhookValidation {
  const webhookType = header(WEBHOOK_HEADER_NAMES[WebhookType.Events].hmac) ? WebhookType.Events : WebhookType.Webhooks;
  const names = WEBHOOK_HEADER_NAMES[webhookType];

  if (rawBody.length === 0) return { valid: false, reason: WebhookValidationErrorReason.MissingBody };
  const given = header(names.hmac);
  if (!given) return { valid: false, reason: WebhookValidationErrorReason.MissingHmac };
  if (!signatureMatches(secret, rawBody, given)) return { valid: false, reason: WebhookValidationErrorReason.InvalidHmac };

  const required = ["hmac", "topic", "domain", "apiVersion", "webhookId", ...(webhookType === WebhookType.Events ? ["eventId"] : [])] as const;
  const optional =
    webhookType === WebhookType.Events
      ? (["handle", "action", "resourceId", "triggeredAt"] as const)
      : (["subTopic", "name", "triggeredAt", "eventId"] as const);
  const fields: Fields = {};
  const missingHeaders: string[] = [];
  for (const key of required) {
    const headerName = (names as Record<string, string>)[key] as string;
    const value = header(headerName);
    if (value) fields[key] = value;
    else missingHeaders.push(headerName);
  }
  if (missingHeaders.length > 0) return { valid: false, reason: WebhookValidationErrorReason.MissingHeaders, missingHeaders };
  for (const key of optional) {
    const value = header((names as Record<string, string>)[key] as string);
    if (value) fields[key] = value;
  }
  // The library stores topics in its registry's form (orders/create → ORDERS_CREATE).
  fields.topic = (fields.topic as string).toUpperCase().replace(/\/|\./g, "_");
  return { valid: true, webhookType, ...fields } as unknown as WebhookValidation;
}

/** Base64 HMAC-SHA256 of the raw bytes with the app secret, compared as strings in constant time (as the library does). */
function signatureMatches(secret: string, rawBody: Buffer | string, given: string): boolean {
  const expected = Buffer.from(createHmac("sha256", secret).update(rawBody).digest("base64"));
  const received = Buffer.from(given);
  return received.length === expected.length && timingSafeEqual(received, expected);
}
