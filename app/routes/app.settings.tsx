// The settings page: one form (saved at once, validated by admin/settings.server.ts) whose sections
// follow the merchant's order of concerns; long because it is mostly Polaris fields, one per setting.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { EmailPreview } from "../components/EmailPreview";
import { IntegrationsSection } from "../components/settings/IntegrationsSection";
import { ParcelEmailsSection } from "../components/settings/ParcelEmailsSection";
import { AdminRouteError } from "../components/RouteError";
import { MILESTONES, type Milestone, isSmsCapable } from "../notifications/rules/policy";
import type { TemplatePreview } from "../admin/notifications.server";
import { type SecretField, settingsAction, settingsPage } from "../admin/settings.server";
import { requireShop } from "../admin/shop.server";
import { DeliveryPromiseSection } from "../components/settings/DeliveryPromiseSection";
import {
  DELIVERY_PROMISE_INTENT,
  deliveryPromiseSettings,
  saveDeliveryPromise,
} from "../admin/delivery-promise.server";
import { CarrierTrackingSection } from "../components/settings/CarrierTrackingSection";
import {
  carrierTrackingSettings,
  carrierTrackingSettingsAction,
  isCarrierTrackingIntent,
} from "../sources/routes.server";

const MILESTONE_LABELS: Record<Milestone, string> = {
  order_confirmed: "Order confirmed",
  shipped: "Shipped",
  in_transit_digest: "In-transit digest",
  delayed: "Delayed",
  out_for_delivery: "Out for delivery",
  delivered: "Delivered",
  delivery_failed: "Delivery failed",
  shipped_early: "Shipped early",
  return_approved: "Return approved",
  return_label: "Return label ready",
  return_received: "Return received",
  refund_issued: "Refund issued",
};
const SECRET_LABELS: Record<SecretField, string> = {
  sendgridApiKey: "SendGrid API key",
  sendgridWebhookKey: "SendGrid Event Webhook verification key",
  twilioAccountSid: "Twilio account SID",
  twilioAuthToken: "Twilio auth token",
};
const HOURS = Array.from({ length: 24 }, (_, h) => ({ value: String(h), label: `${String(h).padStart(2, "0")}:00` }));

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const [page, deliveryPromise, carrierTracking] = await Promise.all([
    settingsPage(shop),
    deliveryPromiseSettings(shop),
    carrierTrackingSettings(shop.id),
  ]);
  return { ...page, deliveryPromise, carrierTracking };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  const form = await request.formData();
  if (form.get("intent") === DELIVERY_PROMISE_INTENT) return saveDeliveryPromise(shop, form);
  if (isCarrierTrackingIntent(form)) return carrierTrackingSettingsAction(shop.id, form);
  return settingsAction(shop, form);
};

function PreviewPane({
  initial,
  branding,
}: {
  initial: TemplatePreview;
  branding: { brandLogoUrl: string; brandPrimaryColor: string; brandAccentColor: string };
}) {
  const fetcher = useFetcher<typeof action>({ key: "template-preview" });
  const tester = useFetcher<typeof action>({ key: "template-test" });
  const [milestone, setMilestone] = useState<Milestone>(initial.milestone);
  const [channel, setChannel] = useState<"email" | "sms">("email");
  const [to, setTo] = useState("");
  const first = useRef(true);

  // Live preview: re-render a moment after the milestone or the branding changes.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => fetcher.submit({ intent: "preview", milestone, ...branding }, { method: "post" }), 400);
    return () => clearTimeout(t);
  }, [milestone, branding.brandLogoUrl, branding.brandPrimaryColor, branding.brandAccentColor]);

  const data = fetcher.data && fetcher.data.intent === "preview" ? fetcher.data : null;
  const preview = data?.preview ?? initial;
  const test = tester.data && tester.data.intent === "test_send" ? tester.data : null;

  return (
    <BlockStack gap="300">
      <InlineGrid columns={2} gap="300">
        <Select
          label="Milestone"
          options={MILESTONES.map((m) => ({ value: m, label: MILESTONE_LABELS[m] }))}
          value={milestone}
          onChange={(v) => setMilestone(v as Milestone)}
        />
        <Text as="p" tone="subdued">
          {fetcher.state !== "idle" ? "Rendering…" : `Subject: ${preview.subject}`}
        </Text>
      </InlineGrid>
      {data?.error ? <Banner tone="warning" title={data.error} /> : null}
      <div
        style={{ border: "1px solid var(--p-color-border)", borderRadius: 8, overflow: "hidden", background: "#fff" }}
      >
        <EmailPreview title="Email preview" html={preview.html} />
      </div>
      {preview.sms ? (
        <Box background="bg-surface-secondary" padding="300" borderRadius="200">
          <BlockStack gap="100">
            <Text
              as="h3"
              variant="headingSm"
            >{`SMS (${preview.sms.segments} segment${preview.sms.segments === 1 ? "" : "s"})`}</Text>
            <Text as="p" breakWord>
              {preview.sms.body}
            </Text>
          </BlockStack>
        </Box>
      ) : (
        <Text as="p" tone="subdued">
          This milestone is sent by email only.
        </Text>
      )}
      {/* Not a nested <form>: the settings form surrounds this pane, so the test is submitted by the fetcher. */}
      <div>
        <InlineGrid columns={{ xs: 1, md: "1fr 2fr auto" }} gap="200" alignItems="end">
          <Select
            label="Test by"
            options={[
              { value: "email", label: "Email" },
              { value: "sms", label: "SMS", disabled: !isSmsCapable(milestone) },
            ]}
            value={channel}
            onChange={(v) => setChannel(v as "email" | "sms")}
            error={test?.fieldErrors["test.channel"]}
          />
          <TextField
            label={channel === "sms" ? "Phone number" : "Email address"}
            value={to}
            onChange={setTo}
            autoComplete="off"
            error={test?.fieldErrors["test.to"]}
          />
          <Button
            loading={tester.state !== "idle"}
            onClick={() => tester.submit({ intent: "test_send", milestone, channel, to }, { method: "post" })}
          >
            Send test
          </Button>
        </InlineGrid>
      </div>
      {test?.ok ? <Banner tone="success" title={test.message ?? "Sent"} /> : null}
    </BlockStack>
  );
}

const ACCOUNT_OF: Record<"email" | "sms", string> = { email: "SendGrid", sms: "Twilio" };

/** Which account sends each channel; a loud warning where none does (messages stay in the dev outbox). */
function SendingAccounts({ sending }: { sending: { email: string; sms: string } }) {
  const line = (channel: "email" | "sms") => {
    const source = sending[channel];
    const what = channel === "email" ? "Emails" : "Text messages";
    if (source === "shop") return `${what} are sent with your ${ACCOUNT_OF[channel]} account.`;
    if (source === "app") return `${what} are sent with Waypoint's ${ACCOUNT_OF[channel]} account.`;
    return null;
  };
  return (
    <BlockStack gap="200">
      {(["email", "sms"] as const).map((channel) => {
        const ok = line(channel);
        return ok ? (
          <Text key={channel} as="p" tone="subdued">
            {ok}
          </Text>
        ) : (
          <Banner
            key={channel}
            tone={channel === "email" ? "critical" : "warning"}
            title={`${channel === "email" ? "Emails" : "Text messages"} are not reaching your customers`}
          >
            <p>{`No ${ACCOUNT_OF[channel]} account is set up, so Waypoint keeps each message in its outbox instead of sending it. Add your ${ACCOUNT_OF[channel]} credentials below.`}</p>
          </Banner>
        );
      })}
    </BlockStack>
  );
}

/** One section of the form: its title and description beside a card of fields. */
function SettingsSection({
  title,
  description,
  gap,
  children,
}: {
  title: string;
  description: string;
  gap: "300" | "400";
  children: ReactNode;
}) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      <Card>
        <BlockStack gap={gap}>{children}</BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}

export default function Settings() {
  const { settings: s, preview, sendgridEventsUrl, deliveryPromise, integrations, carrierTracking } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";
  const errors = result && result.intent === "save" ? result.fieldErrors : {};
  const saved = result && result.intent === "save" && result.ok;

  const [v, setV] = useState({
    brandLogoUrl: s.brandLogoUrl,
    brandPrimaryColor: s.brandPrimaryColor,
    brandAccentColor: s.brandAccentColor,
    trackingHeading: s.trackingHeading,
    notificationMode: s.notificationMode as string,
    hybridAutoSendHours: s.hybridAutoSendHours,
    smsTransactionalOk: s.smsTransactionalOk,
    quietHoursStart: String(s.quietHoursStart),
    quietHoursEnd: String(s.quietHoursEnd),
    senderName: s.senderName,
    senderEmail: s.senderEmail,
    inDoubtResend: s.inDoubtResend as string,
    inDoubtResendMinutes: s.inDoubtResendMinutes,
    replyToEmail: s.replyToEmail,
    twilioFromNumber: s.twilioFromNumber,
    sendgridApiKey: "",
    sendgridWebhookKey: "",
    twilioAccountSid: "",
    twilioAuthToken: "",
    recommendationSource: s.recommendationSource as string,
    recommendationCollection: s.recommendationCollection,
    costPerTicket: s.costPerTicket,
    noScanAlertDays: String(s.noScanAlertDays),
    receiptRetentionDays: String(s.receiptRetentionDays),
    jobRetentionDays: String(s.jobRetentionDays),
  });
  const [channels, setChannels] = useState(s.channels);
  const [clear, setClear] = useState<Record<SecretField, boolean>>({
    sendgridApiKey: false,
    sendgridWebhookKey: false,
    twilioAccountSid: false,
    twilioAuthToken: false,
  });
  const field = <K extends keyof typeof v>(k: K) => ({
    name: k,
    value: v[k] as string,
    onChange: (x: string) => setV((old) => ({ ...old, [k]: x })),
    error: errors[k],
    autoComplete: "off",
  });
  const errorCount = Object.keys(errors).length;

  return (
    <Page title="Settings" backAction={{ content: "Overview", url: "/app" }}>
      <Form method="post" data-testid="settings-form">
        <input type="hidden" name="intent" value="save" />
        <BlockStack gap="500">
          {saved ? <Banner tone="success" title="Settings saved" /> : null}
          {errorCount > 0 ? (
            <Banner tone="critical" title={`${errorCount} field${errorCount === 1 ? " needs" : "s need"} attention`}>
              <p>{errors.form ?? "Fix the highlighted fields and save again."}</p>
            </Banner>
          ) : null}

          <Layout>
            <SettingsSection
              title="Branding"
              description="Used on the tracking page, the theme block's defaults and every email."
              gap="300"
            >
              <TextField
                label="Logo URL"
                type="url"
                placeholder="https://cdn.shopify.com/…/logo.png"
                {...field("brandLogoUrl")}
              />
              <InlineGrid columns={2} gap="300">
                <TextField
                  label="Primary colour"
                  prefix={
                    <span
                      style={{
                        display: "inline-block",
                        width: 14,
                        height: 14,
                        borderRadius: 3,
                        background: v.brandPrimaryColor,
                      }}
                    />
                  }
                  {...field("brandPrimaryColor")}
                />
                <TextField
                  label="Accent colour"
                  prefix={
                    <span
                      style={{
                        display: "inline-block",
                        width: 14,
                        height: 14,
                        borderRadius: 3,
                        background: v.brandAccentColor,
                      }}
                    />
                  }
                  {...field("brandAccentColor")}
                />
              </InlineGrid>
              <TextField label="Tracking page heading" placeholder="Track your order" {...field("trackingHeading")} />
            </SettingsSection>

            <SettingsSection
              title="Notifications"
              description="How customers hear about their order. In hybrid mode, messages wait in the review queue."
              gap="400"
            >
              <ChoiceList
                title="Mode"
                name="notificationMode"
                choices={[
                  {
                    value: "automated",
                    label: "Automated",
                    helpText: "Send every message as soon as its milestone happens (outside quiet hours).",
                  },
                  {
                    value: "hybrid",
                    label: "Hybrid",
                    helpText: "Draft each message for review; approve, edit or discard it.",
                  },
                  { value: "off", label: "Off", helpText: "Send nothing; the tracking page still works." },
                ]}
                selected={[v.notificationMode]}
                onChange={(x) => setV((o) => ({ ...o, notificationMode: x[0] ?? "automated" }))}
                error={errors.notificationMode}
              />
              {v.notificationMode === "hybrid" ? (
                <TextField
                  label="Send drafts automatically after (hours)"
                  type="number"
                  helpText="Leave empty to wait for a review."
                  {...field("hybridAutoSendHours")}
                />
              ) : (
                <input type="hidden" name="hybridAutoSendHours" value="" />
              )}
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  Channels per milestone
                </Text>
                <DataTable
                  columnContentTypes={["text", "text", "text"]}
                  headings={["Milestone", "Email", "SMS"]}
                  rows={MILESTONES.map((m) => [
                    MILESTONE_LABELS[m],
                    <Checkbox
                      key="e"
                      label={`${MILESTONE_LABELS[m]} by email`}
                      labelHidden
                      name={`channel.${m}.email`}
                      checked={channels[m].email}
                      onChange={(c) => setChannels((o) => ({ ...o, [m]: { ...o[m], email: c } }))}
                      error={errors[`channel.${m}.email`]}
                    />,
                    isSmsCapable(m) ? (
                      <Checkbox
                        key="s"
                        label={`${MILESTONE_LABELS[m]} by SMS`}
                        labelHidden
                        name={`channel.${m}.sms`}
                        checked={channels[m].sms}
                        onChange={(c) => setChannels((o) => ({ ...o, [m]: { ...o[m], sms: c } }))}
                        error={errors[`channel.${m}.sms`]}
                      />
                    ) : (
                      <Text key="s" as="span" tone="subdued">
                        Email only
                      </Text>
                    ),
                  ])}
                />
              </BlockStack>
              <Checkbox
                label="My customers agreed to receive transactional SMS about their orders"
                name="smsTransactionalOk"
                checked={v.smsTransactionalOk}
                onChange={(c) => setV((o) => ({ ...o, smsTransactionalOk: c }))}
                error={errors.smsTransactionalOk}
                helpText="Without this, SMS goes only to customers who gave SMS consent at checkout. Customers can always reply STOP."
              />
              <InlineGrid columns={2} gap="300">
                <Select
                  label="Quiet hours start"
                  options={HOURS}
                  {...field("quietHoursStart")}
                  helpText={`Customer's local time (store: ${s.timezone})`}
                />
                <Select label="Quiet hours end" options={HOURS} {...field("quietHoursEnd")} />
              </InlineGrid>
              <ChoiceList
                title="When the provider cannot confirm a shipped, out for delivery or delivery failed message was sent"
                name="inDoubtResend"
                choices={[
                  {
                    value: "auto",
                    label: "Resend it automatically",
                    helpText:
                      "Once, after the delay below. A customer missing “out for delivery” is worse than a rare duplicate.",
                    renderChildren: (selected: boolean) =>
                      selected ? (
                        <TextField
                          label="Resend after (minutes)"
                          type="number"
                          min={5}
                          max={1440}
                          {...field("inDoubtResendMinutes")}
                        />
                      ) : null,
                  },
                  {
                    value: "never",
                    label: "Never resend it automatically",
                    helpText: "It waits on the failures page for staff to check the provider's log and resend it.",
                  },
                ]}
                selected={[v.inDoubtResend]}
                onChange={(x) => setV((o) => ({ ...o, inDoubtResend: x[0] ?? "auto" }))}
                error={errors.inDoubtResend}
              />
              {v.inDoubtResend === "never" ? <input type="hidden" name="inDoubtResendMinutes" value="" /> : null}
              <Text as="p" tone="subdued">
                Other messages the provider cannot confirm are never resent automatically: they are listed on the
                failures page.
              </Text>
              <InlineGrid columns={2} gap="300">
                <TextField label="Sender name" {...field("senderName")} />
                <TextField label="Sender email" type="email" {...field("senderEmail")} />
              </InlineGrid>
              <TextField label="Reply-to email" type="email" {...field("replyToEmail")} />
            </SettingsSection>

            <ParcelEmailsSection />

            <Layout.AnnotatedSection
              title="Templates"
              description="A live preview with sample data and your branding. Send yourself a test."
            >
              <Card>
                <PreviewPane
                  initial={preview}
                  branding={{
                    brandLogoUrl: v.brandLogoUrl,
                    brandPrimaryColor: v.brandPrimaryColor,
                    brandAccentColor: v.brandAccentColor,
                  }}
                />
              </Card>
            </Layout.AnnotatedSection>

            <SettingsSection
              title="Provider credentials"
              description="Your own SendGrid and Twilio accounts. Stored encrypted; never shown again after saving. Leave a field empty to keep its current value."
              gap="300"
            >
              <SendingAccounts sending={s.sending} />
              {(Object.keys(SECRET_LABELS) as SecretField[]).map((f) => (
                <BlockStack gap="100" key={f}>
                  <TextField
                    label={SECRET_LABELS[f]}
                    type="password"
                    placeholder={s.secrets[f] ?? "Not set"}
                    helpText={
                      f === "sendgridWebhookKey"
                        ? `${s.secrets[f] ? `Saved: ${s.secrets[f]}. ` : ""}For delivery reports from your own SendGrid account: enable the Signed Event Webhook in SendGrid's Mail Settings, post it to ${sendgridEventsUrl}, and paste its verification key here.`
                        : s.secrets[f]
                          ? `Saved: ${s.secrets[f]}`
                          : "Not set: the app's default account is used."
                    }
                    {...field(f)}
                    autoComplete="new-password"
                  />
                  {s.secrets[f] ? (
                    <Checkbox
                      label={`Remove the saved ${SECRET_LABELS[f]}`}
                      name={`clear.${f}`}
                      checked={clear[f]}
                      onChange={(c) => setClear((o) => ({ ...o, [f]: c }))}
                    />
                  ) : null}
                </BlockStack>
              ))}
              <TextField
                label="Twilio sending number or messaging service SID"
                placeholder="+15551234567"
                {...field("twilioFromNumber")}
              />
            </SettingsSection>

            <SettingsSection title="Recommendations" description="Products shown on the tracking page." gap="300">
              <Select
                label="Source"
                options={[
                  { value: "related", label: "Related products (Shopify)" },
                  { value: "complementary", label: "Complementary products (Search & Discovery)" },
                  { value: "collection", label: "A collection" },
                  { value: "off", label: "Off" },
                ]}
                {...field("recommendationSource")}
              />
              <TextField
                label="Collection handle"
                helpText="Used when the source is a collection, and as the fallback."
                placeholder="best-sellers"
                {...field("recommendationCollection")}
              />
            </SettingsSection>

            <SettingsSection
              title="Analytics and operations"
              description="Figures used by the dashboard, exception alerts and data retention."
              gap="300"
            >
              <TextField
                label="Cost per support ticket"
                type="number"
                prefix="$"
                step={0.01}
                helpText="Used to estimate the support cost avoided on the overview."
                {...field("costPerTicket")}
              />
              <TextField
                label="Alert when a shipment has had no scan for (days)"
                type="number"
                {...field("noScanAlertDays")}
              />
              <InlineGrid columns={2} gap="300">
                <TextField label="Keep raw webhooks for (days)" type="number" {...field("receiptRetentionDays")} />
                <TextField label="Keep finished jobs for (days)" type="number" {...field("jobRetentionDays")} />
              </InlineGrid>
            </SettingsSection>
          </Layout>

          <InlineStack align="end">
            <Button submit variant="primary" loading={saving}>
              Save
            </Button>
          </InlineStack>
        </BlockStack>
      </Form>
      <DeliveryPromiseSection initial={deliveryPromise} />
      <Box paddingBlockStart="400">
        <Layout>
          <IntegrationsSection integrations={integrations} />
        </Layout>
      </Box>
      <Box paddingBlockStart="500">
        <Layout>
          <CarrierTrackingSection view={carrierTracking} />
        </Layout>
      </Box>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Settings" />;
}
