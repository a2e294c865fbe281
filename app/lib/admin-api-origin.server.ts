// Sends the real @shopify/shopify-api client's Admin API requests to another origin: the local Admin
// GraphQL simulator (scripts/simulator/admin-api), for tests, the demo and the bench, since Shopify
// cannot be reached from there. The client, its headers, retries and error classes stay the library's
// own; only the transport's URL changes, https://<shop>/admin/api/... becoming <origin>/<shop>/admin/api/...
// In production SHOPIFY_ADMIN_API_ORIGIN is unset and nothing here runs.
import { abstractFetch, setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

type Fetch = typeof abstractFetch;
const ADMIN_PATH = /^https:\/\/([^/]+)(\/admin\/api\/.*)$/;
let original: Fetch | null = null;

/** Rewrites Admin API URLs to `origin` (null restores the library's own fetch). Other URLs are untouched. */
export function useAdminApiOrigin(origin: string | null): void {
  original ??= abstractFetch;
  if (!origin) {
    setAbstractFetchFunc(original);
    return;
  }
  const base = origin.replace(/\/$/, "");
  const fetchFn = original;
  setAbstractFetchFunc(((input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : (input as Request).url;
    const m = ADMIN_PATH.exec(url);
    if (!m) return fetchFn(input, init);
    return fetchFn(`${base}/${m[1]}${m[2]}`, init);
  }) as Fetch);
}
