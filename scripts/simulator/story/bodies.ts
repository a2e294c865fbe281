// The bodies a story's webhooks carry, built from the Shopify-shaped fixtures in ../payloads/ (also
// the tests' fixtures) over the story's state. Order bodies are snapshots: they show the
// fulfillments made so far (state.fulfillmentState), which is why bodies are built in trigger order.
import { DAY_MS } from "../../../app/lib/time";
import { LOCATIONS, type Destination, type Hub, type Product } from "../catalog";
import {
  fulfillmentEventPayload,
  fulfillmentPayload,
  lineItemPayload,
  loadFixture,
  merge,
  type Json,
  type JsonObject,
  type Overrides,
} from "../payloads";
import type { StoryState } from "./state";

export const gid = (type: string, id: string | number) => `gid://shopify/${type}/${id}`;
export const money = (n: number) => n.toFixed(2);
export const moneySet = (amount: string, currency = "USD") => ({
  presentment_money: { amount, currency_code: currency },
  shop_money: { amount, currency_code: currency },
});

let templates: {
  order: JsonObject;
  requestReturn: JsonObject;
  approve: JsonObject;
  decline: JsonObject;
  close: JsonObject;
  reverse: JsonObject;
  dispose: JsonObject;
  refund: JsonObject;
} | null = null;
/** The fixtures bodies start from, read once. */
export function T() {
  templates ??= {
    order: loadFixture("orders-create.1001"),
    requestReturn: loadFixture("returns-request.1001-R1"),
    approve: loadFixture("returns-approve.1001-R1"),
    decline: loadFixture("returns-decline.1001-R2"),
    close: loadFixture("returns-close.1001-R1"),
    reverse: loadFixture("reverse_deliveries-attach_deliverable.1001-R1"),
    dispose: loadFixture("reverse_fulfillment_orders-dispose.1001-R1"),
    refund: loadFixture("refunds-create.1001-R1"),
  };
  return templates;
}

/** Line `k` of the order, with its fulfillment status and what is left to fulfil. */
export function lineItemBody(s: StoryState, k: number, status: string | null, fulfillable: number): JsonObject {
  const p = s.products[k] as Product;
  const q = s.quantities[k] ?? 1;
  return lineItemPayload({
    id: s.id.lineItem(k),
    admin_graphql_api_id: gid("LineItem", s.id.lineItem(k)),
    name: p.variantTitle === "Default Title" ? p.title : `${p.title} - ${p.variantTitle}`,
    title: p.title,
    variant_title: p.variantTitle === "Default Title" ? null : p.variantTitle,
    price: p.price,
    price_set: moneySet(p.price),
    quantity: q,
    current_quantity: q,
    fulfillable_quantity: fulfillable,
    fulfillment_status: status,
    sku: p.sku,
    product_id: p.productId,
    variant_id: p.variantId,
    grams: p.grams,
    tax_lines: s.taxRate
      ? [
          {
            channel_liable: false,
            price: money(Number(p.price) * q * s.taxRate),
            price_set: moneySet(money(Number(p.price) * q * s.taxRate)),
            rate: s.taxRate,
            title: `${s.dest?.provinceCode ?? ""} State Tax`,
          },
        ]
      : [],
  });
}

function shippingLines(s: StoryState): JsonObject[] {
  const base = (T().order["shipping_lines"] as JsonObject[])[0];
  const id = 5200000000000 + s.index;
  return s.service
    ? [
        {
          ...base,
          id,
          code: s.service.code,
          title: s.service.name,
          price: s.service.price,
          price_set: moneySet(s.service.price),
          discounted_price: s.service.price,
          discounted_price_set: moneySet(s.service.price),
          current_discounted_price_set: moneySet(s.service.price),
          source: s.carrier?.name.toLowerCase() ?? "shopify",
          carrier_identifier: null,
        },
      ]
    : [
        {
          ...base,
          id,
          code: LOCATIONS.store.name,
          title: `Pickup at ${LOCATIONS.store.name}`,
          price: "0.00",
          price_set: moneySet("0.00"),
          discounted_price: "0.00",
          discounted_price_set: moneySet("0.00"),
          current_discounted_price_set: moneySet("0.00"),
          source: "shopify",
          carrier_identifier: null,
        },
      ];
}

/** Fulfillment `k` as fulfillments/* bodies (and the order's snapshots) show it. */
export function fulfillmentBody(s: StoryState, k: number, shipmentStatus: string | null, updated: Date): JsonObject {
  const f = s.plans[k];
  if (!f) throw new Error(`fulfillment ${k}: not planned`);
  return fulfillmentPayload({
    id: Number(f.fid),
    admin_graphql_api_id: gid("Fulfillment", f.fid),
    order_id: s.id.order,
    name: `${s.name}.${k + 1}`,
    created_at: s.t(f.created),
    updated_at: s.t(updated),
    destination: s.address as unknown as Json,
    email: s.email,
    line_items: f.lines.map((li) => lineItemBody(s, li, "fulfilled", 0)),
    location_id: f.location.id,
    origin_address:
      f.location === LOCATIONS.warehouse
        ? {
            address1: "200 Inner Belt Rd",
            address2: null,
            city: "Somerville",
            country_code: "US",
            province_code: "MA",
            zip: "02143",
          }
        : null,
    shipment_status: shipmentStatus,
    status: "success",
    tracking_company: f.carrier?.name ?? null,
    tracking_number: f.numbers[0] ?? null,
    tracking_numbers: f.numbers,
    tracking_url: f.numbers[0] && f.carrier ? f.carrier.trackingUrl(f.numbers[0]) : null,
    tracking_urls: f.carrier ? f.numbers.map((n) => (f.carrier as NonNullable<typeof f.carrier>).trackingUrl(n)) : [],
  });
}

/** What an orders/* body says at `at`: the fulfillments so far, statuses, money. */
export function orderBody(s: StoryState, at: Date, extra: Overrides = {}): JsonObject {
  const { id, t } = s;
  const done = [...s.fulfillmentState.keys()].sort();
  const fulfilledLines = new Set(done.flatMap((k) => s.plans[k]?.lines ?? []));
  const allDone = fulfilledLines.size === s.products.length;
  return merge(T().order, {
    id: id.order,
    admin_graphql_api_id: gid("Order", id.order),
    name: s.name,
    order_number: s.orderNumber,
    number: s.orderNumber - 1000,
    email: s.email,
    contact_email: s.email,
    phone: null,
    token: id.order.toString(16).padEnd(32, "0"),
    checkout_id: id.checkout,
    checkout_token: `${id.checkout.toString(16)}`.padEnd(32, "a"),
    confirmation_number: `WP${s.orderNumber.toString(36).toUpperCase()}`,
    order_status_url: `https://${s.shop}/${s.shopId}/orders/${id.order.toString(16)}/authenticate`,
    created_at: t(s.placed),
    processed_at: t(s.placed),
    updated_at: t(at),
    financial_status: "paid",
    fulfillment_status: allDone ? "fulfilled" : done.length > 0 ? "partial" : null,
    customer_locale: s.home.locale,
    buyer_accepts_marketing: s.smsConsent,
    customer: merge(T().order["customer"] as JsonObject, {
      id: id.customer,
      admin_graphql_api_id: gid("Customer", id.customer),
      email: s.email,
      first_name: s.firstName,
      last_name: s.lastName,
      phone: s.phone,
      created_at: t(new Date(s.placed.getTime() - 30 * DAY_MS)),
      updated_at: t(s.placed),
      default_address: {
        ...s.billing,
        id: id.address,
        customer_id: id.customer,
        default: true,
        country_name: s.billing.country,
      } as unknown as Overrides,
      sms_marketing_consent: s.smsConsent
        ? {
            consent_collected_from: "SHOPIFY",
            consent_updated_at: t(s.placed),
            opt_in_level: "single_opt_in",
            state: "subscribed",
          }
        : {
            consent_collected_from: "OTHER",
            consent_updated_at: null,
            opt_in_level: "single_opt_in",
            state: "not_subscribed",
          },
    }),
    billing_address: s.billing as unknown as Json,
    shipping_address: s.address as unknown as Json,
    line_items: s.products.map((_, k) =>
      lineItemBody(
        s,
        k,
        fulfilledLines.has(k) ? "fulfilled" : null,
        fulfilledLines.has(k) ? 0 : (s.quantities[k] ?? 1),
      ),
    ),
    shipping_lines: shippingLines(s) as unknown as Json,
    location_id: s.scenario === "pickup" ? LOCATIONS.store.id : null,
    subtotal_price: money(s.subtotal),
    subtotal_price_set: moneySet(money(s.subtotal)),
    current_subtotal_price: money(s.subtotal),
    current_subtotal_price_set: moneySet(money(s.subtotal)),
    total_line_items_price: money(s.subtotal),
    total_line_items_price_set: moneySet(money(s.subtotal)),
    total_tax: money(s.tax),
    total_tax_set: moneySet(money(s.tax)),
    current_total_tax: money(s.tax),
    current_total_tax_set: moneySet(money(s.tax)),
    tax_lines: s.tax
      ? [
          {
            channel_liable: false,
            price: money(s.tax),
            price_set: moneySet(money(s.tax)),
            rate: s.taxRate,
            title: "State Tax",
          },
        ]
      : [],
    total_shipping_price_set: moneySet(money(s.shippingPrice)),
    current_shipping_price_set: moneySet(money(s.shippingPrice)),
    total_price: money(s.total),
    total_price_set: moneySet(money(s.total)),
    current_total_price: money(s.total),
    current_total_price_set: moneySet(money(s.total)),
    total_weight: s.products.reduce((sum, p, k) => sum + p.grams * (s.quantities[k] ?? 1), 0),
    fulfillments: done.map((k) => {
      const st = s.fulfillmentState.get(k) as { status: string | null; updated: Date };
      return fulfillmentBody(s, k, st.status, st.updated);
    }),
    ...extra,
  });
}

/** A carrier scan on fulfillment `k`, as fulfillment_events/create carries it. */
export function fulfillmentEventBody(
  s: StoryState,
  k: number,
  scan: {
    eventId: number;
    status: string;
    at: Date;
    where: Hub | Destination | null;
    message: string;
    edd: Date | null;
  },
): JsonObject {
  const { t } = s;
  const { eventId: eid, status, at, where, message, edd } = scan;
  const loc = where
    ? "region" in where
      ? {
          city: where.city,
          province: where.provinceCode,
          country: where.countryCode,
          zip: where.zip,
          lat: where.lat,
          lng: where.lng,
        }
      : {
          city: where.city,
          province: where.province,
          country: where.country,
          zip: where.zip,
          lat: where.lat,
          lng: where.lng,
        }
    : null;
  return fulfillmentEventPayload({
    id: eid,
    admin_graphql_api_id: gid("FulfillmentEvent", eid),
    fulfillment_id: Number(s.plans[k]?.fid),
    order_id: s.id.order,
    shop_id: s.shopId,
    status,
    happened_at: t(at),
    created_at: t(new Date(at.getTime() + 60_000)),
    updated_at: t(new Date(at.getTime() + 60_000)),
    estimated_delivery_at: edd ? t(edd) : null,
    message,
    city: loc?.city ?? null,
    province: loc?.province ?? null,
    country: loc?.country ?? null,
    zip: loc?.zip ?? null,
    latitude: loc?.lat ?? null,
    longitude: loc?.lng ?? null,
  });
}
