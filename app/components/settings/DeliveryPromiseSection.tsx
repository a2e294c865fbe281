// Settings > Delivery promise: its own form (intent "delivery_promise") so it saves apart from the
// main settings form; app/admin/delivery-promise.server.ts validates and stores it.
import { useFetcher } from "@remix-run/react";
import { Banner, BlockStack, Button, Card, InlineStack, Layout, Select, TextField } from "@shopify/polaris";
import { useState } from "react";
import type { DeliveryPromiseResult, DeliveryPromiseSettings } from "../../admin/delivery-promise.server";

const CONFIDENCE_OPTIONS = [
  { value: "0.8", label: "80 % — narrower window, more parcels outside it" },
  { value: "0.9", label: "90 % (recommended)" },
  { value: "0.95", label: "95 % — wider window, rarely missed" },
];

export function DeliveryPromiseSection({ initial }: { initial: DeliveryPromiseSettings }) {
  const fetcher = useFetcher<DeliveryPromiseResult>({ key: "delivery-promise" });
  const [v, setV] = useState(initial);
  const result = fetcher.data?.intent === "delivery_promise" ? fetcher.data : null;
  const errors = result?.fieldErrors ?? {};
  return (
    <Layout>
      <Layout.AnnotatedSection
        title="Delivery promise"
        description="How sure the delivery window shown to customers is, and the days your shop does not ship. Public holidays of your ship-from country are skipped automatically."
      >
        <Card>
          <fetcher.Form method="post" data-testid="delivery-promise-form">
            <input type="hidden" name="intent" value="delivery_promise" />
            <BlockStack gap="300">
              {result?.ok ? <Banner tone="success" title="Delivery promise saved" /> : null}
              <Select
                label="Share of parcels that arrive inside the window"
                name="confidence"
                options={CONFIDENCE_OPTIONS}
                value={v.confidence}
                onChange={(confidence) => setV((o) => ({ ...o, confidence }))}
                error={errors.confidence}
              />
              <TextField
                label="Ships from (country code)"
                name="originCountry"
                value={v.originCountry}
                onChange={(originCountry) => setV((o) => ({ ...o, originCountry }))}
                error={errors.originCountry}
                helpText="For example US. Decides public holidays and which orders are cross-border."
                autoComplete="country"
                maxLength={2}
              />
              <TextField
                label="Closure days (one date a line, YYYY-MM-DD)"
                name="closureDays"
                value={v.closureDays}
                onChange={(closureDays) => setV((o) => ({ ...o, closureDays }))}
                error={errors.closureDays}
                multiline={3}
                autoComplete="off"
              />
              <InlineStack align="end">
                <Button submit loading={fetcher.state === "submitting"}>
                  Save delivery promise
                </Button>
              </InlineStack>
            </BlockStack>
          </fetcher.Form>
        </Card>
      </Layout.AnnotatedSection>
    </Layout>
  );
}
