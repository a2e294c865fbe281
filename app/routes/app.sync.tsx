import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { formatDateTime } from "../components/format";
import { AdminRouteError } from "../components/RouteError";
import { syncAction, syncPage } from "../admin/sync.server";
import { requireShop } from "../admin/shop.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireShop(request);
  return syncPage(shop);
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireShop(request);
  return syncAction(shop, await request.formData());
};

export default function Sync() {
  const { view, timezone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const [days, setDays] = useState(String(view.import.days));
  const running = view.import.status === "running";
  // While the import runs, the bar follows it.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.state === "idle" && revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  const when = (iso: string | null) => (iso ? formatDateTime(iso, timezone) : "not yet");
  return (
    <Page title="Import and sync" subtitle="Orders read from Shopify besides its webhooks">
      <Layout>
        {view.problem && (
          <Layout.Section>
            <Banner tone="critical" title="Sync is paused">
              <p>{view.problem}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Import of recent orders
              </Text>
              <Text as="p">{view.import.headline}</Text>
              <ProgressBar progress={view.import.percent} tone={running ? "highlight" : "success"} />
              <Text as="p" tone="subdued">
                Started {when(view.import.startedAt)}; finished {when(view.import.finishedAt)}. Customers are not told
                about what happened before the first import; the dashboard and delivery estimates use it.
              </Text>
              <Form method="post">
                <input type="hidden" name="intent" value="import" />
                <InlineStack gap="300" blockAlign="end">
                  <TextField
                    label="Days to import"
                    name="days"
                    type="number"
                    min={1}
                    max={365}
                    value={days}
                    onChange={setDays}
                    autoComplete="off"
                    error={result && !result.ok ? result.error : undefined}
                  />
                  <Button submit loading={navigation.state === "submitting"} disabled={running}>
                    Import again
                  </Button>
                </InlineStack>
              </Form>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Sync health
              </Text>
              <Text as="p" variant="headingLg">
                {view.reconcile.headline}
              </Text>
              <Text as="p">
                Every 15 minutes Waypoint asks Shopify for the orders that changed and applies what webhooks missed.
                Last run: {when(view.reconcile.lastRunAt)} ({view.reconcile.lastRecovered} recovered). Next run:{" "}
                {view.reconcile.paused ? "paused" : when(view.reconcile.nextRunAt)}.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <AdminRouteError title="Import and sync" />;
}
