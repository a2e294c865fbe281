#!/usr/bin/env node
// Makes a fresh clone runnable with no extra command: installs dependencies when node_modules is
// missing or older than the lockfile, generates both Prisma clients when the schema changed, and
// writes a local .env with fresh secrets when there is none. Quiet when there is nothing to do.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = new Set(process.argv.slice(2));
const run = (cmd, argv, env = {}) =>
  execFileSync(cmd, argv, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
const mtime = (p) => (fs.existsSync(p) ? fs.statSync(p).mtimeMs : 0);

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Waypoint needs Node.js >= 20.19 (this is ${process.versions.node}).`);
  process.exit(1);
}

// 1. Dependencies
const lock = path.join(root, "package-lock.json");
const marker = path.join(root, "node_modules/.package-lock.json");
if (!args.has("--no-install") && (!fs.existsSync(marker) || mtime(marker) < mtime(lock))) {
  console.log("preflight: installing dependencies (npm ci)...");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

// 2. Prisma clients (SQLite default and PostgreSQL), regenerated when a schema is newer than its client
const clients = [
  {
    schema: "prisma/schema.prisma",
    marker: "node_modules/.prisma/client/.waypoint-schema-hash",
    url: "file:./prisma/dev.sqlite",
  },
  {
    schema: "prisma/postgresql/schema.prisma",
    marker: "node_modules/.prisma/client-postgresql/.waypoint-schema-hash",
    url: "postgresql://localhost/waypoint",
  },
];
for (const c of clients) {
  // Prisma keeps a reformatted copy of the schema, so a hash of the source marks what was generated.
  const hash = crypto
    .createHash("sha256")
    .update(fs.readFileSync(path.join(root, c.schema)))
    .digest("hex");
  const marker = path.join(root, c.marker);
  if (!fs.existsSync(marker) || fs.readFileSync(marker, "utf8") !== hash) {
    console.log(`preflight: generating the Prisma client for ${c.schema}...`);
    try {
      execFileSync("npx", ["prisma", "generate", "--schema", c.schema], {
        cwd: root,
        stdio: "pipe",
        env: { ...process.env, DATABASE_URL: c.url },
      });
    } catch (error) {
      process.stderr.write(`${error.stdout ?? ""}${error.stderr ?? ""}`);
      throw error;
    }
    fs.writeFileSync(marker, hash);
  }
}

// 2b. What the tests need from the system (`npm test` passes --test-deps): Chromium for the browser
// tests and PostgreSQL's server binaries for the PostgreSQL suite. Installed with apt when we can
// (root, Debian); otherwise one line says what the tests will skip.
if (args.has("--test-deps")) {
  const { postgresAvailability } = await import("./db/throwaway-postgres.mjs");
  const missing = [];
  if (!fs.existsSync(process.env.CHROMIUM_PATH ?? "/usr/bin/chromium")) missing.push("chromium");
  if (!process.env.TEST_POSTGRES_URL && !postgresAvailability().ok) missing.push("postgresql");
  if (missing.length > 0) {
    const canApt = process.getuid?.() === 0 && fs.existsSync("/usr/bin/apt-get");
    if (canApt) {
      console.log(`preflight: installing ${missing.join(", ")} for the tests (apt-get)...`);
      run("sh", [
        "-c",
        `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing.join(" ")} >/dev/null`,
      ]);
    } else {
      console.log(
        `preflight: ${missing.join(" and ")} missing and not installable here (needs root and apt-get): the tests that need them say they are skipped.`,
      );
    }
  }
}

// 3. A local .env for `npm run demo` and the dev server (never committed)
const envFile = path.join(root, ".env");
if (!fs.existsSync(envFile) && !process.env.CI) {
  const secret = () => crypto.randomBytes(32).toString("base64");
  fs.writeFileSync(
    envFile,
    [
      "# Local development values written by scripts/preflight.mjs. `shopify app dev` overrides the Shopify ones.",
      "SHOPIFY_API_KEY=waypoint-local-demo",
      `SHOPIFY_API_SECRET=${crypto.randomBytes(24).toString("hex")}`,
      "SHOPIFY_APP_URL=http://localhost:3000",
      "DATABASE_URL=file:./prisma/dev.sqlite",
      `ENCRYPTION_KEY=${secret()}`,
      `TRACKING_LINK_SECRET=${secret()}`,
      "",
    ].join("\n"),
  );
  console.log("preflight: wrote .env with local development secrets");
}
