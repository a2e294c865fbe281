// Which database DATABASE_URL names. Shared by the app (db.server, runtime.server), prisma.config.ts and
// scripts/migrate.mjs: plain JavaScript with a .d.mts beside it, so `node scripts/migrate.mjs` imports it
// without tsx. Scripts import it from app/, never the reverse.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project root: the nearest folder above this module with a package.json. Not a fixed "../..":
 * bundled into build/server or build/worker (the worker thread), this module sits elsewhere, and a
 * fixed hop pointed relative SQLite paths outside the project (the thread could not open the database).
 */
function projectRoot(from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, "../..");
  }
}
const root = projectRoot(path.dirname(fileURLToPath(import.meta.url)));
export const DEFAULT_DATABASE_URL = "file:./prisma/dev.sqlite";

/**
 * @param {string | undefined} raw
 * @returns {{ provider: "sqlite" | "postgresql", url: string, schema: string }}
 */
export function databaseTarget(raw) {
  const url = raw && raw.trim() !== "" ? raw.trim() : DEFAULT_DATABASE_URL;
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return { provider: "postgresql", url, schema: path.join(root, "prisma/postgresql/schema.prisma") };
  }
  if (!url.startsWith("file:")) {
    throw new Error(`DATABASE_URL must be a SQLite "file:" URL or a postgres:// URL; got "${url.split(":")[0]}:...".`);
  }
  // Relative SQLite paths are relative to the project root, whatever the working directory.
  const file = url.slice("file:".length);
  const abs = path.isAbsolute(file) ? file : path.join(root, file);
  return { provider: "sqlite", url: `file:${abs}`, schema: path.join(root, "prisma/schema.prisma") };
}

/** A database URL safe to print: the credentials are replaced. */
export function maskDatabaseUrl(url) {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
