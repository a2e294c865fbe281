// The block's layout of an OrderStatusFound (contract.ts): per parcel its status, the stages as the
// tracking page names them (a progress bar and one line per step), the estimate, any notice, and the
// carrier's page. No logic of its own: the backend computed every word.
import {
  Banner,
  BlockStack,
  Heading,
  InlineStack,
  Link,
  Progress,
  Text,
  TextBlock,
} from "@shopify/ui-extensions-react/customer-account";
import type { OrderStatusFound, OrderStatusStages, StepState } from "./contract";

const APPEARANCE: Record<StepState, "success" | "accent" | "subdued"> = {
  done: "success",
  current: "accent",
  todo: "subdued",
};
const MARK: Record<StepState, string> = { done: "✓", current: "●", todo: "○" };

function Stages({ stages }: { stages: OrderStatusStages }) {
  const done = stages.steps.filter((s) => s.state === "done").length;
  const current = stages.steps.some((s) => s.state === "current") ? 0.5 : 0;
  return (
    <BlockStack spacing="extraTight">
      <Progress value={done + current} max={stages.steps.length} accessibilityLabel={stages.text} />
      <InlineStack spacing="base">
        {stages.steps.map((step) => (
          <Text
            key={step.label}
            appearance={APPEARANCE[step.state]}
            emphasis={step.state === "current" ? "bold" : undefined}
          >
            {`${MARK[step.state]} ${step.label}`}
          </Text>
        ))}
      </InlineStack>
    </BlockStack>
  );
}

export function TrackerView({ view, title }: { view: OrderStatusFound; title: string }) {
  return (
    <BlockStack spacing="base">
      <Heading level={2}>{title}</Heading>
      {view.cancelled ? <Banner status="warning">{view.cancelled}</Banner> : null}
      {view.waiting ? (
        <BlockStack spacing="tight">
          <Text emphasis="bold">{view.statusLabel}</Text>
          <Stages stages={view.waiting.stages} />
          <TextBlock appearance="subdued">{view.waiting.text}</TextBlock>
        </BlockStack>
      ) : null}
      {view.shipments.map((s) => (
        <BlockStack key={s.id} spacing="tight">
          {s.title ? <Heading level={3}>{s.title}</Heading> : null}
          <Text emphasis="bold">{s.statusLabel}</Text>
          <Stages stages={s.stages} />
          {s.notice ? <Banner status="warning">{s.notice}</Banner> : null}
          {s.estimate ? (
            <TextBlock>
              <Text appearance="subdued">{`${s.estimate.label}: `}</Text>
              <Text>{s.estimate.text}</Text>
            </TextBlock>
          ) : null}
          {s.trackingNumber ? (
            <TextBlock appearance="subdued">{`${s.trackingNumber.label}: ${s.trackingNumber.value}`}</TextBlock>
          ) : null}
          {s.carrierLink ? (
            <Link to={s.carrierLink.url} external>
              {s.carrierLink.text}
            </Link>
          ) : null}
        </BlockStack>
      ))}
    </BlockStack>
  );
}
