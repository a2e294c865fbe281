// The Prisma client, with the driver adapter chosen from DATABASE_URL: SQLite (better-sqlite3) by
// default, PostgreSQL (pg) for multi-instance production. Both clients are generated from the one
// schema design, so the same model API serves both. Code that differs per provider asks `dbProvider()`
// or `dbTarget()`: the queue's claim (jobs/queue.server.ts), the webhook receipt store
// (ingest/receipt-store.server.ts), the PostgreSQL rate limits (storefront/rate-limit.server.ts), JSON
// path and case-insensitive filters (admin/failures.server.ts, pipeline/compliance.server.ts), the
// migration check at start-up (runtime.server.ts) and the SQLite pragmas of prepareDb below. Plain SQL
// that reads the same on both (the storefront lookup, the order row lock in pipeline/orders.server.ts)
// says why where it is written; see decisions 001, 002.
import { createRequire } from "node:module";
import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "./env.server";
import { databaseTarget } from "./lib/db-target.mjs";

export type Db = PrismaClient;
export type DbProvider = "sqlite" | "postgresql";
export { Prisma } from "@prisma/client";

const require = createRequire(import.meta.url);
const targets = new WeakMap<Db, { provider: DbProvider; url: string }>();

export interface CreateDbOptions {
  /** Pool size for PostgreSQL. */
  max?: number;
}

/** A new client for a database URL (tests and scripts make their own; the app uses `db`). */
export function createDb(url: string | undefined, options: CreateDbOptions = {}): Db {
  const target = databaseTarget(url);
  let client: Db;
  if (target.provider === "postgresql") {
    // The PostgreSQL client is generated to its own folder; its model API is the same as SQLite's.
    // A bare specifier (as @prisma/client's own ".prisma/client"), found by walking up to
    // node_modules from wherever this module runs: app/ in development, build/server/ in production.
    const { PrismaClient: PgClient } = require(".prisma/client-postgresql/index.js") as {
      PrismaClient: new (o: unknown) => Db;
    };
    client = new PgClient({
      adapter: new PrismaPg({ connectionString: target.url, max: options.max ?? 10 }),
      errorFormat: "minimal",
    });
  } else {
    // WAL lets the storefront read while the worker writes; busy_timeout waits out a short write lock.
    client = new PrismaClient({
      adapter: new PrismaBetterSQLite3({ url: target.url, timeout: 5000 }),
      errorFormat: "minimal",
    });
  }
  targets.set(client, { provider: target.provider, url: target.url });
  return client;
}

export function dbProvider(client: Db): DbProvider {
  return targets.get(client === db ? appDb() : client)?.provider ?? "sqlite";
}

/** The database a client was made for (webhook ingest opens its own driver connection to it). */
export function dbTarget(client: Db): { provider: DbProvider; url: string } {
  const target = targets.get(client === db ? appDb() : client);
  if (!target) throw new Error("dbTarget: this client was not made by createDb");
  return target;
}

/** Connection-level settings: WAL on SQLite so storefront reads never wait for the worker's writes. */
export async function prepareDb(client: Db): Promise<void> {
  if (dbProvider(client) === "sqlite") {
    await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
    await client.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
    await client.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  }
}

/**
 * The Prisma error code (P2002 unique violation, P2034 write conflict, ...) of an error from either
 * client. Checked by shape: the PostgreSQL client has its own runtime, so `instanceof` against
 * @prisma/client's error classes fails for its errors.
 */
export function prismaErrorCode(error: unknown): string | undefined {
  if (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof error.code === "string" &&
    /^P\d{4}$/.test(error.code)
  ) {
    return error.code;
  }
  return undefined;
}

declare global {
  var __waypointDb: Db | undefined;
}

/** The app's client; kept on globalThis so Vite's dev reloads do not open a new pool each time. */
function appDb(): Db {
  globalThis.__waypointDb ??= createDb(env().DATABASE_URL);
  return globalThis.__waypointDb;
}

const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const client = appDb();
    const value = Reflect.get(client, prop, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

/** Whether createDb made this client (a wrapper around one, as tests make, was not). */
export function madeByCreateDb(client: Db): boolean {
  return targets.has(resolveDb(client));
}

/** The client itself behind `db` (the app's lazily made client), else the client given. */
export function resolveDb(client: Db): Db {
  return client === db ? appDb() : client;
}

export default db;
