// The app as a production server: build when the sources are newer than the build, migrate the demo
// database, start the production server (server.mjs, as `npm start` runs it) as a child
// (NODE_ENV=production, inline worker) and wait for /healthz.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const BUILD_ENTRY = path.join(ROOT, "build/server/index.js");
const BUILD_INPUTS = [
  "app",
  "extensions",
  "vite.config.ts",
  "package-lock.json",
  "tsconfig.json",
  "scripts/db",
  "prisma/schema.prisma",
];

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** True when build/ is missing or older than any source it is made from. */
export function buildIsStale(): boolean {
  if (!fs.existsSync(BUILD_ENTRY)) return true;
  const built = fs.statSync(BUILD_ENTRY).mtimeMs;
  return BUILD_INPUTS.some((p) => newestMtime(path.join(ROOT, p)) > built);
}

/** `remix vite:build` (production). Its output goes to a log; the tail is shown when it fails. */
export function buildApp(log: (s: string) => void): void {
  const logFile = path.join(ROOT, "build-demo.log");
  log("building the app for production (remix vite:build)...");
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NODE_ENV: "production" },
  });
  fs.writeFileSync(logFile, `${r.stdout ?? ""}\n${r.stderr ?? ""}`);
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ""}\n${r.stderr ?? ""}`.trim().split("\n").slice(-25).join("\n");
    throw new Error(`The production build failed (full log: ${path.relative(process.cwd(), logFile)}):\n${tail}`);
  }
  fs.rmSync(logFile, { force: true });
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Applies the migrations to `databaseUrl` with the project's own script. */
export function migrate(databaseUrl: string): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/migrate.mjs")], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  if (r.status !== 0) throw new Error(`${r.stderr || r.stdout}`.trim());
}

export async function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface AppServer {
  url: string;
  child: ChildProcess;
  /** The server's recent output (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function startApp(opts: {
  port: number;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<AppServer> {
  const url = `http://127.0.0.1:${opts.port}`;
  const child = spawn(process.execPath, [path.join(ROOT, "server.mjs")], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, NODE_ENV: "production", PORT: String(opts.port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: number | null = null;
  const exit = new Promise<void>((resolve) => child.once("exit", (code) => ((exited = code ?? 0), resolve())));

  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    if (exited !== null)
      throw new Error(
        `The app exited during start-up (code ${exited}):\n${out.trim().split("\n").slice(-20).join("\n")}`,
      );
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `The app did not answer /healthz within ${(opts.timeoutMs ?? 60_000) / 1000} s:\n${out.trim().split("\n").slice(-20).join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    child,
    output: () => out,
    stop: async () => {
      if (exited !== null) return;
      child.kill("SIGTERM"); // the app stops its inline worker and exits
      const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}
