import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Box, Card, DataTable, EmptyState, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { BottleneckBanner } from "../components/BottleneckBanner";
import { formatDateTime, formatDays, formatNumber } from "../components/format";
import { AdminRouteError } from "../components/RouteError";
import { bottlenecksPage } from "../admin/dashboard.server";
import { requireShop } from "../admin/shop.server";
import {
  BASELINE_DAYS,
  MIN_CURRENT_SHIPMENTS,
  STALL_FACTOR,
  MIN_EXCESS_HOURS,
} from "../intelligence/rules/bottlenecks";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return bottlenecksPage(shop);
};

export default function Bottlenecks() {
  const { result, timeZone } = useLoaderData<typeof loader>();
  // Plain words first; the exact thresholds after, for whoever wants to check a flag.
  const rule =
    `A carrier is flagged for a region when its parcels there have gone clearly longer without a scan than usual: ` +
    `typically ${STALL_FACTOR}× longer than a slow day in the last ${BASELINE_DAYS} days, and at least ` +
    `${MIN_EXCESS_HOURS} hours more than a normal day, with ${MIN_CURRENT_SHIPMENTS} or more parcels on the way. ` +
    `(Exactly: the median hours since the last scan now, against ${STALL_FACTOR}× the ${BASELINE_DAYS}-day 75th percentile.)`;
  return (
    <Page
      title="Carrier bottlenecks"
      subtitle="Lanes slower now than their own 30-day baseline"
      backAction={{ content: "Overview", url: "/app" }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result && result.flags.length > 0 ? <BottleneckBanner flags={result.flags} linkToPage={false} /> : null}
            {result && result.flags.length > 0 ? (
              <Card padding="0">
                <Box padding="400">
                  <Text as="h2" variant="headingMd">
                    Stalls, worst first
                  </Text>
                </Box>
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "text"]}
                  headings={[
                    "Carrier",
                    "Region",
                    "In transit",
                    "Since last scan now",
                    "On a normal day",
                    "Slowdown",
                    "Fastest there now",
                  ]}
                  rows={result.flags.map((f) => [
                    <RemixLink
                      key={`${f.carrier}${f.region}`}
                      to={`/app/shipments?carrier=${encodeURIComponent(f.carrierName)}&stage=3&region=${encodeURIComponent(f.region)}`}
                    >
                      {f.carrierName}
                    </RemixLink>,
                    f.regionName,
                    <span key="n" data-figure={`flag-${f.carrier}-${f.region}-shipments`}>
                      {formatNumber(f.shipments)}
                    </span>,
                    formatDays(f.currentMedianHours),
                    formatDays(f.baselineMedianHours),
                    `${f.slowdown.toFixed(1)}×`,
                    f.fastest
                      ? `${f.fastest.carrierName} (${formatDays(f.fastest.currentMedianHours)}, ${formatNumber(f.fastest.shipments)} shipments)`
                      : "No other carrier with enough shipments",
                  ])}
                />
              </Card>
            ) : null}
            <Card padding="0">
              <Box padding="400">
                <BlockStack gap="100">
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd">
                      Every lane with shipments in transit
                    </Text>
                    {result ? (
                      <Text
                        as="span"
                        tone="subdued"
                      >{`Evaluated ${formatDateTime(result.evaluatedAt, timeZone)} (store time)`}</Text>
                    ) : null}
                  </InlineStack>
                  <Text as="p" variant="bodySm" tone="subdued">
                    {rule}
                  </Text>
                </BlockStack>
              </Box>
              {!result || result.lanes.length === 0 ? (
                <EmptyState
                  heading="No lane has enough shipments in transit"
                  image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
                >
                  <p>{`Lanes appear once a carrier has ${MIN_CURRENT_SHIPMENTS} or more shipments in transit to one region. ${result ? `${formatNumber(result.inTransit)} shipments are in transit now.` : ""}`}</p>
                </EmptyState>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "numeric", "numeric", "text"]}
                  headings={[
                    "Carrier",
                    "Region",
                    "In transit",
                    "Since last scan now",
                    "On a normal day",
                    "On a slow day",
                    "Parcels learned from",
                    "Status",
                  ]}
                  rows={result.lanes.map((l) => [
                    l.carrierName,
                    l.regionName,
                    formatNumber(l.shipments),
                    formatDays(l.currentMedianHours),
                    formatDays(l.baselineMedianHours),
                    formatDays(l.baselineP75Hours),
                    formatNumber(l.baselineSamples),
                    l.stalling ? (
                      <Badge key="s" tone="warning">
                        Stalling
                      </Badge>
                    ) : l.baselineMedianHours === null ? (
                      <Badge key="s">Learning</Badge>
                    ) : (
                      <Badge key="s" tone="success">
                        Normal
                      </Badge>
                    ),
                  ])}
                />
              )}
              {result?.truncated ? (
                <Box padding="400">
                  <Text
                    as="p"
                    tone="subdued"
                  >{`Evaluated over the ${formatNumber(result.inTransit)} longest-waiting shipments in transit.`}</Text>
                </Box>
              ) : null}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Carrier bottlenecks" />;
}
