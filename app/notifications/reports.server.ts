// Delivery reports from the providers, onto the Notification they concern:
// - Twilio posts each SMS's status changes to its statusCallback (/webhooks/twilio/status), signed with the
//   auth token of the account that sent it (X-Twilio-Signature): the sending shop's own account, or the app's.
// - SendGrid's Event Webhook (/webhooks/sendgrid) posts batches of events, signed with ECDSA P-256 by the
//   sending account (X-Twilio-Email-Event-Webhook-Signature over timestamp + raw body). The verification key
//   is the app's (SENDGRID_WEBHOOK_VERIFICATION_KEY) or a shop's own (settings). No key, no events: unsigned
//   reports are never trusted.
// The status rules (which provider word means what, what may follow what) are pure: app/notifications/rules/delivery-status.ts.
// Reports are idempotent and arrive out of order: each write is a compare-and-set on the status read.
import crypto from "node:crypto";
import { EventWebhook, EventWebhookHeader } from "@sendgrid/eventwebhook";
import twilio from "twilio";
import type { Db } from "../db.server";
import { env } from "../env.server";
import {
  type DeliveryStatus,
  fromSendGridEvent,
  fromTwilioStatus,
  isNotDelivered,
  sendGridReason,
  shouldAdvance,
  twilioErrorText,
} from "./rules/delivery-status";
import { NOTIFICATION_ARG, SHOP_ARG } from "./providers/sendgrid.server";
import { BODY_LIMITS, readText } from "../lib/body.server";
import { decryptSecret } from "../lib/crypto.server";
import { errorMessage, logger } from "../lib/logger.server";
import {
  candidateAccounts,
  type InboundConfig,
  inboundConfigFromEnv,
  signedUrls,
  twilioForbidden,
} from "./sms-optout.server";

export const SENDGRID_EVENTS_PATH = "/webhooks/sendgrid";
/** Shops whose own verification keys are tried for one batch (a batch comes from one SendGrid account). */
const MAX_SHOP_KEYS_PER_BATCH = 5;

export interface DeliveryReport {
  status: DeliveryStatus;
  /** The provider's reason (no addresses); null for good news. */
  error: string | null;
  at: Date;
}

/**
 * Records a report on one notification if the rules let it advance (idempotent, monotonic).
 * A compare-and-set on the status it read, retried when a concurrent report won the race.
 */
export async function recordDelivery(
  db: Pick<Db, "notification">,
  n: { id: string; deliveryStatus: string | null },
  report: DeliveryReport,
): Promise<boolean> {
  let current = n.deliveryStatus;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!shouldAdvance(current, report.status)) return false;
    const r = await db.notification.updateMany({
      where: { id: n.id, deliveryStatus: current },
      data: { deliveryStatus: report.status, deliveryUpdatedAt: report.at, deliveryError: report.error },
    });
    if (r.count === 1) return true;
    const row = await db.notification.findUnique({ where: { id: n.id }, select: { deliveryStatus: true } });
    if (!row) return false;
    current = row.deliveryStatus;
  }
  return false;
}

function plain(status: number, body = ""): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
}

function methodNotAllowed(): Response {
  return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
}

// ---------------------------------------------------------------------------------------------------
// Twilio status callbacks
// ---------------------------------------------------------------------------------------------------

/**
 * Twilio's status callback for one SMS: validate the signature with the sending account's auth token,
 * then record the status on the notification with that MessageSid. Bad signature: 403, nothing changes.
 * A valid callback for a message we do not know (sent by another tool on the same account, or erased):
 * 200, so Twilio does not retry it, and logged.
 */
export async function handleTwilioStatus(
  db: Db,
  request: Request,
  config: InboundConfig = inboundConfigFromEnv(),
  now: () => Date = () => new Date(),
): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed();
  const signature = request.headers.get("x-twilio-signature");
  if (!signature) return twilioForbidden();
  const params = Object.fromEntries(new URLSearchParams(await readText(request, BODY_LIMITS.twilio)));
  const sid = params.MessageSid ?? params.SmsSid ?? "";
  const accountSid = params.AccountSid ?? null;

  const n = sid
    ? await db.notification.findFirst({
        where: { providerMessageId: sid, provider: "twilio" },
        select: {
          id: true,
          shopId: true,
          deliveryStatus: true,
          shop: { select: { twilioAccountSidEnc: true, twilioAuthTokenEnc: true } },
        },
      })
    : null;

  // The tokens that may have signed it: the sending shop's own account and the app's; for a message we do
  // not know, whichever account owns the sending number (as for inbound messages).
  const tokens: string[] = [];
  if (n) {
    const { twilioAccountSidEnc, twilioAuthTokenEnc } = n.shop;
    if (twilioAccountSidEnc && twilioAuthTokenEnc) {
      try {
        if (!accountSid || decryptSecret(twilioAccountSidEnc, config.encryptionKey) === accountSid)
          tokens.push(decryptSecret(twilioAuthTokenEnc, config.encryptionKey));
      } catch (error) {
        logger.warn({ shopId: n.shopId, err: errorMessage(error) }, "cannot read a shop's Twilio credentials");
      }
    }
    // The app's token only for the app's account: a shop's own account never speaks with it.
    if (config.appAuthToken && (!accountSid || !config.appAccountSid || accountSid === config.appAccountSid))
      tokens.push(config.appAuthToken);
  } else {
    tokens.push(...(await candidateAccounts(db, params.From ?? "", accountSid, config)).map((a) => a.authToken));
  }
  const urls = signedUrls(request, config.appUrl);
  if (!tokens.some((token) => urls.some((url) => twilio.validateRequest(token, signature, url, params)))) {
    logger.warn({ accountSid }, "Twilio status callback with a bad signature refused");
    return twilioForbidden();
  }

  if (!n) {
    logger.info(
      { messageSid: sid, status: params.MessageStatus },
      "Twilio status for a message we do not know: ignored",
    );
    return plain(200);
  }
  const status = fromTwilioStatus(params.MessageStatus ?? params.SmsStatus);
  if (!status) return plain(200);
  const error = isNotDelivered(status) ? twilioErrorText(params.ErrorCode) : null;
  const changed = await recordDelivery(db, n, { status, error, at: now() });
  if (changed && error) logger.info({ notificationId: n.id, status, error }, "SMS not delivered");
  return plain(200);
}

// ---------------------------------------------------------------------------------------------------
// SendGrid Event Webhook
// ---------------------------------------------------------------------------------------------------

export interface SendGridWebhookConfig {
  /** Verification key of the app's own SendGrid account (base64 DER, as Mail Settings shows it). */
  appKey?: string | null;
  encryptionKey?: string;
}

export function sendGridWebhookConfigFromEnv(): SendGridWebhookConfig {
  return { appKey: env().SENDGRID_WEBHOOK_VERIFICATION_KEY };
}

/** The key as SendGrid shows it: base64 of the DER (SPKI) public key; PEM armour and whitespace removed. */
export function normalizeVerificationKey(key: string): string {
  return key.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
}

/** Whether a pasted key is an ECDSA P-256 public key, the kind SendGrid signs its events with. */
export function isSendGridVerificationKey(key: string): boolean {
  try {
    const k = crypto.createPublicKey({
      key: Buffer.from(normalizeVerificationKey(key), "base64"),
      format: "der",
      type: "spki",
    });
    return k.asymmetricKeyType === "ec" && k.asymmetricKeyDetails?.namedCurve === "prime256v1";
  } catch {
    return false;
  }
}

interface VerificationKey {
  key: string;
  /** Events this key may speak for: any notification (the app's account) or one shop's. */
  scope: "app" | { shopId: string };
}

interface SendGridEvent {
  event?: unknown;
  timestamp?: unknown;
  sg_message_id?: unknown;
  [arg: string]: unknown;
}

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

/** Logged once per process for each account without a key: a misconfiguration, not an incident per batch. */
const reportedMissingKey = new Set<string>();
function reportMissingKey(account: string): void {
  if (reportedMissingKey.has(account)) return;
  reportedMissingKey.add(account);
  logger.error(
    { account },
    "SendGrid Event Webhook refused: no verification key is configured for this account (SENDGRID_WEBHOOK_VERIFICATION_KEY for the app's account, or the shop's setting). Unsigned delivery reports are never accepted: enable the Signed Event Webhook in SendGrid's Mail Settings and configure its verification key.",
  );
}

async function verificationKeys(
  db: Db,
  events: SendGridEvent[],
  config: SendGridWebhookConfig,
): Promise<VerificationKey[]> {
  const keys: VerificationKey[] = [];
  if (config.appKey) keys.push({ key: config.appKey, scope: "app" });
  const domains = [...new Set(events.map((e) => str(e[SHOP_ARG])).filter((d): d is string => d !== null))].slice(
    0,
    MAX_SHOP_KEYS_PER_BATCH,
  );
  if (domains.length > 0) {
    const shops = await db.shop.findMany({
      where: { domain: { in: domains }, sendgridWebhookKeyEnc: { not: null } },
      select: { id: true, sendgridWebhookKeyEnc: true },
    });
    for (const shop of shops) {
      try {
        keys.push({
          key: decryptSecret(shop.sendgridWebhookKeyEnc!, config.encryptionKey),
          scope: { shopId: shop.id },
        });
      } catch (error) {
        logger.warn({ shopId: shop.id, err: errorMessage(error) }, "cannot read a shop's SendGrid verification key");
      }
    }
  }
  if (keys.length === 0) reportMissingKey(domains.length === 1 ? domains[0]! : "app");
  return keys;
}

function verifies(key: string, body: string, signature: string, timestamp: string): boolean {
  const ew = new EventWebhook();
  try {
    return ew.verifySignature(ew.convertPublicKeyToECDSA(normalizeVerificationKey(key)), body, signature, timestamp);
  } catch {
    return false; // a malformed key or signature verifies nothing
  }
}

/** Our status for one event, and the notification it concerns (by our custom arg, else SendGrid's message id). */
async function applyEvent(
  db: Db,
  e: SendGridEvent,
  scope: VerificationKey["scope"],
  now: Date,
): Promise<"applied" | "unchanged" | "ignored"> {
  const status = fromSendGridEvent(str(e.event));
  if (!status) return "ignored";
  const id = str(e[NOTIFICATION_ARG]);
  const messageId = str(e.sg_message_id)?.split(".")[0] ?? null; // "<X-Message-Id>.filter...": the id we stored is its prefix
  const select = { id: true, shopId: true, channel: true, provider: true, deliveryStatus: true } as const;
  const n = id
    ? await db.notification.findUnique({ where: { id }, select })
    : messageId
      ? await db.notification.findFirst({ where: { providerMessageId: messageId, provider: "sendgrid" }, select })
      : null;
  if (!n || n.channel !== "email" || n.provider !== "sendgrid") return "ignored";
  if (scope !== "app" && scope.shopId !== n.shopId) return "ignored"; // a shop's key speaks for its own messages only
  const seconds = typeof e.timestamp === "number" ? e.timestamp : Number(str(e.timestamp));
  const at = Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : now;
  return (await recordDelivery(db, n, { status, error: sendGridReason(e), at })) ? "applied" : "unchanged";
}

/**
 * SendGrid's Event Webhook: verify the batch's signature with the sending account's key, then record each
 * event on its notification. Unsigned, badly signed, or no key to check with: 403 and nothing changes.
 * Events for notifications we do not know (other mail from the same account) are ignored with 200.
 * No timestamp window: SendGrid documents none and retries for a day, and a replayed batch changes nothing.
 */
export async function handleSendGridEvents(
  db: Db,
  request: Request,
  config: SendGridWebhookConfig = sendGridWebhookConfigFromEnv(),
  now: () => Date = () => new Date(),
): Promise<Response> {
  if (request.method !== "POST") return methodNotAllowed();
  const body = await readText(request, BODY_LIMITS.sendgrid);
  const signature = request.headers.get(EventWebhookHeader.SIGNATURE());
  const timestamp = request.headers.get(EventWebhookHeader.TIMESTAMP());

  // Parsed before it is trusted only to learn which shops' keys to try: nothing is written until a key verifies it.
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = null;
  }
  const events = Array.isArray(parsed)
    ? parsed.filter((e): e is SendGridEvent => typeof e === "object" && e !== null && !Array.isArray(e))
    : [];
  const keys = await verificationKeys(db, events, config);
  const key = signature && timestamp ? keys.find((k) => verifies(k.key, body, signature, timestamp)) : undefined;
  if (!key) {
    if (keys.length > 0)
      logger.warn(
        { signed: Boolean(signature && timestamp) },
        "SendGrid Event Webhook with a missing or bad signature refused",
      );
    return plain(403, `Missing or invalid signature (${EventWebhookHeader.SIGNATURE()})`);
  }
  if (!Array.isArray(parsed)) return plain(400, "Expected a JSON array of events");

  const counts = { applied: 0, unchanged: 0, ignored: 0 };
  const at = now();
  for (const e of events) counts[await applyEvent(db, e, key.scope, at)]++;
  logger.info({ events: events.length, ...counts }, "SendGrid events recorded");
  return plain(200);
}

/** What a merchant pastes into SendGrid's Event Webhook settings. */
export function sendGridEventsUrl(appUrl: string = env().SHOPIFY_APP_URL): string {
  return new URL(SENDGRID_EVENTS_PATH, appUrl).toString();
}
