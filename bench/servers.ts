// The processes a benchmark drives: the real production build (server.mjs, as `npm start` runs it),
// standalone workers (`npm run worker`), the bare-HMAC ceiling, and a throwaway PostgreSQL.
import { type ChildProcess, spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../scripts/db/throwaway-postgres.mjs";
import { buildApp, buildIsStale, freePort, migrate, startApp, type AppServer } from "../scripts/demo/server";
import { log, RESULTS_DIR, ROOT, sleep } from "./lib";

export { freePort, migrate, type AppServer };

/** Secrets for this run only (the bench never reads the developer's .env secrets). */
export interface BenchSecrets {
  SHOPIFY_API_KEY: string;
  SHOPIFY_API_SECRET: string;
  ENCRYPTION_KEY: string;
  TRACKING_LINK_SECRET: string;
}

export function benchSecrets(): BenchSecrets {
  return {
    SHOPIFY_API_KEY: "waypoint-bench",
    SHOPIFY_API_SECRET: crypto.randomBytes(24).toString("hex"),
    ENCRYPTION_KEY: crypto.randomBytes(32).toString("base64"),
    TRACKING_LINK_SECRET: crypto.randomBytes(32).toString("base64"),
  };
}

/** Builds the app when build/ is missing or older than its sources (`remix vite:build`). */
export function ensureBuild(force = false): void {
  if (force || buildIsStale()) {
    try {
      buildApp(log);
    } catch (error) {
      // Sources mid-edit: benchmark the last good build rather than nothing, and say so.
      if (!fs.existsSync(path.join(ROOT, "build/server/index.js"))) throw error;
      log(`bench: the build failed, using the existing build/ (${String(error).split("\n")[0]})`);
    }
  }
}

export interface StartAppOptions {
  databaseUrl: string;
  secrets: BenchSecrets;
  /** "default": WORKER left unset, as `npm start` runs without configuration. */
  worker: "default" | "inline" | "off";
  env?: Record<string, string>;
  /** How long to wait for /healthz (a server busy with its worker's backlog can be slow to answer). */
  timeoutMs?: number;
}

export async function startAppServer(o: StartAppOptions): Promise<AppServer> {
  const port = await freePort();
  const app = await startApp({
    port,
    timeoutMs: o.timeoutMs ?? 90_000,
    env: {
      ...o.secrets,
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: o.databaseUrl,
      // An empty value counts as unset (env.server.ts), so a WORKER in the bench's own environment cannot leak in.
      WORKER: o.worker === "default" ? "" : o.worker,
      LOG_LEVEL: "error",
      ...o.env,
    },
  });
  return app;
}

/** BENCH_CPU_PROF=<dir>: worker processes write a V8 CPU profile there when they exit (the profiles in BENCHMARKS.md). */
function cpuProfile(): string[] {
  const dir = process.env.BENCH_CPU_PROF;
  return dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [];
}

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `npm run worker` as its own process (scripts/worker.ts under tsx). */
export async function startWorkerProcess(
  databaseUrl: string,
  secrets: BenchSecrets,
  env: Record<string, string> = {},
  script = "scripts/worker.ts",
): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ...cpuProfile(), path.join(ROOT, script)], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...secrets,
      SHOPIFY_APP_URL: "http://127.0.0.1:1",
      DATABASE_URL: databaseUrl,
      NODE_ENV: "production",
      LOG_LEVEL: "error",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (b: Buffer) => void (out = (out + b.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 60_000;
  while (!out.includes("running")) {
    if (child.exitCode !== null) throw new Error(`worker exited during start-up:\n${out}`);
    if (Date.now() > deadline) throw new Error(`worker did not start within 60 s:\n${out}`);
    await sleep(100);
  }
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}

export interface Ceiling {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startCeiling(secret: string): Promise<Ceiling> {
  return startBenchServer("bench/ceiling-server.ts", secret);
}

/** The Express + @shopify/shopify-api + Prisma handler a template app would run (bench/template-server.ts). */
export async function startTemplate(secret: string, databaseUrl: string): Promise<Ceiling> {
  return startBenchServer("bench/template-server.ts", secret, [databaseUrl]);
}

async function startBenchServer(script: string, secret: string, args: string[] = []): Promise<Ceiling> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, script), String(port), secret, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (b: Buffer) => b.toString().includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`${script} exited (${code})`)));
  });
  const exit = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill("SIGTERM");
      await exit;
    },
  };
}

/** A fresh, migrated SQLite file under bench/results/ (removed first when it exists). */
export function freshSqlite(name: string): string {
  const file = path.join(RESULTS_DIR, `${name}.sqlite`);
  for (const s of ["", "-wal", "-shm", "-journal"]) fs.rmSync(file + s, { force: true });
  const url = `file:${file}`;
  migrate(url);
  return url;
}

/** A throwaway PostgreSQL cluster with a migrated template database that fresh ones are cloned from. */
export class BenchPostgres {
  private constructor(
    readonly cluster: ThrowawayPostgres,
    private readonly template: string,
  ) {}

  static async start(): Promise<BenchPostgres> {
    const cluster = await startThrowawayPostgres({ databases: ["bench_template"] });
    const url = new URL(cluster.url);
    url.pathname = "/bench_template";
    migrate(url.toString());
    return new BenchPostgres(cluster, "bench_template");
  }

  /** A new database cloned from the migrated template; returns its URL. */
  async fresh(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.cluster.admin });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}" OWNER waypoint TEMPLATE "${this.template}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(this.cluster.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  stop(): void {
    this.cluster.stop();
  }
}
