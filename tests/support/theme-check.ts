// Runs Shopify's theme-check (the same checks `shopify app deploy` applies) over a theme app extension,
// offline: the Liquid docs and JSON schemas come from the copies bundled in
// @shopify/theme-check-docs-updater instead of being downloaded.
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { themeCheckRun, Severity, type Offense } from "@shopify/theme-check-node";

export const THEME_APP_EXTENSION_CONFIG = "theme-check:theme-app-extension";

export interface ThemeCheckResult {
  offenses: Offense[];
  /** Relative paths of the files theme-check looked at (so a test can tell it saw something). */
  files: string[];
}

/**
 * theme-check first tries to refresh its docs from the network (SHOPIFY_TLD_ROOT overrides where from).
 * Point it at a folder laid out like the remote one (data/*.json, schemas/theme/*.json) whose files
 * are the package's own fallback copies, so a run never leaves the machine and always sees the same docs.
 */
function useBundledDocs(): void {
  if (process.env.SHOPIFY_TLD_ROOT) return;
  const require = createRequire(import.meta.url);
  const pkg = path.dirname(require.resolve("@shopify/theme-check-docs-updater/package.json"));
  const data = path.join(pkg, "data");
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "waypoint-theme-docs-"));
  fs.mkdirSync(path.join(root, "schemas", "theme"), { recursive: true });
  fs.cpSync(data, path.join(root, "data"), { recursive: true });
  fs.cpSync(data, path.join(root, "schemas", "theme"), { recursive: true });
  process.env.SHOPIFY_TLD_ROOT = root;
}

export async function runThemeCheck(extensionRoot: string): Promise<ThemeCheckResult> {
  useBundledDocs();
  const root = path.resolve(extensionRoot);
  const logs: string[] = [];
  const run = await themeCheckRun(root, THEME_APP_EXTENSION_CONFIG, (m) => logs.push(m));
  if (run.config.context !== "app") {
    throw new Error(`expected theme-check's app (theme app extension) context, got ${run.config.context}`);
  }
  const files = run.theme.map((f) => path.relative(root, new URL(f.uri).pathname)).sort();
  return { offenses: run.offenses, files };
}

const SEVERITY = { [Severity.ERROR]: "error", [Severity.WARNING]: "warning", [Severity.INFO]: "info" } as const;

/** One line per offense: `blocks/x.liquid:12:3 error CheckName: message`. */
export function formatOffenses(offenses: Offense[], root: string): string {
  const base = path.resolve(root);
  return offenses
    .map((o) => {
      const file = path.relative(base, new URL(o.uri).pathname);
      return `${file}:${o.start.line}:${o.start.character + 1} ${SEVERITY[o.severity]} ${o.check}: ${o.message}`;
    })
    .join("\n");
}
