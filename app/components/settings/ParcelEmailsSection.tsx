// Settings: one email for a split order's parcels that reach the same milestone close together.
// Saved on its own (intent "parcel_emails", app/admin/parcel-emails-settings.server.ts) through a
// fetcher, so it sits inside the page's main form without nesting a form in it.
import { useFetcher, useRouteLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, Checkbox, InlineStack, Layout, Text, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { ParcelEmailsResult } from "../../admin/parcel-emails-settings.server";

export function ParcelEmailsSection() {
  const data = useRouteLoaderData<{ parcelEmails?: { minutes: number } }>("routes/app.settings");
  const saved = data?.parcelEmails?.minutes ?? 15;
  const fetcher = useFetcher<ParcelEmailsResult>();
  const [enabled, setEnabled] = useState(saved > 0);
  const [minutes, setMinutes] = useState(String(saved > 0 ? saved : 15));
  const result = fetcher.data?.intent === "parcel_emails" ? fetcher.data : null;
  const error = result && !result.ok ? result.fieldErrors.combineParcelEmailsMinutes : undefined;
  return (
    <Layout.AnnotatedSection
      title="Split orders"
      description="When an order ships in several parcels, customers get one email for parcels that reach a milestone together."
    >
      <Card>
        <BlockStack gap="300">
          {result?.ok ? <Banner tone="success" title="Split-order emails saved" /> : null}
          <Checkbox
            label="Send one email for parcels that ship, go out for delivery or arrive together"
            helpText="The first parcel's email waits for the others this long, then lists them all. Texts are still sent per parcel."
            checked={enabled}
            onChange={setEnabled}
          />
          {enabled ? (
            <TextField
              label="Wait for the other parcels (minutes)"
              type="number"
              min={1}
              autoComplete="off"
              value={minutes}
              onChange={setMinutes}
              error={error}
            />
          ) : (
            <Text as="p" tone="subdued">
              Each parcel gets its own email as soon as it reaches a milestone.
            </Text>
          )}
          <InlineStack align="end">
            <Button
              loading={fetcher.state !== "idle"}
              onClick={() =>
                fetcher.submit({ intent: "parcel_emails", enabled: String(enabled), minutes }, { method: "post" })
              }
            >
              Save split-order emails
            </Button>
          </InlineStack>
        </BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
