// theme-check with Shopify's theme-app-extension configuration: the checks `shopify app deploy` runs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatOffenses, runThemeCheck } from "../support/theme-check";

const ROOT = "extensions/tracking-block";

describe("theme-check (theme-app-extension config)", () => {
  it("reports no offenses for the tracking block extension", async () => {
    const { offenses, files } = await runThemeCheck(ROOT);
    // Guard against a vacuous pass: theme-check must actually have read the block, snippet and locales.
    expect(files).toEqual(
      expect.arrayContaining([
        "blocks/order-tracking.liquid",
        "snippets/waypoint-tracking.liquid",
        "locales/en.default.json",
        "locales/fr.json",
        "locales/en.default.schema.json",
      ]),
    );
    const report = formatOffenses(offenses, ROOT);
    if (offenses.length > 0) console.error(`theme-check offenses:\n${report}`);
    expect(report).toBe("");
  }, 120_000);

  it("does report what Shopify would reject (the harness can fail)", async () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "waypoint-tc-"));
    try {
      fs.cpSync(ROOT, copy, { recursive: true });
      const block = path.join(copy, "blocks", "order-tracking.liquid");
      const broken = [
        "<script src=\"{{ 'tracking.js' | asset_url }}\"></script>",
        "{{ 'tracking.no_such_key' | t }}",
        "{% javascript %}console.log(1){% endjavascript %}",
      ].join("\n");
      fs.writeFileSync(block, `${broken}\n${fs.readFileSync(block, "utf8")}`);
      const { offenses } = await runThemeCheck(copy);
      const checks = new Set(offenses.map((o) => o.check));
      expect(checks).toEqual(new Set(["ParserBlockingScript", "TranslationKeyExists", "AppBlockValidTags"]));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);
});
