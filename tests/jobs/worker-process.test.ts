// `npm run worker` is the worker itself: the process a supervisor starts and signals runs the
// jobs (no tsx wrapper in between), and SIGTERM makes it finish its batch and exit 0.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freshDb, type TestDb } from "../support/db";

const script = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts
  .worker!;

describe("the standalone worker process", () => {
  let t: TestDb;
  beforeEach(async () => {
    t = await freshDb("sqlite");
  });
  afterEach(async () => t.drop());

  it("is a plain node process that receives SIGTERM itself and drains before exiting", async () => {
    const [command, ...args] = script.split(" ");
    expect(command).toBe("node");
    const child = spawn(command!, args, {
      env: { ...process.env, DATABASE_URL: t.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    // Start-up takes as long as it takes on a busy machine: wait for the line, not for a time.
    const running = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /waypoint worker (\S+) running/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on("exit", (code) => reject(new Error(`worker exited (${code}) before running: ${err}`)));
    });
    // The worker's id carries the pid of the process running it: the one we can signal.
    expect(running.split(":")[1]).toBe(String(child.pid));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain("SIGTERM: stopping worker after the current batch");
    // Its start-up work reached the database before it stopped.
    expect(await t.db.job.count({ where: { kind: "maintenance.prune" } })).toBeGreaterThanOrEqual(1); // run, and rescheduled
  }, 120_000);
});
