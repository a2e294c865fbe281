// Delivery reports through the real routes, on every database provider:
// - Twilio's status callbacks, signed as Twilio signs them (twilio.getExpectedTwilioSignature over the public
//   URL and the form parameters) with the sending account's auth token;
// - SendGrid's Event Webhook, signed as SendGrid signs it: ECDSA P-256 over timestamp + raw body with SHA-256,
//   a base64 DER signature, and the public key as base64 DER (SPKI), as Mail Settings shows it. The keys
//   are generated here; verification goes through @sendgrid/eventwebhook.
import crypto from "node:crypto";
import { EventWebhookHeader } from "@sendgrid/eventwebhook";
import twilio from "twilio";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { NOTIFICATION_ARG, SHOP_ARG } from "~/notifications/providers/sendgrid.server";
import { action as sendgridAction, loader as sendgridLoader } from "~/routes/webhooks.sendgrid";
import { action as twilioStatusAction, loader as twilioStatusLoader } from "~/routes/webhooks.twilio.status";
import { encryptSecret } from "~/lib/crypto.server";
import { handleSendGridEvents } from "~/notifications/reports.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fakeSid } from "../support/fake-twilio";

// The app's own accounts (read by env() on the first request of this file).
const APP_SID = fakeSid("AC");
const APP_TOKEN = "app-auth-token-0123456789abcdef";
const APP_FROM = "+15005550006";
const appKeys = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const shopKeys = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const otherKeys = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
const sendGridKey = (k: crypto.KeyObject) => k.export({ type: "spki", format: "der" }).toString("base64");
process.env.TWILIO_ACCOUNT_SID = APP_SID;
process.env.TWILIO_AUTH_TOKEN = APP_TOKEN;
process.env.TWILIO_FROM = APP_FROM;
process.env.SENDGRID_WEBHOOK_VERIFICATION_KEY = sendGridKey(appKeys.publicKey);

const STATUS_URL = `${process.env.SHOPIFY_APP_URL}/webhooks/twilio/status`;
const INTERNAL_STATUS_URL = "http://localhost:3000/webhooks/twilio/status"; // what the app sees behind the tunnel
const SHOP_SID = fakeSid("AC");
const SHOP_TOKEN = "shop-auth-token-fedcba9876543210";
const SHOP_NUMBER = "+15005550001";
const CUSTOMER = "+14155552671";

function statusCallback(
  params: Record<string, string>,
  opts: { token: string; signature?: string | null } = { token: APP_TOKEN },
): Request {
  const signature =
    opts.signature === undefined ? twilio.getExpectedTwilioSignature(opts.token, STATUS_URL, params) : opts.signature;
  return new Request(INTERNAL_STATUS_URL, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(signature ? { "X-Twilio-Signature": signature } : {}),
    },
    body: new URLSearchParams(params).toString(),
  });
}

function smsStatus(sid: string, status: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MessageSid: sid,
    SmsSid: sid,
    MessageStatus: status,
    SmsStatus: status,
    AccountSid: APP_SID,
    From: APP_FROM,
    To: CUSTOMER,
    ApiVersion: "2010-04-01",
    ...extra,
  };
}

/** A SendGrid Event Webhook post, signed with `key` over timestamp + body (or with the given headers). */
function eventPost(
  events: unknown,
  opts: { key?: crypto.KeyObject; body?: string; signedBody?: string; headers?: Record<string, string> | null } = {},
): Request {
  const body = opts.body ?? JSON.stringify(events);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = crypto
    .sign("sha256", Buffer.from(timestamp + (opts.signedBody ?? body)), opts.key ?? appKeys.privateKey)
    .toString("base64");
  const headers =
    opts.headers === null
      ? {}
      : (opts.headers ?? { [EventWebhookHeader.SIGNATURE()]: signature, [EventWebhookHeader.TIMESTAMP()]: timestamp });
  return new Request("http://localhost:3000/webhooks/sendgrid", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });
}

const post = (request: Request, route: typeof twilioStatusAction) => route({ request, params: {}, context: {} });

describe.each(providers)("delivery reports (%s)", (provider) => {
  let t: TestDb;
  let db: Db;
  let shopA: string; // sends through the app's accounts
  let shopC: string; // its own Twilio account and SendGrid Event Webhook key
  let orderA: string;
  let orderC: string;
  const TS = 1_790_000_000; // SendGrid's event time (seconds)

  beforeEach(async () => {
    t = await freshDb(provider);
    db = t.db;
    globalThis.__waypointDb = db;
    shopA = (await db.shop.create({ data: { domain: "a.myshopify.com" } })).id;
    shopC = (
      await db.shop.create({
        data: {
          domain: "c.myshopify.com",
          twilioAccountSidEnc: encryptSecret(SHOP_SID),
          twilioAuthTokenEnc: encryptSecret(SHOP_TOKEN),
          twilioFromNumber: SHOP_NUMBER,
          sendgridWebhookKeyEnc: encryptSecret(sendGridKey(shopKeys.publicKey)),
        },
      })
    ).id;
    const order = (shopId: string) =>
      db.order.create({
        data: {
          shopId,
          shopifyId: `${shopId}-1`,
          name: "#1001",
          orderNumber: 1001,
          processedAt: new Date(),
          factsAt: new Date(),
        },
      });
    orderA = (await order(shopA)).id;
    orderC = (await order(shopC)).id;
  });
  afterEach(async () => {
    globalThis.__waypointDb = undefined;
    await t.drop();
  });

  async function sentMessage(
    shopId: string,
    orderId: string,
    channel: "sms" | "email",
    providerMessageId: string,
    milestone = "shipped",
  ) {
    return db.notification.create({
      data: {
        shopId,
        orderId,
        channel,
        milestone,
        idempotencyKey: `${orderId}:${milestone}:${channel}`,
        status: "sent",
        sentAt: new Date(),
        provider: channel === "sms" ? "twilio" : "sendgrid",
        providerMessageId,
        recipient: channel === "sms" ? CUSTOMER : "alex@example.com",
      },
    });
  }

  const delivery = async (id: string) =>
    db.notification.findUniqueOrThrow({
      where: { id },
      select: { deliveryStatus: true, deliveryError: true, deliveryUpdatedAt: true, status: true },
    });

  describe("POST /webhooks/twilio/status", () => {
    it("records the status on the SMS with that MessageSid; repeats and late, older statuses change nothing", async () => {
      const sid = fakeSid("SM");
      const n = await sentMessage(shopA, orderA, "sms", sid);
      expect((await post(statusCallback(smsStatus(sid, "sent")), twilioStatusAction)).status).toBe(200);
      expect(await delivery(n.id)).toMatchObject({ deliveryStatus: "sent", deliveryError: null, status: "sent" });

      expect((await post(statusCallback(smsStatus(sid, "delivered")), twilioStatusAction)).status).toBe(200);
      const delivered = await delivery(n.id);
      expect(delivered.deliveryStatus).toBe("delivered");
      expect(delivered.deliveryUpdatedAt).toBeInstanceOf(Date);

      // Twilio retries, and "queued"/"sent" may arrive after "delivered": the final status stays, untouched.
      for (const late of ["delivered", "sent", "queued", "undelivered"]) {
        expect(
          (
            await post(
              statusCallback(smsStatus(sid, late, late === "undelivered" ? { ErrorCode: "30003" } : {})),
              twilioStatusAction,
            )
          ).status,
        ).toBe(200);
      }
      expect(await delivery(n.id)).toEqual(delivered);
    });

    it("undelivered carries Twilio's error code in words, and stays final", async () => {
      const sid = fakeSid("SM");
      const n = await sentMessage(shopA, orderA, "sms", sid);
      // Out of order from the start: the outcome first, then the earlier steps.
      await post(statusCallback(smsStatus(sid, "undelivered", { ErrorCode: "30003" })), twilioStatusAction);
      await post(statusCallback(smsStatus(sid, "sent")), twilioStatusAction);
      await post(statusCallback(smsStatus(sid, "delivered")), twilioStatusAction);
      expect(await delivery(n.id)).toMatchObject({
        deliveryStatus: "undelivered",
        deliveryError: "Twilio 30003: unreachable handset (off or out of coverage)",
      });
    });

    it("a forged or unsigned callback is refused with 403 and changes nothing", async () => {
      const sid = fakeSid("SM");
      const n = await sentMessage(shopA, orderA, "sms", sid);
      expect(
        (await post(statusCallback(smsStatus(sid, "undelivered"), { token: "not-the-token" }), twilioStatusAction))
          .status,
      ).toBe(403);
      expect(
        (
          await post(
            statusCallback(smsStatus(sid, "undelivered"), { token: APP_TOKEN, signature: null }),
            twilioStatusAction,
          )
        ).status,
      ).toBe(403);
      // Signed for other parameters than those sent.
      const signedForOther = twilio.getExpectedTwilioSignature(APP_TOKEN, STATUS_URL, smsStatus(sid, "delivered"));
      expect(
        (
          await post(
            statusCallback(smsStatus(sid, "undelivered"), { token: APP_TOKEN, signature: signedForOther }),
            twilioStatusAction,
          )
        ).status,
      ).toBe(403);
      expect((await delivery(n.id)).deliveryStatus).toBeNull();
    });

    it("a shop's own account is checked with that shop's auth token, not the app's", async () => {
      const sid = fakeSid("SM");
      const n = await sentMessage(shopC, orderC, "sms", sid);
      const params = smsStatus(sid, "delivered", { AccountSid: SHOP_SID, From: SHOP_NUMBER });
      expect((await post(statusCallback(params, { token: APP_TOKEN }), twilioStatusAction)).status).toBe(403);
      expect((await delivery(n.id)).deliveryStatus).toBeNull();
      expect((await post(statusCallback(params, { token: SHOP_TOKEN }), twilioStatusAction)).status).toBe(200);
      expect((await delivery(n.id)).deliveryStatus).toBe("delivered");
    });

    it("a valid callback for a message we do not know is acknowledged (no retries) and changes nothing; a forged one is still 403", async () => {
      const n = await sentMessage(shopA, orderA, "sms", fakeSid("SM"));
      const unknown = fakeSid("SM");
      expect((await post(statusCallback(smsStatus(unknown, "delivered")), twilioStatusAction)).status).toBe(200);
      expect(
        (
          await post(
            statusCallback(smsStatus(unknown, "delivered", { AccountSid: SHOP_SID, From: SHOP_NUMBER }), {
              token: SHOP_TOKEN,
            }),
            twilioStatusAction,
          )
        ).status,
      ).toBe(200);
      expect(
        (await post(statusCallback(smsStatus(unknown, "delivered"), { token: "forged" }), twilioStatusAction)).status,
      ).toBe(403);
      expect((await delivery(n.id)).deliveryStatus).toBeNull();
    });

    it("GET is not allowed", () => {
      expect(twilioStatusLoader().status).toBe(405);
    });
  });

  describe("POST /webhooks/sendgrid", () => {
    const ev = (
      notificationId: string,
      event: string,
      extra: Record<string, unknown> = {},
      shop = "a.myshopify.com",
    ) => ({
      email: "alex@example.com",
      timestamp: TS,
      event,
      sg_event_id: crypto.randomUUID(),
      sg_message_id: "unused.filter0001.1.0",
      [NOTIFICATION_ARG]: notificationId,
      [SHOP_ARG]: shop,
      ...extra,
    });

    it("records a signed batch, out of order inside it; repeats change nothing; an open after delivery is recorded", async () => {
      const n = await sentMessage(shopA, orderA, "email", "msgA");
      const batch = [
        ev(n.id, "delivered", { timestamp: TS + 5, response: "250 OK" }),
        ev(n.id, "processed"),
        ev(n.id, "deferred", { timestamp: TS + 2, response: "421 later" }),
      ];
      expect((await post(eventPost(batch), sendgridAction)).status).toBe(200);
      const delivered = await delivery(n.id);
      expect(delivered).toMatchObject({
        deliveryStatus: "delivered",
        deliveryError: null,
        deliveryUpdatedAt: new Date((TS + 5) * 1000),
      });

      // SendGrid retries a batch: the same batch again is harmless.
      expect((await post(eventPost(batch), sendgridAction)).status).toBe(200);
      expect(await delivery(n.id)).toEqual(delivered);

      // A bounce after delivered is a late contradiction: delivered is final (app/notifications/rules/delivery-status.ts).
      await post(
        eventPost([ev(n.id, "bounce", { timestamp: TS + 9, type: "bounce", reason: "550 no such user" })]),
        sendgridAction,
      );
      expect(await delivery(n.id)).toEqual(delivered);

      await post(
        eventPost([ev(n.id, "open", { timestamp: TS + 60 }), ev(n.id, "click", { timestamp: TS + 70 })]),
        sendgridAction,
      );
      expect(await delivery(n.id)).toMatchObject({
        deliveryStatus: "opened",
        deliveryUpdatedAt: new Date((TS + 60) * 1000),
      });
    });

    it("a bounce is recorded with its reason (no address), and nothing overrides it; deferred never overrides delivered", async () => {
      const bounced = await sentMessage(shopA, orderA, "email", "msgB", "shipped");
      const ok = await sentMessage(shopA, orderA, "email", "msgC", "delivered");
      await post(
        eventPost([
          ev(bounced.id, "deferred", { response: "421 4.7.0 try again later" }),
          ev(bounced.id, "bounce", {
            timestamp: TS + 3,
            type: "bounce",
            status: "5.1.1",
            reason: "550 5.1.1 <alex@example.com>: user unknown",
          }),
          ev(ok.id, "delivered", { timestamp: TS + 1 }),
          ev(ok.id, "deferred", { timestamp: TS + 2, response: "421 later" }),
        ]),
        sendgridAction,
      );
      expect(await delivery(bounced.id)).toMatchObject({
        deliveryStatus: "bounced",
        deliveryError: "bounce 5.1.1: 550 5.1.1 <[address]>: user unknown",
      });
      expect((await delivery(ok.id)).deliveryStatus).toBe("delivered");
      await post(
        eventPost([ev(bounced.id, "delivered", { timestamp: TS + 9 }), ev(bounced.id, "open", { timestamp: TS + 10 })]),
        sendgridAction,
      );
      expect((await delivery(bounced.id)).deliveryStatus).toBe("bounced");
    });

    it("finds a message by SendGrid's message id when the event has no custom args", async () => {
      const n = await sentMessage(shopA, orderA, "email", "msgD");
      await post(
        eventPost([
          {
            email: "alex@example.com",
            timestamp: TS,
            event: "dropped",
            reason: "Bounced Address",
            sg_message_id: "msgD.filter0001.16648.5515E0B88.0",
          },
        ]),
        sendgridAction,
      );
      expect(await delivery(n.id)).toMatchObject({ deliveryStatus: "dropped", deliveryError: "Bounced Address" });
    });

    it("refuses a tampered, unsigned or wrongly signed batch with 403 and changes nothing", async () => {
      const n = await sentMessage(shopA, orderA, "email", "msgA");
      const honest = JSON.stringify([ev(n.id, "delivered")]);
      const tampered = JSON.stringify([ev(n.id, "bounce")]);
      expect((await post(eventPost(null, { body: tampered, signedBody: honest }), sendgridAction)).status).toBe(403);
      expect((await post(eventPost([ev(n.id, "bounce")], { headers: null }), sendgridAction)).status).toBe(403);
      expect((await post(eventPost([ev(n.id, "bounce")], { key: otherKeys.privateKey }), sendgridAction)).status).toBe(
        403,
      );
      expect(
        (
          await post(
            eventPost([ev(n.id, "bounce")], {
              headers: {
                [EventWebhookHeader.SIGNATURE()]: "bm90IGEgc2lnbmF0dXJl",
                [EventWebhookHeader.TIMESTAMP()]: "1",
              },
            }),
            sendgridAction,
          )
        ).status,
      ).toBe(403);
      expect((await delivery(n.id)).deliveryStatus).toBeNull();
    });

    it("events for messages we do not know, or not sent by SendGrid, are ignored with 200", async () => {
      const sms = await sentMessage(shopA, orderA, "sms", fakeSid("SM"));
      const res = await post(
        eventPost([ev("no-such-notification", "delivered"), ev(sms.id, "bounce"), { event: "delivered" }, "junk"]),
        sendgridAction,
      );
      expect(res.status).toBe(200);
      expect((await delivery(sms.id)).deliveryStatus).toBeNull();
    });

    it("a shop's own verification key speaks for that shop's messages only", async () => {
      const own = await sentMessage(shopC, orderC, "email", "msgOwn");
      const other = await sentMessage(shopA, orderA, "email", "msgOther");
      const batch = [ev(own.id, "delivered", {}, "c.myshopify.com"), ev(other.id, "bounce", {}, "c.myshopify.com")];
      expect((await post(eventPost(batch, { key: shopKeys.privateKey }), sendgridAction)).status).toBe(200);
      expect((await delivery(own.id)).deliveryStatus).toBe("delivered");
      expect((await delivery(other.id)).deliveryStatus).toBeNull();
    });

    it("with no verification key for the account, every batch is refused, signed or not", async () => {
      const n = await sentMessage(shopA, orderA, "email", "msgA");
      const res = await handleSendGridEvents(db, eventPost([ev(n.id, "delivered")]), { appKey: null });
      expect(res.status).toBe(403);
      expect((await delivery(n.id)).deliveryStatus).toBeNull();
    });

    it("GET is not allowed", () => {
      expect(sendgridLoader().status).toBe(405);
    });
  });
});
