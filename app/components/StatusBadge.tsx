// Badges for a shipment's status and a notification's status, the same everywhere in the admin.
import { Badge, InlineStack, Tooltip } from "@shopify/polaris";

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

export function ShipmentStatusBadge(props: {
  subStatus: string;
  label: string;
  delayed?: boolean;
  needsAttention?: boolean;
}) {
  return (
    <InlineStack gap="100" wrap={false}>
      <Badge
        tone={SHIPMENT_TONES[props.subStatus]}
        progress={props.subStatus === "delivered" || props.subStatus === "picked_up" ? "complete" : "partiallyComplete"}
      >
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

// What the provider reported after accepting a message (app/notifications/rules/delivery-status.ts). Not delivered is what
// support acts on, so it is critical; a deferral may still arrive, so it only asks for attention.
const DELIVERY_TONES: Record<string, Tone> = {
  delivered: "success",
  opened: "success",
  bounced: "critical",
  undelivered: "critical",
  dropped: "critical",
  failed: "critical",
  deferred: "attention",
  sent: undefined,
};
const DELIVERY_LABELS: Record<string, string> = {
  sent: "Accepted",
  deferred: "Deferred",
  delivered: "Delivered",
  opened: "Opened",
  undelivered: "Undelivered",
  failed: "Failed",
  bounced: "Bounced",
  dropped: "Dropped",
};

/** A message the dev outbox kept: sent nowhere, because no email or SMS account is set up. */
export function OutboxOnlyBadge({ channel }: { channel: string }) {
  const account = channel === "sms" ? "Twilio" : "SendGrid";
  return (
    <Tooltip
      content={`No ${account} account is set up, so this was kept in Waypoint's outbox and not sent to the customer. Add one in Settings.`}
    >
      <Badge tone="attention">Outbox only</Badge>
    </Tooltip>
  );
}

/** The delivery report as a badge; the provider's reason on hover. Nothing when there is no report. */
export function DeliveryStatusBadge({ status, reason }: { status: string | null; reason?: string | null }) {
  if (!status) return null;
  const badge = <Badge tone={DELIVERY_TONES[status]}>{DELIVERY_LABELS[status] ?? status}</Badge>;
  return reason ? <Tooltip content={reason}>{badge}</Tooltip> : badge;
}
