// A database that cannot be reached or is behind on migrations gives one clear line at start-up.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createDb } from "~/db.server";
import { checkDatabase } from "~/runtime.server";
import { freshDb } from "../support/db";

describe("checkDatabase", () => {
  it("is silent for a migrated database", async () => {
    const t = await freshDb("sqlite");
    expect(await checkDatabase(t.db, t.url)).toBeNull();
    await t.drop();
  });

  it("says which migrations are missing and what to run", async () => {
    const t = await freshDb("sqlite");
    const [latest] = await t.db.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`,
    );
    await t.db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = ?`, latest!.migration_name);
    const line = await checkDatabase(t.db, t.url);
    expect(line).toBe(
      `Database ${t.url} is behind: 1 migration(s) not applied (${latest!.migration_name}). Run: npm run setup`,
    );
    await t.drop();
  });

  it("says a database without migrations needs setup", async () => {
    const file = path.join(os.tmpdir(), `empty-${crypto.randomUUID()}.sqlite`);
    const db = createDb(`file:${file}`);
    expect(await checkDatabase(db, `file:${file}`)).toMatch(/has no migrations applied\. Run: npm run setup$/);
    await db.$disconnect();
    fs.rmSync(file, { force: true });
  });

  it("names an unreachable server in one line, without its password", async () => {
    const url = "postgresql://waypoint:s3cret@127.0.0.1:1/waypoint";
    const db = createDb(url);
    const line = await checkDatabase(db, url);
    expect(line).toMatch(
      /^Cannot reach the postgresql database at postgresql:\/\/\*\*\*@127\.0\.0\.1:1\/waypoint \(.+\)\. Start it or set DATABASE_URL\.$/,
    );
    expect(line).not.toContain("s3cret");
    expect(line!.split("\n")).toHaveLength(1);
    await db.$disconnect();
  });
});
