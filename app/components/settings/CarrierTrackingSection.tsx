// "Carrier tracking" on the settings page: connect EasyPost or 17TRACK (the key is stored encrypted and
// never shown again), test the connection, the monthly budget with its counter, when to register, and
// whether carrier events are written back to Shopify. Its own form (a fetcher), beside the page's form.
import { useFetcher } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { CarrierTrackingActionResult, CarrierTrackingView } from "../../sources/settings.server";

const PROVIDERS = [
  { label: "EasyPost (Trackers)", value: "easypost" },
  { label: "17TRACK (automatic carrier detection)", value: "17track" },
];

export function CarrierTrackingSection({ view }: { view: CarrierTrackingView }) {
  const fetcher = useFetcher<CarrierTrackingActionResult>({ key: "carrier-tracking" });
  const result = fetcher.data;
  const errors = result?.fieldErrors ?? {};
  const busy = (intent: string) => fetcher.state !== "idle" && fetcher.formData?.get("intent") === intent;
  const [v, setV] = useState({
    carrierProvider: view.provider ?? "easypost",
    carrierApiKey: "",
    carrierWebhookSecret: "",
    carrierMonthlyBudget: String(view.monthlyBudget),
    carrierRegisterAfterHours: String(view.registerAfterHours),
    carrierPollMinutes: view.pollMinutes === null ? "" : String(view.pollMinutes),
  });
  const [writeBack, setWriteBack] = useState(view.writeBack);
  const field = (k: keyof typeof v, error?: string) => ({
    name: k,
    value: v[k],
    onChange: (x: string) => setV((old) => ({ ...old, [k]: x })),
    error,
    autoComplete: "off",
  });

  return (
    <Layout.AnnotatedSection
      title="Carrier tracking"
      description="For shipments Shopify gets no carrier events for (labels bought elsewhere, regional carriers, 3PLs): Waypoint registers their tracking numbers with your tracking source, which bills per tracker."
    >
      <Card>
        <fetcher.Form method="post" data-testid="carrier-tracking-form">
          <BlockStack gap="300">
            {result?.message ? <Banner tone={result.ok ? "success" : "critical"} title={result.message} /> : null}
            {view.budgetSpent ? (
              <Banner tone="warning" title="This month's tracking budget is spent">
                <p>
                  New shipments are not registered until next month: Waypoint relies on Shopify&apos;s events for them.
                </p>
              </Banner>
            ) : null}
            <Text as="p" variant="bodyMd">
              {view.connected
                ? `Connected to ${view.providerName}. Registrations this month: ${view.usedThisMonth} of ${view.monthlyBudget} (${view.registrations.active} being tracked, ${view.registrations.stopped} finished, ${view.registrations.failed} refused).`
                : "No tracking source is connected: shipments rely on Shopify's carrier events."}
            </Text>
            <Select
              label="Tracking source"
              options={PROVIDERS}
              {...field("carrierProvider", errors["carrier.provider"])}
            />
            <TextField
              label="API key"
              type="password"
              placeholder={view.apiKey ?? ""}
              helpText={view.apiKey ? "Stored encrypted. Leave blank to keep it." : undefined}
              {...field("carrierApiKey", errors["carrier.apiKey"])}
            />
            {v.carrierProvider === "easypost" ? (
              <TextField
                label="Webhook secret"
                type="password"
                placeholder={view.hasWebhookSecret ? "••••" : ""}
                helpText="The secret you give the EasyPost webhook; Waypoint checks X-Hmac-Signature with it."
                {...field("carrierWebhookSecret", errors["carrier.webhookSecret"])}
              />
            ) : null}
            {view.pushUrl ? (
              <Box>
                <Text as="p" variant="bodySm" tone="subdued">
                  Webhook URL to paste into {view.providerName}:
                </Text>
                <Text as="p" variant="bodySm" breakWord>
                  {view.pushUrl}
                </Text>
              </Box>
            ) : null}
            <InlineGrid columns={3} gap="300">
              <TextField
                label="Monthly budget (registrations)"
                type="number"
                {...field("carrierMonthlyBudget", errors["carrier.monthlyBudget"])}
              />
              <TextField
                label="Wait for Shopify's first event (hours)"
                type="number"
                helpText="Carriers Shopify does not track are registered at once."
                {...field("carrierRegisterAfterHours", errors["carrier.registerAfterHours"])}
              />
              <TextField
                label="Poll every (minutes)"
                type="number"
                helpText="Blank: pushes only."
                {...field("carrierPollMinutes", errors["carrier.pollMinutes"])}
              />
            </InlineGrid>
            <Checkbox
              label="Write carrier events back to Shopify (order status page, Shop app, Shopify's notifications)"
              checked={writeBack}
              onChange={setWriteBack}
            />
            <input type="hidden" name="carrierWriteBack" value={writeBack ? "on" : ""} />
            <InlineStack gap="200" align="end">
              {view.connected ? (
                <>
                  <Button
                    onClick={() => fetcher.submit({ intent: "carrier_disconnect" }, { method: "post" })}
                    loading={busy("carrier_disconnect")}
                    tone="critical"
                  >
                    Disconnect
                  </Button>
                  <Button
                    onClick={() => fetcher.submit({ intent: "carrier_test" }, { method: "post" })}
                    loading={busy("carrier_test")}
                  >
                    Test connection
                  </Button>
                </>
              ) : null}
              <Button submit variant="primary" loading={busy("carrier_save")}>
                {view.connected ? "Save carrier tracking" : "Connect"}
              </Button>
            </InlineStack>
            <input type="hidden" name="intent" value="carrier_save" />
          </BlockStack>
        </fetcher.Form>
      </Card>
    </Layout.AnnotatedSection>
  );
}
