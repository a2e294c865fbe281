import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation, useSearchParams, useSubmit } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  IndexTable,
  Page,
  Text,
  useIndexResourceState,
} from "@shopify/polaris";
import type { ReactNode } from "react";
import { formatDateTime } from "../components/format";
import { AdminRouteError } from "../components/RouteError";
import { listFailures, replayFailures, type ReceiptJob } from "../admin/failures.server";
import { requireShop } from "../admin/shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return { ...(await listFailures(shop, new URL(request.url).searchParams)), timezone: shop.timezone };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const ctx = await requireShop(request);
  return replayFailures(ctx, await request.formData());
};

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

/** Posts the page's form for the given ids, then clears the table's selection. */
function useSubmitIds(intent: string, clearSelection: () => void) {
  const submit = useSubmit();
  return (ids: string[]) => {
    const form = new FormData();
    form.set("intent", intent);
    for (const id of ids) form.append("ids", id);
    submit(form, { method: "post", preventScrollReset: true });
    clearSelection();
  };
}

function usePaging(param: string, next: string | null) {
  const [params, setParams] = useSearchParams();
  return {
    hasNext: !!next,
    hasPrevious: !!params.get(param),
    onNext: () => {
      const p = new URLSearchParams(params);
      p.set(param, next ?? "");
      setParams(p);
    },
    onPrevious: () => {
      const p = new URLSearchParams(params);
      p.delete(param);
      setParams(p);
    },
  };
}

const words = (s: string) => s.replaceAll("_", " ");

/** Attempts as they happened: "1 of 8 (permanent error: not retried)", "8 of 8", or still retrying. */
function attemptsText(attempts: number, maxAttempts: number, dead: boolean): string {
  if (!dead) return `${attempts} of ${maxAttempts} so far, retrying`;
  return attempts < maxAttempts
    ? `${attempts} of ${maxAttempts} (permanent error: not retried)`
    : `${attempts} of ${maxAttempts}`;
}

function InDoubtTable({ rows, next, timezone }: { rows: Data["inDoubt"]; next: string | null; timezone: string }) {
  const items = rows.map((r) => ({ ...r, id: r.ref }));
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(items);
  const resend = useSubmitIds("resend_messages", clearSelection);
  const navigation = useNavigation();
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "resend_messages";
  return (
    <IndexTable
      resourceName={{ singular: "message", plural: "messages" }}
      itemCount={items.length}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[{ content: "Resend", onAction: () => resend(selectedResources) }]}
      headings={[
        { title: "Order" },
        { title: "Milestone" },
        { title: "Channel" },
        { title: "Recipient" },
        { title: "In doubt since" },
        { title: "Why" },
        { title: "" },
      ]}
      pagination={usePaging("icursor", next)}
    >
      {items.map((r, i) => (
        <IndexTable.Row id={r.id} key={r.id} position={i} selected={selectedResources.includes(r.id)}>
          <IndexTable.Cell>
            {r.shipmentId ? (
              <Link to={`/app/shipments/${r.shipmentId}`}>{r.orderName}</Link>
            ) : (
              <Text as="span">{r.orderName}</Text>
            )}
          </IndexTable.Cell>
          <IndexTable.Cell>{words(r.milestone)}</IndexTable.Cell>
          <IndexTable.Cell>{r.channel === "sms" ? "SMS" : "Email"}</IndexTable.Cell>
          <IndexTable.Cell>{r.recipient}</IndexTable.Cell>
          <IndexTable.Cell>{formatDateTime(r.since, timezone)}</IndexTable.Cell>
          <IndexTable.Cell>
            <BlockStack gap="100">
              <Text as="span" tone="caution" breakWord>
                {r.why}
              </Text>
              {r.autoResendAt ? (
                <Text
                  as="span"
                  tone="subdued"
                >{`Resent automatically at ${formatDateTime(r.autoResendAt, timezone)}`}</Text>
              ) : null}
              {r.resends ? (
                <Text
                  as="span"
                  tone="subdued"
                >{`Resent ${r.resends === 1 ? "once" : `${r.resends} times`} before (attempt ${r.attempts} so far)`}</Text>
              ) : null}
            </BlockStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            {/* The row's own button: stops the click from also toggling the row's selection. */}
            <div onClick={(e) => e.stopPropagation()}>
              <Button size="slim" disabled={busy} onClick={() => resend([r.id])}>
                Resend
              </Button>
            </div>
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

function jobText(job: ReceiptJob | null): string {
  if (!job) return "No processing job waiting: replay to process it again.";
  if (job.status === "retrying")
    return `Processing job retrying: attempt ${job.attempts} of ${job.maxAttempts} so far.`;
  return job.permanent
    ? `Processing job dead-lettered after ${job.attempts} of ${job.maxAttempts} attempts: a permanent error, retrying cannot fix it.`
    : `Processing job gave up after ${job.attempts} of ${job.maxAttempts} attempts.`;
}

function ReceiptsTable({ rows, next, timezone }: { rows: Data["receipts"]; next: string | null; timezone: string }) {
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(rows);
  const replay = useSubmitIds("replay_receipts", clearSelection);
  return (
    <IndexTable
      resourceName={{ singular: "failed webhook", plural: "failed webhooks" }}
      itemCount={rows.length}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[{ content: "Replay", onAction: () => replay(selectedResources) }]}
      headings={[{ title: "Received" }, { title: "Topic" }, { title: "Reason" }, { title: "Attempts" }]}
      pagination={usePaging("rcursor", next)}
    >
      {rows.map((r, i) => (
        <IndexTable.Row id={r.id} key={r.id} position={i} selected={selectedResources.includes(r.id)}>
          <IndexTable.Cell>{formatDateTime(r.receivedAt, timezone)}</IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" fontWeight="semibold">
              {r.topic}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <BlockStack gap="100">
              <Text as="span" tone="critical" breakWord>
                {r.error ?? "Unknown error"}
              </Text>
              <Text as="span" tone="subdued">
                {jobText(r.job)}
              </Text>
            </BlockStack>
          </IndexTable.Cell>
          <IndexTable.Cell>
            {r.job ? attemptsText(r.job.attempts, r.job.maxAttempts, r.job.status === "dead") : r.attempts}
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

function JobsTable({ rows, next, timezone }: { rows: Data["jobs"]; next: string | null; timezone: string }) {
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } =
    useIndexResourceState(rows);
  const replay = useSubmitIds("replay_jobs", clearSelection);
  return (
    <IndexTable
      resourceName={{ singular: "dead-lettered job", plural: "dead-lettered jobs" }}
      itemCount={rows.length}
      selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
      onSelectionChange={handleSelectionChange}
      promotedBulkActions={[{ content: "Replay", onAction: () => replay(selectedResources) }]}
      headings={[{ title: "Gave up" }, { title: "Job" }, { title: "Last error" }, { title: "Attempts" }]}
      pagination={usePaging("jcursor", next)}
    >
      {rows.map((j, i) => (
        <IndexTable.Row id={j.id} key={j.id} position={i} selected={selectedResources.includes(j.id)}>
          <IndexTable.Cell>{formatDateTime(j.finishedAt ?? j.createdAt, timezone)}</IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" fontWeight="semibold">
              {j.kind}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>
            <Text as="span" tone="critical" breakWord>
              {j.lastError ?? "Unknown error"}
            </Text>
          </IndexTable.Cell>
          <IndexTable.Cell>{attemptsText(j.attempts, j.maxAttempts, true)}</IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

function Section({ id, title, help, children }: { id?: string; title: string; help: string; children: ReactNode }) {
  return (
    <div id={id}>
      <Card padding="0">
        <Box padding="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              {title}
            </Text>
            <Text as="p" tone="subdued">
              {help}
            </Text>
          </BlockStack>
        </Box>
        {children}
      </Card>
    </div>
  );
}

const none = (
  <Box padding="400">
    <Text as="p" tone="subdued">
      None.
    </Text>
  </Box>
);

export default function Failures() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const nothing = data.inDoubtCount === 0 && data.receiptCount === 0 && data.jobCount === 0;
  const done =
    result?.intent === "resend_messages"
      ? "resent: each goes out again in a moment"
      : "replayed: they will be processed again in a moment";
  return (
    <Page
      title="Failures"
      subtitle="Messages that may not have been delivered, failed webhooks and jobs"
      backAction={{ content: "Overview", url: "/app" }}
    >
      <BlockStack gap="400">
        {result?.replayed ? <Banner tone="success" title={`${result.replayed} ${done}`} /> : null}
        {result?.error ? <Banner tone={result.replayed ? "warning" : "critical"} title={result.error} /> : null}
        {nothing ? (
          <Card>
            <EmptyState
              heading="Nothing has failed"
              image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
            >
              <p>
                Every message was confirmed by its provider, every webhook from Shopify was processed and no background
                job gave up.
              </p>
            </EmptyState>
          </Card>
        ) : (
          <>
            <Section
              id="in-doubt"
              title={`Messages that may not have been delivered (${data.inDoubtCount})`}
              help="Sending was interrupted and the provider cannot tell whether the message went out. Check the provider's log; resending sends it once more (the customer may get it twice if it did arrive)."
            >
              {data.inDoubt.length ? (
                <InDoubtTable rows={data.inDoubt} next={data.inDoubtNext} timezone={data.timezone} />
              ) : (
                none
              )}
            </Section>
            <Section
              title={`Failed webhooks (${data.receiptCount})`}
              help="The raw webhook is kept; replaying processes it again with the current code. Its processing job is shown with it."
            >
              {data.receipts.length ? (
                <ReceiptsTable rows={data.receipts} next={data.receiptsNext} timezone={data.timezone} />
              ) : (
                none
              )}
            </Section>
            <Section
              title={`Dead-lettered jobs (${data.jobCount})`}
              help="Jobs that gave up: after every retry, or after one attempt when the error is permanent (retrying could not fix it). Replaying gives them fresh attempts, due now."
            >
              {data.jobs.length ? <JobsTable rows={data.jobs} next={data.jobsNext} timezone={data.timezone} /> : none}
            </Section>
          </>
        )}
        {navigation.state !== "idle" ? (
          <Text as="p" tone="subdued">
            Updating…
          </Text>
        ) : null}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Failures" />;
}
