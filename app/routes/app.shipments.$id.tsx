import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link as RemixLink, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  Divider,
  InlineStack,
  Layout,
  Link,
  Page,
  Text,
} from "@shopify/polaris";
import { useState } from "react";
import { formatDate, formatDateTime, formatShortDateTime } from "../components/format";
import { NoteField } from "../components/NoteField";
import { ReturnCaseCard } from "../components/ReturnCaseCard";
import { AdminRouteError } from "../components/RouteError";
import {
  DeliveryStatusBadge,
  NotificationStatusBadge,
  OutboxOnlyBadge,
  ShipmentStatusBadge,
} from "../components/StatusBadge";
import { shipmentAction, shipmentPage } from "../admin/shipment-detail.server";
import { requireShop } from "../admin/shop.server";
import { factSourceLabel } from "../sources/rules/types";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return shipmentPage(shop, params.id);
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const ctx = await requireShop(request);
  return shipmentAction(ctx, params.id, await request.formData());
};

export default function ShipmentPage() {
  const { detail, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [note, setNote] = useState("");
  const s = detail.shipment;
  const o = detail.order;
  const busy = navigation.state === "submitting";
  const title = o ? `${o.name}${s.name && s.name !== o.name ? ` · ${s.name}` : ""}` : (s.name ?? "Shipment");
  const window =
    s.predictedStart && s.predictedEnd
      ? `${formatDate(s.predictedStart, timeZone)} – ${formatDate(s.predictedEnd, timeZone)}`
      : null;

  return (
    <Page
      title={title}
      titleMetadata={<ShipmentStatusBadge subStatus={s.subStatus} label={s.statusLabel} delayed={s.delayed} />}
      backAction={{ content: "Shipments", url: "/app/shipments" }}
      secondaryActions={o ? [{ content: "View order in Shopify", url: o.adminUrl, target: "_top" }] : []}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok ? <Banner tone="success" title={result.message ?? "Done"} /> : null}
            {result && !result.ok && result.fieldErrors.form ? (
              <Banner tone="critical" title={result.fieldErrors.form} />
            ) : null}
            {s.needsAttention ? (
              <Banner
                tone="warning"
                title={
                  s.subStatus === "failure"
                    ? "The carrier reports a delivery problem"
                    : "The carrier attempted delivery"
                }
              >
                <p>
                  Contact the customer or the carrier; a personal update below reaches the customer on their usual
                  channel.
                </p>
              </Banner>
            ) : null}

            {detail.returnCase ? <ReturnCaseCard rc={detail.returnCase} timeZone={timeZone} /> : null}

            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  As the customer sees it
                </Text>
                {detail.timeline.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No tracking updates yet.
                  </Text>
                ) : (
                  <ol style={{ listStyle: "none", margin: 0, padding: 0 }} data-figure="timeline">
                    {detail.timeline.map((t, i) => (
                      <li
                        key={`${t.at}-${i}`}
                        style={{
                          borderInlineStart: "2px solid var(--p-color-border)",
                          paddingInlineStart: 12,
                          paddingBlockEnd: 12,
                        }}
                      >
                        <BlockStack gap="050">
                          <Text as="p" fontWeight={i === 0 ? "bold" : "regular"}>
                            {t.label}
                          </Text>
                          <Text as="p" variant="bodySm" tone="subdued">
                            {[formatDateTime(t.at, timeZone), t.location].filter(Boolean).join(" · ")}
                          </Text>
                          {t.message && t.message !== t.label ? (
                            <Text as="p" variant="bodySm" tone="subdued">
                              {t.message}
                            </Text>
                          ) : null}
                        </BlockStack>
                      </li>
                    ))}
                  </ol>
                )}
              </BlockStack>
            </Card>

            <Card padding="0">
              <Box padding="400">
                <Text
                  as="h2"
                  variant="headingMd"
                >{`Every event (${detail.events.length}${detail.eventsTruncated ? "+" : ""})`}</Text>
              </Box>
              {detail.events.length === 0 ? (
                <Box padding="400" paddingBlockStart="0">
                  <Text as="p" tone="subdued">
                    No events recorded.
                  </Text>
                </Box>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={["Happened", "Status", "Source", "Location", "Message"]}
                  rows={detail.events.map((e) => [
                    formatShortDateTime(e.at, timeZone),
                    <BlockStack key={e.id} gap="0">
                      <Text as="span">{e.label}</Text>
                      <Text as="span" tone="subdued" variant="bodySm">
                        {e.status}
                      </Text>
                    </BlockStack>,
                    e.source.split(", ").map(factSourceLabel).join(", "),
                    e.location ?? "—",
                    e.message ?? "—",
                  ])}
                  truncate
                />
              )}
              {detail.eventsTruncated ? (
                <Box padding="400">
                  <Text as="p" tone="subdued">
                    Showing the newest 500 events.
                  </Text>
                </Box>
              ) : null}
            </Card>

            <Card padding="0">
              <Box padding="400">
                <Text as="h2" variant="headingMd">
                  Notifications
                </Text>
              </Box>
              {detail.notifications.length === 0 ? (
                <Box padding="400" paddingBlockStart="0">
                  <Text as="p" tone="subdued">
                    No messages for this shipment yet.
                  </Text>
                </Box>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={["Message", "Status", "Delivery", "Recipient", "Error"]}
                  rows={detail.notifications.map((n) => [
                    <BlockStack key="m" gap="050">
                      <Text as="span">{`${n.milestone.replaceAll("_", " ")} · ${n.channel === "sms" ? `SMS${n.segments ? ` (${n.segments} seg.)` : ""}` : "Email"}`}</Text>
                      <Text as="span" variant="bodySm" tone="subdued">
                        {formatShortDateTime(n.sentAt ?? n.createdAt, timeZone)}
                      </Text>
                    </BlockStack>,
                    <NotificationStatusBadge key={n.id} status={n.status} />,
                    n.deliveryStatus ? (
                      <div key="d" style={{ whiteSpace: "normal", maxWidth: 220 }} data-delivery={n.deliveryStatus}>
                        <BlockStack gap="050" inlineAlign="start">
                          <DeliveryStatusBadge status={n.deliveryStatus} reason={n.deliveryError} />
                          <Text as="span" variant="bodySm" tone="subdued" breakWord>
                            {[
                              n.deliveryError,
                              n.deliveryUpdatedAt ? formatShortDateTime(n.deliveryUpdatedAt, timeZone) : null,
                            ]
                              .filter(Boolean)
                              .join(" · ")}
                          </Text>
                        </BlockStack>
                      </div>
                    ) : n.provider === "dev-outbox" && n.status === "sent" ? (
                      <div key="d" data-delivery="outbox">
                        <OutboxOnlyBadge channel={n.channel} />
                      </div>
                    ) : (
                      "—"
                    ),
                    n.recipient ?? "—",
                    n.error ? (
                      <div key="e" style={{ whiteSpace: "normal", maxWidth: 260 }}>
                        <Text
                          as="span"
                          variant="bodySm"
                          tone={n.status === "failed" ? "critical" : "subdued"}
                          breakWord
                        >
                          {`${n.error}${n.errorKind ? ` (${n.errorKind})` : ""}`}
                        </Text>
                      </div>
                    ) : (
                      "—"
                    ),
                  ])}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Shipment
                </Text>
                <Text as="p">{s.carrier ?? "Carrier not known yet"}</Text>
                {/* Shopify's fulfillment service, not a shipping service: "manual" is the store itself. */}
                {s.service ? (
                  <Text as="p" tone="subdued">
                    {s.service === "manual"
                      ? "Fulfilled by the store"
                      : `Fulfilled by ${s.service} (fulfillment service)`}
                  </Text>
                ) : null}
                {s.trackingNumbers.map((n, i) => (
                  <Text as="p" key={n}>
                    {s.trackingUrls[i] ? (
                      <Link url={s.trackingUrls[i]} target="_blank">
                        {n}
                      </Link>
                    ) : (
                      n
                    )}
                  </Text>
                ))}
                <Divider />
                <Text as="p" tone="subdued">
                  Destination: {s.destination ?? "—"}
                </Text>
                <Text as="p" tone="subdued">
                  Last location: {s.lastLocation ?? "—"}
                </Text>
                <Text as="p" tone="subdued">
                  Last scan: {formatDateTime(s.lastEventAt, timeZone)}
                </Text>
                {s.estimate ? (
                  <Text as="p">
                    Customer sees: {formatDate(s.estimate.start, timeZone)}
                    {s.estimate.end.slice(0, 10) !== s.estimate.start.slice(0, 10)
                      ? ` – ${formatDate(s.estimate.end, timeZone)}`
                      : ""}
                  </Text>
                ) : null}
                {window ? (
                  <Text as="p" tone="subdued">
                    Promised window: {window}
                  </Text>
                ) : null}
                {s.carrierEdd ? (
                  <Text as="p" tone="subdued">
                    Carrier estimate: {formatDate(s.carrierEdd, timeZone)}
                  </Text>
                ) : null}
                {s.delayed ? (
                  <Text as="p" tone="caution">
                    Delayed{s.delayReason ? ` (${s.delayReason.replaceAll("_", " ")})` : ""}
                  </Text>
                ) : null}
                {s.deliveredAt ? (
                  <Text as="p" tone="success">
                    Delivered {formatDateTime(s.deliveredAt, timeZone)}
                  </Text>
                ) : null}
              </BlockStack>
            </Card>

            {o ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Order
                  </Text>
                  <Link url={o.adminUrl} target="_top">{`Open ${o.name} in Shopify admin`}</Link>
                  <Text as="p" tone="subdued">
                    Placed {formatDateTime(o.processedAt, timeZone)}
                  </Text>
                  <Text as="p" tone="subdued">
                    {[o.customerFirstName, o.email, o.phone].filter(Boolean).join(" · ") || "No contact details"}
                  </Text>
                  {detail.siblings.length > 0 ? (
                    <BlockStack gap="100">
                      <Text as="h3" variant="headingSm">
                        Other shipments of this order
                      </Text>
                      {detail.siblings.map((x) => (
                        <RemixLink
                          key={x.id}
                          to={`/app/shipments/${x.id}`}
                        >{`${x.name ?? "Shipment"} · ${x.statusLabel}`}</RemixLink>
                      ))}
                    </BlockStack>
                  ) : null}
                </BlockStack>
              </Card>
            ) : null}

            <Card>
              <Form method="post">
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Send a personal update
                  </Text>
                  <input type="hidden" name="intent" value="personal_update" />
                  <NoteField
                    label="Note to the customer"
                    name="note"
                    value={note}
                    onChange={setNote}
                    rows={4}
                    helpText="Sent with the shipment's current status and tracking link."
                    error={result && !result.ok ? result.fieldErrors.note : undefined}
                  />
                  <InlineStack align="end" gap="200">
                    <Button
                      submit
                      variant="primary"
                      loading={busy && navigation.formData?.get("intent") === "personal_update"}
                    >
                      Send update
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Form>
              <Box paddingBlockStart="300">
                <Form method="post">
                  <input type="hidden" name="intent" value="resend" />
                  <Button submit variant="plain" loading={busy && navigation.formData?.get("intent") === "resend"}>
                    Resend the current update
                  </Button>
                </Form>
              </Box>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Shipment" />;
}
