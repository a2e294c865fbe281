// The demo storefront's product endpoints, in the shapes Shopify's storefront answers them, so the
// tracking page's recommendations (app/storefront/recommendations.server.ts) work in the demo as on a
// real store: /recommendations/products.json (Ajax API product format, prices in cents),
// /collections/<handle>/products.json (decimal price strings), a product page and product images.
// Products come from the simulator's catalog, the same ones the simulated orders contain.
import { escapeHtml as esc } from "../../app/lib/html";
import { PRODUCTS, type Product } from "../simulator/catalog";

interface CatalogProduct {
  id: number;
  title: string;
  handle: string;
  variants: Product[];
  hue: number;
}

const BY_ID = new Map<number, CatalogProduct>();
for (const p of PRODUCTS) {
  let entry = BY_ID.get(p.productId);
  if (!entry) {
    const handle = p.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "");
    entry = { id: p.productId, title: p.title, handle, variants: [], hue: (BY_ID.size * 47) % 360 };
    BY_ID.set(p.productId, entry);
  }
  entry.variants.push(p);
}
const ALL = [...BY_ID.values()];
const cents = (price: string) => Math.round(Number(price) * 100);

function image(origin: string, p: CatalogProduct): string {
  return `${origin}/cdn/shop/products/${p.handle}.svg`;
}

function ajaxProduct(origin: string, p: CatalogProduct) {
  const price = cents(p.variants[0]!.price);
  return {
    id: p.id,
    title: p.title,
    handle: p.handle,
    url: `/products/${p.handle}?pr_prod_strat=demo&pr_rec_pid=${p.id}`,
    available: true,
    price,
    price_min: Math.min(...p.variants.map((v) => cents(v.price))),
    featured_image: image(origin, p),
    variants: p.variants.map((v) => ({
      id: v.variantId,
      title: v.variantTitle,
      price: cents(v.price),
      available: true,
    })),
  };
}

/** Other products than `productId`, in an order that depends on it (as Shopify's related products do). */
export function recommendationsFor(origin: string, productId: string, limit: number, intent: string) {
  const own = BY_ID.get(Number(productId));
  const start = own ? ALL.indexOf(own) + (intent === "complementary" ? 2 : 1) : 0;
  const picked: CatalogProduct[] = [];
  for (let k = 0; k < ALL.length && picked.length < limit; k++) {
    const p = ALL[(start + k) % ALL.length]!;
    if (p !== own) picked.push(p);
  }
  return { intent, products: own ? picked.map((p) => ajaxProduct(origin, p)) : [] };
}

/** /collections/<handle>/products.json: every product, for the merchant's fallback collection ("all"). */
export function collectionProducts(origin: string, handle: string, limit: number) {
  if (handle !== "all" && handle !== "frontpage") return null;
  return {
    products: ALL.slice(0, limit).map((p) => ({
      id: p.id,
      title: p.title,
      handle: p.handle,
      variants: p.variants.map((v) => ({ id: v.variantId, title: v.variantTitle, price: v.price, available: true })),
      images: [{ id: p.id + 1, src: image(origin, p) }],
    })),
  };
}

/** A product image: a tile in the product's colour with its initials. */
export function productImage(handle: string): string | null {
  const p = ALL.find((x) => x.handle === handle);
  if (!p) return null;
  const initials = p.title
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0])
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400"><rect width="400" height="400" fill="hsl(${p.hue} 45% 88%)"/><circle cx="200" cy="180" r="96" fill="hsl(${p.hue} 45% 55%)"/><text x="200" y="205" font-family="Helvetica,Arial,sans-serif" font-size="72" font-weight="700" text-anchor="middle" fill="#fff">${esc(initials)}</text><text x="200" y="340" font-family="Helvetica,Arial,sans-serif" font-size="26" text-anchor="middle" fill="hsl(${p.hue} 40% 25%)">${esc(p.title)}</text></svg>`;
}

/** The product page's main content (the demo's theme layout wraps it), or null for an unknown handle. */
export function productPage(origin: string, handle: string): { title: string; main: string } | null {
  const p = ALL.find((x) => x.handle === handle);
  if (!p) return null;
  const options = p.variants
    .map((v) => `<option value="${v.variantId}">${esc(v.variantTitle)} – $${esc(v.price)}</option>`)
    .join("");
  return {
    title: p.title,
    main: `<div style="display:flex;gap:32px;flex-wrap:wrap"><img src="${esc(image(origin, p))}" alt="" width="320" height="320" style="max-width:100%;height:auto;border-radius:12px">
<div style="flex:1;min-width:240px"><h1>${esc(p.title)}</h1><p>From $${esc(p.variants[0]!.price)}</p>
<form method="post" action="/cart/add"><select name="id">${options}</select> <button type="submit">Add to cart</button></form>
<p class="demo-note">A product of the simulated shop: the cart is a stand-in and nothing is sold.</p></div></div>`,
  };
}
