// Where webhook ingest writes: each receipt and its `webhook.process` job, in one transaction, through
// the database driver itself (better-sqlite3 or pg) rather than Prisma. This is the one write on the
// hot path of a webhook storm, and Prisma's JS engine passes every query and its parameters through
// its WebAssembly compiler and back: with raw bodies of a few kilobytes that was ~1.3 ms of CPU per
// webhook, against ~0.1 ms for the same statements on the driver (BENCHMARKS.md). Everything else,
// including reading these rows back, stays on Prisma.
//
// A delivery we already hold is skipped by the unique webhook id (ON CONFLICT DO NOTHING) and gets no
// job. Dates are written in the form Prisma's adapters store them: ISO text with "+00:00" on SQLite,
// UTC `timestamp(3)` on PostgreSQL (tests/services/receipt-store.test.ts reads them back through Prisma).
import crypto from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { type Db, dbTarget } from "../db.server";
import { errorMessage, logger } from "../lib/logger.server";
import { jobData } from "../jobs/queue.server";

export const PROCESS_RECEIPT = "webhook.process";

export interface ReceiptRow {
  id: string;
  webhookId: string;
  shopDomain: string;
  topic: string;
  apiVersion: string;
  eventId: string | null;
  triggeredAt: Date | null;
  headers: Record<string, string>;
  rawBody: string;
}

export interface ReceiptStore {
  /** Inserts the receipts (unique webhook ids) and a job for each new one; returns the new webhook ids. */
  insert(rows: ReceiptRow[]): Promise<Set<string>>;
  close(): Promise<void>;
}

/** A store on the same database as `db`, with its own connection (opened on first use). */
export function createReceiptStore(db: Db): ReceiptStore {
  const target = dbTarget(db);
  return target.provider === "sqlite" ? sqliteStore(target.url) : postgresStore(target.url);
}

/** 2026-11-25T15:32:33.249+00:00: the text form @prisma/adapter-better-sqlite3 stores DateTimes in. */
function sqliteTime(d: Date): string {
  return `${d.toISOString().slice(0, -1)}+00:00`;
}

/** The rows, each with its job, as one JSON parameter (PostgreSQL reads it with json_to_recordset). */
function payload(rows: ReceiptRow[]): string {
  const now = new Date();
  return JSON.stringify(
    rows.map((r) => {
      const job = jobData({
        kind: PROCESS_RECEIPT,
        payload: { receiptId: r.id },
        shopDomain: r.shopDomain,
        runAfter: now,
      });
      return {
        ...r,
        receivedAt: now,
        jobId: crypto.randomUUID(),
        jobKind: job.kind,
        jobPayload: job.payload,
        jobRunAfter: job.runAfter,
        jobMaxAttempts: job.maxAttempts,
        jobSingletonKey: job.singletonKey,
      };
    }),
  );
}

const RECEIPT_COLUMNS = `"id", "webhookId", "shopDomain", "topic", "apiVersion", "eventId", "triggeredAt", "headers", "rawBody", "receivedAt"`;
const JOB_COLUMNS = `"id", "kind", "payload", "shopDomain", "runAfter", "maxAttempts", "singletonKey", "createdAt", "updatedAt"`;

// Row by row inside one transaction: better-sqlite3 runs a prepared statement in microseconds, and
// binding values avoids having SQLite parse a JSON document of raw bodies.
const SQLITE_RECEIPT = `INSERT INTO "WebhookReceipt" (${RECEIPT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT ("webhookId") DO NOTHING`;
const SQLITE_JOB = `INSERT INTO "Job" (${JOB_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** How long a receipt waits for another writer's lock before the delivery is answered 503. */
const BUSY_WAIT_MS = 5000;

function sqliteStore(url: string): ReceiptStore {
  let conn: { close(): void; write(rows: ReceiptRow[]): string[] } | null = null;
  const open = () => {
    // The same settings as the app's Prisma connection (db.server.ts, prepareDb), except the busy
    // timeout: SQLite waits for a lock synchronously, and the lock may be held by a Prisma
    // transaction in this very process (the inline worker) that can only finish if the event loop
    // runs. So never wait inside SQLite: a busy database is retried from a timer (insert below).
    const sqlite = new Database(url.replace(/^file:/, ""), { timeout: 0 });
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    const receipt = sqlite.prepare(SQLITE_RECEIPT);
    const job = sqlite.prepare(SQLITE_JOB);
    const write = sqlite.transaction((rows: ReceiptRow[]) => {
      const now = sqliteTime(new Date());
      const inserted: string[] = [];
      for (const r of rows) {
        const at = r.triggeredAt && sqliteTime(r.triggeredAt);
        const added = receipt.run(
          r.id,
          r.webhookId,
          r.shopDomain,
          r.topic,
          r.apiVersion,
          r.eventId,
          at,
          JSON.stringify(r.headers),
          r.rawBody,
          now,
        );
        if (added.changes === 0) continue; // a delivery we already hold
        const j = jobData({ kind: PROCESS_RECEIPT, payload: { receiptId: r.id }, shopDomain: r.shopDomain });
        job.run(
          crypto.randomUUID(),
          j.kind,
          JSON.stringify(j.payload),
          j.shopDomain,
          now,
          j.maxAttempts,
          j.singletonKey,
          now,
          now,
        );
        inserted.push(r.webhookId);
      }
      return inserted;
    });
    // IMMEDIATE: take the write lock up front or fail at once (SQLITE_BUSY), never half-way through.
    return { close: () => sqlite.close(), write: (rows: ReceiptRow[]) => write.immediate(rows) };
  };
  return {
    insert: async (rows) => {
      conn ??= open();
      const deadline = Date.now() + BUSY_WAIT_MS;
      // Tried again every few milliseconds (a failed BEGIN IMMEDIATE costs microseconds): the worker,
      // in its own thread, holds the lock for one short statement or transaction at a time, and a
      // longer pause would keep the door waiting after the lock is free (decision 008).
      for (let pause = 1; ; pause = Math.min(pause * 2, 4)) {
        try {
          return new Set(conn.write(rows));
        } catch (error) {
          const busy = (error as { code?: string }).code?.startsWith("SQLITE_BUSY") ?? false;
          if (!busy || Date.now() >= deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    },
    close: async () => {
      conn?.close();
      conn = null;
    },
  };
}

// One statement, so one round trip and atomic without BEGIN/COMMIT. json_to_recordset parses the
// document once into typed columns; timestamps arrive in ISO form with Z and are stored as UTC.
const POSTGRES_WRITE = `WITH input AS (
    SELECT * FROM json_to_recordset($1::json) AS x(
      "id" text, "webhookId" text, "shopDomain" text, "topic" text, "apiVersion" text, "eventId" text,
      "triggeredAt" timestamptz, "headers" jsonb, "rawBody" text, "receivedAt" timestamptz,
      "jobId" text, "jobKind" text, "jobPayload" jsonb, "jobRunAfter" timestamptz, "jobMaxAttempts" int, "jobSingletonKey" text)),
  receipts AS (
    INSERT INTO "WebhookReceipt" (${RECEIPT_COLUMNS})
    SELECT "id", "webhookId", "shopDomain", "topic", "apiVersion", "eventId", "triggeredAt" AT TIME ZONE 'UTC', "headers", "rawBody", "receivedAt" AT TIME ZONE 'UTC'
    FROM input
    ON CONFLICT ("webhookId") DO NOTHING
    RETURNING "id", "webhookId"),
  jobs AS (
    INSERT INTO "Job" (${JOB_COLUMNS})
    SELECT i."jobId", i."jobKind", i."jobPayload", i."shopDomain", i."jobRunAfter" AT TIME ZONE 'UTC', i."jobMaxAttempts", i."jobSingletonKey", i."receivedAt" AT TIME ZONE 'UTC', i."receivedAt" AT TIME ZONE 'UTC'
    FROM input i JOIN receipts r ON r."id" = i."id")
  SELECT "webhookId" FROM receipts`;

function postgresStore(url: string): ReceiptStore {
  let pool: pg.Pool | null = null;
  return {
    insert: async (rows) => {
      // A few connections: the group commit keeps one statement in flight per process.
      if (!pool) {
        pool = new pg.Pool({ connectionString: url, max: 2 });
        // An idle connection dropped by the server must not crash the process; the next query reconnects.
        pool.on("error", (error) =>
          logger.warn({ err: errorMessage(error) }, "webhook ingest: idle database connection lost"),
        );
      }
      const result = await pool.query<{ webhookId: string }>({
        name: "waypoint-ingest",
        text: POSTGRES_WRITE,
        values: [payload(rows)],
      });
      return new Set(result.rows.map((r) => r.webhookId));
    },
    close: async () => {
      await pool?.end();
      pool = null;
    },
  };
}
