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
import type { SupportedTopic } from "../../app/pipeline/payloads";
import { DAY_MS, HOUR_MS } from "../../app/lib/time";
import type { Destination } from "./catalog";
import { API_VERSION, SHOP_DOMAIN, SHOP_ID } from "./payloads";
import { Random } from "./random";
import { cancelOrder, placeOrder } from "./story/order";
import { returns } from "./story/returns";
import { carrierScans, fulfill, pickupScans, planFulfillments } from "./story/shipping";
import {
  castStory,
  startStory,
  type Exception,
  type ReturnOutcome,
  type Scenario,
  type SimShipment,
  type StallPlan,
  type StoryContext,
} from "./story/state";

// The fixtures' shop and API version (./payloads), so generated and fixture webhooks agree.
export { API_VERSION };
export const DEMO_SHOP = SHOP_DOMAIN;
export const DEMO_SHOP_ID = Number(SHOP_ID);

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

// The story's vocabulary lives with its state (story/state.ts), which the generator drives.
export type { Exception, ReturnOutcome, Scenario, SimShipment, StallPlan } from "./story/state";

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
  /** A regional stall to plant (the demo plants one so the bottleneck page has a finding). */
  stall?: StallPlan | null;
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
  const local = new Date(d.getTime() - 5 * HOUR_MS);
  return `${local.toISOString().slice(0, 19)}-05:00`;
}

/** X-Shopify-Triggered-At: UTC with nanoseconds, "2026-11-16T14:12:41.482113907Z". */
export function triggeredAtHeader(d: Date, rng?: Random): string {
  const nanos = rng ? rng.digits(6) : "000000";
  return `${d.toISOString().slice(0, 23)}${nanos}Z`;
}

function uuidFrom(rng: Random): string {
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${rng.pick(["8", "9", "a", "b"])}${hex(3)}-${hex(12)}`;
}

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
    stall: opts.stall ?? null,
  };
  const now = options.now.getTime();
  const span = options.spanDays * DAY_MS;
  const gap = span / Math.max(1, options.seedOrders);
  const realTime = (v: Date): Date => (v.getTime() <= now ? v : new Date(now + (v.getTime() - now) / options.speed));

  function placedAt(index: number, rng: Random): Date {
    // Evenly spread with jitter; live orders continue at the same rate after `now`.
    const base = index < options.seedOrders ? now - span + index * gap : now + (index - options.seedOrders) * gap;
    return new Date(base + rng.float(0.05, 0.95) * gap);
  }

  // One order's story, told in steps over an explicit state (./story/): the cast is drawn, the
  // fulfillments planned, then each step emits its webhooks. The steps draw from the story's Random
  // in this order; the output for a seed is pinned by tests/scripts/simulator.test.ts.
  function story(index: number, storyOpts: { bodies?: boolean } = {}): OrderStory {
    const rng = new Random(`${options.seed}/order/${index}`);
    const orderNumber = options.firstOrderNumber + index;
    const ctx: StoryContext = {
      index,
      rng,
      shop: options.shop,
      shopId: options.shopId,
      orderNumber,
      name: `#${orderNumber}`,
      placed: placedAt(index, rng),
      t: (v: Date) => shopifyTime(realTime(v)),
      stall: options.stall,
    };
    const s = startStory(ctx, castStory(ctx));
    planFulfillments(s);

    placeOrder(s);
    if (s.scenario === "cancelled") cancelOrder(s);
    else {
      s.plans.forEach((_, k) => {
        fulfill(s, k);
        if (s.scenario === "pickup") pickupScans(s, k);
        else carrierScans(s, k);
      });
      returns(s);
    }

    // Sort by trigger time (ties keep story order), then build the bodies in that order: order
    // snapshots show the fulfillments whose bodies came before.
    const wrng = rng.fork("webhooks");
    const built: SimWebhook[] = s.webhooks
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
      orderId: String(s.id.order),
      name: s.name,
      orderNumber,
      email: s.email,
      phone: s.phone,
      firstName: s.firstName,
      destination: s.dest,
      placedAt: s.placed,
      scenario: s.scenario,
      exception: s.exception,
      split: s.split,
      returned: s.returned,
      shipments: s.plans.map((p) => p.shipment),
      webhooks: built,
    };
  }

  return { options, story, realTime };
}

/** The real time at which a webhook should be delivered, and the header value Shopify would send. */
export function triggeredAt(w: SimWebhook): string {
  return triggeredAtHeader(w.at, new Random(w.webhookId));
}
