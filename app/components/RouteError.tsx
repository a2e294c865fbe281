// The error boundary of every admin page: Shopify's own responses (session bounce, re-auth) go to
// the library's boundary; a 404 is a "not found" page; anything else is a critical banner with a way out.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

export function AdminRouteError({ title }: { title: string }) {
  const error = useRouteError();
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
