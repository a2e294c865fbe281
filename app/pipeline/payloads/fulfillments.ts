// fulfillments/create and fulfillments/update (and the fulfillments embedded in an order) → records
// and facts. Fact keys are derived from immutable payload content only, so an order's embedded
// fulfillment gives the same keys as the fulfillments/* webhook with the same updated_at.
import { z } from "zod";
import { type ShipmentFact } from "../rules/types";
import {
  distinct,
  Gid,
  Id,
  IsoTime,
  join,
  objectId,
  optionalId,
  parseWith,
  PayloadError,
  Ref,
  requiredId,
  Text,
  text,
} from "./fields";
import { type FulfillmentTopic } from "./topics";

export const FulfillmentSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  order_id: Id.nullish(),
  name: Text,
  status: z.string(),
  shipment_status: Text,
  tracking_company: Text,
  tracking_number: Text,
  tracking_numbers: z.array(z.string().nullable()).nullish(),
  tracking_url: Text,
  tracking_urls: z.array(z.string().nullable()).nullish(),
  service: Text,
  created_at: IsoTime,
  updated_at: IsoTime.nullish(),
  location_id: Id.nullish(),
  line_items: z.array(Ref.extend({ id: Id, quantity: z.number().int().nonnegative().nullish() })).nullish(),
});
type FulfillmentPayload = z.output<typeof FulfillmentSchema>;

export interface FulfillmentRecord {
  shopifyId: string;
  orderShopifyId: string;
  /** "#1001.1" */
  name: string | null;
  /** Shopify's fulfillment status: pending | open | success | cancelled | error | failure. */
  status: string;
  /** The carrier's latest status as Shopify holds it (in_transit, delivered, ...), or null. */
  shipmentStatus: string | null;
  trackingCompany: string | null;
  /** Distinct, in Shopify's order; `tracking_number` when `tracking_numbers` is empty. */
  trackingNumbers: string[];
  trackingUrls: string[];
  service: string | null;
  createdAt: Date;
  /** updated_at, or created_at when absent. */
  updatedAt: Date;
  lineItemIds: string[];
  /** The order's line items in this fulfillment, with the quantity it carries of each. */
  lineItems: { id: string; quantity: number }[];
  locationId: string | null;
}

/** A fulfillment at `path` of a body; `orderId` is the embedding order's id (null for fulfillments/*). */
export function fulfillmentRecord(
  topic: string,
  path: string,
  f: FulfillmentPayload,
  orderId: string | null,
): FulfillmentRecord {
  const orderShopifyId =
    f.order_id !== undefined && f.order_id !== null ? requiredId(topic, join(path, "order_id"), f.order_id) : orderId;
  if (orderShopifyId === null) throw new PayloadError(topic, join(path, "order_id"), "is missing");
  const numbers = distinct(f.tracking_numbers ?? []);
  const urls = distinct(f.tracking_urls ?? []);
  return {
    shopifyId: objectId(topic, path, f),
    orderShopifyId,
    name: text(f.name),
    status: f.status.trim().toLowerCase(),
    shipmentStatus: text(f.shipment_status)?.toLowerCase() ?? null,
    trackingCompany: text(f.tracking_company),
    trackingNumbers: numbers.length > 0 ? numbers : distinct([f.tracking_number]),
    trackingUrls: urls.length > 0 ? urls : distinct([f.tracking_url]),
    service: text(f.service),
    createdAt: f.created_at,
    updatedAt: f.updated_at ?? f.created_at,
    lineItemIds: (f.line_items ?? []).map((li, i) => objectId(topic, `${join(path, "line_items")}[${i}]`, li)),
    lineItems: (f.line_items ?? []).map((li, i) => ({
      id: objectId(topic, `${join(path, "line_items")}[${i}]`, li),
      quantity: li.quantity ?? 1,
    })),
    locationId: optionalId(topic, join(path, "location_id"), f.location_id),
  };
}

/** fulfillments/create and fulfillments/update. */
export function parseFulfillment(
  json: unknown,
  topic: FulfillmentTopic | string = "fulfillments/update",
): FulfillmentRecord {
  return fulfillmentRecord(topic, "", parseWith(FulfillmentSchema, json, topic), null);
}

/**
 * The status of the fact recorded at a fulfillment's created_at. Constant on purpose: a fact key
 * must always carry the same content, and created_at is the only immutable time a fulfillment has.
 * Shopify creates a fulfillment when items are packed/labelled, hence "label_purchased".
 */
export const FULFILLMENT_CREATED_STATUS = "label_purchased";

/**
 * Facts from a fulfillment:
 * - `label_purchased` at created_at, key `f:<id>:created` (the label/packing moment);
 * - `fulfillment_<status>` at updated_at, key `f:<id>:<status>:<updated_at ISO>`;
 * - the shipment_status itself (in_transit, delivered, ...) at updated_at when present,
 *   key `f:<id>:shipment:<shipment_status>:<updated_at ISO>`.
 * All with source "fulfillment". A fulfillments/update with a new updated_at gives new keys.
 */
export function factsFromFulfillment(rec: FulfillmentRecord): ShipmentFact[] {
  const updated = rec.updatedAt.toISOString();
  const facts: ShipmentFact[] = [
    { key: `f:${rec.shopifyId}:created`, source: "fulfillment", status: FULFILLMENT_CREATED_STATUS, at: rec.createdAt },
    {
      key: `f:${rec.shopifyId}:${rec.status}:${updated}`,
      source: "fulfillment",
      status: `fulfillment_${rec.status}`,
      at: rec.updatedAt,
    },
  ];
  if (rec.shipmentStatus) {
    facts.push({
      key: `f:${rec.shopifyId}:shipment:${rec.shipmentStatus}:${updated}`,
      source: "fulfillment",
      status: rec.shipmentStatus,
      at: rec.updatedAt,
    });
  }
  return facts;
}
