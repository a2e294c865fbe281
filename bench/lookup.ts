// Row 3: storefront lookup latency at 200 req/s with the large dataset. Signed app-proxy requests
// (order number + email, as the theme block posts them) to the production server, against the floor:
// the same statements the lookup service runs, executed directly on the database with better-sqlite3.
import Database from "better-sqlite3";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { signAppProxyQuery } from "../app/lib/shopify-signing.server";
import type { Dataset } from "./dataset";
import { log, memoryOf, percentile, row, type Row, verdict } from "./lib";
import { runRequests } from "./load";
import { type BenchSecrets, startAppServer } from "./servers";

export interface LookupOptions {
  dataset: Dataset;
  rate: number;
  seconds: number;
  secrets: BenchSecrets;
  onPeakRss?: (label: string, mb: number) => void;
}

interface Sample {
  orderNumber: number;
  name: string;
  email: string;
}

const MAX_EVENTS = 25;

/** The lookup service's statements (lookup.server.ts), run straight on the file: the floor. */
export function floorLookups(file: string, shopId: string, samples: Sample[]): number[] {
  const db = new Database(file, { readonly: true });
  try {
    const order = db.prepare(
      `SELECT id, name, email, phone, shipCity, shipRegion, shipCountry, processedAt, stage, subStatus, cancelledAt, lineItems, predictedStart, predictedEnd
       FROM "Order" WHERE shopId = ? AND orderNumber = ? AND redactedAt IS NULL LIMIT 3`,
    );
    const shipments = db.prepare(
      `SELECT id, kind, name, stage, subStatus, delayed, delayReason, needsAttention, carrier, carrierCode, trackingUrls, primaryTracking, carrierEdd, predictedStart, predictedEnd, cancelledAt, createdAt
       FROM "Shipment" WHERE orderId = ? ORDER BY kind ASC, COALESCE(name, '') ASC, createdAt ASC, id ASC LIMIT 12`,
    );
    const events = new Map<number, Database.Statement>();
    const eventsFor = (n: number) => {
      let s = events.get(n);
      if (!s) {
        const branch = `SELECT * FROM (SELECT "shipmentId", "status", "happenedAt", "city", "province", "country" FROM "TrackingEvent" WHERE "shipmentId" = ? ORDER BY "happenedAt" DESC, "id" DESC LIMIT ${MAX_EVENTS}) AS e`;
        s = db.prepare(Array.from({ length: n }, () => branch).join(" UNION ALL "));
        events.set(n, s);
      }
      return s;
    };
    const out: number[] = [];
    for (const x of samples) {
      const t = performance.now();
      const o = order.all(shopId, x.orderNumber) as { id: string; email: string | null }[];
      const match = o.find((r) => r.email === x.email);
      if (match) {
        const ships = shipments.all(match.id) as { id: string }[];
        if (ships.length) eventsFor(ships.length).all(...ships.map((s) => s.id));
      }
      out.push(performance.now() - t);
    }
    return out;
  } finally {
    db.close();
  }
}

function sampleOrders(file: string, count: number): { shopId: string; samples: Sample[] } {
  const db = new Database(file, { readonly: true });
  try {
    const max = Number((db.prepare(`SELECT MAX(rowid) AS m FROM "Order"`).get() as { m: number }).m);
    const shopId = (db.prepare(`SELECT shopId FROM "Order" LIMIT 1`).get() as { shopId: string }).shopId;
    const pick = db.prepare(
      `SELECT orderNumber, name, email FROM "Order" WHERE rowid = ? AND email IS NOT NULL AND cancelledAt IS NULL`,
    );
    const samples: Sample[] = [];
    let x = 12345;
    for (let tries = 0; samples.length < count && tries < count * 5; tries++) {
      x = (x * 1103515245 + 12345) % 2147483648; // deterministic sample
      const r = pick.get(1 + (x % max)) as Sample | undefined;
      if (r) samples.push(r);
    }
    return { shopId, samples };
  } finally {
    db.close();
  }
}

/** A storefront origin stand-in so recommendations never leave the machine (no products: fast answers). */
async function storefrontStub(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((_req, res) =>
    res.writeHead(200, { "Content-Type": "application/json" }).end('{"products":[]}'),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

export async function benchLookup(o: LookupOptions): Promise<Row[]> {
  const count = o.rate * o.seconds;
  const { shopId, samples } = sampleOrders(o.dataset.file, count);
  if (samples.length === 0) throw new Error("the dataset has no orders to look up");
  // Floor first, on a quiet machine: the same inputs, the same statements, no HTTP, no ORM.
  floorLookups(o.dataset.file, shopId, samples.slice(0, 200)); // warm the page cache
  const floor = floorLookups(o.dataset.file, shopId, samples);
  const floorP99 = percentile(floor, 99);

  const stub = await storefrontStub();
  const app = await startAppServer({
    databaseUrl: o.dataset.url,
    secrets: o.secrets,
    worker: "off",
    env: { WAYPOINT_STOREFRONT_ORIGIN: stub.origin },
  });
  let r: Awaited<ReturnType<typeof runRequests>>;
  try {
    const secret = o.secrets.SHOPIFY_API_SECRET;
    const build = (i: number) => {
      const s = samples[i % samples.length] as Sample;
      const q = signAppProxyQuery(new URLSearchParams({ locale: "en" }), {
        shop: o.dataset.shop,
        secret,
        pathPrefix: "/apps/track",
      });
      return {
        url: `${app.url}/proxy/api/lookup?${q}`,
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          // A different shopper per request: the per-IP limit (20/min) is for guessers, not this load.
          "X-Forwarded-For": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        },
        body: JSON.stringify({ order: s.name, email: s.email }),
      };
    };
    await runRequests({ concurrency: 8, count: Math.min(200, count), request: build }); // warm-up
    r = await runRequests({ concurrency: 64, count, rate: o.rate, request: (i) => build(i + 200) });
    const mem = memoryOf(app.child.pid ?? 0);
    if (mem) o.onPeakRss?.(`lookup (${o.dataset.shipments} shipments)`, mem.peakMb);
  } finally {
    await app.stop();
    await stub.close();
  }
  const bad = Object.entries(r.byStatus).filter(([s]) => s !== "200");
  log(
    `lookup: ${r.requests} req at ${r.throughput.toFixed(0)}/s: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${bad.length ? `, statuses ${JSON.stringify(r.byStatus)}` : ""} | floor p50 ${percentile(floor, 50).toFixed(2)} ms, p99 ${floorP99.toFixed(2)} ms`,
  );
  return [
    row({
      id: "lookup.p99",
      metric: `Storefront lookup p99 at ${o.rate}/s, ${(o.dataset.shipments / 1e6).toFixed(o.dataset.shipments >= 1e6 ? 0 : 2)}M shipments (p50 ${r.p50.toFixed(1)} ms, achieved ${r.throughput.toFixed(0)}/s)`,
      value: r.p99,
      unit: "ms",
      baseline: floorP99,
      baselineLabel: "same statements on the DB",
      target: "p99 < 30 ms",
      verdict: verdict(r.p99 < 30 && bad.length === 0 && r.throughput >= o.rate * 0.9),
      note: bad.length ? `non-200 answers: ${JSON.stringify(r.byStatus)}` : undefined,
    }),
  ];
}
