// reverse_deliveries/attach_deliverable (a return label and its tracking) → record and fact.
import { z } from "zod";
import { type ShipmentFact } from "../rules/types";
import { Gid, Id, IsoTime, objectId, optionalId, parseWith, Ref, Text, text, timeOrTriggered } from "./fields";

const ReverseDeliverySchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  return: Ref,
  order: Ref.nullish(),
  order_id: Id.nullish(),
  shipping_deliverable: z
    .object({
      label: z.object({ created_at: IsoTime.nullish(), public_file_url: Text }).nullish(),
      tracking: z.object({ carrier_name: Text, tracking_number: Text, tracking_url: Text }).nullish(),
    })
    .nullish(),
});

export interface ReverseDeliveryRecord {
  reverseDeliveryId: string;
  returnShopifyId: string;
  /** Not in Shopify's payload (only the return is); null unless a payload carries it. */
  orderShopifyId: string | null;
  carrier: string | null;
  trackingNumber: string | null;
  trackingUrl: string | null;
  labelUrl: string | null;
  /** The label's created_at, else X-Shopify-Triggered-At. */
  at: Date;
}

/** reverse_deliveries/attach_deliverable. */
export function parseReverseDelivery(
  json: unknown,
  triggeredAt: Date | null,
  topic = "reverse_deliveries/attach_deliverable",
): ReverseDeliveryRecord {
  const d = parseWith(ReverseDeliverySchema, json, topic);
  const tracking = d.shipping_deliverable?.tracking;
  const label = d.shipping_deliverable?.label;
  return {
    reverseDeliveryId: objectId(topic, "", d),
    returnShopifyId: objectId(topic, "return", d.return),
    orderShopifyId: d.order ? objectId(topic, "order", d.order) : optionalId(topic, "order_id", d.order_id),
    carrier: text(tracking?.carrier_name),
    trackingNumber: text(tracking?.tracking_number),
    trackingUrl: text(tracking?.tracking_url),
    labelUrl: text(label?.public_file_url),
    at: timeOrTriggered(topic, label?.created_at, triggeredAt),
  };
}

/**
 * `return_label_created`, source "reverse_delivery", key `rd:<id>:<tracking number | label url | none>`:
 * the same deliverable gives the same key; a new tracking number attached later gives a new fact.
 */
export function factFromReverseDelivery(rec: ReverseDeliveryRecord): ShipmentFact {
  const what = rec.trackingNumber ?? rec.labelUrl ?? "none";
  const message = [rec.carrier, rec.trackingNumber].filter(Boolean).join(" ") || null;
  return {
    key: `rd:${rec.reverseDeliveryId}:${what}`,
    source: "reverse_delivery",
    status: "return_label_created",
    at: rec.at,
    message,
  };
}
