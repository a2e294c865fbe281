// Once per test run: migrate a template SQLite file and (when possible) a template PostgreSQL
// database with the real `prisma migrate deploy`, so each test file can clone a fresh database
// in milliseconds. PostgreSQL comes from TEST_POSTGRES_URL or a throwaway cluster started here;
// in CI it must exist, elsewhere its absence is said in one visible line.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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

function migrate(url: string) {
  execFileSync("npx", ["prisma", "migrate", "deploy"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
}

export default async function setup(project: TestProject) {
  fs.mkdirSync("test-results", { recursive: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waypoint-test-"));
  const sqliteTemplate = path.join(dir, "template.sqlite");
  migrate(`file:${sqliteTemplate}`);
  project.provide("sqliteTemplate", sqliteTemplate);

  let stop = () => {};
  let adminUrl: string | null = process.env.TEST_POSTGRES_URL ?? null;
  if (!adminUrl) {
    const avail = postgresAvailability();
    if (avail.ok) {
      const cluster = await startThrowawayPostgres();
      adminUrl = cluster.url;
      stop = cluster.stop;
    } else if (process.env.CI) {
      throw new Error(`CI needs PostgreSQL for the data-layer tests, but ${avail.why}. Set TEST_POSTGRES_URL or install PostgreSQL.`);
    } else {
      console.warn(`\n[waypoint] PostgreSQL tests skipped: ${avail.why} and TEST_POSTGRES_URL is unset.\n`);
    }
  }
  let pgTemplate: string | null = null;
  if (adminUrl) {
    pgTemplate = `waypoint_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${pgTemplate}"`);
    await admin.query(`CREATE DATABASE "${pgTemplate}"`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${pgTemplate}`;
    migrate(u.toString());
  }
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
