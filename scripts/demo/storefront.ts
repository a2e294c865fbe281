// The demo storefront: a minimal theme layout around the theme app extension's block
// (extensions/tracking-block/blocks/order-tracking.liquid), rendered with liquidjs through the same
// engine the extension's tests use (Shopify's filters, the extension's locales). The block's script
// calls /apps/track/..., which the front door signs and forwards like Shopify's app proxy.
import fs from "node:fs";
import { escapeHtml as esc } from "../../app/lib/html";
import { ASSET_CDN, BLOCK_PATH, createEngine, settingsWithDefaults, type Locale } from "../../tests/support/liquid";

export const ASSET_PATH = "/cdn/shop/extensions/waypoint/assets/";

export interface StoreBranding {
  shopName: string;
  heading: string | null;
  primaryColor: string;
  accentColor: string;
  logoUrl: string | null;
  font: string;
}

function layout(b: StoreBranding, title: string, main: string, locale: Locale): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} – ${esc(b.shopName)}</title>
<link rel="stylesheet" href="${ASSET_PATH}tracking.css">
<style>
  :root { --brand: ${esc(b.primaryColor)}; --accent: ${esc(b.accentColor)}; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: ${esc(b.font)}; color: #1a1a1a; background: #faf9f6; }
  .announcement { background: var(--brand); color: #fff; text-align: center; font-size: 13px; padding: 8px; }
  header.site { display: flex; align-items: center; justify-content: space-between; padding: 18px 32px; background: #fff; border-bottom: 1px solid #e6e3dc; }
  header.site .logo { display: flex; align-items: center; gap: 10px; font-weight: 700; font-size: 20px; color: var(--brand); text-decoration: none; }
  header.site nav a { margin-left: 22px; color: #333; text-decoration: none; font-size: 15px; }
  header.site nav a[aria-current] { text-decoration: underline; text-underline-offset: 4px; }
  main { max-width: 960px; margin: 0 auto; padding: 32px 20px 64px; }
  footer.site { border-top: 1px solid #e6e3dc; padding: 24px 32px; font-size: 13px; color: #666; background: #fff; }
  .demo-note { font-size: 12px; color: #666; margin-top: 24px; }
</style>
</head>
<body>
<div class="announcement">Free shipping on orders over $75 · Demo store powered by Waypoint</div>
<header class="site">
  <a class="logo" href="/pages/track-order">${b.logoUrl ? `<img src="${esc(b.logoUrl)}" alt="" width="32" height="32">` : ""}${esc(b.shopName)}</a>
  <nav><a href="/pages/track-order">Shop</a><a href="/pages/track-order" aria-current="page">Track your order</a><a href="/outbox">Dev outbox</a></nav>
</header>
<main>${main}</main>
<footer class="site">© ${new Date().getFullYear()} ${esc(b.shopName)} · This storefront is simulated locally by <code>npm run demo</code>; the tracking block is the real theme app extension.</footer>
</body>
</html>`;
}

/** Any other page of the demo store (a product page) in the theme layout. */
export function renderStorePage(b: StoreBranding, title: string, main: string): string {
  return layout(b, title, main, "en");
}

/** The "Track your order" page: the block with the shop's branding as its settings. */
export async function renderTrackingPage(b: StoreBranding, locale: Locale = "en"): Promise<string> {
  const engine = createEngine({ locale });
  const blockId = "demo-tracking";
  const globals = {
    routes: { root_url: "/", cart_url: "/cart", cart_add_url: "/cart/add" },
    request: { locale: { iso_code: locale }, design_mode: false },
    shop: { name: b.shopName },
  };
  const block = {
    id: blockId,
    type: "@app",
    settings: settingsWithDefaults({
      heading: b.heading ?? undefined,
      primary_color: b.primaryColor,
      accent_color: b.accentColor,
      logo: b.logoUrl ? { src: b.logoUrl, alt: b.shopName, width: 160, height: 160, aspect_ratio: 1 } : null,
      show_recommendations: true,
      recommendation_source: "related",
    }),
    shopify_attributes: `data-shopify-editor-block='{"id":"${blockId}"}'`,
  };
  const html = await engine.parseAndRender(fs.readFileSync(BLOCK_PATH, "utf8"), { block }, { globals });
  return layout(b, "Track your order", html.split(ASSET_CDN).join(ASSET_PATH), locale);
}

/** A page the app proxy answered with Content-Type application/liquid, inside the theme layout. */
export async function renderProxyLiquid(b: StoreBranding, source: string, locale: Locale = "en"): Promise<string> {
  let html: string;
  try {
    const engine = createEngine({ locale });
    html = await engine.parseAndRender(
      source,
      {},
      {
        globals: {
          routes: { root_url: "/", cart_url: "/cart", cart_add_url: "/cart/add" },
          request: { locale: { iso_code: locale }, design_mode: false },
          shop: { name: b.shopName },
        },
      },
    );
  } catch {
    html = source;
  }
  return layout(b, "Order tracking", html.split(ASSET_CDN).join(ASSET_PATH), locale);
}

export const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#1f5199"/><path d="M12 44 L26 22 L34 34 L40 26 L52 44 Z" fill="#fff"/><circle cx="44" cy="18" r="5" fill="#f2b134"/></svg>`;
