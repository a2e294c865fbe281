// The order-details admin block's data (extensions/order-details-block): the order's stage and each
// shipment's timeline. Called from Shopify admin with the session token as a Bearer header;
// authenticate.admin verifies it, answers the CORS preflight, and `cors` adds the headers.
import { json, type LoaderFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { orderTracking } from "../admin/shipments.server";
import { authenticate } from "../shopify.server";

/** "gid://shopify/Order/123" or "123" → "123". */
export function orderNumericId(raw: string | undefined): string | null {
  const m = /^(?:gid:\/\/shopify\/Order\/)?(\d{1,20})$/.exec(decodeURIComponent(raw ?? ""));
  return m ? m[1]! : null;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session, cors } = await authenticate.admin(request);
  const id = orderNumericId(params.orderId);
  if (!id) return cors(json({ error: "Invalid order id" }, { status: 400 }));
  const shop = await db.shop.findUnique({ where: { domain: session.shop }, select: { id: true } });
  const tracking = shop ? await orderTracking(db, shop.id, id) : null;
  if (!tracking) return cors(json({ found: false }, { status: 404 }));
  return cors(json({ found: true, ...tracking, appUrl: `/app/shipments/${tracking.shipments[0]?.id ?? ""}` }));
};
