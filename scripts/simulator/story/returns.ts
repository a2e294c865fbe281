// Return steps of a story: some delivered orders come back. The shopper asks (returns/request); the
// merchant declines, or approves and sends a label (reverse delivery), receives the parcel (dispose),
// refunds (refunds/create) and closes the return.
import { HOUR_MS } from "../../../app/lib/time";
import { CARRIERS, LOCATIONS, type Product } from "../catalog";
import { merge, type JsonObject } from "../payloads";
import { gid, lineItemBody, money, moneySet, T } from "./bodies";
import { emit, type StoryState } from "./state";

/** One return of the story: the first line, one unit. */
interface ReturnCase {
  /** The returned line. */
  k: number;
  product: Product;
  rid: number;
  rname: string;
  order: { id: number; admin_graphql_api_id: string };
  reason: string;
  lineItem: JsonObject;
  requested: Date;
}

/** Whether this story has a return, and then all of it. */
export function returns(s: StoryState): void {
  if (!(s.lastDelivered > 0 && s.exception !== "failure" && s.rng.chance(0.1))) return;
  const r = requestReturn(s);
  if (s.rng.chance(0.12)) return declineReturn(s, r);
  const labelAt = approveReturn(s, r);
  const received = receiveReturn(s, r, labelAt);
  refundReturn(s, r, received);
}

function requestReturn(s: StoryState): ReturnCase {
  const { rng, id } = s;
  const k = 0;
  const rid = id.return;
  const requested = new Date(s.lastDelivered + rng.float(20, 140) * HOUR_MS);
  const order = { id: id.order, admin_graphql_api_id: gid("Order", id.order) };
  const reason = rng.pick([
    "size_too_small",
    "size_too_large",
    "unwanted",
    "not_as_described",
    "defective",
    "wrong_item",
    "style",
  ]);
  const lineItem = {
    id: id.returnLineItem,
    admin_graphql_api_id: gid("ReturnLineItem", id.returnLineItem),
    customer_note: rng.pick([
      "Didn't fit as expected.",
      "Changed my mind.",
      "Colour looks different in person.",
      "",
      "Arrived scratched.",
    ]),
    fulfillment_line_item: {
      id: id.fulfillmentLineItem(k),
      admin_graphql_api_id: gid("FulfillmentLineItem", id.fulfillmentLineItem(k)),
      line_item: { id: id.lineItem(k), admin_graphql_api_id: gid("LineItem", id.lineItem(k)) },
    },
    quantity: 1,
    return_reason: reason,
    return_reason_note: "",
  };
  const rname = `${s.name}-R1`;
  emit(s, "returns/request", requested, () =>
    merge(T().requestReturn, { id: rid, name: rname, order, return_line_items: [lineItem], status: "requested" }),
  );
  return { k, product: s.products[k] as Product, rid, rname, order, reason, lineItem, requested };
}

function declineReturn(s: StoryState, r: ReturnCase): void {
  s.returned = "declined";
  const at = new Date(r.requested.getTime() + s.rng.float(3, 30) * HOUR_MS);
  emit(s, "returns/decline", at, () =>
    merge(T().decline, {
      id: r.rid,
      status: "declined",
      decline: { reason: "final_sale", note: "This item was marked final sale at checkout." },
    }),
  );
}

/** Approved, and a return label bought from a carrier of the destination's region. Returns the label's time. */
function approveReturn(s: StoryState, r: ReturnCase): Date {
  const { rng, id, t, dest } = s;
  s.returned = "refunded";
  const approved = new Date(r.requested.getTime() + rng.float(2, 20) * HOUR_MS);
  emit(s, "returns/approve", approved, () =>
    merge(T().approve, { id: r.rid, name: r.rname, order: r.order, return_line_items: [r.lineItem], status: "open" }),
  );
  const labelAt = new Date(approved.getTime() + 70_000);
  const rc =
    dest?.region === "CA"
      ? CARRIERS["Canada Post"]
      : dest?.region === "US"
        ? CARRIERS[rng.pick(["UPS", "USPS"] as const)]
        : CARRIERS["DHL Express"];
  const rnum = rc.trackingNumber(rng);
  emit(s, "reverse_deliveries/attach_deliverable", labelAt, () =>
    merge(T().reverse, {
      id: id.reverseDelivery,
      return: { id: r.rid, admin_graphql_api_id: gid("Return", r.rid) },
      shipping_deliverable: {
        label: {
          created_at: t(labelAt),
          public_file_url: `https://cdn.shopify.com/s/files/1/0723/4567/8901/files/return-label-${s.orderNumber}-R1.pdf?v=${Math.floor(labelAt.getTime() / 1000)}`,
        },
        tracking: { carrier_name: rc.name, tracking_number: rnum, tracking_url: rc.trackingUrl(rnum) },
      },
    }),
  );
  return labelAt;
}

/** The parcel reaches the warehouse: restocked, unless defective. Returns when it arrived. */
function receiveReturn(s: StoryState, r: ReturnCase, labelAt: Date): Date {
  const { id } = s;
  const received = new Date(labelAt.getTime() + s.rng.lognormal(100 * HOUR_MS, 0.3));
  emit(s, "reverse_fulfillment_orders/dispose", received, () =>
    merge(T().dispose, {
      id: id.rfo,
      total_dispositions: 1,
      dispositions: [
        {
          location: { id: LOCATIONS.warehouse.id, admin_graphql_api_id: gid("Location", LOCATIONS.warehouse.id) },
          quantity: 1,
          reverse_delivery_line_item: {
            id: id.reverseDeliveryLineItem,
            admin_graphql_api_id: gid("ReverseDeliveryLineItem", id.reverseDeliveryLineItem),
          },
          reverse_fulfillment_order_line_item: {
            id: id.rfoLineItem,
            admin_graphql_api_id: gid("ReverseFulfillmentOrderLineItem", id.rfoLineItem),
          },
          type: r.reason === "defective" ? "not_restocked" : "restocked",
        },
      ],
    }),
  );
  return received;
}

/** The unit's price and tax refunded, then the return closed. */
function refundReturn(s: StoryState, r: ReturnCase, received: Date): void {
  const { id, t, taxRate } = s;
  const { k, product: p } = r;
  const refundedAt = new Date(received.getTime() + s.rng.float(0.2, 3) * HOUR_MS);
  const amount = money(Number(p.price) * (1 + taxRate));
  emit(s, "refunds/create", refundedAt, () =>
    merge(T().refund, {
      id: id.refund,
      created_at: t(refundedAt),
      processed_at: t(refundedAt),
      order_id: id.order,
      note: `Return ${r.rname}`,
      return: { id: r.rid, admin_graphql_api_id: gid("Return", r.rid) },
      refund_line_items: [
        {
          id: id.refund + 1,
          line_item: lineItemBody(s, k, "fulfilled", 0),
          line_item_id: id.lineItem(k),
          location_id: LOCATIONS.warehouse.id,
          quantity: 1,
          restock_type: "return",
          subtotal: Number(p.price),
          subtotal_set: moneySet(p.price),
          total_tax: Number(money(Number(p.price) * taxRate)),
          total_tax_set: moneySet(money(Number(p.price) * taxRate)),
        },
      ],
      transactions: [
        merge((T().refund["transactions"] as JsonObject[])[0] as JsonObject, {
          id: id.transaction,
          admin_graphql_api_id: gid("OrderTransaction", id.transaction),
          amount,
          created_at: t(refundedAt),
          processed_at: t(refundedAt),
          order_id: id.order,
          message: `Refunded ${amount} USD`,
        }),
      ],
    }),
  );
  const closed = new Date(refundedAt.getTime() + 3000);
  emit(s, "returns/close", closed, () => merge(T().close, { id: r.rid, order_id: id.order, status: "closed" }));
}
