// A benchmark dataset in one command, written straight through Prisma (no HTTP, no worker):
//
//   npx tsx scripts/simulator/load.ts --orders 1000000 --database file:./prisma/bench.sqlite
//   npx tsx scripts/simulator/load.ts --orders 200000 --database postgres://... --append
//
// Migrates the database first; --append adds orders after the ones already there.
import { parseArgs } from "node:util";
import { createDb, prepareDb } from "../../app/db.server";
import { ProgressBar } from "../demo/progress";
import { migrate } from "../demo/server";
import { bulkLoad } from "./bulk";
import { DEMO_SHOP } from "./generator";

const { values } = parseArgs({
  options: {
    orders: { type: "string", default: "100000" },
    database: { type: "string", default: "file:./prisma/bench.sqlite" },
    seed: { type: "string", default: "bench" },
    batch: { type: "string", default: "1000" },
    append: { type: "boolean", default: false },
  },
});

const orders = Number(values.orders);
const db = createDb(values.database);
migrate(values.database);
await prepareDb(db);
const shop = await db.shop.findUnique({ where: { domain: DEMO_SHOP }, select: { id: true } });
const startIndex = values.append && shop ? await db.order.count({ where: { shopId: shop.id } }) : 0;
if (!values.append && startIndex === 0 && shop && (await db.order.count({ where: { shopId: shop.id } })) > 0) {
  console.error("The database already holds orders for the demo shop: pass --append, or use an empty database.");
  process.exit(1);
}
const bar = new ProgressBar("loading", orders);
const r = await bulkLoad(db, {
  orders,
  startIndex,
  seed: values.seed,
  seedOrders: startIndex + orders,
  batchSize: Number(values.batch),
  onProgress: (o, s) => bar.update(o, `${s} shipments`),
});
bar.done(`${r.shipments} shipments`);
console.log(
  `loaded ${r.orders} orders, ${r.shipments} shipments, ${r.events} events in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.shipments / (r.ms / 1000))} shipments/s)`,
);
await db.$disconnect();
