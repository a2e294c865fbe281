// The proxy tracking page shows the shop's logo (issue 20 item 6), and the block's stylesheet keeps any
// logo small on a phone: capped by height (a square 160 px logo took a third of a 390 px screen).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderTrackingPage } from "~/storefront/page.server";

const base = {
  locale: "en" as const,
  shopName: "Acme",
  heading: null,
  primaryColor: "#1f5199",
  accentColor: "#2e7d32",
  recommendationSource: "off",
  recommendationCollection: null,
  proxyUrl: "/apps/track",
};

describe("the logo on the proxy page", () => {
  it("is the shop's branding logo, with alt text and dimensions", async () => {
    const html = await renderTrackingPage({ ...base, logoUrl: "https://cdn.shopify.com/s/files/acme.png" });
    const img = /<img[^>]*class="wpt__logo"[^>]*>/.exec(html)?.[0] ?? "";
    expect(img).toContain('src="https://cdn.shopify.com/s/files/acme.png');
    expect(img).toContain('alt="Acme"');
    expect(img).toMatch(/width="160"/);
    expect(await renderTrackingPage({ ...base, logoUrl: null })).not.toContain("wpt__logo");
  });

  it("is capped by height, lower on phones", () => {
    const css = fs.readFileSync(path.resolve("extensions/tracking-block/assets/tracking.css"), "utf8");
    expect(css).toMatch(/\.wpt__logo \{[^}]*max-height: 64px;[^}]*\}/);
    expect(css).toMatch(/@media \(max-width: 480px\) \{\s*\.wpt__logo \{\s*max-height: 40px;/);
  });
});
