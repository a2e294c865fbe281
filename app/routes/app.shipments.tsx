import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import {
  Link as RemixLink,
  useActionData,
  useLoaderData,
  useNavigation,
  useOutlet,
  useSearchParams,
  useSubmit,
} from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Card,
  ChoiceList,
  EmptySearchResult,
  EmptyState,
  Filters,
  IndexTable,
  Page,
  Text,
  TextField,
  useIndexResourceState,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { formatDateTime } from "../components/format";
import { AdminRouteError } from "../components/RouteError";
import { ShipmentStatusBadge } from "../components/StatusBadge";
import { type ExceptionFilter, resendSelected, shipmentsPage } from "../admin/shipments.server";
import { requireShop } from "../admin/shop.server";

const STAGE_CHOICES = [
  { value: "1", label: "Confirmed" },
  { value: "2", label: "Label created" },
  { value: "3", label: "In transit" },
  { value: "4", label: "Delivery" },
  { value: "5", label: "Returns" },
];
const EXCEPTION_LABELS: Record<ExceptionFilter, string> = {
  any: "Any exception",
  delayed: "Delayed",
  attempted_delivery: "Delivery attempted",
  failure: "Delivery failed",
  no_scan: "No recent scan",
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  const url = new URL(request.url);
  // A shipment's page (app.shipments.$id) renders in this route's outlet: no list to load then.
  if (url.pathname.replace(/\/$/, "") !== "/app/shipments") return { page: null, filtered: false };
  return shipmentsPage(shop, url.searchParams);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const ctx = await requireShop(request);
  return resendSelected(ctx, await request.formData());
};

export default function ShipmentsRoute() {
  const outlet = useOutlet();
  const { page } = useLoaderData<typeof loader>();
  if (outlet || !page) return outlet;
  return <Shipments />;
}

function Shipments() {
  const data = useLoaderData<typeof loader>();
  const page = data.page!;
  const filtered = data.filtered;
  const result = useActionData<typeof action>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [query, setQuery] = useState(params.get("q") ?? "");

  // Search as the merchant types, a moment after they stop.
  useEffect(() => {
    if ((params.get("q") ?? "") === query) return;
    const t = setTimeout(() => update({ q: query }), 400);
    return () => clearTimeout(t);
  }, [query]);

  function update(changes: Record<string, string | null>) {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    next.delete("cursor");
    next.delete("direction");
    setParams(next);
  }

  const resourceName = { singular: "shipment", plural: "shipments" };
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    page.rows,
  );
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/shipments";

  const filters = [
    {
      key: "stage",
      label: "Stage",
      filter: (
        <ChoiceList
          title="Stage"
          titleHidden
          choices={STAGE_CHOICES}
          selected={params.get("stage") ? [params.get("stage")!] : []}
          onChange={(v) => update({ stage: v[0] ?? null })}
        />
      ),
      shortcut: true,
    },
    {
      key: "carrier",
      label: "Carrier",
      filter: (
        <ChoiceList
          title="Carrier"
          titleHidden
          choices={page.carriers.map((c) => ({ value: c, label: c }))}
          selected={params.get("carrier") ? [params.get("carrier")!] : []}
          onChange={(v) => update({ carrier: v[0] ?? null })}
        />
      ),
      shortcut: true,
    },
    {
      key: "exception",
      label: "Exception",
      filter: (
        <ChoiceList
          title="Exception"
          titleHidden
          choices={(Object.keys(EXCEPTION_LABELS) as ExceptionFilter[]).map((e) => ({
            value: e,
            label: EXCEPTION_LABELS[e],
          }))}
          selected={params.get("exception") ? [params.get("exception")!] : []}
          onChange={(v) => update({ exception: v[0] ?? null })}
        />
      ),
      shortcut: true,
    },
    {
      key: "dates",
      label: "Created",
      filter: (
        <BlockStack gap="200">
          <TextField
            label="From"
            type="date"
            autoComplete="off"
            value={params.get("from") ?? ""}
            onChange={(v) => update({ from: v })}
          />
          <TextField
            label="To"
            type="date"
            autoComplete="off"
            value={params.get("to") ?? ""}
            onChange={(v) => update({ to: v })}
          />
        </BlockStack>
      ),
    },
    {
      key: "destination",
      label: "Destination",
      filter: (
        <BlockStack gap="200">
          <TextField
            label="Country code"
            autoComplete="off"
            placeholder="US"
            maxLength={2}
            value={params.get("country") ?? ""}
            onChange={(v) => update({ country: v.toUpperCase() })}
          />
          <TextField
            label="Region"
            autoComplete="off"
            placeholder="OH or US-OH"
            value={params.get("region") ?? ""}
            onChange={(v) => update({ region: v.toUpperCase() })}
          />
        </BlockStack>
      ),
    },
  ];
  const applied = [
    params.get("stage") && {
      key: "stage",
      label: `Stage: ${STAGE_CHOICES.find((c) => c.value === params.get("stage"))?.label ?? params.get("stage")}`,
      onRemove: () => update({ stage: null }),
    },
    params.get("carrier") && {
      key: "carrier",
      label: `Carrier: ${params.get("carrier")}`,
      onRemove: () => update({ carrier: null }),
    },
    params.get("exception") && {
      key: "exception",
      label: EXCEPTION_LABELS[params.get("exception") as ExceptionFilter] ?? "Exception",
      onRemove: () => update({ exception: null }),
    },
    (params.get("from") || params.get("to")) && {
      key: "dates",
      label: `Created ${params.get("from") ?? "…"} – ${params.get("to") ?? "…"}`,
      onRemove: () => update({ from: null, to: null }),
    },
    (params.get("country") || params.get("region")) && {
      key: "destination",
      label: `To ${[params.get("region"), params.get("country")].filter(Boolean).join(", ")}`,
      onRemove: () => update({ country: null, region: null }),
    },
  ].filter((x): x is { key: string; label: string; onRemove: () => void } => !!x);

  const resend = () => {
    const form = new FormData();
    form.set("intent", "resend");
    for (const id of selectedResources) form.append("ids", id);
    submit(form, { method: "post" });
    clearSelection();
  };

  if (page.rows.length === 0 && !filtered && !params.get("cursor")) {
    return (
      <Page title="Shipments" backAction={{ content: "Overview", url: "/app" }}>
        <Card>
          <EmptyState
            heading="No shipments yet"
            image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
          >
            <p>Shipments appear here as soon as you fulfill an order with tracking.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  return (
    <Page title="Shipments" backAction={{ content: "Overview", url: "/app" }} fullWidth>
      <BlockStack gap="400">
        {result && result.error ? <Banner tone="critical" title={result.error} /> : null}
        {result && !result.error ? (
          <Banner
            tone={result.failed.length ? "warning" : "success"}
            title={`Current update resent for ${result.resent} shipment${result.resent === 1 ? "" : "s"}`}
          >
            {result.failed.length ? (
              <p>{`${result.failed.length} could not be resent: ${result.failed[0]?.error}`}</p>
            ) : null}
          </Banner>
        ) : null}
        <Card padding="0">
          <Filters
            queryValue={query}
            queryPlaceholder="Search by order, tracking number or customer email"
            filters={filters}
            appliedFilters={applied}
            onQueryChange={setQuery}
            onQueryClear={() => {
              setQuery("");
              update({ q: null });
            }}
            onClearAll={() => {
              setQuery("");
              setParams(new URLSearchParams());
            }}
            loading={loading}
          />
          <IndexTable
            resourceName={resourceName}
            itemCount={page.rows.length}
            selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
            onSelectionChange={handleSelectionChange}
            loading={loading}
            promotedBulkActions={[{ content: "Resend current update", onAction: resend }]}
            emptyState={
              <EmptySearchResult
                title="No shipments found"
                description="Try changing the filters or the search term"
                withIllustration
              />
            }
            headings={[
              { title: "Order" },
              { title: "Shipment" },
              { title: "Status" },
              { title: "Carrier" },
              { title: "Tracking number" },
              { title: "Destination" },
              { title: "Last scan" },
              { title: "Customer" },
            ]}
            pagination={{
              hasNext: !!page.nextCursor,
              hasPrevious: !!page.previousCursor,
              onNext: () => {
                const next = new URLSearchParams(params);
                next.set("cursor", page.nextCursor ?? "");
                next.set("direction", "next");
                setParams(next);
              },
              onPrevious: () => {
                const next = new URLSearchParams(params);
                next.set("cursor", page.previousCursor ?? "");
                next.set("direction", "previous");
                setParams(next);
              },
            }}
          >
            {page.rows.map((s, index) => (
              <IndexTable.Row id={s.id} key={s.id} position={index} selected={selectedResources.includes(s.id)}>
                <IndexTable.Cell>
                  <RemixLink to={`/app/shipments/${s.id}`} data-primary-link onClick={(e) => e.stopPropagation()}>
                    <Text as="span" fontWeight="semibold">
                      {s.orderName ?? "No order yet"}
                    </Text>
                  </RemixLink>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  {s.kind === "return" ? `${s.name ?? "Return"} (return)` : (s.name ?? "—")}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <ShipmentStatusBadge subStatus={s.subStatus} label={s.statusLabel} delayed={s.delayed} />
                </IndexTable.Cell>
                <IndexTable.Cell>{s.carrier ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>{s.primaryTracking ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>{s.destination ?? "—"}</IndexTable.Cell>
                <IndexTable.Cell>{formatDateTime(s.lastEventAt)}</IndexTable.Cell>
                <IndexTable.Cell>{s.email ?? "—"}</IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Shipments" />;
}
