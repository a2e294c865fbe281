// `npm run bench`: every benchmark, one table, bench/results.json.
//   npm run bench                full run: 1M shipments / 10M events (built once, then cached)
//   npm run bench -- --quick     small dataset and short runs, for a fast check
//   npm run bench -- --rebuild-dataset   regenerate the cached dataset even if it can be migrated forward
//   npm run bench -- --only ingest,lookup    a subset (ingest, notify, lookup, dashboard, lighthouse, scaleout, worker, windows)
// Each figure sits next to a baseline measured in the same run (the bare-HMAC ceiling, the lookup's
// statements on the database, the page without the block, one worker), so the ratios hold on a
// noisy machine. See BENCHMARKS.md for the figures and what they imply.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { benchDashboard } from "./dashboard";
import { benchDeliveryWindow, type WindowsProfile } from "./delivery-window";
import { ensureDataset } from "./dataset";
import { benchIngest } from "./ingest";
import { ensureResultsDir, formatTable, log, machine, ROOT, row, type Row, verdict } from "./lib";
import { benchLighthouse } from "./lighthouse";
import { benchLookup } from "./lookup";
import { benchNotify } from "./notify";
import { benchScaleOut } from "./scale-out";
import { benchSync, SYNC_ORDERS } from "./sync";
import { benchWorker } from "./worker";
import { BenchPostgres, benchSecrets, ensureBuild } from "./servers";

export interface Profile {
  name: "quick" | "full" | "smoke";
  ingest: {
    burst: number;
    burstConcurrency: number;
    rate: number;
    seconds: number;
    /** The default-configuration row: receipts waiting for the worker, and the paced rate. */
    backlog: number;
    defaultRate: number;
  };
  notify: { rate: number; orders: number };
  dataset: { shipments: number; events: number };
  lookup: { rate: number; seconds: number };
  dashboardRepeats: number;
  lighthouseRuns: number;
  scaleOutOrders: number;
  /** Orders in the storm one worker process drains (bench/worker.ts). */
  workerOrders: number;
  windows: WindowsProfile;
}

export const PROFILES: Record<Profile["name"], Profile> = {
  full: {
    name: "full",
    ingest: { burst: 4000, burstConcurrency: 32, rate: 500, seconds: 10, backlog: 20_000, defaultRate: 300 },
    notify: { rate: 10, orders: 200 },
    dataset: { shipments: 1_000_000, events: 10_000_000 },
    lookup: { rate: 200, seconds: 15 },
    dashboardRepeats: 5,
    lighthouseRuns: 3,
    scaleOutOrders: 60,
    workerOrders: 1000,
    windows: { lanes: 30, heldOut: 20_000 },
  },
  quick: {
    name: "quick",
    ingest: { burst: 1000, burstConcurrency: 32, rate: 500, seconds: 3, backlog: 20_000, defaultRate: 300 },
    notify: { rate: 10, orders: 50 },
    dataset: { shipments: 20_000, events: 200_000 },
    lookup: { rate: 200, seconds: 5 },
    dashboardRepeats: 3,
    lighthouseRuns: 1,
    scaleOutOrders: 15,
    workerOrders: 200,
    windows: { lanes: 10, heldOut: 5000 },
  },
  smoke: {
    name: "smoke",
    ingest: { burst: 60, burstConcurrency: 8, rate: 100, seconds: 1, backlog: 300, defaultRate: 100 },
    notify: { rate: 10, orders: 5 },
    dataset: { shipments: 300, events: 3000 },
    lookup: { rate: 50, seconds: 1 },
    dashboardRepeats: 1,
    lighthouseRuns: 1,
    scaleOutOrders: 3,
    workerOrders: 5,
    windows: { lanes: 2, heldOut: 500 },
  },
};

export const SECTIONS = [
  "ingest",
  "notify",
  "lookup",
  "dashboard",
  "rss",
  "lighthouse",
  "scaleout",
  "worker",
  "windows",
  "sync",
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchResult {
  profile: Profile["name"];
  startedAt: string;
  durationS: number;
  machine: ReturnType<typeof machine>;
  rows: Row[];
  table: string;
  notes: string[];
}

export async function runBench(
  profile: Profile,
  sections: readonly Section[],
  opts: { interactive?: boolean; resultsFile?: string | null; rebuildDataset?: boolean } = {},
): Promise<BenchResult> {
  const started = Date.now();
  ensureResultsDir();
  const secrets = benchSecrets();
  const has = (s: Section) => sections.includes(s);
  const notes: string[] = [];
  const rows: Row[] = [];
  const peaks: { label: string; mb: number }[] = [];
  const onPeakRss = (label: string, mb: number) => peaks.push({ label, mb });
  if (has("ingest") || has("notify") || has("lookup") || has("scaleout")) ensureBuild();

  let postgres: BenchPostgres | null = null;
  if (has("ingest") || has("scaleout") || has("worker")) {
    try {
      postgres = await BenchPostgres.start();
    } catch (error) {
      notes.push(`PostgreSQL rows skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const bye = () => {
    postgres?.stop();
    process.exit(130);
  };
  process.once("SIGINT", bye);
  process.once("SIGTERM", bye);
  try {
    const section = async (name: Section, fn: () => Promise<Row[]>) => {
      try {
        rows.push(...(await fn()));
      } catch (error) {
        const lines = (error instanceof Error ? error.message : String(error)).split("\n").filter(Boolean);
        const message = [lines[0], ...lines.slice(1).slice(-2)].join(" … ");
        log(`${name}: failed: ${message}`);
        rows.push(
          row({
            id: `${name}.error`,
            metric: `${name}: could not run`,
            value: null,
            unit: "",
            baseline: null,
            baselineLabel: "",
            target: "",
            verdict: "MISS",
            note: message,
          }),
        );
      }
    };
    if (has("ingest")) await section("ingest", () => benchIngest({ ...profile.ingest, secrets, postgres, onPeakRss }));
    if (has("notify")) await section("notify", () => benchNotify({ ...profile.notify, secrets, onPeakRss }));
    if (has("lookup") || has("dashboard")) {
      const dataset = await ensureDataset(profile.dataset, {
        interactive: opts.interactive ?? Boolean(process.stderr.isTTY),
        rebuild: opts.rebuildDataset,
      });
      if (dataset.migratedFrom)
        notes.push(
          `the cached dataset (${dataset.migratedFrom}) was built for an older schema and migrated forward; columns added since are empty (--rebuild-dataset regenerates it)`,
        );
      if (!dataset.cached)
        notes.push(`dataset built in ${(dataset.buildMs / 1000).toFixed(0)} s (cached for later runs)`);
      if (has("lookup")) await section("lookup", () => benchLookup({ dataset, ...profile.lookup, secrets, onPeakRss }));
      if (has("dashboard"))
        await section("dashboard", () => benchDashboard(dataset, { repeats: profile.dashboardRepeats }));
    }
    if (has("rss") && peaks.length) {
      const worst = peaks.reduce((a, b) => (b.mb > a.mb ? b : a));
      rows.push(
        row({
          id: "rss.peak",
          metric: `Peak RSS of the app process (VmHWM, worst phase: ${worst.label})`,
          value: worst.mb,
          unit: "MB",
          baseline: null,
          baselineLabel: "",
          target: "< 400 MB",
          verdict: verdict(worst.mb < 400),
          note: `per phase: ${peaks.map((p) => `${p.label} ${p.mb.toFixed(0)} MB`).join(", ")}`,
        }),
      );
    }
    if (has("sync")) await section("sync", () => benchSync({ orders: SYNC_ORDERS[profile.name] ?? 300, secrets }));
    if (has("lighthouse")) await section("lighthouse", () => benchLighthouse({ runs: profile.lighthouseRuns }));
    if (has("scaleout")) {
      if (postgres) {
        const pgc = postgres;
        await section("scaleout", () => benchScaleOut({ orders: profile.scaleOutOrders, postgres: pgc, secrets }));
      } else
        rows.push(
          row({
            id: "scaleout",
            metric: "Scale-out on PostgreSQL",
            value: null,
            unit: "",
            baseline: null,
            baselineLabel: "",
            target: "",
            verdict: "SKIP",
            note: "no PostgreSQL",
          }),
        );
    }
    if (has("worker")) await section("worker", () => benchWorker({ orders: profile.workerOrders, postgres, secrets }));
    if (has("windows")) await section("windows", async () => benchDeliveryWindow(profile.windows));
  } finally {
    postgres?.stop();
    process.off("SIGINT", bye);
    process.off("SIGTERM", bye);
  }
  const table = formatTable(rows);
  const result: BenchResult = {
    profile: profile.name,
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine: machine(),
    rows,
    table,
    notes,
  };
  if (opts.resultsFile !== null)
    fs.writeFileSync(opts.resultsFile ?? path.join(ROOT, "bench/results.json"), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

if (process.argv[1]?.endsWith(path.join("bench", "run.ts"))) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean" },
      "rebuild-dataset": { type: "boolean" },
      only: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(
      "npm run bench [-- --quick] [-- --rebuild-dataset] [-- --only ingest,notify,lookup,dashboard,rss,lighthouse,scaleout,worker,windows]\n",
    );
    process.exit(0);
  }
  const only = values.only ? (values.only.split(",").map((s) => s.trim()) as Section[]) : [...SECTIONS];
  const unknown = only.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown section(s): ${unknown.join(", ")}`);
  const profile = values.quick ? PROFILES.quick : PROFILES.full;
  log(`waypoint bench (${profile.name}): ${only.join(", ")}`);
  const result = await runBench(profile, only, { rebuildDataset: values["rebuild-dataset"] });
  process.stdout.write(`\n${result.table}\n`);
  for (const n of result.notes) process.stdout.write(`* ${n}\n`);
  const m = result.machine;
  process.stdout.write(
    `\n${m.nproc} CPUs (${m.cpu}), ${m.memory} RAM, Node ${m.node}; ${result.durationS} s; written to bench/results.json\n`,
  );
}
