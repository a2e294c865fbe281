// The three mandatory compliance webhooks. customers/data_request assembles everything we hold on
// the customer for the merchant; customers/redact removes or anonymises that customer's personal
// data in every table; shop/redact deletes everything of the shop. Each is recorded (without PII).
// One file (about 500 lines) so the list below, which the schema-wide test holds every column to, sits
// with the code that does what it says.
//
// Where a customer's personal data can sit, and what customers/redact does to it (the test
// tests/pipeline/compliance.test.ts holds every String/Json column of the schema to this list):
// - Order: email, phone, Shopify customer id, first name, city, zip, line items (their properties
//   carry what the shopper typed), the SMS tracking code: cleared; region and country stay (roll-ups).
// - Shipment: last location, return label (it prints the customer's address), tracking links that
//   carry the postcode; TrackingEvent: carriers' messages, postcodes, and the city of last-mile scans
//   (and of every scan of a return, which starts at the customer's door).
// - ReturnCase: the decline note and the customer's notes on returned items.
// - Notification: recipient, rendered subject and bodies, personal note, render context, provider
//   errors; OutboxMessage (the dev outbox) rows to the customer: deleted. SmsOptOut: deleted.
// - AnalyticsEvent: the browser id of tracking-page visits of the customer's orders: cleared.
// - ComplianceRequest: the stored export of an earlier customers/data_request: removed.
// - WebhookReceipt (raw bodies, kept 14-30 days): see redactReceipts. Job.lastError and receipt
//   errors: the customer's identifiers replaced.
import type { Db } from "../db.server";
import { dbProvider, Prisma } from "../db.server";
import { redactText } from "../lib/logger.server";
import { normalizePhone } from "../lib/phone";
import { parseWebhookJson } from "./payloads";
import { scanCityIsPersonal } from "./rules/redaction";
import { urlCarriesPostcode } from "../lib/postcode";

interface CustomerRef {
  id: string | null;
  email: string | null;
  phone: string | null;
}

function customerOrderFilter(shopId: string, customer: CustomerRef, orderIds: string[]): Prisma.OrderWhereInput {
  const or: Prisma.OrderWhereInput[] = [];
  if (orderIds.length) or.push({ shopifyId: { in: orderIds } });
  if (customer.id) or.push({ customerShopifyId: customer.id });
  if (customer.email) or.push({ email: customer.email.toLowerCase() });
  return { shopId, OR: or.length ? or : [{ id: "__none__" }] };
}

export async function customerDataRequest(
  db: Db,
  args: { shopDomain: string; webhookId: string; customer: CustomerRef; orderIds: string[] },
): Promise<void> {
  const shop = await db.shop.findUnique({ where: { domain: args.shopDomain }, select: { id: true } });
  const orders = shop
    ? await db.order.findMany({
        where: customerOrderFilter(shop.id, args.customer, args.orderIds),
        include: {
          shipments: { include: { events: { orderBy: { happenedAt: "asc" } } } },
          notifications: {
            select: {
              channel: true,
              milestone: true,
              status: true,
              recipient: true,
              subject: true,
              bodyText: true,
              sentAt: true,
              createdAt: true,
            },
          },
          returnCases: true,
        },
      })
    : [];
  const result = {
    customer: { id: args.customer.id },
    orders: orders.map((o) => ({
      name: o.name,
      email: o.email,
      phone: o.phone,
      firstName: o.customerFirstName,
      locale: o.customerLocale,
      smsConsent: o.smsConsent,
      shippingAddress: { city: o.shipCity, region: o.shipRegion, country: o.shipCountry, zip: o.shipZip },
      placedAt: o.processedAt,
      shipments: o.shipments.map((s) => ({
        carrier: s.carrier,
        trackingNumbers: s.trackingNumbers,
        status: s.subStatus,
        events: s.events.map((e) => ({
          status: e.status,
          at: e.happenedAt,
          city: e.city,
          province: e.province,
          country: e.country,
        })),
      })),
      returns: o.returnCases.map((r) => ({ name: r.name, status: r.status, requestedAt: r.requestedAt })),
      notifications: o.notifications,
    })),
  };
  await db.complianceRequest.upsert({
    where: { webhookId: args.webhookId },
    create: {
      shopDomain: args.shopDomain,
      kind: "customers/data_request",
      webhookId: args.webhookId,
      customerRef: args.customer.id,
      status: "completed",
      result: JSON.parse(JSON.stringify(result)) as Prisma.InputJsonValue,
      completedAt: new Date(),
    },
    update: {},
  });
}

// ───────────────────────────────────────── the customer's traces ─────────────────────────────────────────

/** What identifies the customer in free text: found in their orders, the request and their receipts. */
interface Traces {
  emails: Set<string>; // lower-cased
  phones: Set<string>; // E.164
  /** Shopify ids of the customer, their orders, parcels and returns: how receipts are recognised (not personal themselves). */
  ids: Set<string>;
  /** Names, streets, cities and postcodes, from orders and receipt bodies. */
  words: Set<string>;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A phone written any way ("+1 (617) 555-0142", "617.555.0142"): its national digits with any separators. */
function phonePattern(e164: string): string {
  const national = e164
    .replace(/^\+1(?=\d{10}$)/, "")
    .replace(/^\+\d{1,3}(?=\d{8,})/, "")
    .replace(/\D/g, "");
  return national.split("").join("[\\s().-]{0,3}");
}

/**
 * The customer's identifiers as one pattern. With `words` (names, streets: for scrubbing text, where
 * removing a namesake's name too does no harm); without, only what is theirs alone (email, phone:
 * for deciding whose a record is).
 */
function tracePatterns(traces: Traces, words = true): RegExp | null {
  const parts = [
    ...[...traces.emails].map(escape),
    ...[...traces.phones].map(phonePattern),
    ...(words
      ? [...traces.words].filter((w) => w.length >= 3).map((w) => `(?<![\\p{L}\\d])${escape(w)}(?![\\p{L}\\d])`)
      : []),
  ];
  return parts.length ? new RegExp(parts.join("|"), "giu") : null;
}

/** Free text (an error message) with the customer's identifiers, and anything like an email or phone, replaced. */
function scrubText(text: string, pattern: RegExp | null): string {
  return redactText(pattern ? text.replace(pattern, "[redacted]") : text);
}

/** Whether a raw body mentions the customer: an email or phone of theirs, or their customer or order ids. */
function mentions(raw: string, traces: Traces): boolean {
  const lower = raw.toLowerCase();
  if ([...traces.emails].some((e) => lower.includes(e))) return true;
  if ([...traces.ids].some((id) => new RegExp(`(?<!\\d)${id}(?!\\d)`).test(raw))) return true;
  return [...traces.phones].some((p) => new RegExp(`(?<!\\d)${phonePattern(p)}(?!\\d)`).test(raw));
}

// Keys of Shopify payloads that hold a person's data wherever they appear, and objects in which
// every name-like field is the person's (addresses, the customer). Arrays become empty, the rest null.
const PERSONAL_KEYS = new Set([
  "email",
  "contact_email",
  "customer_email",
  "phone",
  "first_name",
  "last_name",
  "address1",
  "address2",
  "city",
  "zip",
  "company",
  "latitude",
  "longitude",
  "note",
  "customer_note",
  "return_reason_note",
  "message",
  "browser_ip",
  "client_details",
  "landing_site",
  "referring_site",
  "note_attributes",
  "properties",
]);
const PERSON_OBJECTS = new Set([
  "customer",
  "billing_address",
  "shipping_address",
  "default_address",
  "destination",
  "addresses",
]);
const WORD_KEYS = new Set(["first_name", "last_name", "name", "address1", "address2", "city", "zip", "company"]);

/** Names, streets, cities and postcodes of the people in a payload, for scrubbing free text. */
function collectWords(value: unknown, into: Set<string>, inPerson = false): void {
  if (Array.isArray(value)) for (const v of value) collectWords(v, into, inPerson);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === "string" && WORD_KEYS.has(k) && (inPerson || k !== "name") && v.trim()) into.add(v.trim());
      else collectWords(v, into, inPerson || PERSON_OBJECTS.has(k));
    }
  }
}

/** A payload with the person's fields emptied (its shape kept, so a parser can still read the rest). */
function scrubPayload(value: unknown, pattern: RegExp | null, inPerson = false): unknown {
  if (typeof value === "string") return scrubText(value, pattern);
  if (Array.isArray(value)) return value.map((v) => scrubPayload(v, pattern, inPerson));
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (PERSONAL_KEYS.has(k) || (inPerson && k === "name")) out[k] = Array.isArray(v) ? [] : null;
    else out[k] = scrubPayload(v, pattern, inPerson || PERSON_OBJECTS.has(k));
  }
  return out;
}

// ───────────────────────────────────────────── customers/redact ─────────────────────────────────────────────

/** Carrier statuses at or near the customer's door: their location is the customer's. */

export interface RedactCounts {
  orders: number;
  notifications: number;
  receipts: number;
}

export async function customerRedact(
  db: Db,
  args: { shopDomain: string; webhookId: string; customer: CustomerRef; orderIds: string[] },
): Promise<RedactCounts> {
  const shop = await db.shop.findUnique({ where: { domain: args.shopDomain }, select: { id: true } });
  const traces: Traces = { emails: new Set(), phones: new Set(), ids: new Set(args.orderIds), words: new Set() };
  if (args.customer.email) traces.emails.add(args.customer.email.trim().toLowerCase());
  const phone = normalizePhone(args.customer.phone);
  if (phone) traces.phones.add(phone);
  if (args.customer.id) traces.ids.add(args.customer.id);
  let counts: RedactCounts = { orders: 0, notifications: 0, receipts: 0 };
  if (shop) {
    const rows = await redactRows(db, shop.id, args, traces);
    const receipts = await redactReceipts(db, args.shopDomain, args.webhookId, traces);
    await redactStoredTexts(db, args.shopDomain, args.customer.id, traces);
    counts = { ...rows, receipts };
  }
  await db.complianceRequest.upsert({
    where: { webhookId: args.webhookId },
    create: {
      shopDomain: args.shopDomain,
      kind: "customers/redact",
      webhookId: args.webhookId,
      customerRef: args.customer.id,
      status: "completed",
      result: { ...counts },
      completedAt: new Date(),
    },
    update: {},
  });
  // Last, so that a retry after a failure above still has the request's email and phone to match by.
  await scrubOwnReceipt(db, args.webhookId, traces);
  return counts;
}

/** The customer's rows in the shop's tables, in one transaction; adds what identifies them to `traces`. */
async function redactRows(
  db: Db,
  shopId: string,
  args: { customer: CustomerRef; orderIds: string[] },
  traces: Traces,
): Promise<{ orders: number; notifications: number }> {
  return db.$transaction(async (tx) => {
    const orders = await tx.order.findMany({
      where: customerOrderFilter(shopId, args.customer, args.orderIds),
      select: {
        id: true,
        shopifyId: true,
        email: true,
        phone: true,
        customerFirstName: true,
        shipCity: true,
        shipZip: true,
      },
    });
    const ids = orders.map((o) => o.id);
    for (const o of orders) {
      traces.ids.add(o.shopifyId);
      if (o.email) traces.emails.add(o.email.toLowerCase());
      if (o.phone) traces.phones.add(o.phone);
      for (const w of [o.customerFirstName, o.shipCity, o.shipZip]) if (w) traces.words.add(w);
    }
    const cities = new Set(orders.map((o) => o.shipCity?.toLowerCase()).filter(Boolean));
    const zips = orders.map((o) => o.shipZip);
    const orderShopifyIds = orders.map((o) => o.shopifyId).concat(args.orderIds);

    const notes = await tx.notification.findMany({ where: { orderId: { in: ids } }, select: { id: true } });
    const noteIds = notes.map((n) => n.id);
    const addresses = [...traces.emails, ...traces.phones, ...(args.customer.email ? [args.customer.email] : [])];
    await tx.outboxMessage.deleteMany({
      where: { OR: [{ notificationId: { in: noteIds } }, { shopId, to: { in: addresses } }] },
    });
    await tx.notification.updateMany({
      where: { id: { in: noteIds } },
      data: {
        recipient: null,
        subject: null,
        bodyText: null,
        bodyHtml: null,
        personalNote: null,
        context: Prisma.DbNull,
        error: null,
        deliveryError: null,
      },
    });
    await tx.order.updateMany({
      where: { id: { in: ids } },
      data: {
        email: null,
        phone: null,
        customerShopifyId: null,
        customerFirstName: null,
        shipZip: null,
        shipCity: null,
        lineItems: Prisma.DbNull,
        trackingCode: null,
        redactedAt: new Date(),
      },
    });

    // Shipments of the orders, and those that arrived before their order (still unlinked).
    const shipments = await tx.shipment.findMany({
      where: { shopId, OR: [{ orderId: { in: ids } }, { orderId: null, orderShopifyId: { in: orderShopifyIds } }] },
      select: { id: true, kind: true, trackingUrls: true, shopifyFulfillmentId: true, reverseDeliveryId: true },
    });
    for (const s of shipments) {
      // Receipts about a parcel may name only it (reverse deliveries name the return, not the order).
      for (const id of [s.shopifyFulfillmentId, s.reverseDeliveryId]) if (id) traces.ids.add(id);
      // Some carriers' tracking links carry the destination postcode (PostNL, DPD).
      const urls = Array.isArray(s.trackingUrls)
        ? s.trackingUrls.filter((u): u is string => typeof u === "string")
        : null;
      const kept = urls?.filter((u) => !zips.some((z) => urlCarriesPostcode(u, z)));
      await tx.shipment.update({
        where: { id: s.id },
        data: {
          lastLocation: null,
          returnLabelUrl: null,
          ...(urls && kept && kept.length !== urls.length ? { trackingUrls: kept } : {}),
        },
      });
    }
    const shipmentIds = shipments.map((s) => s.id);
    const returnIds = new Set(shipments.filter((s) => s.kind === "return").map((s) => s.id));
    const events = await tx.trackingEvent.findMany({
      where: { shipmentId: { in: shipmentIds } },
      select: { id: true, shipmentId: true, status: true, city: true },
    });
    const atTheDoor = events.filter(
      (e) =>
        scanCityIsPersonal(returnIds.has(e.shipmentId) ? "return" : "outbound", e.status) ||
        (e.city && cities.has(e.city.toLowerCase())),
    );
    await tx.trackingEvent.updateMany({
      where: { shipmentId: { in: shipmentIds } },
      data: { zip: null, message: null },
    });
    await tx.trackingEvent.updateMany({ where: { id: { in: atTheDoor.map((e) => e.id) } }, data: { city: null } });

    const returns = await tx.returnCase.findMany({
      where: { shopId, OR: [{ orderId: { in: ids } }, { orderShopifyId: { in: orderShopifyIds } }] },
      select: { id: true, shopifyReturnId: true, lineItems: true },
    });
    for (const r of returns) {
      traces.ids.add(r.shopifyReturnId);
      const items = Array.isArray(r.lineItems)
        ? r.lineItems.map((li) =>
            li && typeof li === "object" && !Array.isArray(li) ? { ...li, reasonNote: null, customerNote: null } : li,
          )
        : null;
      await tx.returnCase.update({
        where: { id: r.id },
        data: { declineNote: null, ...(items ? { lineItems: items as Prisma.InputJsonValue } : {}) },
      });
    }
    await tx.analyticsEvent.updateMany({ where: { shopId, orderId: { in: ids } }, data: { visitorId: null } });
    if (traces.phones.size) await tx.smsOptOut.deleteMany({ where: { shopId, phone: { in: [...traces.phones] } } });
    return { orders: ids.length, notifications: noteIds.length };
  });
}

const RECEIPT_PAGE = 200;

/**
 * The customer's webhook receipts (raw bodies: name, addresses, phone, email). Processed ones are
 * deleted: they did their work, retention would delete them within days, and a redacted copy would
 * serve no one. Those not processed yet (received, or failed and waiting for a replay) keep their
 * place but lose the person: the body is rewritten with every personal field emptied, so processing
 * or replaying still applies what is left (a fulfillment's status, tracking numbers); a body that
 * is not JSON cannot be rewritten and is removed, its receipt failed with the reason.
 *
 * Receipts are found by a scan of the shop's receipts (all are within retention, 14-30 days):
 * the database narrows it with LIKE on the customer's email, phone and ids (case-insensitive for
 * the email on both providers: PostgreSQL needs `mode: "insensitive"`, SQLite's LIKE already is
 * and rejects the option), then each candidate is confirmed in JS with digit boundaries.
 */
async function redactReceipts(db: Db, shopDomain: string, ownWebhookId: string, traces: Traces): Promise<number> {
  const insensitive = dbProvider(db) === "postgresql" ? { mode: "insensitive" as const } : {};
  const tokens = [
    ...traces.emails,
    ...traces.phones,
    ...[...traces.phones].map((p) => p.replace(/^\+1(?=\d{10}$)/, "")),
    ...traces.ids,
  ];
  if (tokens.length === 0) return 0;
  const matched: { id: string; status: string; rawBody: string; error: string | null }[] = [];
  for (let after = ""; ;) {
    const page = await db.webhookReceipt.findMany({
      where: {
        shopDomain,
        webhookId: { not: ownWebhookId },
        id: { gt: after },
        OR: tokens.map((t) => ({ rawBody: { contains: t, ...insensitive } })),
      },
      select: { id: true, status: true, rawBody: true, error: true },
      orderBy: { id: "asc" },
      take: RECEIPT_PAGE,
    });
    matched.push(...page.filter((r) => mentions(r.rawBody, traces)));
    if (page.length < RECEIPT_PAGE) break;
    after = page[page.length - 1]!.id;
  }
  // Every name and street the bodies carry, so errors quoting them can be cleaned too.
  const bodies = matched.map((r) => ({ ...r, json: tryParse(r.rawBody) }));
  for (const b of bodies) if (b.json !== undefined) collectWords(b.json, traces.words);
  const pattern = tracePatterns(traces);
  for (const b of bodies) {
    if (b.status === "processed") {
      await db.webhookReceipt.deleteMany({ where: { id: b.id, status: "processed" } });
    } else if (b.json !== undefined) {
      await db.webhookReceipt.update({
        where: { id: b.id },
        data: { rawBody: JSON.stringify(scrubPayload(b.json, pattern)), error: b.error && scrubText(b.error, pattern) },
      });
    } else {
      await db.webhookReceipt.update({
        where: { id: b.id },
        data: { rawBody: "", status: "failed", error: "body removed by customers/redact (it was not valid JSON)" },
      });
    }
  }
  return matched.length;
}

function tryParse(raw: string): unknown {
  try {
    return parseWebhookJson(raw);
  } catch {
    return undefined;
  }
}

/**
 * Error texts that may quote the customer (a failed job's last error), and the stored export of an
 * earlier customers/data_request for them (the whole of their data, kept until now).
 */
async function redactStoredTexts(db: Db, shopDomain: string, customerId: string | null, traces: Traces): Promise<void> {
  const pattern = tracePatterns(traces);
  const jobs = await db.job.findMany({
    where: { shopDomain, lastError: { not: null } },
    select: { id: true, lastError: true },
  });
  for (const j of jobs) {
    const cleaned = scrubText(j.lastError!, pattern);
    if (cleaned !== j.lastError) await db.job.update({ where: { id: j.id }, data: { lastError: cleaned } });
  }
  const theirs = tracePatterns(traces, false);
  const requests = await db.complianceRequest.findMany({
    where: { shopDomain, kind: "customers/data_request", result: { not: Prisma.DbNull } },
    select: { id: true, customerRef: true, result: true },
  });
  for (const r of requests) {
    const text = JSON.stringify(r.result);
    if ((customerId && r.customerRef === customerId) || (theirs && new RegExp(theirs.source, "iu").test(text))) {
      await db.complianceRequest.update({ where: { id: r.id }, data: { result: { removed: "customers/redact" } } });
    }
  }
}

/** The redact request's own receipt: kept (it is being processed) but without the email and phone it names. */
async function scrubOwnReceipt(db: Db, webhookId: string, traces: Traces): Promise<void> {
  const own = await db.webhookReceipt.findUnique({ where: { webhookId }, select: { id: true, rawBody: true } });
  const json = own && tryParse(own.rawBody);
  if (!own || json === undefined) return;
  await db.webhookReceipt.update({
    where: { id: own.id },
    data: { rawBody: JSON.stringify(scrubPayload(json, tracePatterns(traces))) },
  });
}

/** Everything of the shop goes: its rows (cascading from Shop), sessions, receipts and jobs. */
export async function shopRedact(db: Db, args: { shopDomain: string; webhookId: string }): Promise<void> {
  await db.$transaction([
    db.shop.deleteMany({ where: { domain: args.shopDomain } }),
    db.session.deleteMany({ where: { shop: args.shopDomain } }),
    db.webhookReceipt.deleteMany({ where: { shopDomain: args.shopDomain, webhookId: { not: args.webhookId } } }),
    db.job.deleteMany({ where: { shopDomain: args.shopDomain, status: { not: "running" } } }),
    db.complianceRequest.deleteMany({ where: { shopDomain: args.shopDomain } }),
    db.complianceRequest.create({
      data: {
        shopDomain: args.shopDomain,
        kind: "shop/redact",
        webhookId: args.webhookId,
        status: "completed",
        completedAt: new Date(),
      },
    }),
  ]);
}
