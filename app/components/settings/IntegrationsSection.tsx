// Settings › Integrations: Shopify Flow triggers and Klaviyo events, each with its status (connected,
// last event sent, last error) and a test button, and who sends each milestone's email ("Waypoint sends
// the email" or "Klaviyo sends it": never both). Its own fetcher form (admin/integrations.server.ts),
// rendered outside the page's main form.
import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  InlineStack,
  Layout,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import type { IntegrationsActionResult, IntegrationsView } from "../../admin/integrations.server";
import type { DestinationStatus } from "../../integrations/outbox.server";
import type { EmailSender, IntegrationMilestone } from "../../integrations/rules/milestones";

const NAMES = { flow: "Shopify Flow", klaviyo: "Klaviyo" } as const;

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "never";
}

function StatusRow({ s }: { s: DestinationStatus }) {
  const tester = useFetcher<IntegrationsActionResult>({ key: `integrations-test-${s.destination}` });
  const result = tester.data;
  return (
    <BlockStack gap="100">
      <InlineStack gap="200" blockAlign="center" align="space-between">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingSm">
            {NAMES[s.destination]}
          </Text>
          <Badge tone={s.connected ? "success" : undefined}>{s.connected ? "Connected" : "Not connected"}</Badge>
        </InlineStack>
        <Button
          disabled={!s.connected}
          loading={tester.state !== "idle"}
          onClick={() => tester.submit({ intent: "integrations_test", destination: s.destination }, { method: "post" })}
        >
          Send a test
        </Button>
      </InlineStack>
      <Text as="p" tone="subdued">
        {`Last event sent: ${when(s.lastSentAt)} · ${s.sent} sent, ${s.failed} failed`}
      </Text>
      {s.lastError ? (
        <Text as="p" tone="critical">
          {`Last error (${when(s.lastError.at)}): ${s.lastError.message}`}
        </Text>
      ) : null}
      {result ? (
        <Text as="p" tone={result.ok ? "success" : "critical"}>
          {result.ok ? result.message : result.fieldErrors.destination}
        </Text>
      ) : null}
    </BlockStack>
  );
}

export function IntegrationsSection({ integrations }: { integrations: IntegrationsView | null }) {
  const saver = useFetcher<IntegrationsActionResult>({ key: "integrations-save" });
  const [flow, setFlow] = useState(integrations?.flowTriggersEnabled ?? false);
  const [key, setKey] = useState("");
  const [clearKey, setClearKey] = useState(false);
  const [senders, setSenders] = useState<Partial<Record<IntegrationMilestone, EmailSender>>>(
    integrations?.senders ?? {},
  );
  if (!integrations) return null;
  const saved = saver.data?.intent === "integrations_save" ? saver.data : null;
  const errors = saved?.fieldErrors ?? {};
  const klaviyoReady = (!!integrations.klaviyoKey && !clearKey) || key.trim() !== "";
  return (
    <Layout.AnnotatedSection
      title="Integrations"
      description="Send Waypoint's milestones to the tools you already use: Shopify Flow workflows and Klaviyo flows. See the README's integrations table for what each sends."
    >
      <saver.Form method="post">
        <input type="hidden" name="intent" value="integrations_save" />
        <Card>
          <BlockStack gap="400">
            {integrations.status.map((s) => (
              <StatusRow key={s.destination} s={s} />
            ))}
            <Checkbox
              label="Fire Shopify Flow triggers (shipment delayed, out for delivery, delivered, delivery attempt failed, return received)"
              name="flowTriggersEnabled"
              checked={flow}
              onChange={setFlow}
              helpText="Build workflows in Shopify Flow starting from the Waypoint triggers."
            />
            <TextField
              label="Klaviyo private API key"
              type="password"
              name="klaviyoPrivateKey"
              value={key}
              onChange={setKey}
              placeholder={integrations.klaviyoKey ?? "Not set"}
              helpText={
                integrations.klaviyoKey
                  ? `Saved: ${integrations.klaviyoKey}. Stored encrypted; leave empty to keep it.`
                  : "A private key with the events:write scope (Klaviyo › Settings › API keys)."
              }
              error={errors.klaviyoPrivateKey}
              autoComplete="new-password"
            />
            {integrations.klaviyoKey ? (
              <Checkbox
                label="Remove the saved Klaviyo key"
                name="clearKlaviyoKey"
                checked={clearKey}
                onChange={setClearKey}
              />
            ) : null}
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                Who sends each milestone&apos;s email
              </Text>
              {integrations.milestones.map((m) => (
                <Select
                  key={m.key}
                  label={m.label}
                  name={`sender.${m.key}`}
                  disabled={!klaviyoReady}
                  options={[
                    { value: "waypoint", label: "Waypoint sends the email" },
                    { value: "klaviyo", label: `Klaviyo sends it (event “${m.klaviyoMetric}”)` },
                  ]}
                  value={klaviyoReady ? (senders[m.key] ?? "waypoint") : "waypoint"}
                  onChange={(value) =>
                    setSenders((o) => ({ ...o, [m.key]: value === "klaviyo" ? "klaviyo" : "waypoint" }))
                  }
                  error={errors[`senders.${m.key}`]}
                />
              ))}
            </BlockStack>
            {saved?.ok ? <Banner tone="success">{saved.message}</Banner> : null}
            {saved && !saved.ok && errors.form ? <Banner tone="critical">{errors.form}</Banner> : null}
            <InlineStack align="end">
              <Button submit loading={saver.state !== "idle"}>
                Save integrations
              </Button>
            </InlineStack>
          </BlockStack>
        </Card>
      </saver.Form>
    </Layout.AnnotatedSection>
  );
}
