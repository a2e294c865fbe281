// Once per test run: migrate a template SQLite file and (when possible) a template PostgreSQL
// database with the real `prisma migrate deploy`, so each test file can clone a fresh database
// in milliseconds. PostgreSQL comes from TEST_POSTGRES_URL or a throwaway cluster started here;
// in CI it must exist, elsewhere its absence is said in one visible line.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { postgresAvailability, startThrowawayPostgres } from "../../scripts/db/throwaway-postgres.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    sqliteTemplate: string;
    pgAdminUrl: string | null;
    pgTemplate: string | null;
  }
}

// The project's own Prisma CLI, run by this Node: no npx resolution (a second Node start, and a
// registry lookup should the package be missing).
const PRISMA_CLI = createRequire(import.meta.url).resolve("prisma/build/index.js");

async function migrate(url: string): Promise<void> {
  await promisify(execFile)(process.execPath, [PRISMA_CLI, "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
  });
}

export default async function setup(project: TestProject) {
  fs.mkdirSync("test-results", { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waypoint-test-"));
  const sqliteTemplate = path.join(dir, "template.sqlite");

  let stop = () => {};
  async function postgresTemplate(): Promise<{ adminUrl: string | null; pgTemplate: string | null }> {
    let adminUrl: string | null = process.env.TEST_POSTGRES_URL ?? null;
    if (!adminUrl) {
      const avail = postgresAvailability();
      if (avail.ok) {
        const cluster = await startThrowawayPostgres();
        adminUrl = cluster.url;
        stop = cluster.stop;
      } else if (process.env.CI) {
        throw new Error(
          `CI needs PostgreSQL for the data-layer tests, but ${avail.why}. Set TEST_POSTGRES_URL or install PostgreSQL.`,
        );
      } else {
        console.warn(`\n[waypoint] PostgreSQL tests skipped: ${avail.why} and TEST_POSTGRES_URL is unset.\n`);
        return { adminUrl: null, pgTemplate: null };
      }
    }
    const pgTemplate = `waypoint_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${pgTemplate}"`);
    await admin.query(`CREATE DATABASE "${pgTemplate}"`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${pgTemplate}`;
    await migrate(u.toString());
    return { adminUrl, pgTemplate };
  }

  // SQLite is migrated while PostgreSQL starts and migrates (together most of the run's start-up). A
  // failure of either stops the cluster and removes the files before it is thrown.
  const [sqlite, postgres] = await Promise.allSettled([migrate(`file:${sqliteTemplate}`), postgresTemplate()]);
  if (sqlite.status === "rejected" || postgres.status === "rejected") {
    stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw sqlite.status === "rejected" ? sqlite.reason : (postgres as PromiseRejectedResult).reason;
  }
  const { adminUrl, pgTemplate } = postgres.value;
  project.provide("sqliteTemplate", sqliteTemplate);
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", pgTemplate);

  return async () => {
    if (adminUrl && pgTemplate && process.env.TEST_POSTGRES_URL) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${pgTemplate}" WITH (FORCE)`);
      await admin.end();
    }
    stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
