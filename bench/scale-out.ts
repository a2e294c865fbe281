// Scale-out on PostgreSQL: two app instances (WORKER=off) take a webhook storm (the simulator's
// stories, with Shopify's at-least-once duplicates), then standalone workers drain the queue, the
// app's SendGrid and Twilio accounts pointed at local fakes. Run once with one worker and once with
// two (same storm, fresh database each time). Checked from the database and the fakes' request log:
// every receipt processed exactly once, no job claimed twice, no notification sent twice.
//   npx tsx bench/scale-out.ts [--quick]      (also part of `npm run bench`)
import { createDb } from "../app/db.server";
import { createGenerator, DEMO_SHOP, type SimWebhook } from "../scripts/simulator/generator";
import { Sender } from "../scripts/simulator/sender";
import { providerEnv, startFakeProviders, type FakeProviders } from "./fake-providers";
import { formatTable, log, row, type Row, sleep, verdict } from "./lib";
import { timedFetch } from "./load";
import {
  type AppServer,
  BenchPostgres,
  benchSecrets,
  type BenchSecrets,
  ensureBuild,
  startAppServer,
  startWorkerProcess,
  type WorkerProcess,
} from "./servers";

export interface ScaleOutOptions {
  orders: number;
  postgres: BenchPostgres;
  secrets: BenchSecrets;
  drainTimeoutMs?: number;
}

interface Phase {
  workers: number;
  webhooks: number;
  delivered: number;
  jobs: number;
  drainMs: number;
  jobsPerSecond: number;
  receiptsNotOnce: number;
  jobsClaimedTwice: number;
  retried: number;
  dead: number;
  notificationsSent: number;
  sentTwice: number;
  unmatchedRequests: number;
}

/** The storm: every webhook of `orders` stories up to now, in trigger order. */
export function stormWebhooks(orders: number): SimWebhook[] {
  const gen = createGenerator({ seed: "bench-scale-out", seedOrders: orders, spanDays: 14 });
  const now = gen.options.now.getTime();
  const all: SimWebhook[] = [];
  for (let i = 0; i < orders; i++) all.push(...gen.story(i).webhooks.filter((w) => w.at.getTime() <= now));
  return all.sort((a, b) => a.at.getTime() - b.at.getTime());
}

const errors: string[] = [];

async function phase(o: ScaleOutOptions, workers: number, hooks: SimWebhook[]): Promise<Phase> {
  const url = await o.postgres.fresh(`bench_scale_${workers}`);
  const db = createDb(url, { max: 4 });
  await db.shop.create({
    data: {
      domain: DEMO_SHOP,
      name: "Bench Outfitters",
      contactEmail: "help@bench.example",
      timezone: "UTC",
      quietHoursStart: 0,
      quietHoursEnd: 0,
      smsTransactionalOk: true,
    },
  });
  const fakes: FakeProviders = await startFakeProviders();
  const env = providerEnv(fakes);
  const apps: AppServer[] = [];
  const procs: WorkerProcess[] = [];
  try {
    for (let i = 0; i < 2; i++)
      apps.push(await startAppServer({ databaseUrl: url, secrets: o.secrets, worker: "off", env }));
    // The storm: half the deliveries to each instance (a load balancer), duplicates and reordering on.
    const senders = apps.map(
      (a, i) =>
        new Sender({
          baseUrl: a.url,
          secret: o.secrets.SHOPIFY_API_SECRET,
          concurrency: 16,
          duplicateRate: 0.03,
          reorderRate: 0.02,
          seed: `storm-${i}`,
          fetch: timedFetch(16, () => {}),
        }),
    );
    hooks.forEach((w, i) => senders[i % 2]?.enqueue([w]));
    await Promise.all(senders.map((s) => s.drain()));
    const delivered = senders.reduce((n, s) => n + s.stats.delivered, 0);

    // Drain with N standalone workers; time from all of them running to an empty queue.
    const started0 = Date.now();
    for (let i = 0; i < workers; i++) procs.push(await startWorkerProcess(url, o.secrets, env));
    const started = Date.now();
    const deadline = started + (o.drainTimeoutMs ?? 300_000);
    for (;;) {
      const [pending, due] = await Promise.all([
        db.webhookReceipt.count({ where: { status: "received" } }),
        db.job.count({ where: { status: { in: ["queued", "running"] }, runAfter: { lte: new Date() } } }),
      ]);
      if (pending === 0 && due === 0) break;
      if (Date.now() > deadline)
        throw new Error(
          `scale-out: ${workers} worker(s) did not drain within ${(deadline - started) / 1000} s (${pending} receipts, ${due} jobs)`,
        );
      await sleep(200);
    }
    const drainMs = Date.now() - started;
    await sleep(500); // let in-flight provider calls land in the log
    await Promise.all(procs.map((p) => p.stop()));
    log(`scale-out: ${workers} worker(s) started in ${((started - started0) / 1000).toFixed(1)} s`);

    // The checks, from the database and the providers' log.
    const jobs = await db.job.findMany({
      where: { status: { in: ["done", "dead"] } },
      select: { kind: true, attempts: true, lastError: true, status: true },
    });
    // A receipt's attempts count every run of its job, failed ones included: more runs than its job's
    // recorded failures (plus the one that succeeded) means it was processed twice.
    const receipts = await db.webhookReceipt.findMany({ select: { status: true, attempts: true } });
    const receiptRetries = jobs
      .filter((j) => j.kind === "webhook.process" && j.attempts > 1)
      .reduce((n, j) => n + j.attempts - 1, 0);
    const extraRuns = receipts.reduce((n, r) => n + Math.max(0, r.attempts - 1), 0);
    const receiptsNotOnce =
      receipts.filter((r) => r.status !== "processed").length + Math.max(0, extraRuns - receiptRetries);
    // Prisma's messages start with a blank line and put the cause last: show the last line that says something.
    const cause = (e: string) =>
      e
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1)
        ?.slice(0, 200) ?? "";
    errors.push(...jobs.filter((j) => j.lastError).map((j) => `${j.kind}: ${cause(j.lastError ?? "")}`));
    // A job claimed twice without a recorded failure was run twice; a retry after an error is not.
    const jobsClaimedTwice = jobs.filter((j) => j.attempts > 1 && !j.lastError).length;
    const retried = jobs.filter((j) => j.attempts > 1 && j.lastError).length;
    const dead = jobs.filter((j) => j.status === "dead").length;
    const sent = await db.notification.findMany({
      where: { status: "sent" },
      select: { id: true, channel: true, recipient: true, bodyText: true },
    });
    const perEmail = new Map<string, number>();
    const perSms = new Map<string, number>();
    let unmatched = 0;
    for (const r of fakes.requests) {
      if (r.provider === "sendgrid" && r.notificationId)
        perEmail.set(r.notificationId, (perEmail.get(r.notificationId) ?? 0) + 1);
      else if (r.provider === "twilio") perSms.set(`${r.to}\n${r.body}`, (perSms.get(`${r.to}\n${r.body}`) ?? 0) + 1);
      else unmatched++;
    }
    let sentTwice =
      [...perEmail.values()].filter((n) => n > 1).length + [...perSms.values()].filter((n) => n > 1).length;
    // Every request must belong to a sent notification and every sent notification to one request.
    const sentIds = new Set(sent.filter((n) => n.channel === "email").map((n) => n.id));
    unmatched += [...perEmail.keys()].filter((id) => !sentIds.has(id)).length;
    const smsSent = sent.filter((n) => n.channel === "sms").length;
    if ([...perSms.values()].reduce((a, b) => a + b, 0) !== smsSent)
      sentTwice += Math.max(0, [...perSms.values()].reduce((a, b) => a + b, 0) - smsSent);
    return {
      workers,
      webhooks: hooks.length,
      delivered,
      jobs: jobs.length,
      drainMs,
      jobsPerSecond: (jobs.length / drainMs) * 1000,
      receiptsNotOnce,
      jobsClaimedTwice,
      retried,
      dead,
      notificationsSent: sent.length,
      sentTwice,
      unmatchedRequests: unmatched,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await Promise.all(apps.map((a) => a.stop()));
    await fakes.close();
    await db.$disconnect();
  }
}

export async function benchScaleOut(o: ScaleOutOptions): Promise<Row[]> {
  const hooks = stormWebhooks(o.orders);
  log(`scale-out: storm of ${hooks.length} webhooks (${o.orders} orders) through 2 app instances on PostgreSQL...`);
  const one = await phase(o, 1, hooks);
  log(`scale-out: 1 worker  ${JSON.stringify(one)}`);
  const two = await phase(o, 2, hooks);
  log(`scale-out: 2 workers ${JSON.stringify(two)}`);
  if (errors.length) log(`scale-out: errors behind retries: ${[...new Set(errors)].slice(0, 5).join(" | ")}`);
  const clean = (p: Phase) =>
    p.receiptsNotOnce === 0 && p.jobsClaimedTwice === 0 && p.sentTwice === 0 && p.unmatchedRequests === 0;
  return [
    row({
      id: "scaleout.exactly-once",
      metric: `Scale-out (2 apps + 2 workers, PostgreSQL): ${two.webhooks} webhooks, ${two.jobs} jobs, ${two.notificationsSent} sends: receipts ≠1×, jobs run twice, sends twice`,
      value: two.receiptsNotOnce + two.jobsClaimedTwice + two.sentTwice + two.unmatchedRequests,
      unit: "",
      baseline: null,
      baselineLabel: "",
      target: "0 (checked in DB + provider log)",
      verdict: verdict(clean(one) && clean(two)),
      note: `${errors.length ? `retries were caused by: ${[...new Set(errors)].slice(0, 2).join("; ")}. ` : ""}2 workers: ${two.receiptsNotOnce} receipts not processed exactly once, ${two.jobsClaimedTwice} jobs claimed twice, ${two.sentTwice} messages sent twice, ${two.unmatchedRequests} provider requests without a sent notification; ${two.retried} jobs retried after an error, ${two.dead} dead-lettered (1 worker: ${one.receiptsNotOnce}/${one.jobsClaimedTwice}/${one.sentTwice}/${one.unmatchedRequests}, ${one.retried} retried, ${one.dead} dead)`,
    }),
    row({
      id: "scaleout.throughput",
      metric: "Scale-out: job throughput with 2 workers",
      value: two.jobsPerSecond,
      unit: "jobs/s",
      baseline: one.jobsPerSecond,
      baselineLabel: "1 worker",
      target: "grows with the 2nd worker",
      verdict: verdict(two.jobsPerSecond > one.jobsPerSecond * 1.1),
      note: `drain: 1 worker ${(one.drainMs / 1000).toFixed(1)} s, 2 workers ${(two.drainMs / 1000).toFixed(1)} s for ${two.jobs} jobs`,
    }),
  ];
}

if (process.argv[1]?.endsWith("scale-out.ts")) {
  const quick = process.argv.includes("--quick");
  ensureBuild();
  const postgres = await BenchPostgres.start();
  try {
    const rows = await benchScaleOut({ orders: quick ? 20 : 100, postgres, secrets: benchSecrets() });
    process.stdout.write(`${formatTable(rows)}\n`);
  } finally {
    postgres.stop();
  }
}
