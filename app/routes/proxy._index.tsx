import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answer, storefront } from "../storefront/handlers.server";

// https://{shop}/apps/track: the tracking page, as Liquid inside the shop's theme (signature checked first).
export const loader = ({ request }: LoaderFunctionArgs) => answer(() => storefront().page(request));
// The block's order form without JavaScript posts here.
export const action = ({ request }: ActionFunctionArgs) => answer(() => storefront().page(request));
