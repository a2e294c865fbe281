// Row 1: webhook acknowledgement. The real production server (WORKER=off, so only ingest runs) on
// SQLite and on PostgreSQL, against the bare-HMAC ceiling, driven over loopback by the simulator's
// sender: a closed-loop burst for the most it can take, then an open-loop 500 req/s run for latency.
import { createGenerator, type SimWebhook } from "../scripts/simulator/generator";
import { log, memoryOf, row, type Row, verdict } from "./lib";
import { webhookHeaders, webhookPath } from "../scripts/simulator/signer";
import { deliverWebhooks, type LoadResult, runRequests } from "./load";
import { type BenchPostgres, type BenchSecrets, freshSqlite, startAppServer, startCeiling } from "./servers";

export interface IngestOptions {
  /** Closed-loop burst size (max throughput). */
  burst: number;
  burstConcurrency: number;
  /** Open-loop run: rate (req/s) and duration (s). */
  rate: number;
  seconds: number;
  secrets: BenchSecrets;
  postgres: BenchPostgres | null;
  onPeakRss?: (label: string, mb: number) => void;
}

/** Shopify-shaped webhooks from the simulator's generator: whole order stories, in trigger order. */
export function webhookSet(count: number, seed = "bench-ingest"): SimWebhook[] {
  const gen = createGenerator({ seed, seedOrders: 100_000, spanDays: 30 });
  const out: SimWebhook[] = [];
  for (let i = 0; out.length < count; i++) out.push(...gen.story(i).webhooks);
  return out.slice(0, count);
}

interface TargetResult {
  burst: LoadResult;
  paced: LoadResult;
}

async function measure(url: string, secret: string, hooks: SimWebhook[], o: IngestOptions): Promise<TargetResult> {
  const warm = Math.min(200, Math.floor(hooks.length / 10));
  await deliverWebhooks({ baseUrl: url, secret, webhooks: hooks.slice(0, warm), concurrency: 8 });
  const burstSet = hooks.slice(warm, warm + o.burst);
  const pacedSet = hooks.slice(warm + o.burst, warm + o.burst + o.rate * o.seconds);
  const burst = await deliverWebhooks({ baseUrl: url, secret, webhooks: burstSet, concurrency: o.burstConcurrency });
  // Open loop on a fixed schedule (request i at t0 + i/rate, catching up when a timer fires late):
  // the sender's own pacing drifts below 500/s on a busy 2-core machine. Same signed deliveries.
  const paced = await runRequests({
    concurrency: 64,
    rate: o.rate,
    count: pacedSet.length,
    request: (i) => {
      const w = pacedSet[i] as SimWebhook;
      return {
        url: new URL(webhookPath(w.topic), url).toString(),
        method: "POST",
        headers: webhookHeaders(w, secret),
        body: w.body,
      };
    },
  });
  return { burst, paced };
}

function describe(r: LoadResult): string {
  const bad = Object.entries(r.byStatus)
    .filter(([s]) => s !== "200")
    .map(([s, n]) => `${n}×${s}`);
  return `${r.requests} req, ${r.throughput.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${bad.length ? `, ${bad.join(" ")}` : ""}`;
}

export async function benchIngest(o: IngestOptions): Promise<Row[]> {
  const total = 200 + o.burst + o.rate * o.seconds;
  log(`ingest: generating ${total} webhooks with the simulator...`);
  const hooks = webhookSet(total);
  const secret = o.secrets.SHOPIFY_API_SECRET;

  const ceiling = await startCeiling(secret);
  let base: TargetResult;
  try {
    base = await measure(ceiling.url, secret, hooks, o);
  } finally {
    await ceiling.stop();
  }
  log(`ingest: ceiling (bare HMAC)   burst ${describe(base.burst)} | paced ${describe(base.paced)}`);

  const targets: { label: string; url: () => Promise<string> }[] = [
    { label: "SQLite", url: async () => freshSqlite("ingest") },
  ];
  if (o.postgres) {
    const pgc = o.postgres;
    targets.push({ label: "PostgreSQL", url: () => pgc.fresh("bench_ingest") });
  }

  const rows: Row[] = [];
  for (const t of targets) {
    const databaseUrl = await t.url();
    const app = await startAppServer({ databaseUrl, secrets: o.secrets, worker: "off" });
    let r: TargetResult;
    try {
      r = await measure(app.url, secret, hooks, o);
      const mem = memoryOf(app.child.pid ?? 0);
      if (mem) o.onPeakRss?.(`ingest ${t.label}`, mem.peakMb);
    } finally {
      await app.stop();
    }
    log(`ingest: app on ${t.label.padEnd(10)}   burst ${describe(r.burst)} | paced ${describe(r.paced)}`);
    const failures = r.burst.errors + r.paced.errors;
    const ratio = r.burst.throughput / base.burst.throughput;
    rows.push(
      row({
        id: `ingest.throughput.${t.label.toLowerCase()}`,
        metric: `Webhook ack throughput, ${t.label} (closed loop, ${o.burstConcurrency} in flight)`,
        value: r.burst.throughput,
        unit: "req/s",
        baseline: base.burst.throughput,
        baselineLabel: "bare-HMAC ceiling",
        target: "≥ 0.5× ceiling",
        verdict: verdict(ratio >= 0.5 && failures === 0),
        note: failures
          ? `${failures} requests were not answered 200 (${JSON.stringify({ ...r.burst.byStatus })} / ${JSON.stringify({ ...r.paced.byStatus })})`
          : undefined,
      }),
      row({
        id: `ingest.p99.${t.label.toLowerCase()}`,
        metric: `Webhook ack p99 at ${o.rate}/s, ${t.label} (p50 ${r.paced.p50.toFixed(1)} ms, achieved ${r.paced.throughput.toFixed(0)}/s)`,
        value: r.paced.p99,
        unit: "ms",
        baseline: base.paced.p99,
        baselineLabel: "ceiling p99",
        target: "p99 < 50 ms",
        verdict: verdict(r.paced.p99 < 50 && r.paced.throughput >= o.rate * 0.9 && failures === 0),
      }),
    );
  }
  return rows;
}
