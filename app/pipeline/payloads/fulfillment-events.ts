// fulfillment_events/create (a carrier scan Shopify relays) → record and fact.
import { z } from "zod";
import { type ShipmentFact } from "../rules/types";
import { Gid, Id, IsoTime, objectId, parseWith, PayloadError, requiredId, Text, text } from "./fields";

const FulfillmentEventSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  fulfillment_id: Id,
  order_id: Id,
  status: z.string(),
  happened_at: IsoTime.nullish(),
  created_at: IsoTime.nullish(),
  city: Text,
  province: Text,
  country: Text,
  zip: Text,
  message: Text,
  estimated_delivery_at: IsoTime.nullish(),
  latitude: z.number().nullish(),
  longitude: z.number().nullish(),
});

export interface FulfillmentEventRecord {
  shopifyId: string;
  fulfillmentShopifyId: string;
  orderShopifyId: string;
  /** FulfillmentEventStatus in lower case: in_transit, out_for_delivery, delivered, ... */
  status: string;
  /** happened_at, else created_at. */
  happenedAt: Date;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
  message: string | null;
  estimatedDeliveryAt: Date | null;
  latitude: number | null;
  longitude: number | null;
}

/** fulfillment_events/create. */
export function parseFulfillmentEvent(json: unknown, topic = "fulfillment_events/create"): FulfillmentEventRecord {
  const e = parseWith(FulfillmentEventSchema, json, topic);
  const happenedAt = e.happened_at ?? e.created_at;
  if (!happenedAt) throw new PayloadError(topic, "happened_at", "is missing (and so is created_at)");
  return {
    shopifyId: objectId(topic, "", e),
    fulfillmentShopifyId: requiredId(topic, "fulfillment_id", e.fulfillment_id),
    orderShopifyId: requiredId(topic, "order_id", e.order_id),
    status: e.status.trim().toLowerCase(),
    happenedAt,
    city: text(e.city),
    province: text(e.province),
    country: text(e.country),
    zip: text(e.zip),
    message: text(e.message),
    estimatedDeliveryAt: e.estimated_delivery_at ?? null,
    latitude: e.latitude ?? null,
    longitude: e.longitude ?? null,
  };
}

/** The carrier event as a fact: key `fe:<event id>`, at happened_at, source "fulfillment_event". */
export function factFromFulfillmentEvent(rec: FulfillmentEventRecord): ShipmentFact {
  return {
    key: `fe:${rec.shopifyId}`,
    source: "fulfillment_event",
    status: rec.status,
    at: rec.happenedAt,
    estimatedDeliveryAt: rec.estimatedDeliveryAt,
    message: rec.message,
    city: rec.city,
    province: rec.province,
    country: rec.country,
    zip: rec.zip,
  };
}
