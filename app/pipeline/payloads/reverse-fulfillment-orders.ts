// reverse_fulfillment_orders/dispose (what happened to returned items) → record and facts.
import { z } from "zod";
import { type ShipmentFact } from "../rules/types";
import { Gid, Id, numericId, objectId, optionalId, parseWith, Ref, refId, timeOrTriggered } from "./fields";

const DisposeSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  return: Ref.nullish(),
  return_id: Id.nullish(),
  total_dispositions: z.number().int().nullish(),
  dispositions: z.array(
    z.object({
      type: z.string(),
      quantity: z.number().int(),
      location: Ref.nullish(),
      reverse_fulfillment_order_line_item: Ref.nullish(),
      reverse_delivery_line_item: Ref.nullish(),
    }),
  ),
});

/** restocked | processing_required | not_restocked | missing */
export interface DispositionRecord {
  type: string;
  quantity: number;
  locationId: string | null;
  reverseFulfillmentOrderLineItemId: string | null;
  reverseDeliveryLineItemId: string | null;
}

export interface ReverseFulfillmentOrderDisposeRecord {
  reverseFulfillmentOrderId: string;
  /**
   * Shopify's dispose payload names only the reverse fulfillment order, not its return: null unless
   * the payload carries one or the caller passes `returnShopifyId` (resolved from the RFO, e.g. via
   * GraphQL `reverseFulfillmentOrder(id) { return { id } }`).
   */
  returnShopifyId: string | null;
  dispositions: DispositionRecord[];
  /** X-Shopify-Triggered-At: the payload has no time. */
  at: Date;
}

/** reverse_fulfillment_orders/dispose. */
export function parseReverseFulfillmentOrderDispose(
  json: unknown,
  triggeredAt: Date | null,
  options: { returnShopifyId?: string | null } = {},
  topic = "reverse_fulfillment_orders/dispose",
): ReverseFulfillmentOrderDisposeRecord {
  const d = parseWith(DisposeSchema, json, topic);
  const fromPayload = refId(topic, "return", d.return) ?? optionalId(topic, "return_id", d.return_id);
  return {
    reverseFulfillmentOrderId: objectId(topic, "", d),
    returnShopifyId: fromPayload ?? (options.returnShopifyId ? numericId(options.returnShopifyId) : null),
    dispositions: d.dispositions.map((x, i) => ({
      type: x.type.trim().toLowerCase(),
      quantity: x.quantity,
      locationId: refId(topic, `dispositions[${i}].location`, x.location),
      reverseFulfillmentOrderLineItemId: refId(
        topic,
        `dispositions[${i}].reverse_fulfillment_order_line_item`,
        x.reverse_fulfillment_order_line_item,
      ),
      reverseDeliveryLineItemId: refId(
        topic,
        `dispositions[${i}].reverse_delivery_line_item`,
        x.reverse_delivery_line_item,
      ),
    })),
    at: timeOrTriggered(topic, null, triggeredAt),
  };
}

/** FNV-1a (32-bit) in hex: a short, stable digest for fact keys. Not for security. */
function digest(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * - `return_received` (key `rfo:<id>:received`) when any item arrived, i.e. any disposition other
 *   than "missing": the first such payload sets the time;
 * - `return_disposed` (key `rfo:<id>:disposed:<digest of the dispositions>`) for every payload with
 *   dispositions. Source "return" (these describe the return's items, not a carrier).
 */
export function factsFromReverseFulfillmentOrderDispose(rec: ReverseFulfillmentOrderDisposeRecord): ShipmentFact[] {
  if (rec.dispositions.length === 0) return [];
  const summary = rec.dispositions.map((d) => `${d.type} ×${d.quantity}`).join(", ");
  const signature = rec.dispositions
    .map(
      (d) =>
        `${d.reverseFulfillmentOrderLineItemId ?? ""}/${d.reverseDeliveryLineItemId ?? ""}/${d.type}/${d.quantity}/${d.locationId ?? ""}`,
    )
    .sort()
    .join("|");
  const facts: ShipmentFact[] = [];
  if (rec.dispositions.some((d) => d.type !== "missing")) {
    facts.push({
      key: `rfo:${rec.reverseFulfillmentOrderId}:received`,
      source: "return",
      status: "return_received",
      at: rec.at,
    });
  }
  facts.push({
    key: `rfo:${rec.reverseFulfillmentOrderId}:disposed:${digest(signature)}`,
    source: "return",
    status: "return_disposed",
    at: rec.at,
    message: summary,
  });
  return facts;
}
