// The Admin GraphQL operations app/sync asks, answered from the simulated shop (./shop.ts) at the
// simulator's clock: orders (paged, sorted by UPDATED_AT, filtered by `updated_at:>=`), ordersCount,
// and reverseFulfillmentOrder's return. Shapes follow shopify.dev's documented answers (connections
// with pageInfo { hasNextPage endCursor }, Count { count precision }); costs follow Shopify's
// calculated cost (about one point per object requested, plus the connection).
import type { AdminApiHandler } from "./server";
import type { SimulatedShop } from "./shop";

/** The one search filter sync uses: `updated_at:>='2026-10-04T00:00:00.000Z'`. */
export function updatedSince(query: unknown): number {
  const m = /updated_at:>=\s*'?([^'\s)]+)'?/.exec(typeof query === "string" ? query : "");
  return m ? new Date(m[1]!).getTime() : 0;
}

// Opaque to the client, as Shopify's are; here the sort key of the last node (updatedAt, id), so a
// page boundary holds while orders keep changing.
const encode = (updated: number, id: string) => Buffer.from(JSON.stringify([updated, id])).toString("base64url");
function decode(cursor: unknown): [number, string] | null {
  if (typeof cursor !== "string" || !cursor) return null;
  return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [number, string];
}

/** Requested cost of a page of `first` orders: the connection, each order and its nested objects. */
export const ordersCost = (first: number) => 2 + first * 12;

/** Orders updated since `since` at time `at`, in (updatedAt, id) order. */
export function matching(shop: SimulatedShop, since: number, at: number) {
  const rows: { updated: number; id: string; index: number }[] = [];
  shop.stories.forEach((s, index) => {
    const updated = shop.updatedAt(s, at);
    if (updated !== null && updated >= since) rows.push({ updated, id: s.orderId, index });
  });
  return rows.sort((a, b) => a.updated - b.updated || a.id.localeCompare(b.id));
}

export function syncHandlers(shop: SimulatedShop, now: () => number): Record<string, AdminApiHandler> {
  return {
    WaypointSyncOrders: {
      cost: (v) => ordersCost(Number(v.first ?? 25)),
      handle: (v) => {
        const first = Math.min(250, Number(v.first ?? 25));
        const at = now();
        const after = decode(v.after);
        const rows = matching(shop, updatedSince(v.query), at).filter(
          (r) => !after || r.updated > after[0] || (r.updated === after[0] && r.id > after[1]),
        );
        const page = rows.slice(0, first);
        const nodes = page.map((r) => shop.orderAt(shop.stories[r.index]!, at));
        const last = page[page.length - 1];
        return {
          data: {
            orders: {
              pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encode(last.updated, last.id) : null },
              nodes,
            },
          },
          actualCost: 2 + nodes.length * 8,
        };
      },
    },
    WaypointSyncOrdersCount: {
      cost: () => 1,
      handle: (v) => ({
        data: { ordersCount: { count: matching(shop, updatedSince(v.query), now()).length, precision: "EXACT" } },
      }),
    },
    WaypointRfoReturn: {
      cost: () => 2,
      handle: (v) => {
        const id = String(v.id ?? "");
        const returnId = shop.returnOfRfo(id.slice(id.lastIndexOf("/") + 1));
        return {
          data: { reverseFulfillmentOrder: returnId ? { return: { id: `gid://shopify/Return/${returnId}` } } : null },
        };
      },
    },
  };
}
