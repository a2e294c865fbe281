// A throwaway PostgreSQL cluster on 127.0.0.1 for tests, CI, benchmarks and migration generation.
// initdb + pg_ctl from the PATH (PostgreSQL 15 here); postgres refuses to run as root, so as root the
// cluster is owned by and run as an unprivileged user (`postgres`, created when missing).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** A PostgreSQL server binary: on the PATH, or where Debian's packages put it. */
function which(bin) {
  const r = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
  if (r.status === 0) return r.stdout.trim();
  const debian = "/usr/lib/postgresql";
  if (!fs.existsSync(debian)) return null;
  for (const version of fs.readdirSync(debian).sort().reverse()) {
    const candidate = path.join(debian, version, "bin", bin);
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

/** Whether a throwaway cluster can be started here, and if not, why. */
export function postgresAvailability() {
  for (const bin of ["initdb", "pg_ctl"]) if (!which(bin)) return { ok: false, why: `${bin} is not on the PATH` };
  return { ok: true, why: "" };
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function runAs(user, cmd, args, opts = {}) {
  if (!user) return execFileSync(cmd, args, { stdio: "pipe", ...opts });
  return execFileSync("runuser", ["-u", user, "--", cmd, ...args], { stdio: "pipe", ...opts });
}

/**
 * Starts a cluster and returns { url, stop }. `url` names database `waypoint` owned by user `waypoint`.
 * @param {{ databases?: string[] }} [options] extra databases to create
 */
export async function startThrowawayPostgres(options = {}) {
  const avail = postgresAvailability();
  if (!avail.ok) throw new Error(`Cannot start a throwaway PostgreSQL: ${avail.why}`);
  const isRoot = process.getuid?.() === 0;
  const user = isRoot ? "postgres" : null;
  if (isRoot) {
    const exists = spawnSync("id", ["-u", "postgres"]).status === 0;
    if (!exists) execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waypoint-pg-"));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, "data");
  fs.mkdirSync(data, { mode: 0o700 });
  if (isRoot) execFileSync("chown", ["-R", "postgres:", dir]);
  runAs(user, which("initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  const port = await freePort();
  const opts = `-h 127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  runAs(user, which("pg_ctl"), ["-D", data, "-o", opts, "-l", path.join(dir, "log"), "-w", "-t", "60", "start"]);
  const admin = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query("CREATE ROLE waypoint LOGIN SUPERUSER PASSWORD 'waypoint'");
  for (const db of ["waypoint", ...(options.databases ?? [])])
    await client.query(`CREATE DATABASE "${db}" OWNER waypoint`);
  await client.end();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      runAs(user, which("pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  return { url: `postgresql://waypoint:waypoint@127.0.0.1:${port}/waypoint`, port, admin, stop, dataDir: data };
}

// CLI: `node scripts/db/throwaway-postgres.mjs URL_FILE` starts a cluster, writes its URL to
// URL_FILE, and stops it (removing its files) on SIGTERM/SIGINT. .ci/run uses it.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const urlFile = process.argv[2];
  const cluster = await startThrowawayPostgres();
  const bye = () => {
    cluster.stop();
    process.exit(0);
  };
  process.on("SIGTERM", bye);
  process.on("SIGINT", bye);
  if (urlFile) fs.writeFileSync(urlFile, cluster.url);
  console.log(`throwaway PostgreSQL on 127.0.0.1:${cluster.port}`);
  setInterval(() => {}, 1 << 30);
}
