// The notification service end to end on every database provider: domain events → Notification rows →
// the real SendGrid / Twilio clients against local fakes (or the dev outbox), run by the real worker
// with a controllable clock. No sleeps: time moves when a test moves it.
import crypto from "node:crypto";
import type { Prisma } from "@prisma/client";
import { EventWebhookHeader } from "@sendgrid/eventwebhook";
import twilio from "twilio";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "~/db.server";
import { providersForShop, type ResolvedProviders } from "~/notifications/providers/index.server";
import { encryptSecret } from "~/lib/crypto.server";
import { handleSendGridEvents, handleTwilioStatus } from "~/notifications/reports.server";
import { approveDraft, discardDraft } from "~/notifications/drafts.server";
import { createNotificationHandlers, sweepOverdueNotifications } from "~/notifications/handlers.server";
import type { NotificationDeps, NotificationFacts } from "~/notifications/outbox.server";
import { previewTemplate, testSend } from "~/notifications/previews.server";
import { AUTO_RESEND_BY, IN_DOUBT } from "~/notifications/rules/in-doubt";
import { providerRetryDelay } from "~/notifications/rules/retry";
import { SEND_DEADLINE_MS } from "~/notifications/send.server";
import { resendCurrentStatusMessages, resendInDoubtMessages, sendPersonalUpdate } from "~/notifications/staff.server";
import { ORDER_CONFIRMED, type OrderConfirmedEvent } from "~/pipeline/orders.server";
import { enqueue } from "~/jobs/queue.server";
import { STAGE_CHANGED, type StageChangedEvent } from "~/pipeline/shipments.server";
import { verifyTrackingToken } from "~/storefront/tracking-links.server";
import { Worker } from "~/jobs/worker.server";
import { fromValues } from "~/intelligence/rules/histogram";
import { addBusinessDays, dayKey } from "~/lib/time";
import { freshDb, providers, type TestDb } from "../support/db";
import { type FakeSendGrid, mailSendRequests, startFakeSendGrid } from "../support/fake-sendgrid";
import { type FakeTwilio, messageCreateRequests, startFakeTwilio } from "../support/fake-twilio";

const T0 = new Date("2026-11-24T15:00:00Z"); // a Tuesday, 10:00 in New York
const HOUR = 3_600_000;
const CUSTOMER_EMAIL = "alex@example.com";
const CUSTOMER_PHONE = "+14155552671";
const SHOP_FROM_NUMBER = "+15005550006";
const TRACKING_NUMBER = "1Z999AA10123456784";

let clock = new Date(T0);
const now = () => clock;
const at = (iso: string) => {
  clock = new Date(iso);
};
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

let sg: FakeSendGrid;
let tw: FakeTwilio;
beforeAll(async () => {
  sg = await startFakeSendGrid();
  tw = await startFakeTwilio({ now });
});
afterAll(async () => {
  await sg.close();
  await tw.close();
});

function deps(extra: NotificationDeps = {}): NotificationDeps {
  return { providerConfig: { sendgridBaseUrl: sg.url, twilioBaseUrl: tw.url }, random: () => 0.5, ...extra };
}

/** Shop columns for "the merchant's own SendGrid and Twilio accounts". */
function ownAccounts(): Partial<Prisma.ShopUncheckedCreateInput> {
  return {
    sendgridApiKeyEnc: encryptSecret(sg.apiKey),
    senderEmail: "orders@acme.test",
    twilioAccountSidEnc: encryptSecret(tw.accountSid),
    twilioAuthTokenEnc: encryptSecret(tw.authToken),
    twilioFromNumber: SHOP_FROM_NUMBER,
  };
}

describe.each(providers)("notifications (%s)", (provider) => {
  let t: TestDb;
  let db: Db;

  beforeEach(async () => {
    clock = new Date(T0);
    sg.reset();
    tw.reset();
    t = await freshDb(provider);
    db = t.db;
  });
  afterEach(async () => {
    sg.reset(); // releases any request a "crashed" worker is still waiting on
    tw.reset();
    await t.drop();
  });

  function worker(d: NotificationDeps = deps(), client: Db = db): Worker {
    return new Worker(client, createNotificationHandlers(d), { now, leaseMs: 60_000 });
  }

  async function makeShop(data: Partial<Prisma.ShopUncheckedCreateInput> = {}) {
    return db.shop.create({
      data: {
        domain: "acme.myshopify.com",
        name: "Acme",
        primaryDomain: "shop.acme.test",
        timezone: "America/New_York",
        contactEmail: "help@acme.test",
        ...data,
      },
    });
  }

  async function makeOrder(shopId: string, data: Partial<Prisma.OrderUncheckedCreateInput> = {}) {
    return db.order.create({
      data: {
        shopId,
        shopifyId: String(Math.floor(Math.random() * 1e12)),
        name: "#1001",
        orderNumber: 1001,
        email: CUSTOMER_EMAIL,
        phone: CUSTOMER_PHONE,
        customerFirstName: "Alex",
        customerTimezone: "America/New_York",
        customerLocale: "en",
        smsConsent: true,
        shipCountry: "US",
        processedAt: new Date(T0.getTime() - 24 * HOUR),
        factsAt: new Date(T0.getTime() - 24 * HOUR),
        ...data,
      },
    });
  }

  async function makeShipment(
    shopId: string,
    orderId: string,
    data: Partial<Prisma.ShipmentUncheckedCreateInput> = {},
  ) {
    return db.shipment.create({
      data: {
        shopId,
        orderId,
        kind: "outbound",
        name: "#1001.1",
        carrier: "UPS",
        carrierCode: "ups",
        trackingNumbers: [TRACKING_NUMBER],
        trackingUrls: [`https://www.ups.com/track?tracknum=${TRACKING_NUMBER}`],
        primaryTracking: TRACKING_NUMBER,
        stage: 2,
        subStatus: "label_created",
        labelCreatedAt: new Date(T0.getTime() - HOUR),
        factsAt: new Date(T0.getTime() - HOUR),
        ...data,
      },
    });
  }

  async function scan(shopId: string, shipmentId: string, message: string, createdAt: Date, city = "Columbus") {
    await db.trackingEvent.create({
      data: {
        shopId,
        shipmentId,
        dedupeKey: `fe:${message}:${createdAt.getTime()}`,
        source: "fulfillment_event",
        status: "in_transit",
        message,
        happenedAt: new Date(createdAt.getTime() - 5 * 60_000),
        city,
        province: "OH",
        country: "US",
        createdAt,
      },
    });
  }

  function stageEvent(
    s: { id: string; shopId: string; orderId: string | null },
    from: [number | null, string | null],
    to: [number, string],
    extra: Partial<StageChangedEvent> = {},
  ): StageChangedEvent {
    return {
      shopId: s.shopId,
      shipmentId: s.id,
      orderId: s.orderId,
      kind: "outbound",
      transition: {
        fromStage: from[0],
        toStage: to[0],
        fromStatus: from[1],
        toStatus: to[1],
        at: clock.toISOString(),
        cause: `fulfillment_event:${to[1]}`,
      },
      delayed: false,
      delayStarted: false,
      ...extra,
    };
  }

  const shipped = (s: { id: string; shopId: string; orderId: string | null }) =>
    stageEvent(s, [null, null], [2, "label_created"]);

  async function emit(kind: string, payload: StageChangedEvent | OrderConfirmedEvent) {
    await enqueue(db, { kind, payload: { ...payload } as unknown as Prisma.InputJsonValue, runAfter: clock });
  }

  async function rows(where: Prisma.NotificationWhereInput = {}) {
    return db.notification.findMany({ where, orderBy: [{ createdAt: "asc" }, { channel: "asc" }] });
  }

  async function one(where: Prisma.NotificationWhereInput) {
    const found = await rows(where);
    expect(found).toHaveLength(1);
    return found[0]!;
  }

  // -----------------------------------------------------------------------------------------------

  it("order confirmed: one email with the estimated window and a signed link to the store's tracking page, never a tracking number", async () => {
    const shop = await makeShop();
    const order = await makeOrder(shop.id);
    await emit(ORDER_CONFIRMED, { shopId: shop.id, orderId: order.id });
    await worker().drain();

    const n = await one({ orderId: order.id });
    expect([n.channel, n.milestone, n.status, n.provider]).toEqual(["email", "order_confirmed", "sent", "dev-outbox"]);
    expect(n.idempotencyKey).toBe(`${order.id}:order_confirmed:email`);
    const facts = n.context as { estimatedWindow: { start: string; end: string; source: string } };
    expect(facts.estimatedWindow).toEqual({
      start: addBusinessDays(order.processedAt, 3).toISOString(),
      end: addBusinessDays(order.processedAt, 7).toISOString(),
      source: "default_3_7_business_days",
    });

    const [mail] = await db.outboxMessage.findMany();
    expect(mail!.to).toBe(CUSTOMER_EMAIL);
    expect(mail!.subject).toContain("#1001");
    const link = /https:\/\/shop\.acme\.test\/apps\/track\?token=[A-Za-z0-9_.-]+/.exec(mail!.text)?.[0];
    expect(link).toBeDefined();
    expect(mail!.html).toContain(link!);
    expect(verifyTrackingToken(new URL(link!).searchParams.get("token"), clock)).toEqual({
      shopDomain: shop.domain,
      orderId: order.id,
    });
    expect(mail!.text).not.toContain(TRACKING_NUMBER);

    // A pickup order is promised no delivery window.
    const pickup = await makeOrder(shop.id, { deliveryMethod: "local_pickup" });
    await emit(ORDER_CONFIRMED, { shopId: shop.id, orderId: pickup.id });
    await worker().drain();
    const pickupNote = await one({ orderId: pickup.id });
    expect((pickupNote.context as { estimatedWindow: unknown }).estimatedWindow).toBeNull();
    expect(pickupNote.bodyText ?? "").not.toMatch(/estimated delivery/i);

    // With a predicted window, that window is the one promised.
    const predicted = await makeOrder(shop.id, {
      predictedStart: new Date("2026-11-27T17:00:00Z"),
      predictedEnd: new Date("2026-11-30T17:00:00Z"),
    });
    await emit(ORDER_CONFIRMED, { shopId: shop.id, orderId: predicted.id });
    await worker().drain();
    const p = await one({ orderId: predicted.id });
    expect((p.context as { estimatedWindow: { source: string; start: string } }).estimatedWindow).toMatchObject({
      source: "order",
      start: "2026-11-27T17:00:00.000Z",
    });
    expect(p.bodyText).toMatch(/Nov 27/);
  });

  it("announces 'shipped earlier than expected' once, when the merchant turned it on and the order beat the usual processing time", async () => {
    const shop = await makeShop({ milestoneChannels: { shipped_early: { email: true } } });
    // The shop usually ships in about two days (30 orders); this order shipped after 23 hours.
    const usual = fromValues(Array.from({ length: 30 }, (_, i) => 44 + (i % 8)));
    await db.laneStat.create({
      data: {
        shopId: shop.id,
        metric: "processing_hours",
        day: dayKey(new Date(T0.getTime() - 3 * 24 * HOUR)),
        count: 30,
        sum: 0,
        histogram: { ...usual },
      },
    });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    await emit(STAGE_CHANGED, shipped(s));
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();
    const early = await one({ milestone: "shipped_early" });
    expect([early.channel, early.status]).toEqual(["email", "sent"]);

    // A shop that did not turn it on gets no such message.
    await db.shop.update({ where: { id: shop.id }, data: { milestoneChannels: {} } });
    const order2 = await makeOrder(shop.id, { phone: null, shopifyId: "999", name: "#1002", orderNumber: 1002 });
    await emit(STAGE_CHANGED, shipped(await makeShipment(shop.id, order2.id, { shopifyFulfillmentId: "f-2" })));
    await worker().drain();
    expect(await rows({ milestone: "shipped_early", orderId: order2.id })).toHaveLength(0);
  });

  it("with no credentials at all, the dev outbox captures every message (email and SMS)", async () => {
    const shop = await makeShop();
    const order = await makeOrder(shop.id);
    const s = await makeShipment(shop.id, order.id);
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();

    const [email, sms] = await rows();
    // Kept, not delivered: nothing reached the customer, so no delivery is reported (the admin says "Outbox only").
    expect([email!.channel, email!.status, email!.provider, email!.deliveryStatus]).toEqual([
      "email",
      "sent",
      "dev-outbox",
      null,
    ]);
    expect([sms!.channel, sms!.status, sms!.provider, sms!.deliveryStatus]).toEqual([
      "sms",
      "sent",
      "dev-outbox",
      null,
    ]);
    const outbox = await db.outboxMessage.findMany({ orderBy: { channel: "asc" } });
    expect(outbox.map((m) => [m.channel, m.to, m.notificationId])).toEqual([
      ["email", CUSTOMER_EMAIL, email!.id],
      ["sms", CUSTOMER_PHONE, sms!.id],
    ]);
    expect(outbox[0]!.html).toContain("https://shop.acme.test/apps/track?token=");
    expect(outbox[0]!.text).toContain(TRACKING_NUMBER); // shipped may show it (order_confirmed never does)
    expect(outbox[1]!.text).toContain("STOP"); // first SMS to this number carries the opt-out hint
    expect(sms!.providerMessageId).toBe(`outbox_${outbox[1]!.id}`);
    // The SMS carries the order's short link, and with it fits one GSM-7 segment.
    const code = (await db.order.findUniqueOrThrow({ where: { id: order.id } })).trackingCode;
    expect(outbox[1]!.text).toContain(`https://shop.acme.test/apps/track?c=${code}`);
    expect(sms!.segments).toBe(1);
  });

  it("sends through the shop's own SendGrid and Twilio accounts with the exact API requests", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id);
    const s = await makeShipment(shop.id, order.id);
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();

    const [email, sms] = await rows();
    const [mailReq] = mailSendRequests(sg);
    expect(mailReq!.headers.authorization).toBe(`Bearer ${sg.apiKey}`);
    const mail = JSON.parse(mailReq!.body) as Record<string, unknown>;
    expect(mail).toMatchObject({
      personalizations: [{ to: [{ email: CUSTOMER_EMAIL }] }],
      from: { email: "orders@acme.test", name: "Acme" },
      reply_to: { email: "help@acme.test" },
      subject: email!.subject,
      categories: ["waypoint", "shipped"],
      custom_args: { waypoint_notification_id: email!.id },
    });
    expect(mail.content).toEqual([
      { type: "text/plain", value: email!.bodyText },
      { type: "text/html", value: email!.bodyHtml },
    ]);
    expect([email!.status, email!.provider, email!.providerMessageId, email!.attempts]).toEqual([
      "sent",
      "sendgrid",
      "fakeSG1",
      1,
    ]);

    const [smsReq] = messageCreateRequests(tw);
    expect(smsReq!.path).toBe(`/2010-04-01/Accounts/${tw.accountSid}/Messages.json`);
    expect(smsReq!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${tw.accountSid}:${tw.authToken}`).toString("base64")}`,
    );
    expect(Object.fromEntries(smsReq!.form)).toMatchObject({
      To: CUSTOMER_PHONE,
      From: SHOP_FROM_NUMBER,
      Body: sms!.bodyText,
    });
    expect(sms!.bodyText).toMatch(/https:\/\/shop\.acme\.test\/apps\/track\?c=[0-9A-Za-z]{10}\b/);
    expect([sms!.status, sms!.provider, sms!.providerMessageId, sms!.segments]).toEqual([
      "sent",
      "twilio",
      tw.messages[0]!.sid,
      Number(tw.messages[0]!.num_segments),
    ]);
    expect([...sg.problems, ...tw.problems]).toEqual([]);
  });

  it("asks for delivery reports (Twilio status callback, SendGrid custom args), and the signed reports land on the messages", async () => {
    const APP_URL = "https://waypoint.test";
    const keys = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const verificationKey = keys.publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const shop = await makeShop({ ...ownAccounts(), sendgridWebhookKeyEnc: encryptSecret(verificationKey) });
    const order = await makeOrder(shop.id);
    const s = await makeShipment(shop.id, order.id);
    await emit(STAGE_CHANGED, shipped(s));
    await worker(deps({ providerConfig: { sendgridBaseUrl: sg.url, twilioBaseUrl: tw.url, appUrl: APP_URL } })).drain();
    const [email, sms] = await rows();

    const mail = JSON.parse(mailSendRequests(sg)[0]!.body) as { custom_args?: Record<string, string> };
    expect(mail.custom_args).toEqual({ waypoint_notification_id: email!.id, waypoint_shop: shop.domain });
    const form = messageCreateRequests(tw)[0]!.form;
    expect(form.get("StatusCallback")).toBe(`${APP_URL}/webhooks/twilio/status`);
    expect([email!.deliveryStatus, sms!.deliveryStatus]).toEqual([null, null]); // nothing known until the providers report

    // Twilio posts to the callback, signed with the shop's auth token.
    const params = {
      MessageSid: sms!.providerMessageId!,
      MessageStatus: "undelivered",
      ErrorCode: "30005",
      AccountSid: tw.accountSid,
      From: SHOP_FROM_NUMBER,
      To: CUSTOMER_PHONE,
    };
    const callback = new Request(form.get("StatusCallback")!, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio.getExpectedTwilioSignature(tw.authToken, form.get("StatusCallback")!, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect((await handleTwilioStatus(db, callback, { appUrl: APP_URL }, now)).status).toBe(200);

    // SendGrid's Event Webhook posts the custom args back with each event, signed with the account's key.
    const body = JSON.stringify([
      {
        event: "delivered",
        timestamp: Math.floor(clock.getTime() / 1000),
        sg_message_id: `${email!.providerMessageId}.filter0001.1.0`,
        ...mail.custom_args,
      },
    ]);
    const ts = String(Math.floor(clock.getTime() / 1000));
    const events = new Request(`${APP_URL}/webhooks/sendgrid`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        [EventWebhookHeader.SIGNATURE()]: crypto
          .sign("sha256", Buffer.from(ts + body), keys.privateKey)
          .toString("base64"),
        [EventWebhookHeader.TIMESTAMP()]: ts,
      },
      body,
    });
    expect((await handleSendGridEvents(db, events, { appKey: null }, now)).status).toBe(200);

    const [emailAfter, smsAfter] = await rows();
    expect([emailAfter!.status, emailAfter!.deliveryStatus, emailAfter!.deliveryError]).toEqual([
      "sent",
      "delivered",
      null,
    ]);
    expect([smsAfter!.status, smsAfter!.deliveryStatus, smsAfter!.deliveryError]).toEqual([
      "sent",
      "undelivered",
      "Twilio 30005: unknown or inactive number",
    ]);
  });

  it("sends exactly once when the same domain event arrives several times, even on two workers at once", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id);
    const s = await makeShipment(shop.id, order.id);
    for (let i = 0; i < 4; i++) await emit(STAGE_CHANGED, shipped(s));
    await emit(ORDER_CONFIRMED, { shopId: shop.id, orderId: order.id });
    await emit(ORDER_CONFIRMED, { shopId: shop.id, orderId: order.id });

    // PostgreSQL: a second client, like a second process. SQLite is one writer per process by design
    // (a second synchronous better-sqlite3 connection would block this thread's own transaction), so
    // there the two workers share the client and interleave at every await.
    const other = provider === "postgresql" ? t.connect() : db;
    await Promise.all([worker(deps(), db).drain(), worker(deps(), other).drain()]);
    advance(60_000); // anything a lost race left for a retry
    await Promise.all([worker(deps(), db).drain(), worker(deps(), other).drain()]);

    const all = await rows();
    expect(all.map((n) => `${n.milestone}:${n.channel}:${n.status}`).sort()).toEqual([
      "order_confirmed:email:sent",
      "shipped:email:sent",
      "shipped:sms:sent",
    ]);
    expect(mailSendRequests(sg)).toHaveLength(2);
    expect(messageCreateRequests(tw)).toHaveLength(1);
  });

  it("retries transient errors with exponential backoff and jitter, then succeeds", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    sg.script({ status: 429, body: { errors: [{ message: "too many requests" }] } }, { status: 500 });
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();

    let n = await one({ channel: "email" });
    const first = providerRetryDelay(1, () => 0.5);
    expect([n.status, n.attempts, n.errorKind]).toEqual(["queued", 1, "transient"]);
    expect(n.error).toContain("429");
    expect(n.nextAttemptAt).toEqual(new Date(T0.getTime() + first));

    advance(first - 1); // not due yet: nothing happens
    await worker().drain();
    expect(mailSendRequests(sg)).toHaveLength(1);

    advance(1);
    await worker().drain();
    n = await one({ channel: "email" });
    const second = providerRetryDelay(2, () => 0.5);
    expect(second).toBeGreaterThan(first);
    expect([n.status, n.attempts, n.nextAttemptAt]).toEqual(["queued", 2, new Date(clock.getTime() + second)]);

    advance(second);
    await worker().drain();
    n = await one({ channel: "email" });
    expect([n.status, n.attempts, n.error, n.errorKind, n.providerMessageId]).toEqual([
      "sent",
      3,
      null,
      null,
      "fakeSG1",
    ]);
    expect(mailSendRequests(sg)).toHaveLength(3);
    expect(sg.mails).toHaveLength(1);
  });

  it("records permanent errors with the provider's reason and never retries them", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id);
    const s = await makeShipment(shop.id, order.id);
    sg.script({
      status: 400,
      body: { errors: [{ field: "personalizations.0.to.0.email", message: "Does not contain a valid address." }] },
    });
    tw.script({ status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" });
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();
    advance(7 * 24 * HOUR);
    await worker().drain();

    const email = await one({ channel: "email" });
    expect([email.status, email.errorKind, email.attempts, email.nextAttemptAt]).toEqual([
      "failed",
      "permanent",
      1,
      null,
    ]);
    expect(email.error).toContain("Does not contain a valid address.");
    const sms = await one({ channel: "sms" });
    expect([sms.status, sms.errorKind, sms.attempts]).toEqual(["failed", "permanent", 1]);
    expect(sms.error).toContain("21610");
    expect(mailSendRequests(sg)).toHaveLength(1);
    expect(messageCreateRequests(tw)).toHaveLength(1);

    // Twilio's 21610 means the shopper replied STOP: remembered, so the next SMS is suppressed as
    // opted out instead of being sent to fail again.
    expect(await db.smsOptOut.count({ where: { shopId: shop.id, phone: sms.recipient! } })).toBe(1);
    await db.shipment.update({ where: { id: s.id }, data: { stage: 4, subStatus: "out_for_delivery" } });
    await emit(STAGE_CHANGED, stageEvent(s, [2, "label_created"], [4, "out_for_delivery"]));
    await worker().drain();
    const next = await one({ channel: "sms", milestone: "out_for_delivery" });
    expect(next.status).toBe("suppressed");
    expect(messageCreateRequests(tw)).toHaveLength(1);
  });

  it("a crash after SendGrid accepted the email but before it was recorded is reconciled, not sent twice", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    sg.script({ acceptAndHang: true }); // SendGrid takes it; worker A never hears back (it "died")
    await emit(STAGE_CHANGED, shipped(s));
    const crashed = worker().drain();
    await sg.mailRequests(1);

    let n = await one({ channel: "email" });
    expect([n.status, n.attempts]).toEqual(["sending", 1]);

    // Another process, after worker A's lease and the attempt's deadline have passed.
    advance(SEND_DEADLINE_MS + 60_000);
    await worker(deps(), t.connect()).drain();
    n = await one({ channel: "email" });
    expect([n.status, n.attempts, n.providerMessageId]).toEqual(["sent", 1, "fakeSG1.filter0001.1.0"]);
    expect((n.context as { reconciled?: boolean }).reconciled).toBe(true);
    expect(mailSendRequests(sg)).toHaveLength(1);

    // Worker A "wakes up" (its connection drops): its late answer changes nothing.
    sg.reset();
    await crashed;
    advance(24 * HOUR);
    await worker().drain();
    n = await one({ channel: "email" });
    expect(n.status).toBe("sent");
    expect(sg.mails).toHaveLength(0);
    expect(mailSendRequests(sg)).toHaveLength(0);
  });

  it("a crash after Twilio accepted the SMS is reconciled from Twilio's message log, not sent twice", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id, { email: null });
    const s = await makeShipment(shop.id, order.id);
    tw.script({ acceptAndHang: true });
    await emit(STAGE_CHANGED, shipped(s));
    const crashed = worker().drain();
    await tw.createRequests(1);

    advance(SEND_DEADLINE_MS + 60_000);
    await worker(deps(), t.connect()).drain();
    const n = await one({ channel: "sms" });
    expect([n.status, n.attempts, n.providerMessageId]).toEqual(["sent", 1, tw.messages[0]!.sid]);
    expect(messageCreateRequests(tw)).toHaveLength(1);
    const lookup = tw.requests.find((r) => r.method === "GET");
    expect(lookup?.query.get("To")).toBe(CUSTOMER_PHONE);

    tw.reset();
    await crashed;
    advance(24 * HOUR);
    await worker().drain();
    expect((await one({ channel: "sms" })).status).toBe("sent");
    expect(messageCreateRequests(tw)).toHaveLength(0);
  });

  it("a crash before the request left is found absent at the provider and sent once", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id, { email: null });
    const s = await makeShipment(shop.id, order.id);
    const config = deps().providerConfig!;
    let crashes = 1;
    const crashing: NotificationDeps = deps({
      providers: (client, sh): ResolvedProviders => {
        const real = providersForShop(client, sh, config);
        return {
          ...real,
          sms: {
            name: real.sms.name,
            sendSms: async (m) => {
              if (crashes-- > 0) throw new Error("process killed"); // not a provider answer: the row stays "sending"
              return real.sms.sendSms(m);
            },
            findSentSms: (m, since, at2) => real.sms.findSentSms(m, since, at2),
          },
        };
      },
    });
    await emit(STAGE_CHANGED, shipped(s));
    await worker(crashing).drain();
    let n = await one({ channel: "sms" });
    expect([n.status, n.attempts]).toEqual(["sending", 1]);
    expect(messageCreateRequests(tw)).toHaveLength(0);

    advance(SEND_DEADLINE_MS + 60_000);
    await worker(crashing).drain();
    n = await one({ channel: "sms" });
    expect([n.status, n.attempts]).toEqual(["sent", 2]);
    expect(messageCreateRequests(tw)).toHaveLength(1);
    expect(tw.requests.filter((r) => r.method === "GET")).toHaveLength(1); // asked before sending again
  });

  it("when the provider cannot tell (no Email Activity access), an interrupted email is marked in doubt and, when the shop chose never, not resent", async () => {
    const shop = await makeShop({ ...ownAccounts(), inDoubtResendMinutes: null });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    sg.activity = "forbidden";
    sg.script({ acceptAndHang: true });
    await emit(STAGE_CHANGED, shipped(s));
    const crashed = worker().drain();
    await sg.mailRequests(1);

    advance(SEND_DEADLINE_MS + 60_000);
    await worker(deps(), t.connect()).drain();
    let n = await one({ channel: "email" });
    expect([n.status, n.errorKind, n.nextAttemptAt]).toEqual(["failed", IN_DOUBT, null]);
    expect(n.error).toMatch(/^in_doubt: /);
    expect(n.error).toMatch(/Not resent automatically/);
    expect((n.context as NotificationFacts).inDoubt).toMatchObject({
      provider: "sendgrid",
      attempt: 1,
      reason: expect.stringMatching(/Email Activity/),
    });

    advance(7 * 24 * HOUR);
    await worker().drain();
    n = await one({ channel: "email" });
    expect(n.status).toBe("failed");
    expect(mailSendRequests(sg)).toHaveLength(1);
    sg.reset();
    await crashed;
  });

  /**
   * Providers whose email send "kills the process" the next `crash.left` times (the row stays
   * "sending", nothing reaches SendGrid) and who cannot tell afterwards whether it went out: every
   * interrupted attempt ends in doubt. Other sends go to the fake SendGrid for real.
   */
  function inDoubtDeps(crash: { left: number }): NotificationDeps {
    const config = deps().providerConfig!;
    return deps({
      providers: (client, sh): ResolvedProviders => {
        const real = providersForShop(client, sh, config);
        return {
          ...real,
          email: {
            name: real.email.name,
            sendEmail: async (m) => {
              if (crash.left > 0) {
                crash.left--;
                throw new Error("process killed");
              }
              return real.email.sendEmail(m);
            },
            findSentEmail: async () => ({ state: "unknown", reason: "no Email Activity access" }),
          },
        };
      },
    });
  }

  /** Emits the event and drains with an interrupted attempt, then reconciles it after its deadline: the email ends in doubt. Returns when it went in doubt. */
  async function intoDoubt(d: NotificationDeps, event: StageChangedEvent): Promise<Date> {
    await emit(STAGE_CHANGED, event);
    await worker(d).drain();
    advance(SEND_DEADLINE_MS + 60_000);
    const since = new Date(clock);
    await worker(d).drain();
    return since;
  }

  const facts = (n: { context: Prisma.JsonValue }) => n.context as NotificationFacts;

  it("a critical message in doubt is resent automatically once, after the shop's minutes and not before", async () => {
    const shop = await makeShop({ ...ownAccounts(), inDoubtResendMinutes: 30 });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    const d = inDoubtDeps({ left: 1 });
    const since = await intoDoubt(d, shipped(s));

    let n = await one({ channel: "email" });
    const due = new Date(since.getTime() + 30 * 60_000);
    expect(n).toMatchObject({ status: "failed", errorKind: IN_DOUBT, attempts: 1, nextAttemptAt: due });
    expect(n.error).toContain(`Resent automatically at ${due.toISOString()}`);
    expect(facts(n).inDoubt).toEqual({
      since: since.toISOString(),
      provider: "sendgrid",
      reason: "no Email Activity access",
      attempt: 1,
    });
    // Its wake-up is in the durable queue, written with the row.
    expect(await db.job.count({ where: { kind: "notify.send", status: "queued", runAfter: due } })).toBe(1);
    expect(mailSendRequests(sg)).toHaveLength(0);

    // An early wake-up (a duplicate or retried job) a minute before it is due changes nothing.
    at(new Date(due.getTime() - 60_000).toISOString());
    await enqueue(db, { kind: "notify.send", payload: { notificationId: n.id }, runAfter: clock });
    await worker(d).drain();
    expect(await one({ id: n.id })).toEqual(n);
    expect(mailSendRequests(sg)).toHaveLength(0);

    at(due.toISOString());
    await worker(d).drain();
    n = await one({ id: n.id });
    expect(n).toMatchObject({ status: "sent", attempts: 2, errorKind: null, error: null });
    expect(facts(n).inDoubt).toBeUndefined();
    expect(facts(n).resends).toEqual([
      {
        attempt: 2,
        at: due.toISOString(),
        by: AUTO_RESEND_BY,
        reason: "resent automatically 30 minutes after sendgrid could not confirm attempt 1 (no Email Activity access)",
      },
    ]);
    expect(mailSendRequests(sg)).toHaveLength(1);

    advance(7 * 24 * HOUR);
    await worker(d).drain();
    expect(await sweepOverdueNotifications(db, clock)).toBe(0);
    expect(mailSendRequests(sg)).toHaveLength(1);
  });

  it("out for delivery and delivery failed are resent automatically too; other milestones, and a shop that chose never, wait for staff", async () => {
    // Three parcels of one order, each its own email at once (combining them is tests/notifications/combine.test.ts).
    const shop = await makeShop({ ...ownAccounts(), inDoubtResendMinutes: 30, combineParcelEmailsMinutes: 0 });
    const never = await makeShop({ ...ownAccounts(), domain: "never.myshopify.com", inDoubtResendMinutes: null });
    const order = await makeOrder(shop.id, { phone: null });
    const ofd = await makeShipment(shop.id, order.id, { name: "#1001.1", stage: 4, subStatus: "out_for_delivery" });
    const failed = await makeShipment(shop.id, order.id, {
      name: "#1001.2",
      stage: 4,
      subStatus: "attempted_delivery",
    });
    const delivered = await makeShipment(shop.id, order.id, {
      name: "#1001.3",
      stage: 4,
      subStatus: "delivered",
      deliveredAt: clock,
    });
    const neverOrder = await makeOrder(never.id, { phone: null });
    const neverShipped = await makeShipment(never.id, neverOrder.id);
    const d = inDoubtDeps({ left: 4 });
    await emit(STAGE_CHANGED, stageEvent(ofd, [3, "in_transit"], [4, "out_for_delivery"]));
    await emit(STAGE_CHANGED, stageEvent(failed, [3, "in_transit"], [4, "attempted_delivery"]));
    await emit(STAGE_CHANGED, stageEvent(delivered, [3, "in_transit"], [4, "delivered"]));
    const since = await intoDoubt(d, shipped(neverShipped));
    const due = new Date(since.getTime() + 30 * 60_000);

    const byShipment = async (shipmentId: string) => one({ shipmentId, channel: "email" });
    for (const [s, milestone] of [
      [ofd, "out_for_delivery"],
      [failed, "delivery_failed"],
    ] as const) {
      expect(await byShipment(s.id), milestone).toMatchObject({
        milestone,
        status: "failed",
        errorKind: IN_DOUBT,
        nextAttemptAt: due,
      });
    }
    for (const [s, milestone] of [
      [delivered, "delivered"],
      [neverShipped, "shipped"],
    ] as const) {
      const n = await byShipment(s.id);
      expect(n, milestone).toMatchObject({ milestone, status: "failed", errorKind: IN_DOUBT, nextAttemptAt: null });
      expect(n.error).toMatch(/Not resent automatically, to avoid a duplicate/);
    }

    advance(7 * 24 * HOUR);
    expect(await sweepOverdueNotifications(db, clock)).toBe(2); // overdue: the two automatic resends; the two waiting for staff are never woken
    await worker(d).drain();
    expect((await byShipment(ofd.id)).status).toBe("sent");
    expect((await byShipment(failed.id)).status).toBe("sent");
    for (const s of [delivered, neverShipped])
      expect(await byShipment(s.id)).toMatchObject({ status: "failed", errorKind: IN_DOUBT, attempts: 1 });
    expect(mailSendRequests(sg)).toHaveLength(2);
    expect(await sweepOverdueNotifications(db, clock)).toBe(0);
  });

  it("the shop's setting is read again when the resend comes due: a longer delay moves it, never cancels it", async () => {
    const shop = await makeShop({ ...ownAccounts(), inDoubtResendMinutes: 30 });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    const d = inDoubtDeps({ left: 1 });
    const since = await intoDoubt(d, shipped(s));

    await db.shop.update({ where: { id: shop.id }, data: { inDoubtResendMinutes: 60 } });
    at(new Date(since.getTime() + 30 * 60_000).toISOString());
    await worker(d).drain();
    let n = await one({ channel: "email" });
    const moved = new Date(since.getTime() + 60 * 60_000);
    expect(n).toMatchObject({ status: "failed", errorKind: IN_DOUBT, nextAttemptAt: moved });
    expect(n.error).toContain(`Resent automatically at ${moved.toISOString()}`);
    expect(mailSendRequests(sg)).toHaveLength(0);

    await db.shop.update({ where: { id: shop.id }, data: { inDoubtResendMinutes: null } });
    at(moved.toISOString());
    await worker(d).drain();
    n = await one({ channel: "email" });
    expect(n).toMatchObject({ status: "failed", errorKind: IN_DOUBT, nextAttemptAt: null });
    expect(n.error).toMatch(/Not resent automatically/);
    advance(7 * 24 * HOUR);
    await worker(d).drain();
    expect(mailSendRequests(sg)).toHaveLength(0);
  });

  it("a resend that ends in doubt again is not resent automatically a second time; staff can still resend it", async () => {
    const shop = await makeShop({ ...ownAccounts(), inDoubtResendMinutes: 30 });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    const d = inDoubtDeps({ left: 2 });
    const since = await intoDoubt(d, shipped(s));

    at(new Date(since.getTime() + 30 * 60_000).toISOString());
    await worker(d).drain(); // the automatic resend: interrupted as well
    let n = await one({ channel: "email" });
    expect([n.status, n.attempts]).toEqual(["sending", 2]);
    advance(SEND_DEADLINE_MS + 60_000);
    await worker(d).drain();
    n = await one({ channel: "email" });
    expect(n).toMatchObject({ status: "failed", errorKind: IN_DOUBT, attempts: 2, nextAttemptAt: null });
    expect(n.error).toMatch(/already resent automatically once, so it is not resent again/);
    expect(facts(n).inDoubt).toMatchObject({ attempt: 2 });
    expect(facts(n).resends?.map((r) => r.by)).toEqual([AUTO_RESEND_BY]);

    advance(7 * 24 * HOUR);
    await worker(d).drain();
    expect(await sweepOverdueNotifications(db, clock)).toBe(0);
    expect(mailSendRequests(sg)).toHaveLength(0);
    expect((await one({ id: n.id })).status).toBe("failed");

    // Staff resend the attempt they saw in doubt: it goes, once.
    expect(await resendInDoubtMessages(db, [{ id: n.id, attempts: 1 }], "staff@acme.test", clock)).toEqual([]); // a stale ref
    expect(await resendInDoubtMessages(db, [{ id: n.id, attempts: 2 }], "staff@acme.test", clock)).toEqual([n.id]);
    expect(await resendInDoubtMessages(db, [{ id: n.id, attempts: 2 }], "staff@acme.test", clock)).toEqual([]); // a second click
    await worker(d).drain();
    n = await one({ id: n.id });
    expect(n).toMatchObject({ status: "sent", attempts: 3 });
    expect(facts(n).resends?.map((r) => [r.by, r.attempt])).toEqual([
      [AUTO_RESEND_BY, 2],
      ["staff@acme.test", 3],
    ]);
    expect(mailSendRequests(sg)).toHaveLength(1);
  });

  it("a staff resend is not the automatic one: ending in doubt again, it still gets its automatic resend (and the stale wake-up does nothing)", async () => {
    const shop = await makeShop({ ...ownAccounts(), inDoubtResendMinutes: 30 });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    const d = inDoubtDeps({ left: 2 });
    const first = await intoDoubt(d, shipped(s));
    let n = await one({ channel: "email" });

    at(new Date(first.getTime() + 10 * 60_000).toISOString());
    expect(await resendInDoubtMessages(db, [{ id: n.id, attempts: 1 }], "staff@acme.test", clock)).toEqual([n.id]);
    await worker(d).drain(); // interrupted again
    advance(SEND_DEADLINE_MS + 60_000);
    const second = new Date(clock);
    await worker(d).drain();
    n = await one({ id: n.id });
    const due = new Date(second.getTime() + 30 * 60_000);
    expect(n).toMatchObject({ status: "failed", errorKind: IN_DOUBT, attempts: 2, nextAttemptAt: due });

    // The first automatic wake-up (first + 30 min) comes before the new one: nothing happens.
    at(new Date(first.getTime() + 30 * 60_000).toISOString());
    await worker(d).drain();
    expect(await one({ id: n.id })).toEqual(n);

    at(due.toISOString());
    await worker(d).drain();
    n = await one({ id: n.id });
    expect(n).toMatchObject({ status: "sent", attempts: 3 });
    expect(facts(n).resends?.map((r) => r.by)).toEqual(["staff@acme.test", AUTO_RESEND_BY]);
    expect(mailSendRequests(sg)).toHaveLength(1);
  });

  it("the sweep wakes an overdue automatic resend whose job was lost", async () => {
    const shop = await makeShop({ ...ownAccounts(), inDoubtResendMinutes: 30 });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    const d = inDoubtDeps({ left: 1 });
    const since = await intoDoubt(d, shipped(s));
    const n = await one({ channel: "email" });
    expect(n.nextAttemptAt).toEqual(new Date(since.getTime() + 30 * 60_000));
    await db.job.deleteMany({ where: { kind: "notify.send" } }); // dead-lettered and pruned, say

    at(new Date(since.getTime() + 40 * 60_000).toISOString()); // overdue, but within the sweep's grace
    await worker(d).drain();
    expect(await sweepOverdueNotifications(db, clock)).toBe(0);
    expect((await one({ id: n.id })).status).toBe("failed");

    at(new Date(since.getTime() + 46 * 60_000).toISOString());
    expect(await sweepOverdueNotifications(db, clock)).toBe(1);
    await worker(d).drain();
    const after = await one({ id: n.id });
    expect(after).toMatchObject({ status: "sent", attempts: 2 });
    expect(facts(after).resends?.map((r) => r.by)).toEqual([AUTO_RESEND_BY]);
    expect(mailSendRequests(sg)).toHaveLength(1);
    expect(await sweepOverdueNotifications(db, clock)).toBe(0);
  });

  it("a connection reset mid-request is reconciled before any retry, allowing for Email Activity's lag", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    sg.script({ reset: true });
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();
    let n = await one({ channel: "email" });
    expect([n.status, n.attempts, n.errorKind]).toEqual(["sending", 1, "transient"]);
    expect(n.error).toContain("in doubt");

    advance(providerRetryDelay(1, () => 0.5));
    await worker().drain(); // SendGrid's activity log may not show it yet: look again later
    n = await one({ channel: "email" });
    expect(n.status).toBe("sending");
    expect(n.nextAttemptAt).toEqual(new Date(T0.getTime() + 10 * 60_000));
    expect(mailSendRequests(sg)).toHaveLength(1);

    at(n.nextAttemptAt!.toISOString());
    await worker().drain();
    n = await one({ channel: "email" });
    expect([n.status, n.attempts]).toEqual(["sent", 2]);
    expect(sg.mails).toHaveLength(1);
  });

  it("quiet hours in the customer's zone defer SMS until morning and never drop it; email goes at once", async () => {
    const shop = await makeShop(ownAccounts()); // quiet 21:00-08:00
    const order = await makeOrder(shop.id);
    const s = await makeShipment(shop.id, order.id);
    at("2026-11-25T03:00:00Z"); // 22:00 in New York
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();

    expect((await one({ channel: "email" })).status).toBe("sent");
    let sms = await one({ channel: "sms" });
    expect([sms.status, sms.nextAttemptAt]).toEqual(["deferred", new Date("2026-11-25T13:00:00Z")]); // 08:00 EST
    expect((sms.context as { plannedReason?: string }).plannedReason).toBe("quiet_hours");

    at("2026-11-25T12:59:59Z");
    await worker().drain();
    expect(messageCreateRequests(tw)).toHaveLength(0);

    at("2026-11-25T13:00:00Z");
    await worker().drain();
    sms = await one({ channel: "sms" });
    expect(sms.status).toBe("sent");
    expect(messageCreateRequests(tw)).toHaveLength(1);
  });

  it("SMS needs consent (the order's, or the merchant's transactional attestation) and honours opt-outs, also at send time", async () => {
    const shop = await makeShop(ownAccounts());
    const noConsent = await makeOrder(shop.id, { smsConsent: false });
    const s1 = await makeShipment(shop.id, noConsent.id);
    await emit(STAGE_CHANGED, shipped(s1));
    await worker().drain();
    const suppressed = await one({ shipmentId: s1.id, channel: "sms" });
    expect([suppressed.status, suppressed.error]).toEqual(["suppressed", "no_sms_consent"]);
    expect((await one({ shipmentId: s1.id, channel: "email" })).status).toBe("sent");
    expect(messageCreateRequests(tw)).toHaveLength(0);

    await db.shop.update({ where: { id: shop.id }, data: { smsTransactionalOk: true } });
    const s2 = await makeShipment(shop.id, noConsent.id, { name: "#1001.2" });
    await emit(STAGE_CHANGED, shipped(s2));
    await worker().drain();
    expect((await one({ shipmentId: s2.id, channel: "sms" })).status).toBe("sent");

    await db.smsOptOut.create({ data: { shopId: shop.id, phone: CUSTOMER_PHONE, fromNumber: SHOP_FROM_NUMBER } });
    const s3 = await makeShipment(shop.id, noConsent.id, { name: "#1001.3" });
    await emit(STAGE_CHANGED, shipped(s3));
    await worker().drain();
    expect(await one({ shipmentId: s3.id, channel: "sms" })).toMatchObject({
      status: "suppressed",
      error: "opted_out",
    });

    // STOP arriving while a message waits out quiet hours: it is not sent in the morning.
    await db.smsOptOut.deleteMany();
    const s4 = await makeShipment(shop.id, noConsent.id, { name: "#1001.4" });
    at("2026-11-25T03:00:00Z");
    await emit(STAGE_CHANGED, shipped(s4));
    await worker().drain();
    expect((await one({ shipmentId: s4.id, channel: "sms" })).status).toBe("deferred");
    await db.smsOptOut.create({ data: { shopId: shop.id, phone: CUSTOMER_PHONE, fromNumber: SHOP_FROM_NUMBER } });
    at("2026-11-25T13:00:00Z");
    await worker().drain();
    expect(await one({ shipmentId: s4.id, channel: "sms" })).toMatchObject({
      status: "suppressed",
      error: "opted_out",
    });
    expect(messageCreateRequests(tw)).toHaveLength(1); // only s2's
  });

  it("hybrid mode: messages wait as drafts; approval sends them with the staff note; a discarded draft never goes", async () => {
    const shop = await makeShop({ notificationMode: "hybrid" });
    const order = await makeOrder(shop.id);
    const s = await makeShipment(shop.id, order.id);
    await emit(STAGE_CHANGED, shipped(s));
    advance(3 * 24 * HOUR);
    await worker().drain();

    const [email, sms] = await rows();
    expect([email!.status, sms!.status]).toEqual(["draft", "draft"]);
    expect(email!.subject).toContain("#1001"); // rendered for review
    expect(await db.outboxMessage.count()).toBe(0);

    expect(
      await approveDraft(db, email!.id, { note: "We packed it with care <3 - Sam", by: "sam@acme.test" }, clock),
    ).toBe(true);
    expect(await approveDraft(db, email!.id, { by: "sam@acme.test" }, clock)).toBe(false);
    expect(await discardDraft(db, sms!.id, { by: "sam@acme.test" }, clock)).toBe(true);
    await worker().drain();
    advance(7 * 24 * HOUR);
    await worker().drain();

    const sent = await one({ id: email!.id });
    expect([sent.status, sent.approvedBy, sent.personalNote]).toEqual([
      "sent",
      "sam@acme.test",
      "We packed it with care <3 - Sam",
    ]);
    const outbox = await db.outboxMessage.findMany();
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.channel).toBe("email");
    expect(outbox[0]!.text).toContain("We packed it with care <3 - Sam");
    expect(outbox[0]!.html).toContain("We packed it with care &lt;3 - Sam");
    expect((await one({ id: sms!.id })).status).toBe("discarded");
  });

  it("hybrid mode with auto-send: drafts nobody reviewed go by themselves after N hours", async () => {
    const shop = await makeShop({ notificationMode: "hybrid", hybridAutoSendHours: 4 });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();
    expect((await one({ channel: "email" })).status).toBe("draft");

    advance(4 * HOUR - 1000);
    await worker().drain();
    expect((await one({ channel: "email" })).status).toBe("draft");

    advance(1000);
    await worker().drain();
    const n = await one({ channel: "email" });
    expect([n.status, n.approvedBy]).toEqual(["sent", "auto-send"]);
    expect(await db.outboxMessage.count()).toBe(1);
  });

  it("an uninstalled shop sends nothing, including what was already queued", async () => {
    const gone = await makeShop({ status: "uninstalled", domain: "gone.myshopify.com" });
    const o1 = await makeOrder(gone.id);
    const s1 = await makeShipment(gone.id, o1.id);
    await emit(STAGE_CHANGED, shipped(s1));
    await emit(ORDER_CONFIRMED, { shopId: gone.id, orderId: o1.id });
    await worker().drain();
    expect(await rows({ shopId: gone.id })).toHaveLength(0);

    const shop = await makeShop();
    const o2 = await makeOrder(shop.id);
    const s2 = await makeShipment(shop.id, o2.id);
    at("2026-11-25T03:00:00Z"); // the SMS waits for the morning
    await emit(STAGE_CHANGED, shipped(s2));
    await worker().drain();
    await db.shop.update({ where: { id: shop.id }, data: { status: "uninstalled" } });
    at("2026-11-25T13:00:00Z");
    await worker().drain();
    expect(await one({ shopId: shop.id, channel: "sms" })).toMatchObject({
      status: "suppressed",
      error: "shop_uninstalled",
    });
    expect(await db.outboxMessage.count({ where: { channel: "sms" } })).toBe(0);
  });

  it("a delay is announced once, and again only when the estimate slips", async () => {
    const shop = await makeShop();
    const order = await makeOrder(shop.id, { phone: null });
    const edd = new Date("2026-11-27T20:00:00Z");
    const s = await makeShipment(shop.id, order.id, {
      stage: 3,
      subStatus: "in_transit",
      lastStatus: "delayed",
      delayed: true,
      delayReason: "carrier",
      carrierEdd: edd,
      inTransitAt: new Date(T0.getTime() - 24 * HOUR),
      lastEventAt: new Date(T0.getTime() - HOUR),
    });
    const delayEvent = {
      ...stageEvent(s, [3, "in_transit"], [3, "in_transit"]),
      transition: null,
      delayed: true,
      delayStarted: true,
    };
    await emit(STAGE_CHANGED, delayEvent);
    await emit(STAGE_CHANGED, delayEvent); // duplicate
    await worker().drain();
    let delayed = await rows({ milestone: "delayed" });
    expect(delayed.map((n) => [n.channel, n.status])).toEqual([["email", "sent"]]); // SMS is off by default for delays
    expect((delayed[0]!.context as { newEstimate: string }).newEstimate).toBe(edd.toISOString());
    expect((await db.shipment.findUniqueOrThrow({ where: { id: s.id } })).delayAnnouncedEdd).toEqual(edd);

    // A small slip (6 h) is not news.
    await db.shipment.update({ where: { id: s.id }, data: { carrierEdd: new Date(edd.getTime() + 6 * HOUR) } });
    advance(HOUR);
    await emit(STAGE_CHANGED, { ...delayEvent, delayStarted: false });
    await worker().drain();
    expect(await rows({ milestone: "delayed" })).toHaveLength(1);

    // Two more days is.
    const later = new Date(edd.getTime() + 48 * HOUR);
    await db.shipment.update({ where: { id: s.id }, data: { carrierEdd: later } });
    await emit(STAGE_CHANGED, { ...delayEvent, delayStarted: false });
    await worker().drain();
    delayed = await rows({ milestone: "delayed" });
    expect(delayed.map((n) => n.status)).toEqual(["sent", "sent"]);
    expect((delayed[1]!.context as { newEstimate: string }).newEstimate).toBe(later.toISOString());
    expect(delayed[1]!.bodyText).toMatch(/Nov 29/);
    expect((await db.shipment.findUniqueOrThrow({ where: { id: s.id } })).delayAnnouncedEdd).toEqual(later);
  });

  it("a delay notice never gives a date earlier than the one the shopper was promised", async () => {
    // The demo's contradiction: promised Dec 3–8, then "New estimate: Tue, Dec 1".
    const shop = await makeShop();
    const parcel = async (promisedEnd: Date) => {
      const order = await makeOrder(shop.id, {
        phone: null,
        predictedStart: new Date(promisedEnd.getTime() - 96 * HOUR),
        predictedEnd: promisedEnd,
      });
      // Its own window (from fulfillment) ended a day ago, earlier than the order's promise.
      const s = await makeShipment(shop.id, order.id, {
        stage: 2,
        subStatus: "label_created",
        delayed: true,
        delayReason: "estimate_passed",
        labelCreatedAt: new Date(T0.getTime() - 96 * HOUR),
        predictedStart: new Date(T0.getTime() - 48 * HOUR),
        predictedEnd: new Date(T0.getTime() - 24 * HOUR),
      });
      await emit(STAGE_CHANGED, {
        ...stageEvent(s, [2, "label_created"], [2, "label_created"]),
        transition: null,
        delayed: true,
        delayStarted: true,
      });
      await worker().drain();
      return { order, s };
    };
    // The promise still stands (Dec 8): a notice would have to say an earlier date, so none goes.
    await parcel(new Date("2026-12-08T22:00:00Z"));
    expect(await rows({ milestone: "delayed" })).toHaveLength(0);
    // The promise has passed too: the notice gives a date later than it, and later than now.
    const { order, s } = await parcel(new Date(T0.getTime() - 12 * HOUR));
    const delayed = await rows({ milestone: "delayed" });
    expect(delayed.map((n) => n.status)).toEqual(["sent"]);
    const announced = new Date((delayed[0]!.context as { newEstimate: string }).newEstimate);
    expect(announced.getTime()).toBeGreaterThan(order.predictedEnd!.getTime());
    expect(announced.getTime()).toBeGreaterThan(T0.getTime());
    expect((await db.shipment.findUniqueOrThrow({ where: { id: s.id } })).delayAnnouncedEdd).toEqual(announced);
  });

  it("in-transit digest: at most one a day at the digest hour, only when scans arrived since the last one", async () => {
    const shop = await makeShop();
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id, { stage: 3, subStatus: "in_transit", inTransitAt: T0 });
    await scan(shop.id, s.id, "Picked up by carrier", T0, "Columbus");
    await emit(STAGE_CHANGED, stageEvent(s, [2, "label_created"], [3, "in_transit"]));
    await worker().drain();
    let digests = await rows({ milestone: "in_transit_digest" });
    expect(digests.map((n) => [n.status, n.nextAttemptAt, n.idempotencyKey])).toEqual([
      ["queued", new Date("2026-11-24T23:00:00Z"), `${s.id}:in_transit_digest:2026-11-24:email`], // 18:00 in New York
    ]);

    at("2026-11-24T20:00:00Z");
    await scan(shop.id, s.id, "Departed facility", clock, "Louisville");
    await emit(STAGE_CHANGED, stageEvent(s, [2, "label_created"], [3, "in_transit"])); // a replayed event: same day, same key
    at("2026-11-24T22:00:00Z"); // the daily digest check (17:00 local)
    await worker().drain();
    expect(await rows({ milestone: "in_transit_digest" })).toHaveLength(1);

    at("2026-11-24T23:00:00Z");
    await worker().drain();
    digests = await rows({ milestone: "in_transit_digest" });
    expect(digests[0]!.status).toBe("sent");
    const first = (await db.outboxMessage.findMany())[0]!;
    expect(first.text).toContain("Picked up by carrier");
    expect(first.text).toContain("Departed facility");

    // Next day: nothing new, no digest.
    at("2026-11-25T22:00:00Z");
    await worker().drain();
    at("2026-11-25T23:30:00Z");
    await worker().drain();
    expect(await rows({ milestone: "in_transit_digest" })).toHaveLength(1);

    // The day after: a new scan, a new digest with only what is new.
    at("2026-11-26T15:00:00Z");
    await scan(shop.id, s.id, "Arrived at facility", clock, "Memphis");
    at("2026-11-26T22:00:00Z");
    await worker().drain();
    at("2026-11-26T23:00:00Z");
    await worker().drain();
    digests = await rows({ milestone: "in_transit_digest" });
    expect(digests.map((n) => [n.status, n.idempotencyKey])).toEqual([
      ["sent", `${s.id}:in_transit_digest:2026-11-24:email`],
      ["sent", `${s.id}:in_transit_digest:2026-11-26:email`],
    ]);
    const second = (await db.outboxMessage.findMany({ orderBy: { createdAt: "desc" }, take: 1 }))[0]!;
    expect(second.text).toContain("Arrived at facility");
    expect(second.text).not.toContain("Departed facility");

    // Out for delivery: the daily chain stops.
    await db.shipment.update({ where: { id: s.id }, data: { stage: 4, subStatus: "out_for_delivery" } });
    await scan(shop.id, s.id, "Out for delivery", clock, "Memphis");
    at("2026-11-27T22:00:00Z");
    await worker().drain();
    expect(await rows({ milestone: "in_transit_digest" })).toHaveLength(2);
    expect(await db.job.count({ where: { kind: "notify.digest", status: "queued" } })).toBe(0);
  });

  it("a message that is no longer true when its time comes is discarded, not sent", async () => {
    const shop = await makeShop();
    const order = await makeOrder(shop.id);
    const s = await makeShipment(shop.id, order.id, { stage: 4, subStatus: "out_for_delivery" });
    at("2026-11-25T03:00:00Z");
    await emit(STAGE_CHANGED, stageEvent(s, [3, "in_transit"], [4, "out_for_delivery"]));
    await worker().drain();
    expect((await one({ channel: "sms" })).status).toBe("deferred");
    await db.shipment.update({ where: { id: s.id }, data: { subStatus: "delivered", deliveredAt: clock } });
    at("2026-11-25T13:00:00Z");
    await worker().drain();
    const sms = await one({ channel: "sms" });
    expect(sms.status).toBe("discarded");
    expect(sms.error).toMatch(/^no_longer_relevant/);
    expect(await db.outboxMessage.count({ where: { channel: "sms" } })).toBe(0);
  });

  it("bad input is recorded on the Notification with its reason: no address, a broken sender setting, an unrenderable row", async () => {
    const shop = await makeShop({ sendgridApiKeyEnc: "v1:not:really:encrypted" });
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    await emit(STAGE_CHANGED, shipped(s));
    const noAddress = await makeOrder(shop.id, { email: null, phone: null });
    await emit(ORDER_CONFIRMED, { shopId: shop.id, orderId: noAddress.id });
    const broken = await db.notification.create({
      data: {
        shopId: shop.id,
        orderId: order.id,
        channel: "email",
        milestone: "not_a_milestone",
        idempotencyKey: "x",
        status: "queued",
        recipient: CUSTOMER_EMAIL,
        nextAttemptAt: clock,
      },
    });
    await enqueue(db, { kind: "notify.send", payload: { notificationId: broken.id }, runAfter: clock });
    await worker().drain();

    expect(await one({ orderId: noAddress.id })).toMatchObject({ status: "suppressed", error: "no_address" });
    const email = await one({ shipmentId: s.id, channel: "email" });
    expect([email.status, email.errorKind]).toEqual(["failed", "config"]);
    expect(email.error).toMatch(/SendGrid key cannot be read/);
    expect(await one({ id: broken.id })).toMatchObject({
      status: "failed",
      errorKind: "permanent",
      error: "render_failed: unknown milestone not_a_milestone",
    });
  });

  it("a row whose wake-up job was lost is picked up again by the sweep", async () => {
    const shop = await makeShop();
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);
    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();
    const sent = await one({ channel: "email" });
    expect(sent.status).toBe("sent");
    // A queued row with no job at all (its job was dead-lettered and pruned, say).
    const lost = await db.notification.create({
      data: {
        shopId: shop.id,
        orderId: order.id,
        shipmentId: s.id,
        channel: "email",
        milestone: "shipped",
        idempotencyKey: "lost",
        status: "queued",
        recipient: CUSTOMER_EMAIL,
        nextAttemptAt: clock,
      },
    });
    advance(HOUR);
    await worker().drain();
    expect((await one({ id: lost.id })).status).toBe("queued");
    expect(await sweepOverdueNotifications(db, clock)).toBe(1);
    await worker().drain();
    expect((await one({ id: lost.id })).status).toBe("sent");
    expect(await sweepOverdueNotifications(db, clock)).toBe(0);
  });

  it("admin: preview, test send, personal update and resend", async () => {
    const shop = await makeShop(ownAccounts());
    const order = await makeOrder(shop.id, { phone: null });
    const s = await makeShipment(shop.id, order.id);

    const fr = await previewTemplate(db, shop.id, "shipped", "email", "fr", clock);
    expect(fr.channel).toBe("email");
    if (fr.channel === "email") {
      expect(fr.subject).toContain("#1001");
      expect(fr.html).toContain("https://shop.acme.test/apps/track?token=");
      expect(fr.html).toContain('lang="fr"');
    }
    const sms = await previewTemplate(db, shop.id, "out_for_delivery", "sms", "en", clock);
    expect(sms.channel === "sms" && sms.body.includes("Acme")).toBe(true);
    // Linked as real texts are (a short code, not the long email token), so the preview's segment
    // count is the one customers' texts will have.
    expect(sms.channel === "sms" && sms.body).toContain("https://shop.acme.test/apps/track?c=PREVIEW001");
    expect(sms.channel === "sms" && sms.body).not.toContain("token=");
    expect(sms.channel === "sms" && sms.segments).toBe(1);
    await expect(previewTemplate(db, shop.id, "delivered", "sms", "en", clock)).rejects.toThrow(/SMS/);

    const test = await testSend(db, shop.id, "delivered", "email", "Owner@Acme.test", clock, deps());
    // The whole result, so a failure shows the provider's error.
    expect(test).toEqual({ ok: true, provider: "sendgrid", providerMessageId: expect.stringMatching(/^fakeSG\d+$/) });
    const testMail = JSON.parse(mailSendRequests(sg)[0]!.body) as {
      subject: string;
      personalizations: { to: { email: string }[] }[];
      custom_args?: unknown;
    };
    expect(testMail.subject).toMatch(/^\[Test\] /);
    expect(testMail.personalizations[0]!.to[0]!.email).toBe("owner@acme.test");
    expect(testMail.custom_args).toBeUndefined();
    expect(await db.notification.count()).toBe(0);
    await expect(testSend(db, shop.id, "shipped", "sms", "not a number", clock, deps())).rejects.toThrow(/phone/);

    await emit(STAGE_CHANGED, shipped(s));
    await worker().drain();
    const id = await sendPersonalUpdate(
      db,
      s.id,
      "Your parcel left our warehouse this morning.",
      "sam@acme.test",
      clock,
      deps(),
    );
    expect(id).toBeTruthy();
    await worker().drain();
    const personal = await one({ id: id! });
    expect([personal.status, personal.milestone, personal.approvedBy]).toEqual(["sent", "shipped", "sam@acme.test"]);
    const personalMail = JSON.parse(mailSendRequests(sg).at(-1)!.body) as { content: { value: string }[] };
    expect(personalMail.content[0]!.value).toContain("Your parcel left our warehouse this morning.");

    advance(60_000);
    const [resent] = await resendCurrentStatusMessages(db, [s.id], clock, deps());
    expect(resent).toMatchObject({ shipmentId: s.id, milestone: "shipped" });
    expect(resent!.notificationIds).toHaveLength(2);
    await worker().drain();
    const again = await rows({ id: { in: resent!.notificationIds } });
    expect(again.map((n) => [n.channel, n.status, n.error])).toEqual([
      ["email", "sent", null],
      ["sms", "suppressed", "no_address"], // the order has no phone: recorded, with the reason
    ]);
    expect(again[0]!.idempotencyKey).toBe(`${s.id}:shipped:resend-${clock.getTime()}:email`);
    expect((await rows({ shipmentId: s.id, milestone: "shipped", channel: "email" })).map((n) => n.status)).toEqual([
      "sent",
      "sent",
      "sent",
    ]);
    expect(sg.mails).toHaveLength(4); // test, shipped, personal, resend
  });
});
