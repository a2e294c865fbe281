// Runs Shopify's theme-check (the same checks `shopify app deploy` applies) over a theme app extension,
// offline: the Liquid docs and JSON schemas come from the copies bundled in
// @shopify/theme-check-docs-updater instead of being downloaded.
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { JSONValidator, themeCheckRun, Severity, type Config, type Offense } from "@shopify/theme-check-node";

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
  const { version } = JSON.parse(fs.readFileSync(path.join(pkg, "package.json"), "utf8")) as { version: string };
  const data = path.join(pkg, "data");
  const root = path.join(os.tmpdir(), `waypoint-theme-liquid-docs-${version}`);
  if (!fs.existsSync(root)) {
    // Built aside and renamed into place, so test workers starting together never see half a copy.
    const staging = fs.mkdtempSync(`${root}-`);
    fs.cpSync(data, path.join(staging, "data"), { recursive: true });
    fs.cpSync(data, path.join(staging, "schemas", "theme"), { recursive: true });
    try {
      fs.renameSync(staging, root);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another worker got there first
    }
  }
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

const SCHEMA_ROOT = "https://waypoint.test/schemas/";

/**
 * Validates block settings against Shopify's own JSON schema for a setting (setting.json from the bundled
 * theme-liquid-docs), which theme-check does not apply to app blocks. Answers the validator's messages.
 */
export async function validateBlockSettings(settings: unknown[]): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const data = path.join(path.dirname(require.resolve("@shopify/theme-check-docs-updater/package.json")), "data");
  const read = (f: string): string => fs.readFileSync(path.join(data, f), "utf8");
  const schemas = [
    {
      uri: `${SCHEMA_ROOT}settings.json`,
      fileMatch: ["**/block-settings.json"],
      schema: JSON.stringify({ type: "array", items: { $ref: "./setting.json" } }),
    },
    { uri: `${SCHEMA_ROOT}setting.json`, schema: read("setting.json") },
  ];
  const config = { context: "app" } as Config;
  const validator = await JSONValidator.create({ schemas: async () => schemas }, config);
  if (!validator) throw new Error("no JSON validator");
  const diagnostics = await validator.validate(
    "file:///extension/block-settings.json",
    JSON.stringify(settings, null, 2),
  );
  return diagnostics.map((d) => d.message);
}
