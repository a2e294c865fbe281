import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

// Shopify opens the app at its root with ?shop=...&host=...: send it to the embedded admin.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  return redirect(`/app${url.search}`);
};
