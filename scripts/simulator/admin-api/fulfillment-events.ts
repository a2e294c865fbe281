// The sources' write-back on the Admin GraphQL simulator: fulfillmentEventCreate as Shopify answers
// it (shopify.dev, mutation fulfillmentEventCreate: FulfillmentEventInput in, FulfillmentEventCreatePayload
// { fulfillmentEvent, userErrors } out), and the fulfillment_events/create webhook Shopify then sends
// for the event it made (the echo Waypoint must recognise as its own).
import type { AdminApiHandler } from "./server";

/** FulfillmentEventStatus (Admin GraphQL enum). */
export const FULFILLMENT_EVENT_STATUSES = [
  "ATTEMPTED_DELIVERY",
  "CARRIER_PICKED_UP",
  "CONFIRMED",
  "DELAYED",
  "DELIVERED",
  "FAILURE",
  "IN_TRANSIT",
  "LABEL_PRINTED",
  "LABEL_PURCHASED",
  "OUT_FOR_DELIVERY",
  "PICKED_UP",
  "READY_FOR_PICKUP",
] as const;

export interface CreatedFulfillmentEvent {
  id: number;
  shop: string;
  fulfillmentId: string;
  orderId: string;
  status: string;
  happenedAt: string;
  message: string | null;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
  estimatedDeliveryAt: string | null;
}

export interface FulfillmentEventsSim {
  handlers: Record<string, AdminApiHandler>;
  created: CreatedFulfillmentEvent[];
  /** A fulfillment a shop has (any shop when none is named), with its order; others answer a user error, as Shopify does. */
  addFulfillment(fulfillmentId: string, orderId: string, shop?: string): void;
  /** The fulfillment_events/create webhook body Shopify sends for a created event. */
  webhookPayload(e: CreatedFulfillmentEvent): Record<string, unknown>;
}

const GID = /^gid:\/\/shopify\/Fulfillment\/(\d+)$/;
const FIELDS = [
  "fulfillmentId",
  "status",
  "happenedAt",
  "message",
  "city",
  "province",
  "country",
  "zip",
  "estimatedDeliveryAt",
  "address1",
  "latitude",
  "longitude",
];

export function fulfillmentEventsSim(firstId = 90_000_000_001): FulfillmentEventsSim {
  const fulfillments = new Map<string, string>();
  const created: CreatedFulfillmentEvent[] = [];
  let next = firstId;
  const userError = (field: string, message: string) => ({
    data: {
      fulfillmentEventCreate: { fulfillmentEvent: null, userErrors: [{ field: ["fulfillmentEvent", field], message }] },
    },
  });

  const create: AdminApiHandler = {
    cost: () => 10,
    handle: (variables, ctx) => {
      const input = variables.fulfillmentEvent as Record<string, unknown> | undefined;
      if (!input || typeof input !== "object")
        return {
          errors: [
            {
              message: "Variable $fulfillmentEvent of type FulfillmentEventInput! was provided invalid value",
              extensions: { code: "INVALID_VARIABLE" },
            },
          ],
        };
      const unknown = Object.keys(input).filter((k) => !FIELDS.includes(k));
      if (unknown.length > 0)
        return {
          errors: [
            {
              message: `Variable $fulfillmentEvent of type FulfillmentEventInput! was provided invalid value for ${unknown[0]} (Field is not defined on FulfillmentEventInput)`,
              extensions: { code: "INVALID_VARIABLE" },
            },
          ],
        };
      const status = input.status;
      if (typeof status !== "string" || !(FULFILLMENT_EVENT_STATUSES as readonly string[]).includes(status))
        return {
          errors: [
            {
              message: `Variable $fulfillmentEvent of type FulfillmentEventInput! was provided invalid value for status (Expected "${String(status)}" to be one of: ${FULFILLMENT_EVENT_STATUSES.join(", ")})`,
              extensions: { code: "INVALID_VARIABLE" },
            },
          ],
        };
      const m = GID.exec(String(input.fulfillmentId ?? ""));
      const orderId = m ? (fulfillments.get(`${ctx.shop}|${m[1]}`) ?? fulfillments.get(`*|${m[1]}`)) : undefined;
      if (!m || !orderId) return userError("fulfillmentId", "Fulfillment does not exist.");
      const happenedAt = typeof input.happenedAt === "string" ? input.happenedAt : new Date().toISOString();
      if (Number.isNaN(Date.parse(happenedAt))) return userError("happenedAt", "Happened at is invalid");
      const text = (k: string) => (typeof input[k] === "string" ? (input[k] as string) : null);
      const e: CreatedFulfillmentEvent = {
        id: next++,
        shop: ctx.shop,
        fulfillmentId: m[1]!,
        orderId,
        status,
        happenedAt,
        message: text("message"),
        city: text("city"),
        province: text("province"),
        country: text("country"),
        zip: text("zip"),
        estimatedDeliveryAt: text("estimatedDeliveryAt"),
      };
      created.push(e);
      return {
        data: {
          fulfillmentEventCreate: {
            fulfillmentEvent: {
              id: `gid://shopify/FulfillmentEvent/${e.id}`,
              status: e.status,
              happenedAt: e.happenedAt,
              message: e.message,
            },
            userErrors: [],
          },
        },
      };
    },
  };

  return {
    handlers: { WaypointFulfillmentEventCreate: create },
    created,
    addFulfillment: (fulfillmentId, orderId, shop) => void fulfillments.set(`${shop ?? "*"}|${fulfillmentId}`, orderId),
    webhookPayload: (e) => ({
      id: e.id,
      admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${e.id}`,
      fulfillment_id: Number(e.fulfillmentId),
      order_id: Number(e.orderId),
      status: e.status.toLowerCase(),
      message: e.message,
      happened_at: e.happenedAt,
      city: e.city,
      province: e.province,
      country: e.country,
      zip: e.zip,
      address1: null,
      latitude: null,
      longitude: null,
      estimated_delivery_at: e.estimatedDeliveryAt,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    }),
  };
}
