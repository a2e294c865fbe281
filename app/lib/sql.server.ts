// The database driver itself (better-sqlite3 or pg) beside a Prisma client, for the worker's hot
// path: processing webhook receipts and recording job outcomes (decision 014). Prisma's JS engine
// spends most of a millisecond of CPU per query (its WebAssembly query compiler, the adapter, a
// statement prepared anew each time); a prepared statement on the driver costs microseconds on
// SQLite and one round trip on PostgreSQL. Values are written in the forms Prisma's adapters write
// them and read back into the types Prisma returns (from Prisma's own model description), so rows
// written here read the same through Prisma and back.
//
// SQL is written once with `?` placeholders and quoted identifiers, which both databases read alike.
import crypto from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { env } from "../env.server";
import { Prisma, type Db, type DbProvider, dbTarget, madeByCreateDb, resolveDb } from "../db.server";
import { errorMessage, logger } from "./logger.server";

export type SqlRow = Record<string, unknown>;

/** Statements on one connection (inside a transaction, or autocommitted one by one). */
export interface Sql {
  readonly provider: DbProvider;
  /** Rows of a query; with `model`, decoded into the types Prisma gives that model's fields. */
  all<T = SqlRow>(text: string, params?: readonly unknown[], model?: string): Promise<T[]>;
  /** The number of rows a write changed. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /** A statement without parameters, not prepared (SAVEPOINT and the like). */
  exec(text: string): Promise<void>;
}

/**
 * Runs `fn` inside a savepoint of the current transaction: on an error, what `fn` wrote is undone
 * (the rest of the transaction stays) and the error is rethrown.
 */
export async function savepoint<T>(tx: Sql, fn: () => Promise<T>): Promise<T> {
  await tx.exec("SAVEPOINT one_job");
  try {
    const result = await fn();
    await tx.exec("RELEASE SAVEPOINT one_job");
    return result;
  } catch (error) {
    await tx.exec("ROLLBACK TO SAVEPOINT one_job");
    await tx.exec("RELEASE SAVEPOINT one_job");
    throw error;
  }
}

export interface SqlDb extends Sql {
  /** Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE, so the writer lock is taken up front). */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * A new id for a row written here (Prisma's cuid() is made in its client, not the database): a
 * UUIDv7, time first like a cuid, so consecutive inserts land on the same pages of the primary-key
 * index instead of dirtying a random page each (what a commit then writes).
 */
export function newId(): string {
  const bytes = crypto.randomBytes(16);
  const ms = Date.now();
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `(?, ?, ?)` for an IN list of n values (n > 0). */
export const inList = (n: number): string => `(${Array.from({ length: n }, () => "?").join(", ")})`;

/** A unique-key violation (another writer inserted the same key first): the transaction is retried. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** A PostgreSQL serialization failure or deadlock: safe to run the transaction again. */
export function isConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "40001" || code === "40P01";
}

// Field types of every model, from the schema Prisma generated the client from.
const FIELD_TYPES = new Map<string, Map<string, string>>(
  Prisma.dmmf.datamodel.models.map((m) => [
    m.name,
    new Map(m.fields.filter((f) => f.kind === "scalar").map((f) => [f.name, f.type])),
  ]),
);

function fieldTypes(model: string): Map<string, string> {
  const types = FIELD_TYPES.get(model);
  if (!types) throw new Error(`sql: no model named ${model}`);
  return types;
}

/** 2026-11-25T15:32:33.249+00:00: the text form @prisma/adapter-better-sqlite3 stores DateTimes in. */
export function sqliteTime(d: Date): string {
  return `${d.toISOString().slice(0, -1)}+00:00`;
}

function encodeSqlite(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return sqliteTime(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "object") return JSON.stringify(v);
  return v;
}

// timestamp(3) without time zone holds UTC (as Prisma's adapter writes it): an ISO string's "Z" is
// ignored on input, which is exactly UTC's wall-clock time.
function encodePostgres(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v); // Json columns; IN lists are expanded, never arrays
  return v;
}

function decodeSqlite(model: string | undefined, row: SqlRow): SqlRow {
  if (!model) return row;
  const types = fieldTypes(model);
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (v === null) continue;
    const type = types.get(key);
    // Prisma's raw queries (throughPrisma) may have converted a value already.
    if (type === "DateTime") row[key] = v instanceof Date ? v : new Date(v as string);
    else if (type === "Boolean") row[key] = v === 1 || v === 1n || v === true;
    else if (type === "Json" && typeof v === "string") row[key] = JSON.parse(v);
  }
  return row;
}

// Read timestamps as UTC (pg's default parses `timestamp` as local time); jsonb and booleans are
// already what Prisma returns.
const PG_TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === 1114
      ? (s: string) => new Date(`${s.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

const toDollars = new Map<string, string>();
function dollars(text: string): string {
  let out = toDollars.get(text);
  if (out === undefined) {
    let i = 0;
    out = text.replace(/\?/g, () => `$${++i}`);
    toDollars.set(text, out);
  }
  return out;
}
const names = new Map<string, string>();
/** A prepared statement's name on every pg connection: the same text, the same name (computed once). */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `w${crypto.createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

const spent = new Map<string, [number, number]>();
let profiling: boolean | null = null;
/** SQL_PROFILE=1 (read when the first connection opens, not at import): statements timed, totals at exit. */
function profilingOn(): boolean {
  if (profiling !== null) return profiling;
  profiling = env().SQL_PROFILE === "1";
  if (profiling) process.on("exit", printProfile);
  return profiling;
}
function profiled(text: string, s: Database.Statement): Database.Statement {
  const time = <T>(fn: () => T): T => {
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      const e = spent.get(text) ?? [0, 0];
      e[0] += performance.now() - t0;
      e[1] += 1;
      spent.set(text, e);
    }
  };
  return {
    readonly: s.readonly,
    run: (...a: unknown[]) => time(() => s.run(...a)),
    all: (...a: unknown[]) => time(() => s.all(...a)),
  } as unknown as Database.Statement;
}
function printProfile(): void {
  const rows = [...spent].sort((a, b) => b[1][0] - a[1][0]).slice(0, 25);
  for (const [t, [ms, n]] of rows)
    console.error(`${ms.toFixed(0).padStart(6)} ms ${String(n).padStart(6)}x ${t.replace(/\s+/g, " ").slice(0, 150)}`);
}

function sqliteDb(url: string): SqlDb {
  // No busy timeout: SQLite would wait synchronously and block this event loop, where a Prisma
  // transaction holding the lock may need to run; a busy lock is retried from a timer instead.
  const conn = new Database(url.replace(/^file:/, ""), { timeout: 0 });
  conn.pragma("journal_mode = WAL");
  conn.pragma("synchronous = NORMAL");
  conn.pragma("foreign_keys = ON");
  // A 64 MB page cache (SQLite's default is 2 MB): the worker revisits the same index pages all day.
  conn.pragma("cache_size = -65536");
  const statements = new Map<string, Database.Statement>();
  const profile = profilingOn();
  const prepared = (text: string) => {
    let s = statements.get(text);
    if (!s) statements.set(text, (s = conn.prepare(text)));
    return profile ? profiled(text, s) : s;
  };
  const sql: Sql = {
    provider: "sqlite",
    all: async <T>(text: string, params: readonly unknown[] = [], model?: string) => {
      const s = prepared(text);
      const values = params.map(encodeSqlite);
      // A write with RETURNING outside a transaction (the queue's claim) may meet a busy lock.
      const rows = (
        conn.inTransaction || s.readonly ? s.all(...values) : await whenFree(() => s.all(...values))
      ) as SqlRow[];
      return rows.map((r) => decodeSqlite(model, r)) as T[];
    },
    run: async (text, params = []) => {
      const s = prepared(text);
      const values = params.map(encodeSqlite);
      if (conn.inTransaction) return s.run(...values).changes;
      return whenFree(() => s.run(...values).changes);
    },
    exec: async (text) => {
      conn.exec(text);
    },
  };
  let tail: Promise<unknown> = Promise.resolve();
  const begin = prepared("BEGIN IMMEDIATE");
  const commit = prepared("COMMIT");
  const rollback = prepared("ROLLBACK");
  return {
    ...sql,
    // One transaction at a time on this connection: callers in this process queue here.
    transaction: <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => {
      const run = async () => {
        await whenFree(() => begin.run());
        try {
          const result = await fn(sql);
          commit.run();
          return result;
        } catch (error) {
          if (conn.inTransaction) rollback.run();
          throw error;
        }
      };
      const result = tail.then(run, run);
      tail = result.catch(() => undefined);
      return result;
    },
    close: async () => {
      await tail;
      conn.close();
    },
  };
}

/** How long a write waits for another connection's writer lock before failing (as Prisma's 5 s). */
const BUSY_WAIT_MS = 5000;

/** Runs a write, retrying every few milliseconds while another connection holds the writer lock. */
async function whenFree<T>(write: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 4)) {
    try {
      return write();
    } catch (error) {
      const busy = (error as { code?: string }).code?.startsWith("SQLITE_BUSY") ?? false;
      if (!busy || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

function postgresDb(url: string, max: number): SqlDb {
  const pool = new pg.Pool({ connectionString: url, max, types: PG_TYPES });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", (error) => logger.warn({ err: errorMessage(error) }, "driver: idle database connection lost"));
  const on = (client: pg.Pool | pg.PoolClient): Sql => ({
    provider: "postgresql",
    all: async <T>(text: string, params: readonly unknown[] = []) =>
      (await client.query({ name: statementName(text), text: dollars(text), values: params.map(encodePostgres) }))
        .rows as T[],
    run: async (text, params = []) =>
      (await client.query({ name: statementName(text), text: dollars(text), values: params.map(encodePostgres) }))
        .rowCount ?? 0,
    exec: async (text) => {
      await client.query(text);
    },
  });
  return {
    ...on(pool),
    transaction: async <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await fn(on(client));
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * The same statements through a Prisma client's raw queries, for a client that createDb did not
 * make (the tests' wrappers that fail calls on demand to simulate an outage): slower, same results.
 */
function throughPrisma(client: Db): SqlDb {
  // A wrapper hides the client from dbProvider(); Prisma's own field says which database it speaks.
  const provider: DbProvider =
    (client as unknown as { _activeProvider?: string })._activeProvider === "postgresql" ? "postgresql" : "sqlite";
  const encode = provider === "sqlite" ? encodeSqlite : encodePostgres;
  const text = (t: string) => (provider === "sqlite" ? t : dollars(t));
  const on = (c: Pick<Db, "$queryRawUnsafe" | "$executeRawUnsafe">): Sql => ({
    provider,
    all: async <T>(t: string, params: readonly unknown[] = [], model?: string) =>
      (await c.$queryRawUnsafe<SqlRow[]>(text(t), ...params.map(encode))).map((r) =>
        provider === "sqlite" ? decodeSqlite(model, r) : r,
      ) as T[],
    run: (t, params = []) => c.$executeRawUnsafe(text(t), ...params.map(encode)),
    exec: async (t) => {
      await c.$executeRawUnsafe(t);
    },
  });
  return {
    ...on(client),
    transaction: (fn) => client.$transaction((tx) => fn(on(tx))),
    close: async () => undefined,
  };
}

const connections = new WeakMap<Db, SqlDb>();

/**
 * The driver connection (SQLite) or pool (PostgreSQL) beside a Prisma client, opened on first use
 * and closed with the client's `$disconnect()`.
 */
export function sqlFor(db: Db): SqlDb {
  const client = resolveDb(db);
  let conn = connections.get(client);
  if (conn) return conn;
  if (!madeByCreateDb(client)) return throughPrisma(client);
  const target = dbTarget(client);
  const opened = target.provider === "sqlite" ? sqliteDb(target.url) : postgresDb(target.url, 4);
  conn = opened;
  connections.set(client, opened);
  const disconnect = client.$disconnect.bind(client);
  // One shutdown for both: every caller (tests, the worker's thread, scripts) already disconnects Prisma.
  Object.defineProperty(client, "$disconnect", {
    configurable: true,
    value: async () => {
      connections.delete(client);
      await opened.close().catch((error: unknown) => logger.warn({ err: errorMessage(error) }, "driver: close failed"));
      return disconnect();
    },
  });
  return opened;
}

/** `"a", "b"` and `?, ?` for an INSERT of these columns. */
export function insertSql(table: string, columns: readonly string[], suffix = ""): string {
  return `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})${suffix ? ` ${suffix}` : ""}`;
}

/** Inserts one row (its columns are the object's keys); returns the rows changed (0 on DO NOTHING). */
export function insertRow(tx: Sql, table: string, row: SqlRow, suffix = ""): Promise<number> {
  const columns = Object.keys(row);
  return tx.run(
    insertSql(table, columns, suffix),
    columns.map((c) => row[c]),
  );
}

/** Updates the columns given (the object's keys) of the rows matching `where`. */
export function updateRows(
  tx: Sql,
  table: string,
  set: SqlRow,
  where: string,
  whereParams: readonly unknown[],
): Promise<number> {
  const columns = Object.keys(set);
  return tx.run(`UPDATE "${table}" SET ${columns.map((c) => `"${c}" = ?`).join(", ")} WHERE ${where}`, [
    ...columns.map((c) => set[c]),
    ...whereParams,
  ]);
}
