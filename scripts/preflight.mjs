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
  { schema: "prisma/schema.prisma", out: "node_modules/.prisma/client/schema.prisma", url: "file:./prisma/dev.sqlite" },
  { schema: "prisma/postgresql/schema.prisma", out: "node_modules/.prisma/client-postgresql/schema.prisma", url: "postgresql://localhost/waypoint" },
];
for (const c of clients) {
  const src = path.join(root, c.schema);
  const out = path.join(root, c.out);
  if (!fs.existsSync(out) || fs.readFileSync(out, "utf8") !== fs.readFileSync(src, "utf8")) {
    console.log(`preflight: generating the Prisma client for ${c.schema}...`);
    run("npx", ["prisma", "generate", "--schema", c.schema], { DATABASE_URL: c.url });
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
