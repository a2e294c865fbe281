// Processing throughput of one worker process (issue 17 item 1): the scale-out bench's storm (the
// simulator's stories, mixed topics, 3% duplicate deliveries, 2% held back and delivered out of order)
// stored as receipts through the receipt store the door uses, then one `npm run worker` process drains
// them. Reported per database: receipts processed per second (wall clock, from the worker's start to
// the last receipt processed) and the worker process's CPU ms per receipt (/proc), with the
// scale-out row's exactly-once checks (every receipt processed once, no job claimed twice, none dead).
//   npx tsx bench/worker.ts [--quick] [--only sqlite|postgresql] [--orders N]   (also part of `npm run bench`)
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { createDb, prepareDb } from "../app/db.server";
import { createReceiptStore, PROCESS_RECEIPT, type ReceiptRow } from "../app/ingest/receipt-store.server";
import { DEMO_SHOP, type SimWebhook } from "../scripts/simulator/generator";
import { cpuMsOf, ensureResultsDir, formatTable, log, row, type Row, sleep, verdict } from "./lib";
import { stormWebhooks } from "./scale-out";
import { BenchPostgres, benchSecrets, type BenchSecrets, freshSqlite, startWorkerProcess } from "./servers";

export interface WorkerBenchOptions {
  orders: number;
  secrets: BenchSecrets;
  postgres: BenchPostgres | null;
  drainTimeoutMs?: number;
}

interface Drain {
  provider: string;
  receipts: number;
  ms: number;
  perSecond: number;
  cpuMsPerReceipt: number | null;
  notOnce: number;
  claimedTwice: number;
  dead: number;
  retried: number;
}

/** Deterministic xorshift, so every run stores the same storm in the same order. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/** The deliveries in arrival order: 2% held back a few places, 3% delivered twice (same webhook id). */
export function stormDeliveries(hooks: SimWebhook[], seed = 17): SimWebhook[] {
  const r = rng(seed);
  const out: SimWebhook[] = [];
  const held: { w: SimWebhook; after: number }[] = [];
  for (const w of hooks) {
    if (r() < 0.02) held.push({ w, after: out.length + 1 + Math.floor(r() * 20) });
    else out.push(w);
    if (r() < 0.03) held.push({ w, after: out.length + Math.floor(r() * 20) });
    for (let i = held.length - 1; i >= 0; i--)
      if (held[i]!.after <= out.length) out.push(...held.splice(i, 1).map((h) => h.w));
  }
  out.push(...held.map((h) => h.w));
  return out;
}

function receiptRow(w: SimWebhook): ReceiptRow {
  return {
    id: crypto.randomUUID(),
    webhookId: w.webhookId,
    shopDomain: w.shop,
    topic: w.topic,
    apiVersion: "2026-07",
    eventId: w.eventId,
    triggeredAt: w.at,
    headers: { "x-shopify-topic": w.topic, "x-shopify-shop-domain": w.shop },
    rawBody: w.body,
  };
}

async function drainOne(
  o: WorkerBenchOptions,
  provider: string,
  url: string,
  deliveries: SimWebhook[],
): Promise<Drain> {
  const db = createDb(url, { max: 2 });
  await prepareDb(db);
  await db.shop.create({ data: { domain: DEMO_SHOP, name: "Bench Outfitters", timezone: "UTC" } });
  const store = createReceiptStore(db);
  for (let i = 0; i < deliveries.length; i += 500) await store.insert(deliveries.slice(i, i + 500).map(receiptRow));
  await store.close();
  const receipts = await db.webhookReceipt.count();
  // Only receipts: the domain events they cause (stage changes, confirmations) wait in the queue.
  const worker = await startWorkerProcess(url, o.secrets, {}, "bench/receipt-worker.ts");
  const pid = worker.child.pid ?? 0;
  try {
    const cpu0 = cpuMsOf(pid);
    const started = Date.now();
    const deadline = started + (o.drainTimeoutMs ?? 600_000);
    let last = -1;
    let lastLog = started;
    for (;;) {
      const pending = await db.webhookReceipt.count({ where: { status: "received" } });
      if (pending === 0) break;
      if (Date.now() > deadline)
        throw new Error(`worker (${provider}) did not drain ${receipts} receipts in time (${pending} left)`);
      if (Date.now() - lastLog > 10_000 && pending !== last) {
        log(`worker (${provider}): ${pending} receipts left`);
        lastLog = Date.now();
        last = pending;
      }
      await sleep(50);
    }
    const ms = Date.now() - started;
    const cpu1 = cpuMsOf(pid);
    const jobs = await db.job.findMany({
      where: { kind: PROCESS_RECEIPT },
      select: { attempts: true, lastError: true, status: true },
    });
    const rows = await db.webhookReceipt.findMany({ select: { status: true, attempts: true } });
    const retries = jobs.reduce((n, j) => n + Math.max(0, j.attempts - 1), 0);
    const extraRuns = rows.reduce((n, r) => n + Math.max(0, r.attempts - 1), 0);
    return {
      provider,
      receipts,
      ms,
      perSecond: (receipts / ms) * 1000,
      cpuMsPerReceipt: cpu0 !== null && cpu1 !== null ? (cpu1 - cpu0) / receipts : null,
      notOnce: rows.filter((r) => r.status !== "processed").length + Math.max(0, extraRuns - retries),
      claimedTwice: jobs.filter((j) => j.attempts > 1 && !j.lastError).length,
      dead: jobs.filter((j) => j.status === "dead").length,
      retried: jobs.filter((j) => j.attempts > 1 && j.lastError).length,
    };
  } finally {
    await worker.stop();
    await db.$disconnect();
    if (process.env.SQL_PROFILE) log(`worker (${provider}) output:\n${worker.output()}`);
  }
}

export async function benchWorker(o: WorkerBenchOptions, only?: string): Promise<Row[]> {
  ensureResultsDir();
  const deliveries = stormDeliveries(stormWebhooks(o.orders));
  log(`worker: storm of ${deliveries.length} deliveries (${o.orders} orders), one worker process...`);
  const drains: Drain[] = [];
  if (!only || only === "sqlite") drains.push(await drainOne(o, "SQLite", freshSqlite("bench-worker"), deliveries));
  if (o.postgres && (!only || only === "postgresql"))
    drains.push(await drainOne(o, "PostgreSQL", await o.postgres.fresh("bench_worker"), deliveries));
  return drains.map((d) => {
    log(`worker: ${JSON.stringify(d)}`);
    const clean = d.notOnce === 0 && d.claimedTwice === 0 && d.dead === 0;
    return row({
      id: `worker.receipts.${d.provider.toLowerCase()}`,
      metric: `Receipts processed by one worker process (${d.provider}, ${d.receipts} receipts of the storm: mixed topics, 3% duplicates, reordering)`,
      value: d.perSecond,
      unit: "receipts/s",
      baseline: null,
      baselineLabel: "",
      target: ">= 1,000/s, each processed exactly once",
      verdict: verdict(d.perSecond >= 1000 && clean),
      note: `${d.cpuMsPerReceipt === null ? "" : `${d.cpuMsPerReceipt.toFixed(2)} CPU ms per receipt (worker process); `}drained in ${(d.ms / 1000).toFixed(1)} s; ${d.notOnce} receipts not processed exactly once, ${d.claimedTwice} jobs claimed twice, ${d.dead} dead, ${d.retried} retried after an error`,
    });
  });
}

if (process.argv[1]?.endsWith("worker.ts")) {
  const { values } = parseArgs({
    options: { quick: { type: "boolean" }, only: { type: "string" }, orders: { type: "string" } },
    strict: true,
  });
  const orders = values.orders ? Number(values.orders) : values.quick ? 300 : 2000;
  const postgres = values.only === "sqlite" ? null : await BenchPostgres.start();
  try {
    const rows = await benchWorker({ orders, postgres, secrets: benchSecrets() }, values.only);
    process.stdout.write(`${formatTable(rows)}\n`);
  } finally {
    postgres?.stop();
  }
}
