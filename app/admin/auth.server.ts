// The library's auth paths (/auth/*, routes/auth.$.tsx). authenticate.admin serves them (the
// session-token bounce page, the exit-iframe page) except where it fails an outside request:
// - /auth/login: authenticate.admin refuses to run on its own login path (a thrown Error, 500), and it
//   redirects there any document request without a shop (the app's URL opened outside Shopify admin).
//   Waypoint is installed from Shopify and never asks anyone to type a shop domain, so a `?shop=` goes
//   to Shopify's install page (the library's login()) and anything else gets a short explanation.
// - /auth/exit-iframe: the page window.open()s whatever https URL `exitIframe` names, an open redirect
//   on the app's domain (Shopify/shopify-app-js#2180), and a URL it cannot use is a thrown Error (500).
//   Only this app, Shopify admin and the request's own shop are destinations; the rest get 400.
import { env } from "../env.server";
import { isShopDomain } from "../lib/shop-domain";
import { authenticate, AUTH_PATH_PREFIX, login } from "../shopify.server";

const LOGIN_PATH = `${AUTH_PATH_PREFIX}/login`;
const EXIT_IFRAME_PATH = `${AUTH_PATH_PREFIX}/exit-iframe`;

function text(status: number, body: string): Response {
  return new Response(body, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

/** Whether the exit-iframe page may send the top window to `destination` (resolved against the app's URL). */
export function exitIframeAllowed(
  destination: string | null,
  shop: string | null,
  appUrl: string = env().SHOPIFY_APP_URL,
): boolean {
  if (!destination || /\s/.test(destination) || destination.includes("///")) return false;
  let url: URL;
  try {
    url = new URL(destination, appUrl);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" || /[/\\]{2}/.test(url.pathname)) return false; // what the library's own check refuses
  return (
    url.host === new URL(appUrl).host || url.host === "admin.shopify.com" || (isShopDomain(shop) && url.host === shop)
  );
}

/** The auth.$ route's answer: the library's, or null once it has authenticated the request. */
export async function authPage(request: Request): Promise<Response | null> {
  const url = new URL(request.url);
  // The library copies `shop` into response headers (frame-ancestors) before checking it: a value that
  // is not a shop domain (non-Latin-1 characters) made it throw, a 500.
  const shop = url.searchParams.get("shop");
  if (shop !== null && !isShopDomain(shop)) return text(400, "shop must be a shop domain (<shop>.myshopify.com)");
  if (url.pathname === LOGIN_PATH) {
    if (shop) await login(request); // a valid shop: throws the redirect to Shopify's install page
    return text(200, "Waypoint opens inside Shopify admin: open it from the Apps section of your store's admin.");
  }
  if (url.pathname === EXIT_IFRAME_PATH && !exitIframeAllowed(url.searchParams.get("exitIframe"), shop)) {
    return text(400, "exitIframe must be an https address of this app, of Shopify admin or of the shop");
  }
  await authenticate.admin(request);
  return null;
}
