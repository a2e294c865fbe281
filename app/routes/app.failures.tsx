import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, EmptyState, IndexTable, Page, Text, useIndexResourceState } from "@shopify/polaris";
import { z } from "zod";
import db from "../db.server";
import { formatDateTime } from "../components/format";
import { AdminRouteError } from "../components/RouteError";
import { replayJob } from "../jobs/queue.server";
import { replayReceipt } from "../pipeline/receipts.server";
import { wakeWorkers } from "../jobs/worker.server";
import { authenticate } from "../shopify.server";

const PAGE_SIZE = 20;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  const rcursor = url.searchParams.get("rcursor");
  const jcursor = url.searchParams.get("jcursor");
  const shopDomain = session.shop;
  const [receipts, jobs, receiptCount, jobCount] = await Promise.all([
    db.webhookReceipt.findMany({
      where: { shopDomain, status: "failed" },
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      take: PAGE_SIZE + 1,
      ...(rcursor ? { cursor: { id: rcursor }, skip: 1 } : {}),
      select: { id: true, topic: true, webhookId: true, error: true, attempts: true, receivedAt: true },
    }),
    db.job.findMany({
      where: { shopDomain, status: "dead" },
      orderBy: [{ finishedAt: "desc" }, { id: "desc" }],
      take: PAGE_SIZE + 1,
      ...(jcursor ? { cursor: { id: jcursor }, skip: 1 } : {}),
      select: { id: true, kind: true, lastError: true, attempts: true, maxAttempts: true, finishedAt: true, createdAt: true },
    }),
    db.webhookReceipt.count({ where: { shopDomain, status: "failed" } }),
    db.job.count({ where: { shopDomain, status: "dead" } }),
  ]);
  return {
    receipts: receipts.slice(0, PAGE_SIZE).map((r) => ({ ...r, receivedAt: r.receivedAt.toISOString() })),
    receiptsNext: receipts.length > PAGE_SIZE ? receipts[PAGE_SIZE - 1]!.id : null,
    jobs: jobs.slice(0, PAGE_SIZE).map((j) => ({ ...j, finishedAt: j.finishedAt?.toISOString() ?? null, createdAt: j.createdAt.toISOString() })),
    jobsNext: jobs.length > PAGE_SIZE ? jobs[PAGE_SIZE - 1]!.id : null,
    receiptCount,
    jobCount,
  };
};

const actionSchema = z.object({
  intent: z.enum(["replay_receipts", "replay_jobs"]),
  ids: z.array(z.string().min(1).max(64)).min(1, "Select at least one").max(100, "Select at most 100"),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const parsed = actionSchema.safeParse({ intent: form.get("intent"), ids: form.getAll("ids") });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid request", replayed: 0 };
  const { intent, ids } = parsed.data;
  // Only this shop's rows: ids from another shop are silently skipped.
  let replayed = 0;
  if (intent === "replay_receipts") {
    const own = await db.webhookReceipt.findMany({ where: { id: { in: ids }, shopDomain: session.shop, status: "failed" }, select: { id: true } });
    for (const r of own) if (await replayReceipt(db, r.id)) replayed++;
  } else {
    const own = await db.job.findMany({ where: { id: { in: ids }, shopDomain: session.shop, status: "dead" }, select: { id: true } });
    for (const j of own) if (await replayJob(db, j.id)) replayed++;
  }
  if (replayed > 0) wakeWorkers();
  return { ok: replayed === ids.length, error: replayed === ids.length ? null : `${ids.length - replayed} were already replayed or not found`, replayed };
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
