// Signed pushes from tracking sources (/webhooks/carriers/<provider>/<token>): the token names the
// shop's connection, the source's own signature is checked with that connection's secret, and the
// raw body is stored as a WebhookReceipt with its processing job in one transaction before the 200:
// persist first, then work, with the receipts' retries, dead letters, replay and retention.
import crypto from "node:crypto";
import type { Db } from "../db.server";
import { prismaErrorCode } from "../db.server";
import { PROCESS_RECEIPT } from "../ingest/receipt-store.server";
import { enqueue } from "../jobs/queue.server";
import { readBody } from "../lib/body.server";
import { errorMessage, logger } from "../lib/logger.server";
import { PushSignatureError } from "./adapter";
import { adapterFor } from "./connection.server";
import { isSourceProvider } from "./rules/types";

/** A push is one tracker (EasyPost) or one number (17TRACK) with its history: well under this. */
export const PUSH_BODY_LIMIT = 2 * 1024 * 1024;
export const PUSH_TOPIC_PREFIX = "carrier/";

function plain(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", ...headers } });
}

export async function handleCarrierPush(db: Db, request: Request, provider: string, token: string): Promise<Response> {
  if (request.method !== "POST") return plain(405, "Method Not Allowed", { Allow: "POST" });
  if (!isSourceProvider(provider)) return plain(404, "Unknown tracking source");
  const connection = await db.trackingSource.findUnique({ where: { pushToken: token } });
  if (!connection || connection.provider !== provider) return plain(404, "Unknown tracking source connection");
  const raw = await readBody(request, PUSH_BODY_LIMIT);
  let id: string;
  try {
    id = adapterFor(connection).readPush(raw, request.headers).id;
  } catch (error) {
    if (error instanceof PushSignatureError) {
      logger.warn({ provider, shopId: connection.shopId, err: error.message }, "carrier push refused: bad signature");
      return plain(401, `Signature check failed: ${error.message}`);
    }
    if (error instanceof SyntaxError) return plain(400, "Body is not JSON");
    throw error;
  }
  const shop = await db.shop.findUnique({ where: { id: connection.shopId }, select: { domain: true } });
  if (!shop) return plain(404, "Unknown tracking source connection");
  const signature = request.headers.get(provider === "easypost" ? "x-hmac-signature" : "sign") ?? "";
  try {
    await db.$transaction(async (tx) => {
      const receipt = await tx.webhookReceipt.create({
        data: {
          webhookId: `${provider}:${id}`,
          shopDomain: shop.domain,
          topic: `${PUSH_TOPIC_PREFIX}${provider}`,
          headers: { signature },
          rawBody: raw.toString("utf8"),
          eventId: id,
        },
        select: { id: true },
      });
      await enqueue(tx, { kind: PROCESS_RECEIPT, payload: { receiptId: receipt.id }, shopDomain: shop.domain });
    });
  } catch (error) {
    if (prismaErrorCode(error) !== "P2002") {
      logger.error({ provider, err: errorMessage(error) }, "carrier push not stored");
      return plain(503, "Not stored; retry later", { "Retry-After": "5" });
    }
    // A redelivery of a push we hold: acknowledged, nothing stored twice.
  }
  return plain(200, "ok");
}

/** A stable id for a push that carries none of its own. */
export function bodyHash(raw: Buffer): string {
  return crypto.createHash("sha256").update(raw).digest("hex");
}
