// A shop's permanent domain as Shopify writes it: <handle>.myshopify.com, lower case. Checked wherever
// a domain arrives from outside (a webhook's X-Shopify-Shop-Domain, an app proxy's `shop`) before it
// is stored or looked up, so a signed request with `../../etc` or `<script>` there creates nothing.
export const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,99}\.myshopify\.com$/;

export function isShopDomain(value: string | null | undefined): value is string {
  return typeof value === "string" && SHOP_DOMAIN.test(value);
}
