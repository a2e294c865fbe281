// orders/create, orders/updated, orders/cancelled, orders/fulfilled, orders/paid → OrderRecord
// (with its embedded fulfillments), and the delivery-method rule for REST payloads.
import { z } from "zod";
import { Gid, Id, IsoTime, Money, objectId, optionalId, parseWith, Text, text } from "./fields";
import { type FulfillmentRecord, FulfillmentSchema, fulfillmentRecord } from "./fulfillments";
import { type OrderTopic } from "./topics";

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
  if (lines.length > 0 && (order.shipping_address === null || order.shipping_address === undefined))
    return "local_pickup";
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
  const attributed = lineItems.find(
    (li) => li.properties[ATTRIBUTION_SOURCE_PROPERTY] === ATTRIBUTION_SOURCE_TRACKING_PAGE,
  );
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
    smsConsent:
      o.customer?.sms_marketing_consent?.state?.toLowerCase() === "subscribed" ||
      o.buyer_accepts_sms_marketing === true,
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
