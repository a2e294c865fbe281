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

function EditDraft({
  draft,
  errors,
  timeZone,
}: {
  draft: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["editing"]>;
  errors: Record<string, string>;
  timeZone: string;
}) {
  const [note, setNote] = useState(draft.personalNote ?? "");
  const navigation = useNavigation();
  return (
    <Card>
      <BlockStack gap="300">
        <Text
          as="h2"
          variant="headingMd"
        >{`Review draft: ${draft.orderName}, ${draft.milestone.replaceAll("_", " ")} (${draft.channel === "sms" ? "SMS" : "email"})`}</Text>
        <Text
          as="p"
          tone="subdued"
        >{`To ${draft.recipient ?? "—"}, drafted ${formatDateTime(draft.createdAt, timeZone)}`}</Text>
        <Box background="bg-surface-secondary" padding="300" borderRadius="200">
          <BlockStack gap="100">
            {draft.subject ? (
              <Text as="p" fontWeight="semibold">
                {draft.subject}
              </Text>
            ) : null}
            <Text as="p">
              {draft.bodyText ?? "The message is written from the shipment's latest facts when it is sent."}
            </Text>
          </BlockStack>
        </Box>
        <Form method="post" action="/app/review">
          <BlockStack gap="300">
            <input type="hidden" name="ids" value={draft.id} />
            <input type="hidden" name="intent" value="approve_edited" />
            <NoteField
              label="Personal note (optional)"
              name="personalNote"
              value={note}
              onChange={setNote}
              rows={3}
              error={errors.personalNote}
              helpText="Shown above the message. The rest is written from the shipment's latest facts, so it is always current."
            />
            <InlineStack align="end" gap="200">
              <Button url="/app/review">Cancel</Button>
              <Button
                submit
                variant="primary"
                loading={navigation.state === "submitting" && navigation.formData?.get("intent") === "approve_edited"}
              >
                Approve and send
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
              Discard this draft
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

  return (
    <Page
      title="Review queue"
      subtitle={`${data.total} draft${data.total === 1 ? "" : "s"} waiting`}
      backAction={{ content: "Overview", url: "/app" }}
    >
      <BlockStack gap="400">
        {data.mode !== "hybrid" ? (
          <Banner
            tone="info"
            title={`Notifications are ${data.mode === "off" ? "off" : "sent automatically"}`}
            action={{ content: "Change in settings", url: "/app/settings" }}
          >
            <p>In hybrid mode, each customer message waits here as a draft for you to edit, approve or discard.</p>
          </Banner>
        ) : data.autoSendHours ? (
          <Banner tone="info">
            <p>{`Drafts you do not review are sent automatically after ${data.autoSendHours} hours.`}</p>
          </Banner>
        ) : null}
        {result?.ok ? (
          <Banner
            tone="success"
            title={`${result.done} draft${result.done === 1 ? "" : "s"} ${result.intent === "discard" ? "discarded" : "approved"}`}
          />
        ) : null}
        {errors.form || errors.ids ? (
          <Banner tone="critical" title={errors.form ?? errors.ids ?? "Something went wrong"} />
        ) : null}
        {data.editing ? (
          <EditDraft key={data.editing.id} draft={data.editing} errors={errors} timeZone={data.timeZone} />
        ) : null}

        {data.drafts.length === 0 && !params.get("cursor") ? (
          <Card>
            <EmptyState
              heading="No drafts to review"
              image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
            >
              <p>When a shipment reaches a milestone in hybrid mode, its message appears here before it is sent.</p>
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
                { content: "Approve and send", onAction: bulk("approve") },
                { content: "Discard", onAction: bulk("discard") },
              ]}
              headings={[
                { title: "Order" },
                { title: "Milestone" },
                { title: "Channel" },
                { title: "Recipient" },
                { title: "Message" },
                { title: "Drafted" },
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
                  <IndexTable.Cell>{d.milestone.replaceAll("_", " ")}</IndexTable.Cell>
                  <IndexTable.Cell>{d.channel === "sms" ? "SMS" : "Email"}</IndexTable.Cell>
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
                        Review
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
