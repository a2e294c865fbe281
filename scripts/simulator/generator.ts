// The deterministic story generator: one shop's orders, fulfillments, carrier scans, exceptions and
// returns, as the webhooks Shopify would send for them (topic, X-Shopify-* metadata, exact body).
//
// Bodies are built from the Shopify-shaped payloads in ./payloads/ (their builders and deep-merge),
// which are also the tests' fixtures, so the simulator sends exactly the shapes the parsers are tested against.
//
// Time. Every story lives on a *virtual* timeline: orders are placed across the last `spanDays`
// before `now`, and each later event follows from realistic durations (processing, transit per
// service, scan gaps, return windows). Events at or before `now` are history (the seed); events after
// `now` are the future the live replay plays back. The clock maps virtual times after `now` onto real
// time compressed by `speed` (now + (t - now) / speed), so whatever the speed, every timestamp a body
// carries is the moment it is sent: the app never sees a fact from the future, and order is kept.
import {
  fulfillmentEventPayload,
  fulfillmentPayload,
  lineItemPayload,
  loadFixture,
  merge,
  type JsonObject,
  type Json,
  type Overrides,
} from "./payloads";
import type { SupportedTopic } from "../../app/pipeline/payloads";
import {
  CARRIERS,
  CARRIER_MIX,
  DESTINATIONS,
  FIRST_NAMES,
  LAST_NAMES,
  LOCATIONS,
  PRODUCTS,
  type Carrier,
  type Destination,
  type Hub,
  type Product,
  type Service,
} from "./catalog";
import { Random } from "./random";

export const DEMO_SHOP = "waypoint-demo.myshopify.com";
export const DEMO_SHOP_ID = 72345678901;
export const API_VERSION = "2026-07";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface SimWebhook {
  topic: SupportedTopic;
  shop: string;
  /** X-Shopify-Webhook-Id: the same on every redelivery of this webhook. */
  webhookId: string;
  /** X-Shopify-Event-Id */
  eventId: string;
  /** When Shopify triggers it (X-Shopify-Triggered-At), on the real clock. */
  at: Date;
  /** The exact body text that is signed and sent. */
  body: string;
  /** The story (order index) it belongs to. */
  orderIndex: number;
}

export type Scenario = "shipping" | "pickup" | "cancelled";
export type Exception = "none" | "delayed" | "attempted" | "failure" | "stalled";
export type ReturnOutcome = "none" | "refunded" | "declined";

export interface SimShipment {
  fulfillmentId: string;
  name: string;
  carrier: string | null;
  service: string | null;
  trackingNumbers: string[];
  /** When the fulfillment was created (virtual time). */
  createdAt: Date;
  /** The carrier statuses this shipment goes through, in order (virtual times). */
  statuses: { status: string; at: Date }[];
}

export interface OrderStory {
  index: number;
  orderId: string;
  /** "#1001" */
  name: string;
  orderNumber: number;
  email: string;
  phone: string;
  firstName: string;
  destination: Destination | null;
  /** Virtual time the order was placed. */
  placedAt: Date;
  scenario: Scenario;
  exception: Exception;
  split: boolean;
  returned: ReturnOutcome;
  shipments: SimShipment[];
  /** Every webhook of the story, by trigger time. */
  webhooks: SimWebhook[];
}

export interface GeneratorOptions {
  seed?: string | number;
  shop?: string;
  shopId?: number;
  /** The seed's orders are placed over the `spanDays` before `now`. */
  now?: Date;
  spanDays?: number;
  /** How many orders the seed holds: sets the arrival rate that live orders continue. */
  seedOrders?: number;
  firstOrderNumber?: number;
  /** Virtual seconds per real second after `now` (1 = real time). */
  speed?: number;
}

export interface Generator {
  readonly options: Required<GeneratorOptions>;
  /**
   * The story of order `index` (0-based); indexes >= seedOrders are live orders placed after `now`.
   * `bodies: false` skips building the webhook bodies (their `body` is ""): the bulk path's speed-up.
   */
  story(index: number, opts?: { bodies?: boolean }): OrderStory;
  /** Virtual → real time. */
  realTime(virtual: Date): Date;
}

// ───────────────────────────────────────────── formatting ─────────────────────────────────────────────

/** Shopify's body time format, in the demo shop's offset (-05:00): "2026-11-17T14:03:11-05:00". */
export function shopifyTime(d: Date): string {
  const local = new Date(d.getTime() - 5 * HOUR);
  return `${local.toISOString().slice(0, 19)}-05:00`;
}

/** X-Shopify-Triggered-At: UTC with nanoseconds, "2026-11-16T14:12:41.482113907Z". */
export function triggeredAtHeader(d: Date, rng?: Random): string {
  const nanos = rng ? rng.digits(6) : "000000";
  return `${d.toISOString().slice(0, 23)}${nanos}Z`;
}

const gid = (type: string, id: string | number) => `gid://shopify/${type}/${id}`;
const money = (n: number) => n.toFixed(2);
const moneySet = (amount: string, currency = "USD") => ({
  presentment_money: { amount, currency_code: currency },
  shop_money: { amount, currency_code: currency },
});

function uuidFrom(rng: Random): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
}

// ───────────────────────────────────────────── templates ─────────────────────────────────────────────

let templates: { order: JsonObject; requestReturn: JsonObject; approve: JsonObject; decline: JsonObject; close: JsonObject; reverse: JsonObject; dispose: JsonObject; refund: JsonObject } | null = null;
function T() {
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

// Ids: disjoint numeric ranges per kind, derived from the order index (unique, deterministic, < 2^53).
const ids = (i: number) => ({
  order: 6400000000000 + i * 10,
  customer: 8200000000000 + i,
  address: 9800000000000 + i,
  lineItem: (k: number) => 16000000000000 + i * 10 + k,
  fulfillment: (k: number) => 5700000000000 + i * 10 + k,
  fulfillmentLineItem: (k: number) => 12400000000000 + i * 10 + k,
  event: (k: number) => 45000000000000 + i * 100 + k,
  return: 3600000000 + i,
  returnLineItem: 6300000000 + i,
  reverseDelivery: 9100000000 + i,
  reverseDeliveryLineItem: 3400000000 + i,
  rfo: 11200000000 + i,
  rfoLineItem: 2300000000 + i,
  refund: 1020000000000 + i,
  transaction: 7020000000000 + i,
  checkout: 36700000000000 + i,
});

// ───────────────────────────────────────────── the generator ─────────────────────────────────────────────

export function createGenerator(opts: GeneratorOptions = {}): Generator {
  const options: Required<GeneratorOptions> = {
    seed: opts.seed ?? "waypoint-demo",
    shop: opts.shop ?? DEMO_SHOP,
    shopId: opts.shopId ?? DEMO_SHOP_ID,
    now: opts.now ?? new Date(),
    spanDays: opts.spanDays ?? 14,
    seedOrders: opts.seedOrders ?? 500,
    firstOrderNumber: opts.firstOrderNumber ?? 1001,
    speed: opts.speed ?? 1,
  };
  const now = options.now.getTime();
  const span = options.spanDays * DAY;
  const gap = span / Math.max(1, options.seedOrders);
  const realTime = (v: Date): Date => (v.getTime() <= now ? v : new Date(now + (v.getTime() - now) / options.speed));

  function placedAt(index: number, rng: Random): Date {
    // Evenly spread with jitter; live orders continue at the same rate after `now`.
    const base = index < options.seedOrders ? now - span + index * gap : now + (index - options.seedOrders) * gap;
    return new Date(base + rng.float(0.05, 0.95) * gap);
  }

  function story(index: number, storyOpts: { bodies?: boolean } = {}): OrderStory {
    const rng = new Random(`${options.seed}/order/${index}`);
    const id = ids(index);
    const orderNumber = options.firstOrderNumber + index;
    const name = `#${orderNumber}`;
    const placed = placedAt(index, rng);

    const firstName = rng.pick(FIRST_NAMES);
    const lastName = rng.pick(LAST_NAMES);
    const scenario: Scenario = rng.weighted<Scenario>([["shipping", 92], ["pickup", 6], ["cancelled", 2]]);
    const dest = scenario === "pickup" ? null : rng.weighted(DESTINATIONS);
    const home = dest ?? (DESTINATIONS[0] as readonly [Destination, number])[0];
    const ascii = (s: string) => s.normalize("NFD").replace(/[^A-Za-z]/g, "").toLowerCase();
    const email = `${ascii(firstName)}.${ascii(lastName)}${orderNumber}@example.com`;
    const phone = `${home.phonePrefix}${rng.digits(home.phonePrefix.length >= 11 ? 3 : 4)}`.slice(0, 13);
    const smsConsent = rng.chance(0.35);

    // Items: 1–3 lines; a split shipment needs two lines.
    const lineCount = rng.weighted([[1, 55], [2, 33], [3, 12]] as const);
    const products: Product[] = [];
    while (products.length < lineCount) {
      const p = rng.pick(PRODUCTS);
      if (!products.some((x) => x.variantId === p.variantId)) products.push(p);
    }
    const quantities = products.map(() => rng.weighted([[1, 80], [2, 17], [3, 3]] as const));

    // Carrier and service
    const carrier: Carrier | null = dest ? CARRIERS[rng.weighted(CARRIER_MIX[dest.region])] : null;
    const service: Service | null = carrier ? rng.pick(carrier.services) : null;
    const split = scenario === "shipping" && lineCount >= 2 && rng.chance(0.3);
    const exception: Exception =
      scenario === "shipping" ? rng.weighted<Exception>([["none", 84], ["delayed", 7], ["attempted", 4.5], ["failure", 1.5], ["stalled", 3]]) : "none";

    // Money
    const subtotal = products.reduce((s, p, k) => s + Number(p.price) * (quantities[k] ?? 1), 0);
    const shippingPrice = service ? Number(service.price) : 0;
    const taxRate = dest?.region === "US" ? 0.0625 : 0;
    const tax = Math.round(subtotal * taxRate * 100) / 100;
    const total = subtotal + shippingPrice + tax;

    const t = (v: Date) => shopifyTime(realTime(v));
    const webhooks: { topic: SupportedTopic; at: Date; body: () => JsonObject }[] = [];
    const emit = (topic: SupportedTopic, at: Date, body: () => JsonObject) => webhooks.push({ topic, at, body });

    // ── bodies ──
    const address = dest
      ? {
          address1: dest.street,
          address2: rng.chance(0.3) ? `Apt ${rng.int(1, 40)}` : null,
          city: dest.city,
          company: null,
          country: dest.country,
          country_code: dest.countryCode,
          first_name: firstName,
          last_name: lastName,
          latitude: dest.lat,
          longitude: dest.lng,
          name: `${firstName} ${lastName}`,
          phone,
          province: dest.province,
          province_code: dest.provinceCode,
          zip: dest.zip,
        }
      : null;
    const billing = address ?? {
      address1: "200 Inner Belt Rd", address2: null, city: "Somerville", company: null, country: "United States", country_code: "US",
      first_name: firstName, last_name: lastName, latitude: null, longitude: null, name: `${firstName} ${lastName}`, phone,
      province: "Massachusetts", province_code: "MA", zip: "02143",
    };

    const lineItem = (k: number, status: string | null, fulfillable: number): JsonObject => {
      const p = products[k] as Product;
      const q = quantities[k] ?? 1;
      return lineItemPayload({
        id: id.lineItem(k),
        admin_graphql_api_id: gid("LineItem", id.lineItem(k)),
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
        tax_lines: taxRate
          ? [{ channel_liable: false, price: money(Number(p.price) * q * taxRate), price_set: moneySet(money(Number(p.price) * q * taxRate)), rate: taxRate, title: `${dest?.provinceCode ?? ""} State Tax` }]
          : [],
      });
    };

    const shippingLines = service
      ? [{ ...(T().order["shipping_lines"] as JsonObject[])[0], id: 5200000000000 + index, code: service.code, title: service.name, price: service.price, price_set: moneySet(service.price), discounted_price: service.price, discounted_price_set: moneySet(service.price), current_discounted_price_set: moneySet(service.price), source: carrier?.name.toLowerCase() ?? "shopify", carrier_identifier: null }]
      : [{ ...(T().order["shipping_lines"] as JsonObject[])[0], id: 5200000000000 + index, code: LOCATIONS.store.name, title: `Pickup at ${LOCATIONS.store.name}`, price: "0.00", price_set: moneySet("0.00"), discounted_price: "0.00", discounted_price_set: moneySet("0.00"), current_discounted_price_set: moneySet("0.00"), source: "shopify", carrier_identifier: null }];

    // Fulfillment plan: which lines go in which fulfillment, from where.
    const groups: number[][] = split ? [products.map((_, k) => k).filter((k) => k % 2 === 0), products.map((_, k) => k).filter((k) => k % 2 === 1)] : [products.map((_, k) => k)];
    const shipments: SimShipment[] = [];
    const fulfilledAt: Date[] = [];
    const fulfillmentBody: ((status: string | null, updated: Date) => JsonObject)[] = [];
    let cursor = placed.getTime() + Math.max(1.2 * HOUR, rng.lognormal(scenario === "pickup" ? 3 * HOUR : 18 * HOUR, 0.6));
    groups.forEach((lines, k) => {
      const fid = String(id.fulfillment(k));
      const shipCarrier = k === 1 && carrier && dest?.region === "US" && rng.chance(0.4) ? CARRIERS.USPS : carrier;
      const numbers = shipCarrier ? [shipCarrier.trackingNumber(rng)] : [];
      if (shipCarrier && lines.length > 1 && rng.chance(0.25)) numbers.push(shipCarrier.trackingNumber(rng)); // two boxes
      const created = new Date(cursor);
      fulfilledAt.push(created);
      const location = k === 1 ? LOCATIONS.store : scenario === "pickup" ? LOCATIONS.store : LOCATIONS.warehouse;
      shipments.push({ fulfillmentId: fid, name: `${name}.${k + 1}`, carrier: shipCarrier?.name ?? null, service: k === 0 || shipCarrier === carrier ? (service?.name ?? null) : "USPS Ground Advantage", trackingNumbers: numbers, createdAt: created, statuses: [] });
      fulfillmentBody.push((shipmentStatus, updated) =>
        fulfillmentPayload({
          id: Number(fid),
          admin_graphql_api_id: gid("Fulfillment", fid),
          order_id: id.order,
          name: `${name}.${k + 1}`,
          created_at: t(created),
          updated_at: t(updated),
          destination: address,
          email,
          line_items: lines.map((li) => lineItem(li, "fulfilled", 0)),
          location_id: location.id,
          origin_address: location === LOCATIONS.warehouse ? { address1: "200 Inner Belt Rd", address2: null, city: "Somerville", country_code: "US", province_code: "MA", zip: "02143" } : null,
          shipment_status: shipmentStatus,
          status: "success",
          tracking_company: shipCarrier?.name ?? null,
          tracking_number: numbers[0] ?? null,
          tracking_numbers: numbers,
          tracking_url: numbers[0] && shipCarrier ? shipCarrier.trackingUrl(numbers[0]) : null,
          tracking_urls: shipCarrier ? numbers.map((n) => shipCarrier.trackingUrl(n)) : [],
        }),
      );
      cursor += rng.lognormal(28 * HOUR, 0.5);
    });

    // Order snapshots: what orders/* bodies say at a moment (fulfillments so far, statuses).
    const fulfillmentState = new Map<number, { status: string | null; updated: Date }>();
    const orderBody = (at: Date, extra: Overrides = {}): JsonObject => {
      const done = [...fulfillmentState.keys()].sort();
      const fulfilledLines = new Set(done.flatMap((k) => groups[k] ?? []));
      const allDone = fulfilledLines.size === products.length;
      return merge(T().order, {
        id: id.order,
        admin_graphql_api_id: gid("Order", id.order),
        name,
        order_number: orderNumber,
        number: orderNumber - 1000,
        email,
        contact_email: email,
        phone: null,
        token: id.order.toString(16).padEnd(32, "0"),
        checkout_id: id.checkout,
        checkout_token: `${id.checkout.toString(16)}`.padEnd(32, "a"),
        confirmation_number: `WP${orderNumber.toString(36).toUpperCase()}`,
        order_status_url: `https://${options.shop}/${options.shopId}/orders/${id.order.toString(16)}/authenticate`,
        created_at: t(placed),
        processed_at: t(placed),
        updated_at: t(at),
        financial_status: "paid",
        fulfillment_status: allDone ? "fulfilled" : done.length > 0 ? "partial" : null,
        customer_locale: home.locale,
        buyer_accepts_marketing: smsConsent,
        customer: merge(T().order["customer"] as JsonObject, {
          id: id.customer,
          admin_graphql_api_id: gid("Customer", id.customer),
          email,
          first_name: firstName,
          last_name: lastName,
          phone,
          created_at: t(new Date(placed.getTime() - 30 * DAY)),
          updated_at: t(placed),
          default_address: { ...billing, id: id.address, customer_id: id.customer, default: true, country_name: billing.country } as unknown as Overrides,
          sms_marketing_consent: smsConsent
            ? { consent_collected_from: "SHOPIFY", consent_updated_at: t(placed), opt_in_level: "single_opt_in", state: "subscribed" }
            : { consent_collected_from: "OTHER", consent_updated_at: null, opt_in_level: "single_opt_in", state: "not_subscribed" },
        }),
        billing_address: billing as unknown as Json,
        shipping_address: address as unknown as Json,
        line_items: products.map((_, k) => lineItem(k, fulfilledLines.has(k) ? "fulfilled" : null, fulfilledLines.has(k) ? 0 : (quantities[k] ?? 1))),
        shipping_lines: shippingLines as unknown as Json,
        location_id: scenario === "pickup" ? LOCATIONS.store.id : null,
        subtotal_price: money(subtotal),
        subtotal_price_set: moneySet(money(subtotal)),
        current_subtotal_price: money(subtotal),
        current_subtotal_price_set: moneySet(money(subtotal)),
        total_line_items_price: money(subtotal),
        total_line_items_price_set: moneySet(money(subtotal)),
        total_tax: money(tax),
        total_tax_set: moneySet(money(tax)),
        current_total_tax: money(tax),
        current_total_tax_set: moneySet(money(tax)),
        tax_lines: tax ? [{ channel_liable: false, price: money(tax), price_set: moneySet(money(tax)), rate: taxRate, title: "State Tax" }] : [],
        total_shipping_price_set: moneySet(money(shippingPrice)),
        current_shipping_price_set: moneySet(money(shippingPrice)),
        total_price: money(total),
        total_price_set: moneySet(money(total)),
        current_total_price: money(total),
        current_total_price_set: moneySet(money(total)),
        total_weight: products.reduce((s, p, k) => s + p.grams * (quantities[k] ?? 1), 0),
        fulfillments: done.map((k) => {
          const st = fulfillmentState.get(k) as { status: string | null; updated: Date };
          return (fulfillmentBody[k] as (s: string | null, u: Date) => JsonObject)(st.status, st.updated);
        }),
        ...extra,
      });
    };

    // ── the story ──
    emit("orders/create", placed, () => orderBody(placed, { financial_status: "pending" }));
    const paidAt = new Date(placed.getTime() + 4000);
    emit("orders/paid", paidAt, () => orderBody(paidAt));

    let returned: ReturnOutcome = "none";
    if (scenario === "cancelled") {
      const at = new Date(placed.getTime() + rng.float(0.1, 6) * HOUR);
      emit("orders/cancelled", at, () => orderBody(at, { cancelled_at: t(at), cancel_reason: rng.pick(["customer", "inventory", "fraud"]), closed_at: t(at), financial_status: "refunded" }));
      emit("orders/updated", new Date(at.getTime() + 1000), () => orderBody(at, { cancelled_at: t(at), cancel_reason: "customer", closed_at: t(at), financial_status: "refunded" }));
    } else {
      let eventSeq = 0;
      let lastDelivered = 0;
      groups.forEach((_, k) => {
        const created = fulfilledAt[k] as Date;
        const ship = shipments[k] as SimShipment;
        const fid = Number(ship.fulfillmentId);
        // fulfillments/create, then the order's update (and orders/fulfilled when all lines are out).
        emit("fulfillments/create", created, () => (fulfillmentBody[k] as (s: string | null, u: Date) => JsonObject)(null, created));
        const orderAt = new Date(created.getTime() + 1500);
        const snapshot = () => {
          fulfillmentState.set(k, { status: null, updated: created });
          return orderBody(orderAt);
        };
        // Bodies are built lazily in order (below), so the snapshot sees the fulfillments made so far.
        emit("orders/updated", orderAt, snapshot);
        if (k === groups.length - 1) emit("orders/fulfilled", new Date(orderAt.getTime() + 800), () => orderBody(orderAt));

        // Carrier scans: each status change also updates the fulfillment's shipment_status.
        const scan = (status: string, at: Date, where: Hub | Destination | null, message: string, edd: Date | null) => {
          ship.statuses.push({ status, at });
          const eid = id.event(eventSeq++);
          const loc = where ? ("region" in where ? { city: where.city, province: where.provinceCode, country: where.countryCode, zip: where.zip, lat: where.lat, lng: where.lng } : { city: where.city, province: where.province, country: where.country, zip: where.zip, lat: where.lat, lng: where.lng }) : null;
          emit("fulfillment_events/create", at, () =>
            fulfillmentEventPayload({
              id: eid,
              admin_graphql_api_id: gid("FulfillmentEvent", eid),
              fulfillment_id: fid,
              order_id: id.order,
              shop_id: options.shopId,
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
            }),
          );
          const updated = new Date(at.getTime() + 61_000);
          emit("fulfillments/update", updated, () => (fulfillmentBody[k] as (s: string | null, u: Date) => JsonObject)(status, updated));
        };

        if (scenario === "pickup") {
          const ready = new Date(created.getTime() + rng.float(0.5, 3) * HOUR);
          scan("ready_for_pickup", ready, null, `Ready for pickup at ${LOCATIONS.store.name}`, null);
          if (rng.chance(0.9)) {
            const picked = new Date(ready.getTime() + rng.lognormal(26 * HOUR, 0.6));
            scan("picked_up", picked, null, "Picked up by customer", null);
            lastDelivered = picked.getTime();
          }
          return;
        }
        const c = CARRIERS[(ship.carrier ?? "UPS") as keyof typeof CARRIERS];
        const svc = c.services.find((s) => s.name === ship.service) ?? (c.services[0] as Service);
        if (exception === "stalled" && k === 0) return; // a label was bought, the parcel never scanned
        const firstScan = new Date(created.getTime() + Math.max(2 * HOUR, rng.lognormal(9 * HOUR, 0.5)));
        const transit = Math.max(10 * HOUR, rng.lognormal(svc.transitHours * HOUR, 0.3));
        let edd = new Date(firstScan.getTime() + svc.transitHours * HOUR * 1.15);
        const origin = c.hubs[0] as Hub;
        scan("in_transit", firstScan, origin, "Origin scan", edd);
        const hubs = Math.max(1, Math.round(transit / (30 * HOUR)));
        let at = firstScan.getTime();
        let extra = 0;
        for (let hIdx = 1; hIdx <= hubs; hIdx++) {
          at += transit / (hubs + 1);
          const hub = c.hubs[hIdx % c.hubs.length] as Hub;
          if (exception === "delayed" && hIdx === 1) {
            extra = rng.float(30, 70) * HOUR;
            edd = new Date(edd.getTime() + extra);
            scan("delayed", new Date(at), hub, rng.pick(["Weather delay", "Delay in transit: volume exceeded capacity", "Package missed connection"]), edd);
            at += extra;
          }
          scan("in_transit", new Date(at), hub, rng.pick(["Departed from facility", "Arrived at facility", "In transit to next facility"]), edd);
        }
        // Delivery day: out for delivery in the morning, delivered in the afternoon.
        const ofd = new Date(firstScan.getTime() + transit + extra);
        scan("out_for_delivery", ofd, dest, "Out for delivery", null);
        let done = new Date(ofd.getTime() + rng.float(2, 8) * HOUR);
        if (exception === "attempted" || exception === "failure") {
          scan("attempted_delivery", done, dest, rng.pick(["Delivery attempted: no access to building", "Customer not available", "Business closed"]), null);
          if (exception === "failure") {
            const failed = new Date(done.getTime() + rng.float(40, 80) * HOUR);
            scan("failure", failed, dest, "Returned to sender: unable to deliver", null);
            return;
          }
          const again = new Date(done.getTime() + rng.float(18, 26) * HOUR);
          scan("out_for_delivery", again, dest, "Out for delivery", null);
          done = new Date(again.getTime() + rng.float(2, 6) * HOUR);
        }
        scan("delivered", done, dest, rng.pick(["Delivered, front door/porch", "Delivered, in mailbox", "Delivered to reception", "Delivered, left with neighbour"]), null);
        lastDelivered = Math.max(lastDelivered, done.getTime());
      });

      // Returns: some delivered orders come back.
      if (lastDelivered > 0 && exception !== "failure" && rng.chance(0.1)) {
        const k = 0;
        const p = products[k] as Product;
        const rid = id.return;
        const requested = new Date(lastDelivered + rng.float(20, 140) * HOUR);
        const order = { id: id.order, admin_graphql_api_id: gid("Order", id.order) };
        const reason = rng.pick(["size_too_small", "size_too_large", "unwanted", "not_as_described", "defective", "wrong_item", "style"]);
        const rli = {
          id: id.returnLineItem,
          admin_graphql_api_id: gid("ReturnLineItem", id.returnLineItem),
          customer_note: rng.pick(["Didn't fit as expected.", "Changed my mind.", "Colour looks different in person.", "", "Arrived scratched."]),
          fulfillment_line_item: {
            id: id.fulfillmentLineItem(k),
            admin_graphql_api_id: gid("FulfillmentLineItem", id.fulfillmentLineItem(k)),
            line_item: { id: id.lineItem(k), admin_graphql_api_id: gid("LineItem", id.lineItem(k)) },
          },
          quantity: 1,
          return_reason: reason,
          return_reason_note: "",
        };
        const rname = `${name}-R1`;
        emit("returns/request", requested, () => merge(T().requestReturn, { id: rid, name: rname, order, return_line_items: [rli], status: "requested" }));
        if (rng.chance(0.12)) {
          returned = "declined";
          const at = new Date(requested.getTime() + rng.float(3, 30) * HOUR);
          emit("returns/decline", at, () => merge(T().decline, { id: rid, status: "declined", decline: { reason: "final_sale", note: "This item was marked final sale at checkout." } }));
        } else {
          returned = "refunded";
          const approved = new Date(requested.getTime() + rng.float(2, 20) * HOUR);
          emit("returns/approve", approved, () => merge(T().approve, { id: rid, name: rname, order, return_line_items: [rli], status: "open" }));
          const labelAt = new Date(approved.getTime() + 70_000);
          const rc = dest?.region === "CA" ? CARRIERS["Canada Post"] : dest?.region === "US" ? CARRIERS[rng.pick(["UPS", "USPS"] as const)] : CARRIERS["DHL Express"];
          const rnum = rc.trackingNumber(rng);
          emit("reverse_deliveries/attach_deliverable", labelAt, () =>
            merge(T().reverse, {
              id: id.reverseDelivery,
              return: { id: rid, admin_graphql_api_id: gid("Return", rid) },
              shipping_deliverable: {
                label: { created_at: t(labelAt), public_file_url: `https://cdn.shopify.com/s/files/1/0723/4567/8901/files/return-label-${orderNumber}-R1.pdf?v=${Math.floor(labelAt.getTime() / 1000)}` },
                tracking: { carrier_name: rc.name, tracking_number: rnum, tracking_url: rc.trackingUrl(rnum) },
              },
            }),
          );
          const received = new Date(labelAt.getTime() + rng.lognormal(100 * HOUR, 0.3));
          emit("reverse_fulfillment_orders/dispose", received, () =>
            merge(T().dispose, {
              id: id.rfo,
              total_dispositions: 1,
              dispositions: [
                {
                  location: { id: LOCATIONS.warehouse.id, admin_graphql_api_id: gid("Location", LOCATIONS.warehouse.id) },
                  quantity: 1,
                  reverse_delivery_line_item: { id: id.reverseDeliveryLineItem, admin_graphql_api_id: gid("ReverseDeliveryLineItem", id.reverseDeliveryLineItem) },
                  reverse_fulfillment_order_line_item: { id: id.rfoLineItem, admin_graphql_api_id: gid("ReverseFulfillmentOrderLineItem", id.rfoLineItem) },
                  type: reason === "defective" ? "not_restocked" : "restocked",
                },
              ],
            }),
          );
          const refundedAt = new Date(received.getTime() + rng.float(0.2, 3) * HOUR);
          const amount = money(Number(p.price) * (1 + taxRate));
          const txs = T().refund["transactions"] as JsonObject[];
          emit("refunds/create", refundedAt, () =>
            merge(T().refund, {
              id: id.refund,
              created_at: t(refundedAt),
              processed_at: t(refundedAt),
              order_id: id.order,
              note: `Return ${rname}`,
              return: { id: rid, admin_graphql_api_id: gid("Return", rid) },
              refund_line_items: [
                {
                  id: id.refund + 1,
                  line_item: lineItem(k, "fulfilled", 0),
                  line_item_id: id.lineItem(k),
                  location_id: LOCATIONS.warehouse.id,
                  quantity: 1,
                  restock_type: "return",
                  subtotal: Number(p.price),
                  subtotal_set: moneySet(p.price),
                  total_tax: Number(money(Number(p.price) * taxRate)),
                  total_tax_set: moneySet(money(Number(p.price) * taxRate)),
                },
              ],
              transactions: [
                merge(txs[0] as JsonObject, {
                  id: id.transaction,
                  admin_graphql_api_id: gid("OrderTransaction", id.transaction),
                  amount,
                  created_at: t(refundedAt),
                  processed_at: t(refundedAt),
                  order_id: id.order,
                  message: `Refunded ${amount} USD`,
                }),
              ],
            }),
          );
          const closed = new Date(refundedAt.getTime() + 3000);
          emit("returns/close", closed, () => merge(T().close, { id: rid, order_id: id.order, status: "closed" }));
        }
      }
    }

    // Build the bodies in story order (snapshots depend on what came before), then sort by real time.
    const wrng = rng.fork("webhooks");
    const built: SimWebhook[] = webhooks
      .map((w, seq) => ({ w, seq }))
      .sort((a, b) => a.w.at.getTime() - b.w.at.getTime() || a.seq - b.seq)
      .map(({ w }) => {
        const at = realTime(w.at);
        return {
          topic: w.topic,
          shop: options.shop,
          webhookId: storyOpts.bodies === false ? `${index}:${w.topic}:${w.at.getTime()}` : uuidFrom(wrng),
          eventId: storyOpts.bodies === false ? "" : uuidFrom(wrng),
          at,
          body: storyOpts.bodies === false ? "" : JSON.stringify(w.body()),
          orderIndex: index,
        };
      });

    return {
      index,
      orderId: String(id.order),
      name,
      orderNumber,
      email,
      phone,
      firstName,
      destination: dest,
      placedAt: placed,
      scenario,
      exception,
      split,
      returned,
      shipments,
      webhooks: built,
    };
  }

  return { options, story, realTime };
}

/** The real time at which a webhook should be delivered, and the header value Shopify would send. */
export function triggeredAt(w: SimWebhook): string {
  return triggeredAtHeader(w.at, new Random(w.webhookId));
}
