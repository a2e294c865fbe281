// Webhook requests signed exactly as Shopify signs them, by the app's one signing module (held to the
// library's own test helper in tests/lib/shopify-signing.test.ts), with Shopify's headers.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { shopifyApi, ApiVersion } from "@shopify/shopify-api";
import "@shopify/shopify-api/adapters/web-api";
import { createWebhookIngest } from "~/ingest/door.server";
import { webhookHeaders } from "~/lib/shopify-signing.server";
import type { Db } from "~/db.server";

export const TEST_SHOP = "waypoint-demo.myshopify.com";
export const SECRET = process.env.SHOPIFY_API_SECRET ?? "test-api-secret";

export interface SignOptions {
  shop?: string;
  webhookId?: string;
  triggeredAt?: string;
  secret?: string;
  apiVersion?: string;
  /** Send this exact body instead of JSON.stringify(payload). */
  rawBody?: string;
  omitHeaders?: string[];
}

export function signedWebhook(topic: string, payload: unknown, opts: SignOptions = {}): Request {
  const body = opts.rawBody ?? JSON.stringify(payload);
  const delivery = {
    topic,
    shop: opts.shop ?? TEST_SHOP,
    apiVersion: opts.apiVersion ?? "2026-07",
    webhookId: opts.webhookId ?? crypto.randomUUID(),
    triggeredAt: opts.triggeredAt ?? new Date().toISOString(),
    eventId: crypto.randomUUID(),
  };
  const headers = webhookHeaders(delivery, body, opts.secret ?? SECRET);
  for (const h of opts.omitHeaders ?? []) delete headers[h];
  return new Request("https://waypoint.test/webhooks/tracking", { method: "POST", headers, body });
}

/** The real library's validator, configured like the app's. */
export const library = shopifyApi({
  apiKey: process.env.SHOPIFY_API_KEY ?? "test-api-key",
  apiSecretKey: SECRET,
  apiVersion: ApiVersion.July26,
  hostName: "waypoint.test",
  isEmbeddedApp: true,
  logger: { level: 0 },
});

const ingests = new WeakMap<Db, ReturnType<typeof createWebhookIngest>>();
/**
 * The app's webhook receiver (the Remix routes' door) on this database, with the test secret. One
 * per database: each ingest opens its own driver connection, which the database's drop() ends.
 */
export function receiverFor(db: Db) {
  let ingest = ingests.get(db);
  if (!ingest) ingests.set(db, (ingest = createWebhookIngest({ db, secret: SECRET })));
  return ingest.receiveWebhook;
}

const FIXTURES = path.resolve("scripts/simulator/payloads");
/** A fixture payload by file name (without .json). */
export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, `${name}.json`), "utf8")) as T;
}
