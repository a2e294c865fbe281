// customers/redact leaves none of the customer's personal data anywhere, and touches no one else's.
// Every String/Json column of the schema (read from Prisma's DMMF, so a new column cannot be
// forgotten silently) is classified below; one customer's data is seeded everywhere it can go,
// through the real webhook pipeline where it can, and after the redact every column of every row is
// searched for her email, phone, name, street, postcode, city and per-order tokens. Another customer
// of the same shop keeps all of theirs, and nothing logged on the way carries hers.
import { Prisma } from "@prisma/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Db } from "~/db.server";
import type * as LoggerModule from "~/lib/logger.server";
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import { recordOptOut } from "~/notifications/sms-optout.server";
import { processReceipt } from "~/pipeline/receipts.server";
import { freshDb, providers, type TestDb } from "../support/db";
import { fixture, receiverFor, signedWebhook, TEST_SHOP } from "../support/shopify-webhooks";

const logs = vi.hoisted(() => [] as string[]);
vi.mock("~/lib/logger.server", async (importOriginal) => {
  const mod = await importOriginal<typeof LoggerModule>();
  return { ...mod, logger: mod.createLogger({ write: (s: string) => void logs.push(s) }, "trace") };
});

// ─────────────────────────────── every String/Json column, classified ───────────────────────────────

/** May hold a customer's personal data: searched after the redact (with all other columns). */
const CUSTOMER_DATA: Record<string, string[]> = {
  Order: [
    "email",
    "phone",
    "customerShopifyId",
    "customerFirstName",
    "lineItems",
    "shipCity",
    "shipZip",
    "trackingCode",
  ],
  Shipment: ["trackingUrls", "returnLabelUrl", "lastLocation"],
  TrackingEvent: ["message", "city", "zip"],
  ReturnCase: ["declineNote", "lineItems"],
  Notification: ["recipient", "subject", "bodyText", "bodyHtml", "personalNote", "context", "error", "deliveryError"],
  SmsOptOut: ["phone"],
  OutboxMessage: ["to", "subject", "text", "html"],
  WebhookReceipt: ["rawBody", "error"],
  Job: ["payload", "lastError"],
  ComplianceRequest: ["result"],
  AnalyticsEvent: ["visitorId"],
};

/** Not customer data, and why. Searched all the same: an identifier found here means a wrong entry. */
const NOT_CUSTOMER_DATA: Record<string, string[]> = {
  // Staff of the merchant and their tokens, not shoppers.
  Session: ["id", "shop", "state", "scope", "accessToken", "firstName", "lastName", "email", "locale", "refreshToken"],
  // The merchant's settings and (encrypted) credentials.
  Shop: [
    // delivery promise (issue 19), integrations (issue 21)
    "originCountry",
    "closureDays",
    "klaviyoPrivateKeyEnc",
    "klaviyoMilestones",
    "id",
    "domain",
    "name",
    "contactEmail",
    "primaryDomain",
    "currency",
    "timezone",
    "locale",
    "status",
    "brandLogoUrl",
    "brandPrimaryColor",
    "brandAccentColor",
    "brandFont",
    "trackingHeading",
    "notificationMode",
    "milestoneChannels",
    "senderName",
    "senderEmail",
    "replyToEmail",
    "sendgridApiKeyEnc",
    "twilioAccountSidEnc",
    "twilioAuthTokenEnc",
    "twilioFromNumber",
    "sendgridWebhookKeyEnc",
    "recommendationSource",
    "recommendationCollection",
  ],
  // Ids, states, and region/country (coarse; kept for the roll-ups, as in LaneStat).
  Order: [
    "id",
    "shopId",
    "shopifyId",
    "name",
    "customerLocale",
    "customerTimezone",
    "financialStatus",
    "fulfillmentStatus",
    "deliveryMethod",
    "currency",
    "shipRegion",
    "shipCountry",
    "cancelReason",
    "subStatus",
    "attributedSource",
  ],
  // The merchant's shipping records: carriers, tracking numbers, states.
  Shipment: [
    "id",
    "shopId",
    "orderId",
    "orderShopifyId",
    "kind",
    "shopifyFulfillmentId",
    "reverseDeliveryId",
    "returnCaseId",
    "name",
    "fulfillmentStatus",
    "carrier",
    "carrierCode",
    "service",
    "trackingNumbers",
    "primaryTracking",
    "lineItems",
    "subStatus",
    "lastStatus",
    "delayReason",
    "destCountry",
    "destRegion",
  ],
  TrackingNumber: ["id", "shopId", "shipmentId", "number"],
  // Carrier tracking sources: the merchant's connection (encrypted key), numbers registered, events
  // written back (status and time only; the scan's words and place stay on TrackingEvent).
  TrackingSource: ["id", "shopId", "provider", "apiKeyEnc", "webhookSecretEnc", "pushToken", "baseUrl"],
  SourceRegistration: [
    "id",
    "shopId",
    "shipmentId",
    "provider",
    "trackingNumber",
    "externalId",
    "status",
    "reason",
    "month",
    "lastError",
  ],
  SourceWriteBack: ["id", "shopId", "shipmentId", "factKey", "status", "shopifyEventId", "state", "error"],
  TrackingEvent: [
    "id",
    "shopId",
    "shipmentId",
    "dedupeKey",
    "source",
    "sourceWebhookId",
    "status",
    "province",
    "country",
  ],
  StageTransition: ["id", "shopId", "shipmentId", "fromStatus", "toStatus", "cause", "webhookId"],
  ReturnCase: [
    "id",
    "shopId",
    "orderId",
    "orderShopifyId",
    "shopifyReturnId",
    "name",
    "status",
    "subStatus",
    "declineReason",
  ],
  // approvedBy is staff; the provider's message id names no one.
  Notification: [
    "id",
    "shopId",
    "orderId",
    "shipmentId",
    "channel",
    "milestone",
    "idempotencyKey",
    "status",
    "locale",
    "approvedBy",
    "provider",
    "providerMessageId",
    "errorKind",
    "deliveryStatus",
  ],
  SmsOptOut: ["id", "shopId", "fromNumber"], // the shop's own number
  OutboxMessage: ["id", "shopId", "notificationId", "channel", "from"],
  // Shopify's headers (topic, shop, signature, ids), not the body.
  WebhookReceipt: ["id", "webhookId", "shopDomain", "topic", "apiVersion", "eventId", "headers", "status"],
  Job: ["id", "kind", "shopDomain", "status", "lockedBy", "singletonKey"],
  // customerRef is Shopify's customer id, kept as the record that the request was carried out.
  ComplianceRequest: ["id", "shopDomain", "kind", "webhookId", "customerRef", "status"],
  AnalyticsEvent: ["id", "shopId", "kind", "outcome", "orderId", "productId"],
  AttributedOrder: ["id", "shopId", "orderId", "sourceOrder", "currency"],
  DailyStat: ["id", "shopId", "day", "metric", "dimension"],
  LaneStat: ["id", "shopId", "metric", "carrier", "service", "region", "day", "histogram"],
  // The merchant's own email copy (Liquid source; variables are filled per message, never stored here);
  // updatedBy is the staff member who saved it.
  // The Admin API sync's state (issue 16): cursors, status words, the refusal's HTTP status text.
  ShopSync: ["shopId", "backfillStatus", "backfillMode", "backfillCursor", "bulkOperationId", "authError"],
  // Flow/Klaviyo outbox (issue 21): ids, milestone fields (order name, carrier, tracking link; the
  // shopper's profile is read from the order at send, never stored here) and redacted errors.
  IntegrationDelivery: [
    "id",
    "shopId",
    "orderId",
    "shipmentId",
    "destination",
    "milestone",
    "idempotencyKey",
    "status",
    "fields",
    "error",
    "errorKind",
  ],
  MessageCopy: ["id", "shopId", "milestone", "locale", "subject", "heading", "body", "updatedBy"],
};

/** Every String and Json column of every model, from the generated client's DMMF. */
function textColumns(): { model: string; field: string }[] {
  return Prisma.dmmf.datamodel.models.flatMap((m) =>
    m.fields
      .filter((f) => f.kind === "scalar" && (f.type === "String" || f.type === "Json"))
      .map((f) => ({ model: m.name, field: f.name })),
  );
}

const delegate = (db: Db, model: string) =>
  (db as unknown as Record<string, { findMany(args: unknown): Promise<Record<string, unknown>[]> }>)[
    model[0]!.toLowerCase() + model.slice(1)
  ]!;

/** `Model.field` → the values (as text) that match any of the patterns. */
async function findTraces(db: Db, patterns: RegExp[]): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  const byModel = new Map<string, { model: string; field: string }[]>();
  for (const c of textColumns()) byModel.set(c.model, [...(byModel.get(c.model) ?? []), c]);
  for (const [model, cols] of byModel) {
    const rows = await delegate(db, model).findMany({ select: Object.fromEntries(cols.map((c) => [c.field, true])) });
    for (const row of rows) {
      for (const { field } of cols) {
        const v = row[field];
        if (v === null || v === undefined) continue;
        const text = typeof v === "string" ? v : JSON.stringify(v);
        if (patterns.some((p) => p.test(text))) (found[`${model}.${field}`] ??= []).push(text);
      }
    }
  }
  for (const k of Object.keys(found)) found[k]!.sort();
  return found;
}

// ───────────────────────────────────────────── two customers ─────────────────────────────────────────────

const MAYA = [
  /maya\.chen@example\.com/i,
  /617\D{0,3}555\D{0,3}0142/,
  /\bMaya\b/,
  /\bChen\b/,
  /Hampshire/,
  /(?<!\d)02139(?!\d)/,
  /Cambridge/,
  /visitor-maya-7f3a/,
];
const JONAS = [
  /jonas\.berg@example\.com/i,
  /781\D{0,3}555\D{0,3}0199/,
  /\bJonas\b/,
  /\bBerg\b/,
  /Elm Rd/,
  /(?<!\d)02155(?!\d)/,
  /Medford/,
  /visitor-jonas-1b2c/,
];

/** A payload of Maya's, rewritten as another customer's (another name, address, phone and ids). */
function asJonas(payload: unknown): Record<string, unknown> {
  const text = JSON.stringify(payload)
    .replace(/maya\.chen/gi, "jonas.berg")
    .replace(/Maya/g, "Jonas")
    .replace(/Chen/g, "Berg")
    .replace(/Hampshire St/g, "Elm Rd")
    .replace(/02139/g, "02155")
    .replace(/Cambridge/g, "Medford")
    .replace(/617(\D{0,3})555(\D{0,3})0142/g, "781$1555$20199")
    .replace(/6301542301987/g, "6301542309901")
    .replace(/6302118831203/g, "6302118839902")
    .replace(/8123456789012/g, "8123456789901")
    .replace(/5678901234567/g, "5678901239901")
    .replace(/4455667799\d/g, (m) => `${m}01`)
    .replace(/44556677881/g, "4455667788101")
    .replace(/#1001/g, "#1901")
    .replace(/"order_number":1001/g, '"order_number":1901');
  return JSON.parse(text) as Record<string, unknown>;
}

describe.each(providers)("customers/redact on %s", (provider) => {
  let t: TestDb;
  let clock: Date;
  let worker: Worker;
  const post = (topic: string, payload: unknown, opts: Parameters<typeof signedWebhook>[2] = {}) =>
    receiverFor(t.db)(signedWebhook(topic, payload, opts));
  const drain = async () => {
    // Twice a day's worth of time, so deferred notifications (quiet hours) go out too.
    for (let i = 0; i < 4; i++) {
      await worker.drain();
      clock = new Date(clock.getTime() + 12 * 3_600_000);
    }
  };

  beforeEach(async () => {
    t = await freshDb(provider);
    clock = new Date(Date.now() + 60_000);
    worker = new Worker(t.db, jobHandlers, { now: () => clock, id: "redact-test" });
    logs.length = 0;
  });
  afterEach(async () => t.drop());

  it("every String/Json column of the schema is classified", () => {
    const classified = (model: string, field: string) =>
      [CUSTOMER_DATA, NOT_CUSTOMER_DATA].filter((list) => list[model]?.includes(field)).length;
    const columns = textColumns();
    expect(columns.length).toBeGreaterThan(100);
    expect(columns.filter((c) => classified(c.model, c.field) !== 1).map((c) => `${c.model}.${c.field}`)).toEqual([]);
    // No stale entries either: each names a column that exists.
    const names = new Set(columns.map((c) => `${c.model}.${c.field}`));
    const listed = [CUSTOMER_DATA, NOT_CUSTOMER_DATA].flatMap((list) =>
      Object.entries(list).flatMap(([m, fs]) => fs.map((f) => `${m}.${f}`)),
    );
    expect(listed.filter((n) => !names.has(n))).toEqual([]);
  });

  it("removes one customer's data from every table and column, and leaves another customer's alone", async () => {
    const shop = await t.db.shop.create({ data: { domain: TEST_SHOP, smsTransactionalOk: true } });
    // Maya: two orders, a parcel with scans (the last at her door), a return with her notes, a declined one.
    const mayaOrder = fixture("orders-create.1001");
    await post("orders/create", mayaOrder);
    await post("orders/create", fixture("orders-create.1002"));
    await post("fulfillments/create", fixture("fulfillments-create.1001.1-ups"));
    await post("fulfillment_events/create", fixture("fulfillment_events-create.1001.1-in_transit"));
    await post("fulfillment_events/create", {
      ...fixture<Record<string, unknown>>("fulfillment_events-create.1001.1-delivered"),
      message: "Delivered, signed by M CHEN",
    });
    const withNote = (name: string) => {
      const r = fixture<{ return_line_items: Record<string, unknown>[] }>(name);
      r.return_line_items[0]!.customer_note = "Maya here: ordered two by mistake";
      return r;
    };
    const triggered = (iso: string) => ({ triggeredAt: iso });
    await post("returns/request", withNote("returns-request.1001-R1"), triggered("2026-11-22T10:00:00Z"));
    await post("returns/approve", withNote("returns-approve.1001-R1"), triggered("2026-11-22T11:00:00Z"));
    await post(
      "reverse_deliveries/attach_deliverable",
      fixture("reverse_deliveries-attach_deliverable.1001-R1"),
      triggered("2026-11-22T11:05:00Z"),
    );
    const decline = fixture<{ decline: { note: string } }>("returns-decline.1001-R2");
    decline.decline.note = "Sorry Maya Chen, used bottles cannot be returned";
    await post("returns/decline", { ...decline, order: { id: 6301542301987 } }, triggered("2026-11-22T12:00:00Z"));
    // Jonas: the same story on his own order.
    await post("orders/create", asJonas(mayaOrder));
    await post("fulfillments/create", asJonas(fixture("fulfillments-create.1001.1-ups")));
    await post("fulfillment_events/create", asJonas(fixture("fulfillment_events-create.1001.1-delivered")));
    await drain();

    // What the pipeline cannot produce on its own here: opt-outs, visits, a provider error, a staff note.
    const maya = await t.db.order.findFirstOrThrow({ where: { shopifyId: "6301542301987" } });
    const jonas = await t.db.order.findFirstOrThrow({ where: { shopifyId: "6301542309901" } });
    await recordOptOut(t.db, [shop.id], maya.phone!);
    await recordOptOut(t.db, [shop.id], jonas.phone!);
    await t.db.analyticsEvent.createMany({
      data: [
        { shopId: shop.id, kind: "lookup", outcome: "found", orderId: maya.id, visitorId: "visitor-maya-7f3a" },
        { shopId: shop.id, kind: "lookup", outcome: "found", orderId: jonas.id, visitorId: "visitor-jonas-1b2c" },
      ],
    });
    const note = await t.db.notification.findFirstOrThrow({ where: { orderId: maya.id } });
    await t.db.notification.update({
      where: { id: note.id },
      data: {
        personalNote: "Hi Maya, it is on its way",
        error: "550 mailbox maya.chen@example.com unavailable",
        deliveryError: "bounced: Maya Chen",
      },
    });
    await t.db.job.create({
      data: {
        kind: "notify.send",
        payload: { notificationId: note.id },
        shopDomain: TEST_SHOP,
        status: "dead",
        lastError: "render failed for Maya Chen, 55 Hampshire St",
        finishedAt: clock,
      },
    });
    // A body that never parsed (dead at once, kept for the admin), the merchant's exports, and a
    // delivery still waiting to be processed when the redact arrives.
    await post("orders/updated", null, {
      rawBody:
        '{"id": 6301542301987, "email": maya.chen@example.com, "shipping_address": {"address1": "55 Hampshire St"}}',
    });
    await post("customers/data_request", fixture("customers-data_request"), { webhookId: "dr-maya" });
    await post("customers/data_request", asJonas(fixture("customers-data_request")), { webhookId: "dr-jonas" });
    await drain();
    await post("fulfillments/update", fixture("fulfillments-update.1001.1-ups-delivered"), {
      webhookId: "pending-maya",
    });
    await post("customers/redact", fixture("customers-redact"), { webhookId: "redact-maya" });

    // The seeding reached every kind of place the redact must clean.
    const before = await findTraces(t.db, MAYA);
    for (const col of [
      "Order.email",
      "Order.phone",
      "Order.customerFirstName",
      "Order.shipCity",
      "TrackingEvent.city",
      "TrackingEvent.message",
      "Shipment.lastLocation",
      "ReturnCase.declineNote",
      "ReturnCase.lineItems",
      "Notification.recipient",
      "Notification.bodyText",
      "Notification.personalNote",
      "Notification.error",
      "OutboxMessage.to",
      "OutboxMessage.text",
      "SmsOptOut.phone",
      "AnalyticsEvent.visitorId",
      "WebhookReceipt.rawBody",
      "Job.lastError",
      "ComplianceRequest.result",
    ]) {
      expect(before[col], col).toBeDefined();
    }
    const jonasBefore = await findTraces(t.db, JONAS);
    const mayaOrderIds = await t.db.order.findMany({
      where: { email: maya.email },
      select: { id: true, trackingCode: true, shipments: { select: { returnLabelUrl: true } } },
    });
    const tokens = mayaOrderIds
      .flatMap((o) => [o.trackingCode, ...o.shipments.map((s) => s.returnLabelUrl)])
      .filter((x): x is string => !!x)
      .map((x) => new RegExp(x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    expect(tokens.length).toBe(2); // the SMS tracking code and the return label

    // The redact's own job, as the worker runs it, while the other delivery still waits.
    const redactReceipt = await t.db.webhookReceipt.findUniqueOrThrow({ where: { webhookId: "redact-maya" } });
    await processReceipt(t.db, redactReceipt.id, clock);
    expect(await findTraces(t.db, [...MAYA, ...tokens])).toEqual({});
    expect(await findTraces(t.db, JONAS)).toEqual(jonasBefore);

    // Receipts: processed ones of hers are gone, the waiting one kept without her, the broken one emptied.
    const pending = await t.db.webhookReceipt.findUniqueOrThrow({ where: { webhookId: "pending-maya" } });
    expect(pending.status).toBe("received");
    expect(JSON.parse(pending.rawBody)).toMatchObject({
      id: 5678901234567,
      order_id: 6301542301987,
      destination: { first_name: null, address1: null, province_code: "MA" },
    });
    expect(
      await t.db.webhookReceipt.findFirst({
        where: { topic: "orders/create", rawBody: { contains: "6301542301987" } },
      }),
    ).toBeNull();
    expect(
      await t.db.webhookReceipt.findFirstOrThrow({ where: { topic: "orders/updated", status: "failed" } }),
    ).toMatchObject({ rawBody: "", error: expect.stringContaining("customers/redact") });
    // His deliveries are all still there (orders/create, fulfillments/create, the event, his data_request).
    const his = (await t.db.webhookReceipt.findMany({ select: { topic: true, rawBody: true } })).filter(
      (r) => JONAS.slice(0, 2).some((p) => p.test(r.rawBody)) || r.rawBody.includes("6301542309901"),
    );
    expect(his.map((r) => r.topic).sort()).toEqual([
      "customers/data_request",
      "fulfillment_events/create",
      "fulfillments/create",
      "orders/create",
    ]);
    // The merchant's export for her is gone, his is intact; her orders are marked, his are not.
    expect((await t.db.complianceRequest.findUniqueOrThrow({ where: { webhookId: "dr-maya" } })).result).toEqual({
      removed: "customers/redact",
    });
    expect(
      JSON.stringify((await t.db.complianceRequest.findUniqueOrThrow({ where: { webhookId: "dr-jonas" } })).result),
    ).toContain("jonas.berg@example.com");
    expect(await t.db.order.count({ where: { redactedAt: { not: null } } })).toBe(2);
    expect((await t.db.order.findUniqueOrThrow({ where: { id: jonas.id } })).redactedAt).toBeNull();

    // Processing what was waiting (and everything else) brings nothing of hers back.
    await drain();
    expect((await t.db.webhookReceipt.findUniqueOrThrow({ where: { webhookId: "pending-maya" } })).status).toBe(
      "processed",
    );
    expect(await findTraces(t.db, [...MAYA, ...tokens])).toEqual({});

    // A carrier scan of hers that arrives after the redact moves the parcel, and brings none of her back.
    await post("fulfillment_events/create", {
      ...fixture<Record<string, unknown>>("fulfillment_events-create.1001.1-delivered"),
      id: 44556678111,
      admin_graphql_api_id: "gid://shopify/FulfillmentEvent/44556678111",
      status: "attempted_delivery",
      message: "Attempted: Maya Chen not at 55 Hampshire St",
      happened_at: "2026-11-21T10:15:00-05:00",
    });
    await drain();
    expect(
      await t.db.trackingEvent.findFirstOrThrow({ where: { dedupeKey: { contains: "44556678111" } } }),
    ).toMatchObject({ status: "attempted_delivery", city: null, zip: null, message: null });
    // Only the new delivery's own raw receipt holds what Shopify just sent; retention prunes it like any other.
    const late = await findTraces(t.db, [...MAYA, ...tokens]);
    expect(Object.keys(late)).toEqual(["WebhookReceipt.rawBody"]);
    expect(late["WebhookReceipt.rawBody"]!.every((body) => body.includes("44556678111"))).toBe(true);

    // Nothing logged along the way carried her data.
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.filter((line) => MAYA.some((p) => p.test(line)))).toEqual([]);
  });
});
