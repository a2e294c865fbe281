// Shopify webhook payloads → plain records and ShipmentFacts, one module per resource. Pure: zod
// schemas that accept Shopify's real REST-shaped bodies (extra fields ignored, nulls tolerated) but
// insist on what we rely on, and throw PayloadError naming the topic, the field and the problem
// (never the value) when a body is not what we expect. The shared readers and their rules (ids,
// times, money) are in fields.ts.
//
// Shapes follow Shopify's documented webhook examples (webhook reference, API 2025-01, the newest
// version whose example bodies we could consult; later versions only add fields).
//
// This file only re-exports, so callers can import from "payloads" or from a resource's module.
export * from "./topics";
export { PayloadError, jsonShape, numericId, parseShopifyTime, parseTriggeredAt, moneyToCents } from "./fields";
export * from "./fulfillments";
export * from "./orders";
export * from "./fulfillment-events";
export * from "./returns";
export * from "./reverse-deliveries";
export * from "./reverse-fulfillment-orders";
export * from "./refunds";
export * from "./compliance";
export * from "./app";
export * from "./webhook";
