import type { LoaderFunctionArgs } from "@remix-run/node";
import { answer, storefront } from "../storefront/handlers.server";

// /apps/track/assets/<file>: the block's tracking.css, tracking-core.js and tracking.js for the proxy page.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  answer(() => storefront().asset(request, params.file ?? ""));
