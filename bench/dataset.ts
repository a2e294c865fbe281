// The large dataset (a million shipments, ten million tracking events by default) for the lookup and
// dashboard rows. Rows come from the demo simulator: its generator's stories (bodies skipped) turned
// into rows by its bulk path's `rowsForStory` (the app's own fold decides each shipment's state). The
// bulk path's own writer (Prisma createMany) manages about 250 orders/s here, an hour for a million
// shipments, so the bench writes the same rows with better-sqlite3 prepared statements in large
// transactions, secondary indexes dropped during the load and rebuilt once. Progress bars throughout.
// The file is cached under bench/results/ while the schema, migrations, generator and size are unchanged.
import Database from "better-sqlite3";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createDb } from "../app/db.server";
import { ProgressBar } from "../scripts/demo/progress";
import { rowsForStory } from "../scripts/simulator/bulk";
import { createGenerator, DEMO_SHOP } from "../scripts/simulator/generator";
import { ensureResultsDir, log, RESULTS_DIR, ROOT } from "./lib";
import { migrate } from "./servers";

export interface DatasetSpec {
  shipments: number;
  /** Total TrackingEvent rows wanted; the stories' scans are topped up with older scans when short. */
  events: number;
  seed?: string;
}

export interface Dataset {
  file: string;
  url: string;
  shop: string;
  shipments: number;
  orders: number;
  events: number;
  cached: boolean;
  buildMs: number;
  /** Set when a dataset built for an older schema was migrated forward instead of rebuilt. */
  migratedFrom?: string;
}

/** Bump when the rows this module writes change shape (the cache key includes it). */
export const DATASET_VERSION = 1;

/** What the cached file depends on: the schema and its migrations (the schema hash), the size, the version. */
export function datasetKey(spec: DatasetSpec): string {
  const h = crypto.createHash("sha256");
  h.update(fs.readFileSync(path.join(ROOT, "prisma/schema.prisma")));
  for (const d of fs.readdirSync(path.join(ROOT, "prisma/migrations")).sort()) h.update(d);
  h.update(JSON.stringify({ ...spec, version: DATASET_VERSION }));
  return h.digest("hex").slice(0, 16);
}

const TABLES = ["Order", "Shipment", "TrackingNumber", "TrackingEvent", "StageTransition"] as const;
type Table = (typeof TABLES)[number];

/** Prisma's SQLite encodings: DateTime as ISO text with +00:00, Boolean 1/0, Json as text. */
function encode(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof Date) return v.toISOString().replace("Z", "+00:00");
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "object") return JSON.stringify(v);
  return v;
}

interface Column {
  name: string;
  dflt: string | null;
}

/** One prepared INSERT per table over all its columns; absent values take the schema's default. */
function inserter(db: Database.Database, table: Table, nowIso: string): (row: Record<string, unknown>) => void {
  const cols = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; dflt_value: string | null }[]).map(
    (c): Column => ({ name: c.name, dflt: c.dflt_value }),
  );
  const stmt = db.prepare(
    `INSERT INTO "${table}" (${cols.map((c) => `"${c.name}"`).join(",")}) VALUES (${cols.map(() => "?").join(",")})`,
  );
  const defaults = cols.map((c): (() => unknown) => {
    if (c.name === "id") return () => crypto.randomUUID();
    if (c.name === "updatedAt" || c.dflt === "CURRENT_TIMESTAMP") return () => nowIso;
    if (c.dflt === null) return () => null;
    if (c.dflt === "true" || c.dflt === "false") return () => (c.dflt === "true" ? 1 : 0);
    const quoted = c.dflt.match(/^'(.*)'$/);
    if (quoted) return () => quoted[1];
    const n = Number(c.dflt);
    return Number.isFinite(n) ? () => n : () => null;
  });
  return (row) => {
    stmt.run(cols.map((c, i) => (row[c.name] === undefined ? (defaults[i] as () => unknown)() : encode(row[c.name]))));
  };
}

export interface WriteOptions {
  seed: string;
  shopId: string;
  shipments: number;
  now?: Date;
  onProgress?: (orders: number, shipments: number) => void;
}

/** The simulator's stories for one shop, as rows, until `shipments` shipments are written. */
export function writeStories(file: string, o: WriteOptions): { orders: number; shipments: number; events: number } {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1000000");
  db.pragma("temp_store = MEMORY");
  const now = o.now ?? new Date();
  const nowIso = encode(now) as string;
  const ins = Object.fromEntries(TABLES.map((t) => [t, inserter(db, t, nowIso)])) as Record<
    Table,
    (r: Record<string, unknown>) => void
  >;
  // About 1.1 shipments per order: the seed's arrival rate spreads the orders over 120 days.
  const gen = createGenerator({
    seed: o.seed,
    shop: DEMO_SHOP,
    now,
    spanDays: 120,
    seedOrders: Math.ceil(o.shipments / 1.05),
  });
  let orders = 0;
  let shipments = 0;
  let events = 0;
  const batch = db.transaction((from: number, to: number) => {
    for (let k = from; k < to && shipments < o.shipments; k++) {
      const r = rowsForStory(gen.story(k, { bodies: false }), o.shopId, now);
      ins.Order(r.order as Record<string, unknown>);
      for (const s of r.shipments) ins.Shipment(s as Record<string, unknown>);
      for (const n of r.numbers) ins.TrackingNumber(n as Record<string, unknown>);
      for (const e of r.events) ins.TrackingEvent(e as Record<string, unknown>);
      for (const t of r.transitions) ins.StageTransition(t as Record<string, unknown>);
      orders++;
      shipments += r.shipments.length;
      events += r.events.length;
    }
  });
  try {
    for (let k = 0; shipments < o.shipments; k += 2000) {
      batch(k, k + 2000);
      o.onProgress?.(orders, shipments);
    }
  } finally {
    db.close();
  }
  return { orders, shipments, events };
}

export async function ensureDataset(
  spec: DatasetSpec,
  opts: { interactive?: boolean; rebuild?: boolean } = {},
): Promise<Dataset> {
  ensureResultsDir();
  const key = datasetKey(spec);
  const file = path.join(RESULTS_DIR, `dataset-${spec.shipments}-${key}.sqlite`);
  const meta = `${file}.json`;
  const url = `file:${file}`;
  if (fs.existsSync(file) && fs.existsSync(meta)) {
    const m = JSON.parse(fs.readFileSync(meta, "utf8")) as Dataset;
    log(
      `dataset: reusing ${path.relative(ROOT, file)} (${m.shipments} shipments, ${m.events} events; schema and generator unchanged)`,
    );
    return { ...m, file, url, cached: true };
  }
  // The schema moved on since the cached file was built: apply the new migrations to it (additive ones
  // take seconds; a rebuild takes many minutes). `--rebuild-dataset` regenerates it instead.
  const older = fs
    .readdirSync(RESULTS_DIR)
    .find(
      (f) =>
        f.startsWith(`dataset-${spec.shipments}-`) &&
        f.endsWith(".sqlite") &&
        fs.existsSync(path.join(RESULTS_DIR, `${f}.json`)),
    );
  if (older && !opts.rebuild) {
    const from = path.join(RESULTS_DIR, older);
    try {
      log(
        `dataset: the schema changed since ${older} was built: migrating it forward (--rebuild-dataset regenerates it)...`,
      );
      migrate(`file:${from}`);
      const m = JSON.parse(fs.readFileSync(`${from}.json`, "utf8")) as Dataset;
      fs.renameSync(from, file);
      fs.rmSync(`${from}.json`, { force: true });
      const result: Dataset = { ...m, file, url, cached: true, migratedFrom: older };
      fs.writeFileSync(meta, JSON.stringify(result, null, 2));
      return result;
    } catch (error) {
      log(`dataset: could not migrate ${older} (${String(error).split("\n")[0]}): rebuilding`);
    }
  }
  // Older datasets of this size are stale now: remove them (they are gigabytes).
  for (const f of fs.readdirSync(RESULTS_DIR)) {
    if (f.startsWith(`dataset-${spec.shipments}-`) && !f.includes(key))
      fs.rmSync(path.join(RESULTS_DIR, f), { force: true });
  }
  const tmp = `${file}.building`;
  for (const s of ["", "-wal", "-shm", "-journal"]) fs.rmSync(tmp + s, { force: true });
  const started = Date.now();
  log(
    `dataset: building ${spec.shipments} shipments / ${spec.events} events from the simulator's stories (cached afterwards)...`,
  );
  migrate(`file:${tmp}`);
  const prisma = createDb(`file:${tmp}`);
  const shop = await prisma.shop.upsert({
    where: { domain: DEMO_SHOP },
    create: { domain: DEMO_SHOP, name: "Waypoint Bench Outfitters" },
    update: {},
  });
  await prisma.$disconnect();

  const db = new Database(tmp);
  const indexes = (
    db
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${TABLES.map((t) => `'${t}'`).join(",")})`,
      )
      .all() as { name: string; sql: string }[]
  ).filter((r) => !/CREATE UNIQUE INDEX/i.test(r.sql));
  for (const r of indexes) db.exec(`DROP INDEX "${r.name}"`);
  db.close();

  const interactive = opts.interactive ?? true;
  const bar = new ProgressBar("shipments", spec.shipments, process.stderr, interactive);
  const w = writeStories(tmp, {
    seed: spec.seed ?? "waypoint-bench",
    shopId: shop.id,
    shipments: spec.shipments,
    onProgress: (o, s) => bar.update(s, `${o} orders`),
  });
  bar.done(`${w.orders} orders, ${w.events} events`);
  let events = w.events;

  const db2 = new Database(tmp);
  try {
    db2.pragma("synchronous = OFF");
    db2.pragma("cache_size = -1000000");
    db2.pragma("temp_store = MEMORY");
    if (events < spec.events) events += topUpEvents(db2, spec.events - events, interactive);
    const ibar = new ProgressBar("indexes", indexes.length, process.stderr, interactive);
    indexes.forEach((r, k) => {
      db2.exec(r.sql);
      ibar.update(k + 1);
    });
    ibar.done();
    db2.pragma("wal_checkpoint(TRUNCATE)");
  } finally {
    db2.close();
  }
  for (const s of ["-wal", "-shm"]) fs.rmSync(tmp + s, { force: true });
  fs.renameSync(tmp, file);
  const result: Dataset = {
    file,
    url,
    shop: DEMO_SHOP,
    shipments: w.shipments,
    orders: w.orders,
    events,
    cached: false,
    buildMs: Date.now() - started,
  };
  fs.writeFileSync(meta, JSON.stringify(result, null, 2));
  log(
    `dataset: ${w.shipments} shipments, ${w.orders} orders, ${events} events in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  return result;
}

/**
 * Tops the scan history up to the wanted event count with older in-transit scans of shipments already
 * there (copies of each shipment's own scans moved back by hours, with their own dedupe keys), so
 * timelines grow long the way busy lanes make them. Plain SQL, in rowid batches.
 */
function topUpEvents(db: Database.Database, missing: number, interactive: boolean): number {
  const bar = new ProgressBar("more events", missing, process.stderr, interactive);
  const original = Number((db.prepare(`SELECT MAX(rowid) AS n FROM "TrackingEvent"`).get() as { n: number }).n);
  let added = 0;
  for (let round = 1; added < missing && round < 100; round++) {
    const step = 200_000;
    for (let from = 0; from < original && added < missing; from += step) {
      const n = Math.min(step, missing - added);
      const r = db
        .prepare(
          `INSERT INTO "TrackingEvent" (id, shopId, shipmentId, dedupeKey, source, status, message, happenedAt, city, province, country, zip, createdAt)
           SELECT lower(hex(randomblob(16))), shopId, shipmentId, dedupeKey || ':older${round}', source, 'in_transit', 'In transit to next facility',
                  strftime('%Y-%m-%dT%H:%M:%f', happenedAt, '-${round * 7} hours') || '+00:00', city, province, country, zip, createdAt
           FROM "TrackingEvent" WHERE rowid > ? AND rowid <= ? LIMIT ?`,
        )
        .run(from, from + step, n);
      added += r.changes;
      bar.update(added);
    }
  }
  bar.done();
  return added;
}
