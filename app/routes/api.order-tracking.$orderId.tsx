// The order-details admin block's data (extensions/order-details-block): the order's stage and each
// shipment's timeline. Called from Shopify admin with the session token as a Bearer header;
// authenticate.admin (in requireShop) verifies it and answers the CORS preflight, and the answer
// carries the CORS headers. Labels come in the admin's language (?locale=, which the block sends).
import type { LoaderFunctionArgs } from "@remix-run/node";
import { orderTrackingResponse } from "../admin/shipment-detail.server";
import { requireShop } from "../admin/shop.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const ctx = await requireShop(request);
  return orderTrackingResponse(ctx, params.orderId, undefined, new URL(request.url).searchParams.get("locale"));
};
