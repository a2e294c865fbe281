// The link snippet for Shopify's own notification templates (docs/snippets/...), rendered with liquidjs
// and the variables Shopify's shipping templates provide: it points to the branded tracking page on the
// store's own domain with the shipment's tracking number (a value the page's lookup accepts), escapes
// what it prints, and carries no customer data.
import fs from "node:fs";
import { Liquid } from "liquidjs";
import { describe, expect, it } from "vitest";
import { typedTrackingNumber } from "~/storefront/lookup.server";

const SNIPPET = fs.readFileSync("docs/snippets/shopify-notification-tracking-link.liquid", "utf8");
const engine = new Liquid({ strictFilters: true });

async function href(vars: Record<string, unknown>): Promise<string> {
  const html = await engine.parseAndRender(SNIPPET, vars);
  const m = /<a href="([^"]*)"/.exec(html);
  expect(m).not.toBeNull();
  return m![1]!.replaceAll("&amp;", "&");
}

describe("notification-template tracking link", () => {
  const shop = { url: "https://shop.acme.test", email_accent_color: "#0b6e4f" };
  const order = { name: "#1001", email: "alex@example.com" };

  it("links the shipment's tracking number to the store's own /apps/track page", async () => {
    for (const fulfillment of [
      { tracking_numbers: ["1Z999AA10123456784"], tracking_number: "1Z999AA10123456784" },
      { tracking_number: "1Z999AA10123456784" }, // older templates: the single number
    ]) {
      const url = new URL(await href({ shop, order, fulfillment }));
      expect(url.origin + url.pathname).toBe("https://shop.acme.test/apps/track");
      expect(url.searchParams.get("tracking")).toBe("1Z999AA10123456784");
      expect(typedTrackingNumber(url.searchParams.get("tracking")!)).toBe("1Z999AA10123456784");
      expect(url.toString()).not.toContain("alex");
    }
  });

  it("without a tracking number, opens the page's order form; odd characters are encoded", async () => {
    expect(await href({ shop, order, fulfillment: { tracking_numbers: [] } })).toBe(
      "https://shop.acme.test/apps/track",
    );
    const url = new URL(await href({ shop, fulfillment: { tracking_numbers: ['9400 1"><x>'] } }));
    expect(url.searchParams.get("tracking")).toBe('9400 1"><x>');
  });
});
