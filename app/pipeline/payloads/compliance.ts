// The mandatory compliance topics: customers/data_request, customers/redact, shop/redact.
import { z } from "zod";
import { Id, optionalId, parseWith, PayloadError, requiredId, Text, text } from "./fields";

const ComplianceCustomer = z.object({ id: Id.nullish(), email: Text, phone: Text }).nullish();

const DataRequestSchema = z.object({
  shop_id: Id,
  shop_domain: z.string(),
  customer: ComplianceCustomer,
  orders_requested: z.array(Id).nullish(),
  data_request: z.object({ id: Id.nullish() }).nullish(),
});
const CustomersRedactSchema = z.object({
  shop_id: Id,
  shop_domain: z.string(),
  customer: ComplianceCustomer,
  orders_to_redact: z.array(Id).nullish(),
});
const ShopRedactSchema = z.object({ shop_id: Id, shop_domain: z.string() });

export interface ComplianceCustomerRecord {
  id: string | null;
  /** Lower-cased. */
  email: string | null;
  /** Raw. */
  phone: string | null;
}

export interface CustomersDataRequestRecord {
  shopId: string;
  shopDomain: string;
  customer: ComplianceCustomerRecord;
  ordersRequested: string[];
  dataRequestId: string | null;
}

export interface CustomersRedactRecord {
  shopId: string;
  shopDomain: string;
  customer: ComplianceCustomerRecord;
  ordersToRedact: string[];
}

export interface ShopRedactRecord {
  shopId: string;
  shopDomain: string;
}

function complianceCustomer(topic: string, c: z.output<typeof ComplianceCustomer>): ComplianceCustomerRecord {
  const email = text(c?.email);
  return {
    id: optionalId(topic, "customer.id", c?.id),
    email: email ? email.toLowerCase() : null,
    phone: text(c?.phone),
  };
}

function shopDomain(topic: string, value: string): string {
  const d = value.trim().toLowerCase();
  if (!d) throw new PayloadError(topic, "shop_domain", "must not be empty");
  return d;
}

/** customers/data_request. */
export function parseCustomersDataRequest(json: unknown, topic = "customers/data_request"): CustomersDataRequestRecord {
  const p = parseWith(DataRequestSchema, json, topic);
  return {
    shopId: requiredId(topic, "shop_id", p.shop_id),
    shopDomain: shopDomain(topic, p.shop_domain),
    customer: complianceCustomer(topic, p.customer),
    ordersRequested: (p.orders_requested ?? []).map((id, i) => requiredId(topic, `orders_requested[${i}]`, id)),
    dataRequestId: optionalId(topic, "data_request.id", p.data_request?.id),
  };
}

/** customers/redact. */
export function parseCustomersRedact(json: unknown, topic = "customers/redact"): CustomersRedactRecord {
  const p = parseWith(CustomersRedactSchema, json, topic);
  return {
    shopId: requiredId(topic, "shop_id", p.shop_id),
    shopDomain: shopDomain(topic, p.shop_domain),
    customer: complianceCustomer(topic, p.customer),
    ordersToRedact: (p.orders_to_redact ?? []).map((id, i) => requiredId(topic, `orders_to_redact[${i}]`, id)),
  };
}

/** shop/redact. */
export function parseShopRedact(json: unknown, topic = "shop/redact"): ShopRedactRecord {
  const p = parseWith(ShopRedactSchema, json, topic);
  return { shopId: requiredId(topic, "shop_id", p.shop_id), shopDomain: shopDomain(topic, p.shop_domain) };
}
