import type { LoaderFunctionArgs } from "@remix-run/node";
import { answer, storefront } from "../storefront/handlers.server";

// /apps/track/api/token/<token>: the order a signed link from a tracking email or SMS names.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  answer(() => storefront().lookup(request, params.token ?? ""));
