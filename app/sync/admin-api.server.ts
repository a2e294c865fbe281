// Admin API look-ups the webhook payloads leave out. Each degrades to null (logged) when the shop
// has no offline session (uninstalled, or the local demo), so processing never stalls on them.
import type { Db } from "../db.server";
import { errorMessage, logger } from "../lib/logger.server";

const RFO_RETURN = `#graphql
  query WaypointRfoReturn($id: ID!) { reverseFulfillmentOrder(id: $id) { return { id } } }`;

/** The return a reverse fulfillment order belongs to (reverse_fulfillment_orders/dispose names only the RFO). */
export async function returnOfReverseFulfillmentOrder(
  db: Db,
  shopDomain: string,
  rfoId: string,
): Promise<string | null> {
  // Without an offline session (uninstalled shop, local demo) there is no one to ask.
  const session = await db.session.findFirst({ where: { shop: shopDomain, isOnline: false }, select: { id: true } });
  if (!session) {
    logger.warn(
      { shop: shopDomain, rfoId },
      "no offline session: cannot resolve the return of a reverse fulfillment order",
    );
    return null;
  }
  try {
    // Loaded on first use: the worker's other paths (and its tests) never need the Shopify app instance.
    const { unauthenticated } = await import("../shopify.server");
    const { admin } = await unauthenticated.admin(shopDomain);
    const res = await admin.graphql(RFO_RETURN, {
      variables: { id: `gid://shopify/ReverseFulfillmentOrder/${rfoId}` },
    });
    const body = (await res.json()) as {
      data?: { reverseFulfillmentOrder?: { return?: { id: string } | null } | null };
    };
    const gid = body.data?.reverseFulfillmentOrder?.return?.id;
    return gid ? (gid.split("/").pop() ?? null) : null;
  } catch (error) {
    logger.warn(
      { shop: shopDomain, rfoId, err: errorMessage(error) },
      "could not resolve the return of a reverse fulfillment order",
    );
    return null;
  }
}
