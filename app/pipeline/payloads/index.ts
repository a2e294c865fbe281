// Shopify webhook payloads → plain records and ShipmentFacts. Pure: zod schemas that accept Shopify's
// real REST-shaped bodies (extra fields ignored, nulls tolerated) but insist on what we rely on, and
// throw PayloadError naming the topic and the field when a body is not what we expect.
//
// Shapes follow Shopify's documented webhook examples (webhook reference, API 2025-01, the newest
// version whose example bodies we could consult; later versions only add fields).
//
// Rules worth knowing (each is also stated where it is applied):
// - Ids: every id is the numeric id as a string. `admin_graphql_api_id` is preferred over `id`,
//   because ids above 2^53 lose digits as JS numbers; a bare numeric id beyond 2^53 is rejected.
//   parseWebhookJson() keeps such big integers as strings when parsing a raw body.
// - Times: ISO-8601 with an explicit offset (or Z) only; converted to the instant they name.
// - Money: decimal strings ("19.99") → integer hundredths, exactly (no floating point).
// - Fact keys are derived from immutable payload content only, so the same payload always gives
//   the same keys, whichever topic carried it (an order's embedded fulfillment gives the same keys
//   as the fulfillments/* webhook with the same updated_at).
import { z } from "zod";
import { type ShipmentFact } from "../rules/types";

// ───────────────────────────────────────────── topics ─────────────────────────────────────────────

export const ORDER_TOPICS = ["orders/create", "orders/updated", "orders/cancelled", "orders/fulfilled", "orders/paid"] as const;
export const FULFILLMENT_TOPICS = ["fulfillments/create", "fulfillments/update"] as const;
export const RETURN_TOPICS = ["returns/request", "returns/approve", "returns/decline", "returns/cancel", "returns/close"] as const;
export const SUPPORTED_TOPICS = [
  ...ORDER_TOPICS,
  ...FULFILLMENT_TOPICS,
  "fulfillment_events/create",
  ...RETURN_TOPICS,
  "reverse_deliveries/attach_deliverable",
  "reverse_fulfillment_orders/dispose",
  "refunds/create",
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

export type OrderTopic = (typeof ORDER_TOPICS)[number];
export type FulfillmentTopic = (typeof FULFILLMENT_TOPICS)[number];
export type ReturnTopic = (typeof RETURN_TOPICS)[number];
export type SupportedTopic = (typeof SUPPORTED_TOPICS)[number];

export function isSupportedTopic(topic: string): topic is SupportedTopic {
  return (SUPPORTED_TOPICS as readonly string[]).includes(topic);
}

// ───────────────────────────────────────────── errors ─────────────────────────────────────────────

/** A payload that is not what we expect. `field` is a path like "line_items[0].id" ("body" for the whole). */
export class PayloadError extends Error {
  override readonly name = "PayloadError";
  readonly topic: string;
  readonly field: string;
  readonly reason: string;

  constructor(topic: string, field: string, reason: string) {
    super(`${topic} payload: ${field} ${reason}`);
    this.topic = topic;
    this.field = field;
    this.reason = reason;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  return typeof value === "object" ? "an object" : typeof value;
}

function formatPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out ? `.${part}` : part;
  return out || "body";
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[part];
  }
  return cur;
}

function issueReason(issue: z.ZodIssue, value: unknown): string {
  if (value === undefined) return "is missing";
  if (value === null) return "must not be null";
  if (issue.code === z.ZodIssueCode.invalid_type) return `must be ${article(issue.expected)}, got ${describe(value)}`;
  if (issue.code === z.ZodIssueCode.custom) return `${issue.message}, got ${describe(value)}`;
  if (issue.code === z.ZodIssueCode.invalid_union) return `has the wrong type: ${describe(value)}`;
  return `is invalid (${issue.message}): ${describe(value)}`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function parseWith<S extends z.ZodTypeAny>(schema: S, json: unknown, topic: string): z.output<S> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new PayloadError(topic, "body", `must be a JSON object, got ${describe(json)}`);
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data as z.output<S>;
  const issue = result.error.issues[0];
  if (!issue) throw new PayloadError(topic, "body", "is invalid");
  throw new PayloadError(topic, formatPath(issue.path), issueReason(issue, valueAt(json, issue.path)));
}

// ───────────────────────────────────────── values: ids, times, money ─────────────────────────────────────────

const GID = /^gid:\/\/shopify\/[A-Za-z]+\/(\d+)(?:\?.*)?$/;

function idString(value: unknown): string | null {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value > 0 ? String(value) : null;
  }
  if (typeof value === "string") {
    const s = value.trim();
    if (/^\d+$/.test(s) && !/^0+$/.test(s)) return s.replace(/^0+/, "");
    const m = GID.exec(s);
    if (m?.[1] && !/^0+$/.test(m[1])) return m[1].replace(/^0+/, "");
  }
  return null;
}

function idProblem(value: unknown): string {
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return `is beyond 2^53 and has lost digits (${value}); read the body with parseWebhookJson() or use admin_graphql_api_id`;
  }
  return `must be a numeric id or a gid://shopify/... id, got ${describe(value)}`;
}

/**
 * The numeric id of a Shopify id: 123, "123" or "gid://shopify/Order/123" → "123".
 * Throws PayloadError for anything else (including numbers that lost precision beyond 2^53).
 */
export function numericId(idOrGid: string | number): string {
  const id = idString(idOrGid);
  if (id === null) throw new PayloadError("id", "value", idProblem(idOrGid));
  return id;
}

/** The id of a Shopify object, preferring its gid (exact) over its numeric id (may be a lossy number). */
function objectId(topic: string, path: string, obj: { id?: unknown; admin_graphql_api_id?: unknown }): string {
  if (typeof obj.admin_graphql_api_id === "string" && obj.admin_graphql_api_id) {
    const fromGid = idString(obj.admin_graphql_api_id);
    if (fromGid === null) throw new PayloadError(topic, join(path, "admin_graphql_api_id"), idProblem(obj.admin_graphql_api_id));
    return fromGid;
  }
  return requiredId(topic, join(path, "id"), obj.id);
}

function requiredId(topic: string, path: string, value: unknown): string {
  if (value === undefined) throw new PayloadError(topic, path, "is missing");
  if (value === null) throw new PayloadError(topic, path, "must not be null");
  const id = idString(value);
  if (id === null) throw new PayloadError(topic, path, idProblem(value));
  return id;
}

function optionalId(topic: string, path: string, value: unknown): string | null {
  return value === undefined || value === null ? null : requiredId(topic, path, value);
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * An ISO-8601 time with an explicit offset ("2026-11-20T10:15:00-05:00", "...Z", nanosecond
 * fractions as in X-Shopify-Triggered-At) → Date, or null when it is not one. Times without an
 * offset are refused: they do not name an instant.
 */
export function parseShopifyTime(value: string): Date | null {
  const m = ISO_TIME.exec(value.trim());
  if (!m) return null;
  const [, minute, seconds = "00", fraction = "", zone = "Z"] = m;
  const ms = (fraction + "000").slice(0, 3);
  const offset = zone.toUpperCase() === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = Date.parse(`${minute}:${seconds}.${ms}${offset}`);
  return Number.isNaN(t) ? null : new Date(t);
}

/** X-Shopify-Triggered-At → Date (null when absent or unreadable). */
export function parseTriggeredAt(header: string | null | undefined): Date | null {
  return header ? parseShopifyTime(header) : null;
}

const MONEY = /^(-)?(\d+)(?:\.(\d*))?$/;

/**
 * A Shopify amount ("19.99", "10.0", "199", or a JSON number) → integer hundredths of the currency
 * unit, exactly, rounding half away from zero past the second decimal. Null when it is not an amount.
 */
export function moneyToCents(amount: string | number): number | null {
  const text = typeof amount === "number" ? (Number.isFinite(amount) ? amount.toFixed(6) : "") : amount.trim();
  const m = MONEY.exec(text);
  if (!m) return null;
  const [, minus, whole = "0", frac = ""] = m;
  const digits = (frac + "000").slice(0, 3);
  let cents = Number(whole) * 100 + Number(digits.slice(0, 2));
  if (Number(digits[2]) >= 5) cents += 1;
  if (!Number.isSafeInteger(cents)) return null;
  return minus && cents !== 0 ? -cents : cents;
}

// zod building blocks. Ids stay raw here and are converted (gid preferred) when records are built.
const Id = z.union([z.number(), z.string()]);
const Gid = z.string().nullish();
const IsoTime = z
  .string()
  .refine((s) => parseShopifyTime(s) !== null, { message: "must be an ISO-8601 time with an offset" })
  .transform((s) => parseShopifyTime(s) as Date);
const Money = z
  .union([z.string(), z.number()])
  .refine((v) => moneyToCents(v) !== null, { message: "must be a decimal amount" })
  .transform((v) => moneyToCents(v) as number);
const Text = z.string().nullish();
const Ref = z.object({ id: Id.nullish(), admin_graphql_api_id: Gid });

function text(value: string | null | undefined): string | null {
  const s = value?.trim();
  return s ? s : null;
}

// ──────────────────────────────────────────── fulfillments ────────────────────────────────────────────

const FulfillmentSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  order_id: Id.nullish(),
  name: Text,
  status: z.string(),
  shipment_status: Text,
  tracking_company: Text,
  tracking_number: Text,
  tracking_numbers: z.array(z.string().nullable()).nullish(),
  tracking_url: Text,
  tracking_urls: z.array(z.string().nullable()).nullish(),
  service: Text,
  created_at: IsoTime,
  updated_at: IsoTime.nullish(),
  location_id: Id.nullish(),
  line_items: z.array(Ref.extend({ id: Id, quantity: z.number().int().nonnegative().nullish() })).nullish(),
});
type FulfillmentPayload = z.output<typeof FulfillmentSchema>;

export interface FulfillmentRecord {
  shopifyId: string;
  orderShopifyId: string;
  /** "#1001.1" */
  name: string | null;
  /** Shopify's fulfillment status: pending | open | success | cancelled | error | failure. */
  status: string;
  /** The carrier's latest status as Shopify holds it (in_transit, delivered, ...), or null. */
  shipmentStatus: string | null;
  trackingCompany: string | null;
  /** Distinct, in Shopify's order; `tracking_number` when `tracking_numbers` is empty. */
  trackingNumbers: string[];
  trackingUrls: string[];
  service: string | null;
  createdAt: Date;
  /** updated_at, or created_at when absent. */
  updatedAt: Date;
  lineItemIds: string[];
  /** The order's line items in this fulfillment, with the quantity it carries of each. */
  lineItems: { id: string; quantity: number }[];
  locationId: string | null;
}

function distinct(values: readonly (string | null | undefined)[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    const s = text(v);
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

function fulfillmentRecord(topic: string, path: string, f: FulfillmentPayload, orderId: string | null): FulfillmentRecord {
  const orderShopifyId = f.order_id !== undefined && f.order_id !== null ? requiredId(topic, join(path, "order_id"), f.order_id) : orderId;
  if (orderShopifyId === null) throw new PayloadError(topic, join(path, "order_id"), "is missing");
  const numbers = distinct(f.tracking_numbers ?? []);
  const urls = distinct(f.tracking_urls ?? []);
  return {
    shopifyId: objectId(topic, path, f),
    orderShopifyId,
    name: text(f.name),
    status: f.status.trim().toLowerCase(),
    shipmentStatus: text(f.shipment_status)?.toLowerCase() ?? null,
    trackingCompany: text(f.tracking_company),
    trackingNumbers: numbers.length > 0 ? numbers : distinct([f.tracking_number]),
    trackingUrls: urls.length > 0 ? urls : distinct([f.tracking_url]),
    service: text(f.service),
    createdAt: f.created_at,
    updatedAt: f.updated_at ?? f.created_at,
    lineItemIds: (f.line_items ?? []).map((li, i) => objectId(topic, `${join(path, "line_items")}[${i}]`, li)),
    lineItems: (f.line_items ?? []).map((li, i) => ({ id: objectId(topic, `${join(path, "line_items")}[${i}]`, li), quantity: li.quantity ?? 1 })),
    locationId: optionalId(topic, join(path, "location_id"), f.location_id),
  };
}

/** fulfillments/create and fulfillments/update. */
export function parseFulfillment(json: unknown, topic: FulfillmentTopic | string = "fulfillments/update"): FulfillmentRecord {
  return fulfillmentRecord(topic, "", parseWith(FulfillmentSchema, json, topic), null);
}

/**
 * The status of the fact recorded at a fulfillment's created_at. Constant on purpose: a fact key
 * must always carry the same content, and created_at is the only immutable time a fulfillment has.
 * Shopify creates a fulfillment when items are packed/labelled, hence "label_purchased".
 */
export const FULFILLMENT_CREATED_STATUS = "label_purchased";

/**
 * Facts from a fulfillment:
 * - `label_purchased` at created_at, key `f:<id>:created` (the label/packing moment);
 * - `fulfillment_<status>` at updated_at, key `f:<id>:<status>:<updated_at ISO>`;
 * - the shipment_status itself (in_transit, delivered, ...) at updated_at when present,
 *   key `f:<id>:shipment:<shipment_status>:<updated_at ISO>`.
 * All with source "fulfillment". A fulfillments/update with a new updated_at gives new keys.
 */
export function factsFromFulfillment(rec: FulfillmentRecord): ShipmentFact[] {
  const updated = rec.updatedAt.toISOString();
  const facts: ShipmentFact[] = [
    { key: `f:${rec.shopifyId}:created`, source: "fulfillment", status: FULFILLMENT_CREATED_STATUS, at: rec.createdAt },
    { key: `f:${rec.shopifyId}:${rec.status}:${updated}`, source: "fulfillment", status: `fulfillment_${rec.status}`, at: rec.updatedAt },
  ];
  if (rec.shipmentStatus) {
    facts.push({
      key: `f:${rec.shopifyId}:shipment:${rec.shipmentStatus}:${updated}`,
      source: "fulfillment",
      status: rec.shipmentStatus,
      at: rec.updatedAt,
    });
  }
  return facts;
}

// ──────────────────────────────────────────────── orders ────────────────────────────────────────────────

const AddressSchema = z
  .object({
    first_name: Text,
    phone: Text,
    city: Text,
    province_code: Text,
    country_code: Text,
    zip: Text,
  })
  .nullish();

const PropertySchema = z.object({
  name: z.string(),
  value: z.union([z.string(), z.number(), z.boolean()]).nullish(),
});

const LineItemSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  product_id: Id.nullish(),
  variant_id: Id.nullish(),
  title: z.string(),
  quantity: z.number().int(),
  sku: Text,
  requires_shipping: z.boolean().nullish(),
  properties: z.array(PropertySchema).nullish(),
});

const ShippingLineSchema = z.object({
  title: Text,
  code: Text,
  source: Text,
  is_removed: z.boolean().nullish(),
});

const OrderSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  name: z.string(),
  order_number: z.number().int(),
  email: Text,
  contact_email: Text,
  phone: Text,
  customer: z
    .object({
      id: Id,
      admin_graphql_api_id: Gid,
      first_name: Text,
      email: Text,
      phone: Text,
      sms_marketing_consent: z.object({ state: Text }).nullish(),
    })
    .nullish(),
  customer_locale: Text,
  buyer_accepts_sms_marketing: z.boolean().nullish(),
  financial_status: Text,
  fulfillment_status: Text,
  total_price: Money,
  currency: z.string(),
  line_items: z.array(LineItemSchema),
  shipping_lines: z.array(ShippingLineSchema).nullish(),
  shipping_address: AddressSchema,
  billing_address: AddressSchema,
  created_at: IsoTime,
  processed_at: IsoTime.nullish(),
  updated_at: IsoTime.nullish(),
  cancelled_at: IsoTime.nullish(),
  cancel_reason: Text,
  fulfillments: z.array(FulfillmentSchema).nullish(),
});
type OrderPayload = z.output<typeof OrderSchema>;

export type DeliveryMethod = "local_pickup" | "local_delivery" | "shipping" | "none";

export interface OrderLineItem {
  id: string;
  productId: string | null;
  variantId: string | null;
  title: string;
  quantity: number;
  sku: string | null;
  requiresShipping: boolean;
  /** Line item properties, values as strings (including hidden "_" ones). */
  properties: Record<string, string>;
}

export interface ShipTo {
  city: string | null;
  /** province_code, e.g. "MA" */
  region: string | null;
  /** country_code, e.g. "US" */
  country: string | null;
  zip: string | null;
}

export interface OrderRecord {
  shopifyId: string;
  /** "#1001" */
  name: string;
  orderNumber: number;
  /** Lower-cased: email, else contact_email, else the customer's email. */
  email: string | null;
  /** Raw, not normalised: order phone, else shipping address, else billing address, else customer phone. */
  phone: string | null;
  customerShopifyId: string | null;
  /** The customer's first name, else the shipping then billing address's. */
  customerFirstName: string | null;
  /** customer_locale, e.g. "en-US". */
  customerLocale: string | null;
  /** customer.sms_marketing_consent.state === "subscribed", or buyer_accepts_sms_marketing === true when present. */
  smsConsent: boolean;
  financialStatus: string | null;
  /** null (unfulfilled) | partial | fulfilled | restocked */
  fulfillmentStatus: string | null;
  deliveryMethod: DeliveryMethod;
  /** total_price in hundredths. */
  totalCents: number;
  currency: string;
  lineItems: OrderLineItem[];
  /** From shipping_address; every field null when there is none (local pickup, digital goods). */
  ship: ShipTo;
  /** processed_at, else created_at. */
  processedAt: Date;
  /** updated_at, else processed_at/created_at. Newer payloads win over older ones by this. */
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: string | null;
  /** `_waypoint_order` of the first line item whose `_waypoint_source` is "tracking_page", else null. */
  attributedFromOrder: string | null;
  /** Fulfillments embedded in the order payload (same records as the fulfillments/* topics give). */
  fulfillments: FulfillmentRecord[];
}

export const ATTRIBUTION_SOURCE_PROPERTY = "_waypoint_source";
export const ATTRIBUTION_ORDER_PROPERTY = "_waypoint_order";
export const ATTRIBUTION_SOURCE_TRACKING_PAGE = "tracking_page";

const PICKUP_WORDS = /\b(?:pick[\s-]?up|click\s*(?:&|and|\+)\s*collect|collect\s+in[\s-]store|in[\s-]store\s+pick)/i;
const LOCAL_DELIVERY_WORDS = /\blocal\s+delivery\b/i;

/**
 * How the order reaches the customer. Shopify's REST order has no delivery-method field (the
 * shipping line's delivery_category was removed in 2023-07, and REST fulfillments carry none), so:
 * 1. no line item requires shipping → "none" (digital goods, gift cards, services);
 * 2. a shipping line (not removed) whose title/code says local delivery → "local_delivery";
 * 3. a shipping line whose title/code says pickup / click & collect → "local_pickup";
 * 4. a physical order with no shipping address but a shipping line → "local_pickup" (Shopify's
 *    local pickup checkout collects no shipping address; its line is titled after the location);
 * 5. otherwise → "shipping".
 */
export function deliveryMethodOf(order: {
  line_items: readonly { requires_shipping?: boolean | null }[];
  shipping_lines?: readonly { title?: string | null; code?: string | null; is_removed?: boolean | null }[] | null;
  shipping_address?: unknown;
}): DeliveryMethod {
  const physical = order.line_items.some((li) => li.requires_shipping !== false);
  if (!physical) return "none";
  const lines = (order.shipping_lines ?? []).filter((l) => l.is_removed !== true);
  const words = lines.map((l) => `${l.title ?? ""} ${l.code ?? ""}`);
  if (words.some((w) => LOCAL_DELIVERY_WORDS.test(w))) return "local_delivery";
  if (words.some((w) => PICKUP_WORDS.test(w))) return "local_pickup";
  if (lines.length > 0 && (order.shipping_address === null || order.shipping_address === undefined)) return "local_pickup";
  return "shipping";
}

function properties(list: readonly z.output<typeof PropertySchema>[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of list ?? []) {
    if (p.value === null || p.value === undefined) continue;
    out[p.name] = String(p.value);
  }
  return out;
}

function orderRecord(topic: string, o: OrderPayload): OrderRecord {
  const shopifyId = objectId(topic, "", o);
  const lineItems: OrderLineItem[] = o.line_items.map((li, i) => ({
    id: objectId(topic, `line_items[${i}]`, li),
    productId: optionalId(topic, `line_items[${i}].product_id`, li.product_id),
    variantId: optionalId(topic, `line_items[${i}].variant_id`, li.variant_id),
    title: li.title,
    quantity: li.quantity,
    sku: text(li.sku),
    requiresShipping: li.requires_shipping !== false,
    properties: properties(li.properties),
  }));
  const attributed = lineItems.find((li) => li.properties[ATTRIBUTION_SOURCE_PROPERTY] === ATTRIBUTION_SOURCE_TRACKING_PAGE);
  const ship = o.shipping_address;
  const email = text(o.email) ?? text(o.contact_email) ?? text(o.customer?.email);
  return {
    shopifyId,
    name: o.name,
    orderNumber: o.order_number,
    email: email ? email.toLowerCase() : null,
    phone: text(o.phone) ?? text(ship?.phone) ?? text(o.billing_address?.phone) ?? text(o.customer?.phone),
    customerShopifyId: o.customer ? objectId(topic, "customer", o.customer) : null,
    customerFirstName: text(o.customer?.first_name) ?? text(ship?.first_name) ?? text(o.billing_address?.first_name),
    customerLocale: text(o.customer_locale),
    smsConsent: o.customer?.sms_marketing_consent?.state?.toLowerCase() === "subscribed" || o.buyer_accepts_sms_marketing === true,
    financialStatus: text(o.financial_status),
    fulfillmentStatus: text(o.fulfillment_status),
    deliveryMethod: deliveryMethodOf(o),
    totalCents: o.total_price,
    currency: o.currency,
    lineItems,
    ship: {
      city: text(ship?.city),
      region: text(ship?.province_code),
      country: text(ship?.country_code)?.toUpperCase() ?? null,
      zip: text(ship?.zip),
    },
    processedAt: o.processed_at ?? o.created_at,
    updatedAt: o.updated_at ?? o.processed_at ?? o.created_at,
    cancelledAt: o.cancelled_at ?? null,
    cancelReason: text(o.cancel_reason),
    attributedFromOrder: attributed ? text(attributed.properties[ATTRIBUTION_ORDER_PROPERTY]) : null,
    fulfillments: (o.fulfillments ?? []).map((f, i) => fulfillmentRecord(topic, `fulfillments[${i}]`, f, shopifyId)),
  };
}

/** orders/create, orders/updated, orders/cancelled, orders/fulfilled, orders/paid. */
export function parseOrder(json: unknown, topic: OrderTopic | string = "orders/updated"): OrderRecord {
  return orderRecord(topic, parseWith(OrderSchema, json, topic));
}

// ──────────────────────────────────────────── fulfillment events ────────────────────────────────────────────

const FulfillmentEventSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  fulfillment_id: Id,
  order_id: Id,
  status: z.string(),
  happened_at: IsoTime.nullish(),
  created_at: IsoTime.nullish(),
  city: Text,
  province: Text,
  country: Text,
  zip: Text,
  message: Text,
  estimated_delivery_at: IsoTime.nullish(),
  latitude: z.number().nullish(),
  longitude: z.number().nullish(),
});

export interface FulfillmentEventRecord {
  shopifyId: string;
  fulfillmentShopifyId: string;
  orderShopifyId: string;
  /** FulfillmentEventStatus in lower case: in_transit, out_for_delivery, delivered, ... */
  status: string;
  /** happened_at, else created_at. */
  happenedAt: Date;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
  message: string | null;
  estimatedDeliveryAt: Date | null;
  latitude: number | null;
  longitude: number | null;
}

/** fulfillment_events/create. */
export function parseFulfillmentEvent(json: unknown, topic = "fulfillment_events/create"): FulfillmentEventRecord {
  const e = parseWith(FulfillmentEventSchema, json, topic);
  const happenedAt = e.happened_at ?? e.created_at;
  if (!happenedAt) throw new PayloadError(topic, "happened_at", "is missing (and so is created_at)");
  return {
    shopifyId: objectId(topic, "", e),
    fulfillmentShopifyId: requiredId(topic, "fulfillment_id", e.fulfillment_id),
    orderShopifyId: requiredId(topic, "order_id", e.order_id),
    status: e.status.trim().toLowerCase(),
    happenedAt,
    city: text(e.city),
    province: text(e.province),
    country: text(e.country),
    zip: text(e.zip),
    message: text(e.message),
    estimatedDeliveryAt: e.estimated_delivery_at ?? null,
    latitude: e.latitude ?? null,
    longitude: e.longitude ?? null,
  };
}

/** The carrier event as a fact: key `fe:<event id>`, at happened_at, source "fulfillment_event". */
export function factFromFulfillmentEvent(rec: FulfillmentEventRecord): ShipmentFact {
  return {
    key: `fe:${rec.shopifyId}`,
    source: "fulfillment_event",
    status: rec.status,
    at: rec.happenedAt,
    estimatedDeliveryAt: rec.estimatedDeliveryAt,
    message: rec.message,
    city: rec.city,
    province: rec.province,
    country: rec.country,
    zip: rec.zip,
  };
}

// ──────────────────────────────────────────────── returns ────────────────────────────────────────────────

const ReturnLineItemSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  fulfillment_line_item: Ref.extend({ line_item: Ref.nullish() }).nullish(),
  quantity: z.number().int(),
  return_reason: Text,
  return_reason_note: Text,
  customer_note: Text,
});

const ReturnSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  name: Text,
  status: Text,
  order: Ref.nullish(),
  order_id: Id.nullish(),
  decline: z.object({ reason: Text, note: Text }).nullish(),
  return_line_items: z.array(ReturnLineItemSchema).nullish(),
  updated_at: IsoTime.nullish(),
  created_at: IsoTime.nullish(),
});

export interface ReturnLineItemRecord {
  /** ReturnLineItem id. */
  id: string;
  fulfillmentLineItemId: string | null;
  /** The order's LineItem id. */
  lineItemId: string | null;
  quantity: number;
  reason: string | null;
  reasonNote: string | null;
  customerNote: string | null;
}

export interface ReturnRecord {
  shopifyReturnId: string;
  /**
   * From `order` (returns/request, returns/approve) or `order_id` (returns/cancel, returns/close).
   * returns/decline carries neither: null there, find the return by its id.
   */
  orderShopifyId: string | null;
  /** "#1001-R1" (null in some payloads). */
  name: string | null;
  /** The payload's own status: requested | open | declined | canceled | closed. */
  status: string | null;
  declineReason: string | null;
  declineNote: string | null;
  /** Empty for topics whose payload lists none (decline, cancel, close). */
  lineItems: ReturnLineItemRecord[];
  /**
   * None of the five return payloads carries a time (checked against Shopify's examples), so this
   * is X-Shopify-Triggered-At; a payload's own updated_at/created_at is used first if one appears.
   */
  at: Date;
  topic: ReturnTopic;
}

const RETURN_FACT_STATUS: Record<ReturnTopic, string> = {
  "returns/request": "return_requested",
  "returns/approve": "return_approved",
  "returns/decline": "return_declined",
  "returns/cancel": "return_cancelled",
  "returns/close": "return_closed",
};

function isReturnTopic(topic: string): topic is ReturnTopic {
  return (RETURN_TOPICS as readonly string[]).includes(topic);
}

function timeOrTriggered(topic: string, own: Date | null | undefined, triggeredAt: Date | null): Date {
  const at = own ?? triggeredAt;
  if (!at || Number.isNaN(at.getTime())) {
    throw new PayloadError(topic, "body", "carries no time of its own and no X-Shopify-Triggered-At was given");
  }
  return at;
}

/** returns/request, returns/approve, returns/decline, returns/cancel, returns/close. */
export function parseReturn(json: unknown, topic: ReturnTopic, triggeredAt: Date | null): ReturnRecord {
  if (!isReturnTopic(topic)) throw new PayloadError(String(topic), "topic", "is not a returns/* topic we handle");
  const r = parseWith(ReturnSchema, json, topic);
  const orderShopifyId = r.order ? objectId(topic, "order", r.order) : optionalId(topic, "order_id", r.order_id);
  return {
    shopifyReturnId: objectId(topic, "", r),
    orderShopifyId,
    name: text(r.name),
    status: text(r.status)?.toLowerCase() ?? null,
    declineReason: text(r.decline?.reason),
    declineNote: text(r.decline?.note),
    lineItems: (r.return_line_items ?? []).map((li, i) => {
      const path = `return_line_items[${i}]`;
      const fli = li.fulfillment_line_item;
      return {
        id: objectId(topic, path, li),
        fulfillmentLineItemId: fli && (fli.id != null || fli.admin_graphql_api_id) ? objectId(topic, `${path}.fulfillment_line_item`, fli) : null,
        lineItemId:
          fli?.line_item && (fli.line_item.id != null || fli.line_item.admin_graphql_api_id)
            ? objectId(topic, `${path}.fulfillment_line_item.line_item`, fli.line_item)
            : null,
        quantity: li.quantity,
        reason: text(li.return_reason),
        reasonNote: text(li.return_reason_note),
        customerNote: text(li.customer_note),
      };
    }),
    at: timeOrTriggered(topic, r.updated_at ?? r.created_at, triggeredAt),
    topic,
  };
}

/** One fact per return topic: key `r:<return id>:<status>`, source "return". */
export function factsFromReturn(rec: ReturnRecord): ShipmentFact[] {
  const status = RETURN_FACT_STATUS[rec.topic];
  const message = rec.topic === "returns/decline" ? (rec.declineNote ?? rec.declineReason) : null;
  return [{ key: `r:${rec.shopifyReturnId}:${status}`, source: "return", status, at: rec.at, message }];
}

// ──────────────────────────────────────────── reverse deliveries ────────────────────────────────────────────

const ReverseDeliverySchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  return: Ref,
  order: Ref.nullish(),
  order_id: Id.nullish(),
  shipping_deliverable: z
    .object({
      label: z.object({ created_at: IsoTime.nullish(), public_file_url: Text }).nullish(),
      tracking: z.object({ carrier_name: Text, tracking_number: Text, tracking_url: Text }).nullish(),
    })
    .nullish(),
});

export interface ReverseDeliveryRecord {
  reverseDeliveryId: string;
  returnShopifyId: string;
  /** Not in Shopify's payload (only the return is); null unless a payload carries it. */
  orderShopifyId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  labelUrl: string | null;
  /** The label's created_at, else X-Shopify-Triggered-At. */
  at: Date;
}

/** reverse_deliveries/attach_deliverable. */
export function parseReverseDelivery(json: unknown, triggeredAt: Date | null, topic = "reverse_deliveries/attach_deliverable"): ReverseDeliveryRecord {
  const d = parseWith(ReverseDeliverySchema, json, topic);
  const tracking = d.shipping_deliverable?.tracking;
  const label = d.shipping_deliverable?.label;
  return {
    reverseDeliveryId: objectId(topic, "", d),
    returnShopifyId: objectId(topic, "return", d.return),
    orderShopifyId: d.order ? objectId(topic, "order", d.order) : optionalId(topic, "order_id", d.order_id),
    carrier: text(tracking?.carrier_name),
    trackingNumber: text(tracking?.tracking_number),
    trackingUrl: text(tracking?.tracking_url),
    labelUrl: text(label?.public_file_url),
    at: timeOrTriggered(topic, label?.created_at, triggeredAt),
  };
}

/**
 * `return_label_created`, source "reverse_delivery", key `rd:<id>:<tracking number | label url | none>`:
 * the same deliverable gives the same key; a new tracking number attached later gives a new fact.
 */
export function factFromReverseDelivery(rec: ReverseDeliveryRecord): ShipmentFact {
  const what = rec.trackingNumber ?? rec.labelUrl ?? "none";
  const message = [rec.carrier, rec.trackingNumber].filter(Boolean).join(" ") || null;
  return { key: `rd:${rec.reverseDeliveryId}:${what}`, source: "reverse_delivery", status: "return_label_created", at: rec.at, message };
}

// ──────────────────────────────────────── reverse fulfillment orders ────────────────────────────────────────

const DisposeSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  return: Ref.nullish(),
  return_id: Id.nullish(),
  total_dispositions: z.number().int().nullish(),
  dispositions: z.array(
    z.object({
      type: z.string(),
      quantity: z.number().int(),
      location: Ref.nullish(),
      reverse_fulfillment_order_line_item: Ref.nullish(),
      reverse_delivery_line_item: Ref.nullish(),
    }),
  ),
});

/** restocked | processing_required | not_restocked | missing */
export interface DispositionRecord {
  type: string;
  quantity: number;
  locationId: string | null;
  reverseFulfillmentOrderLineItemId: string | null;
  reverseDeliveryLineItemId: string | null;
}

export interface ReverseFulfillmentOrderDisposeRecord {
  reverseFulfillmentOrderId: string;
  /**
   * Shopify's dispose payload names only the reverse fulfillment order, not its return: null unless
   * the payload carries one or the caller passes `returnShopifyId` (resolved from the RFO, e.g. via
   * GraphQL `reverseFulfillmentOrder(id) { return { id } }`).
   */
  returnShopifyId: string | null;
  dispositions: DispositionRecord[];
  /** X-Shopify-Triggered-At: the payload has no time. */
  at: Date;
}

function refId(topic: string, path: string, ref: z.output<typeof Ref> | null | undefined): string | null {
  return ref && (ref.id != null || ref.admin_graphql_api_id) ? objectId(topic, path, ref) : null;
}

/** reverse_fulfillment_orders/dispose. */
export function parseReverseFulfillmentOrderDispose(
  json: unknown,
  triggeredAt: Date | null,
  options: { returnShopifyId?: string | null } = {},
  topic = "reverse_fulfillment_orders/dispose",
): ReverseFulfillmentOrderDisposeRecord {
  const d = parseWith(DisposeSchema, json, topic);
  const fromPayload = refId(topic, "return", d.return) ?? optionalId(topic, "return_id", d.return_id);
  return {
    reverseFulfillmentOrderId: objectId(topic, "", d),
    returnShopifyId: fromPayload ?? (options.returnShopifyId ? numericId(options.returnShopifyId) : null),
    dispositions: d.dispositions.map((x, i) => ({
      type: x.type.trim().toLowerCase(),
      quantity: x.quantity,
      locationId: refId(topic, `dispositions[${i}].location`, x.location),
      reverseFulfillmentOrderLineItemId: refId(topic, `dispositions[${i}].reverse_fulfillment_order_line_item`, x.reverse_fulfillment_order_line_item),
      reverseDeliveryLineItemId: refId(topic, `dispositions[${i}].reverse_delivery_line_item`, x.reverse_delivery_line_item),
    })),
    at: timeOrTriggered(topic, null, triggeredAt),
  };
}

/** FNV-1a (32-bit) in hex: a short, stable digest for fact keys. Not for security. */
function digest(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * - `return_received` (key `rfo:<id>:received`) when any item arrived, i.e. any disposition other
 *   than "missing": the first such payload sets the time;
 * - `return_disposed` (key `rfo:<id>:disposed:<digest of the dispositions>`) for every payload with
 *   dispositions. Source "return" (these describe the return's items, not a carrier).
 */
export function factsFromReverseFulfillmentOrderDispose(rec: ReverseFulfillmentOrderDisposeRecord): ShipmentFact[] {
  if (rec.dispositions.length === 0) return [];
  const summary = rec.dispositions.map((d) => `${d.type} ×${d.quantity}`).join(", ");
  const signature = rec.dispositions
    .map((d) => `${d.reverseFulfillmentOrderLineItemId ?? ""}/${d.reverseDeliveryLineItemId ?? ""}/${d.type}/${d.quantity}/${d.locationId ?? ""}`)
    .sort()
    .join("|");
  const facts: ShipmentFact[] = [];
  if (rec.dispositions.some((d) => d.type !== "missing")) {
    facts.push({ key: `rfo:${rec.reverseFulfillmentOrderId}:received`, source: "return", status: "return_received", at: rec.at });
  }
  facts.push({
    key: `rfo:${rec.reverseFulfillmentOrderId}:disposed:${digest(signature)}`,
    source: "return",
    status: "return_disposed",
    at: rec.at,
    message: summary,
  });
  return facts;
}

// ──────────────────────────────────────────────── refunds ────────────────────────────────────────────────

const MoneySetSchema = z.object({ shop_money: z.object({ currency_code: Text }).nullish() }).nullish();

const RefundSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  order_id: Id,
  created_at: IsoTime,
  return: Ref.nullish(),
  transactions: z
    .array(z.object({ kind: Text, status: Text, amount: Money, currency: Text }))
    .nullish(),
  refund_line_items: z.array(z.object({ subtotal_set: MoneySetSchema })).nullish(),
  total_duties_set: MoneySetSchema,
});

export interface RefundRecord {
  shopifyId: string;
  orderShopifyId: string;
  /** The linked return (refund.return), else null. */
  returnShopifyId: string | null;
  /** Sum of the refund's transactions of kind "refund" that did not fail (status not failure/error). */
  amountCents: number;
  /** The transactions' currency, else the refunded lines' shop currency, else null. */
  currency: string | null;
  createdAt: Date;
}

/** refunds/create. */
export function parseRefund(json: unknown, topic = "refunds/create"): RefundRecord {
  const r = parseWith(RefundSchema, json, topic);
  const transactions = (r.transactions ?? []).filter(
    (t) => (t.kind ?? "refund").toLowerCase() === "refund" && !["failure", "error"].includes((t.status ?? "").toLowerCase()),
  );
  const currency =
    transactions.map((t) => text(t.currency)).find(Boolean) ??
    (r.refund_line_items ?? []).map((li) => text(li.subtotal_set?.shop_money?.currency_code)).find(Boolean) ??
    text(r.total_duties_set?.shop_money?.currency_code);
  return {
    shopifyId: objectId(topic, "", r),
    orderShopifyId: requiredId(topic, "order_id", r.order_id),
    returnShopifyId: refId(topic, "return", r.return),
    amountCents: transactions.reduce((sum, t) => sum + t.amount, 0),
    currency: currency ?? null,
    createdAt: r.created_at,
  };
}

/** `refund_issued` at created_at, key `rf:<refund id>`, source "refund". */
export function factFromRefund(rec: RefundRecord): ShipmentFact {
  return { key: `rf:${rec.shopifyId}`, source: "refund", status: "refund_issued", at: rec.createdAt };
}

// ─────────────────────────────────────────────── compliance ───────────────────────────────────────────────

const ComplianceCustomer = z.object({ id: Id.nullish(), email: Text, phone: Text }).nullish();

const DataRequestSchema = z.object({
  shop_id: Id,
  shop_domain: z.string(),
  customer: ComplianceCustomer,
  orders_requested: z.array(Id).nullish(),
  data_request: z.object({ id: Id.nullish() }).nullish(),
});
const CustomersRedactSchema = z.object({
  shop_id: Id,
  shop_domain: z.string(),
  customer: ComplianceCustomer,
  orders_to_redact: z.array(Id).nullish(),
});
const ShopRedactSchema = z.object({ shop_id: Id, shop_domain: z.string() });

export interface ComplianceCustomerRecord {
  id: string | null;
  /** Lower-cased. */
  email: string | null;
  /** Raw. */
  phone: string | null;
}

export interface CustomersDataRequestRecord {
  shopId: string;
  shopDomain: string;
  customer: ComplianceCustomerRecord;
  ordersRequested: string[];
  dataRequestId: string | null;
}

export interface CustomersRedactRecord {
  shopId: string;
  shopDomain: string;
  customer: ComplianceCustomerRecord;
  ordersToRedact: string[];
}

export interface ShopRedactRecord {
  shopId: string;
  shopDomain: string;
}

function complianceCustomer(topic: string, c: z.output<typeof ComplianceCustomer>): ComplianceCustomerRecord {
  const email = text(c?.email);
  return { id: optionalId(topic, "customer.id", c?.id), email: email ? email.toLowerCase() : null, phone: text(c?.phone) };
}

function shopDomain(topic: string, value: string): string {
  const d = value.trim().toLowerCase();
  if (!d) throw new PayloadError(topic, "shop_domain", "must not be empty");
  return d;
}

/** customers/data_request. */
export function parseCustomersDataRequest(json: unknown, topic = "customers/data_request"): CustomersDataRequestRecord {
  const p = parseWith(DataRequestSchema, json, topic);
  return {
    shopId: requiredId(topic, "shop_id", p.shop_id),
    shopDomain: shopDomain(topic, p.shop_domain),
    customer: complianceCustomer(topic, p.customer),
    ordersRequested: (p.orders_requested ?? []).map((id, i) => requiredId(topic, `orders_requested[${i}]`, id)),
    dataRequestId: optionalId(topic, "data_request.id", p.data_request?.id),
  };
}

/** customers/redact. */
export function parseCustomersRedact(json: unknown, topic = "customers/redact"): CustomersRedactRecord {
  const p = parseWith(CustomersRedactSchema, json, topic);
  return {
    shopId: requiredId(topic, "shop_id", p.shop_id),
    shopDomain: shopDomain(topic, p.shop_domain),
    customer: complianceCustomer(topic, p.customer),
    ordersToRedact: (p.orders_to_redact ?? []).map((id, i) => requiredId(topic, `orders_to_redact[${i}]`, id)),
  };
}

/** shop/redact. */
export function parseShopRedact(json: unknown, topic = "shop/redact"): ShopRedactRecord {
  const p = parseWith(ShopRedactSchema, json, topic);
  return { shopId: requiredId(topic, "shop_id", p.shop_id), shopDomain: shopDomain(topic, p.shop_domain) };
}

// ─────────────────────────────────────────────────── app ───────────────────────────────────────────────────

const AppUninstalledSchema = z.object({ id: Id, myshopify_domain: Text, domain: Text, name: Text });
const ScopesUpdateSchema = z.object({
  id: Id.nullish(),
  previous: z.array(z.string()).nullish(),
  current: z.array(z.string()),
  updated_at: IsoTime.nullish(),
});

export interface AppUninstalledRecord {
  shopId: string;
  /** myshopify_domain (lower-cased), null if the payload lacks it: use X-Shopify-Shop-Domain. */
  shopDomain: string | null;
  shopName: string | null;
}

export interface AppScopesUpdateRecord {
  previous: string[];
  current: string[];
  updatedAt: Date | null;
}

/** app/uninstalled: the body is the Shop. */
export function parseAppUninstalled(json: unknown, topic = "app/uninstalled"): AppUninstalledRecord {
  const p = parseWith(AppUninstalledSchema, json, topic);
  return { shopId: requiredId(topic, "id", p.id), shopDomain: text(p.myshopify_domain)?.toLowerCase() ?? null, shopName: text(p.name) };
}

/** app/scopes_update. */
export function parseAppScopesUpdate(json: unknown, topic = "app/scopes_update"): AppScopesUpdateRecord {
  const p = parseWith(ScopesUpdateSchema, json, topic);
  return { previous: distinct(p.previous ?? []), current: distinct(p.current), updatedAt: p.updated_at ?? null };
}

// ───────────────────────────────────────────── raw bodies & dispatch ─────────────────────────────────────────────

/**
 * JSON.parse for webhook bodies that keeps integers beyond 2^53 exact by turning them into strings
 * (Shopify ids can exceed what a JS number holds). Throws PayloadError when the text is not JSON.
 */
export function parseWebhookJson(body: string, topic = "webhook"): unknown {
  let out = "";
  let i = 0;
  const n = body.length;
  while (i < n) {
    const c = body[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < n && body[j] !== '"') j += body[j] === "\\" ? 2 : 1;
      out += body.slice(i, j + 1);
      i = j + 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const m = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
      m.lastIndex = i;
      const hit = m.exec(body);
      const token = hit?.[0] ?? c;
      const isBigInteger = hit && !hit[1] && !hit[2] && !Number.isSafeInteger(Number(token));
      out += isBigInteger ? `"${token}"` : token;
      i += token.length;
    } else {
      out += c;
      i += 1;
    }
  }
  try {
    return JSON.parse(out) as unknown;
  } catch (error) {
    throw new PayloadError(topic, "body", `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

export type ParsedWebhook =
  | { kind: "order"; topic: OrderTopic; order: OrderRecord }
  | { kind: "fulfillment"; topic: FulfillmentTopic; fulfillment: FulfillmentRecord }
  | { kind: "fulfillment_event"; topic: "fulfillment_events/create"; event: FulfillmentEventRecord }
  | { kind: "return"; topic: ReturnTopic; ret: ReturnRecord }
  | { kind: "reverse_delivery"; topic: "reverse_deliveries/attach_deliverable"; delivery: ReverseDeliveryRecord }
  | { kind: "reverse_fulfillment_order_dispose"; topic: "reverse_fulfillment_orders/dispose"; dispose: ReverseFulfillmentOrderDisposeRecord }
  | { kind: "refund"; topic: "refunds/create"; refund: RefundRecord }
  | { kind: "app_uninstalled"; topic: "app/uninstalled"; shop: AppUninstalledRecord }
  | { kind: "app_scopes_update"; topic: "app/scopes_update"; scopes: AppScopesUpdateRecord }
  | { kind: "customers_data_request"; topic: "customers/data_request"; request: CustomersDataRequestRecord }
  | { kind: "customers_redact"; topic: "customers/redact"; redact: CustomersRedactRecord }
  | { kind: "shop_redact"; topic: "shop/redact"; redact: ShopRedactRecord };

/** Parses a body by its X-Shopify-Topic. `json` may be the raw body text or already-parsed JSON. */
export function parseWebhookPayload(topic: string, json: unknown, triggeredAt: Date | null = null): ParsedWebhook {
  const t = topic.trim().toLowerCase();
  if (!isSupportedTopic(t)) throw new PayloadError(topic, "topic", "is not a topic Waypoint handles");
  const body = typeof json === "string" ? parseWebhookJson(json, t) : json;
  switch (t) {
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
    case "orders/fulfilled":
    case "orders/paid":
      return { kind: "order", topic: t, order: parseOrder(body, t) };
    case "fulfillments/create":
    case "fulfillments/update":
      return { kind: "fulfillment", topic: t, fulfillment: parseFulfillment(body, t) };
    case "fulfillment_events/create":
      return { kind: "fulfillment_event", topic: t, event: parseFulfillmentEvent(body, t) };
    case "returns/request":
    case "returns/approve":
    case "returns/decline":
    case "returns/cancel":
    case "returns/close":
      return { kind: "return", topic: t, ret: parseReturn(body, t, triggeredAt) };
    case "reverse_deliveries/attach_deliverable":
      return { kind: "reverse_delivery", topic: t, delivery: parseReverseDelivery(body, triggeredAt, t) };
    case "reverse_fulfillment_orders/dispose":
      return { kind: "reverse_fulfillment_order_dispose", topic: t, dispose: parseReverseFulfillmentOrderDispose(body, triggeredAt, {}, t) };
    case "refunds/create":
      return { kind: "refund", topic: t, refund: parseRefund(body, t) };
    case "app/uninstalled":
      return { kind: "app_uninstalled", topic: t, shop: parseAppUninstalled(body, t) };
    case "app/scopes_update":
      return { kind: "app_scopes_update", topic: t, scopes: parseAppScopesUpdate(body, t) };
    case "customers/data_request":
      return { kind: "customers_data_request", topic: t, request: parseCustomersDataRequest(body, t) };
    case "customers/redact":
      return { kind: "customers_redact", topic: t, redact: parseCustomersRedact(body, t) };
    case "shop/redact":
      return { kind: "shop_redact", topic: t, redact: parseShopRedact(body, t) };
  }
}
