// Admin API look-ups the webhook payloads leave out, through the same client as the import and
// reconciliation (client.server: the real @shopify/shopify-api client with the offline session).
import type { Db } from "../db.server";
import { logger } from "../lib/logger.server";
import { appClientFactory, ask, offlineSession, type SyncClientFactory } from "./client.server";

export const RFO_RETURN = `#graphql
  query WaypointRfoReturn($id: ID!) { reverseFulfillmentOrder(id: $id) { return { id } } }`;

/**
 * The return a reverse fulfillment order belongs to (reverse_fulfillment_orders/dispose names only
 * the RFO). Null when nobody can answer: no offline session (uninstalled shop) or a refused token
 * (logged; the disposal is then skipped, as before). A throttled or failed request throws, so the
 * receipt's job is retried with backoff instead of losing the "received" milestone.
 */
export async function returnOfReverseFulfillmentOrder(
  db: Db,
  shopDomain: string,
  rfoId: string,
  clientFor?: SyncClientFactory,
): Promise<string | null> {
  const session = await offlineSession(db, shopDomain);
  if (!session) {
    logger.warn(
      { shop: shopDomain, rfoId },
      "no offline session: cannot resolve the return of a reverse fulfillment order",
    );
    return null;
  }
  const factory = clientFor ?? (await appClientFactory());
  const outcome = await ask<{ reverseFulfillmentOrder: { return: { id: string } | null } | null }>(
    factory(session),
    RFO_RETURN,
    { id: `gid://shopify/ReverseFulfillmentOrder/${rfoId}` },
  );
  if (outcome.kind === "unauthorized") {
    logger.warn({ shop: shopDomain, rfoId, problem: outcome.message }, "Admin API refused the token: disposal skipped");
    return null;
  }
  if (outcome.kind === "throttled") throw new Error("Admin API throttled the return look-up: retried later");
  const gid = outcome.data?.reverseFulfillmentOrder?.return?.id;
  return gid ? (gid.split("/").pop() ?? null) : null;
}
