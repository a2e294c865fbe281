// Storefront test support: app proxy requests signed the way Shopify signs them, and a stand-in for
// the shop's storefront JSON endpoints (/recommendations/products.json, /collections/<h>/products.json)
// on 127.0.0.1, answering in Shopify's shapes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { signAppProxyQuery } from "~/lib/shopify-signing.server";
import { SECRET, TEST_SHOP } from "./shopify-webhooks";

export interface ProxyRequestOptions {
  shop?: string;
  method?: string;
  /** JSON-serialised unless a string. */
  body?: unknown;
  contentType?: string;
  ip?: string;
  secret?: string;
  now?: Date;
  /** Extra raw query (kept in order, e.g. repeated keys), appended before signing. */
  query?: string;
}

/** A request as Shopify's app proxy forwards it to /proxy<path>, signed. */
export function proxyRequest(path: string, opts: ProxyRequestOptions = {}): Request {
  const q = signAppProxyQuery(opts.query ?? "", {
    shop: opts.shop ?? TEST_SHOP,
    secret: opts.secret ?? SECRET,
    now: opts.now,
  });
  const headers: Record<string, string> = {
    "X-Forwarded-For": opts.ip ?? "198.51.100.7",
    "X-Forwarded-Host": opts.shop ?? TEST_SHOP,
    Accept: "application/json",
  };
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["Content-Type"] = opts.contentType ?? "application/json";
  }
  return new Request(`https://waypoint.test/proxy${path}?${q}`, {
    method: opts.method ?? (body ? "POST" : "GET"),
    headers,
    body,
  });
}

export interface FakeStorefront {
  origin: string;
  /** Paths (with query) requested so far. */
  hits: string[];
  /** Make every answer fail with this status (0: answer normally). */
  failWith: number;
  close(): Promise<void>;
}

/** Ajax-API product JSON as /recommendations/products.json returns it (prices in cents). */
export function ajaxProduct(id: number, title: string, cents: number, variantId: number, available = true) {
  const handle = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    id,
    title,
    handle,
    url: `/products/${handle}?pr_prod_strat=e5_desc&pr_rec_id=abc123&pr_rec_pid=${id}&pr_seq=uniform`,
    available,
    price: cents,
    price_min: cents,
    featured_image: `//cdn.shopify.test/s/files/1/${handle}.jpg`,
    variants: [{ id: variantId, title: "Default Title", price: cents, available }],
  };
}

/** Product JSON as /collections/<handle>/products.json returns it (decimal price strings). */
export function collectionProduct(id: number, title: string, price: string, variantId: number) {
  const handle = title.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    id,
    title,
    handle,
    variants: [{ id: variantId, title: "Default Title", price, available: true }],
    images: [{ id: id + 1, src: `https://cdn.shopify.test/s/files/1/${handle}.jpg` }],
  };
}

export interface StorefrontCatalog {
  /** product id → related products */
  related?: Record<string, unknown[]>;
  complementary?: Record<string, unknown[]>;
  /** collection handle → products */
  collections?: Record<string, unknown[]>;
}

export async function startFakeStorefront(catalog: StorefrontCatalog): Promise<FakeStorefront> {
  const state = { hits: [] as string[], failWith: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    state.hits.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (state.failWith) return send(state.failWith, { errors: "unavailable" });
    if (url.pathname === "/recommendations/products.json") {
      const intent = url.searchParams.get("intent") ?? "related";
      const table = intent === "complementary" ? catalog.complementary : catalog.related;
      const products = table?.[url.searchParams.get("product_id") ?? ""] ?? [];
      return send(200, { intent, products: products.slice(0, Number(url.searchParams.get("limit") ?? 10)) });
    }
    const m = url.pathname.match(/^\/collections\/([^/]+)\/products\.json$/);
    if (m) {
      const products = catalog.collections?.[decodeURIComponent(m[1]!)];
      return products ? send(200, { products }) : send(404, { errors: "Not Found" });
    }
    send(404, { errors: "Not Found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get hits() {
      return state.hits;
    },
    get failWith() {
      return state.failWith;
    },
    set failWith(v: number) {
      state.failWith = v;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The demo order #1001's products (scripts/simulator/payloads/orders-create.1001.json). */
export const ORDER_1001_PRODUCTS = ["9012345678901", "9012345679902"];

/** A catalogue for #1001: related products for the backpack, including the order's own bottle. */
export function demoCatalog(): StorefrontCatalog {
  return {
    related: {
      "9012345678901": [
        ajaxProduct(9012345679902, "Summit Insulated Bottle 1L", 3400, 47123456790015), // in the order already
        ajaxProduct(7001, "Ridge Rain Cover", 2400, 80001),
        ajaxProduct(7002, "Trail Socks", 1800, 80002),
        ajaxProduct(7003, "Sold Out Lantern", 5000, 80003, false),
      ],
      "9012345679902": [ajaxProduct(7004, "Bottle Sling", 1500, 80004)],
    },
    complementary: { "9012345678901": [ajaxProduct(7101, "Hip Belt Pouch", 2200, 81001)] },
    collections: {
      "best-sellers": [
        collectionProduct(7201, "Camp Mug", "14.50", 82001),
        collectionProduct(7202, "Headlamp", "29.00", 82002),
      ],
    },
  };
}
