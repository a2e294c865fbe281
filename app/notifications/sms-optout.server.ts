// SMS opt-out: Twilio's inbound-message webhook records STOP (and its synonyms) as SmsOptOut rows and
// removes them on START. The request's signature is checked with the auth token of the account the
// number belongs to (a shop's own Twilio account, or the app's); a bad signature gets 403.
// Twilio itself answers the keyword (Advanced Opt-Out) and blocks its sender; we answer empty TwiML.
import twilio from "twilio";
import type { Db } from "../db.server";
import { env } from "../env.server";
import { normalizePhone } from "../lib/phone";
import { BODY_LIMITS, readText } from "../lib/body.server";
import { decryptSecret } from "../lib/crypto.server";
import { errorMessage, logger } from "../lib/logger.server";

/** Twilio's standard opt-out keywords (matched against the whole message, case-insensitively). */
export const OPT_OUT_KEYWORDS: ReadonlySet<string> = new Set([
  "STOP",
  "STOPALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "OPTOUT",
  "REVOKE",
]);
/** Twilio's standard opt-in keywords. */
export const OPT_IN_KEYWORDS: ReadonlySet<string> = new Set(["START", "UNSTOP", "YES"]);

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export type KeywordAction = "opt_out" | "opt_in";

/** What an inbound message asks for: the whole body (trimmed, any case, trailing punctuation ignored) is the keyword. */
export function keywordAction(body: string | null | undefined): KeywordAction | null {
  const word = (body ?? "")
    .trim()
    .replace(/[.!]+$/, "")
    .toUpperCase();
  if (OPT_OUT_KEYWORDS.has(word)) return "opt_out";
  if (OPT_IN_KEYWORDS.has(word)) return "opt_in";
  return null;
}

/** Whether this shop may not text this number (any sender: a STOP is honoured across the shop's numbers). */
export async function isOptedOut(db: Pick<Db, "smsOptOut">, shopId: string, phone: string): Promise<boolean> {
  const row = await db.smsOptOut.findFirst({ where: { shopId, phone }, select: { id: true } });
  return row !== null;
}

export async function recordOptOut(
  db: Pick<Db, "smsOptOut">,
  shopIds: readonly string[],
  phone: string,
  fromNumber = "",
): Promise<number> {
  for (const shopId of shopIds) {
    await db.smsOptOut.upsert({
      where: { shopId_phone_fromNumber: { shopId, phone, fromNumber } },
      create: { shopId, phone, fromNumber },
      update: {},
    });
  }
  return shopIds.length;
}

/** START to a number lifts the opt-out recorded for it (and any recorded without a sender). */
export async function removeOptOut(
  db: Pick<Db, "smsOptOut">,
  shopIds: readonly string[],
  phone: string,
  fromNumber = "",
): Promise<number> {
  const r = await db.smsOptOut.deleteMany({
    where: { shopId: { in: [...shopIds] }, phone, fromNumber: { in: [fromNumber, ""] } },
  });
  return r.count;
}

export interface InboundConfig {
  appAccountSid?: string | null;
  appAuthToken?: string | null;
  appFrom?: string | null;
  /** Public base URL of the app (Twilio signs the URL it called, not the one behind a proxy). */
  appUrl?: string | null;
  encryptionKey?: string;
}

export function inboundConfigFromEnv(): InboundConfig {
  const e = env();
  return {
    appAccountSid: e.TWILIO_ACCOUNT_SID,
    appAuthToken: e.TWILIO_AUTH_TOKEN,
    appFrom: e.TWILIO_FROM,
    appUrl: e.SHOPIFY_APP_URL,
  };
}

export interface Account {
  authToken: string;
  /** Shops whose messages this account sends: explicit (their own account) or found later (the app's). */
  shopIds: string[] | "app";
}

function twiml(): Response {
  return new Response(EMPTY_TWIML, { headers: { "Content-Type": "text/xml; charset=utf-8" } });
}

/** A refused Twilio callback (inbound or status): says what is wrong, never repeats what was sent. */
export function twilioForbidden(): Response {
  return new Response("Missing or invalid X-Twilio-Signature", {
    status: 403,
    headers: { "Content-Type": "text/plain; charset=utf-8" },
  });
}

/** The accounts that may own the number the message was sent to (also used by the SMS status callback). */
export async function candidateAccounts(
  db: Db,
  to: string,
  accountSid: string | null,
  config: InboundConfig,
): Promise<Account[]> {
  const accounts: Account[] = [];
  const shops = to
    ? await db.shop.findMany({
        where: { twilioFromNumber: to, twilioAccountSidEnc: { not: null }, twilioAuthTokenEnc: { not: null } },
        select: { id: true, twilioAccountSidEnc: true, twilioAuthTokenEnc: true },
      })
    : [];
  for (const shop of shops) {
    try {
      const sid = decryptSecret(shop.twilioAccountSidEnc!, config.encryptionKey);
      if (accountSid && sid !== accountSid) continue;
      accounts.push({ authToken: decryptSecret(shop.twilioAuthTokenEnc!, config.encryptionKey), shopIds: [shop.id] });
    } catch (error) {
      logger.warn({ shopId: shop.id, err: errorMessage(error) }, "cannot read a shop's Twilio credentials");
    }
  }
  if (config.appAuthToken && (!accountSid || accountSid === config.appAccountSid || to === config.appFrom)) {
    accounts.push({ authToken: config.appAuthToken, shopIds: "app" });
  }
  return accounts;
}

/** The URLs Twilio may have signed: the public app URL with this path, and the URL as received. */
export function signedUrls(request: Request, appUrl: string | null | undefined): string[] {
  const received = new URL(request.url);
  const urls: string[] = [];
  if (appUrl) {
    const base = new URL(appUrl);
    urls.push(`${base.origin}${received.pathname}${received.search}`);
  }
  urls.push(request.url);
  return [...new Set(urls)];
}

/** Shops that text through the app's own account and have texted this number. */
async function appAccountShopsFor(db: Db, phone: string): Promise<string[]> {
  const rows = await db.notification.findMany({
    where: { channel: "sms", recipient: phone, shop: { twilioAccountSidEnc: null } },
    select: { shopId: true },
    distinct: ["shopId"],
  });
  return rows.map((r) => r.shopId);
}

/** Twilio's inbound message webhook: validate, record STOP/START, answer empty TwiML. */
export async function handleTwilioInbound(
  db: Db,
  request: Request,
  config: InboundConfig = inboundConfigFromEnv(),
): Promise<Response> {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { Allow: "POST" } });
  const signature = request.headers.get("x-twilio-signature");
  if (!signature) return twilioForbidden();
  const params = Object.fromEntries(new URLSearchParams(await readText(request, BODY_LIMITS.twilio)));
  const to = params.To ?? "";
  const from = params.From ?? "";
  const accountSid = params.AccountSid ?? null;

  const urls = signedUrls(request, config.appUrl);
  const accounts = await candidateAccounts(db, to, accountSid, config);
  const account = accounts.find((a) => urls.some((url) => twilio.validateRequest(a.authToken, signature, url, params)));
  if (!account) {
    logger.warn({ accountSid }, "Twilio webhook with a bad signature refused");
    return twilioForbidden();
  }

  const action = keywordAction(params.Body);
  if (!action || !from) return twiml();
  const phone = normalizePhone(from) ?? from;
  const shopIds = account.shopIds === "app" ? await appAccountShopsFor(db, phone) : account.shopIds;
  if (action === "opt_out") {
    await recordOptOut(db, shopIds, phone, to);
    logger.info({ shops: shopIds.length }, "SMS opt-out recorded");
  } else {
    await removeOptOut(db, shopIds, phone, to);
    logger.info({ shops: shopIds.length }, "SMS opt-out lifted");
  }
  return twiml();
}
