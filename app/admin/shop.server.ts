// The signed-in shop of an admin request: the one place that authenticates staff (the id_token of a
// document load or the session token App Bridge sends with fetches) and finds the shop's row. Every
// app.* route and the order-details block's API start here, then make one call into app/admin/.
import appDb, { prismaErrorCode, type Db, type Prisma } from "../db.server";
import { recordInstall } from "../pipeline/shops.server";
import { authenticate } from "../shopify.server";

/** What the admin pages read of the shop; never its encrypted credentials. */
const SHOP_SELECT = { id: true, domain: true, name: true, currency: true, timezone: true, locale: true } as const;
export type AdminShop = Prisma.ShopGetPayload<{ select: typeof SHOP_SELECT }>;

type Authenticated = Awaited<ReturnType<typeof authenticate.admin>>;

export interface ShopContext {
  shop: AdminShop;
  session: Authenticated["session"];
  admin: Authenticated["admin"];
  /** Adds the CORS headers Shopify admin's extensions need (the order-details block). */
  cors: Authenticated["cors"];
  /** Who acted, for the audit trail: the staff member's email on an online session, else "staff". */
  staff: string;
}

/**
 * The authenticated request's shop. A request that is not signed in, or a shop that has not installed the
 * app, never gets past authenticate.admin: it throws the library's own Response (a redirect to the auth
 * flow for documents, 401 with X-Shopify-Retry-Invalid-Session-Request for fetches, 204 for a CORS
 * preflight), and the route lets it through.
 */
export async function requireShop(request: Request, db: Db = appDb): Promise<ShopContext> {
  const { session, admin, cors } = await authenticate.admin(request).catch((thrown: unknown) => {
    throw explained(thrown);
  });
  const shop = await installedShop(db, session.shop, admin);
  return { shop, session, admin, cors, staff: session.onlineAccessInfo?.associated_user.email ?? "staff" };
}

/**
 * The library answers a request whose User-Agent looks like a bot (curl, a link preview, a monitor) with a
 * bare 410: the same status, with a line that says where Waypoint is used instead of an empty page.
 */
function explained(thrown: unknown): unknown {
  if (!(thrown instanceof Response) || thrown.status !== 410 || thrown.body !== null) return thrown;
  return new Response(
    "Waypoint runs inside Shopify admin: open it from the Apps section of your store's admin. Shoppers track orders on the store's own tracking page.\n",
    { status: 410, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } },
  );
}

/**
 * The shop's row, recorded now if it is missing: the install hook (afterAuth) writes it when a session is
 * first made, so a session without a row means that write was lost; the same recordInstall repairs it.
 */
async function installedShop(db: Db, domain: string, admin: Authenticated["admin"]): Promise<AdminShop> {
  const existing = await db.shop.findUnique({ where: { domain }, select: SHOP_SELECT });
  if (existing) return existing;
  try {
    await recordInstall(db, domain, admin);
  } catch (error) {
    if (prismaErrorCode(error) !== "P2002") throw error; // a concurrent request recorded it first
  }
  return db.shop.findUniqueOrThrow({ where: { domain }, select: SHOP_SELECT });
}
