import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, EmptyState, IndexTable, Page, Text, useIndexResourceState } from "@shopify/polaris";
import { formatDateTime } from "../components/format";
import { AdminRouteError } from "../components/RouteError";
import { listFailures, replayFailures } from "../admin/failures.server";
import { requireShop } from "../admin/shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return listFailures(shop.domain, new URL(request.url).searchParams);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  return replayFailures(shop.domain, await request.formData());
};

function ReceiptsTable({ rows, next }: { rows: ReturnType<typeof useLoaderData<typeof loader>>["receipts"]; next: string | null }) {
  const submit = useSubmit();
  const [params, setParams] = useSearchParams();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  const replay = (ids: string[]) => {
    const form = new FormData();
    form.set("intent", "replay_receipts");
    for (const id of ids) form.append("ids", id);
    submit(form, { method: "post" });
    clearSelection();
  };
  return (
    <IndexTable
      resourceName={{ singular: "failed webhook", plural: "failed webhooks" }}
      itemCount={rows.length}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[{ content: "Replay", onAction: () => replay(selectedResources) }]}
      headings={[{ title: "Received" }, { title: "Topic" }, { title: "Reason" }, { title: "Attempts" }]}
      pagination={{
        hasNext: !!next,
        hasPrevious: !!params.get("rcursor"),
        onNext: () => { const p = new URLSearchParams(params); p.set("rcursor", next ?? ""); setParams(p); },
        onPrevious: () => { const p = new URLSearchParams(params); p.delete("rcursor"); setParams(p); },
      }}
    >
      {rows.map((r, i) => (
        <IndexTable.Row id={r.id} key={r.id} position={i} selected={selectedResources.includes(r.id)}>
          <IndexTable.Cell>{formatDateTime(r.receivedAt)}</IndexTable.Cell>
          <IndexTable.Cell><Text as="span" fontWeight="semibold">{r.topic}</Text></IndexTable.Cell>
          <IndexTable.Cell><Text as="span" tone="critical" breakWord>{r.error ?? "Unknown error"}</Text></IndexTable.Cell>
          <IndexTable.Cell>{r.attempts}</IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

function JobsTable({ rows, next }: { rows: ReturnType<typeof useLoaderData<typeof loader>>["jobs"]; next: string | null }) {
  const submit = useSubmit();
  const [params, setParams] = useSearchParams();
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(rows);
  const replay = (ids: string[]) => {
    const form = new FormData();
    form.set("intent", "replay_jobs");
    for (const id of ids) form.append("ids", id);
    submit(form, { method: "post" });
    clearSelection();
  };
  return (
    <IndexTable
      resourceName={{ singular: "dead-lettered job", plural: "dead-lettered jobs" }}
      itemCount={rows.length}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[{ content: "Replay", onAction: () => replay(selectedResources) }]}
      headings={[{ title: "Gave up" }, { title: "Job" }, { title: "Last error" }, { title: "Attempts" }]}
      pagination={{
        hasNext: !!next,
        hasPrevious: !!params.get("jcursor"),
        onNext: () => { const p = new URLSearchParams(params); p.set("jcursor", next ?? ""); setParams(p); },
        onPrevious: () => { const p = new URLSearchParams(params); p.delete("jcursor"); setParams(p); },
      }}
    >
      {rows.map((j, i) => (
        <IndexTable.Row id={j.id} key={j.id} position={i} selected={selectedResources.includes(j.id)}>
          <IndexTable.Cell>{formatDateTime(j.finishedAt ?? j.createdAt)}</IndexTable.Cell>
          <IndexTable.Cell><Text as="span" fontWeight="semibold">{j.kind}</Text></IndexTable.Cell>
          <IndexTable.Cell><Text as="span" tone="critical" breakWord>{j.lastError ?? "Unknown error"}</Text></IndexTable.Cell>
          <IndexTable.Cell>{`${j.attempts} / ${j.maxAttempts}`}</IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

export default function Failures() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const none = data.receiptCount === 0 && data.jobCount === 0;
  return (
    <Page title="Failed webhooks and jobs" backAction={{ content: "Overview", url: "/app" }}>
      <BlockStack gap="400">
        {result?.replayed ? <Banner tone="success" title={`${result.replayed} replayed: they will be processed again in a moment`} /> : null}
        {result?.error ? <Banner tone={result.replayed ? "warning" : "critical"} title={result.error} /> : null}
        {none ? (
          <Card>
            <EmptyState heading="Nothing has failed" image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png">
              <p>Every webhook from Shopify was processed and no background job gave up.</p>
            </EmptyState>
          </Card>
        ) : (
          <>
            <Card padding="0">
              <Box padding="400">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">{`Failed webhooks (${data.receiptCount})`}</Text>
                  <Text as="p" tone="subdued">The raw webhook is kept; replaying processes it again with the current code.</Text>
                </BlockStack>
              </Box>
              {data.receipts.length ? <ReceiptsTable rows={data.receipts} next={data.receiptsNext} /> : <Box padding="400"><Text as="p" tone="subdued">None.</Text></Box>}
            </Card>
            <Card padding="0">
              <Box padding="400">
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">{`Dead-lettered jobs (${data.jobCount})`}</Text>
                  <Text as="p" tone="subdued">Jobs that failed on every retry. Replaying gives them fresh attempts, due now.</Text>
                </BlockStack>
              </Box>
              {data.jobs.length ? <JobsTable rows={data.jobs} next={data.jobsNext} /> : <Box padding="400"><Text as="p" tone="subdued">None.</Text></Box>}
            </Card>
          </>
        )}
        {navigation.state !== "idle" ? <Text as="p" tone="subdued">Updating…</Text> : null}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Failed webhooks and jobs" />;
}
