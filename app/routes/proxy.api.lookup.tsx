import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answer, storefront } from "../storefront/handlers.server";

// /apps/track/api/lookup: POST {order, email|phone} (JSON), or GET ?tracking=. Rate limited per IP and shop.
export const loader = ({ request }: LoaderFunctionArgs) => answer(() => storefront().lookup(request));
export const action = ({ request }: ActionFunctionArgs) => answer(() => storefront().lookup(request));
