// Waypoint's block on the order status page (customer accounts): asks the app's backend for this order's
// tracking with the extension's session token (verified server-side), then lays out the answer.
import { useEffect, useState } from "react";
import {
  BlockStack,
  Heading,
  reactExtension,
  SkeletonTextBlock,
  TextBlock,
  useApi,
  useLanguage,
  useOrder,
  useTranslate,
} from "@shopify/ui-extensions-react/customer-account";
import { APP_URL } from "./config";
import type { OrderStatusFound, OrderStatusResponse } from "./contract";
import { TrackerView } from "./TrackerView";

export const TARGET = "customer-account.order-status.block.render";

export default reactExtension(TARGET, () => <OrderStatusBlock />);

type State =
  { kind: "loading" } | { kind: "found"; view: OrderStatusFound } | { kind: "unavailable" } | { kind: "error" };

export function OrderStatusBlock() {
  const { sessionToken } = useApi<typeof TARGET>();
  const order = useOrder();
  const language = useLanguage();
  const translate = useTranslate();
  const [state, setState] = useState<State>({ kind: "loading" });
  const orderId = order?.id;
  const locale = language.isoCode;

  useEffect(() => {
    if (!orderId) return;
    let live = true;
    void (async () => {
      try {
        const token = await sessionToken.get();
        const query = new URLSearchParams({ order: orderId, locale });
        const res = await fetch(`${APP_URL}/api/order-status?${query.toString()}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (res.status === 404) return live && setState({ kind: "unavailable" });
        if (!res.ok) return live && setState({ kind: "error" });
        const body = (await res.json()) as OrderStatusResponse;
        if (live) setState(body.found ? { kind: "found", view: body } : { kind: "unavailable" });
      } catch {
        if (live) setState({ kind: "error" });
      }
    })();
    return () => {
      live = false;
    };
  }, [orderId, locale, sessionToken]);

  const title = translate("title");
  if (state.kind === "found") return <TrackerView view={state.view} title={title} />;
  return (
    <BlockStack spacing="base">
      <Heading level={2}>{title}</Heading>
      {state.kind === "loading" ? <SkeletonTextBlock lines={2} /> : null}
      {state.kind === "unavailable" ? <TextBlock appearance="subdued">{translate("unavailable")}</TextBlock> : null}
      {state.kind === "error" ? <TextBlock appearance="critical">{translate("error")}</TextBlock> : null}
    </BlockStack>
  );
}
