// The webhook topics Waypoint subscribes to (shopify.app.toml declares the same list).

export const ORDER_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "orders/fulfilled",
  "orders/paid",
] as const;
export const FULFILLMENT_TOPICS = ["fulfillments/create", "fulfillments/update"] as const;
export const RETURN_TOPICS = [
  "returns/request",
  "returns/approve",
  "returns/decline",
  "returns/cancel",
  "returns/close",
] as const;
export const SUPPORTED_TOPICS = [
  ...ORDER_TOPICS,
  ...FULFILLMENT_TOPICS,
  "fulfillment_events/create",
  ...RETURN_TOPICS,
  "reverse_deliveries/attach_deliverable",
  "reverse_fulfillment_orders/dispose",
  "refunds/create",
  "app/uninstalled",
  "app/scopes_update",
  "customers/data_request",
  "customers/redact",
  "shop/redact",
] as const;

export type OrderTopic = (typeof ORDER_TOPICS)[number];
export type FulfillmentTopic = (typeof FULFILLMENT_TOPICS)[number];
export type ReturnTopic = (typeof RETURN_TOPICS)[number];
export type SupportedTopic = (typeof SUPPORTED_TOPICS)[number];

export function isSupportedTopic(topic: string): topic is SupportedTopic {
  return (SUPPORTED_TOPICS as readonly string[]).includes(topic);
}

export function isReturnTopic(topic: string): topic is ReturnTopic {
  return (RETURN_TOPICS as readonly string[]).includes(topic);
}
