// The demo's front door: a small HTTP server on 127.0.0.1 that plays Shopify's part around the real
// app (which runs unchanged, in production mode, behind it):
//
//   /app/*        the admin, outside Shopify's frame: each request gets a fresh session token (the
//                 HS256 JWT App Bridge would attach), so the app's real authenticate.admin() accepts it
//                 against the demo shop's offline session; App Bridge's CDN script is replaced by a
//                 small local stand-in (window.shopify) and the nav menu is shown as a bar.
//   /pages/track-order  the storefront: a theme layout with the theme block rendered by liquidjs.
//   /apps/track/* the app proxy: signed exactly as Shopify's proxy signs, forwarded to /proxy/*;
//                 application/liquid answers are rendered into the theme layout, as Shopify does.
//   /outbox       the dev outbox (emails and SMS the app would have sent).
//   everything else (webhooks, /healthz, /assets) passes straight through.
//
// Nothing here is part of the app: no route, flag or code path in the deployable build enables it.
// It holds the app secret only because it is the demo's own process; it listens on loopback only and
// answers only requests addressed to localhost (no DNS-rebinding route to the injected admin tokens).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { Db } from "../../app/db.server";
import { signAppProxyQuery } from "../../app/lib/shopify-signing.server";
import { sessionToken } from "../simulator/signer";
import { renderOutbox } from "./outbox";
import { collectionProducts, productImage, productPage, recommendationsFor } from "./products";
import {
  ASSET_PATH,
  LOGO_SVG,
  renderProxyLiquid,
  renderStorePage,
  renderTrackingPage,
  type StoreBranding,
} from "./storefront";

export interface FrontDoorOptions {
  /** Where the app listens (http://127.0.0.1:PORT). */
  appUrl: string;
  shop: string;
  apiKey: string;
  secret: string;
  db: Db;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Extra JSON for /__demo/status. */
  status?: () => unknown;
}

export interface FrontDoor {
  url: string;
  port: number;
  close(): Promise<void>;
}

const EXTENSION_ASSETS = path.resolve("extensions/tracking-block/assets");

/**
 * Stand-in for App Bridge outside Shopify's admin (served as /__demo/app-bridge.js in place of
 * Shopify's CDN script, so the server-rendered document is unchanged and React hydrates it as is):
 * window.shopify with the APIs the app may call, done locally, and the nav menu shown as a bar
 * (a constructed stylesheet: no DOM node is added before hydration).
 */
function appBridgeShim(apiKey: string, shop: string): string {
  return `(function(){
  var toastBox;
  function toast(msg, opts){
    if(!toastBox){toastBox=document.createElement('div');toastBox.style.cssText='position:fixed;bottom:24px;left:50%;transform:translateX(-50%);z-index:99999;display:flex;flex-direction:column;gap:8px';document.body.appendChild(toastBox);}
    var t=document.createElement('div');t.setAttribute('role','status');t.textContent=msg;
    t.style.cssText='background:'+(opts&&opts.isError?'#8e1f0b':'#1a1a1a')+';color:#fff;padding:10px 16px;border-radius:8px;font:14px system-ui';
    toastBox.appendChild(t);setTimeout(function(){t.remove()},(opts&&opts.duration)||4000);return 'toast';
  }
  function noop(){}
  function ok(v){return function(){return Promise.resolve(v)}}
  window.shopify={
    config:{apiKey:${JSON.stringify(apiKey)},shop:${JSON.stringify(shop)},locale:'en'},
    environment:{embedded:false,mobile:false,pos:false},
    idToken:function(){return fetch('/__demo/token').then(function(r){return r.text()})},
    toast:{show:toast,hide:noop},
    loading:noop,
    modal:{show:ok(),hide:ok(),toggle:ok()},
    saveBar:{show:ok(),hide:ok(),toggle:ok(),leaveConfirmation:ok()},
    resourcePicker:ok(undefined),
    intents:{invoke:ok({})},
    user:ok({}),
    scopes:{query:ok({granted:[],required:[],optional:[]}),request:ok({result:'granted-all'}),revoke:ok({revoked:[]})}
  };
  try{
    var css=new CSSStyleSheet();
    css.replaceSync("ui-nav-menu{display:flex;gap:4px;align-items:center;padding:8px 16px;background:#1a1a1a;position:sticky;top:0;z-index:1000;font:14px system-ui;overflow-x:auto;max-width:100vw;box-sizing:border-box;white-space:nowrap}"+
      "ui-nav-menu::before{content:'Waypoint demo admin';color:#bbb;margin-right:16px;font-weight:600;flex:none}"+
      "ui-nav-menu a{color:#fff;text-decoration:none;padding:6px 10px;border-radius:6px;flex:none}ui-nav-menu a:hover{background:#333}ui-title-bar{display:none}");
    document.adoptedStyleSheets=document.adoptedStyleSheets.concat([css]);
  }catch(e){}
})();
`;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "proxy-connection",
  "te",
  "trailer",
  "content-length",
  "content-encoding",
]);

export async function startFrontDoor(o: FrontDoorOptions): Promise<FrontDoor> {
  const host = o.host ?? "127.0.0.1";
  let publicUrl = "";

  async function branding(): Promise<StoreBranding> {
    const s = await o.db.shop.findUnique({ where: { domain: o.shop } });
    return {
      shopName: s?.name ?? "Demo store",
      heading: s?.trackingHeading ?? null,
      primaryColor: s?.brandPrimaryColor ?? "#1f5199",
      accentColor: s?.brandAccentColor ?? "#2e7d32",
      logoUrl: s?.brandLogoUrl ?? null,
      font: s?.brandFont ?? "Helvetica, Arial, sans-serif",
    };
  }

  /** Forwards to the app; `transformHtml` rewrites HTML answers (the admin's documents). */
  async function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    target: URL,
    extraHeaders: Record<string, string> = {},
    opts: {
      transformHtml?: (html: string) => string;
      dropCookies?: boolean;
      onLiquid?: (src: string) => Promise<string>;
    } = {},
  ): Promise<void> {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k) || k === "host" || k === "accept-encoding") continue;
      if (opts.dropCookies && k === "cookie") continue;
      headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    }
    for (const [k, v] of Object.entries(extraHeaders)) headers.set(k, v);
    headers.set("x-forwarded-host", new URL(publicUrl).host);
    headers.set("x-forwarded-proto", "http");
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
    const upstream = await fetch(target, {
      method: req.method,
      headers,
      body: body ? new Uint8Array(body) : undefined,
      redirect: "manual",
    });
    const type = upstream.headers.get("content-type") ?? "";
    const out: Record<string, string | string[]> = {};
    upstream.headers.forEach((v, k) => {
      if (!HOP_BY_HOP.has(k) && k !== "set-cookie") out[k] = v;
    });
    const cookies = upstream.headers.getSetCookie();
    if (cookies.length) out["set-cookie"] = cookies;
    if (opts.onLiquid && type.startsWith("application/liquid")) {
      const html = await opts.onLiquid(await upstream.text());
      res.writeHead(upstream.status, { ...out, "content-type": "text/html; charset=utf-8" }).end(html);
      return;
    }
    if (opts.transformHtml && type.startsWith("text/html")) {
      res.writeHead(upstream.status, out).end(opts.transformHtml(await upstream.text()));
      return;
    }
    res.writeHead(upstream.status, out);
    if (upstream.body) {
      for await (const chunk of upstream.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    }
    res.end();
  }

  const token = () => sessionToken({ shop: o.shop, apiKey: o.apiKey, secret: o.secret });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Loopback only, and only under its own name: a page elsewhere that rebinds its DNS name to
    // 127.0.0.1 must not reach the token-injecting admin or /__demo/token.
    const port = new URL(publicUrl).port;
    if (![`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`].includes(req.headers.host ?? "")) {
      res.writeHead(421, { "content-type": "text/plain" }).end("The demo answers on localhost only.");
      return;
    }
    const url = new URL(req.url ?? "/", publicUrl);
    const p = url.pathname;
    const html = (status: number, body: string): void =>
      void res.writeHead(status, { "content-type": "text/html; charset=utf-8" }).end(body);

    if (p === "/" && req.method === "GET") return html(200, homePage(publicUrl));
    if (p === "/__demo/token")
      return void res.writeHead(200, { "content-type": "text/plain", "cache-control": "no-store" }).end(token());
    if (p === "/__demo/app-bridge.js")
      return void res
        .writeHead(200, { "content-type": "text/javascript; charset=utf-8" })
        .end(appBridgeShim(o.apiKey, o.shop));
    if (p === "/__demo/status")
      return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(o.status?.() ?? {}));
    if (p === "/outbox") return html(200, await renderOutbox(o.db, o.shop, url.searchParams));
    if (p === "/pages/track-order" || p === "/pages/track")
      return html(200, await renderTrackingPage(await branding()));
    if (p === "/cdn/shop/demo/logo.svg" || p === "/favicon.ico")
      return void res.writeHead(200, { "content-type": "image/svg+xml" }).end(LOGO_SVG);
    // The storefront's product endpoints, so the tracking page's recommendations work as on a real store.
    const json = (status: number, body: unknown): void =>
      void res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
    const limit = Math.max(1, Math.min(Number(url.searchParams.get("limit")) || 10, 250));
    if (p === "/recommendations/products.json")
      return json(
        200,
        recommendationsFor(
          publicUrl,
          url.searchParams.get("product_id") ?? "",
          limit,
          url.searchParams.get("intent") ?? "related",
        ),
      );
    const collection = /^\/collections\/([^/]+)\/products\.json$/.exec(p);
    if (collection) {
      const body = collectionProducts(publicUrl, decodeURIComponent(collection[1]!), limit);
      return body ? json(200, body) : json(404, { errors: "Not Found" });
    }
    const image = /^\/cdn\/shop\/products\/([a-z0-9-]+)\.svg$/.exec(p);
    if (image) {
      const svg = productImage(image[1]!);
      return svg
        ? void res.writeHead(200, { "content-type": "image/svg+xml", "cache-control": "max-age=3600" }).end(svg)
        : void res.writeHead(404).end();
    }
    const product = /^\/products\/([a-z0-9-]+)$/.exec(p);
    if (product) {
      const page = productPage(publicUrl, product[1]!);
      if (page) return html(200, renderStorePage(await branding(), page.title, page.main));
    }
    if (p.startsWith(ASSET_PATH)) {
      const file = path.join(EXTENSION_ASSETS, path.basename(p));
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      const type = file.endsWith(".css") ? "text/css" : "text/javascript";
      return void res
        .writeHead(200, { "content-type": `${type}; charset=utf-8`, "cache-control": "no-cache" })
        .end(fs.readFileSync(file));
    }
    if (p === "/cart/add.js" || p === "/cart/add") {
      await readBody(req);
      return void res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ demo: true, message: "Added to the demo cart (nothing is sold)." }));
    }
    if (p === "/apps/track" || p.startsWith("/apps/track/")) {
      // Shopify's app proxy: /apps/track/<rest> → <proxy url>/<rest>, signed query, no cookies.
      const rest = p.slice("/apps/track".length);
      const signed = signAppProxyQuery(url.searchParams, { shop: o.shop, secret: o.secret, pathPrefix: "/apps/track" });
      const target = new URL(`/proxy${rest}?${signed}`, o.appUrl);
      return forward(
        req,
        res,
        target,
        {},
        { dropCookies: true, onLiquid: async (src) => renderProxyLiquid(await branding(), src) },
      );
    }
    if (p === "/app" || p.startsWith("/app/")) {
      // The admin: what App Bridge does inside Shopify (a session token on every request).
      const target = new URL(`${p}${url.search}`, o.appUrl);
      const extra: Record<string, string> = req.headers.authorization ? {} : { authorization: `Bearer ${token()}` };
      return forward(req, res, target, extra, {
        transformHtml: (doc) =>
          doc.split("https://cdn.shopify.com/shopifycloud/app-bridge.js").join("/__demo/app-bridge.js"),
      });
    }
    return forward(req, res, new URL(`${p}${url.search}`, o.appUrl));
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`demo front door: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  publicUrl = `http://${host === "127.0.0.1" ? "localhost" : host}:${port}`;
  return {
    url: publicUrl,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function homePage(base: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Waypoint demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:720px;margin:48px auto;padding:0 20px;color:#1a1a1a}
a{color:#1f5199}li{margin:10px 0}code{background:#f3f3f3;padding:1px 5px;border-radius:4px}</style></head><body>
<h1>Waypoint demo</h1>
<p>The app runs in production mode behind this local front door, which plays Shopify's part: it signs webhooks, app-proxy requests and admin session tokens.</p>
<ul>
<li><a href="/app">Admin</a> — the embedded admin, rendered outside Shopify's frame with a demo session</li>
<li><a href="/pages/track-order">Storefront tracking page</a> — the theme block in a minimal theme, calling the app proxy</li>
<li><a href="/outbox">Dev outbox</a> — the emails and SMS Waypoint would have sent</li>
<li><a href="/healthz">/healthz</a> · <a href="/__demo/status">simulator status</a></li>
</ul>
<p>Base URL: <code>${base}</code></p>
</body></html>`;
}
