// The shopifyApp() instance, as in Shopify's Remix template: embedded, token exchange, sessions in
// Prisma, webhooks declared in shopify.app.toml (app-specific subscriptions).
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import db from "./db.server";
import { env } from "./env.server";
import { useAdminApiOrigin } from "./lib/admin-api-origin.server";
import { recordInstall } from "./pipeline/shops.server";
import { importOnInstall } from "./sync/sync.server";

/** One API version for the whole app, and the same one shopify.app.toml pins (2026-07). */
export const API_VERSION = ApiVersion.July26;

/** Where the library's auth paths live (routes/auth.$.tsx): bounce page, exit-iframe, login. */
export const AUTH_PATH_PREFIX = "/auth";

const config = env();
// The local Admin GraphQL simulator (tests, the demo, the bench); unset in production.
if (config.SHOPIFY_ADMIN_API_ORIGIN) useAdminApiOrigin(config.SHOPIFY_ADMIN_API_ORIGIN);

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES?.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: AUTH_PATH_PREFIX,
  sessionStorage: new PrismaSessionStorage(db),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      // A new or returning shop's recent orders are imported (app/sync, decision 009).
      await importOnInstall(db, session.shop, new Date(), () => recordInstall(db, session.shop, admin));
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;

export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
