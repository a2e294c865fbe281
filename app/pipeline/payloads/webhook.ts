// Raw webhook bodies and dispatch: the body text read with big ids kept exact, then parsed by its
// X-Shopify-Topic with the parser of its resource.
import {
  type AppScopesUpdateRecord,
  type AppUninstalledRecord,
  parseAppScopesUpdate,
  parseAppUninstalled,
} from "./app";
import {
  type CustomersDataRequestRecord,
  type CustomersRedactRecord,
  parseCustomersDataRequest,
  parseCustomersRedact,
  parseShopRedact,
  type ShopRedactRecord,
} from "./compliance";
import { PayloadError } from "./fields";
import { type FulfillmentEventRecord, parseFulfillmentEvent } from "./fulfillment-events";
import { type FulfillmentRecord, parseFulfillment } from "./fulfillments";
import { type OrderRecord, parseOrder } from "./orders";
import { parseRefund, type RefundRecord } from "./refunds";
import { parseReturn, type ReturnRecord } from "./returns";
import { parseReverseDelivery, type ReverseDeliveryRecord } from "./reverse-deliveries";
import {
  parseReverseFulfillmentOrderDispose,
  type ReverseFulfillmentOrderDisposeRecord,
} from "./reverse-fulfillment-orders";
import { type FulfillmentTopic, isSupportedTopic, type OrderTopic, type ReturnTopic } from "./topics";

/**
 * JSON.parse for webhook bodies that keeps integers beyond 2^53 exact by turning them into strings
 * (Shopify ids can exceed what a JS number holds). Throws PayloadError when the text is not JSON.
 */
export function parseWebhookJson(body: string, topic = "webhook"): unknown {
  let out = "";
  let i = 0;
  const n = body.length;
  while (i < n) {
    const c = body[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < n && body[j] !== '"') j += body[j] === "\\" ? 2 : 1;
      out += body.slice(i, j + 1);
      i = j + 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const m = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
      m.lastIndex = i;
      const hit = m.exec(body);
      const token = hit?.[0] ?? c;
      const isBigInteger = hit && !hit[1] && !hit[2] && !Number.isSafeInteger(Number(token));
      out += isBigInteger ? `"${token}"` : token;
      i += token.length;
    } else {
      out += c;
      i += 1;
    }
  }
  try {
    return JSON.parse(out) as unknown;
  } catch (error) {
    throw new PayloadError(topic, "body", `is not valid JSON${jsonErrorWhere(error)}`);
  }
}

/**
 * Where JSON.parse gave up, without its message: V8 quotes the start of the text ("Unexpected
 * token '<', \"<html>502 \"... is not valid JSON"), which may be customer data.
 */
function jsonErrorWhere(error: unknown): string {
  const message = error instanceof Error ? error.message : "";
  const at = /at position (\d+)/.exec(message)?.[1];
  if (at) return ` (near character ${at})`;
  return /end of JSON input/i.test(message) ? " (it ends too soon)" : "";
}

export type ParsedWebhook =
  | { kind: "order"; topic: OrderTopic; order: OrderRecord }
  | { kind: "fulfillment"; topic: FulfillmentTopic; fulfillment: FulfillmentRecord }
  | { kind: "fulfillment_event"; topic: "fulfillment_events/create"; event: FulfillmentEventRecord }
  | { kind: "return"; topic: ReturnTopic; ret: ReturnRecord }
  | { kind: "reverse_delivery"; topic: "reverse_deliveries/attach_deliverable"; delivery: ReverseDeliveryRecord }
  | {
      kind: "reverse_fulfillment_order_dispose";
      topic: "reverse_fulfillment_orders/dispose";
      dispose: ReverseFulfillmentOrderDisposeRecord;
    }
  | { kind: "refund"; topic: "refunds/create"; refund: RefundRecord }
  | { kind: "app_uninstalled"; topic: "app/uninstalled"; shop: AppUninstalledRecord }
  | { kind: "app_scopes_update"; topic: "app/scopes_update"; scopes: AppScopesUpdateRecord }
  | { kind: "customers_data_request"; topic: "customers/data_request"; request: CustomersDataRequestRecord }
  | { kind: "customers_redact"; topic: "customers/redact"; redact: CustomersRedactRecord }
  | { kind: "shop_redact"; topic: "shop/redact"; redact: ShopRedactRecord };

/** Parses a body by its X-Shopify-Topic. `json` may be the raw body text or already-parsed JSON. */
export function parseWebhookPayload(topic: string, json: unknown, triggeredAt: Date | null = null): ParsedWebhook {
  const t = topic.trim().toLowerCase();
  if (!isSupportedTopic(t)) throw new PayloadError(topic, "topic", "is not a topic Waypoint handles");
  const body = typeof json === "string" ? parseWebhookJson(json, t) : json;
  switch (t) {
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
    case "orders/fulfilled":
    case "orders/paid":
      return { kind: "order", topic: t, order: parseOrder(body, t) };
    case "fulfillments/create":
    case "fulfillments/update":
      return { kind: "fulfillment", topic: t, fulfillment: parseFulfillment(body, t) };
    case "fulfillment_events/create":
      return { kind: "fulfillment_event", topic: t, event: parseFulfillmentEvent(body, t) };
    case "returns/request":
    case "returns/approve":
    case "returns/decline":
    case "returns/cancel":
    case "returns/close":
      return { kind: "return", topic: t, ret: parseReturn(body, t, triggeredAt) };
    case "reverse_deliveries/attach_deliverable":
      return { kind: "reverse_delivery", topic: t, delivery: parseReverseDelivery(body, triggeredAt, t) };
    case "reverse_fulfillment_orders/dispose":
      return {
        kind: "reverse_fulfillment_order_dispose",
        topic: t,
        dispose: parseReverseFulfillmentOrderDispose(body, triggeredAt, {}, t),
      };
    case "refunds/create":
      return { kind: "refund", topic: t, refund: parseRefund(body, t) };
    case "app/uninstalled":
      return { kind: "app_uninstalled", topic: t, shop: parseAppUninstalled(body, t) };
    case "app/scopes_update":
      return { kind: "app_scopes_update", topic: t, scopes: parseAppScopesUpdate(body, t) };
    case "customers/data_request":
      return { kind: "customers_data_request", topic: t, request: parseCustomersDataRequest(body, t) };
    case "customers/redact":
      return { kind: "customers_redact", topic: t, redact: parseCustomersRedact(body, t) };
    case "shop/redact":
      return { kind: "shop_redact", topic: t, redact: parseShopRedact(body, t) };
  }
}
