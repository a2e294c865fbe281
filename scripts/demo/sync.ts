// The demo's Admin GraphQL API (issue 16, decision 009): the local simulator, answering from the
// demo shop's own stories, started before the app so the app (and its worker thread) reach it
// through SHOPIFY_ADMIN_API_ORIGIN; once the demo runs, the shop's install import is started, so the
// admin's "Import and sync" page shows it at work, and reconciliation follows every 15 minutes.
import { startAdminApi, type AdminApi } from "../simulator/admin-api/server";
import { simulatedShop } from "../simulator/admin-api/shop";
import { syncHandlers } from "../simulator/admin-api/sync";
import { startBackfill } from "../../app/sync/sync.server";
import type { Demo } from "./run";

/** The token of the demo's offline session (scripts/demo/run.ts): the only one the simulator accepts. */
const DEMO_TOKEN = "demo-offline-token-not-valid-at-shopify";
/** Live orders the simulator knows ahead (the live feed's next ones), beyond the seeded history. */
const LIVE_AHEAD = 300;

export interface DemoAdminApi {
  api: AdminApi;
  /** Serves the demo shop's stories and starts its install import. */
  attach(demo: Demo): Promise<void>;
}

/** Starts the simulator and points `env` (the app's environment) at it. */
export async function startDemoAdminApi(env: Record<string, string | undefined>): Promise<DemoAdminApi> {
  const api = await startAdminApi({ tokens: {} });
  env.SHOPIFY_ADMIN_API_ORIGIN = api.origin;
  return {
    api,
    attach: async (demo) => {
      const shop = simulatedShop(demo.generator, demo.stories.length + LIVE_AHEAD);
      Object.assign(
        api.handlers,
        syncHandlers(shop, () => Date.now()),
      );
      api.setToken(demo.shop, DEMO_TOKEN);
      await startBackfill(demo.db, demo.shop, new Date());
    },
  };
}
