#!/usr/bin/env node
// Applies the migrations of the database DATABASE_URL names (SQLite by default), offline.
// A database that cannot be reached gives one clear line, not a stack trace.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { databaseTarget, maskDatabaseUrl } from "../app/lib/db-target.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
if (!process.env.DATABASE_URL && fs.existsSync(path.join(root, ".env"))) process.loadEnvFile(path.join(root, ".env"));
const target = databaseTarget(process.env.DATABASE_URL);
const r = spawnSync("npx", ["prisma", "migrate", "deploy"], {
  cwd: root,
  encoding: "utf8",
  env: { ...process.env, DATABASE_URL: target.url },
});
if (r.status !== 0) {
  const out = `${r.stdout}\n${r.stderr}`;
  const reason = out.match(/Error: ([^\n]+)/)?.[1] ?? out.trim().split("\n").pop();
  const safeUrl = maskDatabaseUrl(target.url);
  console.error(`Could not migrate ${target.provider} database ${safeUrl}: ${reason}`);
  process.exit(1);
}
const applied = r.stdout.match(/(\d+) migrations? (found|applied)/)?.[0];
console.log(`migrate: ${target.provider} database is up to date${applied ? ` (${applied})` : ""}`);
