// The order-status block's data (extensions/order-status-block, customer accounts). The block calls it
// with its session token as a Bearer header; authenticate.public.customerAccount verifies the token
// (signed with the app's secret), answers the CORS preflight, and its cors() adds the headers Shopify's
// extension sandbox needs.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { orderStatusAnswer } from "../storefront/order-status.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { sessionToken, cors } = await authenticate.public.customerAccount(request);
  const { status, body } = await orderStatusAnswer(sessionToken, new URL(request.url).searchParams);
  return cors(Response.json(body, { status, headers: { "cache-control": "private, no-store" } }));
};
