// Row 1: webhook acknowledgement. The real production server (WORKER=off, so only ingest runs) on
// SQLite and on PostgreSQL, against the bare-HMAC ceiling, driven over loopback by the simulator's
// sender: a closed-loop burst for the most it can take, then an open-loop 500 req/s run for latency.
// Then the default configuration as a user runs it (`npm start`, WORKER unset, SQLite) while its
// worker drains a backlog of receipts seeded through the door: the acknowledgement must not wait for
// the worker. CPU per request comes from /proc beside the wall-clock figures (stable on a shared machine).
import Database from "better-sqlite3";
import { createGenerator, type SimWebhook } from "../scripts/simulator/generator";
import { cpuMsOf, log, memoryOf, row, type Row, verdict } from "./lib";
import { webhookHeaders, webhookPath } from "../scripts/simulator/signer";
import { deliverWebhooks, type LoadResult, runRequests } from "./load";
import {
  type BenchPostgres,
  type BenchSecrets,
  freshSqlite,
  startAppServer,
  startCeiling,
  startTemplate,
} from "./servers";

export interface IngestOptions {
  /** Closed-loop burst size (max throughput). */
  burst: number;
  burstConcurrency: number;
  /** Open-loop run: rate (req/s) and duration (s). */
  rate: number;
  seconds: number;
  /** Receipts seeded before the default-configuration row, and its paced rate (req/s). */
  backlog: number;
  defaultRate: number;
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
  /** CPU ms per request of the server process (all its threads), and of its main thread alone. */
  cpu: { burst: CpuPerRequest; paced: CpuPerRequest };
}

interface CpuPerRequest {
  process: number | null;
  mainThread: number | null;
}

/** CPU ms per request over `fn`'s requests, for the process and for its main thread (tid = pid). */
async function withCpu(pid: number, fn: () => Promise<LoadResult>): Promise<[LoadResult, CpuPerRequest]> {
  const before = { process: cpuMsOf(pid), mainThread: cpuMsOf(pid, pid) };
  const result = await fn();
  const per = (a: number | null, b: number | null) =>
    a === null || b === null || result.requests === 0 ? null : (b - a) / result.requests;
  return [
    result,
    { process: per(before.process, cpuMsOf(pid)), mainThread: per(before.mainThread, cpuMsOf(pid, pid)) },
  ];
}

async function measure(
  url: string,
  pid: number,
  secret: string,
  hooks: SimWebhook[],
  o: IngestOptions,
  rate = o.rate,
): Promise<TargetResult> {
  const warm = Math.min(200, Math.floor(hooks.length / 10));
  await deliverWebhooks({ baseUrl: url, secret, webhooks: hooks.slice(0, warm), concurrency: 8 });
  const burstSet = hooks.slice(warm, warm + o.burst);
  const pacedSet = hooks.slice(warm + o.burst, warm + o.burst + rate * o.seconds);
  const [burst, burstCpu] = await withCpu(pid, () =>
    deliverWebhooks({ baseUrl: url, secret, webhooks: burstSet, concurrency: o.burstConcurrency }),
  );
  // Open loop on a fixed schedule (request i at t0 + i/rate, catching up when a timer fires late):
  // the sender's own pacing drifts below 500/s on a busy 2-core machine. Same signed deliveries.
  const [paced, pacedCpu] = await withCpu(pid, () => pace(url, secret, pacedSet, rate));
  return { burst, paced, cpu: { burst: burstCpu, paced: pacedCpu } };
}

function pace(url: string, secret: string, pacedSet: SimWebhook[], rate: number): Promise<LoadResult> {
  return runRequests({
    concurrency: 64,
    rate,
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
}

const ms = (n: number | null) => (n === null ? "?" : n.toFixed(2));

function describe(r: LoadResult): string {
  const bad = Object.entries(r.byStatus)
    .filter(([s]) => s !== "200")
    .map(([s, n]) => `${n}×${s}`);
  return `${r.requests} req, ${r.throughput.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${bad.length ? `, ${bad.join(" ")}` : ""}`;
}

export async function benchIngest(o: IngestOptions): Promise<Row[]> {
  const total = 200 + o.burst + o.rate * o.seconds;
  log(`ingest: generating ${total + o.backlog} webhooks with the simulator...`);
  const all = webhookSet(total + o.backlog);
  const hooks = all.slice(0, total);
  const backlog = all.slice(total);
  const secret = o.secrets.SHOPIFY_API_SECRET;

  const ceiling = await startCeiling(secret);
  let base: TargetResult;
  let base300: LoadResult;
  let base300Cpu: CpuPerRequest;
  try {
    base = await measure(ceiling.url, ceiling.pid, secret, hooks, o);
    // The default-configuration row's paced rate, for its p99's baseline.
    [base300, base300Cpu] = await withCpu(ceiling.pid, () =>
      pace(ceiling.url, secret, hooks.slice(-o.defaultRate * o.seconds), o.defaultRate),
    );
  } finally {
    await ceiling.stop();
  }
  log(
    `ingest: ceiling (bare HMAC)   burst ${describe(base.burst)}, ${ms(base.cpu.burst.process)} ms CPU/req | paced ${describe(base.paced)} | at ${o.defaultRate}/s ${describe(base300)}`,
  );

  // What a developer would otherwise write (the app template's authenticate.webhook), same run.
  const template = await startTemplate(secret, freshSqlite("ingest-template"));
  let tpl: LoadResult;
  let tplCpu: CpuPerRequest;
  try {
    const warm = Math.min(200, Math.floor(hooks.length / 10));
    await deliverWebhooks({ baseUrl: template.url, secret, webhooks: hooks.slice(0, warm), concurrency: 8 });
    [tpl, tplCpu] = await withCpu(template.pid, () =>
      deliverWebhooks({
        baseUrl: template.url,
        secret,
        webhooks: hooks.slice(warm, warm + o.burst),
        concurrency: o.burstConcurrency,
      }),
    );
  } finally {
    await template.stop();
  }
  log(`ingest: template (Express + shopify-api + Prisma) burst ${describe(tpl)}, ${ms(tplCpu.process)} ms CPU/req`);

  const targets: { label: string; url: () => Promise<string> }[] = [
    { label: "SQLite", url: async () => freshSqlite("ingest") },
  ];
  if (o.postgres) {
    const pgc = o.postgres;
    targets.push({ label: "PostgreSQL", url: () => pgc.fresh("bench_ingest") });
  }

  const rows: Row[] = [
    row({
      id: "ingest.throughput.template",
      metric: `Webhook ack throughput, the template's way (Express, @shopify/shopify-api webhooks.validate, offline session and receipt through Prisma; SQLite, closed loop, ${o.burstConcurrency} in flight)`,
      value: tpl.throughput,
      unit: "req/s",
      baseline: base.burst.throughput,
      baselineLabel: "bare-HMAC ceiling",
      target: "reference",
      verdict: "INFO",
      note: `${ms(tplCpu.process)} CPU ms per request (ceiling ${ms(base.cpu.burst.process)}); p50 ${tpl.p50.toFixed(1)} ms, p99 ${tpl.p99.toFixed(1)} ms${tpl.errors ? `; ${tpl.errors} not answered 200` : ""}`,
    }),
  ];
  for (const t of targets) {
    const databaseUrl = await t.url();
    const app = await startAppServer({ databaseUrl, secrets: o.secrets, worker: "off" });
    let r: TargetResult;
    try {
      r = await measure(app.url, app.child.pid ?? 0, secret, hooks, o);
      const mem = memoryOf(app.child.pid ?? 0);
      if (mem) o.onPeakRss?.(`ingest ${t.label}`, mem.peakMb);
    } finally {
      await app.stop();
    }
    log(
      `ingest: app on ${t.label.padEnd(10)}   burst ${describe(r.burst)}, ${ms(r.cpu.burst.process)} ms CPU/req | paced ${describe(r.paced)}`,
    );
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
        note: `${ms(r.cpu.burst.process)} CPU ms per request (ceiling ${ms(base.cpu.burst.process)})${
          failures
            ? `; ${failures} requests were not answered 200 (${JSON.stringify({ ...r.burst.byStatus })} / ${JSON.stringify({ ...r.paced.byStatus })})`
            : ""
        }`,
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
        note: `${ms(r.cpu.paced.process)} CPU ms per request (ceiling ${ms(base.cpu.paced.process)})`,
      }),
    );
  }
  rows.push(
    ...(await benchDefaultConfig(o, hooks, backlog, {
      burst: base.burst,
      paced: base300,
      cpu: base.cpu.burst,
      pacedCpu: base300Cpu,
    })),
  );
  return rows;
}

/** Receipts the worker has processed so far (read beside the app through SQLite's WAL, never blocking it). */
function processedCount(file: string): number {
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const r = sqlite.prepare(`SELECT count(*) AS n FROM "WebhookReceipt" WHERE status <> 'received'`).get() as {
      n: number;
    };
    return r.n;
  } finally {
    sqlite.close();
  }
}

/**
 * The default configuration as a user runs it: `npm start` with no WORKER set, on SQLite, while the
 * worker drains `backlog` receipts that went in through the door first (with WORKER=off, so they all
 * wait). Same burst and paced runs as the other rows, the paced one at `defaultRate`.
 */
export async function benchDefaultConfig(
  o: IngestOptions,
  hooks: SimWebhook[],
  backlog: SimWebhook[],
  base: { burst: LoadResult; paced: LoadResult; cpu: CpuPerRequest; pacedCpu: CpuPerRequest },
): Promise<Row[]> {
  const secret = o.secrets.SHOPIFY_API_SECRET;
  const databaseUrl = freshSqlite("ingest-default");
  const file = databaseUrl.replace(/^file:/, "");
  log(`ingest: seeding a backlog of ${backlog.length} receipts through the door (WORKER=off)...`);
  const seeder = await startAppServer({ databaseUrl, secrets: o.secrets, worker: "off" });
  try {
    const seeded = await deliverWebhooks({ baseUrl: seeder.url, secret, webhooks: backlog, concurrency: 32 });
    if (seeded.errors) throw new Error(`seeding the backlog: ${JSON.stringify(seeded.byStatus)}`);
  } finally {
    await seeder.stop();
  }
  // Before the worker moved off the web process's event loop, this start-up took minutes with a backlog.
  const app = await startAppServer({ databaseUrl, secrets: o.secrets, worker: "default", timeoutMs: 600_000 });
  const pid = app.child.pid ?? 0;
  let r: TargetResult;
  let drained: { receipts: number; seconds: number; left: number };
  try {
    const started = performance.now();
    const before = processedCount(file);
    r = await measure(app.url, pid, secret, hooks, o, o.defaultRate);
    const after = processedCount(file);
    const seconds = (performance.now() - started) / 1000;
    const received = backlog.length + Math.min(hooks.length, 200 + o.burst + o.defaultRate * o.seconds);
    drained = { receipts: after - before, seconds, left: received - after };
    const mem = memoryOf(pid);
    if (mem) o.onPeakRss?.("ingest default config", mem.peakMb);
  } finally {
    await app.stop();
  }
  const perSecond = drained.receipts / drained.seconds;
  const cpu = (c: CpuPerRequest) =>
    `${ms(c.mainThread)} ms CPU/req on the main thread, ${ms(c.process)} ms whole process`;
  log(
    `ingest: default config      burst ${describe(r.burst)}, ${cpu(r.cpu.burst)} | paced ${describe(r.paced)}, ${cpu(r.cpu.paced)} | worker ${perSecond.toFixed(0)} receipts/s, ${drained.left} left`,
  );
  const failures = r.burst.errors + r.paced.errors;
  const stillDraining = drained.left > 0;
  const draining = stillDraining ? "" : " (the backlog ran out during the run: not measured under load)";
  const bad = failures
    ? `; ${failures} requests were not answered 200 (${JSON.stringify({ ...r.burst.byStatus })} / ${JSON.stringify({ ...r.paced.byStatus })})`
    : "";
  return [
    row({
      id: "ingest.default.throughput",
      metric: `Webhook ack throughput, default config (npm start, SQLite, worker draining ${backlog.length} receipts; closed loop, ${o.burstConcurrency} in flight)`,
      value: r.burst.throughput,
      unit: "req/s",
      baseline: base.burst.throughput,
      baselineLabel: "bare-HMAC ceiling",
      target: "≥ 0.5× ceiling",
      verdict: verdict(r.burst.throughput / base.burst.throughput >= 0.5 && failures === 0 && stillDraining),
      note: `CPU per request: ${cpu(r.cpu.burst)}; ceiling ${ms(base.cpu.process)} ms${draining}${bad}`,
    }),
    row({
      id: "ingest.default.p99",
      metric: `Webhook ack p99 at ${o.defaultRate}/s, default config, worker draining (p50 ${r.paced.p50.toFixed(1)} ms, achieved ${r.paced.throughput.toFixed(0)}/s)`,
      value: r.paced.p99,
      unit: "ms",
      baseline: base.paced.p99,
      baselineLabel: "ceiling p99",
      target: "p99 < 50 ms",
      verdict: verdict(
        r.paced.p99 < 50 && r.paced.throughput >= o.defaultRate * 0.9 && failures === 0 && stillDraining,
      ),
      note: `CPU per request: ${cpu(r.cpu.paced)}; ceiling ${ms(base.pacedCpu.process)} ms${draining}`,
    }),
    row({
      id: "ingest.default.worker",
      metric: `Receipts processed per second by the default config's worker during those runs (${drained.receipts} in ${drained.seconds.toFixed(0)} s)`,
      value: perSecond,
      unit: "receipts/s",
      baseline: null,
      baselineLabel: "",
      target: "(item 1: ≥ 1,000/s)",
      verdict: "INFO",
      note: `${drained.left} receipts still waiting at the end`,
    }),
  ];
}
