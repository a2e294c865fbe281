// The demo's carrier tracking source: parcels with a regional carrier (Evri) that Shopify never sends
// a carrier event for, registered with a local EasyPost (scripts/simulator/carrier-sources.ts), and
// moved through in transit, out for delivery and delivered by signed pushes to the app's
// /webhooks/carriers route only. Write-back is off: the demo has no Shopify Admin API to post to
// (tests/sources/sources.test.ts shows it against the Admin GraphQL simulator).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Db } from "../../app/db.server";
import { webhookHeaders } from "../../app/lib/shopify-signing.server";
import { pushPath } from "../../app/sources/connection.server";
import { registerShipment } from "../../app/sources/registration.server";
import { connectSource } from "../../app/sources/settings.server";
import { startFakeEasyPost, type Scan } from "../simulator/carrier-sources";

export interface CarrierSourceDemo {
  /** The orders whose only carrier events come from the source. */
  orders: string[];
  /** Resolves once every scripted scan was pushed. */
  done: Promise<void>;
  stop(): Promise<void>;
}

const STEPS: Omit<Scan, "at">[] = [
  {
    status: "in_transit",
    statusDetail: "arrived_at_facility",
    message: "Arrived at the Evri hub",
    city: "Rugby",
    country: "GB",
  },
  { status: "out_for_delivery", message: "Out for delivery with your courier", city: "Leeds", country: "GB" },
  { status: "delivered", message: "Delivered to the front door", city: "Leeds", country: "GB" },
];

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.resolve("scripts/simulator/payloads", `${name}.json`), "utf8")) as Record<
    string,
    unknown
  >;
}

/**
 * Starts the source, connects the demo shop to it, sends the orders and fulfillments (as Shopify
 * would, signed), registers them and pushes one scan per parcel every `stepMs`.
 */
export async function startCarrierSourceDemo(
  demo: { appUrl: string; shop: string; db: Db },
  opts: { parcels?: number; stepMs?: number; secret?: string; fetchFn?: typeof fetch; now?: () => Date } = {},
): Promise<CarrierSourceDemo> {
  const fetchFn = opts.fetchFn ?? fetch;
  const now = opts.now ?? (() => new Date());
  const secret = opts.secret ?? process.env.SHOPIFY_API_SECRET ?? "";
  const ep = await startFakeEasyPost();
  const shop = await demo.db.shop.findUniqueOrThrow({ where: { domain: demo.shop } });
  await connectSource(demo.db, shop.id, {
    provider: "easypost",
    apiKey: ep.apiKey,
    webhookSecret: ep.webhookSecret,
    writeBack: false,
    baseUrl: ep.baseUrl,
  });
  const connection = await demo.db.trackingSource.findUniqueOrThrow({ where: { shopId: shop.id } });

  const send = async (topic: string, payload: Record<string, unknown>) => {
    const body = JSON.stringify(payload);
    const delivery = {
      topic,
      shop: demo.shop,
      apiVersion: "2026-07",
      webhookId: crypto.randomUUID(),
      triggeredAt: now().toISOString(),
      eventId: crypto.randomUUID(),
    };
    const res = await fetchFn(`${demo.appUrl}/webhooks/tracking`, {
      method: "POST",
      headers: webhookHeaders(delivery, body, secret),
      body,
    });
    if (res.status !== 200) throw new Error(`carrier demo: ${topic} answered ${res.status}`);
  };

  const parcels = opts.parcels ?? 2;
  const stamp = Math.floor(now().getTime() / 1000) % 100_000;
  const numbers: string[] = [];
  const orders: string[] = [];
  const fulfillmentIds: string[] = [];
  for (let i = 0; i < parcels; i++) {
    const orderId = 9_300_000_000_000 + stamp * 10 + i;
    const number = 9000 + ((stamp * 10 + i) % 1000);
    const order = {
      ...fixture("orders-create.1001"),
      id: orderId,
      admin_graphql_api_id: `gid://shopify/Order/${orderId}`,
      name: `#${number}`,
      order_number: number,
      created_at: now().toISOString(),
      updated_at: now().toISOString(),
      processed_at: now().toISOString(),
    };
    const tracking = `H${String(stamp).padStart(5, "0")}${i}EVRI`;
    const fulfillmentId = 9_400_000_000_000 + stamp * 10 + i;
    const f = {
      ...fixture("fulfillments-create.1001.1-ups"),
      id: fulfillmentId,
      admin_graphql_api_id: `gid://shopify/Fulfillment/${fulfillmentId}`,
      order_id: orderId,
      name: `#${number}.1`,
      tracking_company: "Evri",
      tracking_number: tracking,
      tracking_numbers: [tracking],
      tracking_url: null,
      tracking_urls: [],
      shipment_status: null,
      created_at: now().toISOString(),
      updated_at: now().toISOString(),
    };
    await send("orders/create", order);
    await send("fulfillments/create", f);
    numbers.push(tracking);
    orders.push(`#${number}`);
    fulfillmentIds.push(String(fulfillmentId));
  }

  // The app's worker processes the webhooks; register as soon as each shipment exists.
  const deadline = Date.now() + 60_000;
  for (const id of fulfillmentIds) {
    for (;;) {
      const s = await demo.db.shipment.findFirst({
        where: { shopId: shop.id, shopifyFulfillmentId: id, primaryTracking: { not: null } },
      });
      if (s) {
        await registerShipment(demo.db, s.id, "untracked_carrier", now());
        break;
      }
      if (Date.now() > deadline) throw new Error("carrier demo: the app did not process the demo fulfillments");
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  let timer: NodeJS.Timeout | null = null;
  let step = 0;
  const pushUrl = `${demo.appUrl}${pushPath(connection)}`;
  const done = new Promise<void>((resolve, reject) => {
    const next = async () => {
      const s = STEPS[step++];
      if (!s) return resolve();
      for (const n of numbers) {
        ep.scan(
          n,
          { ...s, at: now().toISOString() },
          s.status === "out_for_delivery" ? new Date(now().getTime() + 8 * 3_600_000).toISOString() : undefined,
        );
        const signed = ep.signedEvent(n);
        const res = await fetchFn(pushUrl, { method: "POST", headers: signed.headers, body: signed.body });
        if (res.status !== 200) throw new Error(`carrier demo: push answered ${res.status}`);
      }
      timer = setTimeout(() => void next().catch(reject), opts.stepMs ?? 20_000);
    };
    timer = setTimeout(() => void next().catch(reject), opts.stepMs ?? 20_000);
  });
  done.catch(() => {});
  return {
    orders,
    done,
    stop: async () => {
      if (timer) clearTimeout(timer);
      await ep.close();
    },
  };
}
