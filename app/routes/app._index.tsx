import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import db from "../db.server";
import { shopOverview } from "../services/overview.server";
import { authenticate } from "../shopify.server";

const STAGES = [
  { stage: 1, label: "Confirmed" },
  { stage: 2, label: "Label created" },
  { stage: 3, label: "In transit" },
  { stage: 4, label: "Delivery" },
  { stage: 5, label: "Returns" },
] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return shopOverview(db, session.shop);
};

export default function Overview() {
  const data = useLoaderData<typeof loader>();
  return (
    <Page title="Overview">
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 5 }} gap="400">
            {STAGES.map(({ stage, label }) => (
              <Card key={stage}>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingSm">{label}</Text>
                  <Text as="p" variant="heading2xl">{data.byStage[stage]}</Text>
                </BlockStack>
              </Card>
            ))}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">Needs attention</Text>
              <Text as="p">
                <Badge tone={data.exceptions ? "warning" : "success"}>{`${data.exceptions} delayed or failed`}</Badge>{" "}
                <Badge tone={data.failedReceipts ? "critical" : "success"}>{`${data.failedReceipts} failed webhooks`}</Badge>{" "}
                <Badge tone={data.deadJobs ? "critical" : "success"}>{`${data.deadJobs} dead-lettered jobs`}</Badge>{" "}
                <Badge>{`${data.queued} jobs waiting`}</Badge>
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
