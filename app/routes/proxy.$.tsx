import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answer, storefront } from "../storefront/handlers.server";

// Any other path under /apps/track: the signature is checked first (400), then 404.
export const loader = ({ request }: LoaderFunctionArgs) => answer(() => storefront().notFound(request));
export const action = ({ request }: ActionFunctionArgs) => answer(() => storefront().notFound(request));
