// A return on its shipment's page: the journey the shopper sees (with each step's date), the label to
// print, the refund, and what comes back and why. Data from app/admin/return-case.server.ts.
import { Badge, BlockStack, Button, Card, DataTable, InlineStack, Text } from "@shopify/polaris";
import type { ReturnCaseView } from "../admin/return-case.server";
import { formatMoney } from "../notifications/templates/format";
import { formatDate, formatDateTime } from "./format";

const TONE = { done: "success", current: "attention", todo: undefined } as const;

export function ReturnCaseCard({ rc, timeZone }: { rc: ReturnCaseView; timeZone: string }) {
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center">
          <Text as="h2" variant="headingMd">
            {rc.name ? `Return ${rc.name}` : "Return"}
          </Text>
          <Badge tone={rc.ended ? "critical" : undefined}>{rc.statusLabel}</Badge>
        </InlineStack>
        {!rc.parcel && !rc.ended ? (
          <Text as="p" tone="subdued">
            No return shipment yet: the customer has no label or tracking number. This is the order&apos;s return case;
            it becomes a parcel once a label is attached in Shopify.
          </Text>
        ) : null}
        {rc.ended === "declined" ? (
          <BlockStack gap="100">
            <Text as="p">Declined{rc.declineReason ? `: ${rc.declineReason}` : ""}</Text>
            {rc.declineNote ? (
              <Text as="p" tone="subdued">
                Note to the customer: {rc.declineNote}
              </Text>
            ) : null}
          </BlockStack>
        ) : null}
        {rc.ended ? null : (
          <ol
            style={{ listStyle: "none", margin: 0, padding: 0 }}
            aria-label="Return progress"
            data-figure="return-steps"
          >
            {rc.steps.map((s) => (
              <li key={s.step} style={{ paddingBlockEnd: 6 }}>
                <InlineStack gap="200" blockAlign="center">
                  <Badge tone={TONE[s.state]}>
                    {s.state === "done" ? "Done" : s.state === "current" ? "Next" : "To do"}
                  </Badge>
                  <Text as="span" fontWeight={s.state === "current" ? "bold" : "regular"}>
                    {s.label}
                  </Text>
                  {s.at ? (
                    <Text as="span" tone="subdued">
                      {formatDateTime(s.at, timeZone)}
                    </Text>
                  ) : null}
                </InlineStack>
              </li>
            ))}
          </ol>
        )}
        {rc.labelUrl ? (
          <InlineStack>
            <Button url={rc.labelUrl} target="_blank">
              Print return label
            </Button>
          </InlineStack>
        ) : null}
        {rc.refund ? (
          <Text as="p" tone="success">
            Refunded {formatMoney(rc.refund.amountCents, rc.refund.currency, "en-US") ?? ""} on{" "}
            {formatDate(rc.refund.at, timeZone)}
          </Text>
        ) : null}
        {rc.items.length > 0 ? (
          <DataTable
            columnContentTypes={["text", "numeric", "text"]}
            headings={["Item coming back", "Qty", "Reason"]}
            rows={rc.items.map((i) => [
              i.title,
              i.quantity,
              [i.reason, i.reasonNote, i.customerNote ? `Customer: “${i.customerNote}”` : null]
                .filter(Boolean)
                .join(" · ") || "—",
            ])}
          />
        ) : null}
      </BlockStack>
    </Card>
  );
}
