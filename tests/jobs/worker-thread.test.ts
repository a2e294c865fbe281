// The default worker (WORKER=inline) runs in a worker_threads thread, not on the web process's event
// loop: restarted when it dies, stopped after its batch on SIGTERM, and, through `npm start`'s own
// production server, processing webhooks end to end while the door answers (decision 008).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WorkerThread } from "~/jobs/worker-thread.server";
import { buildApp, buildIsStale, freePort, startApp, type AppServer } from "../../scripts/demo/server";
import { createGenerator, type SimWebhook } from "../../scripts/simulator/generator";
import { webhookHeaders, webhookPath } from "../../scripts/simulator/signer";
import { freshDb, type TestDb } from "../support/db";

/** Resolves once `check` holds, polling (no time is asserted; vitest's timeout bounds the wait). */
async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

describe("the worker thread's host", () => {
  it("restarts a thread that crashes or exits, and stops it for good", async () => {
    const counter = path.join(os.tmpdir(), `waypoint-thread-${crypto.randomUUID()}`);
    const events: string[] = [];
    const host = new WorkerThread({
      entry: new URL("./fixtures/crashing-thread.mjs", import.meta.url),
      workerData: { counter },
      backoff: { baseMs: 1, capMs: 1, minMs: 0 },
      random: () => 0,
      onEvent: (e) => events.push(e.type === "running" ? `running ${e.worker}` : `crashed ${e.restarts}`),
    });
    host.start();
    await until(() => events.includes("running fixture-3"));
    expect(events).toEqual(["crashed 1", "crashed 2", "running fixture-3"]);
    await host.stop();
    expect(host.running).toBe(false);
    expect(fs.readFileSync(counter, "utf8")).toBe("3"); // stopped, not restarted
    fs.rmSync(counter, { force: true });
  });
});

describe("npm start's server with the default worker", () => {
  let t: TestDb;
  const secret = process.env.SHOPIFY_API_SECRET!;
  const gen = createGenerator({ seed: "worker-thread", seedOrders: 1000, spanDays: 5 });
  const hooks: SimWebhook[] = [];
  for (let i = 0; hooks.length < 150; i++) hooks.push(...gen.story(i).webhooks);

  beforeAll(async () => {
    if (buildIsStale()) buildApp(() => {});
    t = await freshDb("sqlite");
  });
  afterAll(async () => t.drop());

  async function start(): Promise<AppServer> {
    const port = await freePort();
    return startApp({
      port,
      timeoutMs: 120_000,
      env: {
        DATABASE_URL: t.url,
        SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY!,
        SHOPIFY_API_SECRET: secret,
        SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
        ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
        TRACKING_LINK_SECRET: process.env.TRACKING_LINK_SECRET!,
        WORKER: "", // unset: the default, as a user runs `npm start`
        LOG_LEVEL: "info",
      },
    });
  }

  const deliver = (app: AppServer, w: SimWebhook) =>
    fetch(new URL(webhookPath(w.topic), app.url), { method: "POST", headers: webhookHeaders(w, secret), body: w.body })
      .then((r) => r.status)
      .catch(() => 0); // the server went away (after SIGTERM)

  it("processes webhooks in a worker thread, and on SIGTERM drains, stops the worker and exits 0 with nothing lost", async () => {
    const app = await start();
    const first = hooks.slice(0, 50);
    expect(await Promise.all(first.map((w) => deliver(app, w)))).toEqual(first.map(() => 200));
    const processed = () => t.db.webhookReceipt.count({ where: { status: "processed" } });
    await until(async () => (await processed()) === first.length);
    // The worker ran in a thread of the server process, not on its main thread.
    const started = app
      .output()
      .split("\n")
      .filter((l) => l.includes("job worker thread started"))
      .map((l) => JSON.parse(l) as { threadId: number; worker: string });
    expect(started).toHaveLength(1);
    expect(started[0]!.threadId).toBeGreaterThan(0);
    expect(started[0]!.worker.split(":")[1]).toBe(String(app.child.pid));

    // A storm in flight when SIGTERM arrives: every delivery answered 200 is stored with its job.
    const rest = hooks.slice(50);
    const answers = rest.map((w) => deliver(app, w));
    await until(async () => (await t.db.webhookReceipt.count()) > first.length + 10);
    const exited = new Promise<number | null>((resolve) => app.child.once("exit", (code) => resolve(code)));
    app.child.kill("SIGTERM");
    const statuses = await Promise.all(answers);
    expect(await exited).toBe(0);
    const acked = rest.filter((_, i) => statuses[i] === 200).map((w) => w.webhookId);
    const stored = await t.db.webhookReceipt.findMany({ where: { webhookId: { in: acked } }, select: { id: true } });
    expect(stored).toHaveLength(acked.length);
    const jobs = await t.db.job.findMany({
      where: { kind: "webhook.process" },
      select: { status: true, payload: true },
    });
    const jobFor = new Set(jobs.map((j) => (j.payload as { receiptId: string }).receiptId));
    expect(stored.every((r) => jobFor.has(r.id))).toBe(true);
    // The worker finished its batch and recorded it: no job is left claimed by a stopped worker.
    expect(jobs.filter((j) => j.status === "running")).toEqual([]);
    expect(app.output()).not.toMatch(/"level":(50|60)/); // no error logged on the way out

    // What was still waiting is processed by the next start.
    const again = await start();
    try {
      const total = await t.db.webhookReceipt.count();
      await until(async () => (await processed()) === total);
    } finally {
      await again.stop();
    }
  }, 240_000);
});
