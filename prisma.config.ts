// Prisma CLI configuration: picks the provider's schema, migrations and driver adapter from
// DATABASE_URL, so `prisma migrate deploy` runs offline with the JS engine on both databases.
import path from "node:path";
import { defineConfig } from "prisma/config";
import { databaseTarget } from "./app/lib/db-target.mjs";

const target = databaseTarget(process.env.DATABASE_URL);
process.env.DATABASE_URL = target.url; // the schema's datasource reads it

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: target.schema,
  migrations: { path: path.join(path.dirname(target.schema), "migrations") },
  adapter: async () => {
    if (target.provider === "postgresql") {
      const { migrationAdapter } = await import("./scripts/db/pg-migration-adapter.mjs");
      return migrationAdapter(target.url, process.env.SHADOW_DATABASE_URL);
    }
    const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
    return new PrismaBetterSQLite3({ url: target.url });
  },
});
