// Badges for a shipment's status and a notification's status, the same everywhere in the admin.
import { Badge, InlineStack } from "@shopify/polaris";

type Tone = "success" | "info" | "attention" | "warning" | "critical" | undefined;

const SHIPMENT_TONES: Record<string, Tone> = {
  delivered: "success",
  picked_up: "success",
  in_transit: "info",
  out_for_delivery: "info",
  ready_for_pickup: "attention",
  attempted_delivery: "warning",
  failure: "critical",
  cancelled: undefined,
  refunded: "success",
};

export function ShipmentStatusBadge(props: { subStatus: string; label: string; delayed?: boolean; needsAttention?: boolean }) {
  return (
    <InlineStack gap="100" wrap={false}>
      <Badge tone={SHIPMENT_TONES[props.subStatus]} progress={props.subStatus === "delivered" || props.subStatus === "picked_up" ? "complete" : "partiallyComplete"}>
        {props.label}
      </Badge>
      {props.delayed ? <Badge tone="warning">Delayed</Badge> : null}
    </InlineStack>
  );
}

const NOTIFICATION_TONES: Record<string, Tone> = {
  sent: "success",
  failed: "critical",
  suppressed: undefined,
  discarded: undefined,
  draft: "attention",
  queued: "info",
  deferred: "info",
  sending: "info",
};

export function NotificationStatusBadge({ status }: { status: string }) {
  return <Badge tone={NOTIFICATION_TONES[status]}>{status.charAt(0).toUpperCase() + status.slice(1)}</Badge>;
}
