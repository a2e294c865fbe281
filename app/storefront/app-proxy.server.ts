// App proxy requests (https://{shop}/apps/track/... forwarded to /proxy/...): the signature check
// every proxy route runs before it reads anything, and the small response helpers they share. The
// signature itself (Shopify's algorithm, sign + verify) is app/lib/shopify-signing.server.ts.
//
// Why not `authenticate.public.appProxy`: in @shopify/shopify-app-remix 4.2.1 it reads the query
// with Object.fromEntries(searchParams), which keeps only the LAST value of a repeated key, so a
// genuine request such as `?extra=1&extra=2` fails with 400 (tests/storefront/app-proxy.test.ts
// proves it against the real library). It also sorts keys with localeCompare, where Shopify sorts
// the "key=value" strings bytewise. This module implements the documented algorithm instead; we need
// no Admin API session on the storefront, so nothing else of the library's context is lost (the
// library would also read the shop's offline session from the database on every request, and log
// every query parameter, a shopper's order number and email included, when it finds none).
import { env } from "../env.server";
import { verifyAppProxyQuery, type ProxyContext } from "../lib/shopify-signing.server";

export type { ProxyContext };

export interface ProxyAuthOptions {
  secret?: string;
  now?: () => Date;
}

/**
 * The signed context of a proxied request, or a thrown 400 with an empty body (what the library
 * answers too): a missing, stale or bad signature learns nothing else.
 */
export function requireAppProxy(request: Request, options: ProxyAuthOptions = {}): ProxyContext {
  const url = new URL(request.url);
  const verdict = verifyAppProxyQuery(
    url.searchParams,
    options.secret ?? env().SHOPIFY_API_SECRET,
    options.now?.() ?? new Date(),
  );
  if (!verdict.ok) {
    throw new Response(null, { status: 400, statusText: "Bad Request", headers: { "Cache-Control": "no-store" } });
  }
  return verdict.context;
}

/** The shopper's IP: Shopify's proxy sends it in X-Forwarded-For (see clientIp for the hop rule). */
export function clientIp(request: Request, trustedHops = env().PROXY_TRUSTED_HOPS): string {
  // Each proxy appends the address it saw, so only entries added by proxies we trust are reliable:
  // counting from the right skips our own `trustedHops` proxies (a load balancer in front of the app)
  // and never reads the left, client-supplied part of the header.
  const chain = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const hops = Number.isInteger(trustedHops) && trustedHops > 0 ? trustedHops : 0;
  return chain[Math.max(0, chain.length - 1 - hops)] ?? "unknown";
}

/** A Liquid response Shopify renders inside the shop's theme (layout and all). */
export function liquidResponse(body: string, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/liquid; charset=utf-8");
  if (!headers.has("Cache-Control")) headers.set("Cache-Control", "no-store");
  return new Response(body, { ...init, headers });
}

/** JSON for the block's script; never cached (answers depend on who asks). */
export function proxyJson(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  return new Response(JSON.stringify(data), { ...init, headers });
}
