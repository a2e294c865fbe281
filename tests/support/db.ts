// Fresh, migrated databases for tests: a copy of the migrated SQLite template, or a PostgreSQL
// database cloned from the migrated template. `providers` lists what this run can exercise.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { createDb, prepareDb, type Db, type DbProvider } from "~/db.server";

export interface TestDb {
  db: Db;
  url: string;
  provider: DbProvider;
  /** Another client on the same database (a second worker or app instance). */
  connect(options?: { max?: number }): Db;
  drop(): Promise<void>;
}

export const postgresReady = inject("pgTemplate") !== null;
/** The providers this run exercises: SQLite always, PostgreSQL when a server is available. */
export const providers: DbProvider[] = postgresReady ? ["sqlite", "postgresql"] : ["sqlite"];

export async function freshDb(provider: DbProvider): Promise<TestDb> {
  const clients: Db[] = [];
  const connect =
    (url: string) =>
    (options: { max?: number } = {}) => {
      const c = createDb(url, options);
      clients.push(c);
      return c;
    };
  if (provider === "sqlite") {
    const file = path.join(os.tmpdir(), `waypoint-${crypto.randomUUID()}.sqlite`);
    fs.copyFileSync(inject("sqliteTemplate"), file);
    const url = `file:${file}`;
    const c = connect(url);
    const db = c();
    await prepareDb(db); // WAL and synchronous=NORMAL, as the app runs it
    return {
      db,
      url,
      provider,
      connect: c,
      drop: async () => {
        await Promise.all(clients.map((x) => x.$disconnect()));
        for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
      },
    };
  }
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  if (!adminUrl || !template) throw new Error("PostgreSQL is not available in this run");
  const name = `waypoint_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const c = connect(url);
  return {
    db: c(),
    url,
    provider,
    connect: c,
    drop: async () => {
      await Promise.all(clients.map((x) => x.$disconnect()));
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await a.end();
    },
  };
}
