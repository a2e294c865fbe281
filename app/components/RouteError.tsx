// The error boundary of every admin page: Shopify's own responses (session bounce, re-auth) go to
// the library's boundary; a 404 is a "not found" page; anything else is a critical banner with a way out.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

/**
 * A request without a browser (curl, a link preview, a monitor) gets requireShop's 410 with a line of
 * text: shown as a plain page, since the library's boundary would render an empty "Handling response".
 */
export function notInAdmin(error: unknown) {
  if (!isRouteErrorResponse(error) || error.status !== 410) return null;
  const text =
    typeof error.data === "string" && error.data.trim()
      ? error.data.trim()
      : "Waypoint runs inside Shopify admin: open it from the Apps section of your store's admin.";
  return (
    <main style={{ maxWidth: 640, margin: "64px auto", padding: "0 20px", font: "16px/1.5 system-ui, sans-serif" }}>
      <h1 style={{ fontSize: 22 }}>Waypoint order tracking</h1>
      <p>{text}</p>
    </main>
  );
}

export function AdminRouteError({ title }: { title: string }) {
  const error = useRouteError();
  const gone = notInAdmin(error);
  if (gone) return gone;
  if (isRouteErrorResponse(error) && error.status === 404) {
    return (
      <Page title={title} backAction={{ content: "Shipments", url: "/app/shipments" }}>
        <Banner tone="warning" title="Not found">
          <p>
            {typeof error.data === "string" && error.data
              ? error.data
              : "It may have been removed, or it belongs to another store."}
          </p>
        </Banner>
      </Page>
    );
  }
  if (isRouteErrorResponse(error)) return boundary.error(error);
  const message = error instanceof Error ? error.message : "Unknown error";
  return (
    <Page title={title}>
      <Banner tone="critical" title="This page could not load">
        <BlockStack gap="200">
          <Text as="p">Reload the page to try again. If it keeps happening, contact support with this message:</Text>
          <Text as="p" tone="subdued">
            {message}
          </Text>
        </BlockStack>
      </Banner>
    </Page>
  );
}
