// What Shopify knows about the simulated shop at a moment: every order of the generator's stories as
// the Admin GraphQL API shows it, folded from the same webhooks the simulator sends (all of them,
// dropped or not: Shopify holds the truth whether or not its webhook reached the app). The webhooks
// are REST-shaped; this turns their last state into the GraphQL nodes of the WaypointSyncOrders query.
//
// Assumptions (decision 009): an order's updatedAt moves with every webhook of its story (fulfillment
// and return changes update the order in Shopify); a declined or cancelled return's closedAt is when
// that happened.
import type {
  FulfillmentNode,
  OrderNode,
  RefundNode,
  ReturnNode,
  ReverseFulfillmentOrderNode,
} from "../../../app/sync/rules/order-node";
import type { Generator, OrderStory, SimWebhook } from "../generator";

type Body = Record<string, unknown>;
type Row = Record<string, unknown>;

const iso = (v: unknown): string | null => (typeof v === "string" && v ? new Date(v).toISOString() : null);
const upper = (v: unknown): string | null => (typeof v === "string" && v ? v.toUpperCase() : null);
const gid = (type: string, id: unknown) => `gid://shopify/${type}/${String(id)}`;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const FULFILLMENT_STATUS: Record<string, string> = {
  fulfilled: "FULFILLED",
  partial: "PARTIALLY_FULFILLED",
  restocked: "RESTOCKED",
};

function address(a: unknown) {
  if (!a || typeof a !== "object") return null;
  const r = a as Row;
  return {
    firstName: str(r.first_name),
    phone: str(r.phone),
    city: str(r.city),
    provinceCode: str(r.province_code),
    countryCodeV2: str(r.country_code),
    zip: str(r.zip),
  };
}

function fulfillmentNode(f: Body, events: Body[]): FulfillmentNode {
  const numbers = (f.tracking_numbers as (string | null)[] | undefined) ?? [];
  const urls = (f.tracking_urls as (string | null)[] | undefined) ?? [];
  return {
    id: gid("Fulfillment", f.id),
    legacyResourceId: String(f.id),
    name: str(f.name),
    status: upper(f.status) ?? "SUCCESS",
    displayStatus: upper(f.shipment_status) ?? "FULFILLED",
    createdAt: iso(f.created_at)!,
    updatedAt: iso(f.updated_at) ?? iso(f.created_at)!,
    trackingInfo: numbers.map((n, i) => ({ company: str(f.tracking_company), number: n, url: urls[i] ?? null })),
    location: f.location_id ? { legacyResourceId: String(f.location_id) } : null,
    fulfillmentLineItems: {
      nodes: ((f.line_items as Row[] | undefined) ?? []).map((li) => ({
        quantity: Number(li.quantity ?? 1),
        lineItem: { id: gid("LineItem", li.id) },
      })),
    },
    events: {
      nodes: events.map((e) => ({
        id: gid("FulfillmentEvent", e.id),
        status: upper(e.status)!,
        happenedAt: iso(e.happened_at),
        createdAt: iso(e.created_at),
        estimatedDeliveryAt: iso(e.estimated_delivery_at),
        city: str(e.city),
        province: str(e.province),
        country: str(e.country),
        zip: str(e.zip),
        message: str(e.message),
        latitude: (e.latitude as number | null) ?? null,
        longitude: (e.longitude as number | null) ?? null,
      })),
    },
  };
}

interface Parsed {
  w: SimWebhook;
  body: Body;
}

function returnNode(parsed: Parsed[]): ReturnNode | null {
  const byTopic = (t: string) => parsed.filter((p) => p.w.topic === t);
  const request = byTopic("returns/request")[0];
  if (!request) return null;
  const rid = request.body.id;
  const approve = byTopic("returns/approve")[0];
  const decline = byTopic("returns/decline")[0];
  const cancel = byTopic("returns/cancel")[0];
  const close = byTopic("returns/close")[0];
  const status = close ? "CLOSED" : decline ? "DECLINED" : cancel ? "CANCELED" : approve ? "OPEN" : "REQUESTED";
  const ended = close ?? decline ?? cancel;
  const reverse = byTopic("reverse_deliveries/attach_deliverable")[0];
  const dispose = byTopic("reverse_fulfillment_orders/dispose")[0];
  const rfos: ReverseFulfillmentOrderNode[] = [];
  if (reverse || dispose) {
    const dispositions = ((dispose?.body.dispositions as Row[] | undefined) ?? []).map((d) => ({
      rfoLine: (d.reverse_fulfillment_order_line_item as Row | null)?.id,
      rdLine: (d.reverse_delivery_line_item as Row | null)?.id,
      type: upper(d.type)!,
      quantity: Number(d.quantity),
      location: d.location ? { id: gid("Location", (d.location as Row).id) } : null,
    }));
    const d = reverse?.body.shipping_deliverable as Row | undefined;
    const label = d?.label as Row | undefined;
    const tracking = d?.tracking as Row | undefined;
    // The story's RFO and its ids follow the order index (story/state.ts ids), one line each.
    const rfoId = dispose ? String(dispose.body.id) : String(Number(rid) + (11200000000 - 3600000000));
    rfos.push({
      id: gid("ReverseFulfillmentOrder", rfoId),
      lineItems: {
        nodes: (dispositions.length ? dispositions : [{ rfoLine: undefined }]).map((x) => ({
          id: gid("ReverseFulfillmentOrderLineItem", x.rfoLine ?? Number(rid) + (2300000000 - 3600000000)),
          dispositions: "type" in x ? [{ type: x.type, quantity: x.quantity, location: x.location }] : [],
        })),
      },
      reverseDeliveries: {
        nodes: reverse
          ? [
              {
                id: gid("ReverseDelivery", reverse.body.id),
                deliverable: {
                  label: label ? { createdAt: iso(label.created_at), publicFileUrl: str(label.public_file_url) } : null,
                  tracking: tracking
                    ? {
                        carrierName: str(tracking.carrier_name),
                        number: str(tracking.tracking_number),
                        url: str(tracking.tracking_url),
                      }
                    : null,
                },
                reverseDeliveryLineItems: {
                  nodes: dispositions
                    .filter((x) => x.rdLine !== undefined)
                    .map((x) => ({
                      id: gid("ReverseDeliveryLineItem", x.rdLine),
                      reverseFulfillmentOrderLineItem: { id: gid("ReverseFulfillmentOrderLineItem", x.rfoLine) },
                    })),
                },
              },
            ]
          : [],
      },
    });
  }
  const lines = ((approve ?? request).body.return_line_items as Row[] | undefined) ?? [];
  const declined = decline?.body.decline as Row | undefined;
  return {
    id: gid("Return", rid),
    name: str(request.body.name),
    status,
    createdAt: request.w.at.toISOString(),
    requestApprovedAt: approve ? approve.w.at.toISOString() : null,
    closedAt: ended ? ended.w.at.toISOString() : null,
    decline: declined ? { reason: upper(declined.reason), note: str(declined.note) } : null,
    returnLineItems: {
      nodes: lines.map((li) => {
        const fli = li.fulfillment_line_item as Row | null;
        return {
          id: gid("ReturnLineItem", li.id),
          quantity: Number(li.quantity),
          returnReason: upper(li.return_reason),
          returnReasonNote: str(li.return_reason_note),
          customerNote: str(li.customer_note),
          fulfillmentLineItem: fli
            ? {
                id: gid("FulfillmentLineItem", fli.id),
                lineItem: fli.line_item ? { id: gid("LineItem", (fli.line_item as Row).id) } : null,
              }
            : null,
        };
      }),
    },
    reverseFulfillmentOrders: { nodes: rfos },
  };
}

/** The order as the Admin API shows it at `at`, or null when it was not placed yet. */
export function orderNodeAt(story: OrderStory, at: number, parse = cachedParse): OrderNode | null {
  const seen = story.webhooks.filter((w) => w.at.getTime() <= at);
  if (seen.length === 0) return null;
  const parsed: Parsed[] = seen.map((w) => ({ w, body: parse(w) }));
  const lastOrder = [...parsed].reverse().find((p) => p.w.topic.startsWith("orders/"));
  if (!lastOrder) return null;
  const o = lastOrder.body;
  const fulfillments = new Map<string, Body>();
  const events = new Map<string, Body[]>();
  for (const p of parsed) {
    if (p.w.topic === "fulfillments/create" || p.w.topic === "fulfillments/update")
      fulfillments.set(String(p.body.id), p.body);
    if (p.w.topic === "fulfillment_events/create") {
      const key = String(p.body.fulfillment_id);
      events.set(key, [...(events.get(key) ?? []), p.body]);
    }
  }
  const refunds: RefundNode[] = parsed
    .filter((p) => p.w.topic === "refunds/create")
    .map(({ body: r }) => ({
      id: gid("Refund", r.id),
      createdAt: iso(r.created_at)!,
      return: r.return ? { id: gid("Return", (r.return as Row).id) } : null,
      transactions: {
        nodes: ((r.transactions as Row[] | undefined) ?? []).map((t) => ({
          kind: upper(t.kind)!,
          status: upper(t.status)!,
          amountSet: { shopMoney: { amount: String(t.amount), currencyCode: String(t.currency) } },
        })),
      },
    }));
  const ret = returnNode(parsed.filter((p) => p.w.topic.startsWith("returns/") || p.w.topic.startsWith("reverse_")));
  const customer = o.customer as Row | null;
  const consent = customer?.sms_marketing_consent as Row | null | undefined;
  const total = (o.total_price_set as Row | undefined)?.shop_money as Row | undefined;
  return {
    id: gid("Order", o.id),
    legacyResourceId: String(o.id),
    name: String(o.name),
    email: str(o.email),
    phone: str(o.phone),
    createdAt: iso(o.created_at)!,
    processedAt: iso(o.processed_at),
    updatedAt: seen[seen.length - 1]!.at.toISOString(),
    cancelledAt: iso(o.cancelled_at),
    cancelReason: upper(o.cancel_reason),
    customerLocale: str(o.customer_locale),
    displayFinancialStatus: upper(o.financial_status),
    displayFulfillmentStatus: FULFILLMENT_STATUS[String(o.fulfillment_status)] ?? "UNFULFILLED",
    currencyCode: String(o.currency),
    totalPriceSet: { shopMoney: { amount: String(total?.amount ?? o.total_price), currencyCode: String(o.currency) } },
    customer: customer
      ? {
          id: gid("Customer", customer.id),
          firstName: str(customer.first_name),
          email: str(customer.email),
          phone: str(customer.phone),
          smsMarketingConsent: consent ? { marketingState: upper(consent.state) ?? "NOT_SUBSCRIBED" } : null,
        }
      : null,
    shippingAddress: address(o.shipping_address),
    billingAddress: address(o.billing_address),
    lineItems: {
      nodes: ((o.line_items as Row[] | undefined) ?? []).map((li) => ({
        id: gid("LineItem", li.id),
        title: String(li.title),
        quantity: Number(li.quantity),
        sku: str(li.sku),
        requiresShipping: li.requires_shipping !== false,
        product: li.product_id ? { id: gid("Product", li.product_id) } : null,
        variant: li.variant_id ? { id: gid("ProductVariant", li.variant_id) } : null,
        customAttributes: ((li.properties as Row[] | undefined) ?? []).map((p) => ({
          key: String(p.name),
          value: str(p.value),
        })),
      })),
    },
    shippingLines: {
      nodes: ((o.shipping_lines as Row[] | undefined) ?? []).map((l) => ({
        title: str(l.title),
        code: str(l.code),
        source: str(l.source),
      })),
    },
    fulfillments: [...fulfillments.values()].map((f) => fulfillmentNode(f, events.get(String(f.id)) ?? [])),
    returns: { nodes: ret ? [ret] : [] },
    refunds,
  };
}

const bodies = new WeakMap<SimWebhook, Body>();
function cachedParse(w: SimWebhook): Body {
  let b = bodies.get(w);
  if (!b) bodies.set(w, (b = JSON.parse(w.body) as Body));
  return b;
}

export interface SimulatedShop {
  shop: string;
  stories: OrderStory[];
  /** The time of the story's last webhook at or before `at` (its Order.updatedAt), or null. */
  updatedAt(story: OrderStory, at: number): number | null;
  orderAt(story: OrderStory, at: number): OrderNode | null;
  /** The return a reverse fulfillment order belongs to (legacy ids), from the stories. */
  returnOfRfo(rfoId: string): string | null;
}

/** The shop of `count` stories of `generator` (indexes 0..count-1: the seed and live orders alike). */
export function simulatedShop(generator: Generator, count: number): SimulatedShop {
  const stories = Array.from({ length: count }, (_, i) => generator.story(i));
  const rfo = new Map<string, string>();
  for (const s of stories)
    for (const w of s.webhooks)
      if (w.topic === "reverse_fulfillment_orders/dispose") {
        const request = s.webhooks.find((x) => x.topic === "returns/request");
        if (request) rfo.set(String(cachedParse(w).id), String(cachedParse(request).id));
      }
  return {
    shop: generator.options.shop,
    stories,
    updatedAt: (story, at) => {
      let last: number | null = null;
      for (const w of story.webhooks) if (w.at.getTime() <= at) last = w.at.getTime();
      return last;
    },
    orderAt: (story, at) => orderNodeAt(story, at),
    returnOfRfo: (id) => rfo.get(id) ?? null,
  };
}
