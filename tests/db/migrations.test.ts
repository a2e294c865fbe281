// The migrations of each provider, applied by the real `prisma migrate deploy`, produce exactly the
// database the schema design describes: every table, column, type, nullability and index.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freshDb, postgresReady, type TestDb } from "../support/db";

function expectedSql(schema: string, url: string): string {
  const out = path.join(os.tmpdir(), `expected-${process.pid}-${path.basename(path.dirname(schema))}.sql`);
  execFileSync(
    "npx",
    ["prisma", "migrate", "diff", "--from-empty", "--to-schema-datamodel", schema, "--script", "--output", out],
    {
      env: { ...process.env, DATABASE_URL: url },
      stdio: "pipe",
    },
  );
  const sql = fs.readFileSync(out, "utf8");
  fs.rmSync(out);
  return sql;
}

function sqliteShape(db: Database.Database) {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name",
    )
    .all() as { name: string }[];
  return tables.map(({ name }) => ({
    name,
    // By name: a column added by a later migration sits last, but is the same column.
    columns: (db.prepare(`PRAGMA table_info("${name}")`).all() as { cid: number; name: string }[])
      .map(({ cid: _cid, ...c }) => c)
      .sort((a, b) => a.name.localeCompare(b.name)),
    indexes: (db.prepare(`PRAGMA index_list("${name}")`).all() as { name: string; unique: number }[])
      .map((i) => ({
        unique: i.unique,
        cols: (db.prepare(`PRAGMA index_info("${i.name}")`).all() as { name: string }[]).map((c) => c.name),
      }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    fks: db
      .prepare(`PRAGMA foreign_key_list("${name}")`)
      .all()
      .map((f) => ({ ...(f as object), id: 0, seq: 0 })),
  }));
}

async function pgShape(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const cols =
    await c.query(`SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
    WHERE table_schema='public' AND table_name <> '_prisma_migrations' ORDER BY table_name, column_name`);
  const idx = await c.query(
    `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname='public' AND tablename <> '_prisma_migrations' ORDER BY tablename, indexname`,
  );
  const fks = await c.query(
    `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype='f' ORDER BY conname`,
  );
  await c.end();
  return { cols: cols.rows, idx: idx.rows, fks: fks.rows };
}

describe("migrations match the schema design", () => {
  it("sqlite: migrate deploy gives the same database as the schema", async () => {
    const t = await freshDb("sqlite");
    const migrated = new Database(t.url.slice("file:".length), { readonly: true });
    const expected = new Database(":memory:");
    expected.exec(expectedSql(path.resolve("prisma/schema.prisma"), "file:/tmp/unused.sqlite"));
    expect(sqliteShape(migrated)).toEqual(sqliteShape(expected));
    migrated.close();
    await t.drop();
  });

  describe.skipIf(!postgresReady)("postgresql", () => {
    const dbs: TestDb[] = [];
    afterAll(async () => Promise.all(dbs.map((d) => d.drop())));
    it("migrate deploy gives the same database as the schema", async () => {
      const migrated = await freshDb("postgresql");
      const scratch = await freshDb("postgresql");
      dbs.push(migrated, scratch);
      const c = new pg.Client({ connectionString: scratch.url });
      await c.connect();
      await c.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
      await c.query(expectedSql(path.resolve("prisma/postgresql/schema.prisma"), scratch.url));
      await c.end();
      expect(await pgShape(migrated.url)).toEqual(await pgShape(scratch.url));
    });
  });
});
