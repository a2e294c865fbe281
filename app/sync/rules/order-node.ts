// An Admin GraphQL order node (the WaypointSyncOrders query's shape) as the webhook payloads Shopify
// would have sent for it: the orders/updated body (with its fulfillments embedded, as Shopify embeds
// them) and one fulfillment_events/create body per carrier event. The pipeline's own parsers then
// read them, so an imported order becomes exactly the facts its webhooks give (same keys: the fold
// deduplicates the two paths). Pure: no IO.

export interface MoneyNode {
  shopMoney: { amount: string; currencyCode: string };
}
export interface AddressNode {
  firstName: string | null;
  phone: string | null;
  city: string | null;
  provinceCode: string | null;
  countryCodeV2: string | null;
  zip: string | null;
}
export interface FulfillmentEventNode {
  id: string;
  status: string;
  happenedAt: string | null;
  createdAt: string | null;
  estimatedDeliveryAt: string | null;
  city: string | null;
  province: string | null;
  country: string | null;
  zip: string | null;
  message: string | null;
  latitude: number | null;
  longitude: number | null;
}
export interface FulfillmentNode {
  id: string;
  legacyResourceId: string;
  name: string | null;
  status: string;
  displayStatus: string | null;
  createdAt: string;
  updatedAt: string;
  trackingInfo: { company: string | null; number: string | null; url: string | null }[];
  location: { legacyResourceId: string } | null;
  fulfillmentLineItems: { nodes: { quantity: number; lineItem: { id: string } }[] };
  events: { nodes: FulfillmentEventNode[] };
}
export interface OrderNode {
  id: string;
  legacyResourceId: string;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  processedAt: string | null;
  updatedAt: string;
  cancelledAt: string | null;
  cancelReason: string | null;
  customerLocale: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  currencyCode: string;
  totalPriceSet: MoneyNode;
  customer: {
    id: string;
    firstName: string | null;
    email: string | null;
    phone: string | null;
    smsMarketingConsent: { marketingState: string } | null;
  } | null;
  shippingAddress: AddressNode | null;
  billingAddress: AddressNode | null;
  lineItems: {
    nodes: {
      id: string;
      title: string;
      quantity: number;
      sku: string | null;
      requiresShipping: boolean;
      product: { id: string } | null;
      variant: { id: string } | null;
      customAttributes: { key: string; value: string | null }[];
    }[];
  };
  shippingLines: { nodes: { title: string | null; code: string | null; source: string | null }[] };
  fulfillments: FulfillmentNode[];
  returns: { nodes: ReturnNode[] };
  refunds: RefundNode[];
}

export interface ReturnNode {
  id: string;
  name: string | null;
  /** ReturnStatus: REQUESTED | OPEN | DECLINED | CANCELED | CLOSED */
  status: string;
  createdAt: string | null;
  requestApprovedAt: string | null;
  closedAt: string | null;
  decline: { reason: string | null; note: string | null } | null;
  returnLineItems: {
    nodes: {
      id: string;
      quantity: number;
      returnReason: string | null;
      returnReasonNote: string | null;
      customerNote: string | null;
      fulfillmentLineItem: { id: string; lineItem: { id: string } | null } | null;
    }[];
  };
  reverseFulfillmentOrders: { nodes: ReverseFulfillmentOrderNode[] };
}
export interface ReverseFulfillmentOrderNode {
  id: string;
  lineItems: {
    nodes: { id: string; dispositions: { type: string; quantity: number; location: { id: string } | null }[] }[];
  };
  reverseDeliveries: { nodes: ReverseDeliveryNode[] };
}
export interface ReverseDeliveryNode {
  id: string;
  deliverable: {
    label: { createdAt: string | null; publicFileUrl: string | null } | null;
    tracking: { carrierName: string | null; number: string | null; url: string | null } | null;
  } | null;
  reverseDeliveryLineItems: { nodes: { id: string; reverseFulfillmentOrderLineItem: { id: string } | null }[] };
}
export interface RefundNode {
  id: string;
  createdAt: string;
  return: { id: string } | null;
  transactions: {
    nodes: { kind: string; status: string; amountSet: { shopMoney: { amount: string; currencyCode: string } } }[];
  };
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** "gid://shopify/Order/123" → "123". */
export function legacyId(gid: string): string {
  return gid.slice(gid.lastIndexOf("/") + 1);
}

const lower = (s: string | null | undefined): string | null => (s ? s.toLowerCase() : null);

// OrderDisplayFulfillmentStatus → the REST fulfillment_status (null: unfulfilled).
const FULFILLMENT_STATUS: Record<string, string | null> = {
  FULFILLED: "fulfilled",
  PARTIALLY_FULFILLED: "partial",
  RESTOCKED: "restocked",
  UNFULFILLED: null,
};

// FulfillmentDisplayStatus values that say nothing about the carrier: the REST shipment_status is
// null for them. The others are the carrier's status, as shipment_status holds it in lower case.
const NOT_A_SHIPMENT_STATUS = new Set(["FULFILLED", "MARKED_AS_FULFILLED", "CANCELED", "SUBMITTED", "LABEL_VOIDED"]);

/** The REST fulfillment_status an order's displayFulfillmentStatus stands for (null: unfulfilled). */
export function fulfillmentStatusOf(display: string | null): string | null {
  if (!display) return null;
  return display in FULFILLMENT_STATUS ? (FULFILLMENT_STATUS[display] ?? null) : display.toLowerCase();
}

/** The REST shipment_status a fulfillment's displayStatus stands for. */
export function shipmentStatusOf(displayStatus: string | null): string | null {
  if (!displayStatus || NOT_A_SHIPMENT_STATUS.has(displayStatus)) return null;
  return displayStatus.toLowerCase();
}

function address(a: AddressNode | null): Json {
  if (!a) return null;
  return {
    first_name: a.firstName,
    phone: a.phone,
    city: a.city,
    province_code: a.provinceCode,
    country_code: a.countryCodeV2,
    zip: a.zip,
  };
}

function fulfillmentBody(f: FulfillmentNode, orderId: string): { [key: string]: Json } {
  const numbers = f.trackingInfo.map((t) => t.number).filter((n): n is string => !!n);
  const urls = f.trackingInfo.map((t) => t.url).filter((u): u is string => !!u);
  return {
    id: f.legacyResourceId,
    admin_graphql_api_id: f.id,
    order_id: orderId,
    name: f.name,
    status: f.status.toLowerCase(),
    shipment_status: shipmentStatusOf(f.displayStatus),
    tracking_company: f.trackingInfo[0]?.company ?? null,
    tracking_number: numbers[0] ?? null,
    tracking_numbers: numbers,
    tracking_url: urls[0] ?? null,
    tracking_urls: urls,
    service: null,
    created_at: f.createdAt,
    updated_at: f.updatedAt,
    location_id: f.location?.legacyResourceId ?? null,
    line_items: f.fulfillmentLineItems.nodes.map((li) => ({
      id: legacyId(li.lineItem.id),
      admin_graphql_api_id: li.lineItem.id,
      quantity: li.quantity,
    })),
  };
}

type Body = { [key: string]: Json };

/** A returns/* body with the time its webhook would carry (X-Shopify-Triggered-At: the bodies have none). */
export interface TimedBody {
  topic: string;
  body: Body;
  at: Date;
}

export interface WebhookShaped {
  /** The orders/updated body, fulfillments embedded. */
  order: Body;
  /** One fulfillment_events/create body per event, oldest first. */
  fulfillmentEvents: Body[];
  /** returns/request, returns/approve, returns/decline, returns/cancel, returns/close, as the return's state implies them. */
  returns: TimedBody[];
  /** reverse_deliveries/attach_deliverable, one per reverse delivery with a deliverable. */
  reverseDeliveries: TimedBody[];
  /** reverse_fulfillment_orders/dispose, one per RFO with dispositions, naming its return. */
  disposals: TimedBody[];
  /** refunds/create. */
  refunds: Body[];
}

export function webhookPayloadsForOrder(node: OrderNode): WebhookShaped {
  const orderId = node.legacyResourceId;
  const digits = /\d+/.exec(node.name)?.[0];
  const order: { [key: string]: Json } = {
    id: orderId,
    admin_graphql_api_id: node.id,
    name: node.name,
    order_number: digits ? Number(digits) : 0,
    email: node.email,
    contact_email: node.email,
    phone: node.phone,
    customer: node.customer
      ? {
          id: legacyId(node.customer.id),
          admin_graphql_api_id: node.customer.id,
          first_name: node.customer.firstName,
          email: node.customer.email,
          phone: node.customer.phone,
          sms_marketing_consent: node.customer.smsMarketingConsent
            ? { state: node.customer.smsMarketingConsent.marketingState.toLowerCase() }
            : null,
        }
      : null,
    customer_locale: node.customerLocale,
    financial_status: lower(node.displayFinancialStatus),
    fulfillment_status: fulfillmentStatusOf(node.displayFulfillmentStatus),
    total_price: node.totalPriceSet.shopMoney.amount,
    currency: node.currencyCode,
    line_items: node.lineItems.nodes.map((li) => ({
      id: legacyId(li.id),
      admin_graphql_api_id: li.id,
      product_id: li.product ? legacyId(li.product.id) : null,
      variant_id: li.variant ? legacyId(li.variant.id) : null,
      title: li.title,
      quantity: li.quantity,
      sku: li.sku,
      requires_shipping: li.requiresShipping,
      properties: li.customAttributes.map((a) => ({ name: a.key, value: a.value })),
    })),
    shipping_lines: node.shippingLines.nodes.map((l) => ({ title: l.title, code: l.code, source: l.source })),
    shipping_address: address(node.shippingAddress),
    billing_address: address(node.billingAddress),
    created_at: node.createdAt,
    processed_at: node.processedAt,
    updated_at: node.updatedAt,
    cancelled_at: node.cancelledAt,
    cancel_reason: lower(node.cancelReason),
    fulfillments: node.fulfillments.map((f) => fulfillmentBody(f, orderId)),
  };
  const fulfillmentEvents = node.fulfillments.flatMap((f) =>
    f.events.nodes.map((e) => ({
      id: legacyId(e.id),
      admin_graphql_api_id: e.id,
      fulfillment_id: f.legacyResourceId,
      order_id: orderId,
      status: e.status.toLowerCase(),
      happened_at: e.happenedAt,
      created_at: e.createdAt,
      city: e.city,
      province: e.province,
      country: e.country,
      zip: e.zip,
      message: e.message,
      estimated_delivery_at: e.estimatedDeliveryAt,
      latitude: e.latitude,
      longitude: e.longitude,
    })),
  );
  const { returns, reverseDeliveries, disposals } = returnBodies(node);
  const refunds = (node.refunds ?? []).map((r) => refundBody(r, orderId));
  return { order, fulfillmentEvents, returns, reverseDeliveries, disposals, refunds };
}

const date = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);
const ref = (gid: string) => ({ id: legacyId(gid), admin_graphql_api_id: gid });

// ReturnStatus → the return topics whose webhooks that state implies, in story order. Declined and
// cancelled returns have no time of their own in the API: their closedAt, else createdAt (decision 009).
function returnTopics(r: ReturnNode): { topic: string; at: Date | null }[] {
  const requested = { topic: "returns/request", at: date(r.createdAt) };
  const approved = { topic: "returns/approve", at: date(r.requestApprovedAt) };
  const ended = date(r.closedAt) ?? date(r.createdAt);
  switch (r.status) {
    case "REQUESTED":
      return [requested];
    case "OPEN":
      return [requested, approved];
    case "DECLINED":
      return [requested, { topic: "returns/decline", at: ended }];
    case "CANCELED":
      return [requested, { topic: "returns/cancel", at: ended }];
    case "CLOSED":
      return [requested, approved, { topic: "returns/close", at: ended }];
    default:
      return [requested];
  }
}

function returnBodies(node: OrderNode): Pick<WebhookShaped, "returns" | "reverseDeliveries" | "disposals"> {
  const returns: TimedBody[] = [];
  const reverseDeliveries: TimedBody[] = [];
  const disposals: TimedBody[] = [];
  const order = ref(node.id);
  for (const r of node.returns?.nodes ?? []) {
    const body: Body = {
      id: legacyId(r.id),
      admin_graphql_api_id: r.id,
      name: r.name,
      status: lower(r.status),
      order,
      decline: r.decline ? { reason: lower(r.decline.reason), note: r.decline.note } : null,
      return_line_items: r.returnLineItems.nodes.map((li) => ({
        id: legacyId(li.id),
        admin_graphql_api_id: li.id,
        quantity: li.quantity,
        return_reason: lower(li.returnReason),
        return_reason_note: li.returnReasonNote,
        customer_note: li.customerNote,
        fulfillment_line_item: li.fulfillmentLineItem
          ? {
              ...ref(li.fulfillmentLineItem.id),
              line_item: li.fulfillmentLineItem.lineItem ? ref(li.fulfillmentLineItem.lineItem.id) : null,
            }
          : null,
      })),
    };
    for (const { topic, at } of returnTopics(r)) if (at) returns.push({ topic, body, at });
    // A disposition has no time in the API: the first refund of the return, else its close, else the
    // order's last update stands for "received" (decision 009).
    const refundAt = (node.refunds ?? [])
      .filter((f) => f.return?.id === r.id)
      .map((f) => new Date(f.createdAt).getTime())
      .sort((a, b) => a - b)[0];
    const receivedAt = refundAt !== undefined ? new Date(refundAt) : (date(r.closedAt) ?? new Date(node.updatedAt));
    for (const rfo of r.reverseFulfillmentOrders.nodes) {
      const deliveryLineOf = new Map<string, string>();
      for (const rd of rfo.reverseDeliveries.nodes) {
        for (const li of rd.reverseDeliveryLineItems.nodes)
          if (li.reverseFulfillmentOrderLineItem) deliveryLineOf.set(li.reverseFulfillmentOrderLineItem.id, li.id);
        const d = rd.deliverable;
        if (!d || (!d.label && !d.tracking)) continue;
        const labelAt = date(d.label?.createdAt);
        reverseDeliveries.push({
          topic: "reverse_deliveries/attach_deliverable",
          at: labelAt ?? date(r.requestApprovedAt) ?? new Date(node.updatedAt),
          body: {
            id: legacyId(rd.id),
            admin_graphql_api_id: rd.id,
            return: ref(r.id),
            shipping_deliverable: {
              label: d.label ? { created_at: d.label.createdAt, public_file_url: d.label.publicFileUrl } : null,
              tracking: d.tracking
                ? {
                    carrier_name: d.tracking.carrierName,
                    tracking_number: d.tracking.number,
                    tracking_url: d.tracking.url,
                  }
                : null,
            },
          },
        });
      }
      const dispositions = rfo.lineItems.nodes.flatMap((li) =>
        li.dispositions.map((x) => {
          const rdli = deliveryLineOf.get(li.id);
          return {
            type: x.type.toLowerCase(),
            quantity: x.quantity,
            location: x.location ? ref(x.location.id) : null,
            reverse_fulfillment_order_line_item: ref(li.id),
            reverse_delivery_line_item: rdli ? ref(rdli) : null,
          } satisfies Body;
        }),
      );
      if (dispositions.length === 0) continue;
      disposals.push({
        topic: "reverse_fulfillment_orders/dispose",
        at: receivedAt,
        body: {
          id: legacyId(rfo.id),
          admin_graphql_api_id: rfo.id,
          return: ref(r.id),
          total_dispositions: dispositions.length,
          dispositions,
        },
      });
    }
  }
  return { returns, reverseDeliveries, disposals };
}

function refundBody(r: RefundNode, orderId: string): Body {
  return {
    id: legacyId(r.id),
    admin_graphql_api_id: r.id,
    order_id: orderId,
    created_at: r.createdAt,
    return: r.return ? ref(r.return.id) : null,
    transactions: r.transactions.nodes.map((t) => ({
      kind: t.kind.toLowerCase(),
      status: t.status.toLowerCase(),
      amount: t.amountSet.shopMoney.amount,
      currency: t.amountSet.shopMoney.currencyCode,
    })),
  };
}

/** Shopify's search syntax for the orders the import and reconciliation ask for. */
export function ordersSearch(updatedSince: Date): string {
  return `updated_at:>='${updatedSince.toISOString()}'`;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Milliseconds until the bucket holds `cost` points again (0 when it already does). */
export function restoreWaitMs(status: ThrottleStatus, cost: number): number {
  const need = Math.min(cost, status.maximumAvailable) - status.currentlyAvailable;
  if (need <= 0 || status.restoreRate <= 0) return 0;
  return Math.ceil((need / status.restoreRate) * 1000);
}
