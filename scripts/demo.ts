// `npm run demo`: the whole product running locally, fed by the Shopify and carrier simulator.
//
//   npm run demo                        fresh demo database, 500 orders, live traffic at 600×
//   npm run demo -- --orders 50 --speed 3600 --port 3100
//   npm run demo -- --resume            keep the previous run's data and continue its story
//
// See scripts/demo/run.ts for what happens, scripts/demo/front.ts for how Shopify's part is played.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_OPTIONS, DEMO_DATABASE_URL, startDemo } from "./demo/run";
import { ROOT } from "./demo/server";
import { startCarrierSourceDemo } from "./demo/carrier-source";
import { startDemoAdminApi } from "./demo/sync";

const HELP = `Usage: npm run demo -- [options]

  --orders N        orders in the seeded history (default ${DEFAULT_OPTIONS.orders})
  --speed X         simulated seconds per real second for live traffic (default ${DEFAULT_OPTIONS.speed})
  --port P          port of the demo (default ${DEFAULT_OPTIONS.port}; 0 = any free port)
  --fresh           start from an empty demo database (default)
  --resume          keep the previous run's database and continue its story
  --seed S          seed of the simulator (default "${DEFAULT_OPTIONS.seed}")
  --no-replay       stop after the seed (no live traffic)
  --build           always rebuild; --skip-build never builds
  --database URL    SQLite file URL (default ${DEMO_DATABASE_URL})
`;

async function main(): Promise<void> {
  process.chdir(ROOT);
  const { values } = parseArgs({
    options: {
      orders: { type: "string" },
      speed: { type: "string" },
      port: { type: "string" },
      fresh: { type: "boolean" },
      resume: { type: "boolean" },
      seed: { type: "string" },
      "no-replay": { type: "boolean" },
      build: { type: "boolean" },
      "skip-build": { type: "boolean" },
      database: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const int = (v: string | undefined, name: string, fallback: number, min = 0): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}`);
    return n;
  };
  if (values.fresh && values.resume) throw new Error("--fresh and --resume contradict each other");
  if (fs.existsSync(path.join(ROOT, ".env"))) process.loadEnvFile(path.join(ROOT, ".env"));

  const startedAt = Date.now();
  const adminApi = await startDemoAdminApi(process.env); // Admin GraphQL simulator: import and sync (issue 16)
  const demo = await startDemo({
    orders: Math.floor(int(values.orders, "orders", DEFAULT_OPTIONS.orders, 1)),
    speed: int(values.speed, "speed", DEFAULT_OPTIONS.speed, 0.001),
    port: Math.floor(int(values.port ?? process.env.PORT, "port", DEFAULT_OPTIONS.port)),
    fresh: !values.resume,
    seed: values.seed ?? DEFAULT_OPTIONS.seed,
    replay: !values["no-replay"],
    build: values.build ? "always" : values["skip-build"] ? "never" : "auto",
    databaseUrl: values.database ?? DEMO_DATABASE_URL,
    env: process.env,
    // Usable at once: the history keeps flowing in while you look (progress below the links).
    waitForSeed: false,
  });

  const carriers = await startCarrierSourceDemo(demo); // parcels Shopify never reports on, moved by signed carrier pushes
  await adminApi.attach(demo);
  const u = demo.url;
  // A parcel on its way right now, to try on the tracking page.
  const now = demo.generator.options.now;
  const sample =
    [...demo.stories]
      .reverse()
      .find(
        (s) =>
          s.scenario === "shipping" &&
          s.shipments.length === 1 &&
          s.shipments[0]?.statuses.filter((x) => x.at <= now).pop()?.status === "in_transit",
      ) ?? demo.stories[0];
  process.stderr.write(
    [
      "",
      `Waypoint demo is running (${((Date.now() - startedAt) / 1000).toFixed(0)} s to start; the shop's history is still loading below, pages fill up as it does). Look at:`,
      `  Admin (demo session, outside Shopify's frame)  ${u}/app`,
      `  Storefront tracking page                       ${u}/pages/track-order${sample ? `   try ${sample.name} + ${sample.email}` : ""}`,
      `  Dev outbox (emails and SMS)                    ${u}/outbox`,
      `  Tracked by a carrier source only (EasyPost)    ${carriers.orders.join(", ")}: a scan every 20 s`,
      `  Everything in one place                        ${u}/`,
      values["no-replay"]
        ? "No live traffic (--no-replay); Ctrl-C stops the app."
        : `Live traffic keeps coming at ${demo.generator.options.speed}×; Ctrl-C stops the app and the simulator.`,
      "",
    ].join("\n"),
  );

  void demo.seeded.then(() =>
    process.stderr.write(
      `history loaded ${((Date.now() - startedAt) / 1000).toFixed(0)} s after start: ${demo.stats.seed.webhooks} webhooks processed${values["no-replay"] ? "" : "; live traffic flowing"}\n`,
    ),
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write("\nforced exit\n");
      process.exit(130);
    }
    stopping = true;
    process.stderr.write(`\n${signal}: stopping the simulator and the app...\n`);
    void carriers.stop();
    demo
      .stop()
      .then(() => {
        process.stderr.write("stopped. `npm run demo -- --resume` continues where this run left off.\n");
        process.exit(0);
      })
      .catch((error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      });
  };
  process.on("SIGINT", () => shutdown("Ctrl-C"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  process.stderr.write(`\ndemo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
