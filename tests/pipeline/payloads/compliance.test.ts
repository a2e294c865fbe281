import { describe, expect, it } from "vitest";
import {
  parseCustomersDataRequest,
  parseCustomersRedact,
  parseShopRedact,
} from "../../../app/pipeline/payloads/compliance";
import {
  IDS,
  SHOP_DOMAIN,
  customersDataRequestPayload,
  loadFixture,
  shopRedactPayload,
} from "../../../scripts/simulator/payloads";
import { payloadError } from "./helpers";

describe("compliance topics", () => {
  it("reads customers/data_request", () => {
    expect(parseCustomersDataRequest(loadFixture("customers-data_request"))).toEqual({
      shopId: IDS.shop,
      shopDomain: SHOP_DOMAIN,
      customer: { id: IDS.customerMaya, email: "maya.chen@example.com", phone: "+16175550142" },
      ordersRequested: [IDS.order1001, IDS.order1002],
      dataRequestId: "4455",
    });
    const guest = parseCustomersDataRequest(
      customersDataRequestPayload({ customer: { id: null, email: "Guest@Example.com", phone: null } }),
    );
    expect(guest.customer).toEqual({ id: null, email: "guest@example.com", phone: null });
  });

  it("reads customers/redact and shop/redact", () => {
    expect(parseCustomersRedact(loadFixture("customers-redact"))).toEqual({
      shopId: IDS.shop,
      shopDomain: SHOP_DOMAIN,
      customer: { id: IDS.customerMaya, email: "maya.chen@example.com", phone: "+16175550142" },
      ordersToRedact: [IDS.order1001, IDS.order1002],
    });
    expect(parseShopRedact(loadFixture("shop-redact"))).toEqual({ shopId: IDS.shop, shopDomain: SHOP_DOMAIN });
    expect(payloadError(() => parseShopRedact(shopRedactPayload({ shop_domain: undefined }))).message).toBe(
      "shop/redact payload: shop_domain is missing",
    );
  });

  it("names the field of the wrong type", () => {
    expect(payloadError(() => parseCustomersRedact(customersDataRequestPayload({ shop_id: true }))).message).toMatch(
      /^customers\/redact payload: shop_id has the wrong type/,
    );
  });
});
