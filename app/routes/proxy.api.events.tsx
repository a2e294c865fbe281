import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { answer, storefront } from "../storefront/handlers.server";

// /apps/track/api/events: the block's analytics beacons (page_view, rec_impression, rec_click).
export const action = ({ request }: ActionFunctionArgs) => answer(() => storefront().events(request));
export const loader = ({ request }: LoaderFunctionArgs) => answer(() => storefront().events(request));
