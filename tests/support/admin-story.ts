// A realistic shop for the admin's tests: orders, fulfillments and carrier scans posted as signed
// webhooks and processed by the real worker, times relative to `now` so live figures (no scan for N
// days, dwell) hold whenever the tests run. What other services write (notifications, storefront
// analytics, lane roll-ups, attributed orders, a dead-lettered job) is added as those services store it.
import { jobHandlers } from "~/jobs/registry.server";
import { Worker } from "~/jobs/worker.server";
import type { Db } from "~/db.server";
import { fromValues } from "~/intelligence/rules/histogram";
import { dayKey } from "~/lib/time";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload } from "../../scripts/simulator/payloads";
import { receiverFor, signedWebhook, TEST_SHOP } from "./shopify-webhooks";

export const STORY_SHOP = TEST_SHOP;
const H = 3_600_000;

type Carrier = "UPS" | "USPS" | "FedEx";
interface ScanSpec {
  status: string;
  hoursAgo: number;
  city?: string;
}
export interface OrderSpec {
  number: number;
  email: string;
  carrier?: Carrier;
  region: string; // province code in the US
  placedHoursAgo: number;
  shippedHoursAgo?: number;
  scans?: ScanSpec[];
  /** The promised window's end, hours from now (negative: in the past). */
  promisedEndHoursFromNow?: number;
}

const TRACKING_PREFIX: Record<Carrier, string> = { UPS: "1Z999AA1", USPS: "94001118992231", FedEx: "7712" };

export function trackingNumberFor(spec: Pick<OrderSpec, "number" | "carrier">): string {
  const c = spec.carrier ?? "UPS";
  return `${TRACKING_PREFIX[c]}${String(spec.number).padStart(c === "USPS" ? 8 : 8, "0")}`;
}

/** The named orders the tests look at, one per situation the dashboard distinguishes. */
export const NAMED: OrderSpec[] = [
  {
    number: 2001,
    email: "ava@example.com",
    carrier: "UPS",
    region: "MA",
    placedHoursAgo: 100,
    shippedHoursAgo: 80,
    scans: [
      { status: "in_transit", hoursAgo: 60 },
      { status: "delivered", hoursAgo: 20, city: "Cambridge" },
    ],
    promisedEndHoursFromNow: 24,
  },
  {
    number: 2002,
    email: "ben@example.com",
    carrier: "UPS",
    region: "MA",
    placedHoursAgo: 40,
    shippedHoursAgo: 30,
    scans: [{ status: "in_transit", hoursAgo: 10, city: "Hartford" }],
  },
  {
    number: 2003,
    email: "cleo@example.com",
    carrier: "USPS",
    region: "NY",
    placedHoursAgo: 200,
    shippedHoursAgo: 180,
    scans: [{ status: "in_transit", hoursAgo: 130, city: "Newark" }],
  },
  {
    number: 2004,
    email: "dev@example.com",
    carrier: "FedEx",
    region: "PA",
    placedHoursAgo: 90,
    shippedHoursAgo: 70,
    scans: [
      { status: "in_transit", hoursAgo: 50 },
      { status: "delayed", hoursAgo: 30, city: "Pittsburgh" },
    ],
  },
  {
    number: 2005,
    email: "eli@example.com",
    carrier: "UPS",
    region: "NJ",
    placedHoursAgo: 90,
    shippedHoursAgo: 70,
    scans: [
      { status: "in_transit", hoursAgo: 40 },
      { status: "attempted_delivery", hoursAgo: 5, city: "Trenton" },
    ],
  },
  {
    number: 2006,
    email: "fay@example.com",
    carrier: "USPS",
    region: "CA",
    placedHoursAgo: 150,
    shippedHoursAgo: 120,
    scans: [
      { status: "in_transit", hoursAgo: 100 },
      { status: "failure", hoursAgo: 8, city: "Oakland" },
    ],
  },
  {
    number: 2007,
    email: "gus@example.com",
    carrier: "FedEx",
    region: "CA",
    placedHoursAgo: 150,
    shippedHoursAgo: 120,
    scans: [
      { status: "in_transit", hoursAgo: 80 },
      { status: "delivered", hoursAgo: 40, city: "San Jose" },
    ],
    promisedEndHoursFromNow: -60,
  },
  { number: 2008, email: "hal@example.com", carrier: "UPS", region: "NY", placedHoursAgo: 20, shippedHoursAgo: 6 },
  { number: 2009, email: "ivy@example.com", region: "MA", placedHoursAgo: 3 },
  {
    number: 2010,
    email: "ava@example.com",
    carrier: "USPS",
    region: "MA",
    placedHoursAgo: 120,
    shippedHoursAgo: 100,
    scans: [
      { status: "in_transit", hoursAgo: 90 },
      { status: "delivered", hoursAgo: 50 },
    ],
  },
];

/** A stalled lane (UPS → Ohio, last scans ~60 h ago) and a healthy one (FedEx → Ohio, ~5 h ago). */
export function laneSpecs(): OrderSpec[] {
  const out: OrderSpec[] = [];
  for (let i = 0; i < 12; i++) {
    out.push({
      number: 3001 + i,
      email: `ohio${i}@example.com`,
      carrier: "UPS",
      region: "OH",
      placedHoursAgo: 120,
      shippedHoursAgo: 100,
      scans: [{ status: "in_transit", hoursAgo: 58 + i, city: "Columbus" }],
    });
  }
  for (let i = 0; i < 10; i++) {
    out.push({
      number: 3101 + i,
      email: `ohio-fx${i}@example.com`,
      carrier: "FedEx",
      region: "OH",
      placedHoursAgo: 50,
      shippedHoursAgo: 30,
      scans: [{ status: "in_transit", hoursAgo: 4 + i * 0.5, city: "Dayton" }],
    });
  }
  return out;
}

const iso = (now: Date, hoursAgo: number) => new Date(now.getTime() - hoursAgo * H).toISOString();

function payloadsFor(spec: OrderSpec, now: Date): Array<[string, unknown]> {
  const orderId = 7_000_000_000_000 + spec.number;
  const fulfillmentId = 8_000_000_000_000 + spec.number;
  const out: Array<[string, unknown]> = [
    [
      "orders/create",
      orderPayload({
        id: orderId,
        name: `#${spec.number}`,
        number: spec.number - 1000,
        order_number: spec.number,
        email: spec.email,
        contact_email: spec.email,
        created_at: iso(now, spec.placedHoursAgo),
        processed_at: iso(now, spec.placedHoursAgo),
        updated_at: iso(now, spec.placedHoursAgo),
        shipping_address: { province_code: spec.region, country_code: "US", city: `City ${spec.region}` },
        customer: { id: 9_000_000_000 + spec.number, email: spec.email },
      }),
    ],
  ];
  if (!spec.carrier || spec.shippedHoursAgo === undefined) return out;
  const number = trackingNumberFor(spec);
  out.push([
    "fulfillments/create",
    fulfillmentPayload({
      id: fulfillmentId,
      order_id: orderId,
      name: `#${spec.number}.1`,
      email: spec.email,
      tracking_company: spec.carrier,
      tracking_number: number,
      tracking_numbers: [number],
      tracking_url: `https://track.example/${number}`,
      tracking_urls: [`https://track.example/${number}`],
      shipment_status: null,
      created_at: iso(now, spec.shippedHoursAgo),
      updated_at: iso(now, spec.shippedHoursAgo),
      destination: { province_code: spec.region, country_code: "US" },
    }),
  ]);
  (spec.scans ?? []).forEach((scan, i) => {
    out.push([
      "fulfillment_events/create",
      fulfillmentEventPayload({
        id: 9_100_000_000 + spec.number * 10 + i,
        fulfillment_id: fulfillmentId,
        order_id: orderId,
        status: scan.status,
        message: scan.status.replaceAll("_", " "),
        city: scan.city ?? "Somewhere",
        province: spec.region,
        country: "US",
        happened_at: iso(now, scan.hoursAgo),
        created_at: iso(now, scan.hoursAgo - 0.01),
        updated_at: iso(now, scan.hoursAgo - 0.01),
        estimated_delivery_at: null,
      }),
    ]);
  });
  return out;
}

export interface Story {
  now: Date;
  shopId: string;
  shipmentIdByOrder: Map<number, string>;
}

/** Posts the story's webhooks, drains the worker, and adds what other services would have written. */
export async function buildStory(db: Db, opts: { now?: Date; lanes?: boolean } = {}): Promise<Story> {
  const now = opts.now ?? new Date();
  const receive = receiverFor(db);
  const specs = [...NAMED, ...(opts.lanes === false ? [] : laneSpecs())];
  for (const spec of specs) {
    for (const [topic, payload] of payloadsFor(spec, now)) {
      const res = await receive(signedWebhook(topic, payload));
      if (res.status !== 200) throw new Error(`${topic} for #${spec.number}: HTTP ${res.status}`);
    }
  }
  // One webhook Shopify sent that Waypoint cannot parse: it fails visibly and waits for a replay.
  await receive(signedWebhook("orders/updated", null, { rawBody: "{not json", webhookId: "story-broken-webhook" }));
  const worker = new Worker(db, jobHandlers, { now: () => new Date(Date.now() + 60_000), id: "story-worker" });
  await worker.drain();

  const shop = await db.shop.findUniqueOrThrow({ where: { domain: STORY_SHOP } });
  const shipments = await db.shipment.findMany({
    where: { shopId: shop.id },
    select: { id: true, order: { select: { orderNumber: true } } },
  });
  const shipmentIdByOrder = new Map(shipments.map((s) => [s.order?.orderNumber ?? 0, s.id]));

  // The promised windows the delivery-window service sets at confirmation.
  for (const spec of specs) {
    if (spec.promisedEndHoursFromNow === undefined) continue;
    const end = new Date(now.getTime() + spec.promisedEndHoursFromNow * H);
    await db.shipment.update({
      where: { id: shipmentIdByOrder.get(spec.number)! },
      data: { predictedStart: new Date(end.getTime() - 48 * H), predictedEnd: end },
    });
  }

  const orders = await db.order.findMany({ where: { shopId: shop.id }, select: { id: true, orderNumber: true } });
  const orderId = new Map(orders.map((o) => [o.orderNumber, o.id]));
  const note = (n: number, data: Record<string, unknown>) => ({
    shopId: shop.id,
    orderId: orderId.get(n)!,
    shipmentId: shipmentIdByOrder.get(n) ?? null,
    locale: "en",
    idempotencyKey: `${n}:${String(data.milestone)}:${String(data.channel)}`,
    recipient: NAMED.find((s) => s.number === n)?.email ?? null,
    ...data,
  });
  await db.notification.createMany({
    data: [
      note(2001, {
        channel: "email",
        milestone: "shipped",
        status: "sent",
        subject: "Your order #2001 has shipped",
        sentAt: now,
        provider: "dev-outbox",
      }),
      note(2001, {
        channel: "sms",
        milestone: "out_for_delivery",
        status: "sent",
        recipient: "+16175550142",
        segments: 2,
        sentAt: now,
        provider: "dev-outbox",
      }),
      note(2002, {
        channel: "email",
        milestone: "shipped",
        status: "failed",
        error: "SendGrid rejected the sender address",
        errorKind: "config",
        attempts: 3,
      }),
      note(2003, {
        channel: "sms",
        milestone: "shipped",
        status: "suppressed",
        recipient: "+12125550100",
        error: "Recipient opted out (STOP)",
      }),
      note(2004, {
        channel: "email",
        milestone: "delayed",
        status: "draft",
        subject: "An update on order #2004",
        bodyText: "Your parcel is running late.",
      }),
      note(2005, {
        channel: "email",
        milestone: "delivery_failed",
        status: "draft",
        subject: "We missed you",
        bodyText: "The carrier tried to deliver your parcel.",
      }),
    ] as never,
  });

  // Storefront analytics (raw events) and an attributed order.
  const events: Array<{ kind: string; n: number }> = [
    { kind: "page_view", n: 9 },
    { kind: "lookup", n: 4 },
    { kind: "message_click", n: 3 },
    { kind: "rec_impression", n: 12 },
    { kind: "rec_click", n: 5 },
  ];
  await db.analyticsEvent.createMany({
    data: events.flatMap(({ kind, n }) =>
      Array.from({ length: n }, (_, i) => ({
        shopId: shop.id,
        kind,
        visitorId: `v${i}`,
        createdAt: new Date(now.getTime() - (i + 1) * H),
      })),
    ),
  });
  await db.attributedOrder.create({
    data: {
      shopId: shop.id,
      orderId: orderId.get(2008)!,
      sourceOrder: "#2001",
      revenueCents: 4_599,
      currency: "USD",
      createdAt: new Date(now.getTime() - 5 * H),
    },
  });

  // Lane roll-ups: processing (per shop), transit per carrier, and the Ohio dwell baselines.
  const yesterday = dayKey(new Date(now.getTime() - 24 * H));
  const lane = (metric: string, carrier: string, region: string, day: string, values: number[]) => {
    const h = fromValues(values);
    return {
      shopId: shop.id,
      metric,
      carrier,
      service: "",
      region,
      day,
      count: h.n,
      sum: h.sum,
      histogram: h as never,
    };
  };
  const rows = [
    lane("processing_hours", "", "", yesterday, [10, 20, 20, 30, 40]),
    lane("transit_hours", "ups", "", yesterday, [40, 48, 50, 60, 70]),
    lane("transit_hours", "fedex", "", yesterday, [30, 36, 40]),
  ];
  for (let d = 1; d <= 10; d++) {
    const day = dayKey(new Date(now.getTime() - d * 24 * H));
    rows.push(lane("dwell_hours", "ups", "US-OH", day, [6, 8, 9, 10, 10, 11, 12, 14, 16, 18]));
    rows.push(lane("dwell_hours", "fedex", "US-OH", day, [4, 5, 6, 7, 8, 8, 9, 10, 11, 12]));
  }
  // Replaces whatever the pipeline rolled up from this short story, so the figures are known exactly.
  await db.laneStat.deleteMany({ where: { shopId: shop.id } });
  await db.laneStat.createMany({ data: rows });

  // A job that exhausted its retries.
  await db.job.create({
    data: {
      kind: "notifications.send",
      payload: { notificationId: "gone" },
      shopDomain: STORY_SHOP,
      status: "dead",
      attempts: 8,
      lastError: "Twilio: 21610 unsubscribed recipient",
      finishedAt: now,
    },
  });
  return { now, shopId: shop.id, shipmentIdByOrder };
}
