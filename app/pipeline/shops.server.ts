// Shop install state: created on first auth, marked uninstalled by app/uninstalled (sending stops,
// data stays until shop/redact), scopes kept in step by app/scopes_update.
import { prismaErrorCode, type Db } from "../db.server";
import { logger } from "../lib/logger.server";

interface AdminGraphql {
  graphql: (query: string) => Promise<Response>;
}

const SHOP_QUERY = `#graphql
  query WaypointShop { shop { name contactEmail currencyCode ianaTimezone primaryDomain { host } } }`;

export async function recordInstall(db: Db, domain: string, admin?: AdminGraphql): Promise<void> {
  let details: Record<string, string | null> = {};
  if (admin) {
    try {
      const res = await admin.graphql(SHOP_QUERY);
      const body = (await res.json()) as {
        data?: {
          shop?: {
            name: string;
            contactEmail: string | null;
            currencyCode: string;
            ianaTimezone: string;
            primaryDomain?: { host: string };
          };
        };
      };
      const s = body.data?.shop;
      if (s)
        details = {
          name: s.name,
          contactEmail: s.contactEmail,
          currency: s.currencyCode,
          timezone: s.ianaTimezone,
          primaryDomain: s.primaryDomain?.host ?? null,
        };
    } catch (error) {
      logger.warn({ shop: domain, err: String(error) }, "could not read shop details after install");
    }
  }
  await db.shop.upsert({
    where: { domain },
    create: { domain, ...details },
    update: { ...details, status: "active", uninstalledAt: null },
  });
}

/** The Shop row for a domain, created on first sight (a webhook can precede the first admin visit). */
export async function shopFor(db: Db, domain: string) {
  // Read first: every processed webhook asks, and an upsert would write each time.
  const existing = await db.shop.findUnique({ where: { domain } });
  if (existing) return existing;
  try {
    return await db.shop.create({ data: { domain } });
  } catch (error) {
    if (prismaErrorCode(error) !== "P2002") throw error;
    return db.shop.findUniqueOrThrow({ where: { domain } }); // another worker created it first
  }
}

export async function markUninstalled(db: Db, domain: string, at: Date): Promise<void> {
  await db.$transaction([
    db.session.deleteMany({ where: { shop: domain } }),
    db.shop.updateMany({ where: { domain }, data: { status: "uninstalled", uninstalledAt: at } }),
  ]);
}

export async function updateScopes(db: Db, domain: string, scopes: string[]): Promise<void> {
  await db.session.updateMany({ where: { shop: domain }, data: { scope: scopes.join(",") } });
}
