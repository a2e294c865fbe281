// The explicit state one order's story is told over. castStory draws who ordered what, shipped how
// and what goes wrong; the steps (./order, ./shipping, ./returns) then emit that story's webhooks into
// the state, in story order. Every draw comes from the story's own Random, in a fixed order (the
// generator's output is pinned per seed by tests/scripts/simulator.test.ts): moving a draw changes
// every later one.
import type { SupportedTopic } from "../../../app/pipeline/payloads";
import {
  CARRIERS,
  CARRIER_MIX,
  DESTINATIONS,
  FIRST_NAMES,
  LAST_NAMES,
  PRODUCTS,
  type Carrier,
  type Destination,
  type Product,
  type Service,
} from "../catalog";
import type { JsonObject } from "../payloads";
import type { Random } from "../random";

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

// Ids: disjoint numeric ranges per kind, derived from the order index (unique, deterministic, < 2^53).
export const ids = (i: number) => ({
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

/** What the generator hands a story: which order, its random stream, and the shop and clock. */
export interface StoryContext {
  index: number;
  rng: Random;
  shop: string;
  shopId: number;
  orderNumber: number;
  /** "#1001" */
  name: string;
  /** Virtual time the order was placed. */
  placed: Date;
  /** A virtual time as a body carries it (the real send time, Shopify's format). */
  t: (virtual: Date) => string;
  /** A regional stall to plant (the demo's bottleneck), or none. */
  stall?: StallPlan | null;
}

/**
 * A planted regional stall: a share of the US orders ship with `carrier` to `city`, and that
 * carrier's parcels there get no scan after the origin scan between `from` and `to` (virtual times):
 * the scans that fall in it are held until `to` and the rest of the journey shifts with them.
 */
export interface StallPlan {
  carrier: keyof typeof CARRIERS;
  city: string;
  share: number;
  from: Date;
  to: Date;
}

/** Shopify's mailing address shape (shipping, billing, a customer's default). */
export interface Address {
  address1: string;
  address2: string | null;
  city: string;
  company: null;
  country: string;
  country_code: string;
  first_name: string;
  last_name: string;
  latitude: number | null;
  longitude: number | null;
  name: string;
  phone: string;
  province: string | null;
  province_code: string | null;
  zip: string;
}

/** Who ordered what, where it goes, how it ships and what goes wrong: drawn once, up front. */
export interface StoryCast {
  id: ReturnType<typeof ids>;
  firstName: string;
  lastName: string;
  scenario: Scenario;
  /** null for a pickup. */
  dest: Destination | null;
  /** The destination, or the first one for a pickup (locale, phone prefix). */
  home: Destination;
  email: string;
  phone: string;
  smsConsent: boolean;
  products: Product[];
  quantities: number[];
  carrier: Carrier | null;
  service: Service | null;
  split: boolean;
  exception: Exception;
  subtotal: number;
  shippingPrice: number;
  taxRate: number;
  tax: number;
  total: number;
  /** The shipping address (null for a pickup) and the billing address. */
  address: Address | null;
  billing: Address;
}

/** A webhook of the story before it is stamped: its body is built later, in trigger-time order. */
export interface PendingWebhook {
  topic: SupportedTopic;
  at: Date;
  body: () => JsonObject;
}

/** One fulfillment of the plan: which lines, from where, with which carrier and numbers. */
export interface FulfillmentPlan {
  fid: string;
  lines: number[];
  carrier: Carrier | null;
  numbers: string[];
  created: Date;
  location: { id: number; name: string };
  shipment: SimShipment;
}

export interface StoryState extends StoryContext, StoryCast {
  plans: FulfillmentPlan[];
  /** What each fulfillment looks like so far, as the order's snapshots show it (set as bodies are built). */
  fulfillmentState: Map<number, { status: string | null; updated: Date }>;
  webhooks: PendingWebhook[];
  /** Carrier event ids are numbered per story. */
  eventSeq: number;
  /** When the last parcel reached the customer (0: none did). */
  lastDelivered: number;
  returned: ReturnOutcome;
}

export function emit(state: StoryState, topic: SupportedTopic, at: Date, body: () => JsonObject): void {
  state.webhooks.push({ topic, at, body });
}

const ascii = (s: string) =>
  s
    .normalize("NFD")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();

/** The story's cast, drawn in a fixed order. */
export function castStory(ctx: StoryContext): StoryCast {
  const { rng } = ctx;
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);
  const scenario: Scenario = rng.weighted<Scenario>([
    ["shipping", 92],
    ["pickup", 6],
    ["cancelled", 2],
  ]);
  let dest = scenario === "pickup" ? null : rng.weighted(DESTINATIONS);
  const home = dest ?? (DESTINATIONS[0] as readonly [Destination, number])[0];
  const email = `${ascii(firstName)}.${ascii(lastName)}${ctx.orderNumber}@example.com`;
  const phone = `${home.phonePrefix}${rng.digits(home.phonePrefix.length >= 11 ? 3 : 4)}`.slice(0, 13);
  const smsConsent = rng.chance(0.35);

  // Items: 1–3 lines; a split shipment needs two lines.
  const lineCount = rng.weighted([
    [1, 55],
    [2, 33],
    [3, 12],
  ] as const);
  const products: Product[] = [];
  while (products.length < lineCount) {
    const p = rng.pick(PRODUCTS);
    if (!products.some((x) => x.variantId === p.variantId)) products.push(p);
  }
  const quantities = products.map(() =>
    rng.weighted([
      [1, 80],
      [2, 17],
      [3, 3],
    ] as const),
  );

  // Carrier and service
  let carrier: Carrier | null = dest ? CARRIERS[rng.weighted(CARRIER_MIX[dest.region])] : null;
  let service: Service | null = carrier ? rng.pick(carrier.services) : null;
  // The planted stall's lane gets its share of US orders (draws only when a stall is planted, so
  // stories without one stay as pinned).
  const stall = ctx.stall;
  if (stall && scenario === "shipping" && dest?.region === "US" && rng.chance(stall.share)) {
    dest = DESTINATIONS.find(([d]) => d.city === stall.city)?.[0] ?? dest;
    carrier = CARRIERS[stall.carrier];
    service = rng.pick(carrier.services);
  }
  const split = scenario === "shipping" && lineCount >= 2 && rng.chance(0.3);
  const exception: Exception =
    scenario === "shipping"
      ? rng.weighted<Exception>([
          ["none", 84],
          ["delayed", 7],
          ["attempted", 4.5],
          ["failure", 1.5],
          ["stalled", 3],
        ])
      : "none";

  // Money
  const subtotal = products.reduce((s, p, k) => s + Number(p.price) * (quantities[k] ?? 1), 0);
  const shippingPrice = service ? Number(service.price) : 0;
  const taxRate = dest?.region === "US" ? 0.0625 : 0;
  const tax = Math.round(subtotal * taxRate * 100) / 100;
  const total = subtotal + shippingPrice + tax;

  const address: Address | null = dest
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
  const billing: Address = address ?? {
    address1: "200 Inner Belt Rd",
    address2: null,
    city: "Somerville",
    company: null,
    country: "United States",
    country_code: "US",
    first_name: firstName,
    last_name: lastName,
    latitude: null,
    longitude: null,
    name: `${firstName} ${lastName}`,
    phone,
    province: "Massachusetts",
    province_code: "MA",
    zip: "02143",
  };

  return {
    id: ids(ctx.index),
    firstName,
    lastName,
    scenario,
    dest,
    home,
    email,
    phone,
    smsConsent,
    products,
    quantities,
    carrier,
    service,
    split,
    exception,
    subtotal,
    shippingPrice,
    taxRate,
    tax,
    total,
    address,
    billing,
  };
}

/** A fresh state for the story: nothing planned or emitted yet. */
export function startStory(ctx: StoryContext, cast: StoryCast): StoryState {
  return {
    ...ctx,
    ...cast,
    plans: [],
    fulfillmentState: new Map(),
    webhooks: [],
    eventSeq: 0,
    lastDelivered: 0,
    returned: "none",
  };
}
