import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  SkeletonBodyText,
  Text,
  Tooltip,
  Icon,
} from "@shopify/polaris";
import { InfoIcon } from "@shopify/polaris-icons";
import { BarChart } from "@shopify/polaris-viz";
import type { ReactNode } from "react";
import { BottleneckBanner } from "../components/BottleneckBanner";
import { ClientOnly } from "../components/ClientOnly";
import { DateRangePicker } from "../components/DateRangePicker";
import { formatDateTime, formatDays, formatMoney, formatNumber, formatPercent, isoDay } from "../components/format";
import { AdminRouteError } from "../components/RouteError";
import { type Dashboard, overviewPage } from "../admin/dashboard.server";
import { requireShop } from "../admin/shop.server";
import { DAY_MS } from "../lib/time";

const STAGES = [
  { stage: 1, label: "Confirmed" },
  { stage: 2, label: "Label created" },
  { stage: 3, label: "In transit" },
  { stage: 4, label: "Delivery" },
  { stage: 5, label: "Returns" },
] as const;

const REASONS: Record<Dashboard["exceptions"]["rows"][number]["reason"], string> = {
  delayed: "Delayed",
  attempted_delivery: "Delivery attempted",
  failure: "Delivery failed",
  no_scan: "No scan",
};

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return overviewPage(shop, new URL(request.url).searchParams);
};

/** A figure the e2e test reads back and compares with the database. */
function Figure({ name, children }: { name: string; children: ReactNode }) {
  return <span data-figure={name}>{children}</span>;
}

function Help({ content }: { content: string }) {
  return (
    <Tooltip content={content} preferredPosition="above" width="wide">
      <span aria-label={content} style={{ display: "inline-flex" }}>
        <Icon source={InfoIcon} tone="subdued" />
      </span>
    </Tooltip>
  );
}

function Metric({ label, value, name, help }: { label: string; value: string; name: string; help?: string }) {
  return (
    <BlockStack gap="100">
      <InlineStack gap="100" blockAlign="center">
        <Text as="h3" variant="bodySm" tone="subdued">
          {label}
        </Text>
        {help ? <Help content={help} /> : null}
      </InlineStack>
      <Text as="p" variant="headingLg">
        <Figure name={name}>{value}</Figure>
      </Text>
    </BlockStack>
  );
}

function ChartFallback({ height = 220 }: { height?: number }) {
  return (
    <Box minHeight={`${height}px`}>
      <SkeletonBodyText lines={6} />
    </Box>
  );
}

export default function Overview() {
  const { dashboard: d, today } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app";

  if (!d) {
    return (
      <Page title="Overview">
        <Card>
          <EmptyState
            heading="Waypoint is finishing its setup"
            image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
          >
            <p>Your store&apos;s settings are being created. Reload this page in a moment.</p>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const fromDay = d.range.from.slice(0, 10);
  const toDay = isoDay(new Date(new Date(d.range.to).getTime() - DAY_MS));
  const totalTracked = Object.values(d.byStage).reduce((a, b) => a + b, 0);
  const money = (cents: number) => formatMoney(cents, d.currency);
  const wismoHelp =
    `Estimated tickets avoided = (tracking-page sessions + order lookups + message click-throughs) × ${Math.round(d.wismo.deflectionRate * 100)}%, ` +
    `the share of those visits we assume would otherwise have become a "where is my order?" ticket. ` +
    `Support cost avoided = tickets avoided × your cost per ticket (${money(d.costPerTicketCents)}, set in Settings).`;

  return (
    <Page
      title="Overview"
      subtitle={`${fromDay} to ${toDay} (UTC)`}
      secondaryActions={[{ content: "Shipments", url: "/app/shipments" }]}
    >
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="p" tone="subdued">
            Stages and exceptions are live; the other figures cover the selected dates.
          </Text>
          <DateRangePicker from={fromDay} to={toDay} today={today} />
        </InlineStack>

        <BottleneckBanner flags={d.bottlenecks} />
        {d.notifications.inDoubt > 0 ? (
          <Banner
            tone="warning"
            title={`${formatNumber(d.notifications.inDoubt)} ${d.notifications.inDoubt === 1 ? "message" : "messages"} may not have been delivered`}
            action={{ content: "Review and resend", url: "/app/failures#in-doubt" }}
          >
            <p>Sending was interrupted and the provider cannot tell whether they went out.</p>
          </Banner>
        ) : null}
        {d.pipeline.failedReceipts + d.pipeline.deadJobs > 0 ? (
          <Banner
            tone="critical"
            title="Some updates could not be processed"
            action={{ content: "Review failures", url: "/app/failures" }}
          >
            <p>
              {formatNumber(d.pipeline.failedReceipts)} failed webhooks and {formatNumber(d.pipeline.deadJobs)}{" "}
              dead-lettered jobs. Replaying them applies the updates they carry.
            </p>
          </Banner>
        ) : null}

        {totalTracked === 0 ? (
          <Card>
            <EmptyState
              heading="No orders tracked yet"
              action={{ content: "Open settings", url: "/app/settings" }}
              image="https://cdn.shopify.com/s/files/1/0262/4071/2726/files/emptystate-files.png"
            >
              <p>
                Waypoint starts tracking as soon as your store receives an order. Meanwhile, set your branding and
                notifications.
              </p>
            </EmptyState>
          </Card>
        ) : null}

        <div style={{ opacity: loading ? 0.5 : 1, transition: "opacity 150ms" }} aria-busy={loading}>
          <Layout>
            <Layout.Section>
              <Card>
                <BlockStack gap="400">
                  <Text as="h2" variant="headingMd">
                    Shipments by stage
                  </Text>
                  <InlineGrid columns={{ xs: 2, md: 5 }} gap="400">
                    {STAGES.map(({ stage, label }) => (
                      <RemixLink
                        key={stage}
                        to={`/app/shipments?stage=${stage}`}
                        style={{ color: "inherit", textDecoration: "none" }}
                      >
                        <Metric label={label} value={formatNumber(d.byStage[stage])} name={`stage-${stage}`} />
                      </RemixLink>
                    ))}
                  </InlineGrid>
                  <ClientOnly fallback={<ChartFallback />}>
                    {() => (
                      <div style={{ height: 220 }} data-chart="stages">
                        <BarChart
                          theme="Light"
                          showLegend={false}
                          data={[
                            {
                              name: "Shipments",
                              data: STAGES.map(({ stage, label }) => ({ key: label, value: d.byStage[stage] })),
                            },
                          ]}
                        />
                      </div>
                    )}
                  </ClientOnly>
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section variant="oneThird">
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd">
                      Needs action
                    </Text>
                    <Badge
                      tone={d.exceptions.total ? "warning" : "success"}
                    >{`${formatNumber(d.exceptions.total)} open`}</Badge>
                  </InlineStack>
                  <InlineGrid columns={2} gap="300">
                    <Metric label="Delayed" value={formatNumber(d.exceptions.delayed)} name="exceptions-delayed" />
                    <Metric
                      label="Delivery attempted"
                      value={formatNumber(d.exceptions.attempted)}
                      name="exceptions-attempted"
                    />
                    <Metric
                      label="Delivery failed"
                      value={formatNumber(d.exceptions.failure)}
                      name="exceptions-failure"
                    />
                    <Metric
                      label={`No scan for ${d.noScanAlertDays}+ days`}
                      value={formatNumber(d.exceptions.noScan)}
                      name="exceptions-no-scan"
                    />
                  </InlineGrid>
                  <Link url="/app/shipments?exception=any">View all exceptions</Link>
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section>
              <Card padding="0">
                <Box padding="400">
                  <Text as="h2" variant="headingMd">
                    Oldest exceptions
                  </Text>
                </Box>
                {d.exceptions.rows.length === 0 ? (
                  <Box padding="400" paddingBlockStart="0">
                    <Text as="p" tone="subdued">
                      Nothing needs action right now.
                    </Text>
                  </Box>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text", "text"]}
                    headings={["Order", "Reason", "Carrier", "Last scan", "Last location"]}
                    rows={d.exceptions.rows.map((r) => [
                      <RemixLink key={r.id} to={`/app/shipments/${r.id}`}>
                        {r.orderName ?? "Shipment"}
                      </RemixLink>,
                      REASONS[r.reason],
                      r.carrier ?? "—",
                      formatDateTime(r.lastEventAt),
                      r.lastLocation ?? "—",
                    ])}
                  />
                )}
              </Card>
            </Layout.Section>

            <Layout.Section variant="oneThird">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    On-time delivery
                  </Text>
                  <Metric
                    label="Delivered within the promised window"
                    value={formatPercent(d.onTime.rate)}
                    name="on-time-rate"
                    help="Shipments delivered in the selected dates on or before the end of the delivery window promised at checkout, out of those that had a window."
                  />
                  <Text as="p" tone="subdued">
                    <Figure name="on-time-count">{formatNumber(d.onTime.onTime)}</Figure> of{" "}
                    <Figure name="on-time-with-window">{formatNumber(d.onTime.withWindow)}</Figure> deliveries with a
                    promised window ({formatNumber(d.onTime.delivered)} delivered in all).
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section>
              <Card padding="0">
                <Box padding="400">
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingMd">
                      Speed per carrier
                    </Text>
                    <Text as="p" tone="subdued">
                      Median days from order to shipment and from shipment to delivery, from the daily lane statistics.
                    </Text>
                  </BlockStack>
                </Box>
                {d.carriers.length === 0 ? (
                  <Box padding="400" paddingBlockStart="0">
                    <Text as="p" tone="subdued">
                      No deliveries measured in these dates yet.
                    </Text>
                  </Box>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                    headings={["Carrier", "Order to ship", "Orders", "Ship to deliver", "Deliveries"]}
                    rows={d.carriers.map((c) => [
                      c.carrierName,
                      <Figure key="p" name={`median-ship-${c.carrier || "all"}`}>
                        {formatDays(c.orderToShipHours)}
                      </Figure>,
                      formatNumber(c.orderToShipSamples),
                      <Figure key="t" name={`median-deliver-${c.carrier || "all"}`}>
                        {formatDays(c.shipToDeliverHours)}
                      </Figure>,
                      formatNumber(c.shipToDeliverSamples),
                    ])}
                  />
                )}
              </Card>
            </Layout.Section>

            <Layout.Section variant="oneThird">
              <Card>
                <BlockStack gap="300">
                  <InlineStack gap="100" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      &ldquo;Where is my order?&rdquo; deflection
                    </Text>
                    <Help content={wismoHelp} />
                  </InlineStack>
                  <InlineGrid columns={2} gap="300">
                    <Metric
                      label="Tracking-page sessions"
                      value={formatNumber(d.wismo.pageViews)}
                      name="wismo-page-views"
                    />
                    <Metric label="Order lookups" value={formatNumber(d.wismo.lookups)} name="wismo-lookups" />
                    <Metric
                      label="Message click-throughs"
                      value={formatNumber(d.wismo.messageClicks)}
                      name="wismo-message-clicks"
                    />
                    <Metric
                      label="Tickets avoided (est.)"
                      value={formatNumber(d.wismo.ticketsAvoided)}
                      name="wismo-tickets"
                    />
                  </InlineGrid>
                  <Metric
                    label="Support cost avoided (est.)"
                    value={money(d.wismo.costAvoidedCents)}
                    name="wismo-cost"
                    help={wismoHelp}
                  />
                  <Text as="p" variant="bodySm" tone="subdued">
                    {wismoHelp}
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Notifications
                  </Text>
                  {d.notifications.total === 0 ? (
                    <Text as="p" tone="subdued">
                      No notifications in these dates.
                    </Text>
                  ) : (
                    <>
                      <DataTable
                        columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric"]}
                        headings={["Channel", "Sent", "Not delivered", "Failed", "Suppressed", "Pending or other"]}
                        rows={d.notifications.byChannel.map((c) => [
                          c.channel === "sms" ? "SMS" : "Email",
                          <Figure key="s" name={`notif-${c.channel}-sent`}>
                            {formatNumber(c.sent)}
                          </Figure>,
                          // Sent, then reported bounced/dropped/undelivered by the provider: what support acts on.
                          <Figure key="n" name={`notif-${c.channel}-not-delivered`}>
                            {formatNumber(c.notDelivered)}
                          </Figure>,
                          <Figure key="f" name={`notif-${c.channel}-failed`}>
                            {formatNumber(c.failed)}
                          </Figure>,
                          <Figure key="x" name={`notif-${c.channel}-suppressed`}>
                            {formatNumber(c.suppressed)}
                          </Figure>,
                          formatNumber(c.other),
                        ])}
                      />
                      <ClientOnly fallback={<ChartFallback height={180} />}>
                        {() => (
                          <div style={{ height: 180 }} data-chart="notifications">
                            <BarChart
                              theme="Light"
                              type="stacked"
                              direction="horizontal"
                              data={(["sent", "failed", "suppressed"] as const).map((status) => ({
                                name: status.charAt(0).toUpperCase() + status.slice(1),
                                data: d.notifications.byChannel.map((c) => ({
                                  key: c.channel === "sms" ? "SMS" : "Email",
                                  value: c[status],
                                })),
                              }))}
                            />
                          </div>
                        )}
                      </ClientOnly>
                    </>
                  )}
                  <Text as="p" tone="subdued">
                    SMS segments sent: <Figure name="sms-segments">{formatNumber(d.notifications.smsSegments)}</Figure>
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>

            <Layout.Section variant="oneThird">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Cross-sell on the tracking page
                  </Text>
                  <InlineGrid columns={2} gap="300">
                    <Metric
                      label="Impressions"
                      value={formatNumber(d.crossSell.impressions)}
                      name="xsell-impressions"
                    />
                    <Metric label="Clicks" value={formatNumber(d.crossSell.clicks)} name="xsell-clicks" />
                    <Metric label="Attributed orders" value={formatNumber(d.crossSell.orders)} name="xsell-orders" />
                    <Metric label="Attributed revenue" value={money(d.crossSell.revenueCents)} name="xsell-revenue" />
                  </InlineGrid>
                  <Text as="p" variant="bodySm" tone="subdued">
                    Click rate {formatPercent(d.crossSell.clickRate)}. An order is attributed when it came from a
                    recommendation on a tracking page.
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>
          </Layout>
        </div>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Overview" />;
}
