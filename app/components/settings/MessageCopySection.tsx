// Settings > Message copy: the subject, heading and body of each milestone's email in each language,
// edited as Liquid with the safe variables, previewed live with the page's unsaved branding, saved on
// its own (only copy the server's checks accept), reset to the default; and a test send of the preview.
// Inside the settings <Form>: no field here has a `name`, so none is submitted with the settings; the
// copy travels through fetchers (intents copy_preview, copy_save, copy_reset, test_send).
import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  InlineGrid,
  InlineStack,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useRef, useState } from "react";
import type { CopyActionResult, MessageCopyView } from "../../admin/message-copy.server";
import type { TemplatePreview } from "../../admin/notifications.server";
import { milestoneKey } from "../../admin/i18n";
import { LOCALES, type Locale } from "../../notifications/copy/types";
import { MILESTONES, type Milestone, isSmsCapable } from "../../notifications/rules/policy";
import { COPY_VARIABLES, type EditableCopy } from "../../notifications/templates/editable-copy";
import { EmailPreview } from "../EmailPreview";
import { useT } from "../I18n";
import { SettingsSection } from "./SettingsSection";

const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", fr: "Français", de: "Deutsch", es: "Español" };

type TestResult = {
  intent: "test_send";
  ok: boolean;
  fieldErrors: Record<string, string | undefined>;
  message?: string;
};

export function MessageCopySection({
  view,
  initialPreview,
  branding,
}: {
  view: MessageCopyView;
  initialPreview: TemplatePreview;
  branding: { brandLogoUrl: string; brandPrimaryColor: string; brandAccentColor: string };
}) {
  const t = useT();
  const previewer = useFetcher<CopyActionResult>({ key: "copy-preview" });
  const saver = useFetcher<CopyActionResult>({ key: "copy-save" });
  const tester = useFetcher<TestResult>({ key: "template-test" });
  const [milestone, setMilestone] = useState<Milestone>(initialPreview.milestone);
  const [locale, setLocale] = useState<Locale>(view.locale);
  const [entries, setEntries] = useState(view.copy);
  const [drafts, setDrafts] = useState<Record<string, EditableCopy>>({});
  const [channel, setChannel] = useState<"email" | "sms">("email");
  const [to, setTo] = useState("");
  const key = `${milestone}/${locale}`;
  const entry = entries[milestone][locale];
  const draft = drafts[key] ?? { subject: entry.subject, heading: entry.heading, body: entry.body };
  const changed = draft.subject !== entry.subject || draft.heading !== entry.heading || draft.body !== entry.body;
  const edit = (field: keyof EditableCopy) => (value: string) =>
    setDrafts((old) => ({ ...old, [key]: { ...draft, [field]: value } }));

  // What the server stored after a save or reset becomes the entry; the draft is dropped.
  useEffect(() => {
    const r = saver.data;
    if (!r?.ok || !r.entry || !r.milestone || !r.locale) return;
    const { milestone: m, locale: l, entry: stored } = r;
    setEntries((old) => ({ ...old, [m]: { ...old[m], [l]: stored } }));
    setDrafts((old) => {
      const next = { ...old };
      delete next[`${m}/${l}`];
      return next;
    });
  }, [saver.data]);

  // Live preview: re-render a moment after the copy, the selection or the page's branding changes.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const timer = setTimeout(
      () => previewer.submit({ intent: "copy_preview", milestone, locale, ...draft, ...branding }, { method: "post" }),
      400,
    );
    return () => clearTimeout(timer);
  }, [
    milestone,
    locale,
    draft.subject,
    draft.heading,
    draft.body,
    branding.brandLogoUrl,
    branding.brandPrimaryColor,
    branding.brandAccentColor,
  ]);

  const previewed = previewer.data?.intent === "copy_preview" ? previewer.data : null;
  const preview = previewed?.preview ?? initialPreview;
  const saved = saver.data && saver.data.milestone === milestone && saver.data.locale === locale ? saver.data : null;
  const errors = {
    ...(previewed?.ok === false ? previewed.fieldErrors : {}),
    ...(saved?.ok ? {} : saved?.fieldErrors),
  };
  const test = tester.data?.intent === "test_send" ? tester.data : null;
  const submitCopy = (intent: "copy_save" | "copy_reset") =>
    saver.submit({ intent, milestone, locale, ...draft }, { method: "post" });

  return (
    <SettingsSection title={t("settings.copy.title")} description={t("settings.copy.description")} gap="400">
      <InlineGrid columns={2} gap="300">
        <Select
          label={t("settings.copy.milestone")}
          options={MILESTONES.map((m) => ({ value: m, label: t(milestoneKey(m)) }))}
          value={milestone}
          onChange={(v) => setMilestone(v as Milestone)}
        />
        <Select
          label={t("settings.copy.language")}
          options={LOCALES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
          value={locale}
          onChange={(v) => setLocale(v as Locale)}
        />
      </InlineGrid>
      <InlineStack gap="200" blockAlign="center">
        {entry.custom ? (
          <Badge tone="info">{t("settings.copy.edited")}</Badge>
        ) : (
          <Badge>{t("settings.copy.default")}</Badge>
        )}
        {changed ? <Badge tone="attention">{t("settings.copy.unsaved")}</Badge> : null}
      </InlineStack>
      <TextField
        label={t("settings.copy.subject")}
        value={draft.subject}
        onChange={edit("subject")}
        error={errors.subject}
        autoComplete="off"
        monospaced
      />
      <TextField
        label={t("settings.copy.heading")}
        value={draft.heading}
        onChange={edit("heading")}
        error={errors.heading}
        autoComplete="off"
        monospaced
      />
      <TextField
        label={t("settings.copy.body")}
        value={draft.body}
        onChange={edit("body")}
        error={errors.body}
        multiline={6}
        autoComplete="off"
        monospaced
        helpText={t("settings.copy.bodyHelp")}
      />
      <Text as="p" tone="subdued">
        {t("settings.copy.variables", { list: COPY_VARIABLES.map((v) => `{{ ${v} }}`).join(" ") })}
      </Text>
      {errors.form ? <Banner tone="critical" title={errors.form} /> : null}
      {saved?.ok ? (
        <Banner
          tone="success"
          title={t(saved.intent === "copy_reset" ? "settings.copy.resetDone" : "settings.copy.saved")}
        />
      ) : null}
      <InlineStack gap="200" align="end">
        <Button
          tone="critical"
          variant="plain"
          disabled={!entry.custom}
          loading={saver.state !== "idle" && saver.formData?.get("intent") === "copy_reset"}
          onClick={() => submitCopy("copy_reset")}
        >
          {t("settings.copy.reset")}
        </Button>
        <Button
          disabled={!changed}
          loading={saver.state !== "idle" && saver.formData?.get("intent") === "copy_save"}
          onClick={() => submitCopy("copy_save")}
        >
          {t("settings.copy.save")}
        </Button>
      </InlineStack>

      <Text as="h3" variant="headingSm">
        {previewer.state !== "idle"
          ? t("settings.copy.rendering")
          : t("settings.copy.previewSubject", { subject: preview.subject })}
      </Text>
      {previewed?.ok === false ? <Banner tone="warning" title={t("settings.copy.previewBlocked")} /> : null}
      <div
        style={{ border: "1px solid var(--p-color-border)", borderRadius: 8, overflow: "hidden", background: "#fff" }}
      >
        <EmailPreview title={t("settings.copy.emailPreview")} html={preview.html} />
      </div>
      {preview.sms ? (
        <Box background="bg-surface-secondary" padding="300" borderRadius="200">
          <BlockStack gap="100">
            <Text as="h3" variant="headingSm">
              {t(preview.sms.segments === 1 ? "settings.copy.sms.one" : "settings.copy.sms.other", {
                count: preview.sms.segments,
              })}
            </Text>
            <Text as="p" breakWord>
              {preview.sms.body}
            </Text>
          </BlockStack>
        </Box>
      ) : (
        <Text as="p" tone="subdued">
          {t("settings.copy.emailOnly")}
        </Text>
      )}
      {/* Not a nested <form>: the settings form surrounds this section, so the test goes by fetcher. */}
      <InlineGrid columns={{ xs: 1, md: "1fr 2fr auto" }} gap="200" alignItems="end">
        <Select
          label={t("settings.test.by")}
          options={[
            { value: "email", label: t("settings.test.email") },
            { value: "sms", label: t("settings.test.sms"), disabled: !isSmsCapable(milestone) },
          ]}
          value={channel}
          onChange={(v) => setChannel(v as "email" | "sms")}
          error={test?.fieldErrors["test.channel"]}
        />
        <TextField
          label={channel === "sms" ? t("settings.test.phone") : t("settings.test.address")}
          value={to}
          onChange={setTo}
          autoComplete="off"
          error={test?.fieldErrors["test.to"]}
        />
        <Button
          loading={tester.state !== "idle"}
          onClick={() => tester.submit({ intent: "test_send", milestone, channel, to }, { method: "post" })}
        >
          {t("settings.test.send")}
        </Button>
      </InlineGrid>
      {test?.ok ? <Banner tone="success" title={test.message ?? t("settings.test.sent")} /> : null}
    </SettingsSection>
  );
}
