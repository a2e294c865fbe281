// One schema design, two providers. prisma/schema.prisma (SQLite) is the source of truth; this script
// derives prisma/postgresql/schema.prisma from it and writes a new migration for each provider when the
// design changed since its last migration (each migrations folder keeps the datamodel it reflects in
// `datamodel.prisma`). With --check it only verifies and fails with what to run.
//
//   npm run schema:generate -- --name add_thing   # after editing prisma/schema.prisma
//   npm run schema:check                           # in npm test
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startThrowawayPostgres } from "./throwaway-postgres.mjs";

const root = path.resolve(import.meta.dirname, "../..");
const sqliteSchema = path.join(root, "prisma/schema.prisma");
const pgSchema = path.join(root, "prisma/postgresql/schema.prisma");
const PROVIDERS = [
  {
    name: "sqlite",
    schema: sqliteSchema,
    migrations: path.join(root, "prisma/migrations"),
    url: "file:/tmp/waypoint-schema-check.sqlite",
  },
  {
    name: "postgresql",
    schema: pgSchema,
    migrations: path.join(root, "prisma/postgresql/migrations"),
    url: "postgresql://localhost:5432/waypoint_schema_check",
  },
] as const;

export function derivePostgresSchema(source: string): string {
  const header =
    "// GENERATED from prisma/schema.prisma by `npm run schema:generate`: do not edit.\n" +
    "// The PostgreSQL variant of the one schema design (docs/decisions/002-two-provider-migrations.md).\n\n";
  const out = source
    .replace(/^\/\/.*\n(\/\/.*\n)*\n?/, "")
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace(
      /engineType = "client"\n/,
      'engineType = "client"\n  output     = "../../node_modules/.prisma/client-postgresql"\n',
    );
  if (!out.includes('provider = "postgresql"') || !out.includes("client-postgresql")) {
    throw new Error("prisma/schema.prisma no longer has the datasource/generator shape this script expects.");
  }
  return header + out;
}

function datamodelOf(schema: string): string {
  // The models only: comments and the generator/datasource blocks do not change the database.
  return schema
    .replace(/^\s*\/\/.*$/gm, "")
    .replace(/(generator|datasource) \w+ \{[^}]*\}/g, "")
    .replace(/\n{2,}/g, "\n")
    .trim();
}

function migrateDiff(provider: (typeof PROVIDERS)[number], from: string | null, url: string): string {
  const out = path.join(os.tmpdir(), `waypoint-diff-${process.pid}-${provider.name}.sql`);
  const fromArgs = from ? ["--from-schema-datamodel", from] : ["--from-empty"];
  execFileSync(
    "npx",
    ["prisma", "migrate", "diff", ...fromArgs, "--to-schema-datamodel", provider.schema, "--script", "--output", out],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  const sql = fs.readFileSync(out, "utf8");
  fs.rmSync(out);
  return sql;
}

async function main() {
  const check = process.argv.includes("--check");
  const nameIdx = process.argv.indexOf("--name");
  const name = nameIdx > 0 ? process.argv[nameIdx + 1] : "change";
  const problems: string[] = [];

  const expectedPg = derivePostgresSchema(fs.readFileSync(sqliteSchema, "utf8"));
  if (!fs.existsSync(pgSchema) || fs.readFileSync(pgSchema, "utf8") !== expectedPg) {
    if (check) problems.push("prisma/postgresql/schema.prisma is not the one derived from prisma/schema.prisma.");
    else {
      fs.mkdirSync(path.dirname(pgSchema), { recursive: true });
      fs.writeFileSync(pgSchema, expectedPg);
      console.log("wrote prisma/postgresql/schema.prisma");
    }
  }

  for (const provider of PROVIDERS) {
    const snapshot = path.join(provider.migrations, "datamodel.prisma");
    const current = datamodelOf(fs.readFileSync(provider.schema, "utf8"));
    const previous = fs.existsSync(snapshot) ? fs.readFileSync(snapshot, "utf8") : null;
    if (previous !== null && datamodelOf(previous) === current) continue;
    if (check) {
      problems.push(
        `${provider.name}: the schema changed since the newest migration in ${path.relative(root, provider.migrations)}.`,
      );
      continue;
    }
    let prevFile: string | null = null;
    if (previous !== null) {
      prevFile = path.join(os.tmpdir(), `waypoint-prev-${process.pid}-${provider.name}.prisma`);
      const datasource = `datasource db {\n  provider = "${provider.name}"\n  url      = env("DATABASE_URL")\n}\n`;
      fs.writeFileSync(prevFile, datasource + previous);
    }
    // The PostgreSQL CLI adapter connects even for a datamodel-to-datamodel diff: give it a server.
    let url: string = provider.url;
    let stop = () => {};
    if (provider.name === "postgresql") {
      const pg = await startThrowawayPostgres();
      url = pg.url;
      stop = pg.stop;
    }
    let sql: string;
    try {
      sql = migrateDiff(provider, prevFile, url);
    } finally {
      stop();
    }
    if (prevFile) fs.rmSync(prevFile);
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join(provider.migrations, `${stamp}_${previous === null ? "init" : name}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "migration.sql"), sql);
    fs.writeFileSync(
      path.join(provider.migrations, "migration_lock.toml"),
      `# Written by scripts/db/generate-schemas.ts\nprovider = "${provider.name}"\n`,
    );
    fs.writeFileSync(snapshot, current + "\n");
    console.log(`wrote ${path.relative(root, dir)}/migration.sql`);
  }

  if (problems.length > 0) {
    console.error(
      [
        "Schema check failed:",
        ...problems.map((p) => `  - ${p}`),
        "Run: npm run schema:generate -- --name <what_changed>",
      ].join("\n"),
    );
    process.exit(1);
  }
  if (check) console.log("schema check: both providers' schemas and migrations match prisma/schema.prisma");
}

await main();
