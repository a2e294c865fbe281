// refunds/create → record and fact.
import { z } from "zod";
import { type ShipmentFact } from "../rules/types";
import { Gid, Id, IsoTime, Money, objectId, parseWith, Ref, refId, requiredId, Text, text } from "./fields";

const MoneySetSchema = z.object({ shop_money: z.object({ currency_code: Text }).nullish() }).nullish();

const RefundSchema = z.object({
  id: Id,
  admin_graphql_api_id: Gid,
  order_id: Id,
  created_at: IsoTime,
  return: Ref.nullish(),
  transactions: z.array(z.object({ kind: Text, status: Text, amount: Money, currency: Text })).nullish(),
  refund_line_items: z.array(z.object({ subtotal_set: MoneySetSchema })).nullish(),
  total_duties_set: MoneySetSchema,
});

export interface RefundRecord {
  shopifyId: string;
  orderShopifyId: string;
  /** The linked return (refund.return), else null. */
  returnShopifyId: string | null;
  /** Sum of the refund's transactions of kind "refund" that did not fail (status not failure/error). */
  amountCents: number;
  /** The transactions' currency, else the refunded lines' shop currency, else null. */
  currency: string | null;
  createdAt: Date;
}

/** refunds/create. */
export function parseRefund(json: unknown, topic = "refunds/create"): RefundRecord {
  const r = parseWith(RefundSchema, json, topic);
  const transactions = (r.transactions ?? []).filter(
    (t) =>
      (t.kind ?? "refund").toLowerCase() === "refund" && !["failure", "error"].includes((t.status ?? "").toLowerCase()),
  );
  const currency =
    transactions.map((t) => text(t.currency)).find(Boolean) ??
    (r.refund_line_items ?? []).map((li) => text(li.subtotal_set?.shop_money?.currency_code)).find(Boolean) ??
    text(r.total_duties_set?.shop_money?.currency_code);
  return {
    shopifyId: objectId(topic, "", r),
    orderShopifyId: requiredId(topic, "order_id", r.order_id),
    returnShopifyId: refId(topic, "return", r.return),
    amountCents: transactions.reduce((sum, t) => sum + t.amount, 0),
    currency: currency ?? null,
    createdAt: r.created_at,
  };
}

/** `refund_issued` at created_at, key `rf:<refund id>`, source "refund". */
export function factFromRefund(rec: RefundRecord): ShipmentFact {
  return { key: `rf:${rec.shopifyId}`, source: "refund", status: "refund_issued", at: rec.createdAt };
}
