import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  Link as RemixLink,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
  useSubmit,
} from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  IndexTable,
  InlineStack,
  Page,
  Text,
  useIndexResourceState,
} from "@shopify/polaris";
import { useState } from "react";
import { formatDateTime } from "../components/format";
import { NoteField } from "../components/NoteField";
import { AdminRouteError } from "../components/RouteError";
import { useT } from "../components/I18n";
import { type AdminKey, milestoneKey, type T } from "../admin/i18n";
import { isMilestone } from "../notifications/rules/policy";
import { reviewDrafts, reviewQueue } from "../admin/review.server";
import { requireShop } from "../admin/shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return reviewQueue(shop, new URL(request.url).searchParams);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const ctx = await requireShop(request);
  return reviewDrafts(ctx, await request.formData());
};

/** A milestone's name in the admin's language (a stored row's unknown value shows as written). */
function milestoneText(t: T, milestone: string): string {
  return isMilestone(milestone) ? t(milestoneKey(milestone)) : milestone.replaceAll("_", " ");
}

function EditDraft({
  draft,
  errors,
  timeZone,
}: {
  draft: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["editing"]>;
  errors: Record<string, string>;
  timeZone: string;
}) {
  const t = useT();
  const [note, setNote] = useState(draft.personalNote ?? "");
  const navigation = useNavigation();
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {t("review.draftHeading", {
            order: draft.orderName,
            milestone: milestoneText(t, draft.milestone),
            channel: t(draft.channel === "sms" ? "settings.test.sms" : "settings.test.email"),
          })}
        </Text>
        <Text as="p" tone="subdued">
          {t("review.draftTo", { recipient: draft.recipient ?? "—", at: formatDateTime(draft.createdAt, timeZone) })}
        </Text>
        <Box background="bg-surface-secondary" padding="300" borderRadius="200">
          <BlockStack gap="100">
            {draft.subject ? (
              <Text as="p" fontWeight="semibold">
                {draft.subject}
              </Text>
            ) : null}
            <Text as="p">{draft.bodyText ?? t("review.bodyLater")}</Text>
          </BlockStack>
        </Box>
        <Form method="post" action="/app/review">
          <BlockStack gap="300">
            <input type="hidden" name="ids" value={draft.id} />
            <input type="hidden" name="intent" value="approve_edited" />
            <NoteField
              label={t("review.note")}
              name="personalNote"
              value={note}
              onChange={setNote}
              rows={3}
              error={errors.personalNote}
              helpText={t("review.noteHelp")}
            />
            <InlineStack align="end" gap="200">
              <Button url="/app/review">{t("review.cancel")}</Button>
              <Button
                submit
                variant="primary"
                loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "approve_edited"}
              >
                {t("review.approve")}
              </Button>
            </InlineStack>
          </BlockStack>
        </Form>
        <Form method="post" action="/app/review">
          <input type="hidden" name="ids" value={draft.id} />
          <input type="hidden" name="intent" value="discard" />
          <InlineStack align="end">
            <Button
              submit
              variant="plain"
              tone="critical"
              loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "discard"}
            >
              {t("review.discardOne")}
            </Button>
          </InlineStack>
        </Form>
      </BlockStack>
    </Card>
  );
}

export default function Review() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submit = useSubmit();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    data.drafts,
  );
  const bulk = (intent: "approve" | "discard") => () => {
    const form = new FormData();
    form.set("intent", intent);
    for (const id of selectedResources) form.append("ids", id);
    submit(form, { method: "post" });
    clearSelection();
  };
  const errors = result && !result.ok ? result.fieldErrors : {};
  const t = useT();

  return (
    <Page
      title={t("nav.review")}
      subtitle={t(data.total === 1 ? "review.waiting.one" : "review.waiting.other", { count: data.total })}
      backAction={{ content: t("nav.overview"), url: "/app" }}
    >
      <BlockStack gap="400">
        {data.mode !== "hybrid" ? (
          <Banner
            tone="info"
            title={t(data.mode === "off" ? "review.modeOff" : "review.modeAutomated")}
            action={{ content: t("review.changeInSettings"), url: "/app/settings" }}
          >
            <p>{t("review.hybridExplained")}</p>
          </Banner>
        ) : data.autoSendHours ? (
          <Banner tone="info">
            <p>{t("review.autoSend", { hours: data.autoSendHours })}</p>
          </Banner>
        ) : null}
        {result?.ok ? (
          <Banner
            tone="success"
            title={t(
              `review.${result.intent === "discard" ? "discarded" : "approved"}.${result.done === 1 ? "one" : "other"}` as AdminKey,
              { count: result.done },
            )}
          />
        ) : null}
        {errors.form || errors.ids ? (
          <Banner tone="critical" title={errors.form ?? errors.ids ?? t("review.error")} />
        ) : null}
        {data.editing ? (
          <EditDraft key={data.editing.id} draft={data.editing} errors={errors} timeZone={data.timeZone} />
        ) : null}

        {data.drafts.length === 0 && !params.get("cursor") ? (
          <Card>
            <EmptyState
              heading={t("review.empty")}
              image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
            >
              <p>{t("review.emptyHelp")}</p>
            </EmptyState>
          </Card>
        ) : (
          <Card padding="0">
            <IndexTable
              resourceName={{ singular: "draft", plural: "drafts" }}
              itemCount={data.drafts.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              loading={navigation.state === "loading"}
              promotedBulkActions={[
                { content: t("review.approve"), onAction: bulk("approve") },
                { content: t("review.discard"), onAction: bulk("discard") },
              ]}
              headings={[
                { title: t("review.col.order") },
                { title: t("review.col.milestone") },
                { title: t("review.col.channel") },
                { title: t("review.col.recipient") },
                { title: t("review.col.message") },
                { title: t("review.col.drafted") },
                { title: "" },
              ]}
              pagination={{
                hasNext: !!data.nextCursor,
                hasPrevious: !!params.get("cursor"),
                onNext: () => setParams(new URLSearchParams({ cursor: data.nextCursor ?? "" })),
                onPrevious: () => setParams(new URLSearchParams()),
              }}
            >
              {data.drafts.map((d, index) => (
                <IndexTable.Row id={d.id} key={d.id} position={index} selected={selectedResources.includes(d.id)}>
                  <IndexTable.Cell>
                    {d.shipmentId ? (
                      <RemixLink to={`/app/shipments/${d.shipmentId}`} onClick={(e) => e.stopPropagation()}>
                        {d.orderName}
                      </RemixLink>
                    ) : (
                      d.orderName
                    )}
                  </IndexTable.Cell>
                  <IndexTable.Cell>{milestoneText(t, d.milestone)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    {t(d.channel === "sms" ? "settings.test.sms" : "settings.test.email")}
                  </IndexTable.Cell>
                  <IndexTable.Cell>{d.recipient ?? "—"}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" truncate>
                      {d.subject ?? d.bodyText?.slice(0, 80) ?? "—"}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{formatDateTime(d.createdAt, data.timeZone)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <div onClick={(e) => e.stopPropagation()} role="presentation">
                      <Button
                        variant="plain"
                        url={`/app/review?edit=${d.id}${params.get("cursor") ? `&cursor=${params.get("cursor")}` : ""}`}
                      >
                        {t("review.review")}
                      </Button>
                    </div>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Review queue" />;
}
