// The settings page's frame: one form of settings (validated by admin/settings.server.ts) saved from
// the App Bridge contextual save bar (or the Save button), whose sections follow the merchant's order of
// concerns. A section with its own save (message copy) lives in app/components/settings/ and is one
// line below, with one intent branch in the action.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { SaveBar } from "@shopify/app-bridge-react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
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
import { useEffect, useMemo, useRef, useState } from "react";
import { AdminRouteError } from "../components/RouteError";
import { useT } from "../components/I18n";
import { ColorField } from "../components/settings/ColorField";
import { MessageCopySection } from "../components/settings/MessageCopySection";
import { IntegrationsSection } from "../components/settings/IntegrationsSection";
import { ParcelEmailsSection } from "../components/settings/ParcelEmailsSection";
import { DeliveryPromiseSection } from "../components/settings/DeliveryPromiseSection";
import { CarrierTrackingSection } from "../components/settings/CarrierTrackingSection";
import {
  DELIVERY_PROMISE_INTENT,
  deliveryPromiseSettings,
  saveDeliveryPromise,
} from "../admin/delivery-promise.server";
import {
  carrierTrackingSettings,
  carrierTrackingSettingsAction,
  isCarrierTrackingIntent,
} from "../sources/routes.server";
import { SettingsSection } from "../components/settings/SettingsSection";
import { MILESTONES, isSmsCapable } from "../notifications/rules/policy";
import { type AdminKey, milestoneKey } from "../admin/i18n";
import { isCopyIntent, messageCopyAction } from "../admin/message-copy.server";
import { type SecretField, type SettingsView, settingsAction, settingsPage } from "../admin/settings.server";
import { requireShop } from "../admin/shop.server";

const SECRET_LABELS: Record<SecretField, AdminKey> = {
  sendgridApiKey: "settings.secrets.sendgridApiKey",
  sendgridWebhookKey: "settings.secrets.sendgridWebhookKey",
  twilioAccountSid: "settings.secrets.twilioAccountSid",
  twilioAuthToken: "settings.secrets.twilioAuthToken",
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
  const { shop, staff } = await requireShop(request);
  const form = await request.formData();
  if (isCopyIntent(form.get("intent"))) return messageCopyAction(shop, form, staff);
  if (form.get("intent") === DELIVERY_PROMISE_INTENT) return saveDeliveryPromise(shop, form);
  if (isCarrierTrackingIntent(form)) return carrierTrackingSettingsAction(shop.id, form);
  return settingsAction(shop, form);
};

const ACCOUNT_OF: Record<"email" | "sms", string> = { email: "SendGrid", sms: "Twilio" };

/** Which account sends each channel; a loud warning where none does (messages stay in the dev outbox). */
function SendingAccounts({ sending }: { sending: { email: string; sms: string } }) {
  const t = useT();
  return (
    <BlockStack gap="200">
      {(["email", "sms"] as const).map((channel) => {
        const source = sending[channel];
        const account = ACCOUNT_OF[channel];
        if (source === "shop" || source === "app") {
          return (
            <Text key={channel} as="p" tone="subdued">
              {t(`settings.sending.${channel}.${source}` as AdminKey, { account })}
            </Text>
          );
        }
        return (
          <Banner
            key={channel}
            tone={channel === "email" ? "critical" : "warning"}
            title={t(`settings.sending.${channel}.none` as AdminKey)}
          >
            <p>{t("settings.sending.noneBody", { account })}</p>
          </Banner>
        );
      })}
    </BlockStack>
  );
}

/** The form's values from the stored settings (secrets always start empty: they are write-only). */
function formValues(s: SettingsView) {
  return {
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
  };
}
const NO_CLEAR: Record<SecretField, boolean> = {
  sendgridApiKey: false,
  sendgridWebhookKey: false,
  twilioAccountSid: false,
  twilioAuthToken: false,
};

export default function Settings() {
  const t = useT();
  const {
    settings: s,
    preview,
    sendgridEventsUrl,
    messageCopy,
    deliveryPromise,
    integrations,
    carrierTracking,
  } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  const saving = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";
  const errors = result && result.intent === "save" ? result.fieldErrors : {};
  const saved = result && result.intent === "save" && result.ok;

  // The stored values are the baseline: after a save the loader answers again and the form starts over.
  const initial = useMemo(() => formValues(s), [s]);
  const [v, setV] = useState(initial);
  const [channels, setChannels] = useState(s.channels);
  const [clear, setClear] = useState<Record<SecretField, boolean>>(NO_CLEAR);
  useEffect(() => {
    setV(initial);
    setChannels(s.channels);
    setClear(NO_CLEAR);
  }, [initial, s.channels]);
  const dirty =
    JSON.stringify(v) !== JSON.stringify(initial) ||
    JSON.stringify(channels) !== JSON.stringify(s.channels) ||
    Object.values(clear).some(Boolean);
  // Shopify admin's App Bridge script defines <ui-save-bar>; where it did not load (outside the admin),
  // the page's own Save button is the way to save and the bar is not rendered (its calls would throw).
  const [hasSaveBar, setHasSaveBar] = useState(false);
  useEffect(() => setHasSaveBar(typeof customElements !== "undefined" && !!customElements.get("ui-save-bar")), []);
  const discard = () => {
    setV(initial);
    setChannels(s.channels);
    setClear(NO_CLEAR);
  };

  const field = <K extends keyof typeof v>(k: K) => ({
    name: k,
    value: v[k] as string,
    onChange: (x: string) => setV((old) => ({ ...old, [k]: x })),
    error: errors[k],
    autoComplete: "off",
  });
  const errorCount = Object.keys(errors).length;
  const branding = {
    brandLogoUrl: v.brandLogoUrl,
    brandPrimaryColor: v.brandPrimaryColor,
    brandAccentColor: v.brandAccentColor,
  };

  return (
    <Page title={t("settings.title")} backAction={{ content: t("nav.overview"), url: "/app" }}>
      {/* Shopify admin's contextual save bar while the form differs from what is stored. */}
      {hasSaveBar ? (
        <SaveBar id="settings-save-bar" open={dirty} discardConfirmation>
          <button
            variant="primary"
            loading={saving ? "" : undefined}
            onClick={() => formRef.current && submit(formRef.current)}
          >
            {t("settings.save")}
          </button>
          <button onClick={discard}>{t("settings.discard")}</button>
        </SaveBar>
      ) : null}
      <Form method="post" data-testid="settings-form" ref={formRef}>
        <input type="hidden" name="intent" value="save" />
        <BlockStack gap="500">
          {saved ? <Banner tone="success" title={t("settings.saved")} /> : null}
          {errorCount > 0 ? (
            <Banner
              tone="critical"
              title={t(errorCount === 1 ? "settings.errors.one" : "settings.errors.other", { count: errorCount })}
            >
              <p>{errors.form ?? t("settings.errorsHelp")}</p>
            </Banner>
          ) : null}

          <Layout>
            <SettingsSection title={t("settings.branding.title")} description={t("settings.branding.description")}>
              <TextField
                label={t("settings.branding.logo")}
                type="url"
                placeholder="https://cdn.shopify.com/…/logo.png"
                {...field("brandLogoUrl")}
              />
              <InlineGrid columns={2} gap="300">
                <ColorField
                  label={t("settings.branding.primary")}
                  {...field("brandPrimaryColor")}
                  onChange={(x) => setV((o) => ({ ...o, brandPrimaryColor: x }))}
                />
                <ColorField
                  label={t("settings.branding.accent")}
                  {...field("brandAccentColor")}
                  onChange={(x) => setV((o) => ({ ...o, brandAccentColor: x }))}
                />
              </InlineGrid>
              <TextField
                label={t("settings.branding.heading")}
                placeholder={t("settings.branding.headingPlaceholder")}
                {...field("trackingHeading")}
              />
            </SettingsSection>

            <SettingsSection
              title={t("settings.notifications.title")}
              description={t("settings.notifications.description")}
              gap="400"
            >
              <ChoiceList
                title={t("settings.notifications.mode")}
                name="notificationMode"
                choices={[
                  {
                    value: "automated",
                    label: t("settings.notifications.automated"),
                    helpText: t("settings.notifications.automatedHelp"),
                  },
                  {
                    value: "hybrid",
                    label: t("settings.notifications.hybrid"),
                    helpText: t("settings.notifications.hybridHelp"),
                  },
                  {
                    value: "off",
                    label: t("settings.notifications.off"),
                    helpText: t("settings.notifications.offHelp"),
                  },
                ]}
                selected={[v.notificationMode]}
                onChange={(x) => setV((o) => ({ ...o, notificationMode: x[0] ?? "automated" }))}
                error={errors.notificationMode}
              />
              {v.notificationMode === "hybrid" ? (
                <TextField
                  label={t("settings.notifications.autoSend")}
                  type="number"
                  helpText={t("settings.notifications.autoSendHelp")}
                  {...field("hybridAutoSendHours")}
                />
              ) : (
                <input type="hidden" name="hybridAutoSendHours" value="" />
              )}
              <BlockStack gap="100">
                <Text as="h3" variant="headingSm">
                  {t("settings.channels.title")}
                </Text>
                <DataTable
                  columnContentTypes={["text", "text", "text"]}
                  headings={[
                    t("settings.channels.milestone"),
                    t("settings.channels.email"),
                    t("settings.channels.sms"),
                  ]}
                  rows={MILESTONES.map((m) => [
                    t(milestoneKey(m)),
                    <Checkbox
                      key="e"
                      label={t("settings.channels.byEmail", { milestone: t(milestoneKey(m)) })}
                      labelHidden
                      name={`channel.${m}.email`}
                      checked={channels[m].email}
                      onChange={(c) => setChannels((o) => ({ ...o, [m]: { ...o[m], email: c } }))}
                      error={errors[`channel.${m}.email`]}
                    />,
                    isSmsCapable(m) ? (
                      <Checkbox
                        key="s"
                        label={t("settings.channels.bySms", { milestone: t(milestoneKey(m)) })}
                        labelHidden
                        name={`channel.${m}.sms`}
                        checked={channels[m].sms}
                        onChange={(c) => setChannels((o) => ({ ...o, [m]: { ...o[m], sms: c } }))}
                        error={errors[`channel.${m}.sms`]}
                      />
                    ) : (
                      <Text key="s" as="span" tone="subdued">
                        {t("settings.channels.emailOnly")}
                      </Text>
                    ),
                  ])}
                />
              </BlockStack>
              <Checkbox
                label={t("settings.notifications.smsConsent")}
                name="smsTransactionalOk"
                checked={v.smsTransactionalOk}
                onChange={(c) => setV((o) => ({ ...o, smsTransactionalOk: c }))}
                error={errors.smsTransactionalOk}
                helpText={t("settings.notifications.smsConsentHelp")}
              />
              <InlineGrid columns={2} gap="300">
                <Select
                  label={t("settings.notifications.quietStart")}
                  options={HOURS}
                  {...field("quietHoursStart")}
                  helpText={t("settings.notifications.quietHelp", { timezone: s.timezone })}
                />
                <Select label={t("settings.notifications.quietEnd")} options={HOURS} {...field("quietHoursEnd")} />
              </InlineGrid>
              <ChoiceList
                title={t("settings.inDoubt.title")}
                name="inDoubtResend"
                choices={[
                  {
                    value: "auto",
                    label: t("settings.inDoubt.auto"),
                    helpText: t("settings.inDoubt.autoHelp"),
                    renderChildren: (selected: boolean) =>
                      selected ? (
                        <TextField
                          label={t("settings.inDoubt.minutes")}
                          type="number"
                          min={5}
                          max={1440}
                          {...field("inDoubtResendMinutes")}
                        />
                      ) : null,
                  },
                  {
                    value: "never",
                    label: t("settings.inDoubt.never"),
                    helpText: t("settings.inDoubt.neverHelp"),
                  },
                ]}
                selected={[v.inDoubtResend]}
                onChange={(x) => setV((o) => ({ ...o, inDoubtResend: x[0] ?? "auto" }))}
                error={errors.inDoubtResend}
              />
              {v.inDoubtResend === "never" ? <input type="hidden" name="inDoubtResendMinutes" value="" /> : null}
              <Text as="p" tone="subdued">
                {t("settings.inDoubt.others")}
              </Text>
              <InlineGrid columns={2} gap="300">
                <TextField label={t("settings.sender.name")} {...field("senderName")} />
                <TextField label={t("settings.sender.email")} type="email" {...field("senderEmail")} />
              </InlineGrid>
              <TextField label={t("settings.sender.replyTo")} type="email" {...field("replyToEmail")} />
            </SettingsSection>

            <ParcelEmailsSection />

            <MessageCopySection view={messageCopy} initialPreview={preview} branding={branding} />

            <SettingsSection title={t("settings.secrets.title")} description={t("settings.secrets.description")}>
              <SendingAccounts sending={s.sending} />
              {(Object.keys(SECRET_LABELS) as SecretField[]).map((f) => (
                <BlockStack gap="100" key={f}>
                  <TextField
                    label={t(SECRET_LABELS[f])}
                    type="password"
                    placeholder={s.secrets[f] ?? t("settings.secrets.notSet")}
                    helpText={
                      f === "sendgridWebhookKey"
                        ? `${s.secrets[f] ? `${t("settings.secrets.saved", { masked: s.secrets[f] })} ` : ""}${t("settings.secrets.webhookHelp", { url: sendgridEventsUrl })}`
                        : s.secrets[f]
                          ? t("settings.secrets.saved", { masked: s.secrets[f] })
                          : t("settings.secrets.defaultAccount")
                    }
                    {...field(f)}
                    autoComplete="new-password"
                  />
                  {s.secrets[f] ? (
                    <Checkbox
                      label={t("settings.secrets.remove", { label: t(SECRET_LABELS[f]) })}
                      name={`clear.${f}`}
                      checked={clear[f]}
                      onChange={(c) => setClear((o) => ({ ...o, [f]: c }))}
                    />
                  ) : null}
                </BlockStack>
              ))}
              <TextField
                label={t("settings.secrets.twilioFrom")}
                placeholder="+15551234567"
                {...field("twilioFromNumber")}
              />
            </SettingsSection>

            <SettingsSection
              title={t("settings.recommendations.title")}
              description={t("settings.recommendations.description")}
            >
              <Select
                label={t("settings.recommendations.source")}
                options={[
                  { value: "related", label: t("settings.recommendations.related") },
                  { value: "complementary", label: t("settings.recommendations.complementary") },
                  { value: "collection", label: t("settings.recommendations.collection") },
                  { value: "off", label: t("settings.recommendations.off") },
                ]}
                {...field("recommendationSource")}
              />
              <TextField
                label={t("settings.recommendations.handle")}
                helpText={t("settings.recommendations.handleHelp")}
                placeholder="best-sellers"
                {...field("recommendationCollection")}
              />
            </SettingsSection>

            <SettingsSection title={t("settings.operations.title")} description={t("settings.operations.description")}>
              <TextField
                label={t("settings.operations.costPerTicket")}
                type="number"
                prefix="$"
                step={0.01}
                helpText={t("settings.operations.costPerTicketHelp")}
                {...field("costPerTicket")}
              />
              <TextField label={t("settings.operations.noScan")} type="number" {...field("noScanAlertDays")} />
              <InlineGrid columns={2} gap="300">
                <TextField label={t("settings.operations.receipts")} type="number" {...field("receiptRetentionDays")} />
                <TextField label={t("settings.operations.jobs")} type="number" {...field("jobRetentionDays")} />
              </InlineGrid>
            </SettingsSection>
          </Layout>

          <InlineStack align="end">
            <Button submit variant="primary" loading={saving}>
              {t("settings.save")}
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
