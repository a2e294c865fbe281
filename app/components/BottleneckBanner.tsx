// Carrier stalls as a warning banner (dashboard and bottlenecks page).
import { Banner, List } from "@shopify/polaris";

export interface BottleneckFlagView {
  carrier: string;
  region: string;
  sentence: string;
}

export function BottleneckBanner({ flags, linkToPage = true }: { flags: BottleneckFlagView[]; linkToPage?: boolean }) {
  if (flags.length === 0) return null;
  const title =
    flags.length === 1 ? "A carrier is stalling in one region" : `Carriers are stalling in ${flags.length} regions`;
  return (
    <Banner
      tone="warning"
      title={title}
      action={linkToPage ? { content: "View carrier bottlenecks", url: "/app/bottlenecks" } : undefined}
    >
      <List type="bullet">
        {flags.slice(0, 5).map((f) => (
          <List.Item key={`${f.carrier}|${f.region}`}>{f.sentence}</List.Item>
        ))}
      </List>
    </Banner>
  );
}
