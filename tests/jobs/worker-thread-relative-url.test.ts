// `npm start` with a relative SQLite DATABASE_URL (what .env holds by default): the worker thread,
// bundled into build/worker, must open the same file as the web process. It resolved relative paths
// from its own bundle's folder and could not open the database, so nothing was ever processed.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDb, type Db } from "~/db.server";
import { buildApp, buildIsStale, freePort, ROOT, startApp } from "../../scripts/demo/server";
import { createGenerator } from "../../scripts/simulator/generator";
import { webhookHeaders, webhookPath } from "../../scripts/simulator/signer";
import { freshDb, type TestDb } from "../support/db";

let t: TestDb;
let copy: Db;
const relative = `prisma/.test-relative-${crypto.randomUUID()}.sqlite`;

beforeAll(async () => {
  if (buildIsStale()) buildApp(() => {});
  t = await freshDb("sqlite");
  fs.copyFileSync(t.url.slice("file:".length), path.join(ROOT, relative)); // a migrated database
  copy = createDb(`file:${path.join(ROOT, relative)}`);
});
afterAll(async () => {
  await copy.$disconnect();
  await t.drop();
  for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(path.join(ROOT, `${relative}${suffix}`), { force: true });
});

it("processes webhooks with DATABASE_URL=file:./prisma/<file>, in the default worker thread", async () => {
  const secret = process.env.SHOPIFY_API_SECRET!;
  const port = await freePort();
  const app = await startApp({
    port,
    timeoutMs: 120_000,
    env: {
      DATABASE_URL: `file:./${relative}`,
      SHOPIFY_API_KEY: process.env.SHOPIFY_API_KEY!,
      SHOPIFY_API_SECRET: secret,
      SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY!,
      TRACKING_LINK_SECRET: process.env.TRACKING_LINK_SECRET!,
      WORKER: "",
      LOG_LEVEL: "info",
    },
  });
  try {
    const hooks = createGenerator({ seed: "relative-url", seedOrders: 10, spanDays: 5 }).story(0).webhooks.slice(0, 5);
    for (const w of hooks) {
      const res = await fetch(new URL(webhookPath(w.topic), app.url), {
        method: "POST",
        headers: webhookHeaders(w, secret),
        body: w.body,
      });
      expect(res.status).toBe(200);
    }
    // Polls until processed (vitest's timeout bounds the wait; no time is asserted).
    while ((await copy.webhookReceipt.count({ where: { status: "processed" } })) < hooks.length)
      await new Promise((r) => setTimeout(r, 50));
    expect(app.output()).not.toContain("Cannot open database");
  } finally {
    await app.stop();
  }
}, 240_000);
