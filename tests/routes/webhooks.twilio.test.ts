// Twilio's inbound-message webhook, signed the way Twilio signs (twilio.getExpectedTwilioSignature over
// the public URL and the form parameters), against a fresh database per provider.
import twilio from "twilio";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { action, loader } from "~/routes/webhooks.twilio";
import { encryptSecret } from "~/lib/crypto.server";
import { EMPTY_TWIML, keywordAction } from "~/notifications/sms-optout.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fakeSid } from "../support/fake-twilio";

// The app's own Twilio account (read by env() on the first request of this file).
const APP_SID = fakeSid("AC");
const APP_TOKEN = "app-auth-token-0123456789abcdef";
const APP_FROM = "+15005550006";
process.env.TWILIO_ACCOUNT_SID = APP_SID;
process.env.TWILIO_AUTH_TOKEN = APP_TOKEN;
process.env.TWILIO_FROM = APP_FROM;

const PUBLIC_URL = `${process.env.SHOPIFY_APP_URL}/webhooks/twilio`;
const INTERNAL_URL = "http://localhost:3000/webhooks/twilio"; // what the app sees behind the tunnel/proxy
const CUSTOMER = "+14155552671";
const SHOP_SID = fakeSid("AC");
const SHOP_TOKEN = "shop-auth-token-fedcba9876543210";
const SHOP_NUMBER = "+15005550001";

function inbound(
  params: Record<string, string>,
  opts: { token: string; signUrl?: string; signature?: string | null } = { token: APP_TOKEN },
): Request {
  const signature =
    opts.signature === undefined
      ? twilio.getExpectedTwilioSignature(opts.token, opts.signUrl ?? PUBLIC_URL, params)
      : opts.signature;
  return new Request(INTERNAL_URL, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(signature ? { "X-Twilio-Signature": signature } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
}

function message(body: string, extra: Partial<Record<string, string>> = {}): Record<string, string> {
  return {
    MessageSid: fakeSid("SM"),
    AccountSid: APP_SID,
    From: CUSTOMER,
    To: APP_FROM,
    Body: body,
    NumMedia: "0",
    ...extra,
  } as Record<string, string>;
}

async function post(request: Request): Promise<Response> {
  return action({ request, params: {}, context: {} });
}

describe("keywordAction", () => {
  it("matches Twilio's keywords as the whole message, in any case", () => {
    for (const w of ["STOP", " stop ", "Stop.", "STOPALL", "unsubscribe", "Cancel", "END", "quit"])
      expect(keywordAction(w)).toBe("opt_out");
    for (const w of ["START", "unstop", "Yes"]) expect(keywordAction(w)).toBe("opt_in");
    for (const w of ["please stop sending", "stopped", "", "where is my parcel?"]) expect(keywordAction(w)).toBeNull();
  });
});

describe.each(providers)("POST /webhooks/twilio (%s)", (provider) => {
  let t: TestDb;
  let db: Db;
  let shopA: string; // texts through the app's number and has texted the customer
  let shopB: string; // texts through the app's number, never texted the customer
  let shopC: string; // its own Twilio account and number

  beforeEach(async () => {
    t = await freshDb(provider);
    db = t.db;
    globalThis.__waypointDb = db;
    shopA = (await db.shop.create({ data: { domain: "a.myshopify.com" } })).id;
    shopB = (await db.shop.create({ data: { domain: "b.myshopify.com" } })).id;
    shopC = (
      await db.shop.create({
        data: {
          domain: "c.myshopify.com",
          twilioAccountSidEnc: encryptSecret(SHOP_SID),
          twilioAuthTokenEnc: encryptSecret(SHOP_TOKEN),
          twilioFromNumber: SHOP_NUMBER,
        },
      })
    ).id;
    for (const shopId of [shopA, shopC]) {
      const order = await db.order.create({
        data: {
          shopId,
          shopifyId: `${shopId}-1`,
          name: "#1001",
          orderNumber: 1001,
          phone: CUSTOMER,
          processedAt: new Date(),
          factsAt: new Date(),
        },
      });
      await db.notification.create({
        data: {
          shopId,
          orderId: order.id,
          channel: "sms",
          milestone: "shipped",
          idempotencyKey: `${shopId}:shipped:sms`,
          status: "sent",
          recipient: CUSTOMER,
        },
      });
    }
  });
  afterEach(async () => {
    globalThis.__waypointDb = undefined;
    await t.drop();
  });

  it("STOP to the app's number opts the customer out of the shops that texted them, signed over the public URL", async () => {
    const res = await post(inbound(message("STOP")));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(await res.text()).toBe(EMPTY_TWIML);
    const rows = await db.smsOptOut.findMany();
    expect(rows.map((r) => [r.shopId, r.phone, r.fromNumber])).toEqual([[shopA, CUSTOMER, APP_FROM]]);
    expect(rows.some((r) => r.shopId === shopB)).toBe(false);

    // Twilio retries a webhook: recording it again changes nothing.
    expect((await post(inbound(message("stop")))).status).toBe(200);
    expect(await db.smsOptOut.count()).toBe(1);
  });

  it("START lifts the opt-out", async () => {
    await post(inbound(message("Unsubscribe")));
    expect(await db.smsOptOut.count()).toBe(1);
    const res = await post(inbound(message("start")));
    expect(res.status).toBe(200);
    expect(await db.smsOptOut.count()).toBe(0);
  });

  it("refuses a bad or missing signature with 403 and records nothing", async () => {
    expect((await post(inbound(message("STOP"), { token: "not-the-token" }))).status).toBe(403);
    expect((await post(inbound(message("STOP"), { token: APP_TOKEN, signature: null }))).status).toBe(403);
    // Signed for other parameters than those sent.
    const signedForOther = twilio.getExpectedTwilioSignature(APP_TOKEN, PUBLIC_URL, message("START"));
    expect((await post(inbound(message("STOP"), { token: APP_TOKEN, signature: signedForOther }))).status).toBe(403);
    expect(await db.smsOptOut.count()).toBe(0);
  });

  it("a shop's own number is validated with that shop's auth token, not the app's", async () => {
    const params = message("STOP", { AccountSid: SHOP_SID, To: SHOP_NUMBER });
    expect((await post(inbound(params, { token: APP_TOKEN }))).status).toBe(403);
    expect(await db.smsOptOut.count()).toBe(0);
    expect((await post(inbound(params, { token: SHOP_TOKEN }))).status).toBe(200);
    const rows = await db.smsOptOut.findMany();
    expect(rows.map((r) => [r.shopId, r.phone, r.fromNumber])).toEqual([[shopC, CUSTOMER, SHOP_NUMBER]]);
  });

  it("any other message is acknowledged with empty TwiML and changes nothing", async () => {
    const res = await post(inbound(message("Where is my parcel?")));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(EMPTY_TWIML);
    expect(await db.smsOptOut.count()).toBe(0);
  });

  it("GET is not allowed", async () => {
    const res = loader();
    expect(res.status).toBe(405);
  });
});
