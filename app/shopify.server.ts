// The shopifyApp() instance, as in Shopify's Remix template: embedded, token exchange, sessions in
// Prisma, webhooks declared in shopify.app.toml (app-specific subscriptions).
import "@shopify/shopify-app-remix/adapters/node";
import { shopifyApi } from "@shopify/shopify-api";
import { ApiVersion, AppDistribution, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import db from "./db.server";
import { env } from "./env.server";
import { recordInstall } from "./services/shops.server";

/** One API version for the whole app, and the same one shopify.app.toml pins (2026-07). */
export const API_VERSION = ApiVersion.July26;

const config = env();

const shopify = shopifyApp({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: config.SCOPES?.split(","),
  appUrl: config.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new PrismaSessionStorage(db),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await recordInstall(db, session.shop, admin);
    },
  },
  ...(config.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [config.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;

/**
 * The underlying @shopify/shopify-api instance, same key and secret, for webhook HMAC validation:
 * the ingest route needs the verdict without authenticate.webhook's session lookup and JSON
 * parsing, so a body we cannot parse is still persisted (and fails visibly in the worker).
 */
export const shopifyLibrary = shopifyApi({
  apiKey: config.SHOPIFY_API_KEY,
  apiSecretKey: config.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  hostName: new URL(config.SHOPIFY_APP_URL).host,
  hostScheme: new URL(config.SHOPIFY_APP_URL).protocol === "http:" ? "http" : "https",
  isEmbeddedApp: true,
  logger: { level: 0 },
});
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
