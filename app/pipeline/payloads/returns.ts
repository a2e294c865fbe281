// returns/request, returns/approve, returns/decline, returns/cancel, returns/close → record and fact.
import { z } from "zod";
import { type ShipmentFact } from "../rules/types";
import {
  Gid,
  Id,
  IsoTime,
  objectId,
  optionalId,
  parseWith,
  PayloadError,
  Ref,
  refId,
  Text,
  text,
  timeOrTriggered,
} from "./fields";
import { isReturnTopic, type ReturnTopic } from "./topics";

const ReturnLineItemSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  fulfillment_line_item: Ref.extend({ line_item: Ref.nullish() }).nullish(),
  quantity: z.number().int(),
  return_reason: Text,
  return_reason_note: Text,
  customer_note: Text,
});

const ReturnSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  name: Text,
  status: Text,
  order: Ref.nullish(),
  order_id: Id.nullish(),
  decline: z.object({ reason: Text, note: Text }).nullish(),
  return_line_items: z.array(ReturnLineItemSchema).nullish(),
  updated_at: IsoTime.nullish(),
  created_at: IsoTime.nullish(),
});

export interface ReturnLineItemRecord {
  /** ReturnLineItem id. */
  id: string;
  fulfillmentLineItemId: string | null;
  /** The order's LineItem id. */
  lineItemId: string | null;
  quantity: number;
  reason: string | null;
  reasonNote: string | null;
  customerNote: string | null;
}

export interface ReturnRecord {
  shopifyReturnId: string;
  /**
   * From `order` (returns/request, returns/approve) or `order_id` (returns/cancel, returns/close).
   * returns/decline carries neither: null there, find the return by its id.
   */
  orderShopifyId: string | null;
  /** "#1001-R1" (null in some payloads). */
  name: string | null;
  /** The payload's own status: requested | open | declined | canceled | closed. */
  status: string | null;
  declineReason: string | null;
  declineNote: string | null;
  /** Empty for topics whose payload lists none (decline, cancel, close). */
  lineItems: ReturnLineItemRecord[];
  /**
   * None of the five return payloads carries a time (checked against Shopify's examples), so this
   * is X-Shopify-Triggered-At; a payload's own updated_at/created_at is used first if one appears.
   */
  at: Date;
  topic: ReturnTopic;
}

const RETURN_FACT_STATUS: Record<ReturnTopic, string> = {
  "returns/request": "return_requested",
  "returns/approve": "return_approved",
  "returns/decline": "return_declined",
  "returns/cancel": "return_cancelled",
  "returns/close": "return_closed",
};

/** returns/request, returns/approve, returns/decline, returns/cancel, returns/close. */
export function parseReturn(json: unknown, topic: ReturnTopic, triggeredAt: Date | null): ReturnRecord {
  if (!isReturnTopic(topic)) throw new PayloadError(String(topic), "topic", "is not a returns/* topic we handle");
  const r = parseWith(ReturnSchema, json, topic);
  const orderShopifyId = r.order ? objectId(topic, "order", r.order) : optionalId(topic, "order_id", r.order_id);
  return {
    shopifyReturnId: objectId(topic, "", r),
    orderShopifyId,
    name: text(r.name),
    status: text(r.status)?.toLowerCase() ?? null,
    declineReason: text(r.decline?.reason),
    declineNote: text(r.decline?.note),
    lineItems: (r.return_line_items ?? []).map((li, i) => {
      const path = `return_line_items[${i}]`;
      const fli = li.fulfillment_line_item;
      return {
        id: objectId(topic, path, li),
        fulfillmentLineItemId: refId(topic, `${path}.fulfillment_line_item`, fli),
        lineItemId: refId(topic, `${path}.fulfillment_line_item.line_item`, fli?.line_item),
        quantity: li.quantity,
        reason: text(li.return_reason),
        reasonNote: text(li.return_reason_note),
        customerNote: text(li.customer_note),
      };
    }),
    at: timeOrTriggered(topic, r.updated_at ?? r.created_at, triggeredAt),
    topic,
  };
}

/** One fact per return topic: key `r:<return id>:<status>`, source "return". */
export function factsFromReturn(rec: ReturnRecord): ShipmentFact[] {
  const status = RETURN_FACT_STATUS[rec.topic];
  const message = rec.topic === "returns/decline" ? (rec.declineNote ?? rec.declineReason) : null;
  return [{ key: `r:${rec.shopifyReturnId}:${status}`, source: "return", status, at: rec.at, message }];
}
