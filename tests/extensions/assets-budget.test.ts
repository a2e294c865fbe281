// The storefront is light: size budgets for the extension's assets, and scripts that old browsers can parse.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { EXTENSION_ROOT } from "../support/liquid";

const ASSETS = path.join(EXTENSION_ROOT, "assets");
const files = fs.readdirSync(ASSETS).sort();
const bytes = (f: string): Buffer => fs.readFileSync(path.join(ASSETS, f));

/** theme-check's AssetSizeAppBlockJavaScript limit, which Shopify applies to app block scripts. */
const SCRIPT_LIMIT = 10_000;
const TOTAL_GZIP_LIMIT = 30 * 1024;

function parseErrors(source: string, ecmaVersion: 2018 | 2020): string[] {
  const messages = new Linter().verify(source, { languageOptions: { ecmaVersion, sourceType: "script" } });
  return messages.filter((m) => m.fatal).map((m) => `${m.line}:${m.column} ${m.message}`);
}

describe("extension assets", () => {
  it("are the script, its view helpers and the stylesheet", () => {
    expect(files).toEqual(["tracking-core.js", "tracking.css", "tracking.js"]);
  });

  it("keeps tracking.js, and every other script, under 10,000 bytes", () => {
    expect(bytes("tracking.js").length).toBeLessThan(SCRIPT_LIMIT);
    for (const f of files.filter((x) => x.endsWith(".js"))) {
      expect(bytes(f).length, f).toBeLessThan(SCRIPT_LIMIT);
    }
  });

  it("weighs at most 30 KB gzipped, all assets together", () => {
    const total = files.reduce((sum, f) => sum + zlib.gzipSync(bytes(f)).length, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(TOTAL_GZIP_LIMIT);
  });

  it("ships scripts that parse as ES2018 (no build step to down-level them)", () => {
    // The check itself: ES2020 syntax must be refused at 2018 and accepted at 2020.
    expect(parseErrors("const a = b?.c ?? 1;", 2018)).not.toEqual([]);
    expect(parseErrors("const a = b?.c ?? 1;", 2020)).toEqual([]);
    for (const f of files.filter((x) => x.endsWith(".js"))) {
      expect(parseErrors(bytes(f).toString("utf8"), 2018), f).toEqual([]);
    }
  });

  it("documents the JSON contract at the top of tracking.js and in CONTRACT.md", () => {
    const head = bytes("tracking.js").toString("utf8").slice(0, 2500);
    for (const name of ["@typedef", "Lookup", "Shipment", "Rec", "rate_limited", "delayNotice", "estimate"]) {
      expect(head).toContain(name);
    }
    const contract = fs.readFileSync(path.join(EXTENSION_ROOT, "CONTRACT.md"), "utf8");
    for (const name of [
      "/apps/track/api/lookup",
      "/apps/track/api/token/",
      "/apps/track/api/events",
      "_waypoint_source",
      "_waypoint_order",
    ]) {
      expect(contract).toContain(name);
    }
  });
});
