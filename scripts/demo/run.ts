// `npm run demo`, as a function the CLI (scripts/demo.ts) and the end-to-end test both call:
// migrate a separate SQLite database, build and start the app in production mode behind the front
// door, create the demo shop, seed its history through the real webhook endpoints, then replay
// live traffic until stopped.
import fs from "node:fs";
import path from "node:path";
import { createDb, prepareDb, type Db } from "../../app/db.server";
import { databaseTarget } from "../../app/lib/db-target.mjs";
import { rebuildDwellBaseline } from "../../app/intelligence/dwell-history.server";
import { DAY_MS } from "../../app/lib/time";
import {
  createGenerator,
  DEMO_SHOP,
  type Generator,
  type OrderStory,
  type SimWebhook,
  type StallPlan,
} from "../simulator/generator";
import { Sender } from "../simulator/sender";
import { Timeline } from "../simulator/timeline";
import { startFrontDoor, type FrontDoor } from "./front";
import { ProgressBar, statusLine } from "./progress";
import { ROOT, buildApp, buildIsStale, freePort, migrate, startApp, type AppServer } from "./server";

export const DEMO_DATABASE_URL = "file:./prisma/demo.sqlite";

export interface DemoOptions {
  orders: number;
  /** Virtual seconds per real second for everything after the seed (600: a day in 2.4 minutes). */
  speed: number;
  /** The front door's port (0: any free port). */
  port: number;
  databaseUrl: string;
  /** Start from an empty database (default) or resume the previous run's. */
  fresh: boolean;
  seed: string;
  /** Keep sending live traffic after the seed. */
  replay: boolean;
  build: "auto" | "always" | "never";
  concurrency: number;
  duplicateRate: number;
  reorderRate: number;
  /** Progress bars and messages (stderr); false for tests. */
  interactive: boolean;
  /**
   * Resolve once the history is seeded and processed (tests), or as soon as the app answers, with
   * the history still flowing in (the CLI: the admin, storefront and outbox are usable at once and
   * fill up while you look; `seeded` says when it is all in).
   */
  waitForSeed: boolean;
  log: (line: string) => void;
  env: Record<string, string | undefined>;
}

export const DEFAULT_OPTIONS: DemoOptions = {
  orders: 500,
  speed: 600,
  port: 3000,
  databaseUrl: DEMO_DATABASE_URL,
  fresh: true,
  seed: "waypoint-demo",
  replay: true,
  build: "auto",
  concurrency: 8,
  duplicateRate: 0.03,
  reorderRate: 0.02,
  interactive: true,
  waitForSeed: true,
  log: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

/** What a previous run left, so `--resume` continues the same story. */
interface DemoState {
  seed: string;
  now: string;
  speed: number;
  orders: number;
  /** Every webhook triggered at or before this was delivered. */
  deliveredUpTo: string;
  nextLiveIndex: number;
}

export interface DemoStats {
  phase: "starting" | "seeding" | "processing" | "seeded" | "live" | "stopped";
  seed: { orders: number; webhooks: number; ms: number | null; processedMs: number | null };
  live: { webhooks: number; orders: number; startedAt: string | null };
  sender: Sender["stats"];
  waiting: number;
}

export interface Demo {
  url: string;
  appUrl: string;
  shop: string;
  db: Db;
  generator: Generator;
  /** The seeded stories (by order index). */
  stories: OrderStory[];
  stats: DemoStats;
  /** Resolves when every delivered webhook has been processed by the app's worker. */
  waitProcessed(timeoutMs?: number): Promise<void>;
  /** Resolves when the seeded history is delivered and processed (and live traffic has begun). */
  seeded: Promise<void>;
  stop(): Promise<void>;
}

const SCOPES =
  "read_orders,read_all_orders,read_fulfillments,read_assigned_fulfillment_orders,read_merchant_managed_fulfillment_orders,read_third_party_fulfillment_orders,read_returns,read_products,read_customers,read_locales,write_app_proxy";

function requireEnv(env: Record<string, string | undefined>, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set: run \`npm run demo\` (its preflight writes .env) or set it.`);
  return v;
}

function sqliteFile(url: string): string | null {
  const t = databaseTarget(url);
  return t.provider === "sqlite" ? t.url.slice("file:".length) : null;
}

/** The demo shop, branded, and the offline session the admin loads (the token is never sent anywhere). */
async function createShop(db: Db, frontUrl: string): Promise<void> {
  const branding = {
    name: "Waypoint Outfitters",
    contactEmail: "help@waypoint-demo.example",
    primaryDomain: new URL(frontUrl).host,
    currency: "USD",
    timezone: "America/New_York",
    locale: "en",
    brandLogoUrl: `${frontUrl}/cdn/shop/demo/logo.svg`,
    brandPrimaryColor: "#1f5199",
    brandAccentColor: "#2e7d32",
    brandFont: "Inter, Helvetica, Arial, sans-serif",
    trackingHeading: "Where's my gear?",
    senderName: "Waypoint Outfitters",
    senderEmail: "tracking@waypoint-demo.example",
    replyToEmail: "help@waypoint-demo.example",
    smsTransactionalOk: true,
  };
  await db.shop.upsert({ where: { domain: DEMO_SHOP }, create: { domain: DEMO_SHOP, ...branding }, update: branding });
  const session = {
    shop: DEMO_SHOP,
    state: "",
    isOnline: false,
    scope: SCOPES,
    accessToken: "demo-offline-token-not-valid-at-shopify",
  };
  await db.session.upsert({
    where: { id: `offline_${DEMO_SHOP}` },
    create: { id: `offline_${DEMO_SHOP}`, ...session },
    update: session,
  });
}

export async function startDemo(partial: Partial<DemoOptions> = {}): Promise<Demo> {
  const o: DemoOptions = { ...DEFAULT_OPTIONS, ...partial };
  const log = o.interactive ? o.log : () => {};
  const apiKey = requireEnv(o.env, "SHOPIFY_API_KEY");
  const secret = requireEnv(o.env, "SHOPIFY_API_SECRET");
  const stats: DemoStats = {
    phase: "starting",
    seed: { orders: 0, webhooks: 0, ms: null, processedMs: null },
    live: { webhooks: 0, orders: 0, startedAt: null },
    sender: { delivered: 0, duplicates: 0, reordered: 0, retried: 0, failed: 0, byStatus: {} },
    waiting: 0,
  };

  // 1. Database: separate from dev; fresh unless resuming.
  const file = sqliteFile(o.databaseUrl);
  if (!file) throw new Error("The demo runs on SQLite: give a file: DATABASE_URL (e.g. file:./prisma/demo.sqlite).");
  const stateFile = `${file}.demo.json`;
  let previous: DemoState | null = null;
  if (!o.fresh && fs.existsSync(stateFile) && fs.existsSync(file))
    previous = JSON.parse(fs.readFileSync(stateFile, "utf8")) as DemoState;
  if (!o.fresh && !previous) log("resume: no previous demo database found, starting fresh");
  if (!previous)
    for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`, stateFile]) fs.rmSync(f, { force: true });
  migrate(o.databaseUrl);

  // 2. Build when the sources changed.
  if (o.build === "always" || (o.build === "auto" && buildIsStale())) buildApp(log);
  else if (o.build === "never" && !fs.existsSync(path.join(ROOT, "build/server/index.js")))
    throw new Error("No build/ to serve (build: never).");

  // 3. Front door first (the app's public URL is its address), then the app behind it.
  const db = createDb(o.databaseUrl);
  await prepareDb(db);
  let timeline: Timeline | null = null;
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  let front: FrontDoor;
  try {
    front = await startFrontDoor({
      appUrl,
      shop: DEMO_SHOP,
      apiKey,
      secret,
      db,
      port: o.port,
      status: () => ({ ...stats, waiting: timeline?.waiting ?? 0 }),
    });
  } catch (error) {
    await db.$disconnect();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new Error(`Port ${o.port} is in use: pass --port N (or stop what is using it).`);
    throw error;
  }
  let app: AppServer;
  try {
    await createShop(db, front.url);
    log(`starting the app (production mode, worker thread) on ${appUrl} behind ${front.url} ...`);
    app = await startApp({
      port: appPort,
      env: {
        ...Object.fromEntries(Object.entries(o.env).filter((e): e is [string, string] => typeof e[1] === "string")),
        DATABASE_URL: o.databaseUrl,
        SHOPIFY_APP_URL: front.url,
        // The demo's storefront is the front door: recommendations are fetched from it and the links
        // in messages open on it (plain http on its own port, not https://<shop domain>).
        WAYPOINT_STOREFRONT_ORIGIN: front.url,
        WORKER: "inline",
        LOG_LEVEL: o.env.LOG_LEVEL ?? "warn",
      },
    });
  } catch (error) {
    await front.close();
    await db.$disconnect();
    throw error;
  }
  const send = new Sender({
    baseUrl: app.url,
    secret,
    concurrency: o.concurrency,
    duplicateRate: o.duplicateRate,
    reorderRate: o.reorderRate,
    seed: `${o.seed}/sender`,
  });
  stats.sender = send.stats;

  // 4. The story: same seed, clock and speed as before when resuming.
  const now = previous ? new Date(previous.now) : new Date();
  const orders = previous?.orders ?? o.orders;
  const speed = previous?.speed ?? o.speed;
  const seed = previous?.seed ?? o.seed;
  const generator = createGenerator({ seed, now, seedOrders: orders, speed, stall: plantedStall(now) });
  const deliveredUpTo = previous ? new Date(previous.deliveredUpTo) : null;
  timeline = new Timeline(generator, previous?.nextLiveIndex ?? orders);

  let stopped = false;
  let loop: NodeJS.Timeout | null = null;
  let saver: NodeJS.Timeout | null = null;
  let lastDue = deliveredUpTo ?? now;
  const saveState = () => {
    if (!timeline) return;
    const state: DemoState = {
      seed,
      now: now.toISOString(),
      speed,
      orders,
      deliveredUpTo: lastDue.toISOString(),
      nextLiveIndex: nextLiveIndex(),
    };
    fs.writeFileSync(stateFile, JSON.stringify(state, null, 2));
  };
  const nextLiveIndex = () => Math.max(orders, ...[...(timeline?.stories.keys() ?? [])].map((i) => i + 1));

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    stats.phase = "stopped";
    if (loop) clearInterval(loop);
    if (saver) clearInterval(saver);
    send.stop();
    saveState();
    await app.stop();
    await front.close();
    await db.$disconnect();
  };

  const stories: OrderStory[] = [];
  const history: SimWebhook[] = [];
  try {
    // 5. Seed: the history up to now (or, resuming, what was not delivered yet), through the real endpoints.
    stats.phase = "seeding";
    const genBar = new ProgressBar("generating", orders, process.stderr, o.interactive);
    for (let i = 0; i < orders; i++) {
      const s = generator.story(i);
      stories.push(s);
      for (const w of s.webhooks) if (w.at <= now && (!deliveredUpTo || w.at > deliveredUpTo)) history.push(w);
      timeline.add(s, deliveredUpTo && deliveredUpTo > now ? deliveredUpTo : now);
      if (i % 25 === 0) genBar.update(i + 1);
    }
    for (let i = orders; i < (previous?.nextLiveIndex ?? orders); i++) timeline.add(generator.story(i), deliveredUpTo);
    genBar.done(`${orders} orders`);
    history.sort((a, b) => a.at.getTime() - b.at.getTime());
    stats.seed.orders = orders;
    stats.seed.webhooks = history.length;
  } catch (error) {
    await stop();
    throw error;
  }

  // 5b. Delivering and processing the history: awaited (tests) or in the background (the CLI).
  const seedHistory = async (): Promise<void> => {
    const started = Date.now();
    const sendBar = new ProgressBar("delivering", history.length, process.stderr, o.interactive);
    send.enqueue(history);
    sendBar.setTotal(history.length + send.stats.duplicates); // redeliveries are deliveries too
    const tick = setInterval(
      () =>
        sendBar.update(
          send.stats.delivered + send.stats.failed,
          `dup ${send.stats.duplicates} · held ${send.stats.reordered}`,
        ),
      200,
    );
    await send.drain();
    clearInterval(tick);
    sendBar.done(
      `${history.length} webhooks (+${send.stats.duplicates} duplicates, ${send.stats.reordered} reordered)`,
    );
    stats.seed.ms = Date.now() - started;

    stats.phase = "processing";
    await waitProcessed(db, o.interactive, 10 * 60_000);
    stats.seed.processedMs = Date.now() - started;
    if (previous)
      log(
        `resumed: ${history.length} webhooks caught up; the story continues from order #${generator.options.firstOrderNumber + nextLiveIndex()}`,
      );
    else
      log(
        `seeded ${orders} orders (${history.length} webhooks) in ${((stats.seed.processedMs ?? 0) / 1000).toFixed(1)} s: delivered in ${((stats.seed.ms ?? 0) / 1000).toFixed(1)} s, all processed by the worker`,
      );
    // The bottleneck baseline's past days from the seeded history, as after an install import: the
    // planted stall is judged against how the lane usually moves, not against nothing.
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: DEMO_SHOP }, select: { id: true } });
    await rebuildDwellBaseline(db, shop.id, new Date());
    lastDue = deliveredUpTo && deliveredUpTo > now ? deliveredUpTo : now;
    stats.phase = "seeded";
    saveState();
  };

  // 6. Live: what Shopify sends from now on, new orders included, at the chosen speed.
  const goLive = (): void => {
    if (!o.replay || stopped) return;
    stats.phase = "live";
    stats.live.startedAt = new Date().toISOString();
    const liveStart = Date.now();
    let ordersBefore = timeline.stories.size;
    loop = setInterval(() => {
      if (stopped || !timeline) return;
      const at = new Date();
      const due = timeline.due(at);
      lastDue = at;
      if (due.length) send.enqueue(due);
      stats.live.webhooks += due.length;
      stats.live.orders += timeline.stories.size - ordersBefore;
      ordersBefore = timeline.stories.size;
      stats.waiting = timeline.waiting;
      if (o.interactive) {
        const secs = (Date.now() - liveStart) / 1000;
        statusLine(
          `live ▸ ${stats.live.webhooks} webhooks (${(stats.live.webhooks / Math.max(1, secs)).toFixed(1)}/s) · ${stats.live.orders} new orders · next ${timeline.nextAt().toISOString().slice(11, 19)} UTC · ${speed}× · Ctrl-C to stop`,
        );
      }
    }, 250);
    saver = setInterval(saveState, 5000);
  };

  const seeded = seedHistory().then(goLive);
  if (o.waitForSeed) {
    try {
      await seeded;
    } catch (error) {
      await stop();
      throw error;
    }
  } else {
    seeded.catch((error: unknown) => {
      if (!stopped) log(`demo: seeding failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  return {
    url: front.url,
    appUrl: app.url,
    shop: DEMO_SHOP,
    db,
    generator,
    stories,
    stats,
    waitProcessed: (timeoutMs = 60_000) => waitProcessed(db, false, timeoutMs),
    seeded,
    stop,
  };
}

/**
 * The demo's regional stall: a fifth of US orders go to Brooklyn by UPS, and UPS parcels there get no
 * scan after the origin scan from 3.5 days before the demo's start until 5 days after it (at the
 * default 600x, 12 minutes of the live demo), so the bottleneck page has a real finding with advice.
 */
export function plantedStall(now: Date): StallPlan {
  return {
    carrier: "UPS",
    city: "Brooklyn",
    share: 0.2,
    from: new Date(now.getTime() - 3.5 * DAY_MS),
    to: new Date(now.getTime() + 5 * DAY_MS),
  };
}

/** Waits until every stored webhook is processed and the queue is empty (with a progress bar). */
async function waitProcessed(db: Db, interactive: boolean, timeoutMs: number): Promise<void> {
  const total = await db.webhookReceipt.count();
  const bar = new ProgressBar("processing", total, process.stderr, interactive);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [receipts, pending, jobs] = await Promise.all([
      db.webhookReceipt.count(),
      db.webhookReceipt.count({ where: { status: "received" } }),
      db.job.count({ where: { status: { in: ["queued", "running"] }, runAfter: { lte: new Date() } } }),
    ]);
    bar.setTotal(receipts);
    bar.update(receipts - pending, `${jobs} jobs queued`);
    if (pending === 0 && jobs === 0) break;
    if (Date.now() > deadline)
      throw new Error(
        `The worker did not finish within ${timeoutMs / 1000} s (${pending} webhooks, ${jobs} jobs waiting).`,
      );
    await new Promise((r) => setTimeout(r, 300));
  }
  bar.done();
}
