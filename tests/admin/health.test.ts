// /healthz's answer: 200 with the job queue's counts for a migrated database, 503 with one line otherwise.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { healthCheck } from "~/admin/health.server";
import { createDb } from "~/db.server";
import { freshDb } from "../support/db";

describe("healthCheck", () => {
  it("answers 200 with the queue's counts by status", async () => {
    const t = await freshDb("sqlite");
    for (const status of ["queued", "queued", "dead"])
      await t.db.job.create({ data: { kind: "test.job", payload: {}, status } });
    const res = await healthCheck(t.db, t.url);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, jobs: { queued: 2, dead: 1 } });
    await t.drop();
  });

  it("answers 503 with what to run when the database has no migrations", async () => {
    const file = path.join(os.tmpdir(), `empty-${crypto.randomUUID()}.sqlite`);
    const db = createDb(`file:${file}`);
    const res = await healthCheck(db, `file:${file}`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.ok).toBe(false);
    expect(body.problem).toMatch(/has no migrations applied\. Run: npm run setup$/);
    await db.$disconnect();
    fs.rmSync(file, { force: true });
  });
});
